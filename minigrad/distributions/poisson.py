"""The Poisson distribution: counts of events that arrive at a constant ``rate``."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..internal import wrap
from ..tensor import Tensor
from . import constraints
from .exponential_family import ExponentialFamily
from .utils import broadcast_all


class Poisson(ExponentialFamily):
    """``P(k) = rate^k exp(-rate) / k!`` on ``k = 0, 1, 2, ...``, as
    ``torch.distributions.Poisson``."""

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate: Any, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(tuple(self.rate.shape), (), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Poisson":
        return self._expand_parameters(Poisson, batch_shape, ("rate",), _instance)

    @property
    def mean(self) -> Tensor:
        return self.rate

    @property
    def mode(self) -> Tensor:
        return self.rate.floor()

    @property
    def variance(self) -> Tensor:
        return self.rate

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Counts (floats of the rate's dtype) of shape ``sample_shape + batch_shape``."""
        shape = tuple(self._extended_shape(sample_shape))
        rate = np.broadcast_to(self.rate.detach().numpy().astype(np.float64), shape)
        return wrap(np.asarray(self._rng().poisson(rate)).astype(self.rate.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """``k log(rate) - rate - log k!`` (0 log 0 = 0)."""
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return ops.xlogy(value, rate) - rate - ops.lgamma(value + 1)

    @property
    def _natural_params(self) -> tuple:
        return (self.rate.log(),)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        return x.exp()
