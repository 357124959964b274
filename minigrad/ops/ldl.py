"""The LDL factorization of symmetric (possibly indefinite) matrices, ``linalg.ldl_factor``,
``linalg.ldl_factor_ex`` and ``linalg.ldl_solve``, in LAPACK's compact form as PyTorch
returns it (NumPy has no sytrf, so the pivoting is written out here).

``A = P L D L^T P^T`` with L unit lower triangular and D block diagonal with 1 x 1 and
2 x 2 blocks, chosen column by column by Bunch and Kaufman's partial pivoting (as LAPACK's
unblocked dsytf2 for the lower triangle): with ``alpha = (1 + sqrt(17)) / 8`` and
``colmax`` the largest entry below the diagonal in column k, the diagonal entry is a 1 x 1
pivot when it is at least ``alpha colmax``; otherwise row ``imax`` of that largest entry
is swapped in, as a 1 x 1 pivot or as the second row of a 2 x 2 block, by how its own
largest off-diagonal entry ``rowmax`` compares. ``LD`` holds D on its diagonal (and the
2 x 2 blocks' off-diagonal just below) and L's multipliers below; ``pivots`` (int32,
1-based) holds ``kp`` for a 1 x 1 pivot and ``-kp`` twice for a 2 x 2 block. Only the
lower triangle of A is read. There is no derivative, as in PyTorch.
"""
from __future__ import annotations

import math

import numpy as np

from .. import return_types
from ..dtypes import scalar_type_name
from ..internal import array_of, wrap
from ..tensor import Tensor
from ._util import tensor_arg
from .decompositions import _lapack_dtype
from .out_argument import takes_out
from .selection import without_derivative

_ALPHA = (1 + math.sqrt(17)) / 8


def _pivot(a: np.ndarray, k: int) -> tuple[int, int, float, float]:
    """Bunch-Kaufman's choice at column k: ``(kp, kstep, absakk, colmax)``."""
    n = a.shape[0]
    absakk = abs(a[k, k])
    imax, colmax = k, 0.0
    if k < n - 1:
        imax = k + 1 + int(np.argmax(np.abs(a[k + 1:, k])))
        colmax = abs(a[imax, k])
    if max(absakk, colmax) == 0 or absakk >= _ALPHA * colmax:
        return k, 1, absakk, colmax
    rowmax = np.max(np.abs(a[imax, k:imax]))  # row imax left of the diagonal, then below it
    if imax < n - 1:
        rowmax = max(rowmax, np.max(np.abs(a[imax + 1:, imax])))
    if absakk >= _ALPHA * colmax * (colmax / rowmax):
        return k, 1, absakk, colmax
    if abs(a[imax, imax]) >= _ALPHA * rowmax:
        return imax, 1, absakk, colmax
    return imax, 2, absakk, colmax


def _interchange(a: np.ndarray, k: int, kk: int, kp: int, kstep: int) -> None:
    """Swap rows and columns kk and kp of the trailing lower triangle."""
    a[kp + 1:, [kk, kp]] = a[kp + 1:, [kp, kk]]
    between = a[kk + 1:kp, kk].copy()
    a[kk + 1:kp, kk] = a[kp, kk + 1:kp]
    a[kp, kk + 1:kp] = between
    a[kk, kk], a[kp, kp] = a[kp, kp], a[kk, kk]
    if kstep == 2:
        a[k + 1, k], a[kp, k] = a[kp, k], a[k + 1, k]


def _eliminate(a: np.ndarray, k: int, kstep: int) -> None:
    """The Schur complement update by the pivot block at k, and L's multipliers."""
    n = a.shape[0]
    if kstep == 1:
        if k < n - 1:
            d11 = 1 / a[k, k]
            x = a[k + 1:, k].copy()
            a[k + 1:, k + 1:] += np.outer(x, -d11 * x)
            a[k + 1:, k] = x * d11
        return
    if k < n - 2:
        d21 = a[k + 1, k]
        d11, d22 = a[k + 1, k + 1] / d21, a[k, k] / d21
        d21 = 1 / (d11 * d22 - 1) / d21
        first, second = a[k + 2:, k].copy(), a[k + 2:, k + 1].copy()
        wk = d21 * (d11 * first - second)
        wkp1 = d21 * (d22 * second - first)
        a[k + 2:, k + 2:] -= np.outer(first, wk)
        a[k + 2:, k + 2:] -= np.outer(second, wkp1)
        a[k + 2:, k], a[k + 2:, k + 1] = wk, wkp1


def _factor(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """LD, 1-based pivots and LAPACK's info (first zero pivot, 1-based; 0 if none) of one
    matrix, from its lower triangle."""
    a = np.tril(a).astype(a.dtype, copy=True)
    n = a.shape[0]
    pivots, info, k = np.zeros(n, np.int32), 0, 0
    while k < n:
        kp, kstep, absakk, colmax = _pivot(a, k)
        if max(absakk, colmax) == 0:  # no NaN test: PyTorch's LAPACK pivots on through NaN
            info = info or k + 1
        else:
            kk = k + kstep - 1
            if kp != kk:
                _interchange(a, k, kk, kp, kstep)
            _eliminate(a, k, kstep)
        pivots[k:k + kstep] = kp + 1 if kstep == 1 else -(kp + 1)
        k += kstep
    return np.tril(a), pivots, info


def _factor_input(op: str, A: Tensor) -> Tensor:
    A = tensor_arg(op, A, "A")
    if A.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if A.dtype.kind != "f":
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got "
                           f"{scalar_type_name(A.dtype)}")
    _lapack_dtype(op, "ldl_factor_kernel_cpu", A.dtype, A)
    return A


@takes_out("same", autograd="none")
def ldl_factor_ex(A: Tensor, *, hermitian: bool = False,
                  check_errors: bool = False) -> return_types.linalg_ldl_factor_ex:
    """The compact LDL factorization ``(LD, pivots, info)`` of symmetric ``(*, n, n)``
    matrices (read from their lower triangle); ``info`` is LAPACK's, the 1-based index of
    the first exactly zero pivot (0 if none). ``hermitian`` changes nothing for real
    matrices."""
    op = "torch.linalg.ldl_factor_ex"
    A = _factor_input(op, A)
    batch, n = A.shape[:-2], A.shape[-1]
    flat = array_of(A).reshape(math.prod(batch), n, n)
    results = [_factor(m) for m in flat]
    LD = np.stack([r[0] for r in results]) if results else np.zeros(flat.shape, A.dtype)
    pivots = (np.stack([r[1] for r in results]) if results
              else np.zeros((0, n), np.int32))
    info = np.array([r[2] for r in results], np.int32).reshape(tuple(batch))
    if check_errors and np.any(info):
        raise RuntimeError(f"{op}: The factorization could not be completed because the "
                           f"input is not invertible (info = {info.max()}).")
    LD = without_derivative(A, LD.reshape(A.shape), "linalg_ldl_factor_ex")
    return return_types.linalg_ldl_factor_ex(LD, wrap(pivots.reshape((*batch, n))),
                                             wrap(np.asarray(info, order="C")))


@takes_out("same", autograd="none")
def ldl_factor(A: Tensor, *, hermitian: bool = False) -> return_types.linalg_ldl_factor:
    """`ldl_factor_ex` without ``info``. A zero pivot raises RuntimeError, as PyTorch's
    (which reports it as an internal "Unknown error code")."""
    LD, pivots, info = ldl_factor_ex(A, hermitian=hermitian)
    if np.any(array_of(info)):
        raise RuntimeError(f"torch.linalg.ldl_factor: Unknown error code: "
                           f"{int(array_of(info).max())} (a zero pivot in D).")
    return return_types.linalg_ldl_factor(LD, pivots)


def _forward(ld: np.ndarray, ipiv: np.ndarray, b: np.ndarray) -> None:
    """b := (L D)^-1 P^T b in place, as LAPACK's sytrs (lower) does it."""
    n, k = ld.shape[0], 0
    while k < n:
        if ipiv[k] > 0:
            kp = ipiv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            b[k + 1:] -= np.outer(ld[k + 1:, k], b[k])
            b[k] *= 1 / ld[k, k]
            k += 1
            continue
        kp = -ipiv[k] - 1
        b[[k + 1, kp]] = b[[kp, k + 1]]
        b[k + 2:] -= np.outer(ld[k + 2:, k], b[k])
        b[k + 2:] -= np.outer(ld[k + 2:, k + 1], b[k + 1])
        off = ld[k + 1, k]
        first, second = ld[k, k] / off, ld[k + 1, k + 1] / off
        denominator = first * second - 1
        top, bottom = b[k] / off, b[k + 1] / off
        b[k] = (second * top - bottom) / denominator
        b[k + 1] = (first * bottom - top) / denominator
        k += 2


def _backward(ld: np.ndarray, ipiv: np.ndarray, b: np.ndarray) -> None:
    """b := P L^-T b in place, as LAPACK's sytrs (lower) does it."""
    k = ld.shape[0] - 1
    while k >= 0:
        step = 1 if ipiv[k] > 0 else 2
        for row in range(k, k - step, -1):
            b[row] -= ld[k + 1:, row] @ b[k + 1:]
        kp = abs(ipiv[k]) - 1
        b[[k, kp]] = b[[kp, k]]
        k -= step


@takes_out("same", autograd="none")
def ldl_solve(LD: Tensor, pivots: Tensor, B: Tensor, *, hermitian: bool = False) -> Tensor:
    """The solution X of ``A X = B`` from `ldl_factor`'s ``(LD, pivots)`` of A; the batch
    dims broadcast. No derivative, as in PyTorch."""
    op = "torch.linalg.ldl_solve"
    LD, pivots = tensor_arg(op, LD, "LD"), tensor_arg(op, pivots, "pivots")
    B = tensor_arg(op, B, "B")
    if LD.ndim < 2 or LD.shape[-1] != LD.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are "
                           f"{LD.shape[-2] if LD.ndim > 1 else 1} by {LD.shape[-1]} matrices")
    if tuple(pivots.shape) != tuple(LD.shape[:-1]):
        raise RuntimeError(f"{op}: Expected LD.shape[:-1] and pivots.shape to be the same, "
                           f"but got pivots with shape {list(pivots.shape)} instead")
    if pivots.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: Expected pivots to be integers. Got {pivots.dtype}")
    if B.ndim < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [-1, 0], but "
                         f"got -2) (B of shape {tuple(B.shape)})")
    n = LD.shape[-1]
    if B.shape[-2] != n:
        raise RuntimeError(f"Incompatible matrix sizes for {op}: each A matrix is {n} by {n} "
                           f"but each b matrix is {B.shape[-2]} by {B.shape[-1]}")
    if B.dtype != LD.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{scalar_type_name(B.dtype)} and A of type "
                           f"{scalar_type_name(LD.dtype)} instead.")
    dtype = _lapack_dtype(op, "ldl_solve_cpu", LD.dtype, LD, B)
    batch = np.broadcast_shapes(LD.shape[:-2], B.shape[:-2])
    count = math.prod(batch)
    ld = np.broadcast_to(array_of(LD), (*batch, n, n)).reshape(count, n, n)
    ipiv = np.broadcast_to(array_of(pivots), (*batch, n)).reshape(count, n)
    X = np.array(np.broadcast_to(array_of(B), (*batch, *B.shape[-2:])), dtype=dtype)
    flat = X.reshape(count, *B.shape[-2:])
    for i in range(flat.shape[0]):
        _forward(ld[i], ipiv[i], flat[i])
        _backward(ld[i], ipiv[i], flat[i])
    result = wrap(flat.reshape(X.shape))
    inputs = [t for t in (LD, B) if t.requires_grad]
    if inputs:
        return without_derivative(inputs[0], array_of(result), "linalg_ldl_solve")
    return result
