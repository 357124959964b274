"""``linalg.vander``, ``linalg.tensorinv`` and ``linalg.tensorsolve``: composites of
cumprod, inv and solve on reshaped tensors, so their gradients (of any order) come from
those ops.

``tensorinv(A, ind)`` treats A as a map from the shape ``A.shape[ind:]`` to
``A.shape[:ind]``: it inverts the square matrix of the flattened shapes and returns it in
the shape ``A.shape[ind:] + A.shape[:ind]``. ``tensorsolve(A, B)`` finds X with
``tensordot(A, X, X.ndim) = B`` the same way.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..tensor import Tensor
from ._util import tensor_arg
from .broadcasting import reshape
from .cumulative import cumprod
from .layout import movedim
from .linalg import inv, solve
from .movement import cat, unsqueeze
from .out_argument import takes_out


def vander(x: Tensor, *, N: int | None = None) -> Tensor:
    """The Vandermonde matrix of the vectors in the last dim of ``x``: column j holds
    ``x ** j``, j = 0 .. N - 1 (N defaults to the vector's length, and must be > 1)."""
    x = tensor_arg("linalg.vander", x, "x")
    if x.dtype in (np.bool_, np.float16):
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer "
                           f"tensors, but got {x.dtype}")
    if N is None:
        N = x.shape[-1] if x.ndim else 0
    if N <= 1:
        raise RuntimeError(f"linalg.vander: N must be greater than 1, got {N} (input of "
                           f"shape {tuple(x.shape)})")
    column = unsqueeze(x, -1)
    powers = cumprod(column.expand(*x.shape, N - 1), -1)
    return cat([column.new_ones(column.shape), powers], -1)  # x ** 0 is 1, even at NaN


def _flat(shape: Sequence[int]) -> int:
    return math.prod(shape)


@takes_out("same")
def tensorinv(A: Tensor, ind: int = 2) -> Tensor:
    """The inverse of ``A`` seen as a map from ``A.shape[ind:]`` to ``A.shape[:ind]``, in the
    shape ``A.shape[ind:] + A.shape[:ind]``."""
    A = tensor_arg("linalg.tensorinv", A, "A")
    if isinstance(ind, bool) or not isinstance(ind, int):
        raise TypeError(f"linalg_tensorinv(): argument 'ind' must be int, not "
                        f"{type(ind).__name__}")
    if A.ndim == 0:
        raise RuntimeError("linalg.tensorinv: expected a tensor with dims, got a 0-d tensor")
    if ind <= 0:
        raise RuntimeError(f"linalg.tensorinv: Expected a strictly positive integer for "
                           f"'ind', but got {ind}")
    rows, columns = A.shape[:ind], A.shape[ind:]
    if _flat(rows) != _flat(columns):
        raise RuntimeError(f"linalg.tensorinv: Expected prod(A.shape[ind:]) == "
                           f"prod(A.shape[:ind]), but got {_flat(columns)} != {_flat(rows)} "
                           f"(A of shape {tuple(A.shape)}, ind={ind})")
    return reshape(inv(reshape(A, (_flat(rows), _flat(columns)))), (*columns, *rows))


@takes_out("same")
def tensorsolve(A: Tensor, B: Tensor, dims: Any = None) -> Tensor:
    """The X with ``tensordot(A, X, X.ndim) == B``, of shape ``A.shape[B.ndim:]``; ``dims``
    are dims of A moved to the end first."""
    A = tensor_arg("linalg.tensorsolve", A, "A")
    B = tensor_arg("linalg.tensorsolve", B, "B")
    if dims is not None:
        dims = [dims] if isinstance(dims, int) else list(dims)
        A = movedim(A, dims, list(range(A.ndim - len(dims), A.ndim)))
    rows, columns = A.shape[:B.ndim], A.shape[B.ndim:]
    if _flat(rows) != _flat(columns) or _flat(rows) != B.numel():
        raise RuntimeError(f"linalg.tensorsolve: Expected prod(A.shape[B.ndim:]) == "
                           f"prod(A.shape[:B.ndim]) == B.numel(), but got "
                           f"A of shape {tuple(A.shape)} and B of shape {tuple(B.shape)}")
    X = solve(reshape(A, (_flat(rows), _flat(columns))), reshape(B, (_flat(rows),)))
    return reshape(X, tuple(columns))
