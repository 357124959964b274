"""The multivariate normal distribution, from a covariance matrix, a precision matrix or a
lower Cholesky factor of the covariance, with reparameterised sampling."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import linalg, ops
from ..creation import eye
from ..internal import wrap
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import lazy_property

_LOG_2PI = math.log(2 * math.pi)


def _precision_to_scale_tril(P: Tensor) -> Tensor:
    """The lower Cholesky factor of ``inverse(P)``. Flipping P's rows and columns, taking
    the Cholesky factor and flipping back gives an upper triangular U with ``P = U U^T``;
    then ``inverse(P) = U^-T U^-1``, and ``U^-T`` is lower triangular: it is the
    triangular solve of ``U^T X = I``."""
    Lf = linalg.cholesky(ops.flip(P, (-2, -1)))
    L_inv = ops.flip(Lf, (-2, -1)).transpose(-2, -1)
    identity = eye(P.shape[-1], dtype=P.dtype)
    return linalg.solve_triangular(L_inv, identity, upper=False)


def batch_mahalanobis(L: Tensor, x: Tensor) -> Tensor:
    """``x^T (L L^T)^-1 x`` over the last dim of ``x``, batch dims broadcast."""
    batch = np.broadcast_shapes(tuple(L.shape[:-2]), tuple(x.shape[:-1]))
    n = x.shape[-1]
    L = L.expand(*batch, n, n)
    solved = linalg.solve_triangular(L, x.expand(*batch, n).unsqueeze(-1), upper=False)
    return (solved.squeeze(-1) ** 2).sum(-1)


class CholeskyMatrices:
    """The matrices of a distribution parametrised by a lower Cholesky factor
    ``_unbroadcasted_scale_tril``, expanded to ``_matrix_shape()``: the factor itself,
    ``L L^T`` and its inverse (MultivariateNormal's covariance, Wishart's scale)."""

    @lazy_property
    def scale_tril(self) -> Tensor:
        return self._unbroadcasted_scale_tril.expand(*self._matrix_shape())

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        L = self._unbroadcasted_scale_tril
        return (L @ L.transpose(-2, -1)).expand(*self._matrix_shape())

    @lazy_property
    def precision_matrix(self) -> Tensor:
        return ops.cholesky_inverse(self._unbroadcasted_scale_tril) \
            .expand(*self._matrix_shape())


class MultivariateNormal(CholeskyMatrices, Distribution):
    """``N(loc, Sigma)`` over vectors of length k, as
    ``torch.distributions.MultivariateNormal``.

    Parameters
    ----------
    loc : Tensor
        (..., k) mean.
    covariance_matrix, precision_matrix, scale_tril : Tensor, optional
        (..., k, k): the covariance, its inverse, or the lower Cholesky factor L of the
        covariance (``Sigma = L L^T``). Give exactly one.
    validate_args : bool, optional
    """

    arg_constraints = {"loc": constraints.real_vector,
                       "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Tensor, covariance_matrix: Tensor | None = None,
                 precision_matrix: Tensor | None = None, scale_tril: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        if loc.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = {"scale_tril": scale_tril, "covariance_matrix": covariance_matrix,
                 "precision_matrix": precision_matrix}
        given = {k: v for k, v in given.items() if v is not None}
        if len(given) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or "
                             "scale_tril may be specified.")
        (name, matrix), = given.items()
        if matrix.ndim < 2:
            shown = "scale_tril matrix" if name == "scale_tril" else name
            raise ValueError(f"{shown} must be at least two-dimensional, with optional "
                             f"leading batch dimensions")
        batch_shape = np.broadcast_shapes(tuple(matrix.shape[:-2]), tuple(loc.shape[:-1]))
        setattr(self, name, matrix.expand(*batch_shape, -1, -1))
        self.loc = loc.expand(*batch_shape, -1)
        super().__init__(batch_shape, tuple(self.loc.shape[-1:]), validate_args)
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = matrix
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = linalg.cholesky(matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(matrix)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "MultivariateNormal":
        new = self._expand_parameters(
            MultivariateNormal, batch_shape,
            ("loc", "covariance_matrix", "precision_matrix", "scale_tril"), _instance)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        return new

    def _matrix_shape(self) -> tuple:
        return tuple(self._batch_shape) + tuple(self._event_shape) * 2

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        shape = tuple(self._batch_shape) + tuple(self._event_shape)
        return (self._unbroadcasted_scale_tril ** 2).sum(-1).expand(*shape)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """``loc + L eps`` with standard normal ``eps``: differentiable in the
        parameters."""
        shape = tuple(self._extended_shape(sample_shape))
        eps = wrap(self._rng().standard_normal(shape).astype(self.loc.dtype))
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self) -> Tensor:
        return ops.log(self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1)).sum(-1)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        M = batch_mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        return -0.5 * (self._event_shape[0] * _LOG_2PI + M) - self._half_log_det()

    def entropy(self) -> Tensor:
        H = 0.5 * self._event_shape[0] * (1.0 + _LOG_2PI) + self._half_log_det()
        return H if len(self._batch_shape) == 0 else H.expand(*self._batch_shape)
