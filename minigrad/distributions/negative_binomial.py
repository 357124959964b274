"""The negative binomial distribution: successes before ``total_count`` failures."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..internal import wrap
from ..nn import functional as F
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .probs_or_logits import ProbsOrLogits


class NegativeBinomial(ProbsOrLogits, Distribution):
    """``P(k) = C(k + r - 1, k) (1 - p)^r p^k`` with ``r = total_count`` (a positive real
    works too) and success probability ``p = probs`` (or ``sigmoid(logits)``), as
    ``torch.distributions.NegativeBinomial``."""

    arg_constraints = {"total_count": constraints.greater_than_eq(0),
                       "probs": constraints.half_open_interval(0.0, 1.0),
                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        (count,) = self._set_probs_or_logits(probs, logits, total_count)
        self.total_count = count.to(self._param.dtype)
        super().__init__(tuple(self._param.shape), (), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "NegativeBinomial":
        return self._expand_parameters(NegativeBinomial, batch_shape,
                                       ("total_count", "probs", "logits"), _instance)


    @property
    def mean(self) -> Tensor:
        return self.total_count * self.logits.exp()

    @property
    def mode(self) -> Tensor:
        return ops.clamp(((self.total_count - 1) * self.logits.exp()).floor(), min=0.0)

    @property
    def variance(self) -> Tensor:
        return self.mean / ops.sigmoid(-self.logits)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """A gamma-Poisson mixture: Poisson counts at gamma rates of shape ``total_count``
        and scale ``p / (1 - p)``."""
        shape = tuple(self._extended_shape(sample_shape))
        count = np.broadcast_to(self.total_count.detach().numpy().astype(np.float64), shape)
        odds = np.exp(self.logits.detach().numpy().astype(np.float64))
        rates = self._rng().standard_gamma(count) * odds
        return wrap(np.asarray(self._rng().poisson(rates)).astype(self._param.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """``r log(1 - p) + k log p + log C(k + r - 1, k)``, 0 when ``r = k = 0``."""
        if self._validate_args:
            self._validate_sample(value)
        r, logits = self.total_count, self.logits
        unnormalised = r * F.logsigmoid(-logits) + value * F.logsigmoid(logits)
        log_choose = ops.lgamma(r + value) - ops.lgamma(1 + value) - ops.lgamma(r)
        return unnormalised + ops.where(r + value == 0, 0.0, log_choose)
