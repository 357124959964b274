"""``kl_divergence(p, q)``: the Kullback-Leibler divergence between two distributions, in
closed form for the pairs registered with `register_kl` (as PyTorch's)."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .. import ops
from ..internal import wrap
from ..nn import functional as F
from ..tensor import Tensor
from .. import linalg
from .bernoulli import Bernoulli
from .beta import Beta
from .categorical import Categorical
from .cauchy import Cauchy
from .dirichlet import Dirichlet
from .distribution import Distribution
from .exponential import Exponential
from .gamma import Gamma
from .gumbel import Gumbel
from .half_normal import HalfNormal
from .independent import Independent, sum_rightmost
from .laplace import Laplace
from .multivariate_normal import MultivariateNormal, batch_mahalanobis
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .uniform import Uniform
from .utils import euler_constant

_KL: dict[tuple[type, type], Callable] = {}


def register_kl(type_p: type, type_q: type) -> Callable:
    """Decorator: register ``fn(p, q)`` as the KL divergence of ``type_p`` from
    ``type_q``."""
    def register(fn: Callable) -> Callable:
        _KL[type_p, type_q] = fn
        return fn
    return register


def kl_divergence(p: Distribution, q: Distribution) -> Tensor:
    """``KL(p || q)`` per batch element: the expected ``log p(x) - log q(x)`` under p.

    Raises
    ------
    NotImplementedError
        For a pair of types with no registered closed form, as PyTorch does.
    """
    p_mro, q_mro = type(p).__mro__, type(q).__mro__
    matches = [(p_mro.index(type_p), q_mro.index(type_q), fn)
               for (type_p, type_q), fn in _KL.items()
               if isinstance(p, type_p) and isinstance(q, type_q)]
    if matches:  # the most specific registration (closest base classes) wins
        return min(matches, key=lambda m: (m[0] + m[1], m[0]))[2](p, q)
    raise NotImplementedError(f"No KL(p || q) is implemented for p type {type(p).__name__} "
                              f"and q type {type(q).__name__}")


def _where_array(condition: np.ndarray, value: float, t: Tensor) -> Tensor:
    """``t`` with ``value`` (a constant) where ``condition`` holds."""
    if not condition.any():
        return t
    return ops.where(wrap(np.broadcast_to(condition, tuple(t.shape))), value, t)


@register_kl(Normal, Normal)
def _kl_normal_normal(p: Normal, q: Normal) -> Tensor:
    var_ratio = (p.scale / q.scale) ** 2
    t1 = ((p.loc - q.loc) / q.scale) ** 2
    return 0.5 * (var_ratio + t1 - 1 - ops.log(var_ratio))


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p: Categorical, q: Categorical) -> Tensor:
    t = p.probs * (p.logits - q.logits)
    t = _where_array(q.probs.detach().numpy() == 0, float("inf"), t)
    t = _where_array(p.probs.detach().numpy() == 0, 0.0, t)
    return t.sum(-1)


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p: Bernoulli, q: Bernoulli) -> Tensor:
    p_probs, q_probs = p.probs.detach().numpy(), q.probs.detach().numpy()
    t1 = p.probs * (F.softplus(-q.logits) - F.softplus(-p.logits))
    t1 = _where_array(p_probs == 0, 0.0, _where_array(q_probs == 0, float("inf"), t1))
    t2 = (1 - p.probs) * (F.softplus(q.logits) - F.softplus(p.logits))
    t2 = _where_array(p_probs == 1, 0.0, _where_array(q_probs == 1, float("inf"), t2))
    return t1 + t2


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p: Uniform, q: Uniform) -> Tensor:
    result = ops.log((q.high - q.low) / (p.high - p.low))
    outside = (q.low.detach().numpy() > p.low.detach().numpy()) | \
        (q.high.detach().numpy() < p.high.detach().numpy())
    return _where_array(outside, float("inf"), result)


@register_kl(Beta, Beta)
def _kl_beta_beta(p: Beta, q: Beta) -> Tensor:
    p1, p0, q1, q0 = p.concentration1, p.concentration0, q.concentration1, q.concentration0
    p_total, q_total = p1 + p0, q1 + q0
    return ops.lgamma(q1) + ops.lgamma(q0) + ops.lgamma(p_total) - ops.lgamma(p1) \
        - ops.lgamma(p0) - ops.lgamma(q_total) + (p1 - q1) * ops.digamma(p1) \
        + (p0 - q0) * ops.digamma(p0) + (q_total - p_total) * ops.digamma(p_total)


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(p: Dirichlet, q: Dirichlet) -> Tensor:
    a, b = p.concentration, q.concentration
    a_total, b_total = a.sum(-1), b.sum(-1)
    expected_log = ops.digamma(a) - ops.digamma(a_total).unsqueeze(-1)
    return ops.lgamma(a_total) - ops.lgamma(b_total) - \
        (ops.lgamma(a) - ops.lgamma(b)).sum(-1) + ((a - b) * expected_log).sum(-1)


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p: Exponential, q: Exponential) -> Tensor:
    ratio = q.rate / p.rate
    return ratio - ratio.log() - 1


@register_kl(Gamma, Gamma)
def _kl_gamma_gamma(p: Gamma, q: Gamma) -> Tensor:
    a, b, c, d = p.concentration, p.rate, q.concentration, q.rate
    return c * (b / d).log() + ops.lgamma(c) - ops.lgamma(a) + (a - c) * ops.digamma(a) \
        + (d - b) * (a / b)


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p: Laplace, q: Laplace) -> Tensor:
    ratio = p.scale / q.scale
    distance = (p.loc - q.loc).abs()
    return -ratio.log() + distance / q.scale + ratio * (-distance / p.scale).exp() - 1


@register_kl(Cauchy, Cauchy)
def _kl_cauchy_cauchy(p: Cauchy, q: Cauchy) -> Tensor:
    return (((p.scale + q.scale) ** 2 + (p.loc - q.loc) ** 2).log()
            - (4 * p.scale * q.scale).log())


@register_kl(Gumbel, Gumbel)
def _kl_gumbel_gumbel(p: Gumbel, q: Gumbel) -> Tensor:
    ratio, q_shift, p_shift = p.scale / q.scale, q.loc / q.scale, p.loc / q.scale
    return -ratio.log() - q_shift + p_shift + ratio * euler_constant + \
        (q_shift + ops.lgamma(1 + ratio) - p_shift).exp() - (1 + euler_constant)


@register_kl(HalfNormal, HalfNormal)
def _kl_halfnormal_halfnormal(p: HalfNormal, q: HalfNormal) -> Tensor:
    return _kl_normal_normal(p.base_dist, q.base_dist)


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_mvn_mvn(p: MultivariateNormal, q: MultivariateNormal) -> Tensor:
    """``log det(Lq)/det(Lp) + (tr(Sq^-1 Sp) + mahalanobis - n) / 2``."""
    if tuple(p.event_shape) != tuple(q.event_shape):
        raise ValueError("KL-divergence between two Multivariate Normals with different "
                         "event shapes cannot be computed")
    Lp, Lq = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    half_log_ratio = ops.log(Lq.diagonal(dim1=-2, dim2=-1)).sum(-1) - \
        ops.log(Lp.diagonal(dim1=-2, dim2=-1)).sum(-1)
    n = p.event_shape[0]
    batch = np.broadcast_shapes(tuple(Lq.shape[:-2]), tuple(Lp.shape[:-2]))
    solved = linalg.solve_triangular(Lq.expand(*batch, n, n), Lp.expand(*batch, n, n),
                                     upper=False)
    trace = (solved ** 2).sum((-2, -1))
    return half_log_ratio + 0.5 * (trace + batch_mahalanobis(Lq, q.loc - p.loc) - n)


@register_kl(Independent, Independent)
def _kl_independent_independent(p: Independent, q: Independent) -> Tensor:
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError
    return sum_rightmost(kl_divergence(p.base_dist, q.base_dist),
                         p.reinterpreted_batch_ndims)


@register_kl(TransformedDistribution, TransformedDistribution)
def _kl_transformed_transformed(p: TransformedDistribution,
                                q: TransformedDistribution) -> Tensor:
    """The KL of the bases, when both push them through equal transforms (LogNormal)."""
    if p.transforms != q.transforms or tuple(p.event_shape) != tuple(q.event_shape):
        raise NotImplementedError
    extra = len(p.event_shape) - len(p.base_dist.event_shape)
    return sum_rightmost(kl_divergence(p.base_dist, q.base_dist), extra)
