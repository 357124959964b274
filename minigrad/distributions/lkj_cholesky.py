"""The LKJ distribution over Cholesky factors of correlation matrices: a prior on
correlations whose ``concentration`` pulls them toward 0 (above 1) or spreads them out
(below 1); 1 is uniform over correlation matrices."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..autograd import no_grad
from ..creation import arange, zeros
from ..internal import wrap
from ..tensor import Tensor
from . import constraints
from .beta import Beta
from .distribution import Distribution
from .utils import broadcast_all


class LKJCholesky(Distribution):
    """Lower Cholesky factors ``L`` of ``dim`` x ``dim`` correlation matrices with density
    proportional to ``det(L L^T)^(concentration - 1)``, as
    ``torch.distributions.LKJCholesky``. Draws use the onion method: row ``i`` is a
    uniform direction scaled by the square root of a beta variable."""

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim: int, concentration: Any = 1.0,
                 validate_args: bool | None = None) -> None:
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. "
                             f"Found dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        batch_shape = tuple(self.concentration.shape)
        # row i > 0 has squared length of its off-diagonal part ~ Beta(i/2, c + (dim-2-i)/2)
        offset = ops.cat([zeros(1, dtype=self.concentration.dtype),
                          arange(dim - 1, dtype=self.concentration.dtype)])
        marginal = self.concentration + 0.5 * (dim - 2)
        self._beta = Beta(offset + 0.5, marginal.unsqueeze(-1) - 0.5 * offset)
        super().__init__(batch_shape, (dim, dim), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "LKJCholesky":
        new = self._expand_parameters(LKJCholesky, batch_shape, ("concentration",),
                                      _instance)
        new.dim = self.dim
        new._beta = self._beta.expand(tuple(batch_shape) + (self.dim,))
        return new

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = tuple(self._extended_shape(sample_shape))
        with no_grad():
            y = self._beta.sample(sample_shape).unsqueeze(-1)
            normal = self._rng().standard_normal(shape).astype(y.dtype)
            normal = np.tril(normal, -1)
            with np.errstate(invalid="ignore"):
                direction = normal / np.linalg.norm(normal, axis=-1, keepdims=True)
            direction[..., 0, :] = 0.0     # the first row is (1, 0, ..., 0)
            w = y.sqrt() * wrap(direction)
            tiny = float(np.finfo(w.dtype).tiny)
            diagonal = ops.clamp(1 - (w ** 2).sum(-1), min=tiny).sqrt()
            return w + diagonal.diag_embed()

    def log_prob(self, value: Tensor) -> Tensor:
        """``sum_i (2 (c - 1) + dim - i) log L_ii`` (i = 2..dim) minus the log
        normaliser ``(dim-1)/2 log pi + log Gamma_{dim-1}(a - 1/2) - (dim-1) lgamma(a)``,
        ``a = c + (dim-1)/2``."""
        if self._validate_args:
            self._validate_sample(value)
        n, c = self.dim, self.concentration
        diagonal = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = 2 * (c - 1).unsqueeze(-1) + n - arange(2, n + 1, dtype=c.dtype)
        unnormalised = (order * diagonal.log()).sum(-1)
        alpha = c + 0.5 * (n - 1)
        normaliser = 0.5 * (n - 1) * math.log(math.pi) + \
            ops.mvlgamma(alpha - 0.5, n - 1) - ops.lgamma(alpha) * (n - 1)
        return unnormalised - normaliser
