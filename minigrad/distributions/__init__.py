"""Probability distributions, as ``torch.distributions``: ``Normal``, ``Categorical``,
``Bernoulli`` and ``Uniform``, with ``sample``/``rsample``, ``log_prob``, ``entropy`` and
``kl_divergence``. See `distribution.py` for what they share."""
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .kl import kl_divergence, register_kl
from .normal import Normal
from .uniform import Uniform

__all__ = ["Distribution", "Normal", "Categorical", "Bernoulli", "Uniform", "kl_divergence",
           "register_kl"]
