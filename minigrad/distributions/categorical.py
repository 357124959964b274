"""The categorical distribution over ``{0, ..., K - 1}``, from probabilities or logits."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..creation import arange, full
from ..internal import wrap
from ..size import Size
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .probs_or_logits import ProbsOrLogits, check_one_of


class Categorical(ProbsOrLogits, Distribution):
    """One of K categories per batch element, as ``torch.distributions.Categorical``.

    Parameters
    ----------
    probs : Tensor, optional
        (..., K) non-negative weights; normalised to sum to 1 along the last dim.
    logits : Tensor, optional
        (..., K) unnormalised log-probabilities. Give exactly one of the two.
    validate_args : bool, optional
    """

    is_binary = False
    arg_constraints = {"probs": constraints.simplex,
                       "logits": constraints.independent(constraints.real, 1)}
    has_enumerate_support = True

    def __init__(self, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        check_one_of(probs, logits)
        if probs is not None:
            if probs.ndim < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            if logits.ndim < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - ops.logsumexp(logits, -1, keepdim=True)
        self._num_events = self._param.shape[-1]
        super().__init__(tuple(self._param.shape[:-1]), (), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Categorical":
        new = self._get_checked_instance(Categorical, _instance)
        shape = tuple(Size(batch_shape)) + (self._num_events,)
        for name in ("probs", "logits"):
            if name in self.__dict__:
                setattr(new, name, ops.expand(self.__dict__[name], shape))
        new._num_events = self._num_events
        Distribution.__init__(new, Size(batch_shape), (), validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self) -> constraints.Constraint:
        return constraints.integer_interval(0, self._num_events - 1)

    @property
    def num_events(self) -> int:
        return self._num_events

    @property
    def mean(self) -> Tensor:
        return full(tuple(self._extended_shape()), math.nan, dtype=self.probs.dtype)

    @property
    def variance(self) -> Tensor:
        return self.mean

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(-1)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Category indices (int64) of shape ``sample_shape + batch_shape``."""
        shape = tuple(self._extended_shape(sample_shape))
        cumulative = np.cumsum(self.probs.detach().numpy().astype(np.float64), axis=-1)
        draws = self._rng().random(shape)[..., None] * cumulative[..., -1:]
        index = (np.broadcast_to(cumulative, shape + (self._num_events,)) <= draws).sum(-1)
        return wrap(np.minimum(index, self._num_events - 1).astype(np.int64))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        shape = np.broadcast_shapes(tuple(value.shape), tuple(self.batch_shape))
        index = ops.expand(value.long(), shape).unsqueeze(-1)
        logits = self.logits.expand(*(shape + (self._num_events,)))
        return ops.gather(logits, -1, index).squeeze(-1)

    def entropy(self) -> Tensor:
        """``-sum(p log p)``, 0 for categories of probability 0."""
        smallest = float(np.finfo(self.logits.dtype).min)
        return -(ops.clamp(self.logits, min=smallest) * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The K values, shaped (K, 1, ...) and expanded over the batch when ``expand``."""
        values = arange(self._num_events).reshape((-1,) + (1,) * len(self.batch_shape))
        return values.expand(-1, *self.batch_shape) if expand else values
