"""Stochastic gradient descent, with optional momentum, Nesterov momentum and L2 decay."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from ..internal import array_of, wrap
from ..tensor import Tensor
from .optimizer import Optimizer, check_non_negative, regularized_grad, writable_data


class SGD(Optimizer):
    """Stochastic gradient descent (optionally with momentum).

    With ``g = grad + weight_decay * p``, each step does::

        b = g                                   (first step)
        b = momentum * b + (1 - dampening) * g  (later steps)
        d = g + momentum * b if nesterov else b   (d = g when momentum is 0)
        p = p - lr * d

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize, or parameter groups (dicts with ``"params"``).
    lr : float
        Learning rate (1e-3 by default, as in PyTorch 2.x).
    momentum : float
        Momentum factor.
    dampening : float
        Dampening of the gradient added to the momentum buffer.
    weight_decay : float
        L2 penalty added to the gradient.
    nesterov : bool
        Use Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
    maximize : bool
        Climb the objective instead of descending it.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 1e-3,
                 momentum: float = 0, dampening: float = 0, weight_decay: float = 0,
                 nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        check_non_negative("SGD", "momentum value", group["momentum"])
        check_non_negative("SGD", "weight_decay value", group["weight_decay"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(f"SGD: Nesterov momentum requires a momentum and zero dampening "
                             f"(got momentum={group['momentum']}, "
                             f"dampening={group['dampening']})")

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        p = writable_data(param)
        d_p = regularized_grad(p, grad, group, float(group["weight_decay"]))
        momentum = float(group["momentum"])
        if momentum != 0:
            if "momentum_buffer" not in state:
                buf = np.array(d_p, dtype=p.dtype, copy=True)
                state["momentum_buffer"] = wrap(buf)
            else:
                buf = array_of(state["momentum_buffer"])
                buf *= momentum
                buf += (1.0 - float(group["dampening"])) * d_p
            d_p = d_p + momentum * buf if group["nesterov"] else buf
        p -= float(group["lr"]) * d_p
