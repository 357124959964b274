"""The relaxed one-hot categorical (concrete / Gumbel-softmax) distribution: points of
the simplex that approach one-hot draws as the temperature goes to 0, reparameterised so
that gradients reach the probabilities; and its log (``ExpRelaxedCategorical``)."""
from __future__ import annotations

import math
from typing import Any

from .. import ops
from ..size import Size
from ..tensor import Tensor
from . import constraints
from .categorical import Categorical
from .distribution import Distribution
from .elementwise_transforms import ExpTransform
from .relaxed_bernoulli import clamped_uniform, log_temperature
from .transformed_distribution import TransformedDistribution


class ExpRelaxedCategorical(Distribution):
    """``log_softmax((logits + g) / temperature)`` with standard Gumbel noise ``g``: the
    log of a `RelaxedOneHotCategorical` draw, as
    ``torch.distributions.relaxed_categorical.ExpRelaxedCategorical``."""

    arg_constraints = {"probs": constraints.simplex,
                       "logits": constraints.independent(constraints.real, 1)}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, temperature: Any, probs: Tensor | None = None,
                 logits: Tensor | None = None, validate_args: bool | None = None) -> None:
        self._categorical = Categorical(probs, logits)
        self.temperature = temperature
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "ExpRelaxedCategorical":
        new = self._get_checked_instance(ExpRelaxedCategorical, _instance)
        new.temperature = self.temperature
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, Size(batch_shape), self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def param_shape(self) -> Size:
        return self._categorical.param_shape

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = tuple(self._extended_shape(sample_shape))
        u = clamped_uniform(shape, self.logits.dtype, self._rng())
        gumbels = -(-u.log()).log()
        scores = (self.logits + gumbels) / self.temperature
        return scores - ops.logsumexp(scores, -1, keepdim=True)

    def log_prob(self, value: Tensor) -> Tensor:
        """``log (K-1)! + (K-1) log t + sum(s) - K logsumexp(s)`` with
        ``s = logits - t value`` (the Gumbel-softmax density, in log space)."""
        if self._validate_args:
            self._validate_sample(value)
        k = self._categorical.num_events
        t = self.temperature
        score = self.logits - value * t
        score = (score - ops.logsumexp(score, -1, keepdim=True)).sum(-1)
        log_scale = math.lgamma(k) + (k - 1) * log_temperature(t)
        return score + log_scale


class RelaxedOneHotCategorical(TransformedDistribution):
    """``exp`` of an `ExpRelaxedCategorical` draw: a point of the simplex, as
    ``torch.distributions.RelaxedOneHotCategorical``."""

    arg_constraints = {"probs": constraints.simplex,
                       "logits": constraints.independent(constraints.real, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, temperature: Any, probs: Tensor | None = None,
                 logits: Tensor | None = None, validate_args: bool | None = None) -> None:
        base = ExpRelaxedCategorical(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base, ExpTransform(), validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "RelaxedOneHotCategorical":
        new = self._get_checked_instance(RelaxedOneHotCategorical, _instance)
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
