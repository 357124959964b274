"""QR in LAPACK's compact form: ``geqrf`` and the products of Householder reflectors that
it encodes (``linalg.householder_product``, also ``orgqr``, and ``ormqr``).

``geqrf(A)`` returns ``(a, tau)``: R on and above the diagonal of ``a``, and below it the
reflector vectors ``v_i`` (``v_i[i] = 1`` implied, zeros above). With
``H_i = I - tau_i v_i v_i^T``, ``Q = H_1 H_2 ... H_k`` and ``A = Q R``. NumPy's
``qr(mode='raw')`` is LAPACK's geqrf itself (transposed), so ``a`` and ``tau`` are
PyTorch's to rounding. PyTorch has no derivative for geqrf: its results require grad and
backward through them raises.

The products are composites: each reflector is applied as
``C - v (tau (v^T C))``, two matrix products and a difference, so the gradients (of any
order) with respect to the reflectors, ``tau`` and ``other`` come from those ops, as
PyTorch differentiates ``householder_product`` and ``ormqr``.
"""
from __future__ import annotations

import numpy as np

from .. import return_types
from ..dtypes import scalar_type_name
from ..internal import array_of, wrap
from ..tensor import Tensor
from ._util import tensor_arg
from .decompositions import _lapack_dtype
from .diagonal import tril
from .linalg import matmul
from .movement import transpose as swap, unsqueeze
from .out_argument import takes_out
from .selection import without_derivative


def _batch_ndim_error(op: str, input: Tensor, tau: Tensor) -> None:
    """tau must be ``(*, k)`` for an input ``(*, m, n)``, as PyTorch checks."""
    if tau.ndim != input.ndim - 1:
        raise RuntimeError(f"{op}: Expected tau to have one dimension less than input, but "
                           f"got tau.ndim equal to {tau.ndim} and input.ndim is equal to "
                           f"{input.ndim}")


def _same_batches(op: str, name: str, t: Tensor, batch: tuple) -> None:
    if tuple(t.shape[:len(batch)]) != batch:
        raise RuntimeError(f"{op}: Expected batch dimensions of {name} to be equal to "
                           f"input.shape[:-2], but got {list(t.shape[:len(batch)])}")


def _last(t: Tensor) -> int:
    """``t.shape[-1]``, with PyTorch's IndexError for a 0-d tensor."""
    if t.ndim == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    return t.shape[-1]


def _reflect(C: Tensor, V: Tensor, tau: Tensor, order, left: bool) -> Tensor:
    """``C`` times the reflectors ``H_i = I - tau_i v_i v_i^T`` (v_i column i of V), taken
    in ``order``: from the left, each step is ``H_i C``; from the right, ``C H_i``."""
    for i in order:
        v, t = V[..., :, i:i + 1], unsqueeze(tau[..., i:i + 1], -1)  # (*, m, 1), (*, 1, 1)
        if left:
            C = C - matmul(v, t * matmul(swap(v, -1, -2), C))
        else:
            C = C - matmul(matmul(C, v) * t, swap(v, -1, -2))
    return C


def _reflectors(input: Tensor) -> Tensor:
    """The reflector vectors as columns: input's strict lower triangle, 1 on the diagonal."""
    m, n = input.shape[-2:]
    return tril(input, -1) + wrap(np.eye(m, n, dtype=input.dtype))


@takes_out("same", autograd="record")
def householder_product(A: Tensor, tau: Tensor) -> Tensor:
    """The first n columns of ``H_1 H_2 ... H_k`` for ``A`` of shape ``(*, m, n)``
    (``m >= n``) holding the reflector vectors below its diagonal and ``tau`` of shape
    ``(*, k)``, ``k <= n`` (what `geqrf` returns): Q of the QR decomposition.
    Differentiable in both."""
    op = "torch.linalg.householder_product"
    A, tau = tensor_arg(op, A, "input"), tensor_arg(op, tau, "tau")
    if A.ndim < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError(f"{op}: input.shape[-2] must be greater than or equal to "
                           f"input.shape[-1] (input of shape {tuple(A.shape)})")
    if n < _last(tau):
        raise RuntimeError(f"{op}: input.shape[-1] must be greater than or equal to "
                           f"tau.shape[-1] (input of shape {tuple(A.shape)}, tau of shape "
                           f"{tuple(tau.shape)})")
    _batch_ndim_error(op, A, tau)
    _same_batches(op, "tau", tau, tuple(A.shape[:-2]))
    if tau.dtype != A.dtype:
        raise RuntimeError(f"{op}: tau dtype {scalar_type_name(tau.dtype)} does not match "
                           f"input dtype {scalar_type_name(A.dtype)}")
    _lapack_dtype(op, "orgqr_cpu", A.dtype, A, tau)
    identity = wrap(np.ascontiguousarray(np.broadcast_to(np.eye(m, n, dtype=A.dtype), A.shape)))
    return _reflect(identity, _reflectors(A), tau, reversed(range(tau.shape[-1])), True)


@takes_out("same", autograd="record")
def orgqr(input: Tensor, tau: Tensor) -> Tensor:
    """PyTorch's older name of `householder_product` (LAPACK's orgqr)."""
    return householder_product(input, tau)


@takes_out("same", autograd="record")
def ormqr(input: Tensor, tau: Tensor, other: Tensor, left: bool = True,
          transpose: bool = False) -> Tensor:
    """``Q other`` (``other Q`` if not ``left``; ``Q^T`` for Q if ``transpose``), where Q is
    the full ``m x m`` product of the reflectors of ``(input, tau)`` as `geqrf` returns
    them, without forming Q. ``input`` is ``(*, m, n)``, ``tau`` ``(*, k)`` with ``k`` equal
    to ``min(m_other, n)``, ``other`` ``(*, m, p)`` (``(*, p, m)`` if not ``left``).
    Differentiable in all three."""
    op = "torch.ormqr"
    input, tau = tensor_arg(op, input, "input"), tensor_arg(op, tau, "tau")
    other = tensor_arg(op, other, "other")
    if input.ndim < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
    if other.ndim < 2:
        raise RuntimeError(f"{op}: other must have at least 2 dimensions.")
    side = -2 if left else -1
    if other.shape[side] != input.shape[-2]:
        raise RuntimeError(f"{op}: other.shape[{side}] must be equal to input.shape[-2] "
                           f"(input of shape {tuple(input.shape)}, other of shape "
                           f"{tuple(other.shape)}, left={left})")
    if _last(tau) != min(other.shape[side], input.shape[-1]):
        raise RuntimeError(f"{op}: tau.shape[-1] must be equal to min(other.shape[{side}], "
                           f"input.shape[-1]) (tau of shape {tuple(tau.shape)})")
    _batch_ndim_error(op, input, tau)
    if other.ndim != input.ndim:
        raise RuntimeError(f"{op}: Expected other to have the same number of dimensions as "
                           f"input, but got other.ndim equal to {other.ndim} and input.ndim "
                           f"is equal to {input.ndim}")
    batch = tuple(input.shape[:-2])
    _same_batches(op, "tau", tau, batch)
    _same_batches(op, "other", other, batch)
    for name, t in (("tau", tau), ("other", other)):
        if t.dtype != input.dtype:
            raise RuntimeError(f"{op}: Expected input and {name} to have the same dtype, but "
                               f"input has dtype{scalar_type_name(input.dtype)} and {name} "
                               f"has dtype {scalar_type_name(t.dtype)}")
    _lapack_dtype(op, "ormqr_cpu", input.dtype, input, tau, other)
    k = tau.shape[-1]
    # Q = H_1 ... H_k: Q C applies H_k first, Q^T C = H_k ... H_1 C applies H_1 first;
    # C Q applies H_1 first, C Q^T applies H_k first
    order = range(k) if left == transpose else reversed(range(k))
    V = _reflectors(input)[..., :, :k]
    return _reflect(other, V, tau, order, left)


@takes_out("same", autograd="none")
def geqrf(input: Tensor) -> return_types.geqrf:
    """LAPACK's geqrf: the QR decomposition of ``(*, m, n)`` matrices in compact form, the
    named tuple ``(a, tau)`` of shapes ``(*, m, n)`` and ``(*, min(m, n))`` (see the
    module's description). No derivative, as in PyTorch: the results require grad when
    ``input`` does, and backward through them raises NotImplementedError."""
    op = "torch.geqrf"
    input = tensor_arg(op, input, "input")
    if input.ndim < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
    dtype = _lapack_dtype(op, "geqrf_cpu", input.dtype, input)
    *batch, m, n = input.shape
    if m * n == 0:
        a, tau = np.zeros((*batch, n, m), dtype), np.zeros((*batch, min(m, n)), dtype)
    else:
        a, tau = np.linalg.qr(array_of(input), mode="raw")
    a = np.swapaxes(a.astype(dtype, copy=False), -1, -2)  # LAPACK's column-major layout
    tau = tau.astype(dtype, copy=False)
    return return_types.geqrf(without_derivative(input, a, "geqrf", NotImplementedError),
                              without_derivative(input, tau, "geqrf", NotImplementedError))
