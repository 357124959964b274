"""Classification losses: ``nll_loss`` and ``cross_entropy``.

The class dim is dim 1 of an ``(N, C, d1, ...)`` input (dim 0 of an unbatched ``(C,)``
one). Targets are class indices (int64 or uint8, shape ``(N, d1, ...)``) or, for
``cross_entropy`` only, class probabilities (floating point, the input's shape).
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ... import ops
from ...dtypes import scalar_type_name
from ...internal import array_of, named, wrap
from ...tensor import Tensor
from ._checks import check_dtype, check_tensor
from .activations import log_softmax
from .reduction import check_reduction, legacy_reduction


class _Targets(NamedTuple):
    """Class-index targets read and checked once: the index of each sample (ignored ones
    point at class 0), its weight (0 for ignored samples), and which are not ignored."""

    index: np.ndarray
    weight: np.ndarray
    valid: np.ndarray


def _array(value: Any) -> np.ndarray:
    return array_of(value) if isinstance(value, Tensor) else np.asarray(value)


def _check_ignore_index(ignore_index: Any, op: str) -> int:
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
        raise TypeError(f"{op}: argument 'ignore_index' must be int, not "
                        f"{type(ignore_index).__name__}")
    return int(ignore_index)


def _read_targets(input: Tensor, target: Any, weight: Any, ignore_index: int,
                  op: str) -> _Targets:
    """Check class-index targets against a ``(N, C, d1, ...)`` input."""
    array = _array(target)
    if array.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"{op}: expected target dtype to be int64 (Long) or uint8 (Byte), "
                           f"but got {array.dtype}")
    expected = (input.shape[0],) + tuple(input.shape[2:])
    if array.shape != expected:
        batch = array.shape[0] if array.ndim else 0
        if batch != input.shape[0]:
            raise ValueError(f"{op}: Expected input batch_size ({input.shape[0]}) to match "
                             f"target batch_size ({batch}).")
        if input.ndim == 2:
            raise RuntimeError(f"{op}: 0D or 1D target tensor expected, multi-target not "
                               f"supported (target of shape {tuple(array.shape)})")
        raise RuntimeError(f"{op}: expected a target of shape {expected} for an input of shape "
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
    if isinstance(weight, Tensor):  # PyTorch's kernels do not promote the class weights
        check_dtype(op, dtype, weight.dtype, "weight")
    array = _array(weight).astype(dtype)
    if array.shape != (classes,):
        raise RuntimeError(f"{op}: weight tensor should be defined either for all {classes} "
                           f"classes or no classes but got weight tensor of shape: "
                           f"{list(array.shape)}")
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
    array = _array(target)
    if array.ndim != 0 and array.shape != (1,):
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                         f"{array.size}")
    return ops.unsqueeze(input, 0), array.reshape(1), True


def _check_input(input: Tensor, op: str) -> None:
    if input.ndim == 0:
        raise ValueError(f"{op}: expected an input of shape (N, C, ...) or (C,), got a 0-d "
                         f"tensor")
    if input.dtype.kind != "f":
        raise NotImplementedError(f"{op}: not implemented for {input.dtype} input; expected "
                                  f"floating point scores")


def nll_loss(input: Tensor, target: Any, weight: Any = None, size_average: bool | None = None,
             ignore_index: int = -100, reduce: bool | None = None,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class-index targets, given log-probabilities.

    Parameters
    ----------
    input : Tensor
        Log-probabilities of shape ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``.
    target : Tensor or array_like of int64
        Class indices of shape ``(N,)``, ``(N, d1, ...)`` or ``()``, in ``[0, C)``.
    weight : Tensor, optional
        A weight per class, shape ``(C,)``.
    size_average, reduce : bool, optional
        Deprecated spelling of ``reduction``.
    ignore_index : int
        Target value that contributes neither loss nor gradient.
    reduction : {'mean', 'sum', 'none'}
        ``'mean'`` divides by the total weight of the non-ignored targets.
    """
    op = "nll_loss"
    reduction = legacy_reduction(size_average, reduce, reduction, op)
    ignore_index = _check_ignore_index(ignore_index, op)
    check_tensor(target, "target", op, 2)
    _check_input(input, op)
    return named(_nll_and_smoothing(input, target, weight, ignore_index, reduction, 0.0, op),
                 "NllLossBackward0")


def cross_entropy(input: Tensor, target: Any, weight: Any = None,
                  size_average: bool | None = None, ignore_index: int = -100,
                  reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy between logits and class-index or class-probability targets.

    ``log_softmax`` over the class dim (shifted by the maximum, so logits of +-1000 are
    fine), then the negative log-likelihood. With ``label_smoothing`` e the target
    distribution is mixed with the uniform one: ``(1 - e) target + e / C``.

    Parameters
    ----------
    input : Tensor
        Logits of shape ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``.
    target : Tensor or array_like
        Class indices (int64) of shape ``(N,)``, ``(N, d1, ...)`` or ``()``, in
        ``[0, C)``; or class probabilities (floating point) of the input's shape.
    weight : Tensor, optional
        A weight per class, shape ``(C,)``.
    size_average, reduce : bool, optional
        Deprecated spelling of ``reduction``.
    ignore_index : int
        Target index that contributes neither loss nor gradient (class indices only).
    reduction : {'mean', 'sum', 'none'}
        With class indices ``'mean'`` divides by the total weight of the non-ignored
        targets; with probabilities, by the number of samples.
    label_smoothing : float
        In [0, 1].

    Examples
    --------
    >>> logits = minigrad.tensor([[2.0, 0.5, -1.0]], requires_grad=True)
    >>> loss = cross_entropy(logits, minigrad.tensor([0]))
    """
    op = "cross_entropy"
    reduction = legacy_reduction(size_average, reduce, reduction, op)
    ignore_index = _check_ignore_index(ignore_index, op)
    check_tensor(target, "target", op, 2)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"cross_entropy: label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    if input.ndim == 0:  # PyTorch reads a 0-d target of the same shape as probabilities
        if target.dtype.kind == "f":
            raise IndexError("cross_entropy: Dimension specified as 1 but the input has no "
                             "dimensions (expected an input of shape (N, C, ...) or (C,))")
        raise RuntimeError(f"cross_entropy: Expected floating point type for target with class "
                           f"probabilities, got {scalar_type_name(target.dtype)} (a 0-d input)")
    _check_input(input, op)
    class_dim = 0 if input.ndim == 1 else 1
    logp = log_softmax(input, class_dim)
    if isinstance(target, Tensor) and target.shape == input.shape or (
            not isinstance(target, Tensor) and np.shape(target) == tuple(input.shape)):
        return _soft_targets(logp, target, weight, ignore_index, reduction, label_smoothing)
    loss = _nll_and_smoothing(logp, target, weight, ignore_index, reduction, label_smoothing,
                              op)
    return named(loss, "NllLossBackward0")


def _soft_targets(logp: Tensor, target: Any, weight: Any, ignore_index: int,
                  reduction: str, smoothing: float) -> Tensor:
    """``-sum_c w_c t_c log p_c`` per sample, for class-probability targets."""
    op = "cross_entropy"
    check_reduction(reduction, op)
    target = target if isinstance(target, Tensor) else wrap(np.asarray(target))
    if target.dtype.kind != "f":
        raise RuntimeError(f"{op}: expected floating point type for target with class "
                           f"probabilities, got {target.dtype}")
    if ignore_index != -100:
        raise RuntimeError(f"{op}: ignore_index is not supported for floating point target "
                           f"(got ignore_index={ignore_index})")
    class_dim = 0 if logp.ndim == 1 else 1
    classes = logp.shape[class_dim]
    if smoothing:
        target = target * (1 - smoothing) + smoothing / classes
    terms = logp * target
    if weight is not None:  # promotes, as PyTorch's composite soft-target loss does
        shape = (classes,) + (1,) * (logp.ndim - 1 - class_dim)
        dtype = weight.dtype if isinstance(weight, Tensor) else logp.dtype
        terms = terms * wrap(_class_weights(weight, classes, dtype, op).reshape(shape))
    losses = -ops.sum(terms, class_dim)
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.mean()


def _nll_and_smoothing(logp: Tensor, target: Any, weight: Any, ignore_index: int,
                       reduction: str, smoothing: float, op: str) -> Tensor:
    check_reduction(reduction, op)
    logp, target, unbatched = _batched(logp, target)
    if logp.ndim < 2:
        raise ValueError(f"{op}: expected an input of shape (N, C, ...) or (C,), got shape "
                         f"{tuple(logp.shape)}")
    targets = _read_targets(logp, target, weight, ignore_index, op)
    picked = ops.gather(logp, 1, np.expand_dims(targets.index, 1))
    valid = wrap(np.asarray(targets.valid))  # ignored rows give 0, even where logp is NaN
    losses = ops.where(valid, ops.squeeze(picked, 1) * wrap(-targets.weight), 0.0)
    if smoothing:
        classes = logp.shape[1]
        kept = (1, classes) + (1,) * (logp.ndim - 2)
        class_weight = _class_weights(weight, classes, logp.dtype, op).reshape(kept)
        spread = -ops.sum(logp * wrap(class_weight), 1)
        losses = (1 - smoothing) * losses + ops.where(valid, (smoothing / classes) * spread,
                                                      0.0)
    out = _weighted_reduce(losses, targets.weight, reduction)
    return ops.squeeze(out, 0) if unbatched and reduction == "none" else out
