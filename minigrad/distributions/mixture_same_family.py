"""``MixtureSameFamily``: a mixture of K distributions of one family, the K components
being the rightmost batch dim of one distribution and the weights a `Categorical`."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..autograd import no_grad
from ..size import Size
from ..tensor import Tensor
from . import constraints
from .categorical import Categorical
from .distribution import Distribution


class MixtureSameFamily(Distribution):
    """``p(x) = sum_k w_k p_k(x)``, as ``torch.distributions.MixtureSameFamily``.

    Parameters
    ----------
    mixture_distribution : Categorical
        The weights ``w``: batch shape ``B`` (broadcastable), K categories.
    component_distribution : Distribution
        Batch shape ``B + (K,)``: component k of batch element b is ``[..., b, k]``.
    validate_args : bool, optional

    Examples
    --------
    >>> weights = Categorical(logits=minigrad.zeros(3))
    >>> mixture = MixtureSameFamily(weights, Normal(minigrad.tensor([-1.0, 0.0, 2.0]), 1.0))
    >>> mixture.log_prob(minigrad.tensor(0.5)).shape
    minigrad.Size([])
    """

    arg_constraints: dict = {}
    has_rsample = False

    def __init__(self, mixture_distribution: Categorical,
                 component_distribution: Distribution,
                 validate_args: bool | None = None) -> None:
        if not isinstance(mixture_distribution, Categorical):
            raise ValueError(" The Mixture distribution needs to be an  instance of "
                             "torch.distributions.Categorical")
        if not isinstance(component_distribution, Distribution):
            raise ValueError("The Component distribution need to be an instance of "
                             "torch.distributions.Distribution")
        self._mixture_distribution = mixture_distribution
        self._component_distribution = component_distribution
        mixture_batch = mixture_distribution.batch_shape
        component_batch = component_distribution.batch_shape[:-1]
        for a, b in zip(reversed(mixture_batch), reversed(component_batch)):
            if a != 1 and b != 1 and a != b:
                raise ValueError(f"`mixture_distribution.batch_shape` ({mixture_batch}) is "
                                 f"not compatible with `component_distribution.batch_shape`"
                                 f"({component_batch})")
        k_mixture = mixture_distribution.logits.shape[-1]
        k_component = component_distribution.batch_shape[-1]
        if k_mixture != k_component:
            raise ValueError(f"`mixture_distribution component` ({k_mixture}) does not "
                             f"equal `component_distribution.batch_shape[-1]` "
                             f"({k_component})")
        self._num_component = k_mixture
        self._event_ndims = len(component_distribution.event_shape)
        super().__init__(component_batch, component_distribution.event_shape, validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> "MixtureSameFamily":
        new = self._get_checked_instance(MixtureSameFamily, _instance)
        batch_shape = Size(batch_shape)
        new._component_distribution = self._component_distribution.expand(
            tuple(batch_shape) + (self._num_component,))
        new._mixture_distribution = self._mixture_distribution.expand(batch_shape)
        new._num_component, new._event_ndims = self._num_component, self._event_ndims
        Distribution.__init__(new, batch_shape, new._component_distribution.event_shape,
                              validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property
    def support(self) -> constraints.Constraint:
        return constraints.MixtureSameFamilyConstraint(
            self._component_distribution.support)

    @property
    def mixture_distribution(self) -> Categorical:
        return self._mixture_distribution

    @property
    def component_distribution(self) -> Distribution:
        return self._component_distribution

    def _pad(self, x: Tensor) -> Tensor:
        """``x`` with the component dim inserted before the event dims."""
        return x.unsqueeze(-1 - self._event_ndims)

    def _pad_weights(self, weights: Tensor) -> Tensor:
        """(..., K) weights with event dims of size 1 appended."""
        return weights.reshape(*weights.shape, *(1,) * self._event_ndims)

    @property
    def mean(self) -> Tensor:
        probs = self._pad_weights(self._mixture_distribution.probs)
        return (probs * self._component_distribution.mean).sum(-1 - self._event_ndims)

    @property
    def variance(self) -> Tensor:
        """The law of total variance: mean of the variances plus variance of the means."""
        probs = self._pad_weights(self._mixture_distribution.probs)
        dim = -1 - self._event_ndims
        components = self._component_distribution
        within = (probs * components.variance).sum(dim)
        between = (probs * (components.mean - self._pad(self.mean)) ** 2).sum(dim)
        return within + between

    def cdf(self, x: Tensor) -> Tensor:
        cdf = self._component_distribution.cdf(self._pad(x))
        return (cdf * self._mixture_distribution.probs).sum(-1)

    def log_prob(self, x: Tensor) -> Tensor:
        """``logsumexp_k(log w_k + log p_k(x))``."""
        if self._validate_args:
            self._validate_sample(x)
        log_prob = self._component_distribution.log_prob(self._pad(x))
        log_weights = ops.log_softmax(self._mixture_distribution.logits, -1)
        return ops.logsumexp(log_prob + log_weights, -1)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """A component index from the weights, then that component's draw."""
        if isinstance(sample_shape, (int, np.integer)):
            sample_shape = (int(sample_shape),)
        with no_grad():
            index = self._mixture_distribution.sample(sample_shape)
            draws = self._component_distribution.sample(sample_shape)
            dim = len(tuple(sample_shape)) + len(self._batch_shape)
            missing = dim - index.ndim   # the weights may have fewer batch dims
            index = index.reshape(*index.shape[:len(tuple(sample_shape))], *(1,) * missing,
                                  *index.shape[len(tuple(sample_shape)):], 1,
                                  *(1,) * self._event_ndims)
            index = index.expand(*draws.shape[:dim], 1, *self._event_shape)
            return ops.gather(draws, dim, index).squeeze(dim)

    def __repr__(self) -> str:
        return (f"MixtureSameFamily(\n  {self._mixture_distribution},\n"
                f"  {self._component_distribution})")
