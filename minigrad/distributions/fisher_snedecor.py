"""The F distribution (Fisher-Snedecor): the ratio of two scaled chi-squared variables."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .gamma import Gamma
from .utils import broadcast_all


class FisherSnedecor(Distribution):
    """``(X1 / df1) / (X2 / df2)`` for chi-squared ``X1, X2`` with ``df1, df2`` degrees of
    freedom, as ``torch.distributions.FisherSnedecor``."""

    arg_constraints = {"df1": constraints.positive, "df2": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, df1: Any, df2: Any, validate_args: bool | None = None) -> None:
        self.df1, self.df2 = broadcast_all(df1, df2)
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2)
        super().__init__(tuple(self.df1.shape), (), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "FisherSnedecor":
        new = self._expand_parameters(FisherSnedecor, batch_shape, ("df1", "df2"), _instance)
        new._gamma1 = self._gamma1.expand(batch_shape)
        new._gamma2 = self._gamma2.expand(batch_shape)
        return new

    @property
    def mean(self) -> Tensor:
        """``df2 / (df2 - 2)``; NaN for ``df2 <= 2``."""
        df2 = ops.where(self.df2 > 2, self.df2, math.nan)
        return df2 / (df2 - 2)

    @property
    def mode(self) -> Tensor:
        """``(df1 - 2) / df1 * df2 / (df2 + 2)``; NaN for ``df1 <= 2``."""
        mode = (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2)
        return ops.where(self.df1 <= 2, math.nan, mode)

    @property
    def variance(self) -> Tensor:
        """NaN for ``df2 <= 4`` (with a NaN gradient in ``df1`` there, as PyTorch's)."""
        df1, df2 = self.df1, ops.where(self.df2 > 4, self.df2, math.nan)
        return 2 * df2 ** 2 * (df1 + df2 - 2) / (df1 * (df2 - 2) ** 2 * (df2 - 4))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """The ratio of two reparameterised gamma draws, kept above the dtype's smallest
        normal number."""
        shape = tuple(self._extended_shape(sample_shape))
        tiny = float(np.finfo(self.df1.dtype).tiny)
        numerator = self._gamma1.rsample(sample_shape).reshape(shape)
        denominator = ops.clamp(self._gamma2.rsample(sample_shape).reshape(shape), min=tiny)
        return ops.clamp(numerator / denominator, min=tiny)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        h1, h2 = self.df1 * 0.5, self.df2 * 0.5
        ratio = self.df1 / self.df2
        log_beta = ops.lgamma(h1) + ops.lgamma(h2) - ops.lgamma(h1 + h2)
        return h1 * ratio.log() + (h1 - 1) * value.log() - \
            (h1 + h2) * (ratio * value).log1p() - log_beta
