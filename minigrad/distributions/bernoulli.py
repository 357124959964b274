"""The Bernoulli distribution: 1 with probability ``probs``, else 0."""
from __future__ import annotations

import math
from typing import Any

from .. import ops
from ..creation import arange
from ..internal import wrap
from ..nn import functional as F
from ..tensor import Tensor
from . import constraints
from .exponential_family import ExponentialFamily
from .probs_or_logits import ProbsOrLogits
from .utils import broadcast_all


class Bernoulli(ProbsOrLogits, ExponentialFamily):
    """1 with probability ``probs`` (or ``sigmoid(logits)``), as
    ``torch.distributions.Bernoulli``. Give exactly one of the two."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        self._set_probs_or_logits(probs, logits)
        super().__init__(tuple(self._param.shape), (), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Bernoulli":
        return self._expand_parameters(Bernoulli, batch_shape, ("probs", "logits"), _instance)

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    @property
    def mode(self) -> Tensor:
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return ops.where(self.probs == 0.5, math.nan, mode)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """0. or 1. in the parameter's dtype, of shape ``sample_shape + batch_shape``."""
        shape = tuple(self._extended_shape(sample_shape))
        probs = self.probs.detach()
        return (wrap(self._rng().random(shape).astype(probs.dtype)) < probs).to(probs.dtype)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -F.binary_cross_entropy_with_logits(logits, value.to(logits.dtype),
                                                   reduction="none")

    def entropy(self) -> Tensor:
        return F.binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand: bool = True) -> Tensor:
        values = arange(2, dtype=self._param.dtype).reshape((-1,) + (1,) * len(self.batch_shape))
        return values.expand(-1, *self.batch_shape) if expand else values

    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        return (self.logits,)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        return x.exp().log1p()
