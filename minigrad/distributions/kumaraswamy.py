"""The Kumaraswamy distribution on [0, 1]: like a beta distribution, with a cdf in closed
form, so that it is reparameterised by its quantile function."""
from __future__ import annotations

import math
from typing import Any

from .. import ops
from ..creation import ones_like, zeros_like
from ..tensor import Tensor
from . import constraints
from .elementwise_transforms import AffineTransform, PowerTransform
from .transformed_distribution import TransformedDistribution
from .uniform import Uniform
from .utils import broadcast_all, euler_constant


def _raw_moment(a: Tensor, b: Tensor, n: int) -> Tensor:
    """``E[X^n] = b B(1 + n/a, b)``."""
    shifted = 1 + n / a
    return b * (ops.lgamma(shifted) + ops.lgamma(b) - ops.lgamma(shifted + b)).exp()


class Kumaraswamy(TransformedDistribution):
    """Density ``a b x^(a-1) (1 - x^a)^(b-1)`` with ``a = concentration1``,
    ``b = concentration0``: ``(1 - U^(1/b))^(1/a)`` for uniform ``U``, as
    ``torch.distributions.Kumaraswamy``."""

    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1: Any, concentration0: Any,
                 validate_args: bool | None = None) -> None:
        self.concentration1, self.concentration0 = broadcast_all(concentration1,
                                                                 concentration0)
        base = Uniform(zeros_like(self.concentration0),
                       ones_like(self.concentration0), validate_args=validate_args)
        super().__init__(base, self._transforms(), validate_args=validate_args)

    def _transforms(self) -> list:
        return [PowerTransform(exponent=self.concentration0.reciprocal()),
                AffineTransform(loc=1.0, scale=-1.0),
                PowerTransform(exponent=self.concentration1.reciprocal())]

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Kumaraswamy":
        new = self._get_checked_instance(Kumaraswamy, _instance)
        shape = tuple(batch_shape)
        new.concentration1 = self.concentration1.expand(*shape)
        new.concentration0 = self.concentration0.expand(*shape)
        base = self.base_dist.expand(shape)
        TransformedDistribution.__init__(new, base, new._transforms(), validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        return _raw_moment(self.concentration1, self.concentration0, 1)

    @property
    def mode(self) -> Tensor:
        """PyTorch 2.13's value, which is NaN for every valid pair: its log-space formula
        ``log1p(-b) / b - log1p(-a b)`` is undefined for ``b > 1`` and masked to NaN where
        ``a < 1`` or ``b < 1``. (The true mode is ``((a - 1) / (a b - 1))^(1/a)`` for
        ``a, b >= 1``.) The same expression gives the same NaN gradients."""
        a, b = self.concentration1, self.concentration0
        log_mode = b.reciprocal() * (-b).log1p() - (-b * a).log1p()
        return ops.where((b < 1) | (a < 1), math.nan, log_mode).exp()

    @property
    def variance(self) -> Tensor:
        a, b = self.concentration1, self.concentration0
        return _raw_moment(a, b, 2) - self.mean ** 2

    def entropy(self) -> Tensor:
        a, b = self.concentration1, self.concentration0
        harmonic = ops.digamma(b + 1) + euler_constant
        return (1 - b.reciprocal()) + (1 - a.reciprocal()) * harmonic - a.log() - b.log()
