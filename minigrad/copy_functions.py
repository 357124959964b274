"""PyTorch's ``*_copy`` functions: a view op whose result is a new, contiguous tensor
instead of a view (``view_copy(x, shape)`` is ``x.view(shape).clone()``), and
``as_strided_scatter``.

Each is differentiable as the view followed by a copy is; the result never shares
memory with ``input``. ``split_copy``, ``split_with_sizes_copy`` and ``unbind_copy``
return a tuple of such copies. Those that take ``out=`` in PyTorch take it here.
"""
from __future__ import annotations

from typing import Any, Sequence

from .dtypes import is_dtype
from .ops._util import normalize_dim
from .ops.out_argument import takes_out
from .tensor import Tensor
from .tensor_args import type_name
from .type_objects import contiguous_format


def _input(value: Any, op: str) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type_name(value)}")
    return value


def _copy(view: Tensor) -> Tensor:
    """A new row-major tensor of ``view``'s values (in the graph)."""
    return view.clone(memory_format=contiguous_format)


@takes_out("same")
def view_copy(input: Tensor, size: Any) -> Tensor:
    """``input.view(size)``, copied: ``input.reshape(size)`` for a shape (which need not
    fit the strides, as the result is copied anyway), or the bytes reinterpreted as a
    dtype."""
    input = _input(input, "view_copy")
    return _copy(input.view(size) if is_dtype(size) else input.reshape(size))


def permute_copy(input: Tensor, dims: Sequence[int]) -> Tensor:
    """``input.permute(dims)``, copied."""
    return _copy(_input(input, "permute_copy").permute(dims))


def transpose_copy(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """``input.transpose(dim0, dim1)``, copied."""
    return _copy(_input(input, "transpose_copy").transpose(dim0, dim1))


@takes_out("same")
def t_copy(input: Tensor) -> Tensor:
    """``input.t()``, copied."""
    return _copy(_input(input, "t_copy").t())


def expand_copy(input: Tensor, size: Sequence[int], *, implicit: bool = False) -> Tensor:
    """``input.expand(size)``, copied (``implicit`` has no effect, as in PyTorch)."""
    return _copy(_input(input, "expand_copy").expand(size))


@takes_out("same")
def squeeze_copy(input: Tensor, dim: Any = None) -> Tensor:
    """``input.squeeze(dim)``, copied."""
    return _copy(_input(input, "squeeze_copy").squeeze(dim))


def unsqueeze_copy(input: Tensor, dim: int) -> Tensor:
    """``input.unsqueeze(dim)``, copied."""
    return _copy(_input(input, "unsqueeze_copy").unsqueeze(dim))


def select_copy(input: Tensor, dim: int, index: int) -> Tensor:
    """``input.select(dim, index)``, copied."""
    return _copy(_input(input, "select_copy").select(dim, index))


@takes_out("same")
def slice_copy(input: Tensor, dim: int = 0, start: int | None = None, end: int | None = None,
               step: int = 1) -> Tensor:
    """``input[..., start:end:step, ...]`` along ``dim``, copied."""
    input = _input(input, "slice_copy")
    if step <= 0:
        raise RuntimeError(f"slice_copy: slice step must be positive, got {step}")
    key = (slice(None),) * normalize_dim(dim, input.ndim, "slice_copy") + (
        slice(start, end, step),)
    return _copy(input[key])


@takes_out("same")
def diagonal_copy(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """``input.diagonal(offset, dim1, dim2)``, copied."""
    return _copy(_input(input, "diagonal_copy").diagonal(offset, dim1, dim2))


@takes_out("same")
def detach_copy(input: Tensor) -> Tensor:
    """``input.detach()``, copied: new memory, outside the graph (PyTorch's result
    requires grad and then has no derivative; minigrad's is simply detached)."""
    return _copy(_input(input, "detach_copy").detach())


@takes_out("same")
def alias_copy(input: Tensor) -> Tensor:
    """A copy of ``input`` (an alias of it, copied)."""
    return _copy(_input(input, "alias_copy"))


def unfold_copy(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """``input.unfold(dimension, size, step)``, copied."""
    return _copy(_input(input, "unfold_copy").unfold(dimension, size, step))


def as_strided_copy(input: Tensor, size: Sequence[int], stride: Sequence[int],
                    storage_offset: int | None = None) -> Tensor:
    """``input.as_strided(size, stride, storage_offset)``, copied."""
    return _copy(_input(input, "as_strided_copy").as_strided(size, stride, storage_offset))


def unbind_copy(input: Tensor, dim: int = 0, *,
                out: Sequence[Tensor] | None = None) -> tuple[Tensor, ...] | None:
    """``input.unbind(dim)``, each slice copied (into the tensors of ``out``, one per
    slice, if given; then nothing is returned, as in PyTorch)."""
    pieces = tuple(_copy(t) for t in _input(input, "unbind_copy").unbind(dim))
    if out is None:
        return pieces
    if len(out) != len(pieces):
        raise RuntimeError(f"unbind_copy: expected {len(pieces)} tensors in out, got "
                           f"{len(out)} (input of shape {tuple(input.shape)}, dim {dim})")
    for target, piece in zip(out, pieces):
        target.resize_(piece.shape).copy_(piece)
    return None


def split_copy(input: Tensor, split_size: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``input.split(split_size, dim)`` (an int size), each piece copied."""
    if isinstance(split_size, bool) or not isinstance(split_size, int):
        raise TypeError(f"split_copy(): argument 'split_size' (position 2) must be int, not "
                        f"{type_name(split_size)}")
    return tuple(_copy(t) for t in _input(input, "split_copy").split(split_size, dim))


def split_with_sizes_copy(input: Tensor, split_sizes: Sequence[int],
                          dim: int = 0) -> tuple[Tensor, ...]:
    """``input.split_with_sizes(split_sizes, dim)``, each piece copied."""
    pieces = _input(input, "split_with_sizes_copy").split_with_sizes(split_sizes, dim)
    return tuple(_copy(t) for t in pieces)


def as_strided_scatter(input: Tensor, src: Tensor, size: Sequence[int], stride: Sequence[int],
                       storage_offset: int | None = None) -> Tensor:
    """A copy of ``input`` (row-major) in which the elements that
    ``as_strided(size, stride, storage_offset)`` would view hold ``src``; gradients
    flow to ``src`` from those elements and to ``input`` from the rest."""
    out = _copy(_input(input, "as_strided_scatter"))
    if not isinstance(src, Tensor):
        raise TypeError(f"as_strided_scatter(): argument 'src' (position 2) must be Tensor, "
                        f"not {type_name(src)}")
    out.as_strided(size, stride, storage_offset).copy_(src)
    return out
