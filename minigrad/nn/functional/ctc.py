"""The connectionist temporal classification loss, ``ctc_loss``: its arguments read and
checked as PyTorch does, then the per-sample loss of `minigrad.ops.ctc` reduced.

Letters: T frames, N samples, C classes (the blank included), S the longest target.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ... import ops
from ...internal import array_of, wrap
from ...ops.ctc import ctc_loss_per_sample
from ...tensor import Tensor
from ._checks import check_tensor, float_kernel_input
from .reduction import check_reduction

_OP = "ctc_loss"


def _lengths(value: Any, name: str, batch: int) -> np.ndarray:
    """``input_lengths`` or ``target_lengths`` as (N,) int64: an integer tensor of at most
    one dim, or a tuple or list of ints (PyTorch's two overloads; anything else is its
    TypeError)."""
    if isinstance(value, Tensor):
        if value.ndim > 1:
            raise TypeError(f"{_OP}(): {name} must be a 0-d or 1-d tensor or a tuple of ints, "
                            f"got a tensor of shape {tuple(value.shape)}")
        if value.dtype.kind not in "iu":
            raise RuntimeError(f"{_OP}: {name} must be integral, got {value.dtype}")
        array = array_of(value).reshape(-1).astype(np.int64)
    elif isinstance(value, (tuple, list)) and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
            for v in value):
        array = np.array(value, dtype=np.int64).reshape(-1)
    else:
        raise TypeError(f"{_OP}(): argument '{name}' must be a tuple of ints or a Tensor, "
                        f"not {type(value).__name__}")
    if array.size != batch:
        raise RuntimeError(f"{_OP}: {name} must be of size batch_size ({batch}), got "
                           f"{array.size} values")
    return array


def _padded_targets(targets: Tensor, lengths: np.ndarray, batch: int,
                    classes: int) -> np.ndarray:
    """Targets as (N, S) int64, from the padded (N, S) form or the concatenated 1-d one."""
    array = array_of(targets).astype(np.int64)
    if targets.ndim == 2:
        if array.shape[0] != batch:
            raise RuntimeError(f"{_OP}: Expected tensor to have size {batch} at dimension 0, "
                               f"but got size {array.shape[0]} for argument #2 'targets' "
                               f"(padded targets of shape {tuple(array.shape)})")
        if lengths.size and lengths.max() > array.shape[1]:
            raise RuntimeError(f"{_OP}: Expected tensor to have size at least "
                               f"{lengths.max()} at dimension 1, but got size "
                               f"{array.shape[1]} for argument #2 'targets'")
        padded = array
    elif targets.ndim == 1:
        if array.size != lengths.sum():
            raise RuntimeError(f"{_OP}: Expected tensor to have size {lengths.sum()} at "
                               f"dimension 0, but got size {array.size} for argument #2 "
                               f"'targets' (the concatenated targets, sum of target_lengths)")
        padded = np.zeros((batch, int(lengths.max(initial=0))), dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        for n in range(batch):
            padded[n, :lengths[n]] = array[starts[n]:starts[n] + lengths[n]]
    else:
        raise RuntimeError(f"{_OP}: Expected 1 to 2 dimensions, but got {targets.ndim}-"
                           f"dimensional tensor for argument #2 'targets'")
    inside = np.arange(padded.shape[1])[None, :] < lengths[:, None]
    used = padded[inside]
    if used.size and (used.min() < 0 or used.max() >= classes):
        raise RuntimeError(f"{_OP}: target labels must be in [0, {classes}) for log_probs "
                           f"with {classes} classes, got labels from {used.min()} to "
                           f"{used.max()}")
    return np.where(inside, padded, 0)


def _check_values(input_lengths: np.ndarray, target_lengths: np.ndarray, frames: int) -> None:
    for name, lengths, most in (("input_lengths", input_lengths, frames),
                                ("target_lengths", target_lengths, None)):
        if lengths.size and lengths.min() < 0:
            raise RuntimeError(f"{_OP}: Expected {name} to have value at least 0, but got "
                               f"value {lengths.min()}")
        if most is not None and lengths.size and lengths.max() > most:
            raise RuntimeError(f"{_OP}: Expected {name} to have value at most {most}, but "
                               f"got value {lengths.max()}")


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any,
             blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """The connectionist temporal classification loss: minus the log-probability of each
    target sequence, summed over all its alignments to the input frames.

    Parameters
    ----------
    log_probs : Tensor
        (T, N, C) or unbatched (T, C) log-probabilities of the classes at each frame (the
        output of ``log_softmax``; the gradient assumes it).
    targets : Tensor
        (N, S) padded labels, or the 1-d concatenation of the N targets.
    input_lengths, target_lengths : Tensor or tuple of ints
        (N,) frames used from each input (at most T) and labels in each target.
    blank : int, default 0
        The blank class.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        'mean' divides each loss by its target length (at least 1) and averages the batch.
    zero_infinity : bool, default False
        Replace infinite losses (no alignment fits) and their gradients by zero.

    Returns
    -------
    Tensor
        A scalar, or (N,) per-sample losses with 'none', in log_probs' dtype.

    Examples
    --------
    >>> log_probs = minigrad.randn(50, 16, 20).log_softmax(2)
    >>> targets = minigrad.randint(1, 20, (16, 30))
    >>> loss = F.ctc_loss(log_probs, targets, (50,) * 16, minigrad.randint(10, 30, (16,)))
    """
    check_reduction(reduction, _OP)
    check_tensor(log_probs, "log_probs", _OP, 1)
    check_tensor(targets, "targets", _OP, 2)
    float_kernel_input(log_probs, _OP, "ctc_loss_cpu")
    if isinstance(blank, (bool, np.bool_)) or not isinstance(blank, (int, np.integer)):
        raise TypeError(f"{_OP}(): argument 'blank' must be int, not {type(blank).__name__}")
    check_reduction(reduction, _OP)
    unbatched = log_probs.ndim == 2
    if log_probs.ndim not in (2, 3):
        raise RuntimeError(f"{_OP}: Expected 3-dimensional tensor, but got {log_probs.ndim}-"
                           f"dimensional tensor for argument #1 'log_probs' (shape "
                           f"{tuple(log_probs.shape)})")
    if log_probs.numel() == 0:
        raise RuntimeError(f"{_OP}: log_probs tensor must not be empty (shape "
                           f"{tuple(log_probs.shape)})")
    if isinstance(input_lengths, Tensor) != isinstance(target_lengths, Tensor):
        raise TypeError(f"{_OP}(): input_lengths and target_lengths must both be tensors or "
                        f"both tuples of ints, got {type(input_lengths).__name__} and "
                        f"{type(target_lengths).__name__}")
    batched = log_probs.unsqueeze(1) if unbatched else log_probs
    T, N, C = batched.shape
    inputs = _lengths(input_lengths, "input_lengths", N)
    lengths = _lengths(target_lengths, "target_lengths", N)
    if not 0 <= blank < C:
        raise RuntimeError(f"{_OP}: blank must be in label range [0, {C}), got {blank}")
    _check_values(inputs, lengths, T)
    padded = _padded_targets(targets, lengths, N, C)
    losses = ctc_loss_per_sample(batched, padded, inputs, lengths, int(blank),
                                 bool(zero_infinity))
    if zero_infinity:
        losses = ops.where(wrap(np.isinf(array_of(losses))), wrap(np.zeros((), losses.dtype)),
                           losses)
    if reduction == "mean":
        divisor = wrap(np.maximum(lengths, 1).astype(losses.dtype))
        return (losses / divisor).mean()
    if reduction == "sum":
        return losses.sum()
    return losses.squeeze(0) if unbatched else losses
