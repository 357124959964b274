"""Regression, binary and distribution losses (the class-index losses are in
``classification.py``).

Each computes a per-element loss from primitives and reduces it with ``reduction``:
``'mean'`` (the default), ``'sum'`` or ``'none'``. As in PyTorch, the regression losses
broadcast a target of another shape with a warning, while the binary cross-entropies
refuse one.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ... import ops
from ...internal import named, wrap
from ...ops.loss import binary_cross_entropy as _bce_elementwise
from ...ops.special import softplus as _softplus
from ...dtypes import result_type, scalar_type_name
from ...tensor import Tensor
from ._checks import float_kernel_input
from .reduction import apply_reduction, check_reduction, legacy_reduction


def _as_target(input: Tensor, target: Any) -> Tensor:
    """A tensor target; arrays and numbers take the input's dtype."""
    if isinstance(target, Tensor):
        return target
    return wrap(np.asarray(target, dtype=input.dtype))


def _in_input_dtype(value: Tensor | None, input: Tensor) -> Tensor | None:
    """A floating-point ``value`` (target or weight) cast to the input's dtype: PyTorch's
    fused loss kernels (huber, soft margin, binary cross-entropy) write their result in the
    input's dtype, so a float64 target never turns a float32 loss into float64."""
    if value is None or value.dtype.kind != "f" or value.dtype == input.dtype:
        return value
    return value.to(input.dtype)


def _regression_target(input: Tensor, target: Any, op: str, integer_error: type,
                       promotes: bool = True) -> Tensor:
    """Check that the loss is computed in floating point (in the dtype of input and target
    promoted, or the input's for a kernel that writes there, as huber's); warn (as
    PyTorch) when the target shape differs."""
    target = _as_target(input, target)
    computed = result_type(input, target)
    if computed.kind != "f":
        raise integer_error(f"{op}: not implemented for {input.dtype} input and "
                            f"{target.dtype} target; expected a floating point input")
    if not promotes and input.dtype.kind != "f":
        raise RuntimeError(f"{op}: result type {computed} can't be cast to the desired "
                           f"output type {input.dtype} (the input's)")
    if target.shape != input.shape:
        warnings.warn(f"{op}: Using a target size ({tuple(target.shape)}) that is different to "
                      f"the input size ({tuple(input.shape)}). This will likely lead to "
                      f"incorrect results due to broadcasting. Please ensure they have the "
                      f"same size.", stacklevel=3)
    return target


def _difference(input: Tensor, target: Tensor) -> Tensor:
    """``input - target``, a bool operand read as 0 and 1 in the other's dtype, as
    PyTorch's loss kernels read it (its ``-`` operator, and minigrad's, refuse bools)."""
    dtype = result_type(input, target)
    return ops.sub(*(t.to(dtype) if t.dtype == np.bool_ else t for t in (input, target)))


def _weighted(losses: Tensor, weight: Any, reduction: str, op: str,
              mean_by_weight: bool) -> Tensor:
    """Reduce ``losses * weight``; PyTorch's weighted 'mean' divides by the weights' sum
    for mse and l1 but by the element count for huber."""
    if weight is None:
        return apply_reduction(losses, reduction, op)
    check_reduction(reduction, op)
    weight = _as_target(losses, weight)
    if weight.shape != losses.shape:
        raise ValueError(f"{op}: weights and input must have the same size, got weight of "
                         f"shape {tuple(weight.shape)} for losses of shape "
                         f"{tuple(losses.shape)}")
    weighted = losses * weight
    if reduction == "mean" and mean_by_weight:
        return weighted.sum() / weight.sum()
    return apply_reduction(weighted, reduction, op)


def mse_loss(input: Tensor, target: Any, size_average: bool | None = None,
             reduce: bool | None = None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """Squared error ``(input - target)^2``, reduced by ``'mean'``, ``'sum'`` or ``'none'``.

    ``size_average`` and ``reduce`` are PyTorch's deprecated spelling of ``reduction``.
    With ``weight`` (the input's shape), ``'mean'`` is ``sum(w l) / sum(w)``.
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "mse_loss")
    diff = _difference(input, _regression_target(input, target, "mse_loss", NotImplementedError))
    return named(_weighted(diff * diff, weight, reduction, "mse_loss", True), "MseLossBackward0")


def l1_loss(input: Tensor, target: Any, size_average: bool | None = None,
            reduce: bool | None = None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    """Absolute error ``|input - target|``; arguments as for `mse_loss`."""
    reduction = legacy_reduction(size_average, reduce, reduction, "l1_loss")
    # PyTorch's l1_loss is ``(input - target).abs()``: a bool operand raises as in `-`, and
    # integers give an integer loss (whose 'mean' raises, as the mean of integers does)
    target = _as_target(input, target)
    if result_type(input, target).kind in "iu":
        return _weighted(ops.abs(input - target), weight, reduction, "l1_loss", True)
    diff = input - _regression_target(input, target, "l1_loss", RuntimeError)
    return _weighted(ops.abs(diff), weight, reduction, "l1_loss", True)


def _smooth_l1(diff: Tensor, beta: float) -> Tensor:
    """``0.5 d^2 / beta`` where ``|d| < beta``, ``|d| - 0.5 beta`` elsewhere."""
    size = ops.abs(diff)
    if beta == 0:
        return size
    return ops.where(size < beta, 0.5 * diff * diff / beta, size - 0.5 * beta)


def smooth_l1_loss(input: Tensor, target: Any, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """Quadratic for errors below ``beta``, linear above:
    ``0.5 d^2 / beta`` if ``|d| < beta`` else ``|d| - 0.5 beta``, with ``d = input - target``.

    ``beta = 0`` is the L1 loss. The gradient is continuous (``d / beta`` inside, ``sign(d)``
    outside).
    """
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta, got "
                           f"{beta}")
    reduction = legacy_reduction(size_average, reduce, reduction, "smooth_l1_loss")
    diff = _difference(input, _regression_target(input, target, "smooth_l1_loss", NotImplementedError))
    return named(apply_reduction(_smooth_l1(diff, beta), reduction, "smooth_l1_loss"),
                 "SmoothL1LossBackward0")


def huber_loss(input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """``0.5 d^2`` if ``|d| < delta`` else ``delta (|d| - 0.5 delta)``: ``delta`` times
    `smooth_l1_loss` with ``beta = delta``.

    With ``weight`` (the input's shape), ``'mean'`` is ``mean(w l)`` (as PyTorch).
    """
    if not delta > 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta, got "
                           f"{delta}")
    target = _regression_target(input, target, "huber_loss", NotImplementedError,
                                promotes=False)
    diff = _difference(input, _in_input_dtype(target, input))
    size = ops.abs(diff)
    losses = ops.where(size < delta, 0.5 * diff * diff, delta * (size - 0.5 * delta))
    return named(_weighted(losses, weight, reduction, "huber_loss", False),
                 "HuberLossBackward0")


def _binary_target(input: Tensor, target: Any, op: str, message: str) -> Tensor:
    target = _as_target(input, target)
    if target.shape != input.shape:
        raise ValueError(f"{op}: " + message.format(t=tuple(target.shape),
                                                     i=tuple(input.shape)))
    return target


def binary_cross_entropy(input: Tensor, target: Any, weight: Tensor | None = None,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of probabilities:
    ``-w [t log(p) + (1 - t) log(1 - p)]``, each log clamped at -100 (as PyTorch).

    Parameters
    ----------
    input : Tensor
        Probabilities in [0, 1] (e.g. a sigmoid's output).
    target : Tensor
        Same shape and dtype, values in [0, 1].
    weight : Tensor, optional
        Broadcastable to the input: a weight per element.
    size_average, reduce : bool, optional
        Deprecated spelling of ``reduction``.
    reduction : {'mean', 'sum', 'none'}

    Notes
    -----
    Where ``p`` is exactly 0 or 1 the gradient is ``(p - t) / 1e-12``, as in PyTorch.
    `binary_cross_entropy_with_logits` on the logits is the stable way.
    """
    op = "binary_cross_entropy"
    reduction = legacy_reduction(size_average, reduce, reduction, op)
    check_reduction(reduction, op)
    target = _binary_target(input, target, op, "Using a target size ({t}) that is different "
                            "to the input size ({i}) is deprecated. Please ensure they have "
                            "the same size.")
    if input.dtype.kind != "f" or target.dtype != input.dtype:
        raise RuntimeError(f"{op}: found dtype {target.dtype} for the target but expected "
                           f"{input.dtype} (the input's dtype, which must be floating point)")
    p, t = input.detach().numpy(), target.detach().numpy()
    if ((p < 0) | (p > 1)).any():
        raise RuntimeError(f"{op}: all elements of input should be between 0 and 1")
    if ((t < 0) | (t > 1)).any():
        raise RuntimeError(f"{op}: all elements of target should be between 0 and 1")
    losses = _bce_elementwise(input, target)
    weight = _in_input_dtype(weight, input)
    if weight is not None:
        losses = losses * weight
    return named(apply_reduction(losses, reduction, op), "BinaryCrossEntropyBackward0")


def binary_cross_entropy_with_logits(input: Tensor, target: Any, weight: Tensor | None = None,
                                     size_average: bool | None = None,
                                     reduce: bool | None = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
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
    size_average, reduce : bool, optional
        Deprecated spelling of ``reduction``.
    reduction : {'mean', 'sum', 'none'}
    pos_weight : Tensor, optional
        Broadcastable to the input (usually one value per class, the last dim): weight
        of the positive term.

    Notes
    -----
    As in PyTorch, the loss has the target's dtype (PyTorch computes it in place in a
    buffer made from the target), and an integer or bool target is a RuntimeError.
    """
    op = "binary_cross_entropy_with_logits"
    reduction = legacy_reduction(size_average, reduce, reduction, op)
    check_reduction(reduction, op)
    if isinstance(input, Tensor) and input.dtype.kind != "f":  # PyTorch's log-sigmoid kernel
        raise NotImplementedError(f"{op}: \"log_sigmoid_cpu\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}' (the input, of shape "
                                  f"{tuple(input.shape)}, holds logits: use .float())")
    target = _binary_target(input, target, op, "Target size ({t}) must be the same as input "
                            "size ({i})")
    if target.dtype.kind != "f":
        raise RuntimeError(f"{op}: result type {scalar_type_name(input.dtype)} can't be cast "
                           f"to the desired output type {scalar_type_name(target.dtype)} "
                           f"(target of dtype {target.dtype}; pass a floating point target, "
                           f"e.g. target.float())")
    float_kernel_input(input, op, "log_sigmoid_cpu")
    log_one_plus = _softplus(-input)
    if pos_weight is None:
        losses = (1 - target) * input + log_one_plus
    else:
        losses = (1 - target) * input + (1 + (pos_weight - 1) * target) * log_one_plus
    if weight is not None:
        losses = losses * weight
    if losses.dtype != target.dtype:
        losses = losses.to(target.dtype)
    return named(apply_reduction(losses, reduction, op),
                 "BinaryCrossEntropyWithLogitsBackward0")


def kl_div(input: Tensor, target: Any, size_average: bool | None = None,
           reduce: bool | None = None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence ``sum t (log t - x)`` of a target distribution ``t``
    from log-probabilities ``x = input``.

    Parameters
    ----------
    input : Tensor
        Log-probabilities.
    target : Tensor
        Probabilities (terms with ``t = 0`` count 0), or log-probabilities when
        ``log_target``; broadcast against the input.
    size_average, reduce : bool, optional
        Deprecated spelling of ``reduction``.
    reduction : {'mean', 'batchmean', 'sum', 'none'}
        ``'batchmean'`` divides the sum by the batch size (dim 0), which is the divergence
        per sample; ``'mean'`` divides by the number of elements (PyTorch warns about it).
    log_target : bool
    """
    op = "kl_div"
    reduction = legacy_reduction(size_average, reduce, reduction, op)
    check_reduction(reduction, op, ("mean", "batchmean", "sum", "none"))
    if reduction == "mean":
        warnings.warn("kl_div: reduction: 'mean' divides the total loss by both the batch size "
                      "and the support size. 'batchmean' divides only by the batch size, and "
                      "aligns with the KL div math definition.", stacklevel=2)
    target = _as_target(input, target)
    if input.dtype.kind != "f" or target.dtype.kind != "f":
        raise RuntimeError(f"kl_div: integral inputs not supported (input {input.dtype}, "
                           f"target {target.dtype})")
    if log_target:
        losses = ops.exp(target) * (target - input)
    else:
        positive = target > 0
        safe = ops.where(positive, target, 1.0)
        # t log t, with 0 log 0 = 0 (and NaN for a negative t, as PyTorch's xlogy)
        nan = wrap(np.array(np.nan, target.dtype))  # keeps a float16 loss float16
        entropy = ops.where(positive, target * ops.log(safe), ops.where(target == 0, 0.0, nan))
        losses = entropy - target * input
    if reduction == "batchmean":
        batch = input.shape[0] if input.ndim else 1
        return losses.sum() / batch
    return apply_reduction(losses, reduction, op)


def poisson_nll_loss(input: Tensor, target: Any, log_input: bool = True, full: bool = False,
                     size_average: bool | None = None, eps: float = 1e-8,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of Poisson counts ``target`` with rate ``exp(input)``
    (``log_input``) or ``input``: ``exp(x) - t x`` or ``x - t log(x + eps)``; ``full``
    adds Stirling's approximation of ``log(t!)`` where ``t > 1``."""
    reduction = legacy_reduction(size_average, reduce, reduction, "poisson_nll_loss")
    target = _as_target(input, target)
    if log_input:
        losses = ops.exp(input) - target * input
    else:
        losses = input - target * ops.log(input + eps)
    if full:
        safe = ops.where(target > 1, target, 1.0)
        stirling = safe * ops.log(safe) - safe + 0.5 * ops.log(2 * math.pi * safe)
        losses = losses + ops.where(target > 1, stirling, 0.0)
    return apply_reduction(losses, reduction, "poisson_nll_loss")


def gaussian_nll_loss(input: Tensor, target: Any, var: Any, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of ``target`` under ``N(input, var)``:
    ``0.5 (log(var) + (input - target)^2 / var)`` (plus ``0.5 log(2 pi)`` with ``full``).

    ``var`` has the input's shape, or one dim fewer / a last dim of 1 (one variance per
    sample), or is a number. As in PyTorch, it is clamped at ``eps`` for the value only:
    its gradient passes through the clamp unchanged.
    """
    target = _as_target(input, target)
    var = var if isinstance(var, Tensor) else wrap(np.asarray(var, dtype=input.dtype))
    if var.ndim and var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = ops.unsqueeze(var, -1)
        elif not (tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.shape[-1] == 1):
            raise ValueError(f"gaussian_nll_loss: var of shape {tuple(var.shape)} is "
                             f"incorrectly sized for input of shape {tuple(input.shape)}")
    if bool((var.detach().numpy() < 0).any()):
        raise ValueError("gaussian_nll_loss: var has negative entry/entries")
    fixed = var.detach()
    var = var + (ops.clamp(fixed, min=eps) - fixed)  # clamped value, identity gradient
    diff = input - target
    losses = 0.5 * (ops.log(var) + diff * diff / var)
    if full:
        losses = losses + 0.5 * math.log(2 * math.pi)
    return apply_reduction(losses, reduction, "gaussian_nll_loss")
