"""Normalisation: subtract a mean, divide by a standard deviation, then scale and shift.

The layers differ only in which elements share the statistics: batch norm a channel
across the batch, layer norm the trailing dims of one sample, group norm a group of
channels of one sample, instance norm one channel of one sample.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ... import ops
from ...ops import movement
from ...autograd.grad_mode import no_grad
from ...ops.out_argument import takes_out
from ...ops._util import contiguous_result
from ...dtypes import scalar_type_name
from ...tensor import Tensor
from ._checks import check_same_dtype, check_tensor


def _standardize(x: Tensor, dims: tuple[int, ...], eps: float) -> Tensor:
    """``(x - mean) / sqrt(var + eps)`` with the mean and biased variance over ``dims``."""
    mean = ops.mean(x, dims, keepdim=True)
    centered = x - mean
    var = ops.mean(centered * centered, dims, keepdim=True)
    return centered / ops.sqrt(var + eps)


def _affine(out: Tensor, weight: Tensor | None, bias: Tensor | None,
            shape: tuple[int, ...]) -> Tensor:
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def _check_channels(op: str, input: Tensor, channels: int, **tensors: Tensor | None) -> None:
    """PyTorch's checks of per-channel tensors: one value per channel, and the input's
    dtype (a float16 input may also come with float32 ones, as under autocast)."""
    _check_channel_counts(op, input, channels, **tensors)
    given = [t for t in tensors.values() if t is not None]
    if input.dtype == np.float16 and given and all(t.dtype == np.float32 for t in given):
        return
    check_same_dtype(op, input, **tensors)


def _check_float(op: str, input: Tensor, kernel: str, empty_ok: bool = False) -> None:
    """PyTorch's NotImplementedError for an input that is not float: the kernel has none
    (``empty_ok``: PyTorch does not run it on an empty input)."""
    if input.dtype.kind != "f" and not (empty_ok and input.numel() == 0):
        raise NotImplementedError(f"{op}: \"{kernel}\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}'")


def _check_channel_counts(op: str, input: Tensor, channels: int,
                          **tensors: Tensor | None) -> None:
    for name, t in tensors.items():
        if t is not None and tuple(t.shape) != (channels,):
            raise RuntimeError(f"{op}: {name} should contain {channels} elements not "
                               f"{t.numel()} (input of shape {tuple(input.shape)})")


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each channel (dim 1) over the batch and spatial dims.

    Training: uses the batch mean and biased variance, and (when given) updates the
    running stats in place: ``r = (1 - momentum) r + momentum * stat``, with the unbiased
    variance for ``running_var``. Eval: uses ``running_mean`` and ``running_var``.
    Then ``y = (x - mean) / sqrt(var + eps) * weight + bias``.

    Parameters
    ----------
    input : Tensor
        Shape ``(N, C, *)``.
    running_mean, running_var : Tensor or None
        Shape ``(C,)``. Required when not training.
    weight, bias : Tensor, optional
        Shape ``(C,)``.
    training : bool
    momentum : float
    eps : float
    """
    per_channel = dict(running_mean=running_mean, running_var=running_var, weight=weight,
                       bias=bias)
    if input.ndim < 2:  # PyTorch finds no dim 1: the per-channel tensors have 0 channels
        message = (f"batch_norm: expected an input of shape (N, C, *), got shape "
                   f"{tuple(input.shape)}")
        counted = input.ndim and any(t is not None for t in per_channel.values())
        raise (RuntimeError if counted else IndexError)(message)
    channels = input.shape[1]
    _check_channel_counts("batch_norm", input, channels, **per_channel)
    if input.numel() == 0:  # PyTorch runs no kernel, and checks no dtype
        return input.clone()
    _check_float("batch_norm", input, "batch_norm")
    _check_channels("batch_norm", input, channels, **per_channel)
    dims = (0,) + tuple(range(2, input.ndim))
    kept = (1, channels) + (1,) * (input.ndim - 2)
    if training:
        mean, var = _batch_stats(input, dims, "batch_norm")
        if running_mean is not None and running_var is not None:
            _update_running(running_mean, running_var, mean, var, momentum,
                            input.numel() // channels)
    elif running_mean is None or running_var is None:
        raise ValueError("batch_norm: running_mean and running_var are needed when not "
                         "training")
    else:
        mean, var = running_mean.reshape(kept), running_var.reshape(kept)
    out = _affine((input - mean) / ops.sqrt(var + eps), weight, bias, kept)
    return out if out.dtype == input.dtype else out.to(input.dtype)  # float16 input


def _batch_stats(input: Tensor, dims: tuple[int, ...], op: str) -> tuple[Tensor, Tensor]:
    """Mean and biased variance over ``dims``, kept as size-1 dims."""
    if input.numel() and input.numel() // input.shape[1] == 1:
        raise ValueError(f"{op}: expected more than 1 value per channel when training, got "
                         f"input of shape {tuple(input.shape)}")
    mean = ops.mean(input, dims, keepdim=True)
    centered = input - mean
    return mean, ops.mean(centered * centered, dims, keepdim=True)


def _update_running(running_mean: Tensor, running_var: Tensor, mean: Tensor, var: Tensor,
                    momentum: float, count: int) -> None:
    with no_grad():
        unbiased = var.detach().reshape(-1) * (count / (count - 1))
        running_mean.mul_(1 - momentum).add_(mean.detach().reshape(-1) * momentum)
        running_var.mul_(1 - momentum).add_(unbiased * momentum)


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each channel of each sample over its spatial dims.

    With ``use_input_stats`` the statistics come from the input, and running stats (when
    given) move towards their average over the batch; otherwise the running stats are
    used, as ``batch_norm`` does in eval mode.

    Parameters
    ----------
    input : Tensor
        Shape ``(N, C, *)``.
    running_mean, running_var, weight, bias : Tensor, optional
        Shape ``(C,)``.
    use_input_stats : bool
    momentum, eps : float
    """
    if input.ndim < 3:
        raise ValueError(f"instance_norm: expected an input of shape (N, C, *spatial), got "
                         f"shape {tuple(input.shape)}")
    n, channels = input.shape[:2]
    _check_float("instance_norm", input, "batch_norm", empty_ok=True)
    if input.dtype.kind != "f":  # empty: PyTorch runs no kernel
        return input.clone()
    _check_channels("instance_norm", input, channels, weight=weight, bias=bias)
    # PyTorch lets the running stats have another dtype here
    _check_channel_counts("instance_norm", input, channels, running_mean=running_mean,
                          running_var=running_var)
    kept = (1, channels) + (1,) * (input.ndim - 2)
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    spatial = tuple(range(2, input.ndim))
    if math.prod(input.shape[2:]) == 1:
        raise ValueError(f"instance_norm: expected more than 1 spatial element when training, "
                         f"got input of shape {tuple(input.shape)}")
    mean = ops.mean(input, spatial, keepdim=True)
    centered = input - mean
    var = ops.mean(centered * centered, spatial, keepdim=True)
    if running_mean is not None and running_var is not None:
        _update_running(running_mean, running_var, ops.mean(mean, 0), ops.mean(var, 0),
                        momentum, input.numel() // (n * channels))
    return _affine(centered / ops.sqrt(var + eps), weight, bias, kept)


def _normalized_dims(input: Tensor, normalized_shape: Any, op: str) -> tuple[int, ...]:
    """The trailing dims that ``normalized_shape`` names, after checking the input ends
    with it."""
    if isinstance(normalized_shape, (int, np.integer)):
        normalized_shape = (int(normalized_shape),)
    shape = tuple(int(s) for s in normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(f"{op}: given normalized_shape={list(shape)}, expected input with "
                           f"shape [*, {', '.join(map(str, shape))}], but got input of size "
                           f"{list(input.shape)}")
    return tuple(range(input.ndim - k, input.ndim))


def _check_same_shape(op: str, t: Tensor | None, name: str, shape: tuple[int, ...]) -> None:
    if t is not None and tuple(t.shape) != shape:
        raise RuntimeError(f"{op}: expected {name} to be of same shape as normalized_shape, "
                           f"but got {name} of shape {list(t.shape)} and normalized_shape = "
                           f"{list(shape)}")


@contiguous_result
def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize over the trailing dims given by ``normalized_shape``, per sample.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias``, the mean and (biased) variance
    taken over the last ``len(normalized_shape)`` dims.

    Parameters
    ----------
    input : Tensor
        Shape ``(*, *normalized_shape)``.
    normalized_shape : int or sequence of int
    weight, bias : Tensor, optional
        Shape ``normalized_shape``.
    eps : float
    """
    check_same_dtype("layer_norm", input, weight=weight, bias=bias)
    dims = _normalized_dims(input, normalized_shape, "layer_norm")
    _check_float("layer_norm", input, "LayerNormKernelImpl")
    shape = tuple(input.shape[dims[0]:])
    _check_same_shape("layer_norm", weight, "weight", shape)
    _check_same_shape("layer_norm", bias, "bias", shape)
    return _affine(_standardize(input, dims, eps), weight, bias, shape)


def rms_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """``x / sqrt(mean(x^2) + eps) * weight`` over the trailing ``normalized_shape`` dims;
    ``eps`` defaults to the machine epsilon of the input's dtype, which is the result's
    (a weight of another float dtype is cast to it)."""
    check_tensor(input, "input", "rms_norm", 1)
    if not isinstance(normalized_shape, (list, tuple)):
        raise TypeError(f"rms_norm(): argument 'normalized_shape' (position 2) must be tuple "
                        f"of ints, not {type(normalized_shape).__name__}")
    if len(normalized_shape) > input.ndim:
        raise ValueError(f"rms_norm: input tensor must have at least {len(normalized_shape)} "
                         f"dimensions, but got {input.ndim} (shape {tuple(input.shape)})")
    dims = _normalized_dims(input, normalized_shape, "rms_norm")
    _check_float("rms_norm", input, "rms_norm")  # after the shape, as PyTorch checks
    shape = tuple(input.shape[dims[0]:])
    _check_same_shape("rms_norm", weight, "weight", shape)
    if weight is not None and weight.dtype != input.dtype:
        weight = weight.to(input.dtype)
    eps = float(np.finfo(input.dtype).eps) if eps is None else eps
    out = input / ops.sqrt(ops.mean(input * input, dims, keepdim=True) + eps)
    return _affine(out, weight, None, shape)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Split the channels into ``num_groups`` groups and normalize each group of each
    sample over its channels and spatial dims; then scale and shift per channel.

    Parameters
    ----------
    input : Tensor
        Shape ``(N, C, *)``, C divisible by ``num_groups``.
    num_groups : int
    weight, bias : Tensor, optional
        Shape ``(C,)``.
    eps : float
    """
    if input.ndim < 2:
        raise RuntimeError(f"group_norm: expected at least 2 dimensions for input tensor but "
                           f"received {input.ndim} (shape {tuple(input.shape)})")
    n, channels = input.shape[:2]
    if num_groups <= 0 or channels % num_groups:
        raise RuntimeError(f"group_norm: expected number of channels in input to be divisible "
                           f"by num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    _check_float("group_norm", input, "GroupNormKernelImpl")
    _check_channels("group_norm", input, channels, weight=weight, bias=bias)
    grouped = input.reshape(n, num_groups, channels // num_groups * math.prod(input.shape[2:]))
    out = _standardize(grouped, (2,), eps).reshape(input.shape)
    return _affine(out, weight, bias, (1, channels) + (1,) * (input.ndim - 2))


@takes_out()
def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """``x / max(||x||_p, eps)`` along ``dim``: unit vectors (a zero vector stays zero,
    with gradient ``1 / eps``, as in PyTorch)."""
    norm = _p_norm(input, p, dim)
    return input / ops.clamp(norm, min=eps)


def _p_norm(x: Tensor, p: float, dim: int) -> Tensor:
    """The p-norm along ``dim`` (kept), with a finite zero gradient for a zero vector; any
    p, as PyTorch's ``norm``: 0 counts the nonzero entries, a negative p or -inf gives 0
    for a vector with a zero entry (so ``normalize`` divides it by ``eps``)."""
    return ops.norm(x, p, dim, keepdim=True)


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """Divide each value by ``(k + alpha * mean(x^2 over `size` neighbouring channels))
    ** beta``, as AlexNet did; the window runs from ``size // 2`` channels before to
    ``(size - 1) // 2`` after, zero-padded at the ends."""
    if input.ndim < 3:
        raise ValueError(f"local_response_norm: Expected 3D or higher dimensionality input "
                         f"(got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    if input.dtype.kind != "f" and input.dtype != np.int64:  # PyTorch averages by pooling
        raise NotImplementedError(f"local_response_norm: \"avg_pool2d\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}'")
    channels = input.shape[1]
    squares = input * input
    pad = [0, 0] * (input.ndim - 2) + [size // 2, (size - 1) // 2]
    padded = movement.pad(squares, pad)
    window = sum(ops.narrow(padded, 1, offset, channels) for offset in range(size))
    if input.dtype == np.int64:  # PyTorch's integer average pool rounds the mean down
        return input / ((window // size * alpha + k) ** beta)
    return input / ((window * (alpha / size) + k) ** beta)
