"""The normal (Gaussian) distribution, with reparameterised sampling."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..internal import wrap
from ..ops.special import erf
from ..tensor import Tensor
from .distribution import POSITIVE, REAL, Distribution, broadcast_parameters

_LOG_SQRT_2PI = math.log(math.sqrt(2 * math.pi))


class Normal(Distribution):
    """``N(loc, scale**2)``, as ``torch.distributions.Normal``.

    Parameters
    ----------
    loc, scale : Tensor or float
        Mean and standard deviation (positive); broadcast to the batch shape.
    validate_args : bool, optional
    """

    arg_constraints = {"loc": REAL, "scale": POSITIVE}
    support = REAL
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_parameters(loc, scale)
        super().__init__(tuple(self.loc.shape), (), validate_args)

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

    def _noise(self, sample_shape: Any) -> Tensor:
        draws = self._rng().standard_normal(self._extended_shape(sample_shape))
        return wrap(draws.astype(self.loc.dtype))

    def sample(self, sample_shape: Any = ()) -> Tensor:
        return self.rsample(sample_shape).detach()

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """``loc + scale * eps`` with standard normal ``eps``: differentiable in the
        parameters."""
        return self.loc + self._noise(sample_shape) * self.scale

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

    def expand(self, batch_shape: Any) -> "Normal":
        shape = tuple(batch_shape)
        return Normal(self.loc.expand(*shape), self.scale.expand(*shape),
                      validate_args=self._validate_args)
