"""``linalg.householder_product``: the matrix Q stored by a QR factorisation as Householder
reflectors (LAPACK's ``orgqr``), built from differentiable ops.

Column ``i`` of ``A`` below the diagonal, with a 1 on the diagonal, is the vector ``v_i``
of the reflector ``H_i = I - tau_i v_i v_i^H``; the result is the first ``n`` columns of
``H_1 H_2 ... H_k``. Applying the reflectors to the identity from the last one back costs
two thin matrix products each, and autograd differentiates the loop (twice, too).
"""
from __future__ import annotations

import numpy as np

from ..internal import wrap
from ..tensor import Tensor
from ._util import tensor_arg
from .out_argument import takes_out
from .selection import locally_constant


def _check(A: Tensor, tau: Tensor) -> None:
    op = "torch.linalg.householder_product"
    if A.ndim < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
    if tau.ndim < 1:
        raise RuntimeError(f"{op}: tau must have at least 1 dimension.")
    m, n, k = A.shape[-2], A.shape[-1], tau.shape[-1]
    if m < n:
        raise RuntimeError(f"{op}: input.shape[-2] must be greater than or equal to "
                           f"input.shape[-1]")
    if n < k:
        raise RuntimeError(f"{op}: input.shape[-1] must be greater than or equal to "
                           f"tau.shape[-1]")
    if tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(f"{op}: Expected batch dimensions of tau to be equal to "
                           f"input.shape[:-2], but got {list(tau.shape[:-1])}")
    if tau.dtype != A.dtype:
        raise RuntimeError(f"{op}: tau dtype {tau.dtype} does not match input dtype {A.dtype}")
    if A.dtype.kind not in "fc":
        raise RuntimeError(f"{op}: expected a floating point or complex tensor as input, got "
                           f"{A.dtype}")


@takes_out("same")
def householder_product(A: Tensor, tau: Tensor) -> Tensor:
    """The first ``n`` columns of ``H_1 ... H_k`` for ``A`` of shape ``(*, m, n)`` and
    ``tau`` of shape ``(*, k)``, ``k <= n <= m`` (PyTorch's ``torch.linalg.
    householder_product`` and ``torch.orgqr``).

    Parameters
    ----------
    A : Tensor
        Below its diagonal, the Householder vectors (what ``geqrf`` returns); the diagonal
        and the upper triangle are not read.
    tau : Tensor
        The reflectors' scale factors.

    Returns
    -------
    Tensor
        Shape ``(*, m, n)``; differentiable with respect to the strictly lower triangle of
        ``A`` and to ``tau``.
    """
    A = tensor_arg("linalg.householder_product", A, "input")
    tau = tensor_arg("linalg.householder_product", tau, "tau")
    _check(A, tau)
    m, n = A.shape[-2], A.shape[-1]
    identity = np.eye(m, n, dtype=A.dtype)
    vectors = A.tril(-1) + wrap(identity)
    Q = locally_constant(A, np.broadcast_to(identity, A.shape).copy())  # in A's graph
    for i in reversed(range(tau.shape[-1])):
        v = vectors[..., :, i:i + 1]
        Q = Q - tau[..., i:i + 1].unsqueeze(-1) * (v @ (v.mH @ Q))
    return Q
