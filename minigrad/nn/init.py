"""Weight initialisation, in place, as in ``torch.nn.init``.

Every function fills the tensor's array under ``no_grad``, keeps its dtype, draws from
``minigrad.random.default_generator()`` (so ``minigrad.manual_seed`` repeats a run), and
returns the tensor.
"""
from __future__ import annotations

import functools
import math
import warnings
from typing import Any, Callable
import numpy as np

from .. import random
from ..autograd.grad_mode import no_grad
from ..internal import wrap
from ..tensor import Tensor

_LINEAR_GAINS = ("linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                 "conv_transpose2d", "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended scale of the weights in front of ``nonlinearity``.

    Parameters
    ----------
    nonlinearity : str
        ``'linear'``, ``'conv2d'`` (and the other conv names), ``'sigmoid'``, ``'tanh'``
        (5/3), ``'relu'`` (sqrt 2), ``'leaky_relu'`` (sqrt(2 / (1 + slope^2))) or
        ``'selu'`` (3/4).
    param : float, optional
        The negative slope of ``'leaky_relu'`` (0.01 by default).
    """
    if nonlinearity in _LINEAR_GAINS:
        return 1  # an int, as PyTorch returns it
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative_slope {slope!r} is not a number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _fans(tensor: Tensor, op: str) -> tuple[int, int]:
    """(fan_in, fan_out): ``in * k`` and ``out * k``, k the size of one kernel."""
    if tensor.ndim < 2:
        raise ValueError(f"{op}: fan in and fan out can not be computed for a tensor with "
                         f"fewer than 2 dimensions (got shape {tuple(tensor.shape)})")
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fill(tensor: Tensor, values: np.ndarray) -> Tensor:
    """Write ``values`` into the tensor's array, in its dtype (a bare ndarray, as an
    older ``.data`` gives, is written in place too)."""
    if isinstance(tensor, np.ndarray):
        np.copyto(tensor, np.asarray(values), casting="unsafe")
        return tensor
    with no_grad():
        tensor.copy_(wrap(np.asarray(values).astype(tensor.dtype, copy=False)))
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill with samples from the uniform distribution on ``[a, b)``."""
    return _fill(tensor, random.default_generator().uniform(a, b, tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with samples from the normal distribution ``N(mean, std^2)``."""
    return _fill(tensor, random.default_generator().normal(mean, std, tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    return _fill(tensor, np.full(tensor.shape, val))


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros."""
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones."""
    return constant_(tensor, 1.0)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str, op: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{op}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(tensor, op)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan) if fan else 0.0


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu") -> Tensor:
    """He initialisation: uniform on ``[-bound, bound]``, ``bound = gain * sqrt(3 / fan)``.

    Parameters
    ----------
    tensor : Tensor
        At least 2-D: ``(out, in, *kernel)``.
    a : float
        Negative slope of the leaky ReLU that follows (used by the gain).
    mode : {'fan_in', 'fan_out'}
        Keep the variance of the forward (fan_in) or backward (fan_out) pass.
    nonlinearity : str
        See `calculate_gain`.
    """
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu") -> Tensor:
    """He initialisation: normal with ``std = gain / sqrt(fan)``. Parameters as in
    `kaiming_uniform_`."""
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_"))


def _xavier_std(tensor: Tensor, gain: float, op: str) -> float:
    fan_in, fan_out = _fans(tensor, op)
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot initialisation: uniform on ``[-b, b]``, ``b = gain * sqrt(6 / (fan_in +
    fan_out))``."""
    bound = math.sqrt(3.0) * _xavier_std(tensor, gain, "xavier_uniform_")
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot initialisation: normal with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    return normal_(tensor, 0.0, _xavier_std(tensor, gain, "xavier_normal_"))


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: Any = None) -> Tensor:
    """Fill with samples from ``N(mean, std^2)`` truncated to ``[a, b]`` (redrawn until
    inside; ``a`` and ``b`` are absolute values, as in PyTorch)."""
    if not a < b:
        raise ValueError(f"trunc_normal_: a ({a}) must be below b ({b})")
    rng = random.default_generator()
    values = rng.normal(mean, std, tensor.shape)
    outside = (values < a) | (values > b)
    for _ in range(1000):
        if not outside.any():
            break
        values[outside] = rng.normal(mean, std, int(outside.sum()))
        outside = (values < a) | (values > b)
    return _fill(tensor, np.clip(values, a, b))


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with a (semi-)orthogonal matrix, times ``gain``: rows or columns orthonormal,
    the tensor seen as ``(shape[0], prod(shape[1:]))`` (Saxe et al., 2013)."""
    if len(tensor.shape) < 2:
        raise ValueError(f"orthogonal_: only tensors with 2 or more dimensions are supported, "
                         f"got shape {tuple(tensor.shape)}")
    rows = tensor.shape[0]
    cols = math.prod(tensor.shape) // rows if rows else 0
    flat = random.default_generator().normal(0.0, 1.0, (rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))  # make the decomposition unique (uniform over rotations)
    if rows < cols:
        q = q.T
    return _fill(tensor, gain * q.reshape(tensor.shape))


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity (ones on the diagonal)."""
    if len(tensor.shape) != 2:
        raise ValueError(f"eye_: only 2D tensors are supported, got shape {tuple(tensor.shape)}")
    return _fill(tensor, np.eye(*tensor.shape))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-D convolution weight ``(C_out, C_in, *kernel)`` with the Dirac
    delta: in each of ``groups`` groups of output channels, channel ``d`` of the group
    has a 1 at the kernel's centre of input channel ``d`` (the convolution then passes
    those input channels through); zeros elsewhere."""
    shape = tuple(tensor.shape)
    if len(shape) not in (3, 4, 5):
        raise ValueError(f"dirac_: Only tensors with 3, 4, or 5 dimensions are supported, got "
                         f"shape {shape}")
    if shape[0] % groups:
        raise ValueError(f"dirac_: dim 0 must be divisible by groups ({groups}), got shape "
                         f"{shape}")
    per_group = shape[0] // groups
    values = np.zeros(shape)
    centre = tuple(k // 2 for k in shape[2:])
    for g in range(groups):
        for d in range(min(per_group, shape[1])):
            values[(g * per_group + d, d) + centre] = 1
    return _fill(tensor, values)


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01,
            generator: Any = None) -> Tensor:
    """Fill a 2-D tensor with normal values of mean 0 and standard deviation ``std``, then
    zero ``ceil(sparsity * rows)`` randomly chosen rows of each column (Martens, 2010)."""
    if len(tensor.shape) != 2:
        raise ValueError(f"sparse_: Only tensors with 2 dimensions are supported, got shape "
                         f"{tuple(tensor.shape)}")
    rows, cols = tensor.shape
    rng = random.numpy_generator(generator, "sparse_")
    values = rng.normal(0.0, std, (rows, cols))
    zeros = math.ceil(sparsity * rows)
    for c in range(cols):
        values[rng.permutation(rows)[:zeros], c] = 0
    return _fill(tensor, values)


def default_layer_init_(weight: Tensor, bias: Tensor | None = None) -> None:
    """PyTorch's default for Linear and Conv layers: ``kaiming_uniform_(a=sqrt(5))`` for
    the weight, which is uniform on ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]``, and the same
    bound for the bias."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = _fans(weight, "default_layer_init_")
        bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        uniform_(bias, -bound, bound)


def _deprecated(new: Callable) -> Callable:
    """PyTorch's old name of ``new`` (without the trailing underscore): it warns, then
    calls ``new``."""
    old = new.__name__[:-1]

    @functools.wraps(new)
    def call(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(f"`nn.init.{old}` is now deprecated in favor of `nn.init.{new.__name__}`.",
                      FutureWarning, stacklevel=2)
        return new(*args, **kwargs)

    call.__name__ = call.__qualname__ = old
    call.__doc__ = f"Deprecated: `{new.__name__}` (warns, as PyTorch)."
    return call


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
eye = _deprecated(eye_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
dirac = _deprecated(dirac_)
sparse = _deprecated(sparse_)
