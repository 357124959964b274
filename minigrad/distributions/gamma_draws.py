"""Standard gamma draws with implicit reparameterisation gradients, shared by ``Gamma``,
``Chi2``, ``Beta``, ``Dirichlet`` and ``StudentT``.

A gamma variable cannot be written as a smooth function of the concentration and fixed
noise, but its draws still move smoothly with it: holding the cdf level ``u = P(a, x)``
fixed, ``dx/da = -(dP/da) / (dP/dx)``, where ``dP/dx`` is the density. That slope is
computed for each draw (``dP/da`` by a central difference of the regularised incomplete
gamma function, in float64) and attached as a first-order surrogate:
``x + slope * (a - a.detach())`` has the value ``x`` and the gradient ``slope``. As in
PyTorch, the draw has no second derivative in ``a`` (the slope is a constant).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import is_grad_enabled, no_grad
from ..internal import wrap
from ..ops import expand, igamma, lgamma
from ..tensor import Tensor


def _implicit_slope(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``dx/da`` at fixed ``P(a, x)``, elementwise, in float64."""
    h = 1e-5 * np.maximum(a, 1e-3)
    with no_grad():
        upper = igamma(wrap(a + h), wrap(x)).numpy()
        lower = igamma(wrap(a - h), wrap(x)).numpy()
        log_density = ((a - 1) * np.log(x) - x - lgamma(wrap(a)).numpy())
    return -(upper - lower) / (2 * h) / np.exp(log_density)


def standard_gamma(concentration: Tensor, shape: Any, rng: np.random.Generator) -> Tensor:
    """Draws from ``Gamma(concentration, 1)`` of ``shape`` (which the concentration
    broadcasts to), in its dtype, at least the dtype's smallest normal number, and
    differentiable in the concentration by implicit reparameterisation."""
    dtype = concentration.dtype
    a = np.broadcast_to(concentration.detach().numpy().astype(np.float64), tuple(shape))
    draws = np.maximum(rng.standard_gamma(a), np.finfo(dtype).tiny)
    result = wrap(draws.astype(dtype))
    if not (concentration.requires_grad and is_grad_enabled()):
        return result
    slope = wrap(_implicit_slope(a, draws).astype(dtype))
    moved = expand(concentration, shape)
    return result + slope * (moved - moved.detach())
