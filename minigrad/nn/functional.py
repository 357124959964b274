"""Stateless neural-network functions: layers, activations and losses on tensors.

Everything here is written with the primitives of :mod:`minigrad.ops`, so gradients (and
gradients of gradients) come for free. The modules of :mod:`minigrad.nn` are thin
stateful shells around these functions.
"""
from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from .. import ops, random
from ..autograd.grad_mode import no_grad
from ..ops import flatten, log_softmax, pad, relu, sigmoid, softmax, tanh
from ..ops.conv import conv2d, fold, unfold
from ..ops.pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from ..ops.special import erf, softplus as _softplus
from ..tensor import Tensor


__all__ = ["linear", "conv2d", "unfold", "fold", "max_pool2d", "avg_pool2d",
           "adaptive_avg_pool2d", "flatten", "pad", "relu", "leaky_relu", "gelu", "tanh",
           "sigmoid", "softplus", "softmax", "log_softmax", "dropout", "batch_norm",
           "cross_entropy", "nll_loss", "mse_loss", "l1_loss",
           "binary_cross_entropy_with_logits"]


# --- layers -------------------------------------------------------------------------------
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``.

    Parameters
    ----------
    input : Tensor
        Shape ``(*, in_features)``.
    weight : Tensor
        Shape ``(out_features, in_features)``.
    bias : Tensor, optional
        Shape ``(out_features,)``.

    Returns
    -------
    Tensor
        Shape ``(*, out_features)``.
    """
    ops.check_same_dtype("linear", input, weight, bias)
    if input.ndim == 0 or input.shape[-1] != weight.shape[-1]:
        raise RuntimeError(f"linear: input of shape {tuple(input.shape)} does not match "
                           f"weight of shape {tuple(weight.shape)} (the input's last dim "
                           f"must be {weight.shape[-1]})")
    out = ops.matmul(input, ops.transpose(weight, 0, 1))
    return out if bias is None else out + bias


# --- activations --------------------------------------------------------------------------
def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """``input`` where it is positive, ``negative_slope * input`` elsewhere.

    The gradient at 0 is ``negative_slope``, as in PyTorch.
    """
    return ops.where(input > 0, input, input * negative_slope)


_SQRT_HALF = math.sqrt(0.5)
_SQRT_TWO_OVER_PI = math.sqrt(2.0 / math.pi)


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
        return 0.5 * input * (1 + tanh(inner))
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def softplus(input: Tensor, beta: float = 1.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, without overflow for any input."""
    return _softplus(input * beta) / beta if beta != 1 else _softplus(input)


def dropout(input: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``
    (inverted dropout), so the expected value is unchanged. Identity when not training.

    The mask is drawn from ``minigrad.random.default_generator()``.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0
    draw_dtype = np.float32 if input.dtype == np.float32 else np.float64
    keep = random.default_generator().random(input.shape, dtype=draw_dtype) >= p
    scale = keep.astype(input.dtype) * np.asarray(1.0 / (1.0 - p), dtype=input.dtype)
    return input * Tensor._wrap(scale)


# --- normalization ------------------------------------------------------------------------
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
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected an input of shape (N, C, *), got shape "
                         f"{tuple(input.shape)}")
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t.shape != (channels,):
            raise ValueError(f"batch_norm: {name} of shape {tuple(t.shape)} does not match "
                             f"the {channels} channels of input of shape {tuple(input.shape)}")
    dims = (0,) + tuple(range(2, input.ndim))
    kept = (1, channels) + (1,) * (input.ndim - 2)
    if training:
        mean, var = _batch_stats(input, dims)
        if running_mean is not None and running_var is not None:
            _update_running(running_mean, running_var, mean, var, momentum,
                            input.numel() // channels)
    elif running_mean is None or running_var is None:
        raise ValueError("batch_norm: running_mean and running_var are needed when not "
                         "training")
    else:
        mean, var = running_mean.reshape(kept), running_var.reshape(kept)
    out = (input - mean) / ops.sqrt(var + eps)
    if weight is not None:
        out = out * weight.reshape(kept)
    if bias is not None:
        out = out + bias.reshape(kept)
    return out


def _batch_stats(input: Tensor, dims: tuple[int, ...]) -> tuple[Tensor, Tensor]:
    """Mean and biased variance over ``dims``, kept as size-1 dims."""
    if input.numel() // input.shape[1] <= 1:
        raise ValueError(f"batch_norm: expected more than 1 value per channel when "
                         f"training, got input of shape {tuple(input.shape)}")
    mean = ops.mean(input, dims, keepdim=True)
    centered = input - mean
    return mean, ops.mean(centered * centered, dims, keepdim=True)


def _update_running(running_mean: Tensor, running_var: Tensor, mean: Tensor, var: Tensor,
                    momentum: float, count: int) -> None:
    with no_grad():
        unbiased = var.detach().reshape(-1) * (count / (count - 1))
        running_mean.mul_(1 - momentum).add_(mean.detach().reshape(-1) * momentum)
        running_var.mul_(1 - momentum).add_(unbiased * momentum)


# --- losses -------------------------------------------------------------------------------
_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str, op: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce(losses: Tensor, reduction: str, op: str) -> Tensor:
    _check_reduction(reduction, op)
    if reduction == "mean":
        return losses.mean()
    return losses.sum() if reduction == "sum" else losses


def _matching_target(input: Tensor, target: Any, op: str) -> Tensor:
    """``target`` as a tensor of input's shape (arrays and numbers take input's dtype)."""
    if not isinstance(target, Tensor):
        target = Tensor._wrap(np.asarray(target, dtype=input.dtype))
    if target.shape != input.shape:
        raise ValueError(f"{op}: target of shape {tuple(target.shape)} does not match input "
                         f"of shape {tuple(input.shape)}; the shapes must be equal")
    return target


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Squared error ``(input - target)^2``, reduced by ``'mean'``, ``'sum'`` or ``'none'``.

    Unlike PyTorch, input and target must have the same shape (a broadcast loss is
    almost always a bug).
    """
    diff = input - _matching_target(input, target, "mse_loss")
    return _reduce(diff * diff, reduction, "mse_loss")


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Absolute error ``|input - target|``, reduced by ``'mean'``, ``'sum'`` or ``'none'``."""
    diff = input - _matching_target(input, target, "l1_loss")
    return _reduce(ops.abs(diff), reduction, "l1_loss")


def binary_cross_entropy_with_logits(input: Tensor, target: Any, weight: Any = None,
                                     reduction: str = "mean",
                                     pos_weight: Any = None) -> Tensor:
    """Binary cross-entropy of ``sigmoid(input)`` against probabilities ``target``.

    Computed from the logits as ``(1 - t) x + (1 + (pos_weight - 1) t) softplus(-x)``,
    which equals ``-[pos_weight t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))]`` and
    stays finite for logits of any size.

    Parameters
    ----------
    input : Tensor
        Logits, any shape.
    target : Tensor or array_like
        Same shape, values in [0, 1].
    weight : Tensor, optional
        Broadcastable to the input: a weight per element.
    reduction : {'mean', 'sum', 'none'}
    pos_weight : Tensor, optional
        Broadcastable to the input (usually one value per class, the last dim): weight
        of the positive term.
    """
    target = _matching_target(input, target, "binary_cross_entropy_with_logits")
    log_one_plus = _softplus(-input)
    if pos_weight is None:
        losses = (1 - target) * input + log_one_plus
    else:
        losses = (1 - target) * input + (1 + (pos_weight - 1) * target) * log_one_plus
    if weight is not None:
        losses = losses * weight
    return _reduce(losses, reduction, "binary_cross_entropy_with_logits")


class _Targets(NamedTuple):
    """Class-index targets read and checked once: the index of each sample (ignored ones
    point at class 0), its weight (0 for ignored samples), and which are not ignored."""

    index: np.ndarray
    weight: np.ndarray
    valid: np.ndarray


def _read_targets(input: Tensor, target: Any, weight: Any, ignore_index: int,
                  op: str) -> _Targets:
    """Check class-index targets against a ``(N, C, d1, ...)`` input."""
    array = target._data if isinstance(target, Tensor) else np.asarray(target)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: expected a target of integer class indices, got dtype "
                        f"{array.dtype}")
    expected = (input.shape[0],) + tuple(input.shape[2:])
    if array.shape != expected:
        raise ValueError(f"{op}: expected a target of shape {expected} for an input of shape "
                         f"{tuple(input.shape)}, got a target of shape {tuple(array.shape)}")
    classes = input.shape[1]
    valid = array != ignore_index
    bad = array[valid & ((array < 0) | (array >= classes))]
    if bad.size:
        raise IndexError(f"{op}: target {int(bad.flat[0])} is out of bounds: expected class "
                         f"indices in [0, {classes}) (or ignore_index={ignore_index}) for an "
                         f"input of shape {tuple(input.shape)}")
    index = np.where(valid, array, 0)
    class_weight = _class_weights(weight, classes, input.dtype, op)
    sample_weight = np.where(valid, class_weight[index], 0).astype(input.dtype)
    return _Targets(index, sample_weight, valid)


def _class_weights(weight: Any, classes: int, dtype: np.dtype, op: str) -> np.ndarray:
    if weight is None:
        return np.ones(classes, dtype=dtype)
    array = (weight._data if isinstance(weight, Tensor) else np.asarray(weight)).astype(dtype)
    if array.shape != (classes,):
        raise ValueError(f"{op}: weight of shape {tuple(array.shape)} does not match the "
                         f"{classes} classes; expected shape ({classes},)")
    return array


def _weighted_reduce(losses: Tensor, sample_weight: np.ndarray, reduction: str) -> Tensor:
    """Reduce per-sample losses; the mean divides by the total weight, as PyTorch does."""
    if reduction == "none":
        return losses
    total = losses.sum()
    if reduction == "sum":
        return total
    return total / np.asarray(sample_weight.sum(), dtype=losses.dtype)


def _batched(input: Tensor, target: Any) -> tuple[Tensor, Any, bool]:
    """An unbatched ``(C,)`` input with a scalar target becomes a batch of one."""
    if input.ndim != 1:
        return input, target, False
    array = target._data if isinstance(target, Tensor) else np.asarray(target)
    return ops.unsqueeze(input, 0), array.reshape(1) if array.ndim == 0 else array, True


def nll_loss(input: Tensor, target: Any, weight: Any = None, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class-index targets, given log-probabilities.

    Parameters
    ----------
    input : Tensor
        Log-probabilities of shape ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``.
    target : Tensor or array_like of int
        Class indices of shape ``(N,)``, ``(N, d1, ...)`` or ``()``, in ``[0, C)``.
    weight : Tensor, optional
        A weight per class, shape ``(C,)``.
    ignore_index : int
        Target value that contributes neither loss nor gradient.
    reduction : {'mean', 'sum', 'none'}
        ``'mean'`` divides by the total weight of the non-ignored targets.
    """
    return _nll_and_smoothing(input, target, weight, ignore_index, reduction, 0.0,
                              "nll_loss")


def cross_entropy(input: Tensor, target: Any, weight: Any = None, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy of class-index targets, given unnormalised logits.

    ``log_softmax`` (shifted by the maximum, so logits of +-1000 are fine) followed by
    ``nll_loss``. With ``label_smoothing`` e the target distribution is ``1 - e`` on the
    target class plus ``e / C`` spread over all classes.

    Parameters
    ----------
    input : Tensor
        Logits of shape ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``.
    target : Tensor or array_like of int
        Class indices of shape ``(N,)``, ``(N, d1, ...)`` or ``()``, in ``[0, C)``.
    weight : Tensor, optional
        A weight per class, shape ``(C,)``.
    ignore_index : int
        Target value that contributes neither loss nor gradient.
    reduction : {'mean', 'sum', 'none'}
        ``'mean'`` divides by the total weight of the non-ignored targets.
    label_smoothing : float
        In [0, 1].

    Examples
    --------
    >>> logits = minigrad.tensor([[2.0, 0.5, -1.0]], requires_grad=True)
    >>> loss = cross_entropy(logits, minigrad.tensor([0]))
    """
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got "
                         f"{label_smoothing}")
    if input.ndim == 0:
        raise ValueError("cross_entropy: expected an input of shape (N, C, ...) or (C,), got "
                         "a 0-d tensor")
    class_dim = 0 if input.ndim == 1 else 1
    return _nll_and_smoothing(log_softmax(input, class_dim), target, weight, ignore_index,
                              reduction, label_smoothing, "cross_entropy")


def _nll_and_smoothing(logp: Tensor, target: Any, weight: Any, ignore_index: int,
                       reduction: str, smoothing: float, op: str) -> Tensor:
    _check_reduction(reduction, op)
    logp, target, unbatched = _batched(logp, target)
    if logp.ndim < 2:
        raise ValueError(f"{op}: expected an input of shape (N, C, ...) or (C,), got shape "
                         f"{tuple(logp.shape)}")
    targets = _read_targets(logp, target, weight, ignore_index, op)
    picked = ops.gather(logp, 1, np.expand_dims(targets.index, 1))
    losses = ops.squeeze(picked, 1) * Tensor._wrap(-targets.weight)
    if smoothing:
        classes = logp.shape[1]
        kept = (1, classes) + (1,) * (logp.ndim - 2)
        class_weight = _class_weights(weight, classes, logp.dtype, op).reshape(kept)
        spread = -ops.sum(logp * Tensor._wrap(class_weight), 1)
        valid = Tensor._wrap(targets.valid.astype(logp.dtype))
        losses = (1 - smoothing) * losses + (smoothing / classes) * spread * valid
    out = _weighted_reduce(losses, targets.weight, reduction)
    return ops.squeeze(out, 0) if unbatched and reduction == "none" else out
