"""The base class of probability distributions, with PyTorch's argument checks.

A distribution has a ``batch_shape`` (independent distributions side by side, from the
broadcast shape of its parameters) and an ``event_shape`` (the shape of one draw; () for
the scalar distributions here). ``sample(sample_shape)`` returns draws of shape
``sample_shape + batch_shape + event_shape`` outside the graph; ``rsample`` (where a
distribution has it) draws by reparameterisation, so gradients reach the parameters;
``log_prob``, ``entropy`` and ``cdf`` are built from minigrad operations and are
differentiable.

Draws come from minigrad's generator (``minigrad.manual_seed``), so they repeat run to run
but are not PyTorch's numbers. With ``validate_args`` (on by default, as in PyTorch)
invalid parameters and values outside the support raise a ValueError naming them.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import random
from ..dtypes import get_default_dtype
from ..internal import wrap
from ..size import Size
from ..tensor import Tensor

_validate_default = [True]


def as_parameter(value: Any) -> Tensor:
    """A tensor parameter: tensors as they are, numbers as 0-d tensors of the default
    float dtype."""
    if isinstance(value, Tensor):
        return value
    return wrap(np.asarray(value, dtype=get_default_dtype()))


def broadcast_parameters(*values: Any) -> list[Tensor]:
    """The parameters as tensors of one broadcast shape (PyTorch's ``broadcast_all``)."""
    tensors = [as_parameter(v) for v in values]
    shape = np.broadcast_shapes(*(tuple(t.shape) for t in tensors))
    return [t if tuple(t.shape) == shape else t.expand(*shape) for t in tensors]


class Constraint:
    """A named test on values, shown in error messages as PyTorch shows it."""

    def __init__(self, name: str, test: Callable[[Any, np.ndarray], np.ndarray]) -> None:
        self.name, self.test = name, test

    def __repr__(self) -> str:
        return self.name


class Distribution:
    """Base class: shapes, sampling shapes, validation and repr. Subclasses set
    ``arg_constraints`` (parameter name -> Constraint) and ``support``."""

    arg_constraints: dict[str, Constraint] = {}
    support: Constraint | None = None
    has_rsample = False

    def __init__(self, batch_shape: tuple = (), event_shape: tuple = (),
                 validate_args: bool | None = None) -> None:
        self._batch_shape, self._event_shape = Size(batch_shape), Size(event_shape)
        self._validate_args = _validate_default[0] if validate_args is None else validate_args
        if self._validate_args:
            for name, constraint in self.arg_constraints.items():
                if name in self.__dict__:
                    self._check(constraint, self.__dict__[name], f"parameter {name}")

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument validation on or off for distributions made from now on."""
        if value not in (True, False):
            raise ValueError
        _validate_default[0] = value

    @property
    def batch_shape(self) -> Size:
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        return self._event_shape

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Draws of shape ``sample_shape + batch_shape + event_shape``, outside the graph."""
        raise NotImplementedError(f"{type(self).__name__} does not implement sample")

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement rsample")

    def _extended_shape(self, sample_shape: Any = ()) -> tuple:
        if isinstance(sample_shape, (int, np.integer)):
            sample_shape = (int(sample_shape),)
        return tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape)

    @staticmethod
    def _rng() -> np.random.Generator:
        return random.default_generator()

    def _validate_sample(self, value: Tensor) -> None:
        """Check that ``value`` broadcasts with the batch and lies in the support."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        shape = tuple(self._batch_shape) + tuple(self._event_shape)
        try:
            np.broadcast_shapes(tuple(value.shape), shape)
        except ValueError:
            raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: "
                             f"{Size(value.shape)} vs {Size(shape)}.") from None
        if self.support is not None:
            self._check(self.support, value, "value argument", within=True)

    def _check(self, constraint: Constraint, value: Tensor, what: str,
               within: bool = False) -> None:
        array = value.detach().numpy()
        with np.errstate(invalid="ignore"):
            good = constraint.test(self, array)
        if not np.all(good):
            shown = value.detach()
            shown = shown.item() if shown.ndim == 0 else shown
            shape = tuple(value.shape)
            if within:
                raise ValueError(f"Expected {what} (Tensor of shape {shape}) to be within the "
                                 f"support ({constraint}) of the distribution {self!r}, but "
                                 f"found invalid values:\n{shown}")
            raise ValueError(f"Expected {what} (Tensor of shape {shape}) of distribution "
                             f"{self!r} to satisfy the constraint {constraint}, but found "
                             f"invalid values:\n{shown}")

    def __repr__(self) -> str:
        shown = []
        for name in self.arg_constraints:
            if name in self.__dict__:
                value = self.__dict__[name]
                shown.append(f"{name}: {value if value.numel() == 1 else value.shape}")
        return f"{type(self).__name__}({', '.join(shown)})"


def real(_: Any, v: np.ndarray) -> np.ndarray:
    return v == v  # not NaN


def positive(_: Any, v: np.ndarray) -> np.ndarray:
    return v > 0


def unit_interval(_: Any, v: np.ndarray) -> np.ndarray:
    return (v >= 0) & (v <= 1)


REAL = Constraint("Real()", real)
POSITIVE = Constraint("GreaterThan(lower_bound=0.0)", positive)
UNIT_INTERVAL = Constraint("Interval(lower_bound=0.0, upper_bound=1.0)", unit_interval)
