"""The base class of probability distributions, with PyTorch's argument checks.

A distribution has a ``batch_shape`` (independent distributions side by side, from the
broadcast shape of its parameters) and an ``event_shape`` (the shape of one draw: () for
scalar distributions, (k,) for a k-dimensional one). ``sample(sample_shape)`` returns draws
of shape ``sample_shape + batch_shape + event_shape`` outside the graph; ``rsample`` (where
a distribution has it) draws by reparameterisation, so gradients reach the parameters;
``log_prob``, ``entropy`` and ``cdf`` are built from minigrad operations and are
differentiable.

Draws come from minigrad's generator (``minigrad.manual_seed``), so they repeat run to run
but are not PyTorch's numbers. With ``validate_args`` (on by default, as in PyTorch)
parameters outside their ``arg_constraints`` and values outside the ``support`` raise a
ValueError naming them.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops, random
from ..autograd import no_grad
from ..size import Size
from ..tensor import Tensor
from . import constraints
from .utils import broadcast_all, lazy_property

__all__ = ["Distribution"]

_validate_default = [True]


class Distribution:
    """Base class: shapes, sampling shapes, validation and repr.

    Subclasses set ``arg_constraints`` (parameter name -> constraint), ``support``,
    ``has_rsample``, and define what they can compute (``log_prob``, ``entropy``, ...).
    """

    has_rsample = False
    has_enumerate_support = False

    def __init__(self, batch_shape: Any = (), event_shape: Any = (),
                 validate_args: bool | None = None) -> None:
        self._batch_shape, self._event_shape = Size(batch_shape), Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            self._check_parameters()

    _validate_args = True

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument validation on or off for distributions made from now on."""
        if value not in (True, False):
            raise ValueError
        Distribution._validate_args = value

    def _check_parameters(self) -> None:
        try:
            arg_constraints = self.arg_constraints
        except NotImplementedError:
            arg_constraints = {}
        for name, constraint in arg_constraints.items():
            if constraints.is_dependent(constraint):
                continue
            if name not in self.__dict__ and \
                    isinstance(getattr(type(self), name, None), lazy_property):
                continue  # the other parameterisation, not computed yet
            value = getattr(self, name)
            if not bool(constraint.check(value).all()):
                raise ValueError(f"Expected parameter {name} (Tensor of shape "
                                 f"{tuple(value.shape)}) of distribution {self!r} to satisfy "
                                 f"the constraint {constraint!r}, but found invalid "
                                 f"values:\n{value}")

    @property
    def batch_shape(self) -> Size:
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        return self._event_shape

    @property
    def arg_constraints(self) -> dict[str, constraints.Constraint]:
        """Parameter name -> the constraint its values must satisfy."""
        raise NotImplementedError

    @property
    def support(self) -> constraints.Constraint | None:
        """The constraint that values of ``log_prob`` must satisfy."""
        raise NotImplementedError

    def expand(self, batch_shape: Any, _instance: Any = None) -> "Distribution":
        """The same distribution broadcast to ``batch_shape`` (parameters are expanded,
        not copied)."""
        raise NotImplementedError

    def _get_checked_instance(self, cls: type, _instance: Any = None) -> Any:
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(f"Subclass {type(self).__name__} of {cls.__name__} "
                                      f"that defines a custom __init__ method must also "
                                      f"define a custom .expand() method.")
        return cls.__new__(type(self)) if _instance is None else _instance

    def _expand_parameters(self, cls: type, batch_shape: Any, names: tuple[str, ...],
                           _instance: Any = None) -> Any:
        """``expand`` for a distribution whose parameters have shape ``batch_shape``
        followed by dims of their own: a new instance with each named parameter (those
        already computed) expanded."""
        new = self._get_checked_instance(cls, _instance)
        batch_shape = Size(batch_shape)
        for name in names:
            if name in self.__dict__:
                value = self.__dict__[name]
                extra = tuple(value.shape[len(self._batch_shape):])
                setattr(new, name, ops.expand(value, tuple(batch_shape) + extra))
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        raise NotImplementedError

    @property
    def mode(self) -> Tensor:
        raise NotImplementedError(f"{type(self)} does not implement mode")

    @property
    def variance(self) -> Tensor:
        raise NotImplementedError

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Draws of shape ``sample_shape + batch_shape + event_shape``, outside the graph."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """Reparameterised draws: gradients flow back to the parameters."""
        raise NotImplementedError

    def sample_n(self, n: int) -> Tensor:
        return self.sample((n,))

    def log_prob(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def cdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def icdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def enumerate_support(self, expand: bool = True) -> Tensor:
        raise NotImplementedError

    def entropy(self) -> Tensor:
        raise NotImplementedError

    def perplexity(self) -> Tensor:
        return self.entropy().exp()

    def _extended_shape(self, sample_shape: Any = ()) -> Size:
        """``sample_shape + batch_shape + event_shape``. As in PyTorch, ``sample_shape``
        is a sequence (an int raises ``TypeError``) of sizes that are not negative."""
        shape = Size(Size(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))
        if any(n < 0 for n in shape):
            raise RuntimeError(f"Trying to create tensor with negative dimension "
                               f"{min(shape)}: {list(shape)}")
        return shape

    @staticmethod
    def _rng() -> np.random.Generator:
        return random.default_generator()

    def _validate_sample(self, value: Tensor) -> None:
        """Check that ``value`` ends in ``event_shape``, broadcasts with the batch and lies
        in the support."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        start = value.ndim - len(self._event_shape)
        if tuple(value.shape[start:]) != tuple(self._event_shape):
            raise ValueError(f"The right-most size of value must match event_shape: "
                             f"{Size(value.shape)} vs {self._event_shape}.")
        expected = tuple(self._batch_shape) + tuple(self._event_shape)
        for i, j in zip(reversed(tuple(value.shape)), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: "
                                 f"{Size(value.shape)} vs {Size(expected)}.")
        support = self.support
        if support is not None and not bool(support.check(value).all()):
            raise ValueError(f"Expected value argument (Tensor of shape {tuple(value.shape)}) "
                             f"to be within the support ({support!r}) of the distribution "
                             f"{self!r}, but found invalid values:\n{value}")

    def __repr__(self) -> str:
        try:
            names = [k for k in self.arg_constraints if k in self.__dict__]
        except NotImplementedError:
            names = []
        shown = []
        for name in names:
            value = self.__dict__[name]
            shown.append(f"{name}: {value if value.numel() == 1 else value.shape}")
        return f"{type(self).__name__}({', '.join(shown)})"


def broadcast_parameters(*values: Any) -> list[Tensor]:
    """The parameters as tensors of one broadcast shape (`utils.broadcast_all`)."""
    return list(broadcast_all(*values))
