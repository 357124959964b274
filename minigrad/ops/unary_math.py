"""Unary math beyond ``elementwise.py``: logarithms and exponentials near 0 and in base 2
and 10, reciprocals, trigonometric and hyperbolic functions and their inverses, ``sinc``,
``logit``, ``entr``, ``frexp``, and degrees to radians and back.

Each gradient rule is PyTorch's formula (``derivatives.yaml``) written with minigrad
operations, so the values it gives at poles and edges of the domain (``rsqrt`` at 0,
``asin`` at 1, ``logit`` outside [0, 1]) are PyTorch's, and it can be differentiated
again. Integer and bool inputs give the default float dtype, as in PyTorch; a number is a
``TypeError``.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function, register
from .. import return_types
from ..internal import array_of, wrap
from ..tensor import Tensor
from . import elementwise
from ._util import float_input, unary_input
from .out_argument import takes_out
from .pointwise import Pointwise
from .selection import where

_LN2, _LN10 = math.log(2.0), math.log(10.0)


@register("log1p")
class Log1p(Pointwise):
    """z = log(1 + x), accurate for x near 0.  dz/dx = 1 / (1 + x)."""

    compute = staticmethod(np.log1p)
    saves = "x"
    rules = (lambda g, x, y, z: g / (x + 1),)


@register("expm1")
class Expm1(Pointwise):
    """z = exp(x) - 1, accurate for x near 0.  dz/dx = z + 1."""

    compute = staticmethod(np.expm1)
    saves = "z"
    rules = (lambda g, x, y, z: g * (z + 1),)


@register("exp2")
class Exp2(Pointwise):
    """z = 2**x.  dz/dx = z ln 2."""

    compute = staticmethod(np.exp2)
    saves = "z"
    rules = (lambda g, x, y, z: g * (z * _LN2),)


@register("log2")
class Log2(Pointwise):
    """z = log2(x).  dz/dx = 1 / (x ln 2)."""

    compute = staticmethod(np.log2)
    saves = "x"
    rules = (lambda g, x, y, z: g / (x * _LN2),)


@register("log10")
class Log10(Pointwise):
    """z = log10(x).  dz/dx = 1 / (x ln 10)."""

    compute = staticmethod(np.log10)
    saves = "x"
    rules = (lambda g, x, y, z: g / (x * _LN10),)


@register("reciprocal")
class Reciprocal(Pointwise):
    """z = 1 / x.  dz/dx = -z**2."""

    compute = staticmethod(np.reciprocal)
    saves = "z"
    rules = (lambda g, x, y, z: -g * (z * z),)


@register("rsqrt")
class Rsqrt(Pointwise):
    """z = 1 / sqrt(x).  dz/dx = -z**3 / 2 (-inf at x = 0, as in PyTorch)."""

    compute = staticmethod(lambda x: np.reciprocal(np.sqrt(x)))
    saves = "z"
    rules = (lambda g, x, y, z: -0.5 * g * (z * z * z),)


@register("tan")
class Tan(Pointwise):
    """z = tan(x).  dz/dx = 1 + z**2."""

    compute = staticmethod(np.tan)
    saves = "z"
    rules = (lambda g, x, y, z: g * (1 + z * z),)


@register("atan")
class Atan(Pointwise):
    """z = arctan(x).  dz/dx = 1 / (1 + x**2)."""

    compute = staticmethod(np.arctan)
    saves = "x"
    rules = (lambda g, x, y, z: g / (x * x + 1),)


@register("asin")
class Asin(Pointwise):
    """z = arcsin(x).  dz/dx = 1 / sqrt(1 - x**2) (inf at |x| = 1)."""

    compute = staticmethod(np.arcsin)
    saves = "x"
    rules = (lambda g, x, y, z: g * rsqrt(1 - x * x),)


@register("acos")
class Acos(Pointwise):
    """z = arccos(x).  dz/dx = -1 / sqrt(1 - x**2) (-inf at |x| = 1)."""

    compute = staticmethod(np.arccos)
    saves = "x"
    rules = (lambda g, x, y, z: g * -rsqrt(1 - x * x),)


@register("sinh")
class Sinh(Pointwise):
    """z = sinh(x).  dz/dx = cosh(x)."""

    compute = staticmethod(np.sinh)
    saves = "x"
    rules = (lambda g, x, y, z: g * cosh(x),)


@register("cosh")
class Cosh(Pointwise):
    """z = cosh(x).  dz/dx = sinh(x)."""

    compute = staticmethod(np.cosh)
    saves = "x"
    rules = (lambda g, x, y, z: g * sinh(x),)


@register("asinh")
class Asinh(Pointwise):
    """z = arsinh(x).  dz/dx = 1 / sqrt(x**2 + 1)."""

    compute = staticmethod(np.arcsinh)
    saves = "x"
    rules = (lambda g, x, y, z: g * rsqrt(x * x + 1),)


@register("acosh")
class Acosh(Pointwise):
    """z = arcosh(x).  dz/dx = 1 / sqrt(x**2 - 1) (inf at x = 1)."""

    compute = staticmethod(np.arccosh)
    saves = "x"
    rules = (lambda g, x, y, z: g * rsqrt(x * x - 1),)


@register("atanh")
class Atanh(Pointwise):
    """z = artanh(x).  dz/dx = 1 / (1 - x**2)."""

    compute = staticmethod(np.arctanh)
    saves = "x"
    rules = (lambda g, x, y, z: g / (1 - x * x),)


def _entr_array(x: np.ndarray) -> np.ndarray:
    """-x log(x): 0 at 0, -inf below 0, NaN at NaN."""
    out = -x * np.log(x)
    return np.where(x == 0, np.zeros((), out.dtype), np.where(x < 0, -np.inf, out))


@register("entr")
class Entr(Pointwise):
    """z = -x log(x), the entropy term (0 at 0, -inf below 0).  dz/dx = -(1 + log(x))."""

    compute = staticmethod(_entr_array)
    saves = "x"
    rules = (lambda g, x, y, z: g * -(1 + elementwise.log(x)),)


def _sinc_rule(g: Tensor, x: Tensor, y: None, z: None) -> Tensor:
    """PyTorch's g (pi x cos(pi x) - sin(pi x)) / (x x pi), 0 where x x pi is 0 (x = 0,
    or so small that x**2 underflows), in PyTorch's order of operations."""
    px = x * math.pi
    denominator = x * x * math.pi
    out = g * (px * elementwise.cos(px) - elementwise.sin(px)) / denominator
    return where(array_of(denominator) == 0, 0.0, out)


def _sinc(a: np.ndarray) -> np.ndarray:
    """np.sinc, computed in float32 for float16 (as PyTorch does), so sinc(2) is 0 there."""
    return np.sinc(a.astype(np.promote_types(a.dtype, np.float32))).astype(a.dtype)


@register("sinc")
class Sinc(Pointwise):
    """z = sin(pi x) / (pi x), 1 at x = 0.  dz/dx = (cos(pi x) - z) / x (0 at x = 0)."""

    compute = staticmethod(_sinc)
    saves = "x"
    rules = (_sinc_rule,)


@register("logit")
class Logit(Function):
    """z = log(x / (1 - x)), with x clamped to [eps, 1 - eps] first when eps is given.
    dz/dx = 1 / (x (1 - x)); outside [eps, 1 - eps] (and at NaN) it is 0, and without eps
    it is NaN outside [0, 1], as in PyTorch."""

    @staticmethod
    def forward(ctx, x, eps):
        ctx.save_for_backward(x)
        ctx.eps = eps
        with np.errstate(all="ignore"):
            if eps is not None:
                x = np.clip(x, eps, 1 - eps)
            return np.log(x / (1 - x))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        a, eps = array_of(x), ctx.eps
        if eps is None:
            outside, fill = (a < 0) | (a > 1), math.nan
        else:
            outside, fill = ~((a >= eps) & (a <= 1 - eps)), 0.0
        return where(outside, fill, g / (x * (1 - x))), None


# --- public functions --------------------------------------------------------------------
@takes_out()
def log1p(input: Tensor) -> Tensor:
    """``log(1 + input)``, accurate where ``input`` is near 0."""
    return Log1p.apply(float_input("log1p", input))


@takes_out()
def expm1(input: Tensor) -> Tensor:
    """``exp(input) - 1``, accurate where ``input`` is near 0."""
    return Expm1.apply(float_input("expm1", input))


@takes_out()
def exp2(input: Tensor) -> Tensor:
    """``2 ** input``."""
    return Exp2.apply(float_input("exp2", input))


@takes_out()
def log2(input: Tensor) -> Tensor:
    """Logarithm to base 2."""
    return Log2.apply(float_input("log2", input))


@takes_out()
def log10(input: Tensor) -> Tensor:
    """Logarithm to base 10."""
    return Log10.apply(float_input("log10", input))


@takes_out()
def reciprocal(input: Tensor) -> Tensor:
    """``1 / input`` (integer inputs give the default float dtype)."""
    return Reciprocal.apply(float_input("reciprocal", input))


@takes_out()
def rsqrt(input: Tensor) -> Tensor:
    """``1 / sqrt(input)``: inf at 0 (gradient -inf), NaN below 0."""
    return Rsqrt.apply(float_input("rsqrt", input))


@takes_out()
def tan(input: Tensor) -> Tensor:
    """Tangent."""
    return Tan.apply(float_input("tan", input))


@takes_out()
def atan(input: Tensor) -> Tensor:
    """Inverse tangent, in (-pi/2, pi/2)."""
    return Atan.apply(float_input("atan", input))


@takes_out()
def asin(input: Tensor) -> Tensor:
    """Inverse sine, in [-pi/2, pi/2]; NaN outside [-1, 1]."""
    return Asin.apply(float_input("asin", input))


@takes_out()
def acos(input: Tensor) -> Tensor:
    """Inverse cosine, in [0, pi]; NaN outside [-1, 1]."""
    return Acos.apply(float_input("acos", input))


@takes_out()
def sinh(input: Tensor) -> Tensor:
    """Hyperbolic sine."""
    return Sinh.apply(float_input("sinh", input))


@takes_out()
def cosh(input: Tensor) -> Tensor:
    """Hyperbolic cosine."""
    return Cosh.apply(float_input("cosh", input))


@takes_out()
def asinh(input: Tensor) -> Tensor:
    """Inverse hyperbolic sine."""
    return Asinh.apply(float_input("asinh", input))


@takes_out()
def acosh(input: Tensor) -> Tensor:
    """Inverse hyperbolic cosine; NaN below 1."""
    return Acosh.apply(float_input("acosh", input))


@takes_out()
def atanh(input: Tensor) -> Tensor:
    """Inverse hyperbolic tangent: +-inf at +-1, NaN outside [-1, 1]."""
    return Atanh.apply(float_input("atanh", input))


@takes_out()
def sinc(input: Tensor) -> Tensor:
    """The normalized sinc function ``sin(pi x) / (pi x)``, 1 at 0."""
    return Sinc.apply(float_input("sinc", input))


@takes_out()
def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """``log(p / (1 - p))``, the inverse of sigmoid.

    Parameters
    ----------
    input : Tensor
        Probabilities ``p``; outside [0, 1] the result is NaN.
    eps : float, optional
        If given, ``p`` is clamped to ``[eps, 1 - eps]`` first, and the gradient is 0
        where the clamp is active.
    """
    return Logit.apply(float_input("logit", input), None if eps is None else float(eps))


@takes_out()
def entr(input: Tensor) -> Tensor:
    """``-input * log(input)``, elementwise entropy (``torch.special.entr``): 0 at 0,
    -inf below 0."""
    return Entr.apply(float_input("entr", input))


@takes_out("same")
def frexp(input: Tensor) -> Any:
    """``(mantissa, exponent)`` with ``input = mantissa * 2**exponent`` and ``|mantissa|``
    in [0.5, 1) (an int32 exponent; 0 and non-finite values keep exponent 0). The mantissa
    is ``input / 2**exponent``, so its gradient is ``1 / 2**exponent``, as in PyTorch."""
    x = unary_input("frexp", input)
    if x.dtype.kind != "f":
        raise RuntimeError("frexp: only supports floating-point dtypes")
    _, exponent = np.frexp(array_of(x))
    scale = wrap(np.ldexp(np.ones((), x.dtype), exponent))
    return return_types.frexp(elementwise.div(x, scale), wrap(exponent.astype(np.int32)))


@takes_out()
def deg2rad(input: Tensor) -> Tensor:
    """Degrees to radians: ``input * pi / 180``."""
    return elementwise.mul(float_input("deg2rad", input), math.pi / 180)


@takes_out()
def rad2deg(input: Tensor) -> Tensor:
    """Radians to degrees: ``input * 180 / pi``."""
    return elementwise.mul(float_input("rad2deg", input), 180 / math.pi)
