"""Tensors assembled from others, built from movement and arithmetic primitives:
``block_diag``, ``cartesian_prod``, ``combinations``, ``kron`` and ``vander``."""
from __future__ import annotations

import itertools

import numpy as np

from ..internal import wrap
from ..tensor import Tensor
from ._util import tensor_arg
from .broadcasting import reshape
from .indexing import getitem
from .layout import meshgrid
from .movement import _joinable, cat, pad, stack
from .out_argument import takes_out


def block_diag(*tensors: Tensor) -> Tensor:
    """The tensors (0-d, 1-d or 2-d, read as matrices) along the diagonal of a matrix of
    zeros; dtypes promote."""
    if not tensors:
        return wrap(np.zeros((1, 0), np.float32))
    tensors = _joinable("block_diag", tensors)
    blocks = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {t.ndim} dimensions")
        blocks.append(reshape(t, (1, -1) if t.ndim == 1 else (1, 1) if t.ndim == 0
                              else tuple(t.shape)))
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        rows.append(pad(b, (left, width - left - b.shape[1])))
        left += b.shape[1]
    return cat(rows, 0)


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every combination of one element from each 1-d tensor, as rows (a 1-d tensor is
    returned as it is)."""
    for i, t in enumerate(tensors):
        if tensor_arg("cartesian_prod", t, f"tensors[{i}]").ndim != 1:
            raise RuntimeError(f"cartesian_prod: Expect a 1D vector, but got shape "
                               f"{tuple(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([reshape(g, (-1,)) for g in grids], 1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """Every combination of ``r`` elements of a 1-d tensor, in order, as rows (as
    ``itertools.combinations``, or ``combinations_with_replacement``)."""
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {tuple(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    index = np.array(list(pick(range(input.shape[0]), r)), dtype=np.int64)
    if r == 0:
        return getitem(input, np.zeros(0, np.int64))
    return getitem(input, index.reshape(-1, r))


@takes_out()
def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product: ``other`` scaled by each element of ``input``, the blocks laid
    out as ``input``'s elements are (the smaller rank is padded with leading ones)."""
    tensor_arg("kron", input, "input"), tensor_arg("kron", other, "other")
    ndim = max(input.ndim, other.ndim)
    a = reshape(input, (1,) * (ndim - input.ndim) + tuple(input.shape))
    b = reshape(other, (1,) * (ndim - other.ndim) + tuple(other.shape))
    # (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...) -> merge each pair of dims
    spread_a = reshape(a, tuple(v for n in a.shape for v in (n, 1)))
    spread_b = reshape(b, tuple(v for n in b.shape for v in (1, n)))
    return reshape(spread_a * spread_b, tuple(m * n for m, n in zip(a.shape, b.shape)))


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix of a 1-D ``x``: column j is ``x ** (N - 1 - j)`` (``x ** j``
    when ``increasing``), N columns (``len(x)`` by default)."""
    x = tensor_arg("vander", x, "x")
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    powers = np.arange(n) if increasing else np.arange(n - 1, -1, -1)
    columns = reshape(x, (-1, 1)) ** wrap(powers.astype(np.int64))
    return columns
