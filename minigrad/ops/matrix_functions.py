"""Functions of matrices built on the decompositions: the pseudo-inverse (``linalg.pinv``,
``pinverse``), least squares (``linalg.lstsq``), the rank and the condition number
(``linalg.matrix_rank``, ``linalg.cond``) and the matrix exponential (``linalg.matrix_exp``).

The pseudo-inverse and the exponential are primitives; least squares and the condition
number are built on them and on the singular values. Which singular values count as 0
follows PyTorch: those at or below ``max(atol, rtol * largest)``.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import return_types
from ..autograd.function import Function, register
from ..internal import array_of, named, wrap
from ..tensor import Tensor
from . import elementwise, movement
from ._util import broadcast_shape, tensor_arg
from .broadcasting import sum
from .decompositions import _LAPACK_DTYPES, _float_matrices, svdvals
from .linalg import _square_float, inv, matmul, svd_or_nan
from .out_argument import takes_out
from .selection import locally_constant, where
from .norms import matrix_norm


# --- which singular values count -----------------------------------------------------------
def _tolerance(op: str, value: Any) -> Any:
    """A tolerance as a number or an array (from a tensor), or None."""
    if isinstance(value, Tensor):
        return array_of(value)
    if value is not None and not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{op}(): argument must be a float or a Tensor, not "
                        f"{type(value).__name__}")
    return value


def _kept(op: str, s: np.ndarray, A: np.ndarray, atol: Any, rtol: Any) -> np.ndarray:
    """Which of the (absolute) singular values ``s`` of the matrices ``A`` count: those above
    ``max(atol, rtol * largest)``. Without ``rtol``, it is ``eps * max(m, n)``, or 0 when a
    positive ``atol`` is given (PyTorch's rule). Tolerance tensors broadcast with the batch."""
    if rtol is None:
        default = np.finfo(A.dtype).eps * max(A.shape[-2:])
        rtol = default if atol is None else np.where(np.asarray(atol) > 0, 0.0, default)
    atol = 0.0 if atol is None else atol
    broadcast_shape(op, np.shape(atol), np.shape(rtol), A.shape[:-2])
    largest = s.max(-1, initial=0.0)
    return s > np.maximum(atol, rtol * largest)[..., None]


def _float_or_double(op: str, *inputs: Tensor) -> tuple[Tensor, ...]:
    """The inputs of a rank-revealing routine: PyTorch's error for other dtypes."""
    if any(t.dtype not in _LAPACK_DTYPES for t in inputs):
        dtypes = " and ".join(str(t.dtype) for t in inputs)
        raise RuntimeError(f"{op}: This function doesn't handle types other than float and "
                           f"double (got {dtypes})")
    return inputs


def _spectrum(a: np.ndarray, hermitian: bool) -> np.ndarray:
    """The singular values; for symmetric matrices, the absolute eigenvalues."""
    return np.abs(np.linalg.eigvalsh(a)) if hermitian else svd_or_nan(a, compute_uv=False)


# --- the pseudo-inverse ----------------------------------------------------------------------
@register("linalg_pinv")
class LinalgPinv(Function):
    """z = x^+, from the SVD of x (from eigh of its lower triangle if ``hermitian``), the
    singular values at or below the tolerance taken as 0.  dz/dx (at constant rank):
    -z^T g z^T + (I - x z) g^T z z^T + z^T z g^T (I - z x)."""

    @staticmethod
    def forward(ctx, x, atol, rtol, hermitian):
        if hermitian:
            w, v = np.linalg.eigh(x)
            scale = np.where(_kept("linalg.pinv", np.abs(w), x, atol, rtol), 1 / w, 0)
            out = (v * scale[..., None, :]) @ np.swapaxes(v, -1, -2)
        else:
            u, s, vh = svd_or_nan(x, full_matrices=False)
            scale = np.where(_kept("linalg.pinv", s, x, atol, rtol), 1 / s, 0)
            out = (np.swapaxes(vh, -1, -2) * scale[..., None, :]) @ np.swapaxes(u, -1, -2)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, z = ctx.saved_tensors
        zt, gt = z.mT, g.mT
        inside = -(zt @ g @ zt)
        left = (gt - x @ (z @ gt)) @ (z @ zt)
        right = (zt @ z) @ (gt - (gt @ z) @ x)
        return inside + left + right, None, None, None


@takes_out()
def pinv(A: Tensor, rcond: Any = None, hermitian: bool = False, *, atol: Any = None,
         rtol: Any = None) -> Tensor:
    """The Moore-Penrose pseudo-inverse of matrices ``(*, m, n)``, ``(*, n, m)``.

    Parameters
    ----------
    A : Tensor
        float32 or float64 matrices.
    rcond : float or Tensor, optional
        PyTorch's older spelling of ``rtol`` (not together with ``atol`` or ``rtol``).
    hermitian : bool
        ``A`` is symmetric: computed from the eigenvalues of its lower triangle.
    atol, rtol : float or Tensor, optional
        Singular values at or below ``max(atol, rtol * largest)`` count as 0. Without
        ``rtol`` it is ``eps * max(m, n)``, or 0 if a positive ``atol`` is given.

    Returns
    -------
    Tensor
        The gradient is that of the pseudo-inverse at constant rank (as PyTorch's, it uses
        ``A`` as given, even with ``hermitian``).
    """
    op = "linalg.pinv"
    atol, rtol = _older_tolerance(op, "rcond", rcond, atol, rtol, (None, rcond))
    A = tensor_arg(op, A, "input")
    if A.ndim < 2 or A.dtype not in _LAPACK_DTYPES:
        raise RuntimeError(f"{op}({A.dtype}{list(A.shape)}): expected a tensor with 2 or "
                           f"more dimensions of float, double, cfloat or cdouble types")
    if hermitian:
        _square_float(op, A)
    return LinalgPinv.apply(A, _tolerance(op, atol), _tolerance(op, rtol), bool(hermitian))


def _older_tolerance(op: str, name: str, value: Any, atol: Any, rtol: Any,
                     meaning: tuple) -> tuple:
    """``(atol, rtol)``: ``meaning`` when the older positional tolerance ``name`` is given
    (PyTorch's other overload, which takes neither ``atol`` nor ``rtol``)."""
    if value is None:
        return atol, rtol
    if atol is not None or rtol is not None:
        raise TypeError(f"{op}() received an invalid combination of arguments: {name} "
                        f"cannot be given together with atol or rtol")
    return meaning


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """``torch.pinverse``: `pinv` with ``rtol=rcond``."""
    return pinv(input, rtol=rcond)


@takes_out()
def matrix_rank(A: Tensor, tol: Any = None, hermitian: bool = False, *, atol: Any = None,
                rtol: Any = None) -> Tensor:
    """The number of singular values (absolute eigenvalues if ``hermitian``) of each
    matrix above ``max(atol, rtol * largest)`` (the tolerances as in `pinv`), int64, of
    ``A``'s batch shape; no gradient. PyTorch's older ``tol`` is ``atol=tol, rtol=0``."""
    op = "linalg.matrix_rank"
    atol, rtol = _older_tolerance(op, "tol", tol, atol, rtol, (tol, 0.0))
    A = _float_or_double(op, tensor_arg(op, A, "A"))[0]
    A = _square_float(op, A) if hermitian else _float_matrices(op, A, "input")
    a = array_of(A)
    kept = _kept(op, _spectrum(a, hermitian), a, _tolerance(op, atol), _tolerance(op, rtol))
    return wrap(kept.sum(-1).astype(np.int64))


# --- least squares ----------------------------------------------------------------------------
_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def _lstsq_inputs(op: str, A: Any, B: Any, driver: Any) -> tuple[Tensor, Tensor, bool]:
    A, B = _float_or_double(op, tensor_arg(op, A, "input"), tensor_arg(op, B, "other"))
    if A.dtype != B.dtype:
        raise RuntimeError(f"{op}: Expected input and other to have the same dtype, but got "
                           f"input's dtype {A.dtype} and other's dtype {B.dtype}")
    if A.ndim < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dimensions, got shape "
                           f"{tuple(A.shape)}")
    if not 0 <= A.ndim - B.ndim <= 1:
        raise RuntimeError(f"{op}: input.dim() must be greater or equal to other.dim() and "
                           f"(input.dim() - other.dim()) <= 1 (got shapes {tuple(A.shape)} "
                           f"and {tuple(B.shape)})")
    vector = B.ndim == A.ndim - 1
    Bm = movement.unsqueeze(B, -1) if vector else B
    if Bm.shape[-2] != A.shape[-2]:
        raise RuntimeError(f"{op}: input.size(-2) should match other.size(-2) (got shapes "
                           f"{tuple(A.shape)} and {tuple(B.shape)})")
    broadcast_shape(op, A.shape[:-2], Bm.shape[:-2])
    if driver not in _DRIVERS:
        raise RuntimeError(f"{op}: parameter `driver` should be one of (gels, gelsy, gelsd, "
                           f"gelss), got {driver!r}")
    return A, Bm, vector


@takes_out("same")
def lstsq(A: Tensor, B: Tensor, rcond: float | None = None, *,
          driver: str | None = None) -> return_types.linalg_lstsq:
    """The least-squares solution ``X`` minimizing ``||A X - B||`` (of minimal norm).

    Parameters
    ----------
    A : Tensor
        Matrices ``(*, m, n)``, float32 or float64.
    B : Tensor
        ``(*, m, k)``, or vectors ``(*, m)`` when it has one dim less than ``A``; batch
        dims broadcast.
    rcond : float, optional
        Singular values at or below ``rcond`` times the largest count as 0 (default
        ``eps * max(m, n)``).
    driver : str, optional
        PyTorch's LAPACK driver, ``'gelsy'`` by default; it decides which fields are
        filled, as in PyTorch on the CPU.

    Returns
    -------
    minigrad.return_types.linalg_lstsq
        ``solution`` ``(*, n, k)``; ``residuals``, the squared norms of ``A X - B``'s
        columns ``(*, k)``, only when ``m > n``, the driver is not ``'gelsy'`` and (for
        ``'gelsd'`` and ``'gelss'``) every matrix has full rank, else empty; ``rank``
        (int64, ``A``'s batch shape; empty for ``'gels'``); ``singular_values``
        (``'gelsd'`` and ``'gelss'`` only, without gradient; else empty).

    Every driver computes ``solution`` as ``pinv(A, rtol=rcond) @ B`` from the SVD, so it
    gets the pseudo-inverse's gradient, as PyTorch's does. PyTorch's ``'gelsy'`` finds
    the rank with a pivoted QR, which may differ from the SVD's in borderline cases, and
    its ``'gels'`` assumes full rank (a rank-deficient ``A`` gives huge values there).
    """
    op = "linalg.lstsq"
    driver = "gelsy" if driver is None else driver
    A, Bm, vector = _lstsq_inputs(op, A, B, driver)
    m, n = A.shape[-2:]
    a = array_of(A)
    rtol = np.finfo(a.dtype).eps * max(m, n) if rcond is None else rcond
    X = matmul(LinalgPinv.apply(A, None, rtol, False), Bm)
    s = svd_or_nan(a, compute_uv=False)
    full = _kept(op, s, a, None, rtol).sum(-1)
    empty = np.empty((0,), a.dtype)
    residuals = locally_constant(X, empty)  # in the graph even when empty, as PyTorch's
    rank, singular_values = wrap(np.empty((0,), np.int64)), wrap(empty)
    if driver != "gels":
        rank = wrap(full.astype(np.int64))
    if driver in ("gelsd", "gelss"):
        singular_values = wrap(s)
    if m > n and (driver == "gels" or (driver != "gelsy" and np.all(full == n))):
        residuals = sum((matmul(A, X) - Bm) ** 2, -2)
    solution = named(movement.squeeze(X, -1) if vector else X, "LinalgLstsqBackward0")
    return return_types.linalg_lstsq(solution, residuals, rank, singular_values)


# --- the condition number -----------------------------------------------------------------------
@takes_out(autograd="record")
def cond(A: Tensor, p: Any = None) -> Tensor:
    """The condition number of matrices in the norm ``p``.

    ``None``, ``2`` and ``-2``: the ratio of the largest and smallest singular values (the
    smallest over the largest for ``-2``), for any matrices ``(*, m, n)``. ``'nuc'``:
    ``sum(S) * sum(1 / S)``; ``'fro'``, ``inf``, ``-inf``, ``1``, ``-1``:
    ``norm(A) * norm(inv(A))``, inf for a singular matrix; these need square matrices.
    Empty matrices give 0.
    """
    op = "linalg.cond"
    if p not in (None, 2, -2, "fro", "nuc", math.inf, -math.inf, 1, -1):
        if isinstance(p, str):  # PyTorch checks the shape first for a string
            _square_float(f"{op}(ord={p})", A)
        raise RuntimeError(f"{op} got an invalid norm type: {p}")
    A = _float_matrices(op, A)
    if A.numel() == 0:
        return wrap(np.zeros(A.shape[:-2], A.dtype))
    if p not in (None, 2, -2):
        _square_float(f"{op}(ord={p})", A)
    if p in (None, 2, -2, "nuc"):
        s = svdvals(A)
        if p == "nuc":
            return sum(s, -1) * sum(1 / s, -1)
        largest, smallest = movement.select(s, -1, 0), movement.select(s, -1, -1)
        return smallest / largest if p == -2 else largest / smallest
    singular = np.linalg.det(array_of(A)) == 0  # LU finds a zero pivot, as PyTorch's inverse
    eye = wrap(np.broadcast_to(np.eye(A.shape[-1], dtype=A.dtype), A.shape))
    invertible = where(wrap(singular[..., None, None]), eye, A)
    out = matrix_norm(A, p) * matrix_norm(inv(invertible), p)
    return where(wrap(singular), wrap(np.array(np.inf, A.dtype)), out)


# --- the matrix exponential ----------------------------------------------------------------------
def _expm(a: np.ndarray) -> np.ndarray:
    """``exp(a)`` of each matrix by scaling and squaring: the Taylor series to degree 18 of
    ``a / 2**s``, whose norm is at most 1/2, squared ``s`` times."""
    norm = np.abs(a).sum(-1).max(initial=0.0)
    if not np.isfinite(norm):
        return np.full_like(a, np.nan)
    s = max(0, math.ceil(math.log2(norm / 0.5))) if norm > 0 else 0
    x = a / 2.0 ** s
    term = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
    out = term.copy()
    for k in range(1, 19):
        term = term @ x / k
        out = out + term
    for _ in range(s):
        out = out @ out
    return out


@register("linalg_matrix_exp")
class LinalgMatrixExp(Function):
    """z = exp(x) = sum_k x^k / k!.  dz/dx: the upper right block of
    exp([[x^T, g], [0, x^T]]): the derivative of exp at x^T in the direction g."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        if x.dtype == np.float16:  # computed in float32, returned in float16
            return _expm(x.astype(np.float32)).astype(np.float16)
        return _expm(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        n, xt = x.shape[-1], x.mT
        zeros = wrap(np.zeros(x.shape, x.dtype))
        block = movement.cat([movement.cat([xt, g], -1), movement.cat([zeros, xt], -1)], -2)
        return movement.narrow(movement.narrow(LinalgMatrixExp.apply(block), -2, 0, n), -1, n, n)


def matrix_exp(A: Tensor) -> Tensor:
    """The exponential ``sum_k A^k / k!`` of square matrices ``(*, n, n)``."""
    op = "linalg.matrix_exp"
    return LinalgMatrixExp.apply(_square_float(op, _float_matrices(op, A)))


# --- products of several matrices, and powers ------------------------------------------------
@takes_out("same")
def multi_dot(tensors: Any) -> Tensor:
    """The product of two or more matrices, the first and last of which may be vectors
    (read as a row and a column, as ``matmul`` does)."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got "
                           f"{len(tensors)}")
    for i, t in enumerate(tensors):
        ndim = tensor_arg("multi_dot", t, f"tensors[{i}]").ndim
        if ndim != 2 and not (ndim == 1 and i in (0, len(tensors) - 1)):
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D (or 1D if first or "
                               f"last), got {ndim}D")
    out = tensors[0]
    for t in tensors[1:]:
        out = matmul(out, t)
    return out


@takes_out("same")
def chain_matmul(*matrices: Tensor) -> Tensor:
    """The product of the matrices (PyTorch's deprecated form of `multi_dot`; one matrix
    comes back as a copy)."""
    if len(matrices) == 1:
        return elementwise.clone(matrices[0])
    return multi_dot(matrices)


@takes_out("same")
def matrix_power(A: Tensor, n: int) -> Tensor:
    """``A`` multiplied by itself ``n`` times (by repeated squaring); ``n = 0`` gives the
    identity, ``n < 0`` powers of the inverse."""
    A = tensor_arg("matrix_power", A, "A")
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but "
                           f"got shape {tuple(A.shape)}")
    if n == 0:
        eye = np.broadcast_to(np.eye(A.shape[-1], dtype=A.dtype), A.shape)
        return locally_constant(A, eye.copy())
    base = inv(A) if n < 0 else A
    result, n = None, abs(n)
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result if result is not A else elementwise.clone(A)
