"""The Weibull distribution: ``scale * E^(1/concentration)`` for a standard exponential
``E``."""
from __future__ import annotations

from typing import Any

from .. import ops
from ..creation import ones_like
from ..tensor import Tensor
from . import constraints
from .elementwise_transforms import AffineTransform, PowerTransform
from .exponential import Exponential
from .transformed_distribution import TransformedDistribution
from .utils import broadcast_all, euler_constant


class Weibull(TransformedDistribution):
    """Density ``(k/s) (x/s)^(k-1) exp(-(x/s)^k)`` on ``x > 0`` with ``s = scale``,
    ``k = concentration``, as ``torch.distributions.Weibull``."""

    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive

    def __init__(self, scale: Any, concentration: Any,
                 validate_args: bool | None = None) -> None:
        self.scale, self.concentration = broadcast_all(scale, concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base = Exponential(ones_like(self.scale), validate_args=validate_args)
        super().__init__(base, self._transforms(), validate_args=validate_args)

    def _transforms(self) -> list:
        return [PowerTransform(exponent=self.concentration_reciprocal),
                AffineTransform(loc=0, scale=self.scale)]

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Weibull":
        new = self._get_checked_instance(Weibull, _instance)
        shape = tuple(batch_shape)
        new.scale = self.scale.expand(*shape)
        new.concentration = self.concentration.expand(*shape)
        new.concentration_reciprocal = new.concentration.reciprocal()
        base = self.base_dist.expand(shape)
        TransformedDistribution.__init__(new, base, new._transforms(), validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        return self.scale * ops.lgamma(1 + self.concentration_reciprocal).exp()

    @property
    def mode(self) -> Tensor:
        k = self.concentration
        return self.scale * ((k - 1) / k) ** k.reciprocal()

    @property
    def variance(self) -> Tensor:
        r = self.concentration_reciprocal
        return self.scale ** 2 * (ops.lgamma(1 + 2 * r).exp()
                                  - (2 * ops.lgamma(1 + r)).exp())

    def entropy(self) -> Tensor:
        return euler_constant * (1 - self.concentration_reciprocal) + \
            (self.scale / self.concentration).log() + 1


