"""Binary cross-entropy of probabilities, as a primitive.

Composed from ``log``, the loss would give the right values but not PyTorch's gradient
where a probability is exactly 0 or 1 (which a float32 sigmoid reaches): PyTorch clamps
each log at -100 in the value and divides by ``max(p (1 - p), 1e-12)`` in the gradient, so
a saturated prediction still gets a (huge) push back. This primitive states those rules
once; away from 0 and 1 they are the plain derivatives.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function, register
from ..tensor import Tensor
from . import elementwise, selection

_LOG_FLOOR = -100.0   # PyTorch's clamp of log(p) and log(1 - p)
_EPS = float(np.float32(1e-12))  # PyTorch's floor of p (1 - p) in the gradient (a float32 1e-12)


@register("binary_cross_entropy")
class BinaryCrossEntropy(Function):
    """z = -(t max(log p, -100) + (1 - t) max(log(1 - p), -100)), elementwise.
    dz/dp = (p - t) / max(p (1 - p), 1e-12), dz/dt = log(1 - p) - log p (unclamped, as in PyTorch).
    """

    @staticmethod
    def forward(ctx, p, t):
        ctx.save_for_backward(p, t)
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), _LOG_FLOOR)
            log_q = np.maximum(np.log1p(-p), _LOG_FLOOR)
        return -(t * log_p + (1 - t) * log_q)

    @staticmethod
    def backward(ctx, g):
        p, t = ctx.saved_tensors
        grad_p = grad_t = None
        if ctx.needs_input_grad[0]:
            grad_p = g * (p - t) / selection.clamp(p * (1 - p), min=_EPS)
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore"):
                grad_t = g * (elementwise.log(1 - p) - elementwise.log(p))
        return grad_p, grad_t


def binary_cross_entropy(p: Tensor, t: Tensor) -> Tensor:
    """The elementwise loss of probabilities ``p`` against targets ``t`` (same shape)."""
    return BinaryCrossEntropy.apply(p, t)
