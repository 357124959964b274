"""RMSprop: steps divided by a running root mean square of the gradient."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from ..tensor import Tensor
from .optimizer import (Optimizer, advance_step, buffer, check_non_negative,
                        regularized_grad, writable_data)


class RMSprop(Optimizer):
    """RMSprop (Hinton), optionally centered and with momentum.

    With ``g = grad + weight_decay * p``::

        s = alpha * s + (1 - alpha) * g**2
        a = alpha * a + (1 - alpha) * g                 (centered only)
        r = sqrt(s - a**2) + eps  if centered  else  sqrt(s) + eps
        b = momentum * b + g / r;  p = p - lr * b       (momentum > 0)
        p = p - lr * g / r                              (otherwise)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize, or parameter groups (dicts with ``"params"``).
    lr : float
        Learning rate.
    alpha : float
        Smoothing constant of the running averages.
    eps : float
        Added to the denominator for numerical stability.
    weight_decay : float
        L2 penalty added to the gradient.
    momentum : float
        Momentum factor.
    centered : bool
        Divide by an estimate of the gradient's variance instead of its second moment.
    maximize : bool
        Climb the objective instead of descending it.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 1e-2,
                 alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0,
                 momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps,
                                      centered=centered, weight_decay=weight_decay,
                                      capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        for key, name in (("alpha", "alpha"), ("eps", "epsilon"), ("momentum", "momentum"),
                          ("weight_decay", "weight_decay")):
            check_non_negative("RMSprop", f"{name} value", group[key])

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        p = writable_data(param)
        grad = regularized_grad(p, grad, group, float(group["weight_decay"]))
        alpha, momentum = float(group["alpha"]), float(group["momentum"])
        advance_step(state)

        square_avg = buffer(state, "square_avg", p)
        square_avg *= alpha
        square_avg += (1.0 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = buffer(state, "grad_avg", p)
            grad_avg *= alpha
            grad_avg += (1.0 - alpha) * grad
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += float(group["eps"])

        if momentum > 0:
            buf = buffer(state, "momentum_buffer", p)
            buf *= momentum
            buf += grad / avg
            p -= float(group["lr"]) * buf
        else:
            p -= float(group["lr"]) * grad / avg
