"""Primitives that choose between values: maximum/minimum, clamp and where, and the
comparisons and logical operators (bool results, outside the graph).

Their gradients go to whichever input was chosen: at a tie, maximum and minimum split it
in half; clamp and where pass it to x where x was kept.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function, register
from ..internal import array_of, wrap
from ..tensor import Tensor
from ._util import (as_tensor, binary, broadcast_shape, operands, promoted_dtype,
                    type_name, unary_input)
from .broadcasting import sum_to
from .out_argument import takes_out


@register("locally_constant")
class LocallyConstant(Function):
    """z = c(x), given as an array: a mask, a sign or a share that is constant wherever it
    is differentiable.  dz/dx = 0.

    Backward rules build their masks with it, so a gradient like relu's ``g * (x > 0)``
    stays connected to x, as PyTorch's does: differentiating it again gives zeros instead
    of "does not require grad". With a ``refusal`` (an error type and its message) it
    stands for an op that PyTorch records without a derivative: backward through it raises.
    """

    @staticmethod
    def forward(ctx, x, value, refusal=None):
        ctx.like, ctx.refusal = (x.shape, x.dtype), refusal
        return value

    @staticmethod
    def backward(ctx, g):
        if ctx.refusal is not None:
            error, message = ctx.refusal
            raise error(message)
        shape, dtype = ctx.like
        return wrap(np.zeros(shape, dtype)), None, None


def locally_constant(x: Tensor, value: np.ndarray) -> Tensor:
    """``value`` (computed from x's values) as a tensor connected to x with derivative 0."""
    return LocallyConstant.apply(x, value, None)


def without_derivative(x: Tensor, value: np.ndarray, op: str,
                       error: type[Exception] = RuntimeError) -> Tensor:
    """``value`` (computed from x's values) in x's graph, as PyTorch records an op that
    has no derivative: the result requires grad, and backward through it raises ``error``
    with PyTorch's message for it ("derivative for aten::op is not implemented", or for
    NotImplementedError "the derivative for 'op' is not implemented.")."""
    if error is NotImplementedError:
        refusal = (error, f"the derivative for '{op}' is not implemented.")
    else:
        refusal = (error, f"derivative for aten::{op} is not implemented")
    return LocallyConstant.apply(x, value, refusal)


def _mask(condition: np.ndarray, source: Tensor, dtype: np.dtype) -> Tensor:
    """A 0/1 tensor of ``dtype``, connected to ``source`` with derivative 0."""
    return locally_constant(source, condition.astype(dtype))


class _Extremum(Function):
    """Shared rule of maximum/minimum: the winner gets the gradient, a tie splits it 1/2-1/2."""

    pick = staticmethod(np.maximum)

    @classmethod
    def forward(cls, ctx, x, y):
        ctx.save_for_backward(x, y)
        return cls.pick(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        wins = ctx.function.pick(array_of(x), array_of(y)) == array_of(x)
        share_x = np.where(array_of(x) == array_of(y), 0.5, wins.astype(g.dtype)).astype(g.dtype)
        gx = sum_to(g * wrap(share_x), x.shape) if ctx.needs_input_grad[0] else None
        gy = sum_to(g * wrap(1 - share_x), y.shape) if ctx.needs_input_grad[1] else None
        return gx, gy


@register("maximum")
class Maximum(_Extremum):
    """z = max(x, y) elementwise.  The larger input gets g; at a tie each gets g / 2."""

    pick = staticmethod(np.maximum)


@register("minimum")
class Minimum(_Extremum):
    """z = min(x, y) elementwise.  The smaller input gets g; at a tie each gets g / 2."""

    pick = staticmethod(np.minimum)


@register("clamp")
class Clamp(Function):
    """z = min(max(x, min), max).  dz/dx = 1 where min <= x <= max (bounds included)."""

    @staticmethod
    def forward(ctx, x, min=None, max=None):
        ctx.save_for_backward(x)
        ctx.bounds = min, max
        return np.clip(x, min, max).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        low, high = ctx.bounds
        inside = np.ones(x.shape, dtype=bool)
        if low is not None:
            inside &= array_of(x) >= low
        if high is not None:
            inside &= array_of(x) <= high
        # where, not g * mask: a NaN or inf g where x was clamped still gives 0, as in
        # PyTorch; the zero is a constant, so the gradient is connected to x only through
        # g (PyTorch's clamp gradient of a constant g does not require grad)
        return where(~inside, wrap(np.zeros((), g.dtype)), g), None, None


@register("where")
class Where(Function):
    """z = x where condition else y.  dz/dx = condition, dz/dy = not condition."""

    @staticmethod
    def forward(ctx, condition, x, y):
        ctx.condition = condition
        ctx.shapes = x.shape, y.shape
        return np.where(condition, x, y)

    @staticmethod
    def backward(ctx, g):
        cond = wrap(np.asarray(ctx.condition))
        zero = wrap(np.zeros((), dtype=g.dtype))
        x_shape, y_shape = ctx.shapes
        gx = sum_to(where(cond, g, zero), x_shape) if ctx.needs_input_grad[1] else None
        gy = sum_to(where(cond, zero, g), y_shape) if ctx.needs_input_grad[2] else None
        return None, gx, gy


# --- public functions ------------------------------------------------------------
@takes_out()
def maximum(a: Tensor, b: Tensor) -> Tensor:
    """Elementwise maximum of two tensors; at a tie the gradient is split evenly between
    both inputs."""
    return binary(Maximum, *_two_tensors("maximum", a, b))


@takes_out()
def minimum(a: Tensor, b: Tensor) -> Tensor:
    """Elementwise minimum of two tensors; at a tie the gradient is split evenly between
    both inputs."""
    return binary(Minimum, *_two_tensors("minimum", a, b))


def _two_tensors(op: str, a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """PyTorch's maximum and minimum take tensors only (a number raises a TypeError;
    ``clamp`` is the form that takes numbers)."""
    for name, position, value in (("input", 1, a), ("other", 2, b)):
        if not isinstance(value, Tensor):
            raise TypeError(f"{op}(): argument '{name}' (position {position}) must be "
                            f"Tensor, not {type_name(value)}")
    return a, b


@takes_out("same")
def clamp(x: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Limit ``x`` to ``[min, max]``; the result has the promoted dtype of all three
    (``tensor([-1, 2]).clamp(min=0.5)`` is float32), and the bounds are converted to it
    before comparing, as in PyTorch. Tensor bounds broadcast; where ``min > max`` the
    result is ``max``."""
    x = unary_input("clamp", x)
    if min is None and max is None:
        raise RuntimeError("clamp: At least one of 'min' or 'max' must not be None")
    dtype = promoted_dtype("clamp", x, *(b for b in (min, max) if b is not None))
    if dtype == np.bool_:
        raise NotImplementedError("clamp: not implemented for bool tensors")
    x = as_tensor(x, "clamp", dtype)
    low, high = (None if b is None else as_tensor(b, "clamp", dtype) for b in (min, max))
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return _clamp_by_tensors(x, low, high)
    return Clamp.apply(x, *(None if b is None else array_of(b)[()] for b in (low, high)))


def _clamp_by_tensors(x: Tensor, low: Tensor | None, high: Tensor | None) -> Tensor:
    """clamp with tensor bounds, built from ``where`` rather than maximum/minimum so that
    x keeps the whole gradient at a bound, as with numbers. A NaN in x or in a bound makes
    that element NaN with no gradient to anyone, as in PyTorch."""
    out = x if low is None else where(compare(np.less, x, low), low, x)
    out = out if high is None else where(compare(np.greater, out, high), high, out)
    if out.dtype.kind != "f":
        return out
    nan = np.zeros(out.shape, dtype=bool)
    for t in (x, low, high):
        if t is not None:
            nan |= np.isnan(array_of(t))
    if not nan.any():
        return out
    return where(wrap(nan), wrap(np.full(out.shape, np.nan, out.dtype)), out)


@takes_out("same")
def clamp_min(input: Tensor, min: Any) -> Tensor:
    """``clamp(input, min=min)``."""
    return clamp(input, min=min)


@takes_out("same")
def clamp_max(input: Tensor, max: Any) -> Tensor:
    """``clamp(input, max=max)``."""
    return clamp(input, max=max)


_MISSING: Any = object()


@takes_out("same")
def where(condition: Any, x: Any = _MISSING, y: Any = _MISSING) -> Any:
    """Pick from ``x`` where ``condition`` is true and from ``y`` elsewhere; ``x`` and
    ``y`` are promoted to one dtype. ``where(condition)`` alone is
    ``nonzero(condition, as_tuple=True)``: one index tensor per dim."""
    if x is _MISSING and y is _MISSING and isinstance(condition, Tensor):
        cond = array_of(condition)
        return tuple(wrap(i.astype(np.int64)) for i in np.nonzero(cond.reshape(-1) if
                                                                   cond.ndim == 0 else cond))
    if x is _MISSING or y is _MISSING:
        raise TypeError("where() expected a condition and two values (x and y), or the "
                        "condition alone")
    if isinstance(condition, Tensor):
        cond = array_of(condition)
    elif isinstance(condition, (bool, np.bool_, np.ndarray)):
        cond = np.asarray(condition)
    else:
        raise TypeError(f"where: condition must be a minigrad.Tensor, not "
                        f"{type_name(condition)}")
    if cond.dtype != np.bool_:
        raise RuntimeError(f"where: expected condition to be a boolean tensor, but got a "
                           f"tensor with dtype {cond.dtype}")
    x, y = operands("where", x, y)
    broadcast_shape("where", cond.shape, x.shape, y.shape)
    return Where.apply(cond, x, y)


def compare(ufunc: np.ufunc, a: Any, b: Any) -> Tensor:
    """A comparison (``==``, ``<``, ...): a bool tensor, outside the graph. The operands
    are promoted first (``tensor([1, 2]) < 1.5`` compares as floats)."""
    a, b = operands(ufunc.__name__, a, b)
    broadcast_shape(ufunc.__name__, a.shape, b.shape)
    return wrap(ufunc(array_of(a), array_of(b)))


def bitwise(ufunc: np.ufunc, a: Any, b: Any) -> Tensor:
    """``&``, ``|``, ``^`` of bool or integer tensors (logical for bool, bitwise for
    integers), outside the graph, as in PyTorch."""
    a, b = operands(ufunc.__name__, a, b)
    if a.dtype.kind == "f":  # PyTorch's NotImplementedError ("... for 'Float'")
        raise NotImplementedError(f"{ufunc.__name__}: only integer and bool tensors are "
                                  f"supported, got {a.dtype}")
    broadcast_shape(ufunc.__name__, a.shape, b.shape)
    return wrap(ufunc(array_of(a), array_of(b)))


@takes_out()
def bitwise_and(input: Tensor, other: Any) -> Tensor:
    """``input & other``: logical for bool tensors, bitwise for integers."""
    return bitwise(np.bitwise_and, input, other)


@takes_out()
def bitwise_or(input: Tensor, other: Any) -> Tensor:
    """``input | other``: logical for bool tensors, bitwise for integers."""
    return bitwise(np.bitwise_or, input, other)


@takes_out()
def bitwise_xor(input: Tensor, other: Any) -> Tensor:
    """``input ^ other``: logical for bool tensors, bitwise for integers."""
    return bitwise(np.bitwise_xor, input, other)


def _shift(op: str, left: bool, a: Any, b: Any) -> Tensor:
    """``a << b`` or ``a >> b`` of integer tensors, outside the graph. As in PyTorch, a
    shift that is negative or not less than the bit width gives 0 (a right shift of a
    negative number, -1) instead of C's undefined result."""
    a, b = operands(op, a, b)
    if a.dtype.kind not in "iu" or b.dtype.kind not in "iu":
        bad = a.dtype if a.dtype.kind not in "iu" else b.dtype
        raise NotImplementedError(f"{op}: only integer tensors are supported, got {bad}")
    broadcast_shape(op, a.shape, b.shape)
    x, s = array_of(a), array_of(b)
    bits = x.dtype.itemsize * 8
    inside = (s >= 0) & (s < bits)
    safe = np.where(inside, s, 0).astype(x.dtype)
    if left:
        return wrap(np.where(inside, np.left_shift(x, safe), 0).astype(x.dtype))
    fill = np.where(x < 0, -1, 0) if x.dtype.kind == "i" else 0
    return wrap(np.where(inside, np.right_shift(x, safe), fill).astype(x.dtype))


@takes_out()
def bitwise_left_shift(input: Any, other: Any) -> Tensor:
    """``input << other``, elementwise, for integer tensors (or one tensor and a number)."""
    return _shift("bitwise_left_shift", True, input, other)


@takes_out()
def bitwise_right_shift(input: Any, other: Any) -> Tensor:
    """``input >> other``, elementwise, for integer tensors: an arithmetic shift (the sign
    is kept) for signed ones."""
    return _shift("bitwise_right_shift", False, input, other)


@takes_out("same")
def bitwise_not(x: Tensor) -> Tensor:
    """Logical not of a bool tensor, bitwise not of an integer one; no gradient. (The
    operator ``~`` refuses a float tensor with TypeError, this function with
    NotImplementedError, as in PyTorch.)"""
    x = unary_input("bitwise_not", x)
    if x.dtype.kind == "f":
        raise NotImplementedError(f"bitwise_not: \"bitwise_not_cpu\" not implemented for "
                                  f"{x.dtype} tensors")
    return wrap(np.invert(array_of(x)))
