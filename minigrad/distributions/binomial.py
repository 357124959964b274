"""The binomial distribution: successes in ``total_count`` independent trials."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..creation import arange
from ..internal import wrap
from ..nn import functional as F
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .probs_or_logits import ProbsOrLogits


def homogeneous_count(total_count: Tensor, what: str) -> int:
    """The one value of ``total_count``; NotImplementedError (PyTorch's) if it varies."""
    count = int(total_count.max())
    if int(total_count.min()) != count:
        raise NotImplementedError(f"Inhomogeneous total count not supported by `{what}`.")
    return count


class Binomial(ProbsOrLogits, Distribution):
    """``P(k) = C(n, k) p^k (1 - p)^(n - k)`` on ``k = 0..n`` with ``n = total_count``,
    ``p = probs`` (or ``sigmoid(logits)``), as ``torch.distributions.Binomial``."""

    arg_constraints = {"total_count": constraints.nonnegative_integer,
                       "probs": constraints.unit_interval, "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, total_count: Any = 1, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        (count,) = self._set_probs_or_logits(probs, logits, total_count)
        self.total_count = count.to(self._param.dtype)
        super().__init__(tuple(self._param.shape), (), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Binomial":
        return self._expand_parameters(Binomial, batch_shape,
                                       ("total_count", "probs", "logits"), _instance)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self) -> constraints.Constraint:
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self) -> Tensor:
        return self.total_count * self.probs

    @property
    def mode(self) -> Tensor:
        return ops.clamp(((self.total_count + 1) * self.probs).floor(), max=self.total_count)

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Success counts (floats of the parameters' dtype)."""
        shape = tuple(self._extended_shape(sample_shape))
        count = np.broadcast_to(self.total_count.detach().numpy(), shape).astype(np.int64)
        probs = np.broadcast_to(self.probs.detach().numpy().astype(np.float64), shape)
        return wrap(np.asarray(self._rng().binomial(count, probs)).astype(self._param.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """``log C(n, k) + k logits - n softplus(logits)``."""
        if self._validate_args:
            self._validate_sample(value)
        n, logits = self.total_count, self.logits
        log_choose = ops.lgamma(n + 1) - ops.lgamma(value + 1) - ops.lgamma(n - value + 1)
        return log_choose + value * logits - n * F.softplus(logits)

    def entropy(self) -> Tensor:
        """The sum of ``-p log p`` over ``0..n`` (one ``n`` for the whole batch)."""
        homogeneous_count(self.total_count, "entropy")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(log_prob.exp() * log_prob).sum(0)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        count = homogeneous_count(self.total_count, "enumerate_support")
        values = arange(1 + count, dtype=self._param.dtype)
        values = values.reshape((-1,) + (1,) * len(self.batch_shape))
        return values.expand(-1, *self.batch_shape) if expand else values
