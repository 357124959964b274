"""The continuous uniform distribution on ``[low, high)``, with reparameterised sampling."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..internal import wrap
from ..tensor import Tensor
from .distribution import Constraint, Distribution, broadcast_parameters


def _below_high(dist: "Uniform", v: np.ndarray) -> np.ndarray:
    return v < dist.high.detach().numpy()


def _above_low(dist: "Uniform", v: np.ndarray) -> np.ndarray:
    return v > dist.low.detach().numpy()


def _inside(dist: "Uniform", v: np.ndarray) -> np.ndarray:
    return (dist.low.detach().numpy() <= v) & (v <= dist.high.detach().numpy())


class Uniform(Distribution):
    """Uniform on ``[low, high)``, as ``torch.distributions.Uniform``."""

    has_rsample = True

    def __init__(self, low: Any, high: Any, validate_args: bool | None = None) -> None:
        self.low, self.high = broadcast_parameters(low, high)
        self.arg_constraints = {
            "low": Constraint(f"LessThan(upper_bound={_shown(self.high)})", _below_high),
            "high": Constraint(f"GreaterThan(lower_bound={_shown(self.low)})", _above_low)}
        self.support = Constraint(f"Interval(lower_bound={_shown(self.low)}, upper_bound="
                                  f"{_shown(self.high)})", _inside)
        super().__init__(tuple(self.low.shape), (), validate_args)

    @property
    def mean(self) -> Tensor:
        return (self.high + self.low) / 2

    @property
    def mode(self) -> Tensor:
        return self.mean * float("nan")

    @property
    def variance(self) -> Tensor:
        return (self.high - self.low) ** 2 / 12

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """``low + (high - low) * u`` with ``u`` uniform on [0, 1): differentiable in the
        bounds."""
        draws = self._rng().random(self._extended_shape(sample_shape))
        return self.low + wrap(draws.astype(self.low.dtype)) * (self.high - self.low)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        return self.rsample(sample_shape).detach()

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        inside = (self.low <= value) & (self.high > value)
        return ops.log(inside.to(self.low.dtype)) - ops.log(self.high - self.low)

    def entropy(self) -> Tensor:
        return ops.log(self.high - self.low)

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return ops.clamp((value - self.low) / (self.high - self.low), 0, 1)


def _shown(t: Tensor) -> Any:
    return t.item() if t.numel() == 1 else "Tensor"
