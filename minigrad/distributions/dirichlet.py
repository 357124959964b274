"""The Dirichlet distribution over the probability simplex, with implicitly
reparameterised sampling (normalised gamma draws, see `gamma_draws.py`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..creation import zeros
from ..nn import functional as F
from ..tensor import Tensor
from . import constraints
from .exponential_family import ExponentialFamily
from .gamma_draws import standard_gamma


class Dirichlet(ExponentialFamily):
    """Density ``prod x_i^(a_i - 1) / B(a)`` on the simplex, with ``a = concentration``
    of shape (..., K), as ``torch.distributions.Dirichlet``."""

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration: Tensor, validate_args: bool | None = None) -> None:
        if concentration.ndim < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(tuple(concentration.shape[:-1]), tuple(concentration.shape[-1:]),
                         validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Dirichlet":
        return self._expand_parameters(Dirichlet, batch_shape, ("concentration",), _instance)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """Independent standard gamma draws ``g_i`` normalised: ``g / sum(g)``."""
        shape = tuple(self._extended_shape(sample_shape))
        gammas = standard_gamma(self.concentration, shape, self._rng())
        return gammas / gammas.sum(-1, keepdim=True)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        a = self.concentration
        return ops.xlogy(a - 1.0, value).sum(-1) + ops.lgamma(a.sum(-1)) - \
            ops.lgamma(a).sum(-1)

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self) -> Tensor:
        """``(a - 1) / sum(a - 1)`` clipped at 0; where every ``a_i < 1``, the first
        corner (as PyTorch)."""
        a = self.concentration
        excess = ops.where(a >= 1, a - 1, 0.0)   # clamp at 0, with a gradient that is 0 below
        all_below = (a < 1).all(-1, keepdim=True)
        # a total of 1 where it is 0, so that no 0/0 reaches the gradient
        mode = excess / ops.where(all_below, 1.0, excess.sum(-1, keepdim=True))
        # PyTorch's corner is the argmax of an all-NaN row: always the first category
        corner = F.one_hot(zeros(a.shape[:-1], dtype=np.int64), a.shape[-1]).to(mode.dtype)
        return ops.where(all_below, corner, mode)

    @property
    def variance(self) -> Tensor:
        a = self.concentration
        total = a.sum(-1, keepdim=True)
        return a * (total - a) / (total ** 2 * (total + 1))

    def entropy(self) -> Tensor:
        a = self.concentration
        k, total = a.shape[-1], a.sum(-1)
        return ops.lgamma(a).sum(-1) - ops.lgamma(total) - (k - total) * ops.digamma(total) \
            - ((a - 1.0) * ops.digamma(a)).sum(-1)

    @property
    def _natural_params(self) -> tuple:
        return (self.concentration,)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        return ops.lgamma(x).sum(-1) - ops.lgamma(x.sum(-1))
