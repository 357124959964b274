"""Probability distributions, as ``torch.distributions``: each family in its own module,
with ``sample``/``rsample``, ``log_prob``, ``entropy``, moments and ``kl_divergence``; the
sets their parameters and values live in are in `constraints`. See `distribution.py` for
what they share."""
from . import constraints, transforms
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .independent import Independent
from .kl import kl_divergence, register_kl
from .log_normal import LogNormal
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .uniform import Uniform

__all__ = ["Distribution", "Normal", "Categorical", "Bernoulli", "Uniform", "kl_divergence",
           "register_kl", "constraints", "MultivariateNormal", "Independent", "transforms",
           "TransformedDistribution", "LogNormal"]
