"""The multinomial distribution: category counts of ``total_count`` categorical draws."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..internal import wrap
from ..size import Size
from ..tensor import Tensor
from . import constraints
from .binomial import Binomial
from .categorical import Categorical
from .distribution import Distribution


class Multinomial(Distribution):
    """Counts ``x`` (..., K) with ``P(x) = n! / prod(x_i!) prod(p_i^x_i)``, as
    ``torch.distributions.Multinomial``.

    Parameters
    ----------
    total_count : int
        The number of draws ``n`` (one for the whole batch); ``log_prob`` reads it from
        the value, so it only matters for ``sample``, the moments and ``entropy``.
    probs, logits : Tensor, optional
        (..., K) as for `Categorical`; give exactly one.
    """

    arg_constraints = {"probs": constraints.simplex,
                       "logits": constraints.independent(constraints.real, 1)}

    def __init__(self, total_count: int = 1, probs: Tensor | None = None,
                 logits: Tensor | None = None, validate_args: bool | None = None) -> None:
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Multinomial":
        new = self._get_checked_instance(Multinomial, _instance)
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, Size(batch_shape), self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self) -> constraints.Constraint:
        return constraints.multinomial(self.total_count)

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def param_shape(self) -> Size:
        return self._categorical.param_shape

    @property
    def mean(self) -> Tensor:
        return self.probs * self.total_count

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Counts (floats of the parameters' dtype) of ``total_count`` categorical draws."""
        if isinstance(sample_shape, (int, np.integer)):
            sample_shape = (int(sample_shape),)
        draws = self._categorical.sample((self.total_count,) + tuple(sample_shape)).numpy()
        k = self._event_shape[0]
        counts = (draws[..., None] == np.arange(k)).sum(0)
        return wrap(counts.astype(self.probs.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """``log n! - sum log x_i! + sum x_i log p_i`` with ``n = sum x_i`` (0 log 0 = 0)."""
        if self._validate_args:
            self._validate_sample(value)
        logits = self.logits
        shape = np.broadcast_shapes(tuple(logits.shape), tuple(value.shape))
        logits, value = logits.expand(*shape), value.expand(*shape)
        logits = ops.where((value == 0) & (logits == float("-inf")), 0.0, logits)
        return ops.lgamma(value.sum(-1) + 1) - ops.lgamma(value + 1).sum(-1) + \
            (logits * value).sum(-1)

    def entropy(self) -> Tensor:
        """``n H(categorical) - log n! + sum_i E[log x_i!]``, the expectation over each
        count's binomial marginal."""
        n = self.total_count
        binomial = Binomial(n, self.probs)
        counts = binomial.enumerate_support(expand=False)[1:]
        weights = ops.lgamma(counts + 1)
        expected = (binomial.log_prob(counts).exp() * weights).sum((0, -1))
        return n * self._categorical.entropy() - float(np.log(np.arange(1, n + 1)).sum()) \
            + expected
