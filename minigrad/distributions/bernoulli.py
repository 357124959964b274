"""The Bernoulli distribution: 1 with probability ``probs``, else 0."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..internal import wrap
from ..nn import functional as F
from ..tensor import Tensor
from .distribution import REAL, UNIT_INTERVAL, Constraint, Distribution, broadcast_parameters


def _boolean(_: Any, v: np.ndarray) -> np.ndarray:
    return (v == 0) | (v == 1)


class Bernoulli(Distribution):
    """1 with probability ``probs`` (or ``sigmoid(logits)``), as
    ``torch.distributions.Bernoulli``. Give exactly one of the two."""

    arg_constraints = {"probs": UNIT_INTERVAL, "logits": REAL}
    support = Constraint("Boolean()", _boolean)
    has_rsample = False

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            (self.probs,) = broadcast_parameters(probs)
            shape = self.probs.shape
        else:
            (self.logits,) = broadcast_parameters(logits)
            shape = self.logits.shape
        super().__init__(tuple(shape), (), validate_args)

    def __getattr__(self, name: str) -> Any:
        if name == "probs":
            self.probs = ops.sigmoid(self.__dict__["logits"])
            return self.probs
        if name == "logits":
            probs = self.__dict__["probs"]
            eps = float(np.finfo(probs.dtype).eps)
            clamped = ops.clamp(probs, eps, 1 - eps)
            self.logits = ops.log(clamped) - ops.log(1 - clamped)
            return self.logits
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    @property
    def mode(self) -> Tensor:
        probs = self.probs.detach().numpy()
        return wrap(np.where(probs == 0.5, np.nan, probs > 0.5).astype(probs.dtype))

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """0. or 1. in the parameter's dtype, of shape ``sample_shape + batch_shape``."""
        shape = self._extended_shape(sample_shape)
        probs = self.probs.detach().numpy()
        return wrap((self._rng().random(shape) < probs).astype(probs.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = _broadcast(self.logits, value)
        return -F.binary_cross_entropy_with_logits(logits, value, reduction="none")

    def entropy(self) -> Tensor:
        return F.binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand: bool = True) -> Tensor:
        values = ops.reshape(wrap(np.array([0.0, 1.0], self.probs.dtype)),
                             (-1,) + (1,) * len(self.batch_shape))
        return values.expand(-1, *self.batch_shape) if expand else values


def _broadcast(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    shape = np.broadcast_shapes(tuple(a.shape), tuple(b.shape))
    return a.expand(*shape), b.to(a.dtype).expand(*shape)
