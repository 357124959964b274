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
from ...internal import wrap
from ...ops.out_argument import takes_out
from ...ops.special import softplus as _softplus
from ...ops.special import erf
from ...ops.reduction import softmax_input
from ...tensor import Tensor

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

    The gradient at 0 is ``negative_slope``, as in PyTorch.
    """
    return _result(input, inplace, "leaky_relu",
                   lambda x: ops.where(x > 0, x, x * negative_slope))


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """``input`` clipped to ``[min_val, max_val]``; the gradient is 0 at and beyond the
    bounds, as in PyTorch."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val "
                         f"({max_val})")
    def compute(x: Tensor) -> Tensor:
        inside = (x > min_val) & (x < max_val)
        return ops.where(inside, x, ops.clamp(x.detach(), min_val, max_val))
    return _result(input, inplace, "hardtanh", compute)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(x, 0), 6)``: ``hardtanh(x, 0, 6)``."""
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(x + 3) / 6``; the gradient is 1/6 strictly between -3 and 3, else 0."""
    def compute(x: Tensor) -> Tensor:
        middle = (x > -3) & (x < 3)
        outer = ops.where(x >= 3, 1.0, 0.0)
        return ops.where(middle, x / 6 + 0.5, ops.cast(outer, x.dtype))
    return _result(input, inplace, "hardsigmoid", compute)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * relu6(x + 3) / 6``; at -3 and 3 the gradient is PyTorch's (0 and 1)."""
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
    def compute(x: Tensor) -> Tensor:
        if not training:
            return ops.where(x > 0, x, x * ((lower + upper) / 2))
        draws = random.default_generator().uniform(lower, upper, tuple(x.shape))
        return ops.where(x > 0, x, x * wrap(draws.astype(x.dtype)))
    return _result(input, inplace, "rrelu", compute)


@takes_out()
def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``x`` where ``x > threshold``, ``value`` elsewhere."""
    return _result(input, inplace, "threshold", lambda x: _threshold(x, threshold, value))


def _threshold(x: Tensor, level: float, value: float) -> Tensor:
    return ops.where(x > level, x, value)


def _expm1_nonpositive(input: Tensor) -> Tensor:
    """``exp(min(x, 0)) - 1``: the negative branch of elu, finite for any ``x``."""
    return ops.exp(ops.clamp(input, max=0.0)) - 1


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` for ``x > 0``, ``alpha (exp(x) - 1)`` otherwise (gradient ``alpha`` at 0)."""
    return _result(input, inplace, "elu",
                   lambda x: ops.where(x > 0, x, alpha * _expm1_nonpositive(x)))


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(x, alpha)`` with the self-normalising constants
    ``alpha = 1.6733``, ``scale = 1.0507``."""
    return _result(input, inplace, "selu", lambda x: _SELU_SCALE * elu(x, _SELU_ALPHA))


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha (exp(x / alpha) - 1))``."""
    if alpha == 0:
        raise RuntimeError("celu: ZeroDivisionError: alpha cannot be 0 for CELU")
    return _result(input, inplace, "celu",
                   lambda x: ops.where(x > 0, x, alpha * _expm1_nonpositive(x / alpha)))


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
    if approximate == "none":
        return 0.5 * input * (1 + erf(input * _SQRT_HALF))
    if approximate == "tanh":
        inner = _SQRT_TWO_OVER_PI * (input + 0.044715 * input * input * input)
        return 0.5 * input * (1 + ops.tanh(inner))
    raise RuntimeError(f"gelu: approximate argument must be either none or tanh, got "
                       f"{approximate!r}")


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (also called swish)."""
    return _result(input, inplace, "silu", lambda x: x * ops.sigmoid(x))


@takes_out("same")
def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, and ``x`` itself where ``beta * x > threshold``
    (as PyTorch, for speed and to keep the gradient exactly 1 there)."""
    scaled = input * beta if beta != 1 else input
    smooth = _softplus(scaled) / beta if beta != 1 else _softplus(scaled)
    return ops.where(scaled > threshold, input, smooth)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``."""
    return _result(input, inplace, "mish", lambda x: x * ops.tanh(_softplus(x)))


@takes_out("same", resize_warns=False)
def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``, finite for inputs of any size."""
    return -_softplus(-input)


@takes_out("same")
def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x`` where ``|x| > lambd``, else 0."""
    x = softmax_input(input, None, "hardshrink")
    return ops.where(ops.abs(x) > lambd, x, 0.0)


@takes_out("same")
def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0."""
    x = softmax_input(input, None, "softshrink")
    if lambd < 0:
        raise RuntimeError(f"softshrink: lambda must be in range [0, inf) for input dtype "
                           f"{x.dtype}, but found {lambd}")
    return ops.where(x > lambd, x - lambd, ops.where(x < -lambd, x + lambd, 0.0))


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
    one slope per channel (dim 1)."""
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
    x = softmax_input(input, dtype, "softmin")
    return ops.softmax(-x, _softmax_dim("softmin", x.ndim, dim, _stacklevel))


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
    return _result(input, True, "threshold", lambda x: _threshold(x, threshold, value))


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
