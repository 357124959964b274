"""Adafactor: Adam-like steps whose second moment of a matrix is kept as one row and one
column of averages instead of a full copy of the parameter."""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, advance_step, buffer, writable_data


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, 2018) as PyTorch runs it.

    With ``t`` the step number, ``beta = 1 - t ** beta2_decay`` and ``g`` the gradient
    (negated with ``maximize``)::

        rho = min(lr, 1 / sqrt(t));  alpha = max(eps2, rms(p)) * rho
        p = p * (1 - lr * weight_decay)
        v = lerp(v, g**2, t ** beta2_decay)                      (0-d and 1-d params)
        r = lerp(r, mean(g**2, -1), ..);  c = lerp(c, mean(g**2, -2), ..)
        v = r @ c / max(mean(r, -2), eps1)                        (params of 2 dims or more)
        u = g / sqrt(max(v, eps1**2))
        p = p - alpha / max(1, rms(u) / d) * u

    ``rms(x)`` is ``norm(x) / sqrt(numel(x))``. For a parameter of two or more dims the
    state keeps ``row_var`` (the last dim reduced to 1) and ``col_var`` (the second to
    last reduced to 1); otherwise ``variance``, shaped like the parameter.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize, or parameter groups (dicts with ``"params"``).
    lr : float
        Upper bound of the relative step ``rho`` (default 1e-2).
    beta2_decay : float
        Exponent (at most 0) of the second moment's averaging weight ``t ** beta2_decay``.
    eps : (float or None, float)
        ``eps1`` floors the variance estimate (None: the parameter dtype's machine
        epsilon); ``eps2`` floors the parameter's RMS in the step size.
    d : float
        Clipping threshold (at least 1) of the update's RMS.
    weight_decay : float
        Decoupled decay rate.
    foreach : bool, optional
        Accepted for compatibility (there is one implementation).
    maximize : bool
        Climb the objective instead of descending it.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float | Tensor = 1e-2,
                 beta2_decay: float = -0.8, eps: tuple[float | None, float] = (None, 1e-3),
                 d: float = 1.0, weight_decay: float = 0.0, *, foreach: bool | None = None,
                 maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize))

    def _check_options(self, group: dict[str, Any]) -> None:
        eps1, eps2 = group["eps"]
        checks = [(group["lr"] >= 0.0, "Learning rate should be >= 0", group["lr"]),
                  (group["beta2_decay"] <= 0.0, "beta2_decay should be <= 0",
                   group["beta2_decay"]),
                  (eps1 is None or eps1 >= 0.0, "epsilon1 should be >= 0", eps1),
                  (eps2 >= 0.0, "epsilon2 should be >= 0", eps2),
                  (group["d"] >= 1.0, "Clipping threshold d should be >= 1", group["d"]),
                  (group["weight_decay"] >= 0.0, "weight_decay should be >= 0",
                   group["weight_decay"])]
        for ok, what, value in checks:
            if not ok:
                raise ValueError(f"Adafactor: {what} but is: {value}")

    def _check_group(self, group: dict[str, Any]) -> None:
        for p in group["params"]:
            if p.grad is not None and p.grad.is_sparse:
                raise RuntimeError("Adafactor does not support sparse gradients")

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        p = writable_data(param)
        if group["maximize"]:
            grad = -grad
        lr, weight_decay = float(group["lr"]), float(group["weight_decay"])
        eps1, eps2 = group["eps"]
        eps1 = float(np.finfo(p.dtype).eps if eps1 is None else eps1)
        step = advance_step(state)
        weight = step ** float(group["beta2_decay"])
        rho = min(lr, 1.0 / math.sqrt(step))
        alpha = max(float(eps2), _rms(p)) * rho
        if weight_decay != 0:
            p *= 1.0 - lr * weight_decay

        if grad.ndim > 1:
            row_var = buffer(state, "row_var", grad[..., :1])
            col_var = buffer(state, "col_var", grad[..., :1, :])
            _lerp(row_var, np.mean(grad * grad, axis=-1, keepdims=True), weight)
            _lerp(col_var, np.mean(grad * grad, axis=-2, keepdims=True), weight)
            variance = row_var @ col_var
            variance /= np.maximum(np.mean(row_var, axis=-2, keepdims=True), eps1)
        else:
            variance = buffer(state, "variance", p)
            _lerp(variance, grad * grad, weight)
        update = grad / np.sqrt(np.maximum(variance, eps1 * eps1))
        p -= alpha / max(1.0, _rms(update) / float(group["d"])) * update


def _rms(x: np.ndarray) -> float:
    """``norm(x) / sqrt(numel(x))`` as a Python float."""
    return float(np.linalg.norm(x.ravel())) / math.sqrt(max(x.size, 1))


def _lerp(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """``start`` moved in place a fraction ``weight`` of the way to ``end``, rounded as
    PyTorch's ``lerp_`` (from the nearer end of the interval)."""
    if weight < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1.0 - weight)
