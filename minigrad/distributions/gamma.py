"""The gamma distribution (shape ``concentration``, inverse scale ``rate``), with
implicitly reparameterised sampling (see `gamma_draws.py`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..tensor import Tensor
from . import constraints
from .exponential_family import ExponentialFamily
from .gamma_draws import standard_gamma
from .utils import broadcast_all


class Gamma(ExponentialFamily):
    """Density ``rate^a x^(a-1) exp(-rate x) / Gamma(a)`` with ``a = concentration``, as
    ``torch.distributions.Gamma``."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, concentration: Any, rate: Any,
                 validate_args: bool | None = None) -> None:
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(tuple(self.concentration.shape), (), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Gamma":
        return self._expand_parameters(Gamma, batch_shape, ("concentration", "rate"),
                                       _instance)

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.rate

    @property
    def mode(self) -> Tensor:
        return ops.clamp((self.concentration - 1) / self.rate, min=0)

    @property
    def variance(self) -> Tensor:
        return self.concentration / self.rate ** 2

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """Standard gamma draws (differentiable in the concentration) over ``rate``."""
        shape = tuple(self._extended_shape(sample_shape))
        draws = standard_gamma(self.concentration, shape, self._rng()) / self.rate
        floor = float(np.finfo(draws.dtype).tiny)   # raised in value only, as PyTorch does
        return draws + (ops.clamp(draws.detach(), min=floor) - draws.detach())

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        a, b = self.concentration, self.rate
        return ops.xlogy(a, b) + ops.xlogy(a - 1, value) - b * value - ops.lgamma(a)

    def entropy(self) -> Tensor:
        a = self.concentration
        return a - self.rate.log() + ops.lgamma(a) + (1.0 - a) * ops.digamma(a)

    def cdf(self, value: Tensor) -> Tensor:
        """The regularised lower incomplete gamma function ``P(a, rate x)``; like
        PyTorch's, it has no gradient in the concentration."""
        if self._validate_args:
            self._validate_sample(value)
        return ops.igamma(self.concentration, self.rate * value)

    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        return ops.lgamma(x + 1) + (x + 1) * (-y.reciprocal()).log()
