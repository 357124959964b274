"""``ExponentialFamily``: the base class of the distributions whose density is
``exp(<eta, T(x)> - F(eta) + k(x))`` with natural parameters ``eta``, log-normaliser
``F`` and carrier measure ``k``. From ``F`` alone come the entropy and (between two
members of one family) the KL divergence, as Bregman divergences of ``F``."""
from __future__ import annotations

from typing import Any

from ..autograd import grad
from ..tensor import Tensor
from .distribution import Distribution
from .independent import sum_rightmost


class ExponentialFamily(Distribution):
    """As ``torch.distributions.ExponentialFamily``: subclasses give
    ``_natural_params`` (a tuple of tensors), ``_log_normalizer(*natural_params)`` and
    ``_mean_carrier_measure`` (``E[k(x)]``)."""

    @property
    def _natural_params(self) -> tuple:
        raise NotImplementedError

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self) -> Any:
        raise NotImplementedError

    def entropy(self) -> Tensor:
        """``F(eta) - <eta, grad F(eta)> - E[k(x)]`` (``grad F`` is the mean of ``T``)."""
        result = -self._mean_carrier_measure
        params = [p.detach().requires_grad_() for p in self._natural_params]
        log_normalizer = self._log_normalizer(*params)
        gradients = grad(log_normalizer.sum(), params, create_graph=True)
        result = result + log_normalizer
        for param, g in zip(params, gradients):
            result = result - (param * g).reshape(*self._batch_shape, -1).sum(-1)
        return result


def bregman_kl(p: ExponentialFamily, q: ExponentialFamily) -> Tensor:
    """``KL(p || q) = F(eta_q) - F(eta_p) - <eta_q - eta_p, grad F(eta_p)>`` for two
    members of one family.

    Raises
    ------
    NotImplementedError
        For members of two different families (as PyTorch).
    """
    if type(p) is not type(q):
        raise NotImplementedError("The cross KL-divergence between different exponential "
                                  "families cannot                             be computed "
                                  "using Bregman divergences")
    p_params = [t.detach().requires_grad_() for t in p._natural_params]
    q_params = q._natural_params
    log_normalizer = p._log_normalizer(*p_params)
    gradients = grad(log_normalizer.sum(), p_params, create_graph=True)
    result = q._log_normalizer(*q_params) - log_normalizer
    for a, b, g in zip(p_params, q_params, gradients):
        result = result - sum_rightmost((b - a) * g, len(q.event_shape))
    return result
