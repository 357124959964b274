"""Rounding and sign: ``round``, ``floor``, ``ceil``, ``trunc``, ``sign`` (and its
alias ``sgn``), and the two built on them: ``frac`` and ``signbit``.

Each is a step function: its derivative is 0 wherever it exists, so the backward rule
returns zeros (as in PyTorch, whose results also keep a ``grad_fn``). Integer
inputs come back unchanged in value and dtype (``sign`` of an integer is -1, 0 or 1);
bool inputs only have a ``sign``, as in PyTorch.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function, register
from ..dtypes import get_default_dtype
from ..internal import array_of, wrap
from ..tensor import Tensor
from . import elementwise
from ._util import unary_input
from .out_argument import takes_out
from .selection import locally_constant


class _Step(Function):
    """z = step(x) for a piecewise-constant ``step``.  dz/dx = 0."""

    @staticmethod
    def step(x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @classmethod
    def forward(cls, ctx, x):
        return cls.step(x)

    @staticmethod
    def backward(ctx, g):
        return elementwise.mul(g, 0.0)


@register("round")
class Round(_Step):
    """z = x rounded to the nearest integer, halves to even.  dz/dx = 0."""

    step = staticmethod(np.round)


@register("floor")
class Floor(_Step):
    """z = the largest integer <= x.  dz/dx = 0."""

    step = staticmethod(np.floor)


@register("ceil")
class Ceil(_Step):
    """z = the smallest integer >= x.  dz/dx = 0."""

    step = staticmethod(np.ceil)


@register("trunc")
class Trunc(_Step):
    """z = x rounded toward zero.  dz/dx = 0."""

    step = staticmethod(np.trunc)


@register("sign")
class Sign(_Step):
    """z = -1, 0 or 1 as x is negative, zero or positive (0 at NaN, as in PyTorch).
    dz/dx = 0."""

    @staticmethod
    def step(x):
        out = np.sign(x) + x.dtype.type(0)  # + 0 turns the sign of -0.0 into +0.0
        return np.where(np.isnan(out), x.dtype.type(0), out) if x.dtype.kind == "f" else out


def _apply(cls: type[_Step], input: Tensor) -> Tensor:
    if unary_input(cls.name, input).dtype.kind == "b":
        if cls is Sign:
            return elementwise.clone(input)  # the sign of a bool is itself
        raise NotImplementedError(f"{cls.name}: not implemented for bool tensors")
    if input.dtype.kind in "iu" and cls is not Sign:
        return elementwise.clone(input)
    return cls.apply(input)


@takes_out("same")
def round(input: Tensor, *, decimals: int = 0) -> Tensor:
    """Round to ``decimals`` decimal places (halves to even); the gradient is 0."""
    if not isinstance(decimals, (int, np.integer)):
        raise TypeError(f"round(): argument 'decimals' must be int, not "
                        f"{type(decimals).__name__}")
    if decimals == 0:
        return _apply(Round, input)
    if input.dtype.kind != "f":
        raise NotImplementedError(f"round: decimals={decimals} is not implemented for "
                                  f"{input.dtype} tensors")
    scale = 10.0 ** decimals
    return elementwise.div(Round.apply(elementwise.mul(input, scale)), scale)


@takes_out("same")
def floor(input: Tensor) -> Tensor:
    """The largest integer <= each element; the gradient is 0."""
    return _apply(Floor, input)


@takes_out("same")
def ceil(input: Tensor) -> Tensor:
    """The smallest integer >= each element; the gradient is 0."""
    return _apply(Ceil, input)


@takes_out("same")
def trunc(input: Tensor) -> Tensor:
    """Each element rounded toward zero; the gradient is 0."""
    return _apply(Trunc, input)


@takes_out("same")
def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 for each element (0 for -0.0 and NaN as well); the gradient is 0."""
    return _apply(Sign, input)


@takes_out("same")
def sgn(input: Tensor) -> Tensor:
    """The sign of each element, as `sign` (PyTorch's ``sgn`` also takes complex tensors,
    which minigrad does not have)."""
    return _apply(Sign, input)


@takes_out("same")
def frac(input: Tensor) -> Tensor:
    """The fractional part ``input - trunc(input)``, with the sign of ``input``; the
    gradient is 1. Float tensors only, as in PyTorch."""
    if unary_input("frac", input).dtype.kind != "f":
        raise NotImplementedError(f"frac: not implemented for {input.dtype} tensors")
    return elementwise.sub(input, Trunc.apply(input))


@takes_out("same")
def signbit(input: Tensor) -> Tensor:
    """Where the sign bit is set, as a bool tensor: True for negative numbers and for
    -0.0 (and NaNs with the bit set), outside the graph."""
    a = array_of(unary_input("signbit", input))
    if a.dtype.kind == "f":
        return wrap(np.signbit(a))
    return wrap(a < 0 if a.dtype.kind in "iu" else np.zeros(a.shape, np.bool_))


@takes_out()
def angle(input: Tensor) -> Tensor:
    """The argument of each element as a complex number: pi for negative numbers, 0
    otherwise (NaN stays NaN); the gradient is 0. Integers and bools give the default
    float dtype."""
    a = array_of(unary_input("angle", input))
    dtype = a.dtype if a.dtype.kind == "f" else get_default_dtype()
    value = np.where(a < 0, np.pi, np.where(np.isnan(a), np.nan, 0.0)).astype(dtype)
    if not input.requires_grad:
        return wrap(value)
    return locally_constant(input, value)
