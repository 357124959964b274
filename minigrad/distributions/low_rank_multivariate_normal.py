"""The multivariate normal with a low-rank-plus-diagonal covariance ``W W^T + diag(D)``:
scores, samples and determinants in O(n m^2) through the m x m capacitance matrix
``I + W^T D^-1 W`` (the Woodbury identity) instead of O(n^3)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import linalg
from ..creation import eye
from ..internal import wrap
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import lazy_property

_LOG_2PI = math.log(2 * math.pi)


def capacitance_tril(W: Tensor, D: Tensor) -> Tensor:
    """The lower Cholesky factor of ``I + W^T D^-1 W`` (W: (..., n, m), D: (..., n))."""
    scaled = W / D.unsqueeze(-1)
    capacitance = W.transpose(-2, -1) @ scaled + eye(W.shape[-1], dtype=W.dtype)
    return linalg.cholesky(capacitance)


class LowRankMultivariateNormal(Distribution):
    """``N(loc, cov_factor cov_factor^T + diag(cov_diag))``, as
    ``torch.distributions.LowRankMultivariateNormal``.

    Parameters
    ----------
    loc : Tensor
        (..., n) mean.
    cov_factor : Tensor
        (..., n, m) low-rank factor ``W``.
    cov_diag : Tensor
        (..., n) positive diagonal ``D``.
    validate_args : bool, optional
    """

    arg_constraints = {"loc": constraints.real_vector,
                       "cov_factor": constraints.independent(constraints.real, 2),
                       "cov_diag": constraints.independent(constraints.positive, 1)}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Tensor, cov_factor: Tensor, cov_diag: Tensor,
                 validate_args: bool | None = None) -> None:
        if loc.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        n = loc.shape[-1]
        if cov_factor.ndim < 2:
            raise ValueError("cov_factor must be at least two-dimensional, with optional "
                             "leading batch dimensions")
        if cov_factor.shape[-2] != n:
            raise ValueError(f"cov_factor must be a batch of matrices with shape {n} x m")
        if tuple(cov_diag.shape[-1:]) != (n,):
            raise ValueError(f"cov_diag must be a batch of vectors with shape "
                             f"{loc.shape[-1:]}")
        try:
            batch = np.broadcast_shapes(tuple(loc.shape[:-1]), tuple(cov_factor.shape[:-2]),
                                        tuple(cov_diag.shape[:-1]))
        except ValueError:
            raise ValueError(f"Incompatible batch shapes: loc {loc.shape}, cov_factor "
                             f"{cov_factor.shape}, cov_diag {cov_diag.shape}") from None
        self.loc = loc.expand(*batch, n)
        self.cov_factor = cov_factor.expand(*batch, n, cov_factor.shape[-1])
        self.cov_diag = cov_diag.expand(*batch, n)
        self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag = cov_factor, cov_diag
        self._capacitance_tril = capacitance_tril(cov_factor, cov_diag)
        super().__init__(batch, (n,), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "LowRankMultivariateNormal":
        new = self._expand_parameters(LowRankMultivariateNormal, batch_shape,
                                      ("loc", "cov_factor", "cov_diag"), _instance)
        new._unbroadcasted_cov_factor = self._unbroadcasted_cov_factor
        new._unbroadcasted_cov_diag = self._unbroadcasted_cov_diag
        new._capacitance_tril = self._capacitance_tril
        return new

    def _matrix_shape(self) -> tuple:
        return tuple(self._batch_shape) + tuple(self._event_shape) * 2

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @lazy_property
    def variance(self) -> Tensor:
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return ((W ** 2).sum(-1) + D).expand(*self._batch_shape, *self._event_shape)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return (W @ W.transpose(-2, -1) + D.diag_embed()).expand(*self._matrix_shape())

    @lazy_property
    def scale_tril(self) -> Tensor:
        """``sqrt(D) chol(I + D^-1/2 W W^T D^-1/2)``, the Cholesky factor of the
        covariance."""
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        root = D.sqrt().unsqueeze(-1)
        scaled = W / root
        inner = scaled @ scaled.transpose(-2, -1) + eye(W.shape[-2], dtype=W.dtype)
        return (root * linalg.cholesky(inner)).expand(*self._matrix_shape())

    @lazy_property
    def precision_matrix(self) -> Tensor:
        """``D^-1 - D^-1 W C^-1 W^T D^-1`` with the capacitance ``C`` (Woodbury)."""
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        A = linalg.solve_triangular(self._capacitance_tril,
                                    (W / D.unsqueeze(-1)).transpose(-2, -1), upper=False)
        return ((1 / D).diag_embed() - A.transpose(-2, -1) @ A).expand(*self._matrix_shape())

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """``loc + W e_W + sqrt(D) e_D`` with standard normal ``e_W`` (m) and ``e_D``
        (n)."""
        shape = tuple(self._extended_shape(sample_shape))
        m = self._unbroadcasted_cov_factor.shape[-1]
        rng, dtype = self._rng(), self.loc.dtype
        eps_w = wrap(rng.standard_normal(shape[:-1] + (m,)).astype(dtype))
        eps_d = wrap(rng.standard_normal(shape).astype(dtype))
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return self.loc + (W @ eps_w.unsqueeze(-1)).squeeze(-1) + D.sqrt() * eps_d

    def _log_det(self) -> Tensor:
        """``log det(W W^T + D) = 2 sum log diag(chol C) + sum log D``."""
        half = self._capacitance_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        return 2 * half + self._unbroadcasted_cov_diag.log().sum(-1)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        diff = value - self.loc
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        projected = ((W / D.unsqueeze(-1)).transpose(-2, -1) @ diff.unsqueeze(-1))
        batch = tuple(projected.shape[:-2])
        L = self._capacitance_tril
        L = L.expand(*batch, *L.shape[-2:])
        solved = linalg.solve_triangular(L, projected, upper=False).squeeze(-1)
        mahalanobis = (diff ** 2 / D).sum(-1) - (solved ** 2).sum(-1)
        return -0.5 * (self._event_shape[0] * _LOG_2PI + mahalanobis + self._log_det())

    def entropy(self) -> Tensor:
        H = 0.5 * (self._event_shape[0] * (1.0 + _LOG_2PI) + self._log_det())
        return H if len(self._batch_shape) == 0 else H.expand(*self._batch_shape)
