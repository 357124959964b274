"""The geometric distribution: failures before the first success."""
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
from .utils import broadcast_all


class Geometric(ProbsOrLogits, Distribution):
    """``P(k) = (1 - p)^k p`` on ``k = 0, 1, ...`` with ``p = probs`` (or
    ``sigmoid(logits)``), as ``torch.distributions.Geometric``; ``p`` must be positive."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        self._set_probs_or_logits(probs, logits)
        super().__init__(tuple(self._param.shape), (), validate_args)
        if self._validate_args and probs is not None:
            zero = ~(self.probs > 0)
            if bool(zero.any()):
                raise ValueError(f"Expected parameter probs (Tensor of shape "
                                 f"{tuple(self.probs.shape)}) of distribution {self!r} to "
                                 f"be positive but found invalid values:\n"
                                 f"{self.probs.detach()[zero]}")

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Geometric":
        return self._expand_parameters(Geometric, batch_shape, ("probs", "logits"), _instance)


    @property
    def mean(self) -> Tensor:
        return 1.0 / self.probs - 1.0

    @property
    def mode(self) -> Tensor:
        return self.probs * 0

    @property
    def variance(self) -> Tensor:
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """``floor(log u / log(1 - p))`` for uniform ``u`` in (0, 1]: failure counts as
        floats of the parameter's dtype."""
        shape = tuple(self._extended_shape(sample_shape))
        dtype = self._param.dtype
        probs = self.probs.detach().numpy().astype(np.float64)
        u = np.maximum(1.0 - self._rng().random(shape), np.finfo(dtype).tiny)
        with np.errstate(divide="ignore", invalid="ignore"):
            return wrap(np.floor(np.log(u) / np.log1p(-probs)).astype(dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """``k log(1 - p) + log p``, 0 at ``k = 0`` when ``p = 1``."""
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        certain = (probs == 1) & (value == 0)
        return value * ops.log1p(-ops.where(certain, 0.0, probs)) + self.probs.log()

    def entropy(self) -> Tensor:
        return F.binary_cross_entropy_with_logits(self.logits, self.probs,
                                                  reduction="none") / self.probs
