"""The relaxed (concrete) Bernoulli distribution: a temperature-controlled continuous
stand-in for a Bernoulli variable on (0, 1), reparameterised so that gradients reach
``probs``; and its logit (the variable before the sigmoid)."""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .. import ops
from ..internal import wrap
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .elementwise_transforms import SigmoidTransform
from .transformed_distribution import TransformedDistribution
from .probs_or_logits import ProbsOrLogits
from .utils import broadcast_all, clamp_probs


def clamped_uniform(shape: tuple, dtype: Any, rng: np.random.Generator) -> Tensor:
    """Uniform draws in (0, 1), kept ``eps`` of ``dtype`` away from both ends."""
    eps = np.finfo(dtype).eps
    return wrap(np.clip(rng.random(shape), eps, 1 - eps).astype(dtype))


def log_temperature(temperature: Any) -> Any:
    """``log(temperature)``, for a tensor or a number."""
    if isinstance(temperature, Tensor):
        return ops.log(temperature)
    return math.log(temperature)


class LogitRelaxedBernoulli(ProbsOrLogits, Distribution):
    """``(logit(u) + logits) / temperature`` for uniform ``u``: the logit of a
    `RelaxedBernoulli` draw, as ``torch.distributions.relaxed_bernoulli.
    LogitRelaxedBernoulli``."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.real
    has_rsample = True

    def __init__(self, temperature: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        self.temperature = temperature
        self._set_probs_or_logits(probs, logits)
        given = probs if probs is not None else logits
        shape = () if isinstance(given, numbers.Number) else tuple(self._param.shape)
        super().__init__(shape, (), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "LogitRelaxedBernoulli":
        new = self._expand_parameters(LogitRelaxedBernoulli, batch_shape, ("probs", "logits"),
                                      _instance)
        new.temperature = self.temperature
        return new

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = tuple(self._extended_shape(sample_shape))
        probs = clamp_probs(self.probs.expand(*shape))
        u = clamped_uniform(shape, probs.dtype, self._rng())
        noise = u.log() - (-u).log1p()
        return (noise + probs.log() - (-probs).log1p()) / self.temperature

    def log_prob(self, value: Tensor) -> Tensor:
        """``log t + d - 2 softplus(d)`` with ``d = logits - t value``."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        diff = logits - value * self.temperature
        return log_temperature(self.temperature) + diff - 2 * diff.exp().log1p()


class RelaxedBernoulli(TransformedDistribution):
    """``sigmoid`` of a `LogitRelaxedBernoulli` draw: values in (0, 1) that approach 0/1
    Bernoulli draws as ``temperature`` goes to 0, as
    ``torch.distributions.RelaxedBernoulli``."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, temperature: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        base = LogitRelaxedBernoulli(temperature, probs, logits)
        super().__init__(base, SigmoidTransform(), validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "RelaxedBernoulli":
        new = self._get_checked_instance(RelaxedBernoulli, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def temperature(self) -> Any:
        return self.base_dist.temperature

    @property
    def logits(self) -> Tensor:
        return self.base_dist.logits

    @property
    def probs(self) -> Tensor:
        return self.base_dist.probs
