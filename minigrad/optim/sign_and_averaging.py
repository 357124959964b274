"""Rprop and ASGD: a step size per coordinate adapted from the gradient's sign, and SGD
with a running average of the iterates."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from ..tensor import Tensor
from .optimizer import (Optimizer, buffer, check_non_negative, regularized_grad,
                        writable_data)


class Rprop(Optimizer):
    """Resilient backpropagation (Riedmiller and Braun, 1993): each coordinate has its own
    step, grown by ``etas[1]`` while the gradient keeps its sign and shrunk by ``etas[0]``
    when it flips; only the gradient's sign is used.

    Per coordinate, with ``s`` the sign of ``grad * previous grad``::

        step = clip(step * (etas[1] if s > 0 else etas[0] if s < 0 else 1), *step_sizes)
        grad = 0 where s < 0       (and that zero is remembered as the previous gradient)
        p = p - sign(grad) * step

    Parameters
    ----------
    params : iterable of Tensor or of dict
    lr : float
        The initial step of every coordinate.
    etas : (float, float)
        The shrink and growth factors, ``0 < etas[0] < 1 < etas[1]``.
    step_sizes : (float, float)
        The smallest and largest step.
    maximize : bool
        Climb the objective instead of descending it.
    capturable, foreach, differentiable
        Accepted for compatibility.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 1e-2,
                 etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes,
                                      foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        shrink, grow = group["etas"]
        if not 0.0 < shrink < 1.0 < grow:
            raise ValueError(f"Rprop: Invalid eta values: {shrink}, {grow}")

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        p = writable_data(param)
        grad = regularized_grad(p, grad, group, 0.0)
        state["step"] = state.get("step", 0) + 1
        previous = buffer(state, "prev", p)
        step = buffer(state, "step_size", p, float(group["lr"]))
        shrink, grow = group["etas"]
        agreement = np.sign(grad * previous)
        factor = np.where(agreement > 0, grow, np.where(agreement < 0, shrink, 1.0))
        np.clip(step * factor.astype(p.dtype), *group["step_sizes"], out=step)
        grad = np.where(agreement < 0, 0, grad).astype(p.dtype)
        p -= np.sign(grad) * step
        previous[...] = grad


class ASGD(Optimizer):
    """Averaged SGD (Polyak and Juditsky, 1992): SGD with a decaying rate, and ``ax``, the
    running average of the iterates from step ``t0`` on, kept in the state.

    With ``g = grad + weight_decay * p``, ``eta`` starting at ``lr`` and ``t`` the step::

        p = p * (1 - lambd * eta) - eta * g
        ax = ax + mu * (p - ax)              (mu = 1 / max(1, t - t0))
        eta = lr / (1 + lambd * lr * t) ** alpha

    Parameters
    ----------
    params : iterable of Tensor or of dict
    lr, lambd, alpha, t0 : float
    weight_decay : float
        L2 penalty added to the gradient.
    maximize : bool
    foreach, differentiable, capturable
        Accepted for compatibility.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 1e-2,
                 lambd: float = 1e-4, alpha: float = 0.75, t0: float = 1e6,
                 weight_decay: float = 0, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        check_non_negative("ASGD", "weight_decay value", group["weight_decay"])

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        p = writable_data(param)
        grad = regularized_grad(p, grad, group, float(group["weight_decay"]))
        lr, lambd = float(group["lr"]), float(group["lambd"])
        step = state["step"] = state.get("step", 0) + 1
        # PyTorch keeps eta and mu in float32 tensors: round them the same way.
        eta, mu = state.get("eta", _single(lr)), state.get("mu", 1.0)
        average = buffer(state, "ax", p)
        p *= 1 - lambd * eta
        p -= eta * grad
        if mu != 1:
            average += (p - average) * mu
        else:
            average[...] = p
        state["eta"] = _single(lr / (1 + lambd * lr * step) ** float(group["alpha"]))
        state["mu"] = _single(1 / max(1, step - float(group["t0"])))


def _single(value: float) -> float:
    return float(np.float32(value))
