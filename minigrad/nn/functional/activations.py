"""Activation functions, each composed from the primitives of ``minigrad.ops``.

At a kink the gradient is the one PyTorch picks: 0 for relu at 0, ``negative_slope`` for
leaky_relu at 0, ``alpha`` for elu at 0, and 0 for hardtanh at either bound.

``inplace=True`` writes the result into ``input`` and returns ``input``, as PyTorch does
(`minigrad.ops.inplace`: the version counter moves, and a leaf that requires grad
refuses); ``relu_``, ``elu_`` and the other names ending in ``_`` always do.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ... import ops, random
from ...dtypes import scalar_type_name
from ...internal import wrap
from ...ops.out_argument import takes_out
from ...ops.special import softplus as _softplus
from ...ops.special import erf
from ...ops.reduction import softmax_input
from ...tensor import Tensor
from ...tensor_args import type_name
from ._checks import check_tensor, float_kernel_input, number_arg

_SQRT_HALF = math.sqrt(0.5)
_SQRT_TWO_OVER_PI = math.sqrt(2.0 / math.pi)
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _result(input: Tensor, inplace: bool, name: str, compute) -> Tensor:
    """``compute(input)``, written into ``input`` (PyTorch's ``name_``) if ``inplace``."""
    if inplace:
        return ops.inplace(input, f"{name}_", lambda x, _: compute(x), None)
    return compute(input)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(x, 0)``; the gradient at 0 is 0."""
    return _result(input, inplace, "relu", ops.relu)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``input`` where it is positive, ``negative_slope * input`` elsewhere.

    The gradient at 0 is ``negative_slope``, as in PyTorch. ``negative_slope`` is a number
    (a Tensor of slopes is PyTorch's ``TypeError``); the input is floating point.
    """
    op = "leaky_relu_" if inplace else "leaky_relu"
    slope = number_arg(op, negative_slope, "negative_slope", 2)
    float_kernel_input(input, op, "leaky_relu_cpu")
    return _result(input, inplace, "leaky_relu", lambda x: ops.where(x > 0, x, x * slope))


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """``input`` clipped to ``[min_val, max_val]``; the gradient is 0 at and beyond the
    bounds, as in PyTorch.

    An integer input stays integer, clipped to the bounds truncated towards zero (as
    PyTorch); a bool input, or an unsigned one with a negative bound, is a RuntimeError.
    """
    min_val = number_arg("hardtanh", min_val, "min_val", 2)
    max_val = number_arg("hardtanh", max_val, "max_val", 3)
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val "
                         f"({max_val})")
    _check_hardtanh_dtype(input, min_val, max_val)
    if input.dtype.kind in "iu":
        low, high = int(min_val), int(max_val)
        return _result(input, inplace, "hardtanh", lambda x: ops.clamp(x, low, high))
    def compute(x: Tensor) -> Tensor:
        inside = (x > min_val) & (x < max_val)
        return ops.where(inside, x, ops.clamp(x.detach(), min_val, max_val))
    return _result(input, inplace, "hardtanh", compute)


def _check_hardtanh_dtype(input: Tensor, min_val: float, max_val: float) -> None:
    """PyTorch's RuntimeErrors of hardtanh (and relu6) for bool and unsigned inputs."""
    if input.dtype == np.bool_:
        raise RuntimeError(f"hardtanh: Bool inputs not supported for hardtanh (input of "
                           f"shape {tuple(input.shape)})")
    if input.dtype.kind == "u" and min(min_val, max_val) < 0:
        raise RuntimeError(f"hardtanh: cannot do hardtanh on an unsigned type with negative "
                           f"limits (input {input.dtype}, min_val={min_val}, "
                           f"max_val={max_val})")


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(x, 0), 6)``: ``hardtanh(x, 0, 6)``."""
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(x + 3) / 6``; the gradient is 1/6 strictly between -3 and 3, else 0."""
    float_kernel_input(input, "hardsigmoid", "hardsigmoid_cpu")
    def compute(x: Tensor) -> Tensor:
        # NaN falls through both tests and stays NaN, as in PyTorch
        return ops.where(x >= 3, 1.0, ops.where(x <= -3, 0.0, (x + 3) / 6))
    return _result(input, inplace, "hardsigmoid", compute)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * relu6(x + 3) / 6``; at -3 and 3 the gradient is PyTorch's (0 and 1)."""
    float_kernel_input(input, "hardswish", "hardswish_cpu")
    def compute(x: Tensor) -> Tensor:
        curve = x * (x + 3) / 6
        return ops.where(x <= -3, x * 0, ops.where(x < 3, curve, x))
    return _result(input, inplace, "hardswish", compute)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, inplace: bool = False) -> Tensor:
    """Randomised leaky relu: ``x`` where positive, ``a * x`` elsewhere.

    While training, each element draws its own slope ``a`` from ``U(lower, upper)`` (from
    minigrad's generator); otherwise ``a = (lower + upper) / 2`` for all (note the default
    ``training=False``, as PyTorch's). At 0 the gradient is ``a``.
    """
    op = "rrelu_" if inplace else "rrelu"
    lower, upper = number_arg(op, lower, "lower", 2), number_arg(op, upper, "upper", 3)
    if lower > upper:
        raise RuntimeError(f"{op}: Lower bound should be less than or equal to the upper "
                           f"bound (got lower={lower}, upper={upper})")
    float_kernel_input(input, op, "leaky_relu_cpu")
    def compute(x: Tensor) -> Tensor:
        if not training:
            return ops.where(x > 0, x, x * ((lower + upper) / 2))
        draws = random.default_generator().uniform(lower, upper, tuple(x.shape))
        return ops.where(x > 0, x, x * wrap(draws.astype(x.dtype)))
    return _result(input, inplace, "rrelu", compute)


@takes_out()
def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``x`` where ``x > threshold``, ``value`` elsewhere (an integer input stays integer,
    ``value`` truncated towards zero, as in PyTorch)."""
    return _result(input, inplace, "threshold", _thresholder(input, threshold, value,
                                                             "threshold_" if inplace
                                                             else "threshold"))


def _thresholder(input: Tensor, level: Any, value: Any, op: str):
    """The function ``x -> x if x > level else value`` after checking the arguments as
    PyTorch does: numbers, and a numeric (not bool) input."""
    check_tensor(input, "input", op, 1)
    level = number_arg(op, level, "threshold", 2)
    value = number_arg(op, value, "value", 3)
    if input.dtype == np.bool_:
        raise NotImplementedError(f"{op}: \"threshold_cpu\" not implemented for 'Bool'")
    if input.dtype.kind in "iu":
        return lambda x: ops.cast(ops.where(x > level, x, int(value)), x.dtype)
    return lambda x: ops.where(x <= level, value, x)  # NaN stays NaN, as in PyTorch


def _expm1_nonpositive(input: Tensor) -> Tensor:
    """``exp(min(x, 0)) - 1``: the negative branch of elu, finite for any ``x``."""
    return ops.exp(ops.clamp(input, max=0.0)) - 1


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` for ``x > 0``, ``alpha (exp(x) - 1)`` otherwise (gradient ``alpha`` at 0)."""
    op = "elu_" if inplace else "elu"
    alpha = number_arg(op, alpha, "alpha", 2)
    float_kernel_input(input, op, "elu_cpu")
    return _result(input, inplace, "elu",
                   lambda x: ops.where(x > 0, x, alpha * _expm1_nonpositive(x)))


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(x, alpha)`` with the self-normalising constants
    ``alpha = 1.6733``, ``scale = 1.0507``."""
    float_kernel_input(input, "selu_" if inplace else "selu", "elu_cpu")
    return _result(input, inplace, "selu", lambda x: _SELU_SCALE * elu(x, _SELU_ALPHA))


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` for ``x > 0``, ``alpha (exp(x / alpha) - 1)`` otherwise, as PyTorch computes
    it: for ``alpha > 0`` that is ``max(0, x) + min(0, alpha (exp(x / alpha) - 1))``; a
    negative ``alpha`` gives ``-(e^2 - 1)`` at ``x = -2, alpha = -1`` (and ``-inf`` once
    the exponential overflows); ``alpha = 0`` is a RuntimeError."""
    op = "celu_" if inplace else "celu"
    alpha = number_arg(op, alpha, "alpha", 2)
    if alpha == 0:
        raise RuntimeError(f"{op}: ZeroDivisionError: alpha cannot be 0 for CELU")
    float_kernel_input(input, op, "elu_cpu")
    return _result(input, inplace, "celu", lambda x: ops.where(
        x > 0, x, alpha * (ops.exp(ops.clamp(x, max=0.0) / alpha) - 1)))


@takes_out("same")
def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit: ``x * Phi(x)``, Phi the standard normal CDF.

    Parameters
    ----------
    input : Tensor
    approximate : {'none', 'tanh'}
        ``'none'``: ``0.5 x (1 + erf(x / sqrt(2)))``, exact.
        ``'tanh'``: ``0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))``.
    """
    if not isinstance(approximate, str):
        raise TypeError(f"gelu(): argument 'approximate' must be str, not "
                        f"{type_name(approximate)}")
    float_kernel_input(input, "gelu", "GeluKernelImpl")
    if approximate == "none":
        return 0.5 * input * (1 + erf(input * _SQRT_HALF))
    if approximate == "tanh":
        inner = _SQRT_TWO_OVER_PI * (input + 0.044715 * input * input * input)
        return 0.5 * input * (1 + ops.tanh(inner))
    raise RuntimeError(f"gelu: approximate argument must be either none or tanh, got "
                       f"{approximate!r}")


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (also called swish)."""
    float_kernel_input(input, "silu", "silu_cpu")
    return _result(input, inplace, "silu", lambda x: x * ops.sigmoid(x))


@takes_out("same")
def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, and ``x`` itself where ``beta * x > threshold``
    (as PyTorch, for speed and to keep the gradient exactly 1 there)."""
    beta = number_arg("softplus", beta, "beta", 2)
    threshold = number_arg("softplus", threshold, "threshold", 3)
    float_kernel_input(input, "softplus", "softplus_cpu")
    scaled = input * beta if beta != 1 else input
    smooth = _softplus(scaled) / beta if beta != 1 else _softplus(scaled)
    return ops.where(scaled > threshold, input, smooth)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``."""
    float_kernel_input(input, "mish", "mish_cpu")
    return _result(input, inplace, "mish", lambda x: x * ops.tanh(_softplus(x)))


@takes_out("same", resize_warns=False)
def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``, finite for inputs of any size."""
    float_kernel_input(input, "logsigmoid", "log_sigmoid_cpu")
    return -_softplus(-input)


@takes_out("same")
def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x`` where ``|x| > lambd``, else 0."""
    lambd = number_arg("hardshrink", lambd, "lambd", 2)
    x = softmax_input(input, None, "hardshrink")
    return ops.where(ops.abs(x) <= lambd, 0.0, x)  # NaN stays NaN, as in PyTorch


@takes_out("same")
def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0."""
    lambd = number_arg("softshrink", lambd, "lambd", 2)
    x = softmax_input(input, None, "softshrink")
    if lambd < 0:
        raise RuntimeError(f"softshrink: lambda must be in range [0, inf) for input dtype "
                           f"{x.dtype}, but found {lambd}")
    return ops.where(ops.abs(x) <= lambd, 0.0, ops.where(x < -lambd, x + lambd, x - lambd))


def tanhshrink(input: Tensor) -> Tensor:
    """``x - tanh(x)``."""
    return input - ops.tanh(input)


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``."""
    return input / (1 + ops.abs(input))


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return ops.tanh(input)


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-x))``."""
    return ops.sigmoid(input)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit: split ``input`` in two halves ``a, b`` along ``dim`` and return
    ``a * sigmoid(b)``."""
    float_kernel_input(input, "glu", "glu_cpu")
    if input.ndim == 0:
        raise RuntimeError("glu: does not support scalars because halving size must be even")
    d = ops.normalize_dim(dim, input.ndim, "glu")
    if input.shape[d] % 2:
        raise RuntimeError(f"glu: Halving dimension must be even, but dimension {d} is size "
                           f"{input.shape[d]}")
    a, b = ops.chunk(input, 2, d)
    return a * ops.sigmoid(b)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``x`` where positive, ``weight * x`` elsewhere; a ``weight`` of C values applies
    one slope per channel (dim 1). Input and weight have one floating-point dtype."""
    if input.dtype != weight.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got "
                           f"{scalar_type_name(input.dtype)} and "
                           f"{scalar_type_name(weight.dtype)} (input {input.dtype}, weight "
                           f"{weight.dtype})")
    float_kernel_input(input, "prelu", "prelu_cpu")
    n = weight.numel()
    if n != 1:
        channels = input.shape[1] if input.ndim >= 2 else (input.shape[0] if input.ndim else 1)
        if channels != n:
            raise RuntimeError(f"prelu: mismatch of parameter numbers and input channel size. "
                               f"Found parameter numbers = {n} and channel size = {channels}")
        if input.ndim >= 2:
            weight = weight.reshape((n,) + (1,) * (input.ndim - 2))
    return ops.where(input > 0, input, weight * input)


# --- along a dim --------------------------------------------------------------------------
def _softmax_dim(op: str, ndim: int, dim: int | None, stacklevel: int) -> int:
    """The dim to normalise over; ``None`` picks PyTorch's legacy choice, with its warning."""
    if dim is not None:
        return dim
    warnings.warn(f"Implicit dimension choice for {op} has been deprecated. Change the call "
                  f"to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``dim``, shifted by the maximum so it never overflows.

    Parameters
    ----------
    input : Tensor
        Floating point (an integer tensor raises ``NotImplementedError``, as in PyTorch,
        unless ``dtype`` is given).
    dim : int
        The dim that sums to 1. ``None`` (deprecated) picks one and warns.
    dtype : dtype, optional
        Cast the input to this dtype first.
    """
    x = softmax_input(input, dtype, "softmax")
    return ops.softmax(x, _softmax_dim("softmax", x.ndim, dim, _stacklevel))


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype: Any = None) -> Tensor:
    """``x - logsumexp(x)`` along ``dim``; arguments as for `softmax`."""
    x = softmax_input(input, dtype, "log_softmax")
    return ops.log_softmax(x, _softmax_dim("log_softmax", x.ndim, dim, _stacklevel))


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """``softmax(-x)`` along ``dim``; arguments as for `softmax`."""
    x = softmax_input(-input, dtype, "softmin")  # -input first: a bool one raises, as PyTorch
    return ops.softmax(x, _softmax_dim("softmin", x.ndim, dim, _stacklevel))


# --- PyTorch's in-place names ---------------------------------------------------------------
def relu_(input: Tensor) -> Tensor:
    """`relu` written into ``input``."""
    return relu(input, inplace=True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """`leaky_relu` written into ``input``."""
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """`hardtanh` written into ``input``."""
    return hardtanh(input, min_val, max_val, inplace=True)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """`threshold` written into ``input``."""
    return _result(input, True, "threshold", _thresholder(input, threshold, value,
                                                          "threshold_"))


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """`elu` written into ``input``."""
    return elu(input, alpha, inplace=True)


def selu_(input: Tensor) -> Tensor:
    """`selu` written into ``input``."""
    return selu(input, inplace=True)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """`celu` written into ``input``."""
    return celu(input, alpha, inplace=True)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False) -> Tensor:
    """`rrelu` written into ``input``."""
    return rrelu(input, lower, upper, training, inplace=True)


def gumbel_softmax(logits: Tensor, tau: float = 1.0, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """A sample from the Gumbel-softmax distribution: ``softmax((logits + g) / tau)`` with
    ``g`` Gumbel(0, 1) noise from minigrad's generator.

    With ``hard=True`` the result is the one-hot vector of the sample's maximum, while the
    gradient is that of the soft sample (straight-through). ``eps`` is deprecated and
    ignored (with PyTorch's warning).
    """
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    if logits.dtype.kind != "f":
        raise RuntimeError(f"gumbel_softmax: Exponential distribution is a continuous "
                           f"probability distribution. dtype must be a floating point but "
                           f"you specified {scalar_type_name(logits.dtype)} (logits of shape "
                           f"{tuple(logits.shape)})")
    exponential = random.default_generator().exponential(1.0, tuple(logits.shape))
    gumbels = wrap((-np.log(exponential)).astype(logits.dtype))
    soft = ops.softmax((logits + gumbels) / tau, dim)
    if not hard:
        return soft
    d = ops.normalize_dim(dim, soft.ndim, "gumbel_softmax")
    winner = np.argmax(soft.detach().numpy(), axis=d)
    hard_values = np.zeros(tuple(soft.shape), soft.dtype)
    np.put_along_axis(hard_values, np.expand_dims(winner, d), 1.0, axis=d)
    return wrap(hard_values) - soft.detach() + soft
