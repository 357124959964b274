"""The LU decomposition with partial pivoting and what is built on it (``linalg.lu``,
``lu_factor``, ``lu_factor_ex``, ``lu_solve``, ``lu_unpack``, ``inv_ex``, ``solve_ex``),
the Cholesky solves (``cholesky_solve``, ``cholesky_inverse``, ``cholesky_ex``) and
PyTorch's deprecated ``triangular_solve``, ``lu`` and ``lu_solve``.

``A = P L U``: ``P`` a permutation, ``L`` unit lower and ``U`` upper triangular. LAPACK
(and PyTorch) pack the factors in one matrix ``LU`` (``U`` on and above the diagonal) and
the permutation in ``pivots``: int32, 1-based, row ``i`` swapped with row ``pivots[i]`` at
step ``i``. NumPy has no LU: the factorization is getrf's algorithm written out (the largest
entry of the column as pivot, the first on a tie), agreeing with PyTorch's to rounding.
Two primitives carry the gradients, `LinalgLu` and `CholeskySolve`; the rest is composed
of them and the triangular solve, so every gradient here can be differentiated again.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import return_types
from ..autograd.function import Function, register
from ..dtypes import result_type
from ..internal import array_of, wrap
from ..tensor import Tensor
from . import elementwise, movement
from ._util import broadcast_shape, tensor_arg
from .broadcasting import sum_to
from .decompositions import LinalgSolveTriangular, _float_matrices, _lapack_dtype, _substitute
from .diagonal import tril, triu
from .linalg import Cholesky, LinAlgError, _square_float, inv, solve
from .selection import locally_constant
from .out_argument import takes_out


# --- the factorization on arrays -----------------------------------------------------------
def _getrf(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(LU, pivots, info)`` of a stack of matrices, as LAPACK's getrf: ``info`` is the
    1-based index of the first zero on ``U``'s diagonal (0 if none)."""
    batch, (m, n), k = a.shape[:-2], a.shape[-2:], min(a.shape[-2:])
    lu = a.reshape((math.prod(batch), m, n)).copy()
    rows = np.arange(lu.shape[0])
    pivots = np.zeros((lu.shape[0], k), np.int32)
    info = np.zeros(lu.shape[0], np.int32)
    for j in range(k):
        p = j + np.argmax(np.abs(lu[:, j:, j]), axis=1)
        pivots[:, j] = p + 1
        lu[rows, j], lu[rows, p] = lu[rows, p], lu[rows, j].copy()
        pivot = lu[:, j, j]
        zero = pivot == 0  # getrf leaves such a column as it is
        info[(info == 0) & zero] = j + 1
        lu[:, j + 1:, j] *= np.where(zero, 1, 1 / np.where(zero, 1, pivot))[:, None]
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j:j + 1] * lu[:, j:j + 1, j + 1:]
    return lu.reshape(a.shape), pivots.reshape(batch + (k,)), info.reshape(batch)


def _permutation(pivots: np.ndarray, m: int, dtype: Any) -> np.ndarray:
    """``P`` (``A = P L U``) from LAPACK's 1-based row swaps."""
    flat = pivots.reshape((math.prod(pivots.shape[:-1]), pivots.shape[-1]))
    order = np.broadcast_to(np.arange(m), (flat.shape[0], m)).copy()
    rows = np.arange(flat.shape[0])
    for j in range(flat.shape[1]):
        p = flat[:, j] - 1
        order[rows, j], order[rows, p] = order[rows, p], order[rows, j].copy()
    P = np.zeros((flat.shape[0], m, m), dtype)
    P[rows[:, None], order, np.arange(m)] = 1  # row order[i] of A is row i of L U
    return P.reshape(pivots.shape[:-1] + (m, m))


def _unit_lower(lu: np.ndarray) -> np.ndarray:
    k = min(lu.shape[-2:])
    return np.tril(lu[..., :k], -1) + np.eye(lu.shape[-2], k, dtype=lu.dtype)


@register("linalg_lu")
class LinalgLu(Function):
    """z = (P, L, U, pivots, info) with x = P L U (partial pivoting).  With k = min(m, n)
    and S(L, U, gL, gU) = L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T, dz/dx for square x:
    P S. Wide (U = [U1 | U2]): P [S(L, U1, gL - L^-T gU2 U2^T, gU1) | L^-T gU2]. Tall
    (L = [L1; L2]): P [S(L1, U, gL1, gU - L2^T gL2 U^-T); gL2 U^-T]."""

    @staticmethod
    def forward(ctx, x):
        lu, pivots, info = _getrf(x)
        P = _permutation(pivots, x.shape[-2], x.dtype)
        L, U = _unit_lower(lu), np.triu(lu[..., :min(x.shape[-2:]), :])
        ctx.mark_non_differentiable(P)
        ctx.save_for_backward(P, L, U)
        return P, L, U, pivots, info

    @staticmethod
    def backward(ctx, gP, gL, gU, gpivots, ginfo):
        P, L, U = ctx.saved_tensors
        m, n = L.shape[-2], U.shape[-1]
        if m == n:
            return P @ _lu_backward(L, U, gL, gU)
        if m < n:
            U1, U2 = movement.narrow(U, -1, 0, m), movement.narrow(U, -1, m, n - m)
            gU1, gU2 = movement.narrow(gU, -1, 0, m), movement.narrow(gU, -1, m, n - m)
            gU2 = LinalgSolveTriangular.apply(L.mT, gU2, True, True, True)  # L^-T gU2
            return P @ movement.cat([_lu_backward(L, U1, gL - gU2 @ U2.mT, gU1), gU2], -1)
        L1, L2 = movement.narrow(L, -2, 0, n), movement.narrow(L, -2, n, m - n)
        gL1, gL2 = movement.narrow(gL, -2, 0, n), movement.narrow(gL, -2, n, m - n)
        gL2 = LinalgSolveTriangular.apply(U.mT, gL2, False, False, False)  # gL2 U^-T
        return P @ movement.cat([_lu_backward(L1, U, gL1, gU - L2.mT @ gL2), gL2], -2)


def _lu_backward(L: Tensor, U: Tensor, gL: Tensor, gU: Tensor) -> Tensor:
    """``L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T`` for square ``L`` and ``U``."""
    inner = tril(L.mT @ gL, -1) + triu(gU @ U.mT)
    left = LinalgSolveTriangular.apply(L.mT, inner, True, True, True)
    return LinalgSolveTriangular.apply(U.mT, left, False, False, False)


def _square(op: str, A: Tensor) -> None:
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are "
                           f"{' by '.join(map(str, A.shape[-2:]))} matrices")


def _factor(op: str, A: Any, pivot: bool) -> tuple[Tensor, ...]:
    """``LinalgLu``'s outputs for ``A``, with PyTorch's checks."""
    A = tensor_arg(op, A, "A")
    if A.ndim < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. "
                           f"Got size: {list(A.shape)} instead")
    _lapack_dtype(op, "lu_cpu", A.dtype, A)
    if not pivot:
        raise RuntimeError(f"{op}: LU without pivoting is not implemented on the CPU")
    return LinalgLu.apply(A)


def _pack(L: Tensor, U: Tensor) -> Tensor:
    """``U`` on and above the diagonal, ``L`` below it, in one ``(*, m, n)`` matrix."""
    (m, k), n = L.shape[-2:], U.shape[-1]
    if m > k:
        U = movement.cat([U, wrap(np.zeros(U.shape[:-2] + (m - k, n), U.dtype))], -2)
    if n > k:
        L = movement.cat([L, wrap(np.zeros(L.shape[:-2] + (m, n - k), L.dtype))], -1)
    return tril(L, -1) + triu(U)


def _raise_batch(op: str, info: np.ndarray, message: str,
                 error: type[Exception] = LinAlgError) -> None:
    """PyTorch's error for the first matrix whose ``info`` is nonzero; ``message`` is
    formatted with ``{info}``."""
    bad = np.argwhere(info != 0)
    if len(bad):
        at = np.ravel_multi_index(tuple(bad[0]), info.shape) if info.ndim else 0
        where = f"(Batch element {at}): " if info.ndim else ""
        raise error(f"{op}: {where}" + message.format(info=int(info[tuple(bad[0])])))


_ZERO_PIVOT = ("U[{info},{info}] is zero and using it on lu_solve would result in a division "
               "by zero. If you still want to perform the factorization, consider calling "
               "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


@takes_out("same")
def lu(A: Tensor, *, pivot: bool = True) -> return_types.linalg_lu:
    """``(P, L, U)`` with ``A = P L U``.

    Parameters
    ----------
    A : Tensor
        Matrices ``(*, m, n)``, float32 or float64; singular ones are fine.
    pivot : bool
        Must be True on the CPU (PyTorch raises otherwise, and so does minigrad).

    Returns
    -------
    minigrad.return_types.linalg_lu
        ``P`` ``(*, m, m)`` (no gradient), ``L`` ``(*, m, k)`` unit lower triangular and
        ``U`` ``(*, k, n)`` upper triangular, ``k = min(m, n)``. The gradient is inf or NaN
        where ``U`` has a zero on its diagonal, as in PyTorch.
    """
    P, L, U, _, _ = _factor("linalg.lu", A, pivot)
    return return_types.linalg_lu(P, L, U)


@takes_out("same")
def lu_factor_ex(A: Tensor, *, pivot: bool = True,
                 check_errors: bool = False) -> return_types.linalg_lu_factor_ex:
    """``(LU, pivots, info)``: the packed factors of `lu`, LAPACK's 1-based int32 row swaps
    ``(*, k)``, and ``info`` ``(*)``, int32, the 1-based index of the first zero on ``U``'s
    diagonal (0 if none), which raises ``LinAlgError`` only if ``check_errors``."""
    op = "torch.linalg.lu_factor_ex"
    _, L, U, pivots, info = _factor(op, A, pivot)
    if check_errors:
        _raise_batch(op, array_of(info), _ZERO_PIVOT, RuntimeError)
    return return_types.linalg_lu_factor_ex(_pack(L, U), pivots, info)


@takes_out("same")
def lu_factor(A: Tensor, *, pivot: bool = True) -> return_types.linalg_lu_factor:
    """``(LU, pivots)`` as `lu_factor_ex`, raising a RuntimeError (as PyTorch) for a
    matrix with a zero on ``U``'s diagonal, as PyTorch does."""
    op = "torch.linalg.lu_factor"
    _, L, U, pivots, info = _factor(op, A, pivot)
    _raise_batch(op, array_of(info), _ZERO_PIVOT, RuntimeError)
    return return_types.linalg_lu_factor(_pack(L, U), pivots)


def legacy_lu(A: Tensor, pivot: bool = True, get_infos: bool = False) -> Any:
    """``torch.lu``, deprecated in PyTorch (which warns): ``(LU, pivots)`` as `lu_factor`,
    or the named tuple ``(LU, pivots, info)`` of `lu_factor_ex` if ``get_infos``."""
    warnings.warn("torch.lu is deprecated in favor of torch.linalg.lu_factor / "
                  "torch.linalg.lu_factor_ex and will be removed in a future PyTorch "
                  "release.", UserWarning, stacklevel=2)
    if get_infos:
        return return_types._lu_with_info(*lu_factor_ex(A, pivot=pivot))
    return tuple(lu_factor(A, pivot=pivot))


def _lu_input(op: str, LU: Any, pivots: Any) -> tuple[Tensor, Tensor]:
    LU, pivots = tensor_arg(op, LU, "LU_data"), tensor_arg(op, pivots, "LU_pivots")
    if LU.ndim < 2:
        raise RuntimeError(f"{op}: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(LU.shape)} instead")
    if pivots.dtype != np.int32:
        raise RuntimeError(f"{op}: LU_pivots is expected to be a contiguous tensor of "
                           "torch.int32 dtype.\nNote: this function is intended to be used "
                           "with the output produced by torch.linalg.lu_factor")
    k = min(LU.shape[-2:])
    if pivots.shape[-1:] != (k,) or tuple(pivots.shape[:-1]) != tuple(LU.shape[:-2]):
        raise RuntimeError(f"{op}: Number of pivots per batch should be same as the "
                           f"dimension of the matrix (pivots {tuple(pivots.shape)}, LU "
                           f"{tuple(LU.shape)})")
    p = array_of(pivots)
    if p.size and (p.min() < 1 or p.max() > LU.shape[-2]):
        raise RuntimeError("pivots passed to lu_unpack must be between 1 and LU.size(-2) "
                           "inclusive.Did you properly pass the result of lu_factor?")
    return LU, pivots


@takes_out("same")
def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True,
              unpack_pivots: bool = True) -> return_types.lu_unpack:
    """``(P, L, U)`` from the packed factors ``(LU, pivots)`` of `lu_factor`.

    ``L`` and ``U`` are differentiable with respect to ``LU_data`` (below, and on and above,
    its diagonal). Without ``unpack_data`` ``L`` and ``U`` are empty tensors, without
    ``unpack_pivots`` ``P`` is, as in PyTorch.
    """
    op = "torch.lu_unpack"
    LU, pivots = _lu_input(op, LU_data, LU_pivots)
    empty = [wrap(np.zeros((0,), LU.dtype)) for _ in range(3)]
    P = wrap(_permutation(array_of(pivots), LU.shape[-2], LU.dtype)) if unpack_pivots else empty[0]
    if not unpack_data:
        return return_types.lu_unpack(P, *empty[1:])
    m, k = LU.shape[-2], min(LU.shape[-2:])
    L = tril(movement.narrow(LU, -1, 0, k), -1) + wrap(np.eye(m, k, dtype=LU.dtype))
    return return_types.lu_unpack(P, L, triu(movement.narrow(LU, -2, 0, k)))


@takes_out("same")
def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True,
             adjoint: bool = False) -> Tensor:
    """``X`` with ``A X = B`` (``X A = B`` if not ``left``; ``A^T`` in place of ``A`` if
    ``adjoint``), for ``A`` given by its `lu_factor` ``(LU, pivots)``. ``B`` is
    ``(*, n, k)`` (``(*, k, n)`` if not ``left``); batch dims broadcast. Differentiable
    with respect to ``LU`` and ``B``: two triangular solves and a permutation."""
    op = "linalg.lu_solve"
    LU, pivots, B = (tensor_arg(op, t, n) for t, n in ((LU, "LU"), (pivots, "pivots"), (B, "B")))
    _square("torch.linalg.lu_solve", LU)
    if B.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor B must have at least 2 dimensions.")
    if B.dtype != LU.dtype:
        raise RuntimeError(f"{op}: Expected LU and B to have the same dtype, but found LU of "
                           f"type {LU.dtype} and B of type {B.dtype} instead")
    if pivots.dtype != np.int32:
        raise RuntimeError(f"{op}: pivots should be a Tensor of scalar type torch.int32")
    if (B.shape[-2] if left else B.shape[-1]) != (n := LU.shape[-1]):
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation "
                           f"{'AX' if left else 'XA'} = B ({n}x{n} and "
                           f"{B.shape[-2]}x{B.shape[-1]})")
    broadcast_shape(op, LU.shape[:-2], B.shape[:-2])
    LU, pivots = _lu_input(op, LU, pivots)
    P = wrap(_permutation(array_of(pivots), n, LU.dtype))
    solve_t = LinalgSolveTriangular.apply
    if left and not adjoint:  # U^-1 L^-1 P^T B
        return solve_t(LU, solve_t(LU, P.mT @ B, False, True, True), True, True, False)
    if left:  # P L^-T U^-T B
        return P @ solve_t(LU.mT, solve_t(LU.mT, B, False, True, False), True, True, True)
    if not adjoint:  # B U^-1 L^-1 P^T; and last B P L^-T U^-T
        return solve_t(LU, solve_t(LU, B, True, False, False), False, False, True) @ P.mT
    return solve_t(LU.mT, solve_t(LU.mT, B @ P, True, False, True), False, False, False)


@takes_out("same")
def legacy_lu_solve(input: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:
    """``torch.lu_solve(B, LU, pivots)``, deprecated in PyTorch (which warns):
    `lu_solve` with its arguments reversed."""
    warnings.warn("torch.lu_solve is deprecated in favor of torch.linalg.lu_solve and will "
                  "be removed in a future PyTorch release.\nNote that torch.linalg.lu_solve "
                  "has its arguments reversed.", UserWarning, stacklevel=2)
    return lu_solve(LU_data, LU_pivots, input)


# --- Cholesky-based solves -----------------------------------------------------------------
@register("cholesky_solve")
class CholeskySolve(Function):
    """z = A^-1 y with A = L L^T, L the lower triangle of x (A = U^T U, U the upper one, if
    ``upper``).  dz/dy: gy = A^-1 g; dz/dx = -(gy z^T + z gy^T) x (-x (...) if upper):
    as PyTorch's, the derivative of (x x^T)^-1 y in all of x's entries, which is dz/dx
    for a triangular x on its triangle; both summed over broadcast dims."""

    @staticmethod
    def forward(ctx, y, x, upper):
        t = np.triu(x) if upper else np.tril(x)
        tt = np.swapaxes(t, -1, -2)
        first, second = (tt, t) if upper else (t, tt)
        z = _substitute(second, _substitute(first, y, False), True)
        ctx.save_for_backward(x, z)
        ctx.upper, ctx.shapes = upper, (y.shape, x.shape)
        return z

    @staticmethod
    def backward(ctx, g):
        x, z = ctx.saved_tensors
        (y_shape, x_shape), upper = ctx.shapes, ctx.upper
        gy = CholeskySolve.apply(g, x, upper)
        gx = None
        if ctx.needs_input_grad[1]:
            common = gy @ z.mT + z @ gy.mT
            gx = sum_to(-(x @ common) if upper else -(common @ x), x_shape)
        return sum_to(gy, y_shape), gx, None


def _same_dtype(b: Tensor, A: Tensor) -> None:
    if b.dtype != A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{b.dtype} and A of type {A.dtype} instead.")


@takes_out("same")
def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False) -> Tensor:
    """``X`` with ``A X = B`` for ``A = L L^T`` given by its Cholesky factor.

    Parameters
    ----------
    input : Tensor
        ``B``, ``(*, n, k)``.
    input2 : Tensor
        ``L`` ``(*, n, n)``, lower triangular (``U`` with ``A = U^T U`` if ``upper``). Only
        that triangle is read, but the gradient is a full matrix, as PyTorch's: that of
        ``(L L^T)^-1 B`` in all of ``L``'s entries (the true one on the triangle).
    upper : bool
        Whether ``input2`` is the upper factor.

    Returns
    -------
    Tensor
        ``X`` ``(*, n, k)`` over the broadcast batch dims.
    """
    op = "cholesky_solve"
    B, L = tensor_arg(op, input, "input"), tensor_arg(op, input2, "input2")
    if B.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {B.ndim} "
                           "dimensions instead")
    _same_dtype(B, L)
    _lapack_dtype(op, "cholesky_solve_cpu", L.dtype, L)
    _square(op, L)
    if B.shape[-2] != L.shape[-1]:
        n = L.shape[-1]
        raise RuntimeError(f"Incompatible matrix sizes for {op}: each A matrix is {n} by "
                           f"{n} but each b matrix is {B.shape[-2]} by {B.shape[-1]}")
    broadcast_shape(op, B.shape[:-2], L.shape[:-2])
    return CholeskySolve.apply(B, L, bool(upper))


@takes_out("same")
def cholesky_inverse(L: Tensor, upper: bool = False) -> Tensor:
    """``A^-1`` for ``A = L L^T`` (``U^T U`` if ``upper``) from its Cholesky factor
    ``(*, n, n)``: `cholesky_solve` of the identity."""
    _square("cholesky_inverse", tensor_arg("cholesky_inverse", L, "L"))
    return cholesky_solve(wrap(np.eye(L.shape[-1], dtype=L.dtype)), L, upper)


@takes_out("same")
def triangular_solve(input: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False) -> return_types.triangular_solve:
    """``torch.triangular_solve(b, A)``, deprecated in PyTorch (which warns): the named tuple
    ``(solution, cloned_coefficient)``, ``solution`` solving ``A X = b`` (``A^T X = b`` if
    ``transpose``) for triangular ``A``, and a copy of ``A``. Batch dims broadcast."""
    warnings.warn("torch.triangular_solve is deprecated in favor of "
                  "torch.linalg.solve_triangular and will be removed in a future PyTorch "
                  "release.\ntorch.linalg.solve_triangular has its arguments reversed and "
                  "does not return a copy of one of the inputs.", UserWarning, stacklevel=2)
    op = "torch.triangular_solve"
    b, A = tensor_arg(op, input, "input"), tensor_arg(op, A, "A")
    if b.ndim < 2:
        raise RuntimeError(f"{op}: Expected b to have at least 2 dimensions, but it has "
                           f"{b.ndim} dimensions instead")
    _same_dtype(b, A)
    A = _square_float(op, A)
    _lapack_dtype(op, "triangular_solve_cpu", A.dtype, A)
    if b.shape[-2] != A.shape[-1]:
        n = A.shape[-1]
        raise RuntimeError(f"Incompatible matrix sizes for triangular_solve: each A matrix is "
                           f"{n} by {n} but each b matrix is {b.shape[-2]} by {b.shape[-1]}")
    batch = broadcast_shape(op, b.shape[:-2], A.shape[:-2])
    T = A.mT if transpose else A
    X = LinalgSolveTriangular.apply(T, b, bool(upper) != bool(transpose), True,
                                    bool(unitriangular))
    cloned = elementwise.clone(movement.expand(A, tuple(batch) + tuple(A.shape[-2:])))
    return return_types.triangular_solve(X, cloned)


# --- the *_ex spellings: an info tensor in place of an error -------------------------------
def _cholesky_info(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(L, info)`` by the unblocked (left-looking) Cholesky: a matrix that fails at
    column j keeps its diagonal remainder there and ``a``'s entries to the right."""
    n = a.shape[-1]
    flat = np.tril(a.reshape((math.prod(a.shape[:-2]), n, n)))
    info = np.zeros(flat.shape[0], np.int32)
    for j in range(n):
        go = info == 0
        d = flat[:, j, j] - np.einsum("bk,bk->b", flat[:, j, :j], flat[:, j, :j])
        fail = go & ~(d > 0)
        info[fail] = j + 1
        flat[fail, j, j] = d[fail]
        go &= ~fail
        root = np.sqrt(np.where(go, d, 1))
        below = flat[:, j + 1:, j] - np.einsum("bik,bk->bi", flat[:, j + 1:, :j], flat[:, j, :j])
        flat[go, j, j], flat[go, j + 1:, j] = root[go], (below / root[:, None])[go]
    return flat.reshape(a.shape), info.reshape(a.shape[:-2])


@takes_out("same")
def cholesky_ex(A: Tensor, *, upper: bool = False,
                check_errors: bool = False) -> return_types.linalg_cholesky_ex:
    """``(L, info)``: `linalg.cholesky` with ``info`` (int32, ``(*)``) the order of the
    first leading minor that is not positive-definite (0 if none) in place of an error
    (raised only if ``check_errors``). A matrix that fails keeps the partial factor of the
    unblocked algorithm, with no gradient; PyTorch's partial factor may differ."""
    op = "linalg.cholesky_ex"
    A = _square_float("linalg.cholesky", A)
    _lapack_dtype(op, "linalg_cholesky_ex_cpu", A.dtype, A)
    L, info = _cholesky_info(array_of(A))
    if check_errors:
        _raise_batch(op, info, "The factorization could not be completed because the input "
                     "is not positive-definite (the leading minor of order {info} is not "
                     "positive-definite).")
    L = Cholesky.apply(A) if not info.any() else locally_constant(A, L)
    return return_types.linalg_cholesky_ex(L.mT if upper else L, wrap(info))


def _singular_info(op: str, A: Tensor) -> np.ndarray:
    _lapack_dtype(op, "lu_cpu", A.dtype, A)
    return _getrf(array_of(A))[2]


def _lu_inverse(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a^-1 b`` by LU on arrays (inf or NaN for a singular ``a``)."""
    lu, pivots, _ = _getrf(a)
    b = np.swapaxes(_permutation(pivots, a.shape[-1], a.dtype), -1, -2) @ b  # P^T b
    with np.errstate(all="ignore"):
        return _substitute(np.triu(lu), _substitute(_unit_lower(lu), b, False), True)


@takes_out("same")
def inv_ex(A: Tensor, *, check_errors: bool = False) -> return_types.linalg_inv_ex:
    """``(inverse, info)``: `linalg.inv` with ``info`` (int32, ``(*)``, getrf's: the first
    zero on ``U``'s diagonal) in place of an error (raised only if ``check_errors``). The
    inverse of a singular matrix holds inf and NaN (not at PyTorch's places), no gradient."""
    op = "linalg.inv_ex"
    A = _square_float("linalg.inv", A)
    info = _singular_info(op, A)
    if check_errors:
        _raise_batch(op, info, "The diagonal element {info} is zero, the inversion could not "
                     "be completed because the input matrix is singular.")
    if not info.any():
        return return_types.linalg_inv_ex(inv(A), wrap(info))
    inverse = _lu_inverse(array_of(A), np.eye(A.shape[-1], dtype=A.dtype))
    return return_types.linalg_inv_ex(locally_constant(A, inverse), wrap(info))


@takes_out("same")
def solve_ex(A: Tensor, B: Tensor, *, left: bool = True,
             check_errors: bool = False) -> return_types.linalg_solve_ex:
    """``(result, info)``: `linalg.solve` with ``info`` (as in `inv_ex`) in place of an
    error (raised only if ``check_errors``); singular matrices give inf and NaN."""
    op = "torch.linalg.solve_ex"
    A = _square_float("linalg.solve", A)
    info = _singular_info(op, A)
    if check_errors:
        _raise_batch(op, info, "The solver failed because the input matrix is singular.")
    if not info.any():
        return return_types.linalg_solve_ex(solve(A, B, left=left), wrap(info))
    eye = wrap(np.broadcast_to(np.eye(A.shape[-1], dtype=A.dtype), A.shape).copy())
    shaped = solve(eye, B, left=left)  # B checked and broadcast as solve does it
    a = array_of(A) if left else np.swapaxes(array_of(A), -1, -2)
    b = array_of(shaped) if left else np.swapaxes(array_of(shaped), -1, -2)
    x = _lu_inverse(a, b[..., None] if b.ndim < A.ndim else b)
    x = (x if left else np.swapaxes(x, -1, -2)).reshape(shaped.shape)
    return return_types.linalg_solve_ex(locally_constant(A, x), wrap(info))
