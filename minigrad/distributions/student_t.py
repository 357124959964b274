"""Student's t distribution: a normal variable over the root of an independent scaled
chi-squared one."""
from __future__ import annotations

import math
from typing import Any

from .. import ops
from ..internal import wrap
from ..tensor import Tensor
from . import constraints
from .chi2 import Chi2
from .distribution import Distribution
from .utils import broadcast_all


class StudentT(Distribution):
    """``loc + scale * T`` with ``T`` Student-t with ``df`` degrees of freedom, as
    ``torch.distributions.StudentT``."""

    arg_constraints = {"df": constraints.positive, "loc": constraints.real,
                       "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, df: Any, loc: Any = 0.0, scale: Any = 1.0,
                 validate_args: bool | None = None) -> None:
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df)
        super().__init__(tuple(self.df.shape), (), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "StudentT":
        new = self._expand_parameters(StudentT, batch_shape, ("df", "loc", "scale"), _instance)
        new._chi2 = self._chi2.expand(batch_shape)
        return new

    @property
    def mean(self) -> Tensor:
        """``loc`` where ``df > 1``, else NaN."""
        return ops.where(self.df > 1, self.loc, math.nan)

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        """``scale**2 df / (df - 2)`` where ``df > 2``, infinite for ``1 < df <= 2``, else
        NaN."""
        df = self.df
        finite = self.scale ** 2 * df / ops.where(df > 2, df - 2, 1.0)
        return ops.where(df > 2, finite, ops.where(df > 1, math.inf, math.nan))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """``loc + scale * X / sqrt(Z / df)``: X standard normal, Z chi-squared."""
        shape = tuple(self._extended_shape(sample_shape))
        X = wrap(self._rng().standard_normal(shape).astype(self.df.dtype))
        Z = self._chi2.rsample(sample_shape)
        return self.loc + self.scale * X * (Z / self.df).rsqrt()

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        y = (value - self.loc) / self.scale
        Z = self.scale.log() + 0.5 * self.df.log() + 0.5 * math.log(math.pi) + \
            ops.lgamma(0.5 * self.df) - ops.lgamma(0.5 * (self.df + 1.0))
        return -0.5 * (self.df + 1.0) * (y ** 2 / self.df).log1p() - Z

    def entropy(self) -> Tensor:
        half_df, half_df1 = 0.5 * self.df, 0.5 * (self.df + 1)
        lbeta = ops.lgamma(half_df) + math.lgamma(0.5) - ops.lgamma(half_df1)
        return self.scale.log() + half_df1 * (ops.digamma(half_df1) - ops.digamma(half_df)) \
            + 0.5 * self.df.log() + lbeta
