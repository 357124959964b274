"""The probs-or-logits parametrisation shared by Bernoulli, Binomial, Geometric,
NegativeBinomial, ContinuousBernoulli, LogitRelaxedBernoulli and Categorical: the user gives
exactly one of ``probs`` and ``logits``, and the other is computed when first read."""
from __future__ import annotations

from typing import Any

from ..size import Size
from ..tensor import Tensor
from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits


def check_one_of(probs: Any, logits: Any) -> None:
    """PyTorch's ``ValueError`` unless exactly one of ``probs`` and ``logits`` is given."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")


class ProbsOrLogits:
    """A mixin for distributions given ``probs`` or ``logits``. ``is_binary`` says whether
    they are a probability and its log-odds (Bernoulli-like) or a vector of class
    probabilities and unnormalised log-probabilities (Categorical-like)."""

    is_binary = True

    def _set_probs_or_logits(self, probs: Any, logits: Any, *others: Any) -> list[Tensor]:
        """Store whichever of ``probs`` and ``logits`` is given, broadcast with ``others``
        (as ``broadcast_all`` does); return ``others`` broadcast."""
        check_one_of(probs, logits)
        name, given = ("probs", probs) if probs is not None else ("logits", logits)
        *rest, param = broadcast_all(*others, given)
        setattr(self, name, param)
        return rest

    @property
    def _param(self) -> Tensor:
        """The parameter given: ``probs`` or ``logits``."""
        return self.__dict__["probs" if "probs" in self.__dict__ else "logits"]

    @property
    def param_shape(self) -> Size:
        return Size(self._param.shape)

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs, is_binary=self.is_binary)

    @lazy_property
    def probs(self) -> Tensor:
        return logits_to_probs(self.logits, is_binary=self.is_binary)
