"""Adam and AdamW: steps scaled by running estimates of the gradient's first two moments."""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from ..tensor import Tensor
from .optimizer import (Optimizer, advance_step, buffer, check_non_negative,
                        check_unit_interval, regularized_grad, writable_data)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), with optional AMSGrad.

    With ``g = grad + weight_decay * p`` and ``t`` the step number (from 1)::

        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2        (v_max = max(v_max, v) with amsgrad)
        p = p - lr / (1 - beta1**t) * m / (sqrt(v / (1 - beta2**t)) + eps)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize, or parameter groups (dicts with ``"params"``).
    lr : float
        Learning rate.
    betas : tuple of float
        Decay rates of the first and second moment estimates, each in [0, 1).
    eps : float
        Added to the denominator for numerical stability.
    weight_decay : float
        L2 penalty added to the gradient (see `AdamW` for the decoupled form).
    amsgrad : bool
        Divide by the largest second moment seen so far (AMSGrad).
    maximize : bool
        Climb the objective instead of descending it.
    foreach, capturable, differentiable, fused
        Accepted for compatibility (there is one implementation).
    decoupled_weight_decay : bool
        Decay as `AdamW` does.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach,
                                      capturable=capturable, differentiable=differentiable,
                                      fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        op = type(self).__name__
        check_non_negative(op, "epsilon value", group["eps"])
        check_non_negative(op, "weight_decay value", group["weight_decay"])
        betas = group["betas"]
        if len(betas) != 2:
            raise ValueError(f"{op}: betas must be a pair (beta1, beta2), got {betas}")
        for i, beta in enumerate(betas):
            check_unit_interval(op, f"beta parameter at index {i}", beta)

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        p = writable_data(param)
        lr, weight_decay = float(group["lr"]), float(group["weight_decay"])
        beta1, beta2 = (float(b) for b in group["betas"])
        if group["decoupled_weight_decay"]:
            p *= 1.0 - lr * weight_decay
            weight_decay = 0.0
        grad = regularized_grad(p, grad, group, weight_decay)
        step = advance_step(state)

        exp_avg = buffer(state, "exp_avg", p)
        exp_avg *= beta1
        exp_avg += (1.0 - beta1) * grad
        exp_avg_sq = buffer(state, "exp_avg_sq", p)
        exp_avg_sq *= beta2
        exp_avg_sq += (1.0 - beta2) * grad * grad
        if group["amsgrad"]:
            max_exp_avg_sq = buffer(state, "max_exp_avg_sq", p)
            np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
            exp_avg_sq = max_exp_avg_sq

        denom = np.sqrt(exp_avg_sq)
        denom /= math.sqrt(1.0 - beta2 ** step)
        denom += float(group["eps"])
        p -= (lr / (1.0 - beta1 ** step)) * exp_avg / denom


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    Instead of adding ``weight_decay * p`` to the gradient, each step first shrinks the
    parameter, ``p = p * (1 - lr * weight_decay)``, then takes the plain Adam step.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize, or parameter groups (dicts with ``"params"``).
    lr, betas, eps, amsgrad, maximize
        As for `Adam`.
    weight_decay : float
        Decoupled decay rate (default 1e-2).
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None,
                 capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         foreach=foreach, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
