"""The categorical distribution over ``{0, ..., K - 1}``, from probabilities or logits."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..internal import wrap
from ..tensor import Tensor
from .distribution import Constraint, Distribution, as_parameter


def _simplex(_: Any, v: np.ndarray) -> np.ndarray:
    return np.all(v >= 0, axis=-1) & (np.abs(v.sum(-1) - 1) < 1e-6)


def _in_range(dist: "Categorical", v: np.ndarray) -> np.ndarray:
    return (v == np.floor(v)) & (v >= 0) & (v <= dist.num_events - 1)


class Categorical(Distribution):
    """One of K categories per batch element, as ``torch.distributions.Categorical``.

    Parameters
    ----------
    probs : Tensor, optional
        (..., K) non-negative weights; normalised to sum to 1 along the last dim.
    logits : Tensor, optional
        (..., K) unnormalised log-probabilities. Give exactly one of the two.
    validate_args : bool, optional
    """

    # Both, as PyTorch's: only those already computed are checked and shown.
    arg_constraints = {"probs": Constraint("Simplex()", _simplex),
                       "logits": Constraint("IndependentConstraint(Real(), 1)",
                                            lambda _, v: np.all(v == v, axis=-1))}
    has_rsample = False

    def __init__(self, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            probs = as_parameter(probs)
            if probs.ndim < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
            param = self.probs
        else:
            logits = as_parameter(logits)
            if logits.ndim < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - ops.logsumexp(logits, -1, keepdim=True)
            param = self.logits
        self.num_events = param.shape[-1]
        self.support = Constraint(f"IntegerInterval(lower_bound=0, upper_bound="
                                  f"{self.num_events - 1})", _in_range)
        super().__init__(tuple(param.shape[:-1]), (), validate_args)

    def __getattr__(self, name: str) -> Any:
        # The other parameterisation, computed on first use (as PyTorch's lazy_property).
        if name == "probs":
            self.probs = ops.softmax(self.__dict__["logits"], -1)
            return self.probs
        if name == "logits":
            probs = self.__dict__["probs"]
            eps = float(np.finfo(probs.dtype).eps)
            self.logits = ops.log(ops.clamp(probs, eps, 1 - eps))
            return self.logits
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    @property
    def param_shape(self) -> Any:
        return self.__dict__["probs" if "probs" in self.__dict__ else "logits"].shape

    @property
    def mean(self) -> Tensor:
        return wrap(np.full(tuple(self.batch_shape), np.nan, self.probs.dtype))

    @property
    def variance(self) -> Tensor:
        return self.mean

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(-1)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Category indices (int64) of shape ``sample_shape + batch_shape``."""
        shape = self._extended_shape(sample_shape)
        cumulative = np.cumsum(self.probs.detach().numpy().astype(np.float64), axis=-1)
        draws = self._rng().random(shape)[..., None] * cumulative[..., -1:]
        index = (np.broadcast_to(cumulative, shape + (self.num_events,)) <= draws).sum(-1)
        return wrap(np.minimum(index, self.num_events - 1).astype(np.int64))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        shape = np.broadcast_shapes(tuple(value.shape), tuple(self.batch_shape))
        index = np.broadcast_to(value.detach().numpy().astype(np.int64), shape)[..., None]
        logits = self.logits.expand(*(shape + (self.num_events,)))
        return ops.gather(logits, -1, wrap(np.ascontiguousarray(index))).squeeze(-1)

    def entropy(self) -> Tensor:
        """``-sum(p log p)``, 0 for categories of probability 0."""
        smallest = float(np.finfo(self.logits.dtype).min)
        return -(ops.clamp(self.logits, min=smallest) * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The K values, shaped (K, 1, ...) and expanded over the batch when ``expand``."""
        values = ops.reshape(wrap(np.arange(self.num_events)),
                             (-1,) + (1,) * len(self.batch_shape))
        return values.expand(-1, *self.batch_shape) if expand else values
