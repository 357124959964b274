"""More closed forms for `kl_divergence`, registered beside those of `kl.py`: the count
and one-hot families, Pareto, and pairs of different families (PyTorch's set). Where the
support of p is not inside that of q, KL(p || q) is infinite; such pairs return inf."""
from __future__ import annotations

import math
from typing import Any

from .. import ops
from ..creation import full
from ..tensor import Tensor
from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .continuous_bernoulli import ContinuousBernoulli
from .distribution import Distribution
from .exponential import Exponential
from .exponential_family import ExponentialFamily, bregman_kl
from .gamma import Gamma
from .geometric import Geometric
from .gumbel import Gumbel
from .kl import (_kl_bernoulli_bernoulli, _kl_categorical_categorical, _kl_mvn_mvn,
                 register_kl)
from .laplace import Laplace
from .low_rank_multivariate_normal import LowRankMultivariateNormal
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .one_hot_categorical import OneHotCategorical
from .pareto import Pareto
from .poisson import Poisson
from .uniform import Uniform
from .utils import euler_constant

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _infinite(p: Distribution, like: Tensor) -> Tensor:
    """inf of ``like``'s shape and dtype (PyTorch's answer for disjoint supports)."""
    return full(tuple(like.shape), math.inf, dtype=like.dtype)


def _inf_where(condition: Tensor, t: Tensor) -> Tensor:
    return ops.where(condition, math.inf, t)


@register_kl(Poisson, Poisson)
def _kl_poisson_poisson(p: Poisson, q: Poisson) -> Tensor:
    return p.rate * (p.rate.log() - q.rate.log()) - (p.rate - q.rate)


@register_kl(Geometric, Geometric)
def _kl_geometric_geometric(p: Geometric, q: Geometric) -> Tensor:
    """``-H(p) - E_p[k] log(1 - q) - log q`` with ``E_p[k] = 1/p - 1``."""
    return -p.entropy() - ops.log1p(-q.probs) / p.probs - q.logits


@register_kl(Binomial, Binomial)
def _kl_binomial_binomial(p: Binomial, q: Binomial) -> Tensor:
    """``n KL(Bernoulli(p) || Bernoulli(q))`` for equal counts; inf where p has more."""
    if bool((p.total_count < q.total_count).any()):
        raise NotImplementedError("KL between Binomials where q.total_count > "
                                  "p.total_count is not implemented")
    per_trial = _kl_bernoulli_bernoulli(Bernoulli(logits=p.logits, validate_args=False),
                                        Bernoulli(logits=q.logits, validate_args=False))
    return _inf_where(p.total_count > q.total_count, p.total_count * per_trial)


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehot_onehot(p: OneHotCategorical, q: OneHotCategorical) -> Tensor:
    return _kl_categorical_categorical(p._categorical, q._categorical)


@register_kl(Pareto, Pareto)
def _kl_pareto_pareto(p: Pareto, q: Pareto) -> Tensor:
    """``q_alpha log(p_scale / q_scale) - log(q_alpha / p_alpha) + q_alpha / p_alpha - 1``;
    inf where p starts below q."""
    alpha_ratio = q.alpha / p.alpha
    result = q.alpha * (p.scale / q.scale).log() - alpha_ratio.log() + alpha_ratio - 1
    return _inf_where(p.scale < q.scale, result)


@register_kl(Bernoulli, Poisson)
def _kl_bernoulli_poisson(p: Bernoulli, q: Poisson) -> Tensor:
    return -p.entropy() - p.probs * q.rate.log() + q.rate


def _expected_square(mean: Tensor, variance: Tensor, loc: Tensor) -> Tensor:
    """``E[(x - loc)^2]`` from the mean and variance of x."""
    return variance + (mean - loc) ** 2


def _kl_to_normal(p: Distribution, q: Normal, moments: Any = None) -> Tensor:
    """``-H(p) + log(sqrt(2 pi) scale) + E_p[(x - loc)^2] / (2 scale^2)``; ``moments``
    (mean, variance) replace p's own."""
    mean, variance = moments if moments is not None else (p.mean, p.variance)
    square = _expected_square(mean, variance, q.loc)
    return -p.entropy() + _HALF_LOG_2PI + q.scale.log() + square / (2 * q.scale ** 2)


for _family in (Beta, Exponential, Gamma, Gumbel, Laplace):
    register_kl(_family, Normal)(_kl_to_normal)


@register_kl(Uniform, Normal)
def _kl_uniform_normal(p: Uniform, q: Normal) -> Tensor:
    return _kl_to_normal(p, q)


@register_kl(Normal, Laplace)
def _kl_normal_laplace(p: Normal, q: Laplace) -> Tensor:
    """``-H(p) + log(2 b) + E_p|x - m| / b`` with the folded-normal mean."""
    d = p.loc - q.loc
    folded = p.scale * math.sqrt(2 / math.pi) * (-d ** 2 / (2 * p.scale ** 2)).exp() + \
        d * ops.erf(d / (p.scale * math.sqrt(2)))
    return -p.entropy() + (2 * q.scale).log() + folded / q.scale


def _kl_to_exponential(p: Distribution, q: Exponential, mean: Any = None) -> Tensor:
    """``-H(p) - log rate + rate E_p[x]``."""
    mean = p.mean if mean is None else mean
    return -p.entropy() - q.rate.log() + q.rate * mean


for _family in (Beta, Gamma):
    register_kl(_family, Exponential)(_kl_to_exponential)


@register_kl(Uniform, Exponential)
def _kl_uniform_exponential(p: Uniform, q: Exponential) -> Tensor:
    return _inf_where(p.low < 0, _kl_to_exponential(p, q))


def _expected_log(p: Distribution) -> Tensor:
    """``E_p[log x]`` for the positive families with a closed form."""
    if isinstance(p, Exponential):
        return -p.rate.log() - euler_constant
    if isinstance(p, Gamma):
        return ops.digamma(p.concentration) - p.rate.log()
    if isinstance(p, Beta):
        return ops.digamma(p.concentration1) - \
            ops.digamma(p.concentration1 + p.concentration0)
    low, high = p.low, p.high   # Uniform on [low, high], low >= 0
    return (ops.xlogy(high, high) - ops.xlogy(low, low)) / (high - low) - 1


def _kl_to_gamma(p: Distribution, q: Gamma) -> Tensor:
    """``-H(p) - E_p[log q(x)]`` with ``log q = a log b - lgamma(a) + (a - 1) log x -
    b x``."""
    a, b = q.concentration, q.rate
    expected = ops.xlogy(a, b) - ops.lgamma(a) + (a - 1) * _expected_log(p) - b * p.mean
    return -p.entropy() - expected


for _family in (Beta, Exponential):
    register_kl(_family, Gamma)(_kl_to_gamma)


@register_kl(Uniform, Gamma)
def _kl_uniform_gamma(p: Uniform, q: Gamma) -> Tensor:
    return _inf_where(p.low < 0, _kl_to_gamma(p, q))


def _kl_unit_to_uniform(p: Distribution, q: Uniform) -> Tensor:
    """A distribution on [0, 1] against a uniform: ``-H(p) + log(high - low)``, inf
    unless the uniform covers [0, 1]."""
    result = -p.entropy() + (q.high - q.low).log()
    return _inf_where((q.low > 0) | (q.high < 1), result)


for _family in (Beta, ContinuousBernoulli):
    register_kl(_family, Uniform)(_kl_unit_to_uniform)
register_kl(ContinuousBernoulli, Exponential)(_kl_to_exponential)
register_kl(ContinuousBernoulli, Normal)(_kl_to_normal)


def _kl_to_continuous_bernoulli(p: Distribution, q: ContinuousBernoulli) -> Tensor:
    """``-H(p) - E_p[x] logit(q) - log(1 - q) - log C(q)``."""
    return -p.entropy() - p.mean * q.logits - ops.log1p(-q.probs) - q._log_normaliser()


for _family in (Beta, ContinuousBernoulli):
    register_kl(_family, ContinuousBernoulli)(_kl_to_continuous_bernoulli)


def _outside_unit(p: Uniform) -> Tensor:
    return (p.low < 0) | (p.high > 1)


@register_kl(Uniform, ContinuousBernoulli)
def _kl_uniform_continuous_bernoulli(p: Uniform, q: ContinuousBernoulli) -> Tensor:
    return _inf_where(_outside_unit(p), _kl_to_continuous_bernoulli(p, q))


@register_kl(Uniform, Beta)
def _kl_uniform_beta(p: Uniform, q: Beta) -> Tensor:
    """``-H(p) - (a - 1) E log x - (b - 1) E log(1 - x) + log B(a, b)``; inf unless p
    lies in [0, 1]."""
    a, b = q.concentration1, q.concentration0
    log_beta = ops.lgamma(a) + ops.lgamma(b) - ops.lgamma(a + b)
    flipped = Uniform(1 - p.high, 1 - p.low, validate_args=False)
    result = -p.entropy() - (a - 1) * _expected_log(p) - (b - 1) * _expected_log(flipped) \
        + log_beta
    return _inf_where(_outside_unit(p), result)


@register_kl(Uniform, Pareto)
def _kl_uniform_pareto(p: Uniform, q: Pareto) -> Tensor:
    """``-H(p) - log alpha - alpha log scale + (alpha + 1) E log x``; inf where p starts
    below the scale."""
    result = -p.entropy() - q.alpha.log() - q.alpha * q.scale.log() + \
        (q.alpha + 1) * _expected_log(p)
    return _inf_where(p.low < q.scale, result)


def _pareto_expected_log(p: Pareto) -> Tensor:
    return p.scale.log() + p.alpha.reciprocal()


def _pareto_moments(p: Pareto, below: float) -> tuple[Tensor, Tensor]:
    """Mean and variance of p with ``alpha`` replaced by ``below + 1`` where it is
    ``<= below`` (where the KL is infinite anyway), so that no inf reaches the gradient.
    ``below`` is 1 (for the mean) or 2 (for both)."""
    a = ops.where(p.alpha > below, p.alpha, below + 1.0)
    variance = p.scale ** 2 * a / ((a - 1) ** 2 * (a - 2))   # finite only for below = 2
    return a * p.scale / (a - 1), variance


@register_kl(Pareto, Exponential)
def _kl_pareto_exponential(p: Pareto, q: Exponential) -> Tensor:
    """Infinite for ``alpha <= 1`` (no mean)."""
    mean, _ = _pareto_moments(p, 1.0)
    return _inf_where(p.alpha <= 1, _kl_to_exponential(p, q, mean))


@register_kl(Pareto, Gamma)
def _kl_pareto_gamma(p: Pareto, q: Gamma) -> Tensor:
    a, b = q.concentration, q.rate
    mean, _ = _pareto_moments(p, 1.0)
    expected = ops.xlogy(a, b) - ops.lgamma(a) + (a - 1) * _pareto_expected_log(p) - \
        b * mean
    return _inf_where(p.alpha <= 1, -p.entropy() - expected)


@register_kl(Pareto, Normal)
def _kl_pareto_normal(p: Pareto, q: Normal) -> Tensor:
    """Infinite for ``alpha <= 2`` (no variance)."""
    return _inf_where(p.alpha <= 2, _kl_to_normal(p, q, _pareto_moments(p, 2.0)))


def _gumbel_mgf(p: Distribution, t: Tensor) -> Tensor:
    """``E_p[exp(t x)]`` at ``t < 0`` for the families paired with a Gumbel."""
    if isinstance(p, Exponential):
        return p.rate / (p.rate - t)
    if isinstance(p, Gamma):
        return (1 - t / p.rate) ** -p.concentration
    if isinstance(p, Normal):
        return (p.loc * t + (p.scale * t) ** 2 / 2).exp()
    return ((t * p.high).exp() - (t * p.low).exp()) / (t * (p.high - p.low))   # Uniform


def _kl_to_gumbel(p: Distribution, q: Gumbel) -> Tensor:
    """``-H(p) + log b + (E_p[x] - m) / b + E_p[exp(-(x - m) / b)]``."""
    b = q.scale
    tail = (q.loc / b).exp() * _gumbel_mgf(p, -1 / b)
    return -p.entropy() + b.log() + (p.mean - q.loc) / b + tail


for _family in (Exponential, Gamma, Normal, Uniform):
    register_kl(_family, Gumbel)(_kl_to_gumbel)


def _as_multivariate_normal(d: Distribution) -> MultivariateNormal:
    """A low-rank Gaussian as a `MultivariateNormal` of the same (unbroadcast)
    covariance; a `MultivariateNormal` as it is."""
    if isinstance(d, MultivariateNormal):
        return d
    W, D = d._unbroadcasted_cov_factor, d._unbroadcasted_cov_diag
    return MultivariateNormal(d.loc, W @ W.transpose(-2, -1) + D.diag_embed(),
                              validate_args=False)


def _kl_gaussian_low_rank(p: Distribution, q: Distribution) -> Tensor:
    """Gaussian KL (`kl._kl_mvn_mvn`) when either side is low-rank."""
    if tuple(p.event_shape) != tuple(q.event_shape):
        both = "" if isinstance(p, MultivariateNormal) or isinstance(q, MultivariateNormal) \
            else "two Low Rank"
        name = both or "two (Low Rank)"
        raise ValueError(f"KL-divergence between {name} Multivariate Normals with"
                         f"{' ' * 26}different event shapes cannot be computed")
    return _kl_mvn_mvn(_as_multivariate_normal(p), _as_multivariate_normal(q))


for _pair in ((LowRankMultivariateNormal, LowRankMultivariateNormal),
              (LowRankMultivariateNormal, MultivariateNormal),
              (MultivariateNormal, LowRankMultivariateNormal)):
    register_kl(*_pair)(_kl_gaussian_low_rank)


register_kl(ExponentialFamily, ExponentialFamily)(bregman_kl)


def _register_infinite(pairs: Any) -> None:
    """Pairs whose p puts mass outside q's support: KL is inf, shaped like p's batch."""
    for type_p, type_q, parameter in pairs:
        def infinite(p: Distribution, q: Distribution, parameter: str = parameter) -> Tensor:
            return _infinite(p, getattr(p, parameter))
        register_kl(type_p, type_q)(infinite)


_register_infinite(
    [(Normal, q, "loc") for q in (Beta, ContinuousBernoulli, Exponential, Gamma, Pareto,
                                  Uniform)]
    + [(Laplace, q, "loc") for q in (Beta, ContinuousBernoulli, Exponential, Gamma, Pareto,
                                     Uniform)]
    + [(Gumbel, q, "loc") for q in (Beta, ContinuousBernoulli, Exponential, Gamma, Pareto,
                                    Uniform)]
    + [(Exponential, q, "rate") for q in (Beta, ContinuousBernoulli, Pareto, Uniform)]
    + [(Gamma, q, "concentration") for q in (Beta, ContinuousBernoulli, Pareto, Uniform)]
    + [(Poisson, Bernoulli, "rate"), (Poisson, Binomial, "rate")]
    + [(p, Pareto, "mean") for p in (Beta, ContinuousBernoulli)]
    + [(Pareto, q, "scale") for q in (Beta, ContinuousBernoulli, Uniform)])
