"""The Wishart distribution over positive-definite matrices: the scatter matrix
``sum_i x_i x_i^T`` of ``df`` Gaussian vectors of covariance ``Sigma`` (``df`` may be any
real above ``p - 1``), with Bartlett-decomposition sampling that is reparameterised."""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

from .. import linalg, ops
from ..creation import arange, tensor
from ..internal import wrap
from ..tensor import Tensor
from . import constraints
from .chi2 import Chi2
from .exponential_family import ExponentialFamily
from .multivariate_normal import CholeskyMatrices, _precision_to_scale_tril

_LOG_2 = math.log(2)


def _multivariate_digamma(x: Tensor, p: int) -> Tensor:
    """``sum_{i<p} digamma(x - i/2)``, the derivative of ``mvlgamma(x, p)``."""
    offsets = arange(p, dtype=x.dtype) / 2
    return ops.digamma(x.unsqueeze(-1) - offsets).sum(-1)


class Wishart(CholeskyMatrices, ExponentialFamily):
    """``W(df, Sigma)`` over p x p positive-definite matrices, as
    ``torch.distributions.Wishart``.

    Parameters
    ----------
    df : float or Tensor
        Degrees of freedom, greater than ``p - 1`` (draws are likely singular below p).
    covariance_matrix, precision_matrix, scale_tril : Tensor, optional
        (..., p, p): ``Sigma``, its inverse or its lower Cholesky factor. Give exactly one.
    validate_args : bool, optional
    """

    support = constraints.positive_definite
    has_rsample = True

    def __init__(self, df: Any, covariance_matrix: Tensor | None = None,
                 precision_matrix: Tensor | None = None, scale_tril: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        given = {"covariance_matrix": covariance_matrix, "precision_matrix": precision_matrix,
                 "scale_tril": scale_tril}
        given = {k: v for k, v in given.items() if v is not None}
        if len(given) != 1:   # PyTorch asserts this
            raise AssertionError("Exactly one of covariance_matrix or precision_matrix or "
                                 "scale_tril may be specified.")
        (name, matrix), = given.items()
        if matrix.ndim < 2:
            raise ValueError("scale_tril must be at least two-dimensional, with optional "
                             "leading batch dimensions")
        if isinstance(df, numbers.Number):
            batch = tuple(matrix.shape[:-2])
            self.df = tensor(float(df), dtype=matrix.dtype)
        else:
            batch = np.broadcast_shapes(tuple(matrix.shape[:-2]), tuple(df.shape))
            self.df = ops.expand(df, tuple(batch))
        p = matrix.shape[-1]
        if bool((self.df <= p - 1).any()):
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = "
                             f"{p - 1}.")
        setattr(self, name, matrix.expand(*batch, -1, -1))
        if bool((self.df < p).any()):
            warnings.warn("Low df values detected. Singular samples are highly likely to "
                          "occur for ndim - 1 < df < ndim.")
        super().__init__(batch, tuple(matrix.shape[-2:]), validate_args)
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = matrix
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = linalg.cholesky(matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(matrix)
        # Bartlett: the squared diagonal of the factor is chi-squared with df - i d.o.f.
        self._dist_chi2 = Chi2(self.df.unsqueeze(-1) - arange(p, dtype=self.df.dtype))

    @property
    def arg_constraints(self) -> dict:  # type: ignore[override]
        p = self._event_shape[-1] if self._event_shape else 1
        return {"covariance_matrix": constraints.positive_definite,
                "precision_matrix": constraints.positive_definite,
                "scale_tril": constraints.lower_cholesky,
                "df": constraints.greater_than(p - 1)}

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Wishart":
        new = self._expand_parameters(
            Wishart, batch_shape,
            ("df", "covariance_matrix", "precision_matrix", "scale_tril"), _instance)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        new._dist_chi2 = self._dist_chi2.expand(tuple(batch_shape) + self._event_shape[-1:])
        return new

    def _matrix_shape(self) -> tuple:
        return tuple(self._batch_shape) + tuple(self._event_shape)

    def _df_matrix(self) -> Tensor:
        return self.df.reshape(*self._batch_shape, 1, 1)

    @property
    def mean(self) -> Tensor:
        return self._df_matrix() * self.covariance_matrix

    @property
    def mode(self) -> Tensor:
        """``(df - p - 1) Sigma``; NaN where ``df <= p + 1``."""
        factor = self.df - self._event_shape[-1] - 1
        factor = ops.where(factor <= 0, math.nan, factor)
        return factor.reshape(*self._batch_shape, 1, 1) * self.covariance_matrix

    @property
    def variance(self) -> Tensor:
        """``df (Sigma_ij^2 + Sigma_ii Sigma_jj)``."""
        V = self.covariance_matrix
        diagonal = V.diagonal(dim1=-2, dim2=-1)
        return self._df_matrix() * (V ** 2 + diagonal.unsqueeze(-1) * diagonal.unsqueeze(-2))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """``(L A)(L A)^T`` with the Bartlett factor ``A``: square roots of chi-squared
        draws on the diagonal, standard normals below it."""
        if isinstance(sample_shape, (int, np.integer)):
            sample_shape = (int(sample_shape),)
        shape = tuple(self._extended_shape(sample_shape))
        p = self._event_shape[-1]
        diagonal = self._dist_chi2.rsample(sample_shape).sqrt().diag_embed()
        rows, cols = np.tril_indices(p, -1)
        below = np.zeros(shape)
        below[..., rows, cols] = self._rng().standard_normal(shape[:-2] + (len(rows),))
        factor = self._unbroadcasted_scale_tril @ (diagonal + wrap(below.astype(
            diagonal.dtype)))
        return factor @ factor.transpose(-2, -1)

    def log_prob(self, value: Tensor) -> Tensor:
        """``(df - p - 1)/2 log|X| - tr(Sigma^-1 X)/2 - df/2 log|2 Sigma| -
        log Gamma_p(df/2)``."""
        if self._validate_args:
            self._validate_sample(value)
        nu, p = self.df, self._event_shape[-1]
        L = self._unbroadcasted_scale_tril
        half_log_det = L.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        trace = ops.cholesky_solve(value, L).diagonal(dim1=-2, dim2=-1).sum(-1)
        return -nu * (p * _LOG_2 / 2 + half_log_det) - ops.mvlgamma(nu / 2, p) + \
            (nu - p - 1) / 2 * linalg.slogdet(value)[1] - trace / 2

    def entropy(self) -> Tensor:
        nu, p = self.df, self._event_shape[-1]
        half_log_det = self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        return (p + 1) * (p * _LOG_2 / 2 + half_log_det) + ops.mvlgamma(nu / 2, p) - \
            (nu - p - 1) / 2 * _multivariate_digamma(nu / 2, p) + nu * p / 2

    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        p = self._event_shape[-1]
        return (-0.5 * self.precision_matrix, 0.5 * (self.df - p - 1))

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        p = self._event_shape[-1]
        shifted = y + (p + 1) / 2
        # nu/2 (p log 2 + log|Sigma|) + log Gamma_p(nu/2), with Sigma = (-2 x)^-1
        return shifted * (-linalg.slogdet(-2 * x)[1] + p * _LOG_2) + ops.mvlgamma(shifted, p)
