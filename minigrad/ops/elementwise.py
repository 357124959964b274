"""Elementwise primitives: arithmetic, unary math and casts (choosing between values is in
``selection.py``).

Binary primitives broadcast with NumPy's rules; their backward sums each gradient back to
its input's shape with ``sum_to``. Each backward is written with minigrad operations, so it
can be differentiated again.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function, register
from ..dtypes import get_default_dtype, is_number
from ..internal import array_of, wrap
from ..tensor import Tensor
from ._util import (as_tensor, binary, broadcast_shape, float_input, int_power, operands,
                    promoted_dtype, type_name, unary_input, zero_where)
from .out_argument import takes_out
from .broadcasting import sum_to, sum_to_array
from .selection import _mask, locally_constant, where  # noqa: F401


@register("add")
class Add(Function):
    """z = x + y.  dz/dx = 1, dz/dy = 1."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.shapes = x.shape, y.shape
        return x + y

    @staticmethod
    def backward(ctx, g):
        x_shape, y_shape = ctx.shapes
        return sum_to(g, x_shape), sum_to(g, y_shape)

    @staticmethod
    def backward_arrays(ctx, g):
        x_shape, y_shape = ctx.shapes
        return sum_to_array(g, x_shape), sum_to_array(g, y_shape)


@register("sub")
class Sub(Function):
    """z = x - y.  dz/dx = 1, dz/dy = -1."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.shapes = x.shape, y.shape
        return x - y

    @staticmethod
    def backward(ctx, g):
        x_shape, y_shape = ctx.shapes
        return sum_to(g, x_shape), sum_to(-g, y_shape) if ctx.needs_input_grad[1] else None

    @staticmethod
    def backward_arrays(ctx, g):
        x_shape, y_shape = ctx.shapes
        gy = sum_to_array(np.negative(g), y_shape) if ctx.needs_input_grad[1] else None
        return sum_to_array(g, x_shape), gy


@register("mul")
class Mul(Function):
    """z = x * y.  dz/dx = y, dz/dy = x."""

    @staticmethod
    def forward(ctx, x, y):
        # Keep only what a needed gradient reads (as PyTorch does), so that changing the
        # other operand in place later does not block backward.
        needs_x, needs_y = ctx.needs_input_grad
        ctx.save_for_backward(x if needs_y else None, y if needs_x else None)
        ctx.shapes = x.shape, y.shape
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        x_shape, y_shape = ctx.shapes
        gx = sum_to(g * y, x_shape) if ctx.needs_input_grad[0] else None
        gy = sum_to(g * x, y_shape) if ctx.needs_input_grad[1] else None
        return gx, gy

    @staticmethod
    def backward_arrays(ctx, g):
        x, y = ctx.saved_arrays
        x_shape, y_shape = ctx.shapes
        gx = sum_to_array(g * y, x_shape) if ctx.needs_input_grad[0] else None
        gy = sum_to_array(g * x, y_shape) if ctx.needs_input_grad[1] else None
        return gx, gy


@register("div")
class Div(Function):
    """z = x / y.  dz/dx = 1 / y, dz/dy = -x / y**2 (as PyTorch, -(x / y) / y: y**2 can
    underflow to 0 where y itself does not)."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x if ctx.needs_input_grad[1] else None, y)
        ctx.shapes = x.shape, y.shape
        return x / y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        x_shape, y_shape = ctx.shapes
        gx = sum_to(g / y, x_shape) if ctx.needs_input_grad[0] else None
        gy = sum_to(-g * (x / y / y), y_shape) if ctx.needs_input_grad[1] else None
        return gx, gy

    @staticmethod
    def backward_arrays(ctx, g):
        x, y = ctx.saved_arrays
        x_shape, y_shape = ctx.shapes
        gx = sum_to_array(g / y, x_shape) if ctx.needs_input_grad[0] else None
        gy = sum_to_array(-g * (x / y / y), y_shape) if ctx.needs_input_grad[1] else None
        return gx, gy


@register("pow")
class Pow(Function):
    """z = x ** y.  dz/dx = y * x**(y-1) (0 where y = 0), dz/dy = z * log(x)."""

    @staticmethod
    def forward(ctx, x, y):
        out = np.power(x, y) if x.dtype.kind == "f" else int_power(x, y)
        ctx.save_for_backward(x, y, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, y, out = ctx.saved_tensors
        gx = sum_to(_pow_base_rule(g, x, y), x.shape) if ctx.needs_input_grad[0] else None
        gy = sum_to(g * _pow_exponent_rule(x, y, out), y.shape) \
            if ctx.needs_input_grad[1] else None
        return gx, gy


def _pow_base_rule(g: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """g (y x**(y-1)), taken as 0 where y = 0 (there z is the constant 1, and PyTorch gives
    0 rather than 0 * x**-1, which is NaN at x = 0)."""
    zero = np.broadcast_to(array_of(y) == 0, g.shape)
    return where(zero, 0.0, g * (y * x ** (y - 1)))


def _pow_exponent_rule(x: Tensor, y: Tensor, out: Tensor) -> Tensor:
    """dz/dy = z log(x), taken as 0 where x = 0 and y >= 0 (there z is constant 0 or 1 in
    y, and PyTorch gives 0 rather than 0 * -inf = nan)."""
    flat = wrap((array_of(x) == 0) & (array_of(y) >= 0))
    return where(flat, wrap(np.zeros((), out.dtype)), out * log(x))


@register("neg")
class Neg(Function):
    """z = -x.  dz/dx = -1."""

    @staticmethod
    def forward(ctx, x):
        return np.negative(x)

    @staticmethod
    def backward(ctx, g):
        return -g

    @staticmethod
    def backward_arrays(ctx, g):
        return np.negative(g)


@register("exp")
class Exp(Function):
    """z = exp(x).  dz/dx = z."""

    @staticmethod
    def forward(ctx, x):
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out

    @staticmethod
    def backward_arrays(ctx, g):
        (out,) = ctx.saved_arrays
        return g * out


@register("log")
class Log(Function):
    """z = log(x).  dz/dx = 1 / x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / x

    @staticmethod
    def backward_arrays(ctx, g):
        (x,) = ctx.saved_arrays
        return g / x


@register("sqrt")
class Sqrt(Function):
    """z = sqrt(x).  dz/dx = 1 / (2 z)."""

    @staticmethod
    def forward(ctx, x):
        out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g / (2 * out)


@register("sin")
class Sin(Function):
    """z = sin(x).  dz/dx = cos(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * cos(x)


@register("cos")
class Cos(Function):
    """z = cos(x).  dz/dx = -sin(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return -g * sin(x)


@register("tanh")
class Tanh(Function):
    """z = tanh(x).  dz/dx = 1 - z**2."""

    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (1 - out * out)

    @staticmethod
    def backward_arrays(ctx, g):
        (out,) = ctx.saved_arrays
        return g * (1 - out * out)


@register("sigmoid")
class Sigmoid(Function):
    """z = 1 / (1 + exp(-x)).  dz/dx = z (1 - z)."""

    @staticmethod
    def forward(ctx, x):
        # exp(-log(1 + exp(-x))) never overflows, for either sign of x.
        out = np.exp(-np.logaddexp(0, -x)).astype(x.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out * (1 - out)

    @staticmethod
    def backward_arrays(ctx, g):
        (out,) = ctx.saved_arrays
        return g * out * (1 - out)


@register("relu")
class ReLU(Function):
    """z = max(x, 0).  dz/dx = 0 where z <= 0 (0 at x = 0, as in PyTorch), else 1."""

    torch_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, x):
        out = np.maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        # where, not g * mask: an inf or NaN g where out <= 0 still gives 0, and a NaN out
        # passes g on, as in PyTorch. The zero is connected to out (derivative 0).
        (out,) = ctx.saved_tensors
        return where(array_of(out) <= 0, locally_constant(out, np.zeros((), g.dtype)), g)

    @staticmethod
    def backward_arrays(ctx, g):
        (out,) = ctx.saved_arrays
        return zero_where(g, out <= 0)


@register("abs")
class Abs(Function):
    """z = |x|.  dz/dx = sign(x) (0 at x = 0, and at NaN as in PyTorch)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        a = array_of(x)
        return g * locally_constant(x, np.where(np.isnan(a), 0, np.sign(a)).astype(a.dtype))


@register("cast")
class Cast(Function):
    """z = x converted to another dtype.  dz/dx = 1, cast back to x's dtype."""

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.source = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        return cast(g, ctx.source), None


@register("clone")
class Clone(Function):
    """z = a copy of x.  dz/dx = 1."""

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        return g


# --- public functions --------------------------------------------------------------------
def add(a: Any, b: Any) -> Tensor:
    """Elementwise ``a + b`` with broadcasting."""
    return binary(Add, a, b)


def sub(a: Any, b: Any) -> Tensor:
    """Elementwise ``a - b`` with broadcasting."""
    bools = [isinstance(v, (bool, np.bool_)) or getattr(v, "dtype", None) == np.bool_
             for v in (a, b)]
    if all(bools):
        raise RuntimeError("sub: Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if any(bools):
        raise RuntimeError("sub: Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")
    return binary(Sub, a, b)


def mul(a: Any, b: Any) -> Tensor:
    """Elementwise ``a * b`` with broadcasting."""
    return binary(Mul, a, b)


def div(a: Any, b: Any) -> Tensor:
    """Elementwise true division ``a / b``; integer inputs give the default float dtype.

    Integer operands are converted to float from their own values (``uint8 tensor / -1``
    divides by -1.0, not by the uint8 255), as in PyTorch.
    """
    dtype = promoted_dtype("div", a, b)
    if dtype.kind != "f":
        dtype = get_default_dtype()
    return binary(Div, as_tensor(a, "div", dtype), as_tensor(b, "div", dtype))


def pow(a: Any, b: Any) -> Tensor:
    """Elementwise ``a ** b``; the exponent may be a tensor."""
    if isinstance(a, Tensor) and a.dtype.kind in "biu" and is_number(b) \
            and not isinstance(b, (float, np.floating)) and b < 0:
        raise RuntimeError("pow: Integers to negative integer powers are not allowed.")
    return binary(Pow, a, b)


@takes_out("same")
def neg(x: Tensor) -> Tensor:
    """``-x``."""
    if unary_input("neg", x).dtype == np.bool_:
        raise RuntimeError("neg: Negation, the `-` operator, on a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")
    return Neg.apply(x)


def positive(input: Tensor) -> Tensor:
    """``+input``: the tensor itself (a bool tensor raises, as in PyTorch)."""
    if unary_input("positive", input).dtype == np.bool_:
        raise RuntimeError("positive: The `+` operator, on a bool tensor is not supported.")
    return input


@takes_out()
def exp(x: Tensor) -> Tensor:
    """``e ** x``."""
    return Exp.apply(float_input("exp", x))


@takes_out()
def log(x: Tensor) -> Tensor:
    """Natural logarithm."""
    return Log.apply(float_input("log", x))


@takes_out()
def sqrt(x: Tensor) -> Tensor:
    """Square root."""
    return Sqrt.apply(float_input("sqrt", x))


@takes_out()
def sin(x: Tensor) -> Tensor:
    """Sine."""
    return Sin.apply(float_input("sin", x))


@takes_out()
def cos(x: Tensor) -> Tensor:
    """Cosine."""
    return Cos.apply(float_input("cos", x))


@takes_out()
def tanh(x: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return Tanh.apply(float_input("tanh", x))


@takes_out()
def sigmoid(x: Tensor) -> Tensor:
    """``1 / (1 + exp(-x))``, computed without overflow."""
    return Sigmoid.apply(float_input("sigmoid", x))


def relu(x: Tensor) -> Tensor:
    """``max(x, 0)``; the gradient at 0 is 0."""
    if unary_input("relu", x).dtype == np.bool_:
        raise RuntimeError("relu: Boolean inputs not supported for relu")
    return ReLU.apply(x)


@takes_out("same")
def abs(x: Tensor) -> Tensor:
    """``|x|``; the gradient at 0 is 0."""
    if unary_input("abs", x).dtype == np.bool_:
        raise NotImplementedError("abs: not implemented for bool tensors")
    return Abs.apply(x)


def clone(x: Tensor) -> Tensor:
    """A copy of ``x`` that stays in the graph."""
    return Clone.apply(unary_input("clone", x))


def cast(x: Tensor, dtype: Any) -> Tensor:
    return Cast.apply(x, np.dtype(dtype))
