"""The further math methods of Tensor: ``log1p`` ... ``atanh``, ``erf``, ``logit``,
``atan2``, ``lerp``, ``addcmul``, the logical functions and the rest of PyTorch's
elementwise math, each a call of one function of ``minigrad.ops`` (``unary_math.py``,
``binary_math.py``, ``special.py``, ``rounding.py``, ``logic.py``), with its in-place form
where PyTorch has one.

``Tensor`` inherits them through `TensorMethods`; like those, they are written out one by
one, so that every method is found by searching for its name.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .tensor_names import TensorNames

# Set by tensor.py once the primitives can be imported, as for tensor_methods.py.
ops: Any = None


def wanting_grad(*others: Any) -> Any:
    """The first of ``others`` that requires grad, else the first: the operand an in-place
    op with several operands shows ``ops.inplace`` to decide whether to record."""
    return next((o for o in others if getattr(o, "requires_grad", False)), others[0])


class TensorMath(TensorNames):
    """Elementwise math methods of `Tensor`, and their in-place forms."""

    __slots__ = ()

    def log1p(self) -> "Tensor":
        return ops.log1p(self)

    # two activations PyTorch also has as methods: those of nn.functional
    def prelu(self, weight: "Tensor") -> "Tensor":
        from .nn import functional  # nn builds on Tensor, so it is imported when needed
        return functional.prelu(self, weight)

    def hardshrink(self, lambd: float = 0.5) -> "Tensor":
        from .nn import functional
        return functional.hardshrink(self, lambd)

    def log1p_(self) -> "Tensor":
        return ops.inplace(self, "log1p_", lambda x, _: ops.log1p(x), None)

    def expm1(self) -> "Tensor":
        return ops.expm1(self)

    def expm1_(self) -> "Tensor":
        return ops.inplace(self, "expm1_", lambda x, _: ops.expm1(x), None)

    def log2(self) -> "Tensor":
        return ops.log2(self)

    def log2_(self) -> "Tensor":
        return ops.inplace(self, "log2_", lambda x, _: ops.log2(x), None)

    def log10(self) -> "Tensor":
        return ops.log10(self)

    def log10_(self) -> "Tensor":
        return ops.inplace(self, "log10_", lambda x, _: ops.log10(x), None)

    def reciprocal(self) -> "Tensor":
        return ops.reciprocal(self)

    def reciprocal_(self) -> "Tensor":
        return ops.inplace(self, "reciprocal_", lambda x, _: ops.reciprocal(x), None)

    def rsqrt(self) -> "Tensor":
        return ops.rsqrt(self)

    def rsqrt_(self) -> "Tensor":
        return ops.inplace(self, "rsqrt_", lambda x, _: ops.rsqrt(x), None)

    def tan(self) -> "Tensor":
        return ops.tan(self)

    def tan_(self) -> "Tensor":
        return ops.inplace(self, "tan_", lambda x, _: ops.tan(x), None)

    def atan(self) -> "Tensor":
        return ops.atan(self)

    def atan_(self) -> "Tensor":
        return ops.inplace(self, "atan_", lambda x, _: ops.atan(x), None)

    def asin(self) -> "Tensor":
        return ops.asin(self)

    def asin_(self) -> "Tensor":
        return ops.inplace(self, "asin_", lambda x, _: ops.asin(x), None)

    def acos(self) -> "Tensor":
        return ops.acos(self)

    def acos_(self) -> "Tensor":
        return ops.inplace(self, "acos_", lambda x, _: ops.acos(x), None)

    def sinh(self) -> "Tensor":
        return ops.sinh(self)

    def sinh_(self) -> "Tensor":
        return ops.inplace(self, "sinh_", lambda x, _: ops.sinh(x), None)

    def cosh(self) -> "Tensor":
        return ops.cosh(self)

    def cosh_(self) -> "Tensor":
        return ops.inplace(self, "cosh_", lambda x, _: ops.cosh(x), None)

    def asinh(self) -> "Tensor":
        return ops.asinh(self)

    def asinh_(self) -> "Tensor":
        return ops.inplace(self, "asinh_", lambda x, _: ops.asinh(x), None)

    def acosh(self) -> "Tensor":
        return ops.acosh(self)

    def acosh_(self) -> "Tensor":
        return ops.inplace(self, "acosh_", lambda x, _: ops.acosh(x), None)

    def atanh(self) -> "Tensor":
        return ops.atanh(self)

    def atanh_(self) -> "Tensor":
        return ops.inplace(self, "atanh_", lambda x, _: ops.atanh(x), None)

    def erf(self) -> "Tensor":
        return ops.erf(self)

    def erf_(self) -> "Tensor":
        return ops.inplace(self, "erf_", lambda x, _: ops.erf(x), None)

    def erfc(self) -> "Tensor":
        return ops.erfc(self)

    def erfc_(self) -> "Tensor":
        return ops.inplace(self, "erfc_", lambda x, _: ops.erfc(x), None)

    def sinc(self) -> "Tensor":
        return ops.sinc(self)

    def sinc_(self) -> "Tensor":
        return ops.inplace(self, "sinc_", lambda x, _: ops.sinc(x), None)

    def deg2rad(self) -> "Tensor":
        return ops.deg2rad(self)

    def deg2rad_(self) -> "Tensor":
        return ops.inplace(self, "deg2rad_", lambda x, _: ops.deg2rad(x), None)

    def rad2deg(self) -> "Tensor":
        return ops.rad2deg(self)

    def rad2deg_(self) -> "Tensor":
        return ops.inplace(self, "rad2deg_", lambda x, _: ops.rad2deg(x), None)

    def frac(self) -> "Tensor":
        return ops.frac(self)

    def frac_(self) -> "Tensor":
        return ops.inplace(self, "frac_", lambda x, _: ops.frac(x), None)

    def sgn(self) -> "Tensor":
        return ops.sgn(self)

    def sgn_(self) -> "Tensor":
        return ops.inplace(self, "sgn_", lambda x, _: ops.sgn(x), None)

    def negative(self) -> "Tensor":
        return ops.neg(self)

    def negative_(self) -> "Tensor":
        return ops.inplace(self, "negative_", lambda x, _: ops.neg(x), None)

    def logit(self, eps: float | None = None) -> "Tensor":
        return ops.logit(self, eps)

    def logit_(self, eps: float | None = None) -> "Tensor":
        return ops.inplace(self, "logit_", lambda x, _: ops.logit(x, eps), None)

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None,
                   neginf: float | None = None) -> "Tensor":
        return ops.nan_to_num(self, nan, posinf, neginf)

    def nan_to_num_(self, nan: float = 0.0, posinf: float | None = None,
                    neginf: float | None = None) -> "Tensor":
        return ops.inplace(self, "nan_to_num_",
                           lambda x, _: ops.nan_to_num(x, nan, posinf, neginf), None)

    def signbit(self) -> "Tensor":
        return ops.signbit(self)

    def atan2(self, other: Any) -> "Tensor":
        return ops.atan2(self, other)

    def atan2_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "atan2_", ops.atan2, other)

    def xlogy(self, other: Any) -> "Tensor":
        return ops.xlogy(self, other)

    def xlogy_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "xlogy_", ops.xlogy, other)

    def igamma(self, other: Any) -> "Tensor":
        return ops.igamma(self, other)

    def igamma_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "igamma_", ops.igamma, other)

    def igammac(self, other: Any) -> "Tensor":
        return ops.igammac(self, other)

    def igammac_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "igammac_", ops.igammac, other)

    def hypot(self, other: Any) -> "Tensor":
        return ops.hypot(self, other)

    def hypot_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "hypot_", ops.hypot, other)

    def fmod(self, other: Any) -> "Tensor":
        return ops.fmod(self, other)

    def fmod_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "fmod_", ops.fmod, other)

    def heaviside(self, values: Any) -> "Tensor":
        return ops.heaviside(self, values)

    def heaviside_(self, values: Any) -> "Tensor":
        return ops.inplace(self, "heaviside_", ops.heaviside, values)

    def clamp_min(self, min: Any) -> "Tensor":
        return ops.clamp_min(self, min)

    def clamp_min_(self, min: Any) -> "Tensor":
        return ops.inplace(self, "clamp_min_", ops.clamp_min, min)

    def clamp_max(self, max: Any) -> "Tensor":
        return ops.clamp_max(self, max)

    def clamp_max_(self, max: Any) -> "Tensor":
        return ops.inplace(self, "clamp_max_", ops.clamp_max, max)

    def logical_and(self, other: Any) -> "Tensor":
        return ops.logical_and(self, other)

    def logical_and_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "logical_and_", ops.logical_and, other)

    def logical_or(self, other: Any) -> "Tensor":
        return ops.logical_or(self, other)

    def logical_or_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "logical_or_", ops.logical_or, other)

    def logical_xor(self, other: Any) -> "Tensor":
        return ops.logical_xor(self, other)

    def logical_xor_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "logical_xor_", ops.logical_xor, other)

    def logaddexp(self, other: "Tensor") -> "Tensor":
        return ops.logaddexp(self, other)

    def logical_not(self) -> "Tensor":
        return ops.logical_not(self)

    def logical_not_(self) -> "Tensor":
        return ops.inplace(self, "logical_not_", lambda x, _: ops.logical_not(x), None)

    def lerp(self, end: "Tensor", weight: Any) -> "Tensor":
        return ops.lerp(self, end, weight)

    def lerp_(self, end: "Tensor", weight: Any) -> "Tensor":
        return ops.inplace(self, "lerp_", lambda x, _: ops.lerp(x, end, weight),
                           wanting_grad(end, weight))

    def addcmul(self, tensor1: "Tensor", tensor2: "Tensor", *, value: Any = 1) -> "Tensor":
        return ops.addcmul(self, tensor1, tensor2, value=value)

    def addcmul_(self, tensor1: "Tensor", tensor2: "Tensor", *, value: Any = 1) -> "Tensor":
        return ops.inplace(self, "addcmul_",
                           lambda x, _: ops.addcmul(x, tensor1, tensor2, value=value),
                           wanting_grad(tensor1, tensor2))

    def addcdiv(self, tensor1: "Tensor", tensor2: "Tensor", *, value: Any = 1) -> "Tensor":
        return ops.addcdiv(self, tensor1, tensor2, value=value)

    def addcdiv_(self, tensor1: "Tensor", tensor2: "Tensor", *, value: Any = 1) -> "Tensor":
        return ops.inplace(self, "addcdiv_",
                           lambda x, _: ops.addcdiv(x, tensor1, tensor2, value=value),
                           wanting_grad(tensor1, tensor2))

    def lgamma(self) -> "Tensor":
        return ops.lgamma(self)

    def lgamma_(self) -> "Tensor":
        return ops.inplace(self, "lgamma_", lambda x, _: ops.lgamma(x), None)

    def digamma(self) -> "Tensor":
        return ops.digamma(self)

    def i0(self) -> "Tensor":
        return ops.i0(self)

    def i0_(self) -> "Tensor":
        return ops.inplace(self, "i0_", lambda x, _: ops.i0(x), None)

    def digamma_(self) -> "Tensor":
        return ops.inplace(self, "digamma_", lambda x, _: ops.digamma(x), None)

    def polygamma(self, n: int) -> "Tensor":
        return ops.polygamma(n, self)

    def polygamma_(self, n: int) -> "Tensor":
        return ops.inplace(self, "polygamma_", lambda x, _: ops.polygamma(n, x), None)

    def mvlgamma(self, p: int) -> "Tensor":
        return ops.mvlgamma(self, p)

    def mvlgamma_(self, p: int) -> "Tensor":
        return ops.inplace(self, "mvlgamma_", lambda x, _: ops.mvlgamma(x, p), None)

    def frexp(self) -> Any:
        return ops.frexp(self)

    def isreal(self) -> "Tensor":
        return ops.isreal(self)

    def ldexp(self, other: "Tensor") -> "Tensor":
        return ops.ldexp(self, other)

    def ldexp_(self, other: "Tensor") -> "Tensor":
        return ops.inplace(self, "ldexp_", ops.ldexp, other)

    def gcd(self, other: "Tensor") -> "Tensor":
        return ops.gcd(self, other)

    def gcd_(self, other: "Tensor") -> "Tensor":
        return ops.inplace(self, "gcd_", ops.gcd, other)

    def lcm(self, other: "Tensor") -> "Tensor":
        return ops.lcm(self, other)

    def lcm_(self, other: "Tensor") -> "Tensor":
        return ops.inplace(self, "lcm_", ops.lcm, other)

    def erfinv(self) -> "Tensor":
        return ops.erfinv(self)

    def erfinv_(self) -> "Tensor":
        return ops.inplace(self, "erfinv_", lambda x, _: ops.erfinv(x), None)

    def exp2(self) -> "Tensor":
        return ops.exp2(self)

    def exp2_(self) -> "Tensor":
        return ops.inplace(self, "exp2_", lambda x, _: ops.exp2(x), None)

    def sin_(self) -> "Tensor":
        return ops.inplace(self, "sin_", lambda x, _: ops.sin(x), None)

    def cos_(self) -> "Tensor":
        return ops.inplace(self, "cos_", lambda x, _: ops.cos(x), None)

    def floor_(self) -> "Tensor":
        return ops.inplace(self, "floor_", lambda x, _: ops.floor(x), None)

    def ceil_(self) -> "Tensor":
        return ops.inplace(self, "ceil_", lambda x, _: ops.ceil(x), None)

    def trunc_(self) -> "Tensor":
        return ops.inplace(self, "trunc_", lambda x, _: ops.trunc(x), None)

    def sign_(self) -> "Tensor":
        return ops.inplace(self, "sign_", lambda x, _: ops.sign(x), None)

    def square_(self) -> "Tensor":
        return ops.inplace(self, "square_", lambda x, _: ops.arithmetic.square(x), None)

    def round_(self, *, decimals: int = 0) -> "Tensor":
        return ops.inplace(self, "round_", lambda x, _: ops.round(x, decimals=decimals), None)

    def clip_(self, min: Any = None, max: Any = None) -> "Tensor":
        return ops.inplace(self, "clip_", lambda x, _: ops.clamp(x, min, max), None)

    def true_divide_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "true_divide_", ops.div, other)

    def absolute(self) -> "Tensor":
        return ops.abs(self)

    def absolute_(self) -> "Tensor":
        return ops.inplace(self, "absolute_", lambda x, _: ops.abs(x), None)

    def fix(self) -> "Tensor":
        return ops.trunc(self)

    def fix_(self) -> "Tensor":
        return ops.inplace(self, "fix_", lambda x, _: ops.trunc(x), None)

    def positive(self) -> "Tensor":
        return ops.positive(self)

    def isposinf(self) -> "Tensor":
        return ops.isposinf(self)

    def isneginf(self) -> "Tensor":
        return ops.isneginf(self)

    def logaddexp2(self, other: "Tensor") -> "Tensor":
        return ops.logaddexp2(self, other)

    def fmax(self, other: "Tensor") -> "Tensor":
        return ops.fmax(self, other)

    def fmin(self, other: "Tensor") -> "Tensor":
        return ops.fmin(self, other)

    def float_power(self, exponent: Any) -> "Tensor":
        return ops.float_power(self, exponent)

    def float_power_(self, exponent: Any) -> "Tensor":
        if self.dtype != np.float64:
            raise RuntimeError(f"float_power_: the base given to float_power_ has dtype "
                               f"{self.dtype} but the operation's result requires dtype "
                               "float64")
        return ops.inplace(self, "float_power_", ops.float_power, exponent)

    def copysign(self, other: Any) -> "Tensor":
        return ops.copysign(self, other)

    def copysign_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "copysign_", ops.copysign, other)

    def nextafter(self, other: "Tensor") -> "Tensor":
        return ops.nextafter(self, other)

    def nextafter_(self, other: "Tensor") -> "Tensor":
        return ops.inplace(self, "nextafter_", ops.nextafter, other)

    # PyTorch's aliases
    arcsin, arcsin_, arccos, arccos_, arctan, arctan_ = asin, asin_, acos, acos_, atan, atan_
    arcsinh, arcsinh_, arccosh, arccosh_ = asinh, asinh_, acosh, acosh_
    arctanh, arctanh_, arctan2, arctan2_ = atanh, atanh_, atan2, atan2_
