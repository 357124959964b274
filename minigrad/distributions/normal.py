"""The normal (Gaussian) distribution, with reparameterised sampling."""
from __future__ import annotations

import math
from typing import Any

from .. import ops
from ..internal import wrap
from ..ops.special import erf, erfinv
from ..tensor import Tensor
from . import constraints
from .exponential_family import ExponentialFamily
from .utils import broadcast_all

_LOG_SQRT_2PI = math.log(math.sqrt(2 * math.pi))


class Normal(ExponentialFamily):
    """``N(loc, scale**2)``, as ``torch.distributions.Normal``.

    Parameters
    ----------
    loc, scale : Tensor or float
        Mean and standard deviation (positive); broadcast to the batch shape.
    validate_args : bool, optional
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(tuple(self.loc.shape), (), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Normal":
        return self._expand_parameters(Normal, batch_shape, ("loc", "scale"), _instance)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.scale ** 2

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """``loc + scale * eps`` with standard normal ``eps``: differentiable in the
        parameters."""
        draws = self._rng().standard_normal(tuple(self._extended_shape(sample_shape)))
        return self.loc + wrap(draws.astype(self.loc.dtype)) * self.scale

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return -((value - self.loc) ** 2) / (2 * self.variance) - ops.log(self.scale) \
            - _LOG_SQRT_2PI

    def entropy(self) -> Tensor:
        return 0.5 + _LOG_SQRT_2PI + ops.log(self.scale)

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 * (1 + erf((value - self.loc) / (self.scale * math.sqrt(2))))

    def icdf(self, value: Tensor) -> Tensor:
        """The quantile: ``loc + scale * sqrt(2) * erfinv(2 value - 1)``."""
        return self.loc + self.scale * erfinv(2 * value - 1) * math.sqrt(2)

    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        return (self.loc / self.scale ** 2, -0.5 * self.scale ** -2)

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        return -0.25 * x ** 2 / y + 0.5 * (-math.pi / y).log()
