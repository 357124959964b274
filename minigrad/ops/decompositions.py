"""Matrix decompositions with gradients: QR (``linalg.qr``), the symmetric eigenvalue
decomposition (``linalg.eigh``, ``linalg.eigvalsh``) and the singular value decomposition
(``linalg.svd``, ``linalg.svdvals``), PyTorch's older ``qr`` and ``svd`` spellings, and
the triangular solve that QR's gradient is written with (``linalg.solve_triangular``).

Each decomposition is one primitive with several outputs. Its forward calls NumPy's
LAPACK routine; its backward is the adjoint of the factorization's perturbation equations,
written with minigrad ops so that it can be differentiated again (each primitive's
docstring states it). Inputs are float32 or float64 matrices, batched over leading dims;
the outputs keep the input's dtype.

Signs. A factorization is unique only up to signs: a column of ``Q`` with the matching
row of ``R``, an eigenvector, or a left and right singular vector together may be
negated. NumPy and PyTorch call the same LAPACK routines on the CPU (geqrf, syevd, gesdd),
so the factors usually agree with PyTorch's exactly, but for some shapes and batches a
sign differs. What does not depend on the signs always agrees: eigenvalues, singular
values, ``R``'s absolute values, reconstructions such as ``U diag(S) Vh``, projectors such
as ``U U^T``, and ``|U|``.

Where a gradient is not defined. The gradient through eigenvectors or singular vectors
divides by differences of eigenvalues (of squared singular values): at a repeated value
it is inf or NaN, as in PyTorch. The values alone (``eigvalsh``, ``svdvals``, or a
decomposition whose vectors are not used) keep a finite gradient there.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import return_types
from ..autograd.function import Function, register
from ..dtypes import result_type
from ..internal import array_of, wrap
from ..tensor import Tensor
from . import broadcasting, movement, reduction
from ._util import as_tensor, broadcast_shape, tensor_arg
from .broadcasting import sum_to
from .diagonal import diag_embed, tril, triu
from .linalg import _square_float, svd_or_nan
from .out_argument import takes_out

_LAPACK_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _float_matrices(op: str, A: Any, name: str = "A") -> Tensor:
    """``A`` checked as a float tensor of (batches of) matrices, with PyTorch's errors."""
    A = tensor_arg(op, A, name)
    if A.dtype.kind != "f":
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got "
                           f"{A.dtype}")
    if A.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor {name} must have at least 2 dimensions, "
                           f"got shape {tuple(A.shape)}")
    return A


def _lapack_dtype(op: str, kernel: str, dtype: Any, *inputs: Tensor) -> np.dtype:
    """``dtype`` if LAPACK computes in it (float32, float64); else PyTorch's
    ``NotImplementedError`` naming its CPU ``kernel`` (float16, integers)."""
    dtype = np.dtype(dtype)
    if dtype not in _LAPACK_DTYPES:
        shapes = " and ".join(str(tuple(t.shape)) for t in inputs)
        raise NotImplementedError(f'{op}: "{kernel}" not implemented for {dtype} (shape '
                                  f"{shapes}); LAPACK computes in float32 and float64")
    return dtype


def _used(g: Tensor) -> bool:
    """Whether an output's incoming gradient may be nonzero. The engine gives an output
    nobody used a zero gradient; skipping its terms keeps the gradient of the values alone
    finite at repeated values (PyTorch leaves such a gradient undefined)."""
    return g.requires_grad or bool(np.any(array_of(g)))


def _reciprocal_gaps(v: Tensor) -> Tensor:
    """``F`` with ``F[i, j] = 1 / (v[j] - v[i])`` off the diagonal and 0 on it (inf where two
    values are equal). Adding 1 on the diagonal before dividing keeps it differentiable."""
    n = v.shape[-1]
    eye = np.eye(n, dtype=v.dtype)
    gaps = movement.unsqueeze(v, -2) - movement.unsqueeze(v, -1)
    return wrap(1 - eye) / (gaps + wrap(eye))


# --- triangular solve ----------------------------------------------------------------------
def _substitute(t: np.ndarray, b: np.ndarray, upper: bool) -> np.ndarray:
    """``X`` with ``t X = b`` for triangular ``t``, one row at a time (back substitution if
    ``upper``, forward otherwise). A 0 on the diagonal gives inf or NaN, as LAPACK's
    triangular solve does, rather than an error."""
    n = t.shape[-1]
    x = np.zeros(np.broadcast_shapes(t.shape[:-2], b.shape[:-2]) + b.shape[-2:], b.dtype)
    for i in (range(n - 1, -1, -1) if upper else range(n)):
        done = slice(i + 1, n) if upper else slice(0, i)
        known = (t[..., i:i + 1, done] @ x[..., done, :])[..., 0, :]
        x[..., i, :] = (b[..., i, :] - known) / t[..., i, i, None]
    return x


@register("linalg_solve_triangular")
class LinalgSolveTriangular(Function):
    """z = T^-1 y (``left``) or y T^-1, T the upper or lower triangle of x (with 1s on the
    diagonal if ``unitriangular``).  dz/dy: gy = T^-T g (g T^-T); dz/dx: -gy z^T (-z^T gy)
    on T's triangle (off the diagonal if unitriangular); both summed over broadcast dims."""

    @staticmethod
    def forward(ctx, x, y, upper, left, unitriangular):
        t = np.triu(x) if upper else np.tril(x)
        if unitriangular:
            t[..., np.arange(t.shape[-1]), np.arange(t.shape[-1])] = 1
        if left:
            z = _substitute(t, y, upper)
        else:  # z t = y  <=>  t^T z^T = y^T
            z = np.swapaxes(_substitute(np.swapaxes(t, -1, -2), np.swapaxes(y, -1, -2),
                                        not upper), -1, -2)
        ctx.save_for_backward(x, z)
        ctx.flags, ctx.shapes = (upper, left, unitriangular), (x.shape, y.shape)
        return z

    @staticmethod
    def backward(ctx, g):
        x, z = ctx.saved_tensors
        (upper, left, unit), (x_shape, y_shape) = ctx.flags, ctx.shapes
        gy = LinalgSolveTriangular.apply(x.mT, g, not upper, left, unit)
        gx = None
        if ctx.needs_input_grad[0]:
            gt = -(gy @ z.mT) if left else -(z.mT @ gy)
            gt = triu(gt, int(unit)) if upper else tril(gt, -int(unit))
            gx = sum_to(gt, x_shape)
        return gx, sum_to(gy, y_shape), None, None, None


@takes_out("same")
def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,
                     unitriangular: bool = False) -> Tensor:
    """The solution ``X`` of ``A X = B`` (``X A = B`` with ``left=False``) for triangular
    ``A``.

    Parameters
    ----------
    A : Tensor
        Square matrices ``(*, n, n)``; only the triangle named by ``upper`` is read (and
        not its diagonal, taken as 1s, if ``unitriangular``).
    B : Tensor
        Matrices ``(*, n, k)`` (``(*, k, n)`` with ``left=False``); batch dims broadcast
        with ``A``'s, and the dtypes promote.
    upper : bool
        Keyword-only and required, as in PyTorch.

    Returns
    -------
    Tensor
        ``X``, of the broadcast batch shape. A 0 on the diagonal gives inf or NaN.
    """
    op = "linalg.solve_triangular"
    A, B = tensor_arg(op, A, "A"), tensor_arg(op, B, "B")
    dtype = _lapack_dtype(op, "triangular_solve_cpu", result_type(A, B), A, B)
    A = _square_float(op, as_tensor(A, op, dtype))
    B = _float_matrices(op, as_tensor(B, op, dtype), "B")
    if (B.shape[-2] if left else B.shape[-1]) != A.shape[-1]:
        n, (p, q) = A.shape[-1], B.shape[-2:]
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation "
                           f"{'AX' if left else 'XA'} = B ({n}x{n} and {p}x{q})")
    broadcast_shape(op, A.shape[:-2], B.shape[:-2])
    return LinalgSolveTriangular.apply(A, B, bool(upper), bool(left), bool(unitriangular))


# --- QR ------------------------------------------------------------------------------------
@register("linalg_qr")
class LinalgQr(Function):
    """z = (Q, R) with x = Q R, Q with orthonormal columns and R upper triangular.  dz/dx
    for m >= n: (gQ + Q sym(M)) R^-T with M = gR R^T - Q^T gQ and sym(M) the symmetric
    matrix with M's upper triangle. For m < n, x = Q [U | V]: the first m columns take
    that rule with gQ + (Q V) gV^T, the others get Q gV."""

    @staticmethod
    def forward(ctx, x, mode):
        ctx.mode, ctx.size = mode, x.shape[-2:]
        if mode == "r":
            return np.empty((0,), x.dtype), np.linalg.qr(x, mode="r")
        q, r = np.linalg.qr(x, mode=mode)
        ctx.save_for_backward(q, r)
        return q, r

    @staticmethod
    def backward(ctx, gQ, gR):
        (m, n), mode = ctx.size, ctx.mode
        if mode == "r":
            raise RuntimeError("linalg.qr: The derivative of linalg.qr depends on Q, which is "
                               "not computed when mode='r'. Please use linalg.qr(A, "
                               "mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        if mode == "complete" and m > n:
            raise RuntimeError(f"linalg.qr: The QR decomposition is not differentiable when "
                               f"mode='complete' and nrows > ncols (got {m} x {n}).")
        Q, R = ctx.saved_tensors
        if m >= n:
            return _qr_backward(Q, R, gQ, gR), None
        U, V = movement.narrow(R, -1, 0, m), movement.narrow(R, -1, m, n - m)
        gU, gV = movement.narrow(gR, -1, 0, m), movement.narrow(gR, -1, m, n - m)
        first = _qr_backward(Q, U, gQ + (Q @ V) @ gV.mT, gU)
        return movement.cat([first, Q @ gV], -1), None


def _qr_backward(Q: Tensor, R: Tensor, gQ: Tensor, gR: Tensor) -> Tensor:
    """``(gQ + Q sym(M)) R^-T`` for ``A = Q R`` with square, invertible ``R``."""
    M = gR @ R.mT - Q.mT @ gQ
    sym = triu(M) + triu(M, 1).mT
    return LinalgSolveTriangular.apply(R, (gQ + Q @ sym).mT, True, True, False).mT


@takes_out("same")
def qr(A: Tensor, mode: str = "reduced") -> return_types.linalg_qr:
    """``(Q, R)`` with ``A = Q R``: ``Q`` with orthonormal columns, ``R`` upper triangular.

    Parameters
    ----------
    A : Tensor
        Matrices ``(*, m, n)``, float32 or float64.
    mode : str
        ``'reduced'``: Q is ``(*, m, k)`` and R ``(*, k, n)`` with ``k = min(m, n)``;
        ``'complete'``: Q is ``(*, m, m)`` and R ``(*, m, n)``; ``'r'``: R only (``Q`` is
        an empty tensor, and there is no gradient).

    Returns
    -------
    minigrad.return_types.linalg_qr
        The named tuple ``(Q, R)``. As in LAPACK, R's diagonal may be negative; its signs
        (and Q's columns with them) may differ from PyTorch's.
    """
    op = "linalg.qr"
    A = _float_matrices(op, A)
    _lapack_dtype(op, "geqrf_cpu", A.dtype, A)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"{op}: qr received unrecognized mode '{mode}' but expected one of "
                           f"'reduced' (default), 'r', or 'complete'")
    return return_types.linalg_qr(*LinalgQr.apply(A, mode))


@takes_out("same")
def legacy_qr(input: Tensor, some: bool = True) -> return_types.qr:
    """``torch.qr``, deprecated in PyTorch (which warns): `qr` with ``mode='reduced'`` if
    ``some``, else ``'complete'``."""
    warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed "
                  "in a future PyTorch release.\nThe boolean parameter 'some' has been "
                  "replaced with a string parameter 'mode'.", UserWarning, stacklevel=2)
    return return_types.qr(*qr(input, "reduced" if some else "complete"))


# --- the symmetric eigenvalue decomposition -----------------------------------------------
@register("linalg_eigh")
class LinalgEigh(Function):
    """z = (w, V) with x = V diag(w) V^T and w ascending, for the symmetric matrix read
    from x's lower (``UPLO='L'``) or upper triangle.  dz/dx = V (diag(gw) + F * (K - K^T)
    / 2) V^T with K = V^T gV and F[i, j] = 1 / (w[j] - w[i]) off the diagonal: symmetric,
    as PyTorch's gradient."""

    @staticmethod
    def forward(ctx, x, uplo):
        w, v = np.linalg.eigh(x, UPLO=uplo)
        ctx.save_for_backward(w, v)
        return w, v

    @staticmethod
    def backward(ctx, gw, gV):
        w, V = ctx.saved_tensors
        inner = diag_embed(gw)
        if _used(gV):
            K = V.mT @ gV
            inner = inner + _reciprocal_gaps(w) * (K - K.mT) * 0.5
        return V @ inner @ V.mT, None


def _symmetric(op: str, A: Any, UPLO: str) -> tuple[Tensor, str]:
    A = tensor_arg(op, A, "A")
    _lapack_dtype(op, "linalg_eigh_cpu", A.dtype, A)
    if not isinstance(UPLO, str) or UPLO.upper() not in ("L", "U"):
        raise RuntimeError(f"{op}: Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return _square_float(op, A), UPLO.upper()


@takes_out("same")
def eigh(A: Tensor, UPLO: str = "L") -> return_types.linalg_eigh:
    """``(eigenvalues, eigenvectors)`` of symmetric matrices: ``A = V diag(w) V^T``.

    Parameters
    ----------
    A : Tensor
        Square matrices ``(*, n, n)``, float32 or float64. Only the lower triangle is read
        (the upper with ``UPLO='U'``), as if the matrix were symmetric.
    UPLO : str
        ``'L'`` or ``'U'`` (either case).

    Returns
    -------
    minigrad.return_types.linalg_eigh
        ``eigenvalues`` ``(*, n)`` in ascending order, and ``eigenvectors`` ``(*, n, n)``
        as columns, each unique up to its sign (which may differ from PyTorch's). The
        gradient is symmetric, as PyTorch's; with repeated eigenvalues the gradient through
        the eigenvectors is inf or NaN.
    """
    A, UPLO = _symmetric("linalg.eigh", A, UPLO)
    return return_types.linalg_eigh(*LinalgEigh.apply(A, UPLO))


@takes_out("same")
def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:
    """The eigenvalues of symmetric matrices, ascending (see `eigh`); their gradient
    ``V diag(g) V^T`` stays finite at repeated eigenvalues."""
    A, UPLO = _symmetric("linalg.eigvalsh", A, UPLO)
    return LinalgEigh.apply(A, UPLO)[0]


# --- the singular value decomposition ------------------------------------------------------
@register("linalg_svd")
class LinalgSvd(Function):
    """z = (U, S, Vh) with x = U diag(S) Vh and S descending.  With k = min(m, n) (only
    the first k columns of U and rows of Vh get a gradient, as in PyTorch), J = U^T gU,
    K = Vh gVh^T and F[i, j] = 1 / (S[j]^2 - S[i]^2) off the diagonal:
    dz/dx = U (diag(gS) + (F * (J - J^T)) S + S (F * (K - K^T))) Vh
    + (gU - U J) S^-1 Vh + U S^-1 (gVh - K^T Vh)."""

    @staticmethod
    def forward(ctx, x, full_matrices):
        u, s, vh = svd_or_nan(x, full_matrices=full_matrices)
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    @staticmethod
    def backward(ctx, gU, gS, gVh):
        U, S, Vh = ctx.saved_tensors
        k = S.shape[-1]
        if U.shape[-1] != k:  # full_matrices: the extra columns take no part
            U, gU = movement.narrow(U, -1, 0, k), movement.narrow(gU, -1, 0, k)
        if Vh.shape[-2] != k:
            Vh, gVh = movement.narrow(Vh, -2, 0, k), movement.narrow(gVh, -2, 0, k)
        columns, rows = movement.unsqueeze(S, -2), movement.unsqueeze(S, -1)
        inner, outside = diag_embed(gS), []
        F = _reciprocal_gaps(S * S) if _used(gU) or _used(gVh) else None
        if _used(gU):
            J = U.mT @ gU
            inner = inner + F * (J - J.mT) * columns
            if U.shape[-2] > k:
                outside.append((gU - U @ J) / columns @ Vh)
        if _used(gVh):
            K = Vh @ gVh.mT
            inner = inner + rows * (F * (K - K.mT))
            if Vh.shape[-1] > k:
                outside.append(U @ ((gVh - K.mT @ Vh) / rows))
        gx = U @ inner @ Vh
        for term in outside:
            gx = gx + term
        return gx, None


def _svd_input(op: str, A: Any, driver: Any) -> Tensor:
    A = _float_matrices(op, A)
    _lapack_dtype(op, "linalg_svd_cpu", A.dtype, A)
    if driver is not None:
        raise RuntimeError(f"{op}: keyword argument `driver=` is only supported on CUDA "
                           f"inputs with cuSOLVER backend (got driver={driver!r} on the CPU).")
    return A


@takes_out("same")
def svd(A: Tensor, full_matrices: bool = True, *,
        driver: str | None = None) -> return_types.linalg_svd:
    """``(U, S, Vh)`` with ``A = U diag(S) Vh``.

    Parameters
    ----------
    A : Tensor
        Matrices ``(*, m, n)``, float32 or float64.
    full_matrices : bool
        ``U`` is ``(*, m, m)`` and ``Vh`` ``(*, n, n)`` if True (the extra vectors get no
        gradient, as in PyTorch), else ``(*, m, k)`` and ``(*, k, n)`` with
        ``k = min(m, n)``.
    driver : None
        PyTorch's cuSOLVER routine, for CUDA only: anything but None raises, as PyTorch
        does on the CPU.

    Returns
    -------
    minigrad.return_types.linalg_svd
        ``U``, the singular values ``S`` ``(*, k)`` in descending order, and ``Vh``. A
        pair of singular vectors may be negated with respect to PyTorch's. With repeated
        singular values the gradient through ``U`` or ``Vh`` is inf or NaN.
    """
    A = _svd_input("linalg.svd", A, driver)
    return return_types.linalg_svd(*LinalgSvd.apply(A, bool(full_matrices)))


@takes_out("same")
def svdvals(A: Tensor, *, driver: str | None = None) -> Tensor:
    """The singular values of matrices ``(*, m, n)``, descending, ``(*, min(m, n))``;
    their gradient ``U diag(g) Vh`` stays finite at repeated values. ``driver`` as in
    `svd`."""
    return LinalgSvd.apply(_svd_input("linalg.svdvals", A, driver), False)[1]


def spectral_norm(A: Tensor, ord: Any, dims: tuple[int, int], keepdim: bool) -> Tensor:
    """``linalg.matrix_norm``'s spectral norms of the matrices spanning ``dims`` (rows,
    columns): the largest (``ord=2``) or smallest (``-2``) singular value, or their sum
    (``'nuc'``)."""
    rest = [d for d in range(A.ndim) if d not in dims]
    S = svdvals(movement.permute(A, tuple(rest) + tuple(dims)))
    if ord == "nuc" or (ord == 2 and S.shape[-1] == 0):  # 2 of an empty matrix: 0, as torch
        out = broadcasting.sum(S, -1)
    else:
        out = (reduction.amax if ord == 2 else reduction.amin)(S, -1)
    for d in sorted(dims) if keepdim else ():
        out = movement.unsqueeze(out, d)
    return out


@takes_out("same")
def legacy_svd(input: Tensor, some: bool = True, compute_uv: bool = True) -> return_types.svd:
    """``torch.svd``: ``(U, S, V)`` with ``input = U diag(S) V^T`` (``V``, not ``Vh``),
    reduced if ``some``. Without ``compute_uv``, ``U`` and ``V`` are zeros of shapes
    ``(*, m, m)`` and ``(*, n, n)``, as in PyTorch."""
    if not compute_uv:
        S = svdvals(input)
        (m, n), batch = input.shape[-2:], tuple(input.shape[:-2])
        zeros = (wrap(np.zeros(batch + (size, size), input.dtype)) for size in (m, n))
        return return_types.svd(next(zeros), S, next(zeros))
    U, S, Vh = svd(input, full_matrices=not some)
    return return_types.svd(U, S, Vh.mT)
