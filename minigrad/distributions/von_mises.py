"""The von Mises distribution: a normal distribution wrapped onto the circle."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..internal import wrap
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all


# Abramowitz & Stegun 9.8.1-9.8.4: I0 and I1 as polynomials in (x / 3.75)^2 below 3.75,
# and x^(1/2) e^(-x) I0, I1 as polynomials in 3.75 / x above (errors below 2e-7). PyTorch
# evaluates the same approximations, so the scores agree to rounding.
_SMALL = {0: (1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813),
          1: (0.5, 0.87890594, 0.51498869, 0.15084934, 0.02658733, 0.00301532, 0.00032411)}
_LARGE = {0: (0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706,
              0.02635537, -0.01647633, 0.00392377),
          1: (0.39894228, -0.03988024, -0.00362018, 0.00163801, -0.01031555, 0.02282967,
              -0.02895312, 0.01787654, -0.00420059)}


def _polynomial(y: Tensor, coefficients: tuple) -> Tensor:
    """``sum c_i y^i`` by Horner's rule."""
    result = y * 0 + coefficients[-1]
    for c in reversed(coefficients[:-1]):
        result = result * y + c
    return result


def log_bessel_i(x: Tensor, order: int) -> Tensor:
    """``log I_order(x)`` for ``x > 0`` and order 0 or 1 (the A&S approximations)."""
    small = _polynomial((x / 3.75) ** 2, _SMALL[order])
    small = (small * x if order == 1 else small).log()
    large = x - 0.5 * x.log() + _polynomial(3.75 / x, _LARGE[order]).log()
    return ops.where(x < 3.75, small, large)


class VonMises(Distribution):
    """Density ``exp(k cos(x - loc)) / (2 pi I0(k))`` with ``k = concentration``, as
    ``torch.distributions.VonMises``. Draws are angles in [-pi, pi); ``log_prob`` takes
    any real angle."""

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real

    def __init__(self, loc: Any, concentration: Any,
                 validate_args: bool | None = None) -> None:
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(tuple(self.loc.shape), (), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "VonMises":
        return self._expand_parameters(VonMises, batch_shape, ("loc", "concentration"),
                                       _instance)

    @property
    def mean(self) -> Tensor:
        """The circular mean: ``loc``."""
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        """The circular variance ``1 - I1(k) / I0(k)``."""
        k = self.concentration
        return 1 - (log_bessel_i(k, 1) - log_bessel_i(k, 0)).exp()

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = tuple(self._extended_shape(sample_shape))
        loc = np.broadcast_to(self.loc.detach().numpy().astype(np.float64), shape)
        k = np.broadcast_to(self.concentration.detach().numpy().astype(np.float64), shape)
        angles = np.asarray(self._rng().vonmises(loc, k))
        angles = np.mod(angles + math.pi, 2 * math.pi) - math.pi
        return wrap(angles.astype(self.loc.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        k = self.concentration
        return k * (value - self.loc).cos() - math.log(2 * math.pi) - log_bessel_i(k, 0)
