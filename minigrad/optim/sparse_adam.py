"""SparseAdam: Adam restricted to the coordinates a sparse gradient lists."""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from ..internal import array_of
from ..tensor import Tensor
from .optimizer import Optimizer, buffer, check_unit_interval, writable_data


class SparseAdam(Optimizer):
    """Adam for dense parameters whose gradients are sparse COO tensors (as
    ``nn.Embedding(sparse=True)`` gives in PyTorch); a dense gradient raises
    ``RuntimeError``, as in PyTorch.

    Only the rows the coalesced gradient lists change: there, with ``g`` their values and
    ``t`` the step number, ``m``, ``v`` and ``p`` follow Adam (no weight decay)::

        m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g**2
        p = p - lr * sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + eps)

    The state keeps ``step`` (a Python int), ``exp_avg`` and ``exp_avg_sq``.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Dense tensors to optimize, or parameter groups (dicts with ``"params"``).
    lr : float
        Learning rate (greater than 0).
    betas : tuple of float
        Decay rates of the moment estimates, each in [0, 1).
    eps : float
        Added to the denominator (greater than 0).
    maximize : bool
        Climb the objective instead of descending it.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float | Tensor = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, maximize=maximize))
        sparse = [[i, j] for i, group in enumerate(self.param_groups)
                  for j, p in enumerate(group["params"]) if p.is_sparse]
        if sparse:
            raise ValueError(f"SparseAdam: Sparse params at indices {sparse}: SparseAdam "
                             "requires dense parameter tensors")

    def _check_options(self, group: dict[str, Any]) -> None:
        for name, value in (("learning rate", group["lr"]), ("epsilon value", group["eps"])):
            if not value > 0.0:
                raise ValueError(f"SparseAdam: Invalid {name}: {value}")
        for i, beta in enumerate(group["betas"]):
            check_unit_interval("SparseAdam", f"beta parameter at index {i}", beta)

    def _check_group(self, group: dict[str, Any]) -> None:
        for p in group["params"]:
            if p.grad is not None and not p.grad.is_sparse:
                raise RuntimeError("SparseAdam does not support dense gradients, please "
                                   "consider Adam instead")

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        p = writable_data(param)
        sparse_grad = param.grad.coalesce()
        rows = tuple(array_of(sparse_grad.indices()))
        values = array_of(sparse_grad.values()).astype(p.dtype)
        if group["maximize"]:
            values = -values
        step = state["step"] = state.get("step", 0) + 1
        exp_avg, exp_avg_sq = buffer(state, "exp_avg", p), buffer(state, "exp_avg_sq", p)
        if values.size == 0:
            return
        beta1, beta2 = (float(b) for b in group["betas"])
        m = exp_avg[rows] + (values - exp_avg[rows]) * (1.0 - beta1)
        v = exp_avg_sq[rows] + (values * values - exp_avg_sq[rows]) * (1.0 - beta2)
        exp_avg[rows], exp_avg_sq[rows] = m, v
        size = float(group["lr"]) * math.sqrt(1.0 - beta2 ** step) / (1.0 - beta1 ** step)
        p[rows] -= size * m / (np.sqrt(v) + float(group["eps"]))
