"""Arithmetic with PyTorch's function signatures: ``add``/``sub``/``rsub`` with ``alpha``,
``div`` with ``rounding_mode``, ``floor_divide``, ``remainder``, ``square``.

They are built from the elementwise primitives (so they differentiate like them). Rounded
division has a zero gradient almost everywhere; here it is computed outside the graph.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import is_number, result_type
from ..internal import array_of, wrap
from ..tensor import Tensor
from . import elementwise
from ._util import binary, broadcast_shape, operands
from .binary_math import Remainder
from .out_argument import takes_out
from .selection import locally_constant, without_derivative

ROUNDING_MODES = (None, "trunc", "floor")


def _scaled(op: str, input: Any, other: Any, alpha: Any) -> Any:
    """``alpha * other`` computed in the dtype of the result (as PyTorch: alpha does not
    take part in promotion, and ``other`` is first cast to the result's dtype), refusing
    what PyTorch refuses."""
    tensors = [t for t in (input, other) if isinstance(t, Tensor)]
    dtype = result_type(input, other) if tensors else None
    kind = None if dtype is None else dtype.kind
    if isinstance(alpha, (bool, np.bool_)):
        if kind not in (None, "b"):
            raise RuntimeError(f"{op}: Boolean alpha only supported for Boolean results.")
        return other if alpha else elementwise.mul(other, False)
    if not isinstance(alpha, (int, float, np.number)):
        raise TypeError(f"{op}(): argument 'alpha' must be Number, not "
                        f"{type(alpha).__name__}")
    if isinstance(alpha, (float, np.floating)) and kind in tuple("biu"):
        raise RuntimeError(f"{op}: for integral input tensors, argument alpha must not be a "
                           f"floating point number (got alpha={alpha})")
    if alpha == 1:
        return other
    # two numbers multiply as Python numbers: a float32 product would round alpha * other
    if is_number(other):
        return other * alpha
    if dtype is not None and other.dtype != dtype:
        other = other.to(dtype)
    return elementwise.mul(other, alpha)


@takes_out()
def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input + alpha * other`` with broadcasting."""
    return elementwise.add(input, _scaled("add", input, other, alpha))


@takes_out()
def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input - alpha * other`` with broadcasting."""
    return elementwise.sub(input, _scaled("sub", input, other, alpha))


@takes_out()
def mul(input: Any, other: Any) -> Tensor:
    """``input * other`` with broadcasting."""
    return elementwise.mul(input, other)


@takes_out()
def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """``input / other``; ``rounding_mode`` ``"trunc"`` rounds toward zero and ``"floor"``
    rounds down, keeping integer dtypes (and then has no gradient)."""
    return _divide(input, other, rounding_mode)


def _divide(input: Any, other: Any, rounding_mode: str | None, derivative: bool = True
            ) -> Tensor:
    if rounding_mode not in ROUNDING_MODES:
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or "
                           f"'floor' but found {rounding_mode!r}")
    if rounding_mode is None:
        return elementwise.div(input, other)
    a, b = operands("div", input, other)
    shape = broadcast_shape("div", a.shape, b.shape)
    x, y = array_of(a), array_of(b)
    if a.dtype.kind in "biu" and b.dtype.kind in "biu":
        if np.any(y == 0) and 0 not in shape:  # (no element to divide: PyTorch's is fine)
            raise RuntimeError("div: ZeroDivisionError (integer division by zero)")
        q = np.floor_divide(x, y)
        if rounding_mode == "trunc":  # floor is one below trunc where signs differ
            q = q + ((np.remainder(x, y) != 0) & ((x < 0) != (y < 0)))
        return wrap(q.astype(np.result_type(x, y)))
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = np.true_divide(x, y)
        q = np.trunc(exact) if rounding_mode == "trunc" else np.floor_divide(x, y)
    q = q.astype(exact.dtype)
    if not (a.requires_grad or b.requires_grad):
        return wrap(q)
    if derivative:  # in the graph with a zero gradient, as PyTorch's div
        return locally_constant(elementwise.add(a, b), q)
    return without_derivative(elementwise.add(a, b), q, "floor_divide")


def rsub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``other - alpha * input``: ``sub`` with the operands swapped."""
    return elementwise.sub(other, _scaled("rsub", other, input, alpha))


@takes_out()
def true_divide(input: Any, other: Any) -> Tensor:
    """``input / other``, always true division."""
    return elementwise.div(input, other)


@takes_out(autograd="record")
def floor_divide(input: Any, other: Any) -> Tensor:
    """``input // other``: division rounded down (as ``div(..., rounding_mode="floor")``,
    but, as in PyTorch, without a derivative: backward through it raises)."""
    return _divide(input, other, "floor", derivative=False)


@takes_out()
def remainder(input: Any, other: Any) -> Tensor:
    """``input % other`` with the sign of ``other`` (Python's rule): the gradient is 1
    for ``input`` and ``-floor(input / other)`` for ``other``, as in PyTorch."""
    a, b = operands("remainder", input, other)
    if a.dtype.kind in "biu" and b.dtype.kind in "biu":
        if np.any(array_of(b) == 0) and 0 not in broadcast_shape("remainder", a.shape, b.shape):
            raise RuntimeError("remainder: ZeroDivisionError (integer division by zero)")
        return wrap(np.remainder(array_of(a), array_of(b)))
    return binary(Remainder, a, b)


@takes_out()
def pow(input: Any, exponent: Any) -> Tensor:
    """``input ** exponent`` elementwise."""
    return elementwise.pow(input, exponent)


@takes_out()
def square(input: Tensor) -> Tensor:
    """``input ** 2`` elementwise (integer tensors stay integer)."""
    return elementwise.pow(input, 2)
