"""Norms built from primitives: ``norm`` and the ``linalg`` vector and matrix norms
(``vector_norm``, ``matrix_norm``, ``linalg.norm``, which picks one of them)."""
from __future__ import annotations

import math
from typing import Any

from ..internal import array_of
from ..tensor import Tensor
from . import elementwise, movement, reduction
from ._util import float_input_to, normalize_dim, normalize_dims, unary_input
from .broadcasting import sum
from .out_argument import takes_out
from .selection import locally_constant


def _vector_norm(x: Tensor, p: float, dims: tuple[int, ...], keepdim: bool) -> Tensor:
    if p == math.inf:
        return reduction.amax(elementwise.abs(x), dims, keepdim)
    if p == -math.inf:
        return reduction.amin(elementwise.abs(x), dims, keepdim)
    if p == 0:
        return sum(locally_constant(x, (array_of(x) != 0).astype(x.dtype)), dims, keepdim)
    if p == 1:
        return sum(elementwise.abs(x), dims, keepdim)
    if p == 2:
        return reduction.root_or_zero(sum(x * x, dims, keepdim), elementwise.sqrt)
    return reduction.root_or_zero(sum(elementwise.abs(x) ** p, dims, keepdim), lambda s: s ** (1 / p))


@takes_out("same")
def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False,
         dtype: Any = None) -> Tensor:
    """The ``p``-norm over ``dim`` (all elements when None): ``p`` a number (``inf`` the
    largest absolute value, ``0`` the count of non-zeros), ``'fro'`` (the 2-norm of the
    elements) or ``'nuc'`` (the sum of the singular values of the matrices over two dims). Floating-point inputs only; the gradient at 0 is 0, as in PyTorch."""
    input = float_input_to("norm", input, dtype, "linalg.vector_norm: Expected a floating "
                         "point or complex tensor as input. Got {dtype}")
    dims = normalize_dims(dim, input.ndim, "norm")
    if isinstance(p, str):
        if p not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        if (p == "nuc" or dim is not None) and not isinstance(dim, int) and len(dims) > 2:
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got "
                               f"{' '.join(map(str, dims))}")
        if p == "nuc":
            return matrix_norm(input, "nuc", dims, keepdim)
    p = 2.0 if p is None or isinstance(p, str) else float(p)
    return _checked_vector_norm(input, p, dims, keepdim)


@takes_out("same")
def vector_norm(x: Tensor, ord: Any = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """``torch.linalg.vector_norm``: the ``ord``-norm of the elements over ``dim`` (all
    when None)."""
    x = float_input_to("linalg.vector_norm", x, dtype, "linalg.vector_norm: Expected a "
                     "floating point or complex tensor as input. Got {dtype}")
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, got {ord!r}")
    return _checked_vector_norm(x, float(ord), normalize_dims(dim, x.ndim, "vector_norm"),
                                keepdim)


def _checked_vector_norm(x: Tensor, p: float, dims: tuple[int, ...],
                         keepdim: bool) -> Tensor:
    if math.isinf(p) and x.numel() == 0:
        raise RuntimeError("linalg.vector_norm cannot compute the inf norm on an empty tensor "
                           "because the operation does not have an identity")
    return _vector_norm(x, p, dims, keepdim)


@takes_out("same", autograd="record")
def matrix_norm(A: Tensor, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """``torch.linalg.matrix_norm``: ``'fro'``, or the largest (``inf``, ``1``) or smallest
    (``-inf``, ``-1``) absolute row (``inf``) or column (``1``) sum of the matrices
    spanning ``dim``; or the largest (``2``) or smallest (``-2``) singular value, or their
    sum (``'nuc'``)."""
    A = float_input_to("linalg.matrix_norm", A, dtype, "linalg.matrix_norm: Expected a "
                     "floating point or complex tensor as input. Got {dtype}")
    if not isinstance(dim, (tuple, list)):
        raise TypeError(f"linalg.matrix_norm: argument 'dim' must be a tuple of ints, not "
                        f"{type(dim).__name__}")
    dims = tuple(dim)
    if A.ndim < 2:
        raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 "
                           f"dimensions, got shape {tuple(A.shape)}.")
    if len(dims) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim}")
    rows, cols = (normalize_dim(d, A.ndim, "matrix_norm") for d in dims)
    if rows == cols:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({rows}, {cols})")
    if ord == "fro":
        return _vector_norm(A, 2.0, tuple(sorted((rows, cols))), keepdim)
    if ord in ("nuc", 2, -2):
        from .decompositions import spectral_norm  # built on svdvals, which uses this file
        return spectral_norm(A, ord, (rows, cols), keepdim)
    if ord not in (1, -1, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    summed, across = (rows, cols) if abs(ord) == 1 else (cols, rows)
    sums = sum(elementwise.abs(A), summed, keepdim=True)
    pick = reduction.amax if ord > 0 else reduction.amin
    out = pick(sums, across, keepdim=True)
    return out if keepdim else movement.squeeze(out, (rows, cols))


@takes_out("same", autograd="record")
def linalg_norm(A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """``torch.linalg.norm``: a vector norm over one dim (or of all elements when neither
    ``ord`` nor ``dim`` is given), a matrix norm over two."""
    A = unary_input("linalg.norm", A)
    if dim is None and ord is not None:
        if A.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input "
                               f"must be 1D or 2D. Got {A.ndim}D.")
        dim = tuple(range(A.ndim))
    dims = (dim,) if isinstance(dim, int) else dim
    if dims is not None and len(dims) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
    if dims is not None and len(dims) != 1:
        raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                           f"Got {list(dims)}")
    return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
