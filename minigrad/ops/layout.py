"""Rearranging elements, built from the movement and indexing primitives: ``flip``,
``roll``, ``repeat``, ``tile``, ``unflatten``, ``t``, ``movedim``, broadcasting,
``meshgrid``, the ``*stack`` family and ``tensor_split``. Their gradients come from the
primitives they are made of.
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from ..autograd import views
from ..internal import named
from ..tensor import Tensor
from ._util import (broadcast_shape, input_layout_result, int_tuple, normalize_dim,
                    type_name)
from .elementwise import clone
from .indexing import reverse
from .movement import cat, expand, narrow, permute, reshape, split, transpose
from .out_argument import takes_out


@input_layout_result
def flip(input: Tensor, dims: Sequence[int]) -> Tensor:
    """Reverse the order of elements along each of ``dims``."""
    dims = _dims_arg("flip", dims)
    flipped = {normalize_dim(d, input.ndim, "flip") for d in dims}
    if len(flipped) != len(dims):
        raise RuntimeError(f"flip: a dim appears multiple times in the list of dims {dims}")
    # a copy, as PyTorch's flip is (the reversed view alone would share memory)
    return clone(reverse(input, flipped)) if flipped else clone(input)


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements along ``dims`` by ``shifts``, wrapping around; without ``dims`` the
    tensor is flattened, rolled and given its shape back."""
    shifts = int_tuple("roll", shifts if isinstance(shifts, (tuple, list)) else (shifts,),
                       "shifts")
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"roll: shifts and dimensions must align. shifts: "
                               f"{len(shifts)}, dims: 0")
        return reshape(roll(reshape(input, (-1,)), shifts, 0), input.shape)
    dims = int_tuple("roll", dims if isinstance(dims, (tuple, list)) else (dims,), "dims")
    if len(shifts) != len(dims):
        raise RuntimeError(f"roll: shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims: {len(dims)}")
    out = input
    for shift, dim in zip(shifts, dims):
        dim = normalize_dim(dim, input.ndim, "roll")
        n = input.shape[dim]
        s = shift % n if n else 0
        if s:
            out = cat([narrow(out, dim, n - s, s), narrow(out, dim, 0, n - s)], dim)
    return clone(input) if out is input else out  # always new memory, as torch


def repeat(input: Tensor, sizes: Sequence[int]) -> Tensor:
    """The tensor repeated ``sizes[i]`` times along dim ``i``; extra leading sizes add
    new dims."""
    sizes = tuple(int(s) for s in sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(f"repeat: number of dimensions of repeat dims ({len(sizes)}) can "
                           f"not be smaller than number of dimensions of tensor "
                           f"({input.ndim}, shape {tuple(input.shape)})")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"repeat: repeats must be non-negative, got {list(sizes)}")
    shape = (1,) * (len(sizes) - input.ndim) + tuple(input.shape)
    # (s0, s1, ...) -> (1, s0, 1, s1, ...) -> expand to (r0, s0, r1, s1, ...) -> merge pairs
    spread = reshape(input, tuple(v for s in shape for v in (1, s)))
    big = expand(spread, tuple(v for r, s in zip(sizes, shape) for v in (r, s)))
    result = reshape(big, tuple(r * s for r, s in zip(sizes, shape)))
    return clone(result) if result._is_view() else result  # always new memory, as torch


def tile(input: Tensor, dims: Sequence[int]) -> Tensor:
    """Like `repeat`, but ``dims`` shorter than the tensor's rank is padded with
    leading ones."""
    dims = _dims_arg("tile", dims)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


def _dims_arg(op: str, dims: Any) -> tuple[int, ...]:
    """``dims`` given as a tuple or list of ints (a 0-d tensor among them counts as its
    int, as in PyTorch); a single int, a tensor or anything else is PyTorch's TypeError."""
    if not isinstance(dims, (tuple, list)):
        raise TypeError(f"{op}(): argument 'dims' (position 2) must be tuple of ints, not "
                        f"{type_name(dims)}")
    return int_tuple(op, dims, "dims")


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dimension ``dim`` into ``sizes`` (one entry may be -1)."""
    d = normalize_dim(dim, input.ndim, "unflatten")
    sizes = tuple(int(s) for s in sizes)
    n = input.shape[d]
    known = 1
    for s in sizes:
        known *= s if s != -1 else 1
    fits = (sizes.count(-1) == 1 and known and n % known == 0) or \
        (-1 not in sizes and known == n)
    if not sizes or not fits:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to "
                           f"the size of dim {dim} ({n}) in the input tensor")
    shape = tuple(input.shape)
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


def t(input: Tensor) -> Tensor:
    """The transpose of a matrix; 0-d and 1-d tensors come back as they are."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.ndim}D")
    return named(transpose(input, 0, 1), "TBackward0") if input.ndim == 2 else input


# --- moving and swapping dims (views) --------------------------------------------------
def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Move the dims ``source`` to the positions ``destination``; the other dims keep
    their order. A view."""
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source "
                           f"({list(src)} dims) should contain the same number of dims as "
                           f"destination ({list(dst)} dims)")
    src = tuple(normalize_dim(d, input.ndim, "movedim") for d in src)
    dst = tuple(normalize_dim(d, input.ndim, "movedim") for d in dst)
    for name, dims in (("source", src), ("destination", dst)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(dims)})")
    if input.ndim == 0:  # dims 0 and -1 name the tensor itself
        return permute(input, ())
    rest = iter(d for d in range(input.ndim) if d not in src)
    placed = dict(zip(dst, src))
    return permute(input, tuple(placed[i] if i in placed else next(rest)
                                for i in range(input.ndim)))


moveaxis = movedim  # NumPy's name, as torch.moveaxis


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """`transpose` under NumPy's name (a view)."""
    return transpose(input, axis0, axis1)


def swapdims(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """`transpose` under another name (a view)."""
    return transpose(input, dim0, dim1)


def ravel(input: Tensor) -> Tensor:
    """The elements as a 1-d tensor (a view where the memory allows, else a copy)."""
    return reshape(input, (-1,))


# --- broadcasting ----------------------------------------------------------------------
def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:
    """``input`` expanded to ``size`` (a view; -1 keeps a dim)."""
    return expand(input, tuple(size))


def broadcast_shapes(*shapes: Any) -> Any:
    """The shape that tensors of ``shapes`` broadcast to."""
    from ..size import Size
    return Size(broadcast_shape("broadcast_shapes", *[
        (s,) if isinstance(s, int) else tuple(s) for s in shapes]))


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """The tensors expanded to their common shape (views)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = broadcast_shape("broadcast_tensors", *[t.shape for t in tensors])
    return tuple(expand(t, shape) for t in tensors)


def meshgrid(*tensors: Tensor, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids from 1-d tensors: with ``indexing='ij'`` (the default) grid ``k``
    varies along dim ``k``; with ``'xy'`` the first two dims are swapped. Views."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass "
                      "the indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                           f"received: {indexing}")
    if not tensors:
        raise RuntimeError("torch.meshgrid: Expected at least one tensor")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor "
                               f"list but got a tensor of shape {tuple(t.shape)}")
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError("torch.meshgrid: Expected all tensors to have the same dtype")
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        order[0], order[1] = 1, 0
    shape = tuple(tensors[i].numel() for i in order)
    grids = []
    for k, t in enumerate(tensors):
        at = order.index(k)
        grids.append(expand(reshape(t, (1,) * at + (-1,) + (1,) * (len(shape) - at - 1)),
                            shape))
    return tuple(grids)


# --- stacking ------------------------------------------------------------------------
def atleast_1d(*tensors: Tensor) -> Any:
    """Each tensor with at least 1 dim (a 0-d one becomes shape (1,))."""
    return _atleast(tensors, lambda t: reshape(t, (1,)) if t.ndim == 0 else t)


def atleast_2d(*tensors: Tensor) -> Any:
    """Each tensor with at least 2 dims (new dims in front)."""
    return _atleast(tensors, lambda t: reshape(t, (1,) * (2 - t.ndim) + tuple(t.shape))
                    if t.ndim < 2 else t)


def atleast_3d(*tensors: Tensor) -> Any:
    """Each tensor with at least 3 dims: (n,) becomes (1, n, 1), (m, n) becomes (m, n, 1)."""
    def lift(t: Tensor) -> Tensor:
        if t.ndim >= 3:
            return t
        if t.ndim == 2:
            return reshape(t, tuple(t.shape) + (1,))
        return reshape(t, (1, t.numel(), 1))
    return _atleast(tensors, lift)


def _atleast(tensors: tuple, lift: Any) -> Any:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(lift(t) for t in tensors[0])
    out = tuple(lift(t) for t in tensors)
    return out[0] if len(out) == 1 else out


@takes_out(cast_error=TypeError)
def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 1 (dim 0 for 1-d tensors)."""
    tensors = atleast_1d(list(_stack_list("hstack", tensors)))
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


@takes_out(cast_error=TypeError)
def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 0, after making each tensor at least 2-d."""
    return cat(atleast_2d(list(_stack_list("vstack", tensors))), 0)


row_stack = vstack


@takes_out(cast_error=TypeError)
def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 2, after making each tensor at least 3-d."""
    return cat(atleast_3d(list(_stack_list("dstack", tensors))), 2)


@takes_out(cast_error=TypeError)
def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 1, 0-d and 1-d tensors becoming columns."""
    tensors = _stack_list("column_stack", tensors)
    return cat([reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t for t in tensors], 1)


def _stack_list(op: str, tensors: Any) -> list:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}(): argument 'tensors' must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    if not tensors:
        raise RuntimeError(f"{op}(): expects a non-empty TensorList")
    return list(tensors)


# --- splitting (views) ----------------------------------------------------------------
def tensor_split(input: Tensor, indices_or_sections: Any = None, dim: int = 0, *,
                 sections: int | None = None, indices: Any = None,
                 tensor_indices_or_sections: Any = None) -> tuple[Tensor, ...]:
    """Split into ``n`` nearly equal pieces (the first ``size % n`` one longer), or at the
    given indices, each piece ``x[i:j]`` with Python's slice bounds (as
    ``numpy.array_split``). Views. The keyword forms ``sections=``, ``indices=`` and
    ``tensor_indices_or_sections=`` are PyTorch's too."""
    given = [v for v in (indices_or_sections, sections, indices, tensor_indices_or_sections)
             if v is not None]
    if len(given) != 1:
        raise TypeError("tensor_split() expected one of indices_or_sections, sections, "
                        "indices or tensor_indices_or_sections")
    indices_or_sections = given[0]
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    d = normalize_dim(dim, input.ndim, "tensor_split")
    size = input.shape[d]
    spec = indices_or_sections
    if isinstance(spec, Tensor):
        if spec.dtype != np.int64 or spec.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a "
                               "zero-dimensional or one-dimensional tensor of dtype long, "
                               f"got dtype {spec.dtype} and shape {tuple(spec.shape)}")
        spec = int(spec.item()) if spec.ndim == 0 else [int(i) for i in spec.tolist()]
    if isinstance(spec, (int, np.integer)):
        n = int(spec)
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        big, small = size % n, size // n
        bounds = [i * small + min(i, big) for i in range(n + 1)]
    else:
        bounds = [0] + [int(i) for i in spec] + [size]
    pieces = []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        start, stop, _ = slice(start, stop).indices(size)  # Python's slice bounds
        pieces.append(narrow(input, d, start, max(stop - start, 0)))
    return views.mark_multi_output(tuple(pieces))


def split_with_sizes(input: Tensor, split_sizes: Sequence[int], dim: int = 0
                     ) -> tuple[Tensor, ...]:
    """Pieces of the listed sizes along ``dim``, which must add up to its size."""
    return split(input, list(split_sizes), dim)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """`tensor_split` along the columns: dim 1, or dim 0 of a 1-D tensor. A number of
    sections must divide that dim."""
    return _split_along("hsplit", input, indices_or_sections, 1 if input.ndim > 1 else 0, 1)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """`tensor_split` along dim 0 of a tensor of 2 or more dims (sections must divide)."""
    return _split_along("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """`tensor_split` along dim 2 of a tensor of 3 or more dims (sections must divide)."""
    return _split_along("dsplit", input, indices_or_sections, 2, 3)


def _split_along(op: str, input: Tensor, spec: Any, dim: int, min_dims: int
                 ) -> tuple[Tensor, ...]:
    if input.ndim < min_dims:
        raise RuntimeError(f"torch.{op} requires a tensor with at least {min_dims} "
                           f"dimension, but got a tensor with {input.ndim} dimensions!")
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        size = input.shape[dim]
        if spec == 0 or size % spec:
            raise RuntimeError(f"torch.{op} attempted to split along dimension {dim}, but "
                               f"the size of the dimension {size} is not divisible by the "
                               f"split_size {int(spec)}!")
    return tensor_split(input, spec, dim)


_NO_CONJ = "Consider using x.conj()."
_IDENTITY = "This function is the identity in these cases."


def transposed_0d(input: Tensor, name: str, advice: str = _NO_CONJ, stacklevel: int = 3
                  ) -> Tensor:
    """A 0-d tensor from ``adjoint``/``mH``/``H``/``mT``: itself, with PyTorch's
    deprecation warning."""
    warnings.warn(f"{name} is deprecated on 0-D tensors. {advice}", UserWarning,
                  stacklevel=stacklevel)
    return input


def reversed_dims(input: Tensor) -> Tensor:
    """``Tensor.T``: the dims in reverse order (a view). As in PyTorch, it warns for
    anything but a matrix or a vector: it is meant for matrices."""
    if input.ndim == 0:
        warnings.warn(f"Tensor.T is deprecated on 0-D tensors. {_IDENTITY}", UserWarning,
                      stacklevel=3)
    elif input.ndim > 2:
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse "
                      "their shape is deprecated and it will throw an error in a future "
                      "release. Consider `x.mT` to transpose batches of matrices or "
                      "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the "
                      "dimensions of a tensor.", UserWarning, stacklevel=3)
    return permute(input, tuple(range(input.ndim))[::-1])


def matrix_transpose(input: Tensor) -> Tensor:
    """``Tensor.mT``: the last two dims swapped (a view)."""
    if input.ndim == 0:
        return transposed_0d(input, "Tensor.mT", _IDENTITY, stacklevel=4)
    if input.ndim == 1:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           "Got 1-D tensor.")
    return transpose(input, -2, -1)


def adjoint(input: Tensor) -> Tensor:
    """The last two dims swapped (a view): the conjugate transpose of real matrices, or of
    each matrix of a batch."""
    if input.ndim == 0:
        return transposed_0d(input, "adjoint()", stacklevel=4)
    if input.ndim < 2:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of "
                           f"matrices. Got {input.ndim}-D tensor.")
    return transpose(input, -2, -1)


# --- rotating and flipping ------------------------------------------------------------
def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane of ``dims``, from the first dim
    towards the second (a copy)."""
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    a, b = (normalize_dim(d, input.ndim, "rot90") for d in dims)
    if a == b:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {a} and "
                           f"dim1 = {b}")
    k = k % 4
    if k == 1:
        return transpose(flip(input, (b,)), a, b)
    if k == 2:
        return flip(input, (a, b))
    if k == 3:
        return transpose(flip(input, (a,)), a, b)
    return clone(input)


def fliplr(input: Tensor) -> Tensor:
    """Reverse the order of the columns (dim 1); a copy."""
    if input.ndim < 2:
        raise RuntimeError(f"fliplr: Input must be >= 2-d, got shape {tuple(input.shape)}")
    return flip(input, (1,))


def flipud(input: Tensor) -> Tensor:
    """Reverse the order of the rows (dim 0); a copy."""
    if input.ndim < 1:
        raise RuntimeError("flipud: Input must be >= 1-d.")
    return flip(input, (0,))
