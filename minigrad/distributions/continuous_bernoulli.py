"""The continuous Bernoulli distribution on [0, 1]: density proportional to
``p^x (1 - p)^(1 - x)``, reparameterised through its quantile function.

Its normaliser ``C(p) = 2 atanh(1 - 2p) / (1 - 2p)`` and the moments divide by
``1 - 2p``, which vanishes at ``p = 1/2``. Inside ``lims`` (around 1/2) each is
replaced by its Taylor polynomial in ``p - 1/2``; the exact formulas are evaluated at a
point outside the window there, so that neither branch produces a 0/0 for the gradient.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

from .. import ops
from ..internal import wrap
from ..nn import functional as F
from ..tensor import Tensor
from . import constraints
from .exponential_family import ExponentialFamily
from .probs_or_logits import ProbsOrLogits, check_one_of
from .utils import broadcast_all, clamp_probs, lazy_property, logits_to_probs


class ContinuousBernoulli(ProbsOrLogits, ExponentialFamily):
    """Density ``C(p) p^x (1 - p)^(1 - x)`` on [0, 1] with ``p = probs`` (or
    ``sigmoid(logits)``), as ``torch.distributions.ContinuousBernoulli``.

    Parameters
    ----------
    probs, logits : Tensor or float, optional
        Give exactly one. ``probs`` is clamped ``eps`` away from 0 and 1.
    lims : tuple of float
        The window around 1/2 where Taylor expansions replace the exact formulas.
    validate_args : bool, optional
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, probs: Any = None, logits: Any = None,
                 lims: tuple[float, float] = (0.499, 0.501),
                 validate_args: bool | None = None) -> None:
        check_one_of(probs, logits)
        given = probs if probs is not None else logits
        if probs is not None:
            (probs,) = broadcast_all(probs)
            # checked before clamping, which would hide values outside [0, 1]
            if validate_args is not None and \
                    not bool(self.arg_constraints["probs"].check(probs).all()):
                raise ValueError("The parameter probs has invalid values")
            self.probs = clamp_probs(probs)
        else:
            (self.logits,) = broadcast_all(logits)
        self._lims = lims
        shape = () if isinstance(given, numbers.Number) else tuple(self._param.shape)
        super().__init__(shape, (), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "ContinuousBernoulli":
        new = self._expand_parameters(ContinuousBernoulli, batch_shape, ("probs", "logits"),
                                      _instance)
        new._lims = self._lims
        return new

    @lazy_property
    def probs(self) -> Tensor:
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    def _stable(self) -> Tensor:
        """Where ``probs`` lies outside the window around 1/2 (the exact formulas hold)."""
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _safe_probs(self) -> Tensor:
        """``probs`` where stable, else the window's lower end (a harmless stand-in)."""
        return ops.where(self._stable(), self.probs, self._lims[0])

    def _log_normaliser(self) -> Tensor:
        """``log C(p) = log|log(1 - p) - log p| - log|1 - 2p|``, Taylor-expanded near 1/2."""
        p = self._safe_probs()
        below = p <= 0.5
        log_gap = ops.log1p(-2.0 * ops.where(below, p, 0.0))     # log(1 - 2p), p < 1/2
        log_excess = ops.log(2.0 * ops.where(p >= 0.5, p, 1.0) - 1.0)   # log(2p - 1)
        exact = ops.log((ops.log1p(-p) - ops.log(p)).abs()) - ops.where(below, log_gap,
                                                                        log_excess)
        x = (self.probs - 0.5) ** 2
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return ops.where(self._stable(), exact, taylor)

    @property
    def mean(self) -> Tensor:
        p = self._safe_probs()
        exact = p / (2.0 * p - 1.0) + 1.0 / (ops.log1p(-p) - ops.log(p))
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x ** 2) * x
        return ops.where(self._stable(), exact, taylor)

    @property
    def variance(self) -> Tensor:
        p = self._safe_probs()
        exact = p * (p - 1.0) / (1.0 - 2.0 * p) ** 2 + 1.0 / (ops.log1p(-p) - ops.log(p)) ** 2
        x = (self.probs - 0.5) ** 2
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return ops.where(self._stable(), exact, taylor)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """``icdf(u)`` for uniform ``u``: differentiable in the parameters."""
        shape = tuple(self._extended_shape(sample_shape))
        return self.icdf(wrap(self._rng().random(shape).astype(self.probs.dtype)))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -F.binary_cross_entropy_with_logits(logits, value, reduction="none") + \
            self._log_normaliser()

    def cdf(self, value: Tensor) -> Tensor:
        """``(p^x (1 - p)^(1 - x) + p - 1) / (2p - 1)``, ``x`` itself near ``p = 1/2``,
        0 below 0 and 1 above 1."""
        if self._validate_args:
            self._validate_sample(value)
        p = self._safe_probs()
        exact = (p ** value * (1.0 - p) ** (1.0 - value) + p - 1.0) / (2.0 * p - 1.0)
        inside = ops.where(self._stable(), exact, value)
        return ops.where(value <= 0.0, 0.0, ops.where(value >= 1.0, 1.0, inside))

    def icdf(self, value: Tensor) -> Tensor:
        """``(log1p(-p + u (2p - 1)) - log1p(-p)) / logit(p)``, ``u`` near ``p = 1/2``."""
        p = self._safe_probs()
        exact = (ops.log1p(-p + value * (2.0 * p - 1.0)) - ops.log1p(-p)) / \
            (ops.log(p) - ops.log1p(-p))
        return ops.where(self._stable(), exact, value)

    def entropy(self) -> Tensor:
        log_q, log_p = ops.log1p(-self.probs), ops.log(self.probs)
        return self.mean * (log_q - log_p) - self._log_normaliser() - log_q

    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        return (self.logits,)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        """``log((e^x - 1) / x)``, Taylor-expanded for ``x`` near 0 (the window ``lims``
        shifted by 1/2, as PyTorch)."""
        stable = (x <= self._lims[0] - 0.5) | (x > self._lims[1] - 0.5)
        safe = ops.where(stable, x, self._lims[0] - 0.5)
        exact = (safe.exp() - 1).abs().log() - safe.abs().log()
        taylor = 0.5 * x + x ** 2 / 24.0 - x ** 4 / 2880.0
        return ops.where(stable, exact, taylor)
