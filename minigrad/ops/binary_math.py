"""Binary math with PyTorch's names: ``atan2``, ``hypot``, ``logaddexp``, ``logaddexp2``,
``xlogy``, ``xlog1py``, ``fmod``, ``copysign``, ``fmax`` and ``fmin`` as primitives;
``addcdiv`` (a primitive, for PyTorch's gradient formulas); ``heaviside``, ``nextafter``,
``gcd`` and ``lcm`` (no gradient); and ``ldexp``, ``float_power``, ``lerp`` and ``addcmul``, built from
the arithmetic primitives.

The operands broadcast and promote as in PyTorch. Which operands may be numbers, and which
dtypes each function accepts, is PyTorch's too: ``atan2``, ``hypot`` and ``logaddexp``
take two tensors, ``xlogy`` and ``fmod`` also take numbers. Gradient rules are PyTorch's
formulas, with its values at (0, 0): ``atan2`` gives 0, ``hypot`` NaN, and ``xlogy`` gives
x the gradient 0 there.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function, register
from ..dtypes import get_default_dtype
from ..internal import array_of, wrap
from ..tensor import Tensor
from . import elementwise
from ._util import (as_tensor, binary, broadcast_shape, operands, promoted_dtype,
                    type_name)
from .broadcasting import sum_to
from .out_argument import takes_out
from .pointwise import Pointwise
from .selection import locally_constant, where, without_derivative
from .unary_math import exp2, log1p, reciprocal


@register("atan2")
class Atan2(Pointwise):
    """z = atan2(x, y), the angle of the point (y, x).  dz/dx = y / (x**2 + y**2),
    dz/dy = -x / (x**2 + y**2) (both 0 at (0, 0), as in PyTorch)."""

    compute = staticmethod(np.arctan2)
    saves = "xy"
    # r = 1 / (x**2 + y**2), 0 where x**2 + y**2 is 0: made once and shared by both rules
    # (in the z slot), as PyTorch shares it, so that second derivatives add up the same way.
    rules = (lambda g, x, y, r: g * y * r, lambda g, x, y, r: g * -x * r)

    @staticmethod
    def prepare(x: Tensor, y: Tensor, z: None) -> tuple[Tensor, Tensor, Tensor]:
        squares = x * x + y * y
        return x, y, where(array_of(squares) == 0, 0.0, reciprocal(squares))


@register("hypot")
class Hypot(Pointwise):
    """z = sqrt(x**2 + y**2).  dz/dx = x / z, dz/dy = y / z (NaN at (0, 0))."""

    compute = staticmethod(np.hypot)
    saves = "xyz"
    rules = (lambda g, x, y, z: g * x / z, lambda g, x, y, z: g * y / z)


@register("nextafter")
class Nextafter(Pointwise):
    """z = the next float after x towards y.  dz/dx = 1 where x != y (else 0), dz/dy = 0:
    a step of one unit in the last place counts as a constant, as in PyTorch."""

    compute = staticmethod(np.nextafter)
    saves = "xy"
    rules = (lambda g, x, y, z: where(array_of(x) != array_of(y), g, 0.0),
             lambda g, x, y, z: locally_constant(g, np.zeros(g.shape, g.dtype)))


@register("logaddexp")
class Logaddexp(Pointwise):
    """z = log(exp(x) + exp(y)), without overflow.  dz/dx = 1 / (1 + exp(y - x)),
    dz/dy = 1 / (1 + exp(x - y))."""

    compute = staticmethod(np.logaddexp)
    saves = "xy"
    rules = (lambda g, x, y, z: g / (1 + elementwise.exp(y - x)),
             lambda g, x, y, z: g / (1 + elementwise.exp(x - y)))


@register("logaddexp2")
class Logaddexp2(Pointwise):
    """z = log2(2**x + 2**y), without overflow.  dz/dx = 1 / (1 + 2**(y - x)),
    dz/dy = 1 / (1 + 2**(x - y))."""

    compute = staticmethod(np.logaddexp2)
    saves = "xy"
    rules = (lambda g, x, y, z: g / (1 + exp2(y - x)),
             lambda g, x, y, z: g / (1 + exp2(x - y)))


def _no_gradient(g: Tensor, x: Tensor, y: Tensor, z: Tensor) -> Tensor:
    """Zeros, outside the graph (PyTorch's ``zeros_like``): the operand changes nothing
    but a sign, which is locally constant."""
    return wrap(np.zeros(g.shape, g.dtype))


def _copysign_rule(g: Tensor, x: Tensor, y: Tensor, z: Tensor) -> Tensor:
    """g z / x: +-1 as the sign was kept or flipped, and 0 where x = 0 (PyTorch's)."""
    return g * where(np.broadcast_to(array_of(x) == 0, z.shape), 0.0, z / x)


@register("copysign")
class Copysign(Pointwise):
    """z = |x| with the sign of y.  dz/dx = z / x (0 at x = 0), dz/dy = 0."""

    compute = staticmethod(np.copysign)
    saves = "xz"
    rules = (_copysign_rule, _no_gradient)


class _IgnoringNan(Pointwise):
    """Shared rule of fmax and fmin: x gets g where it is kept (it wins, ties, or y is
    NaN), y gets g elsewhere."""

    saves = "xy"
    keeps_x = staticmethod(np.greater_equal)  # x wins or ties
    rules = (lambda g, x, y, kept: where(kept, g, 0.0),
             lambda g, x, y, kept: where(kept, 0.0, g))

    @classmethod
    def prepare(cls, x: Tensor, y: Tensor, z: None) -> tuple[Tensor, Tensor, np.ndarray]:
        a, b = array_of(x), array_of(y)
        return x, y, cls.keeps_x(a, b) | np.isnan(b)


@register("fmax")
class Fmax(_IgnoringNan):
    """z = max(x, y), ignoring a NaN in either.  dz/dx = 1 where x >= y or y is NaN,
    dz/dy = 1 elsewhere (x gets all of it at a tie, as in PyTorch)."""

    compute = staticmethod(np.fmax)
    keeps_x = staticmethod(np.greater_equal)


@register("fmin")
class Fmin(_IgnoringNan):
    """z = min(x, y), ignoring a NaN in either.  dz/dx = 1 where x <= y or y is NaN,
    dz/dy = 1 elsewhere (x gets all of it at a tie, as in PyTorch)."""

    compute = staticmethod(np.fmin)
    keeps_x = staticmethod(np.less_equal)


def _xlogy_array(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x * log(y), 0 where x = 0 (even for y = 0 or inf), NaN where y is NaN."""
    out = x * np.log(y)
    return np.where((x == 0) & ~np.isnan(y), np.zeros((), out.dtype), out)


def _xlogy_x_rule(g: Tensor, x: Tensor, y: Tensor, z: None) -> Tensor:
    """g log(y), filled with 0 where x = 0 and y <= 0 (where z is the constant 0 * log(0)),
    as PyTorch's masked_fill."""
    flat = (array_of(x) == 0) & (array_of(y) <= 0)
    return where(np.broadcast_to(flat, g.shape), 0.0, g * elementwise.log(y))


@register("xlogy")
class Xlogy(Pointwise):
    """z = x log(y), 0 where x = 0 (unless y is NaN).  dz/dx = log(y) (0 where x = 0 and
    y <= 0), dz/dy = x / y."""

    compute = staticmethod(_xlogy_array)
    saves = "xy"
    rules = (_xlogy_x_rule, lambda g, x, y, z: g * x / y)


def _xlog1py_array(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x * log1p(y), 0 where x = 0 (even for y = -1 or inf), NaN where y is NaN."""
    out = x * np.log1p(y)
    return np.where((x == 0) & ~np.isnan(y), np.zeros((), out.dtype), out)


def _xlog1py_x_rule(g: Tensor, x: Tensor, y: Tensor, z: None) -> Tensor:
    """g log1p(y), filled with 0 where x = 0 and y <= -1, as for xlogy."""
    flat = (array_of(x) == 0) & (array_of(y) <= -1)
    return where(np.broadcast_to(flat, g.shape), 0.0, g * log1p(y))


@register("xlog1py")
class Xlog1py(Pointwise):
    """z = x log(1 + y), 0 where x = 0 (unless y is NaN).  dz/dx = log(1 + y) (0 where
    x = 0 and y <= -1), dz/dy = x / (1 + y)."""

    compute = staticmethod(_xlog1py_array)
    saves = "xy"
    rules = (_xlog1py_x_rule, lambda g, x, y, z: g * x / (y + 1))


def _minus_quotient_rule(quotient: Any) -> Any:
    """The rule for y of a remainder: -g q(x, y), as PyTorch's ``-grad * self.div(other,
    rounding_mode=...)``. The quotient is connected to x and y with derivative 0 (not NaN
    where y = 0)."""
    def rule(g: Tensor, x: Tensor, y: Tensor, z: None) -> Tensor:
        with np.errstate(all="ignore"):
            q = quotient(array_of(x), array_of(y))
        return -g * (locally_constant(x, q) + locally_constant(y, np.zeros_like(q)))
    return rule


@register("fmod")
class Fmod(Pointwise):
    """z = x - y trunc(x / y), with the sign of x.  dz/dx = 1, dz/dy = -trunc(x / y)."""

    compute = staticmethod(np.fmod)
    saves = "xy"
    rules = (lambda g, x, y, z: g, _minus_quotient_rule(lambda x, y: np.trunc(x / y)))


def _remainder_array(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """fmod moved into y's sign, as PyTorch computes it: ``5 % inf`` is 5 and ``-5 % inf``
    is inf (NumPy's remainder gives NaN for both), and a zero keeps x's sign."""
    r = np.fmod(x, y)
    return np.where((r != 0) & ((r < 0) != (y < 0)), r + y, r)


@register("remainder")
class Remainder(Pointwise):
    """z = x - y floor(x / y), with the sign of y.  dz/dx = 1, dz/dy = -floor(x / y)."""

    compute = staticmethod(_remainder_array)
    saves = "xy"
    rules = (lambda g, x, y, z: g, _minus_quotient_rule(np.floor_divide))


# --- public functions --------------------------------------------------------------------
def _tensors(op: str, input: Any, other: Any, name: str = "other") -> None:
    """PyTorch's ``TypeError`` when ``input`` or ``other`` is not a Tensor."""
    for label, value in (("input", input), (name, other)):
        if not isinstance(value, Tensor):
            raise TypeError(f"{op}: argument '{label}' must be a minigrad.Tensor, not "
                            f"{type_name(value)}")


def _float_operands(op: str, input: Any, other: Any) -> tuple[Tensor, Tensor]:
    """The operands promoted, and then made the default float dtype if not float."""
    dtype = promoted_dtype(op, input, other)
    if dtype.kind != "f":
        dtype = get_default_dtype()
    a, b = as_tensor(input, op, dtype), as_tensor(other, op, dtype)
    broadcast_shape(op, a.shape, b.shape)
    return a, b


def _float_only(op: str, input: Tensor, other: Tensor) -> tuple[Tensor, Tensor]:
    """The operands promoted; PyTorch's NotImplementedError if that is not a float dtype."""
    a, b = operands(op, input, other)
    if a.dtype.kind != "f":
        raise NotImplementedError(f"{op}: not implemented for {a.dtype} tensors")
    broadcast_shape(op, a.shape, b.shape)
    return a, b


@takes_out()
def atan2(input: Tensor, other: Tensor) -> Tensor:
    """The angle ``atan(input / other)`` of the point ``(other, input)``, in [-pi, pi],
    taking the signs of both into account (integer inputs give the default float dtype)."""
    _tensors("atan2", input, other)
    return Atan2.apply(*_float_operands("atan2", input, other))


@takes_out()
def hypot(input: Tensor, other: Tensor) -> Tensor:
    """``sqrt(input**2 + other**2)`` without overflow; float tensors only."""
    _tensors("hypot", input, other)
    return Hypot.apply(*_float_only("hypot", input, other))


@takes_out()
def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    """``log(exp(input) + exp(other))`` without overflow; float tensors only."""
    _tensors("logaddexp", input, other)
    return Logaddexp.apply(*_float_only("logaddexp", input, other))


@takes_out()
def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    """``log2(2**input + 2**other)`` without overflow; float tensors only."""
    _tensors("logaddexp2", input, other)
    return Logaddexp2.apply(*_float_only("logaddexp2", input, other))


@takes_out()
def copysign(input: Tensor, other: Any) -> Tensor:
    """``|input|`` with the sign of ``other`` (a tensor or a number; -0.0 counts as
    negative). Integer inputs give the default float dtype."""
    if not isinstance(input, Tensor):
        raise TypeError(f"copysign: argument 'input' must be a minigrad.Tensor, not "
                        f"{type_name(input)}")
    return Copysign.apply(*_float_operands("copysign", input, other))


@takes_out()
def fmax(input: Tensor, other: Tensor) -> Tensor:
    """The elementwise maximum, where a NaN loses to a number (``maximum`` propagates
    NaN); at a tie the gradient goes to ``input``."""
    _tensors("fmax", input, other)
    return binary(Fmax, input, other)


@takes_out()
def fmin(input: Tensor, other: Tensor) -> Tensor:
    """The elementwise minimum, where a NaN loses to a number (``minimum`` propagates
    NaN); at a tie the gradient goes to ``input``."""
    _tensors("fmin", input, other)
    return binary(Fmin, input, other)


@takes_out("same")
def float_power(input: Any, exponent: Any) -> Tensor:
    """``input ** exponent`` computed in float64, whatever the dtypes (as PyTorch's)."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError(f"float_power: expected a minigrad.Tensor, got {type_name(input)} "
                        f"and {type_name(exponent)}")
    return elementwise.pow(*(as_tensor(v, "float_power", np.dtype(np.float64))
                             for v in (input, exponent)))


@takes_out()
def xlogy(input: Any, other: Any) -> Tensor:
    """``input * log(other)``, 0 where ``input`` is 0 (unless ``other`` is NaN).

    Either argument may be a number; integer inputs give the default float dtype.
    """
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"xlogy: expected a minigrad.Tensor, got {type_name(input)} and "
                        f"{type_name(other)}")
    return Xlogy.apply(*_float_operands("xlogy", input, other))


@takes_out()
def xlog1py(input: Any, other: Any) -> Tensor:
    """``input * log1p(other)``, 0 where ``input`` is 0 (unless ``other`` is NaN)
    (``torch.special.xlog1py``)."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"xlog1py: expected a minigrad.Tensor, got {type_name(input)} and "
                        f"{type_name(other)}")
    return Xlog1py.apply(*_float_operands("xlog1py", input, other))


@takes_out("same")
def ldexp(input: Tensor, other: Tensor) -> Tensor:
    """``input * 2**other`` (integer inputs give the default float dtype)."""
    _tensors("ldexp", input, other)
    out = elementwise.mul(input, elementwise.pow(2.0, other))  # as PyTorch composes it
    dtype = promoted_dtype("ldexp", input, other)  # in the operands' float dtype, if any
    return out.to(dtype) if dtype.kind == "f" and out.dtype != dtype else out


def _integers(op: str, ufunc: np.ufunc, input: Tensor, other: Tensor) -> Tensor:
    """``ufunc`` of two integer tensors, outside the graph (PyTorch's error otherwise)."""
    _tensors(op, input, other)
    a, b = operands(op, input, other)
    if a.dtype.kind not in "iu":
        raise NotImplementedError(f"{op}: not implemented for {a.dtype} tensors")
    broadcast_shape(op, a.shape, b.shape)
    return wrap(ufunc(array_of(a), array_of(b)))


@takes_out()
def nextafter(input: Tensor, other: Tensor) -> Tensor:
    """The next float after ``input`` in the direction of ``other``, in their dtype (the
    gradient passes to ``input``, as in PyTorch; see `Nextafter`)."""
    _tensors("nextafter", input, other)
    a, b = operands("nextafter", input, other)
    if a.dtype.kind != "f":
        raise NotImplementedError(f"nextafter: not implemented for {a.dtype} tensors")
    broadcast_shape("nextafter", a.shape, b.shape)
    return Nextafter.apply(a, b)


@takes_out()
def gcd(input: Tensor, other: Tensor) -> Tensor:
    """The greatest common divisor of integer tensors (non-negative; gcd(0, 0) = 0)."""
    return _integers("gcd", np.gcd, input, other)


@takes_out()
def lcm(input: Tensor, other: Tensor) -> Tensor:
    """The least common multiple of integer tensors (non-negative; 0 if either is 0)."""
    return _integers("lcm", np.lcm, input, other)


@takes_out()
def fmod(input: Tensor, other: Any) -> Tensor:
    """The remainder of ``input / other`` with the sign of ``input`` (C's ``fmod``; see
    ``remainder`` for the sign of ``other``). Integer tensors stay integer, and dividing
    them by 0 raises, as in PyTorch."""
    if not isinstance(input, Tensor):
        raise TypeError(f"fmod: argument 'input' must be a minigrad.Tensor, not "
                        f"{type_name(input)}")
    a, b = operands("fmod", input, other)
    if a.dtype == np.bool_:
        raise NotImplementedError("fmod: not implemented for bool tensors")
    if a.dtype.kind in "iu" and np.any(array_of(b) == 0) and a.numel():
        raise RuntimeError("fmod: ZeroDivisionError (integer division by zero)")
    return binary(Fmod, a, b)


@takes_out("same", autograd="record")
def heaviside(input: Tensor, values: Tensor) -> Tensor:
    """The step function: 0 where ``input < 0``, ``values`` where ``input == 0``, 1 where
    ``input > 0`` (and 0 at NaN). Both tensors must have one dtype. As in PyTorch, the
    result has no derivative: it requires grad when an input does, and backward through
    it raises."""
    _tensors("heaviside", input, values, "values")
    if input.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different "
                           f"dtypes ({input.dtype} and {values.dtype}).")
    broadcast_shape("heaviside", input.shape, values.shape)
    x, v = array_of(input), array_of(values)
    step = np.where(x == 0, v, x > 0).astype(input.dtype, copy=False)
    if input.requires_grad or values.requires_grad:
        return without_derivative(elementwise.add(input, values), step, "heaviside")
    return wrap(step)


@takes_out()
def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """Linear interpolation ``input + weight * (end - input)``.

    As in PyTorch, ``input + weight * diff`` is used where ``|weight| < 0.5`` and
    ``end - diff * (1 - weight)`` elsewhere, so that ``weight = 1`` gives ``end`` exactly.
    ``input`` and ``end`` (and a ``weight`` tensor with dimensions) must be float tensors
    of one dtype; a 0-d ``weight`` may have any dtype, as a number.
    """
    _tensors("lerp", input, end, "end")
    if isinstance(weight, Tensor) and weight.ndim == 0:  # any dtype, as a number would be
        weight = as_tensor(weight, "lerp", input.dtype)
    for name, value in (("end", end), ("weight", weight)):
        if isinstance(value, Tensor) and value.dtype != input.dtype:
            raise RuntimeError(f"lerp: expected dtype {input.dtype} for `{name}` but got "
                               f"dtype {value.dtype}")
    if input.dtype.kind != "f":
        raise NotImplementedError(f"lerp: not implemented for {input.dtype} tensors")
    broadcast_shape("lerp", input.shape, end.shape,
                    weight.shape if isinstance(weight, Tensor) else ())
    diff = end - input
    if not isinstance(weight, Tensor):
        return input + weight * diff if abs(weight) < 0.5 else end - diff * (1 - weight)
    small = np.abs(array_of(weight)) < 0.5
    return where(small, input + weight * diff, end - diff * (1 - weight))


def _fused_operands(op: str, input: Tensor, tensor1: Tensor, tensor2: Tensor, value: Any
                    ) -> tuple[Tensor, Tensor, Tensor, Any]:
    """The three tensors in their promoted dtype, and ``value`` (truncated to an int for
    integer tensors, as PyTorch does), after PyTorch's checks."""
    for name, t in (("input", input), ("tensor1", tensor1), ("tensor2", tensor2)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: argument '{name}' must be a minigrad.Tensor, not "
                            f"{type_name(t)}")
    dtype = promoted_dtype(op, input, tensor1, tensor2)
    if dtype == np.bool_:
        raise NotImplementedError(f"{op}: not implemented for bool tensors")
    broadcast_shape(op, input.shape, tensor1.shape, tensor2.shape)
    if dtype.kind in "iu":
        value = int(value)
    return (*(as_tensor(t, op, dtype) for t in (input, tensor1, tensor2)), value)


@register("addcdiv")
class Addcdiv(Function):
    """z = x + value * t1 / t2.  dz/dx = 1, dz/dt1 = value / t2,
    dz/dt2 = -value * t1 / (t2 * t2) (PyTorch's formulas)."""

    @staticmethod
    def forward(ctx, x, t1, t2, value):
        ctx.save_for_backward(t1 if ctx.needs_input_grad[2] else None, t2)
        ctx.value, ctx.shapes = value, (x.shape, t1.shape, t2.shape)
        with np.errstate(all="ignore"):
            return x + value * t1 / t2

    @staticmethod
    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        value, (x_shape, t1_shape, t2_shape) = ctx.value, ctx.shapes
        needs = ctx.needs_input_grad
        return (sum_to(g, x_shape) if needs[0] else None,
                sum_to(g * (value / t2), t1_shape) if needs[1] else None,
                sum_to(-g * (value * t1 / (t2 * t2)), t2_shape) if needs[2] else None,
                None)


@takes_out()
def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 * tensor2``."""
    x, t1, t2, value = _fused_operands("addcmul", input, tensor1, tensor2, value)
    return elementwise.add(x, elementwise.mul(t1 if value == 1 else t1 * value, t2))


@takes_out()
def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 / tensor2``; integer ``tensor1`` and ``tensor2`` raise,
    as in PyTorch."""
    if all(isinstance(t, Tensor) and t.dtype.kind in "biu" for t in (tensor1, tensor2)):
        raise RuntimeError("addcdiv: Integer division with addcdiv is no longer supported; "
                           "use input + value * trunc(tensor1 / tensor2) for integer "
                           "division, or float tensors for true division")
    return Addcdiv.apply(*_fused_operands("addcdiv", input, tensor1, tensor2, value))
