"""``kl_divergence(p, q)``: the Kullback-Leibler divergence between two distributions, in
closed form for the pairs registered with `register_kl` (as PyTorch's)."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .. import ops
from ..internal import wrap
from ..nn import functional as F
from ..tensor import Tensor
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .normal import Normal
from .uniform import Uniform

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
    for (type_p, type_q), fn in _KL.items():
        if isinstance(p, type_p) and isinstance(q, type_q):
            return fn(p, q)
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
