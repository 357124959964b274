"""Diagonals and triangles: the ``diagonal`` view and its adjoint ``diagonal_embed`` are
primitives (each is the other's backward); ``diag``, ``trace``, ``tril`` and ``triu`` are
built from them and from ``where``.

A diagonal is named as in PyTorch by ``offset`` (0 the main one, > 0 above it, < 0 below)
and the two dims it runs across, ``dim1`` (rows) and ``dim2`` (columns). It becomes the
last dim of the result.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function, register
from ..internal import wrap
from ..tensor import Tensor
from ._util import int_arg, normalize_dim, type_name, unary_input, writable_twin
from .broadcasting import sum
from .elementwise import clone
from .out_argument import takes_out
from .selection import where


def _diagonal_array(x: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
    """``np.diagonal``, but writable wherever ``x`` is (NumPy hands back a read-only view,
    and an in-place op on the view must write through to ``x``)."""
    d = np.diagonal(x, offset, dim1, dim2)
    twin = writable_twin(d) if x.flags.writeable and d.size else None
    return d if twin is None else twin


@register("diagonal")
class Diagonal(Function):
    """z = the diagonal of x at ``offset`` across ``dim1, dim2`` (a view).
    dz/dx: g laid on that diagonal of zeros (``diagonal_embed``)."""

    is_view = True

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.shape, ctx.where = x.shape, (offset, dim1, dim2)
        return _diagonal_array(x, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, g):
        return DiagonalEmbed.apply(g, ctx.shape, *ctx.where), None, None, None


@register("diagonal_embed")
class DiagonalEmbed(Function):
    """z = zeros(shape) with g on the diagonal at ``offset`` across ``dim1, dim2``.
    dz/dg: the diagonal of the incoming gradient."""

    @staticmethod
    def forward(ctx, g, shape, offset, dim1, dim2):
        ctx.where = offset, dim1, dim2
        out = np.zeros(shape, dtype=g.dtype)
        if g.size:
            writable_twin(np.diagonal(out, offset, dim1, dim2))[...] = g
        return out

    @staticmethod
    def backward(ctx, gg):
        return Diagonal.apply(gg, *ctx.where), None, None, None, None


# --- public functions --------------------------------------------------------------------
def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal at ``offset`` across ``dim1`` and ``dim2``, which are removed; the
    diagonal becomes the last dim. A view: writes to it change ``input``.

    Examples
    --------
    >>> minigrad.arange(6.).reshape(2, 3).diagonal(1)
    tensor([1., 5.])
    """
    input = unary_input("diagonal", input)
    a = normalize_dim(dim1, input.ndim, "diagonal")
    b = normalize_dim(dim2, input.ndim, "diagonal")
    if a == b:
        raise RuntimeError(f"diagonal: diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, int_arg("diagonal", offset, "offset"), a, b)


@takes_out("same", autograd="record")
def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D tensor laid on the ``diagonal`` of a square zero matrix, or the ``diagonal``
    of a 2-D tensor (a copy)."""
    input = unary_input("diag", input)
    diagonal = int_arg("diag", diagonal, "diagonal")
    if input.ndim == 1:
        n = input.shape[0] + abs(diagonal)
        return DiagonalEmbed.apply(input, (n, n), diagonal, 0, 1)
    if input.ndim == 2:
        return clone(Diagonal.apply(input, diagonal, 0, 1))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D "
                       f"(shape {tuple(input.shape)})")


def trace(input: Tensor) -> Tensor:
    """The sum of the main diagonal of a matrix (integers add up in int64)."""
    input = unary_input("trace", input)
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim} "
                           f"(shape {tuple(input.shape)})")
    if input.dtype == np.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    return sum(Diagonal.apply(input, 0, 0, 1))


def _triangle(op: str, input: Any, diagonal: int, keep: Any) -> Tensor:
    input = unary_input(op, input)
    if input.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions, got shape "
                           f"{tuple(input.shape)}")
    rows, cols = input.shape[-2:]
    mask = keep(np.ones((rows, cols), dtype=bool), int_arg(op, diagonal, "diagonal"))
    return where(wrap(mask), input, wrap(np.zeros((), input.dtype)))


@takes_out("same")
def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dims: elements above ``diagonal`` become 0."""
    return _triangle("tril", input, diagonal, np.tril)


@takes_out("same")
def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dims: elements below ``diagonal`` become 0."""
    return _triangle("triu", input, diagonal, np.triu)


def _triangle_indices(op: str, row: int, col: int, offset: int, keep: Any,
                      dtype: Any) -> Tensor:
    row, col, offset = (int_arg(op, v, name) for v, name in ((row, "row"), (col, "col"),
                                                              (offset, "offset")))
    if row < 0 or col < 0:
        raise RuntimeError(f"{op}: row and col must be non-negative, got {row} and {col}")
    mask = keep(np.ones((row, col), dtype=bool), offset)
    return wrap(np.stack(np.nonzero(mask)).astype(dtype if dtype is not None else np.int64))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None, layout: Any = None) -> Tensor:
    """The (2, N) coordinates of the lower triangle of a ``row`` x ``col`` matrix, row by
    row (int64 unless ``dtype`` says otherwise)."""
    return _triangle_indices("tril_indices", row, col, offset, np.tril, dtype)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None, layout: Any = None) -> Tensor:
    """The (2, N) coordinates of the upper triangle of a ``row`` x ``col`` matrix."""
    return _triangle_indices("triu_indices", row, col, offset, np.triu, dtype)



def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Each vector along the last dim laid on the ``offset`` diagonal of a new matrix
    spanning ``dim1`` and ``dim2`` (dims of the result, which has one more)."""
    input = unary_input("diag_embed", input)
    offset = int_arg("diag_embed", offset, "offset")
    ndim = input.ndim + 1
    a, b = (normalize_dim(d, ndim, "diag_embed") for d in (dim1, dim2))
    if a == b:
        raise RuntimeError(f"diag_embed: diagonal dimensions cannot be identical {dim1}, "
                           f"{dim2}")
    n = (input.shape[-1] if input.ndim else 1) + abs(offset)
    rest = iter(input.shape[:-1])
    shape = tuple(n if d in (a, b) else next(rest) for d in range(ndim))
    return DiagonalEmbed.apply(input, shape, offset, a, b)


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """The flattened input laid on the ``offset`` diagonal of a square matrix."""
    input = unary_input("diagflat", input)
    return diag(input.reshape(-1), offset)


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0,
                     dim2: int = 1) -> Tensor:
    """A copy of ``input`` with ``src`` on the diagonal that `diagonal` (with the same
    arguments) reads."""
    region = diagonal(input, offset, dim1, dim2)  # checks the arguments
    if not isinstance(src, Tensor) or region.shape != src.shape:
        found = list(src.shape) if isinstance(src, Tensor) else type_name(src)
        raise RuntimeError(f"diagonal_scatter: expected src to have a size equal to the slice "
                           f"of self. src size = {found}, slice size = {list(region.shape)}")
    a, b = (normalize_dim(d, input.ndim, "diagonal_scatter") for d in (dim1, dim2))
    on_diagonal = np.zeros(input.shape, dtype=bool)
    if src.numel():
        writable_twin(np.diagonal(on_diagonal, offset, a, b))[...] = True
    laid = DiagonalEmbed.apply(src.to(input.dtype), input.shape, int(offset), a, b)
    return where(wrap(on_diagonal), laid, input)
