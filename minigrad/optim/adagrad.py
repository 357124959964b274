"""Adagrad and Adadelta: steps scaled by the history of squared gradients."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from ..tensor import Tensor
from .optimizer import (Optimizer, advance_step, buffer, check_non_negative,
                        regularized_grad, writable_data)


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011): divide each step by the root of the summed squared
    gradients, so often-updated coordinates slow down.

    With ``g = grad + weight_decay * p`` and ``t`` the step number (from 1)::

        s = s + g**2                         (s starts at initial_accumulator_value)
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize, or parameter groups (dicts with ``"params"``).
    lr : float
    lr_decay : float
    weight_decay : float
        L2 penalty added to the gradient.
    initial_accumulator_value : float
    eps : float
        Added to the denominator for numerical stability.
    foreach : bool, optional
        Accepted for compatibility (there is one implementation).
    maximize : bool
        Climb the objective instead of descending it.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 1e-2,
                 lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10,
                 foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps,
                                      weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, fused=fused))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        for key in ("lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            check_non_negative("Adagrad", f"{key} value", group[key])

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        p = writable_data(param)
        grad = regularized_grad(p, grad, group, float(group["weight_decay"]))
        step = advance_step(state)
        total = buffer(state, "sum", p, float(group["initial_accumulator_value"]))
        total += grad * grad
        rate = float(group["lr"]) / (1 + (step - 1) * float(group["lr_decay"]))
        p -= rate * grad / (np.sqrt(total) + float(group["eps"]))


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012): steps sized by the ratio of two running root mean squares,
    of past updates and of gradients, so the rate adapts per coordinate.

    With ``g = grad + weight_decay * p``::

        v = rho * v + (1 - rho) * g**2
        d = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * d**2
        p = p - lr * d

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize, or parameter groups (dicts with ``"params"``).
    lr : float
        Scales the update (1.0 in the paper).
    rho : float
        Decay of the running averages, in [0, 1].
    eps : float
        Added inside the square roots.
    weight_decay : float
        L2 penalty added to the gradient.
    foreach : bool, optional
        Accepted for compatibility.
    maximize : bool
        Climb the objective instead of descending it.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 1.0,
                 rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0,
                 foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize, capturable=capturable,
                                      foreach=foreach, differentiable=differentiable))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Adadelta: Invalid rho value: {group['rho']}")
        check_non_negative("Adadelta", "epsilon value", group["eps"])
        check_non_negative("Adadelta", "weight_decay value", group["weight_decay"])

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        p = writable_data(param)
        grad = regularized_grad(p, grad, group, float(group["weight_decay"]))
        rho, eps = float(group["rho"]), float(group["eps"])
        advance_step(state)
        square_avg = buffer(state, "square_avg", p)
        square_avg *= rho
        square_avg += (1.0 - rho) * grad * grad
        acc_delta = buffer(state, "acc_delta", p)
        delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * grad
        acc_delta *= rho
        acc_delta += (1.0 - rho) * delta * delta
        p -= float(group["lr"]) * delta

