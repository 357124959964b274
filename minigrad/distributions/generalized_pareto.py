"""The generalized Pareto distribution: the tail model of extreme-value theory, spanning
the exponential (concentration 0), Pareto-like tails (positive) and bounded support
(negative)."""
from __future__ import annotations

import math
import numbers
from typing import Any

from .. import ops
from ..creation import ones_like
from ..internal import wrap
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all


class GeneralizedPareto(Distribution):
    """Survival ``(1 + c z)^(-1/c)`` with ``z = (x - loc) / scale``, ``c = concentration``
    (``exp(-z)`` at ``c = 0``), as ``torch.distributions.GeneralizedPareto``. A
    concentration within ``1e-8`` of 0 counts as 0 (``isclose``)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive,
                       "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, concentration: Any,
                 validate_args: bool | None = None) -> None:
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        numbers_only = all(isinstance(v, numbers.Number) for v in (loc, scale, concentration))
        super().__init__(() if numbers_only else tuple(self.loc.shape), (), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "GeneralizedPareto":
        return self._expand_parameters(GeneralizedPareto, batch_shape,
                                       ("loc", "scale", "concentration"), _instance)

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self) -> constraints.Constraint:
        c = self.concentration
        upper = ops.where(c < 0, self.loc - self.scale / c, math.inf)
        return constraints.interval(self.loc, upper)

    def _zero_and_safe(self) -> tuple[Tensor, Tensor]:
        """Where the concentration counts as 0, and the concentration with 1 there."""
        c = self.concentration
        zero = c.abs() <= 1e-8          # isclose(c, 0) with torch's default tolerances
        return zero, ops.where(zero, 1.0, c)

    def _z(self, value: Tensor) -> Tensor:
        return (value - self.loc) / self.scale

    def log_prob(self, value: Tensor) -> Tensor:
        """``-log scale - (1 + 1/c) log1p(c z)`` (``-log scale - z`` at ``c = 0``)."""
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        zero, c = self._zero_and_safe()
        power = 1 / c + ones_like(z)
        tail = ops.where(power == 0, power, power * ops.log1p(c * z))
        return -self.scale.log() - ops.where(zero, z, tail)

    def log_survival_function(self, value: Tensor) -> Tensor:
        """``log P(X > value)``."""
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        zero, c = self._zero_and_safe()
        return ops.where(zero, -z, -ops.log1p(c * z) / c)

    def log_cdf(self, value: Tensor) -> Tensor:
        return ops.log1p(-self.log_survival_function(value).exp())

    def cdf(self, value: Tensor) -> Tensor:
        return self.log_cdf(value).exp()

    def icdf(self, value: Tensor) -> Tensor:
        """``loc + scale expm1(-c log1p(-u)) / c`` (``loc - scale log1p(-u)`` at 0)."""
        zero, c = self._zero_and_safe()
        log_tail = ops.log1p(-value)
        return ops.where(zero, self.loc - self.scale * log_tail,
                         self.loc + self.scale / c * ops.expm1(-c * log_tail))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = tuple(self._extended_shape(sample_shape))
        return self.icdf(wrap(self._rng().random(shape).astype(self.loc.dtype)))

    @property
    def mean(self) -> Tensor:
        """``loc + scale / (1 - c)``; NaN for ``c >= 1``."""
        valid = self.concentration < 1
        c = ops.where(valid, self.concentration, 0.5)
        return ops.where(valid, self.loc + self.scale / (1 - c), math.nan)

    @property
    def variance(self) -> Tensor:
        """``scale^2 / ((1 - c)^2 (1 - 2c))``; NaN for ``c >= 1/2``."""
        valid = self.concentration < 0.5
        c = ops.where(valid, self.concentration, 0.25)
        return ops.where(valid, self.scale ** 2 / ((1 - c) ** 2 * (1 - 2 * c)), math.nan)

    @property
    def mode(self) -> Tensor:
        return self.loc

    def entropy(self) -> Tensor:
        return (self.scale.log() + self.concentration + 1).expand(*self._batch_shape)
