"""Adam's relatives: Adamax (an infinity-norm second moment), NAdam (Nesterov momentum)
and RAdam (a rectified warm-up of the adaptive rate)."""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from ..tensor import Tensor
from .adam import Adam
from .optimizer import (Optimizer, advance_step, buffer, regularized_grad,
                        writable_data)


class _AdamFamily(Adam):
    """Options and checks shared with Adam; ``_decay`` applies the weight decay."""

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], defaults: dict) -> None:
        Optimizer.__init__(self, params, defaults)

    @staticmethod
    def _decay(p: np.ndarray, grad: np.ndarray, group: dict) -> np.ndarray:
        """Decoupled decay shrinks ``p`` in place; otherwise L2 is added to the gradient."""
        weight_decay = float(group["weight_decay"])
        if group.get("decoupled_weight_decay") and weight_decay:
            p *= 1.0 - float(group["lr"]) * weight_decay
            weight_decay = 0.0
        return regularized_grad(p, grad, group, weight_decay)

    @staticmethod
    def _moments(state: dict, p: np.ndarray, grad: np.ndarray,
                 betas: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
        m, v = buffer(state, "exp_avg", p), buffer(state, "exp_avg_sq", p)
        m *= betas[0]
        m += (1.0 - betas[0]) * grad
        v *= betas[1]
        v += (1.0 - betas[1]) * grad * grad
        return m, v


class Adamax(_AdamFamily):
    """Adamax (Kingma & Ba, 2015): Adam with the second moment replaced by a running
    maximum of ``|g|``.

    With ``g = grad + weight_decay * p`` and ``t`` the step number::

        m = beta1 * m + (1 - beta1) * g
        u = max(beta2 * u, |g| + eps)
        p = p - lr / (1 - beta1**t) * m / u

    Parameters
    ----------
    params : iterable of Tensor or of dict
    lr : float
    betas : tuple of float
    eps : float
    weight_decay : float
    foreach : bool, optional
        Accepted for compatibility.
    maximize : bool
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        p = writable_data(param)
        grad = self._decay(p, grad, group)
        beta1, beta2 = (float(b) for b in group["betas"])
        step = advance_step(state)
        m = buffer(state, "exp_avg", p)
        m *= beta1
        m += (1.0 - beta1) * grad
        u = buffer(state, "exp_inf", p)
        np.maximum(u * beta2, np.abs(grad) + float(group["eps"]), out=u)
        p -= float(group["lr"]) / (1.0 - beta1 ** step) * m / u


class NAdam(_AdamFamily):
    """NAdam (Dozat, 2016): Adam with Nesterov momentum, whose momentum coefficient
    warms up as ``mu_t = beta1 (1 - 0.5 * 0.96 ** (t * momentum_decay))``.

    With ``g`` the (decayed) gradient and ``M_t = mu_1 ... mu_t``::

        m, v as in Adam;  d = sqrt(v / (1 - beta2**t)) + eps
        p = p - lr (1 - mu_t) / (1 - M_t) * g / d - lr mu_{t+1} / (1 - M_{t+1}) * m / d

    Parameters
    ----------
    params : iterable of Tensor or of dict
    lr : float
    betas : tuple of float
    eps : float
    weight_decay : float
    momentum_decay : float
    decoupled_weight_decay : bool
        Shrink the parameter (AdamW style) instead of adding L2 to the gradient.
    maximize : bool
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach,
                                      capturable=capturable, differentiable=differentiable))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        if not group["momentum_decay"] >= 0:
            raise ValueError(f"NAdam: Invalid momentum_decay value: {group['momentum_decay']}")

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        p = writable_data(param)
        grad = self._decay(p, grad, group)
        betas = tuple(float(b) for b in group["betas"])
        lr, decay = float(group["lr"]), float(group["momentum_decay"])
        step = advance_step(state)
        mu = betas[0] * (1.0 - 0.5 * 0.96 ** (step * decay))
        mu_next = betas[0] * (1.0 - 0.5 * 0.96 ** ((step + 1) * decay))
        # PyTorch keeps the running product in a float32 scalar tensor; rounding it the
        # same way keeps the trajectories equal, not just close.
        product = float(np.float32(state.get("mu_product", 1.0)) * np.float32(mu))
        state["mu_product"] = product
        m, v = self._moments(state, p, grad, betas)
        denom = np.sqrt(v / (1.0 - betas[1] ** step)) + float(group["eps"])
        p -= lr * (1.0 - mu) / (1.0 - product) * grad / denom
        p -= lr * mu_next / (1.0 - product * mu_next) * m / denom


class RAdam(_AdamFamily):
    """RAdam (Liu et al., 2020): Adam whose adaptive rate is switched on gradually, by a
    rectification term, once the variance estimate is reliable (``rho_t > 5``); before
    that, the step is plain momentum SGD.

    Parameters
    ----------
    params : iterable of Tensor or of dict
    lr : float
    betas : tuple of float
    eps : float
    weight_decay : float
    decoupled_weight_decay : bool
        Shrink the parameter (AdamW style) instead of adding L2 to the gradient.
    maximize : bool
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      differentiable=differentiable))

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        p = writable_data(param)
        grad = self._decay(p, grad, group)
        beta1, beta2 = (float(b) for b in group["betas"])
        lr = float(group["lr"])
        step = advance_step(state)
        m, v = self._moments(state, p, grad, (beta1, beta2))
        corrected = m / (1.0 - beta1 ** step)
        correction2 = 1.0 - beta2 ** step
        rho_inf = 2.0 / (1.0 - beta2) - 1.0
        rho = rho_inf - 2.0 * step * beta2 ** step / correction2
        if rho > 5.0:
            rect = math.sqrt((rho - 4) * (rho - 2) * rho_inf
                             / ((rho_inf - 4) * (rho_inf - 2) * rho))
            adaptive = math.sqrt(correction2) / (np.sqrt(v) + float(group["eps"]))
            p -= corrected * lr * adaptive * rect
        else:
            p -= corrected * lr
