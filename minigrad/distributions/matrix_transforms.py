"""Transforms onto sets of matrices, as in ``torch.distributions.transforms``: lower
Cholesky factors (``LowerCholeskyTransform``), Cholesky factors of correlation matrices
(``CorrCholeskyTransform``) and positive-definite matrices
(``PositiveDefiniteTransform``); and ``CumulativeDistributionTransform``, a
distribution's cdf as a map onto [0, 1]."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import linalg
from ..creation import eye
from ..nn import functional as F
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .transform import Transform
from .utils import tril_matrix_to_vec, vec_to_tril_matrix

__all__ = ["LowerCholeskyTransform", "PositiveDefiniteTransform", "CorrCholeskyTransform",
           "CumulativeDistributionTransform"]


class _MatrixTransform(Transform):
    """Without parameters: all instances of a class are equal."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self))

    __hash__ = Transform.__hash__


class LowerCholeskyTransform(_MatrixTransform):
    """Any square matrix onto a lower Cholesky factor: the strictly lower triangle is
    kept and the diagonal exponentiated. No log-Jacobian (not bijective on all
    matrices)."""

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.lower_cholesky

    def _call(self, x: Tensor) -> Tensor:
        return x.tril(-1) + x.diagonal(dim1=-2, dim2=-1).exp().diag_embed()

    def _inverse(self, y: Tensor) -> Tensor:
        return y.tril(-1) + y.diagonal(dim1=-2, dim2=-1).log().diag_embed()


class PositiveDefiniteTransform(_MatrixTransform):
    """Any square matrix onto a positive-definite one: ``L L^T`` with ``L`` from
    `LowerCholeskyTransform`; back through the Cholesky factor."""

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.positive_definite

    def _call(self, x: Tensor) -> Tensor:
        factor = LowerCholeskyTransform()(x)
        return factor @ factor.transpose(-2, -1)

    def _inverse(self, y: Tensor) -> Tensor:
        return LowerCholeskyTransform().inv(linalg.cholesky(y))


class CorrCholeskyTransform(_MatrixTransform):
    """A vector of ``D (D - 1) / 2`` reals onto the lower Cholesky factor of a D x D
    correlation matrix: ``tanh`` maps each real into (-1, 1), then each row is filled by
    stick breaking so that it has unit norm, as
    ``torch.distributions.transforms.CorrCholeskyTransform``."""

    domain, codomain = constraints.real_vector, constraints.corr_cholesky
    bijective = True

    def _call(self, x: Tensor) -> Tensor:
        eps = float(np.finfo(x.dtype).eps)
        r = vec_to_tril_matrix(x.tanh().clamp(-1 + eps, 1 - eps), diag=-1)
        remaining = (1 - r ** 2).sqrt().cumprod(-1)   # what each row has left to fill
        r = r + eye(r.shape[-1], dtype=r.dtype)
        return r * F.pad(remaining[..., :-1], (1, 0), value=1.0)

    def _inverse(self, y: Tensor) -> Tensor:
        left = F.pad((1 - (y * y).cumsum(-1))[..., :-1], (1, 0), value=1.0)
        t = tril_matrix_to_vec(y, diag=-1) / tril_matrix_to_vec(left, diag=-1).sqrt()
        return (t.log1p() - (-t).log1p()) / 2    # atanh

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """The stick breaking's ``sum log sqrt(1 - cumsum(y^2))`` (strictly below the
        first subdiagonal) plus tanh's ``sum log(1 - tanh(x)^2)``."""
        left = 1 - (y * y).cumsum(-1)
        stick = 0.5 * tril_matrix_to_vec(left, diag=-2).log().sum(-1)
        tanh = -2 * (x + F.softplus(-2 * x) - math.log(2.0)).sum(-1)
        return stick + tanh

    def forward_shape(self, shape: Any) -> Any:
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        n = shape[-1]
        d = round((0.25 + 2 * n) ** 0.5 + 0.5)
        if d * (d - 1) // 2 != n:
            raise ValueError("Input is not a flattened lower-diagonal number")
        return tuple(shape[:-1]) + (d, d)

    def inverse_shape(self, shape: Any) -> Any:
        if len(shape) < 2:
            raise ValueError("Too few dimensions on input")
        if shape[-2] != shape[-1]:
            raise ValueError("Input is not square")
        d = shape[-1]
        return tuple(shape[:-2]) + (d * (d - 1) // 2,)


class CumulativeDistributionTransform(Transform):
    """``y = distribution.cdf(x)``: the support onto [0, 1], with ``icdf`` as inverse and
    the density as Jacobian (``log|dy/dx| = log_prob(x)``)."""

    bijective, sign = True, +1
    codomain = constraints.unit_interval

    def __init__(self, distribution: Distribution, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        self.distribution = distribution

    @property
    def domain(self) -> constraints.Constraint:  # type: ignore[override]
        return self.distribution.support

    def with_cache(self, cache_size: int = 1) -> Transform:
        if self._cache_size == cache_size:
            return self
        return type(self)(self.distribution, cache_size=cache_size)

    def _call(self, x: Tensor) -> Tensor:
        return self.distribution.cdf(x)

    def _inverse(self, y: Tensor) -> Tensor:
        return self.distribution.icdf(y)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return self.distribution.log_prob(x)
