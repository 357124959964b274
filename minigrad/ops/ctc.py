"""Connectionist temporal classification (CTC): the negative log-likelihood of a label
sequence summed over every alignment of it to the input frames, as a primitive.

A target ``l`` of length S is extended with blanks to ``l'`` = (blank, l1, blank, l2, ...,
lS, blank), of length L = 2 S + 1. A path emits one symbol of ``l'`` per frame and moves
on by 0 or 1 positions, or by 2 when it skips a blank between two different labels. The
forward variable ``alpha[t, s]`` (log-probability of all path prefixes that end at ``s``
at frame t) and the backward variable ``beta[t, s]`` (of all suffixes from ``s`` at frame
t) both include the emission at frame t, so

    p(l | x) = sum over s of exp(alpha[t, s] + beta[t, s] - log_probs[t, l'_s]), any t.

Everything runs in log space on NumPy (float64 inside, the result in the input's dtype),
vectorised over the batch and the extended positions, one step per frame.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function, register
from ..tensor import Tensor
from .selection import without_derivative


def _extended_labels(targets: np.ndarray, target_lengths: np.ndarray,
                     blank: int) -> tuple[np.ndarray, np.ndarray]:
    """``l'`` for every sample, (N, 2 S + 1) padded with blanks, and where a path may skip
    from ``s - 2`` to ``s`` (a label that differs from the label before it)."""
    N, S = targets.shape
    ext = np.full((N, 2 * S + 1), blank, dtype=np.int64)
    ext[:, 1::2] = targets
    inside = np.arange(2 * S + 1)[None, :] < (2 * target_lengths[:, None] + 1)
    ext = np.where(inside, ext, blank)
    skip = np.zeros(ext.shape, dtype=bool)
    skip[:, 3::2] = ext[:, 3::2] != ext[:, 1:-2:2]
    return ext, skip & inside


def _shift(a: np.ndarray, by: int) -> np.ndarray:
    """``a`` moved ``by`` places along the last axis (positive: right), filled with -inf."""
    out = np.full_like(a, -np.inf)
    if by > 0:
        out[..., by:] = a[..., :-by]
    else:
        out[..., :by] = a[..., -by:]
    return out


def _alpha(emit: np.ndarray, skip: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The forward variables (T, N, L) from the emissions ``emit[t, n, s] =
    log_probs[t, n, l'_s]``; positions past a sample's ``2 S + 1`` stay -inf."""
    T, N, L = emit.shape
    inside = np.arange(L)[None, :] < (2 * lengths[:, None] + 1)
    alpha = np.full(emit.shape, -np.inf)
    alpha[0, :, :2] = emit[0, :, :2]
    alpha[0] = np.where(inside, alpha[0], -np.inf)
    for t in range(1, T):
        prev = alpha[t - 1]
        total = np.logaddexp(prev, _shift(prev, 1))
        total = np.where(skip, np.logaddexp(total, _shift(prev, 2)), total)
        alpha[t] = np.where(inside, total + emit[t], -np.inf)
    return alpha


def _beta(emit: np.ndarray, skip: np.ndarray, lengths: np.ndarray,
          input_lengths: np.ndarray) -> np.ndarray:
    """The backward variables (T, N, L): each sample starts at its last frame, from its
    last blank and its last label; frames past a sample's input length stay -inf."""
    T, N, L = emit.shape
    last = 2 * lengths[:, None]
    ends = (np.arange(L)[None, :] == last) | (np.arange(L)[None, :] == last - 1)
    skip_from = _shift(skip.astype(float), -2) > 0  # s + 2 may be reached from s
    beta = np.full(emit.shape, -np.inf)
    for t in range(T - 1, -1, -1):
        start = np.where(ends, emit[t], -np.inf)
        if t + 1 < T:
            nxt = beta[t + 1]
            total = np.logaddexp(nxt, _shift(nxt, -1))
            total = np.where(skip_from, np.logaddexp(total, _shift(nxt, -2)), total)
            step = total + emit[t]
        else:
            step = start
        here = (t == input_lengths - 1)[:, None]
        before = (t < input_lengths - 1)[:, None]
        beta[t] = np.where(here, start, np.where(before, step, -np.inf))
    return beta


def _nll(alpha: np.ndarray, lengths: np.ndarray, input_lengths: np.ndarray) -> np.ndarray:
    """-log p(l | x) per sample, from the last frame's last blank and last label."""
    N = alpha.shape[1]
    rows = np.arange(N)
    frame = np.maximum(input_lengths - 1, 0)
    final = alpha[frame, rows]
    last = 2 * lengths
    ends = np.logaddexp(final[rows, last], np.where(
        lengths > 0, final[rows, np.maximum(last - 1, 0)], -np.inf))
    # no frames at all: only the empty target has an alignment (the empty one)
    return np.where(input_lengths > 0, -ends, np.where(lengths == 0, 0.0, np.inf))


def _gradient(log_probs: np.ndarray, ext: np.ndarray, alpha: np.ndarray, beta: np.ndarray,
              emit: np.ndarray, nll: np.ndarray, input_lengths: np.ndarray,
              zero_infinity: bool) -> np.ndarray:
    """d nll / d log_probs as PyTorch computes it: ``exp(log_probs)`` minus the posterior
    occupancy of each class at each frame. The first term makes it the gradient through a
    log_softmax (which PyTorch assumes log_probs come from); frames past a sample's input
    length get 0, and so does an infinite loss under ``zero_infinity``."""
    T, N, C = log_probs.shape
    occupancy = np.exp(alpha + beta - emit + nll[None, :, None])
    per_class = np.zeros((T, N, C))
    t_idx, n_idx, _ = np.indices(emit.shape, sparse=True)
    np.add.at(per_class, (t_idx, n_idx, ext[None]), occupancy)
    grad = np.exp(log_probs) - per_class
    live = np.arange(T)[:, None] < input_lengths[None, :]
    if zero_infinity:
        live = live & np.isfinite(nll)[None, :]
    return np.where(live[:, :, None], grad, 0.0)


@register("ctc_loss")
class CtcLoss(Function):
    """z[n] = -log sum over the alignments of targets[n] to log_probs[:, n] of the product of
    their emission probabilities (log_probs (T, N, C); targets padded (N, S)).
    dz/dlog_probs[t, n, c] (of z[n]) = exp(log_probs[t, n, c]) - (posterior probability that
    frame t emits c), PyTorch's rule (exact through a log_softmax); first order only.
    """

    @staticmethod
    def forward(ctx, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
        lp = log_probs.astype(np.float64)
        ext, skip = _extended_labels(targets, target_lengths, blank)
        emit = np.take_along_axis(lp, np.broadcast_to(ext[None], (len(lp),) + ext.shape), 2)
        alpha = _alpha(emit, skip, target_lengths)
        nll = _nll(alpha, target_lengths, input_lengths)
        if ctx.needs_input_grad[0]:
            beta = _beta(emit, skip, target_lengths, input_lengths)
            grad = _gradient(lp, ext, alpha, beta, emit, nll, input_lengths, zero_infinity)
            ctx.gradient = grad.astype(log_probs.dtype)
            ctx.save_for_backward(log_probs)
        return nll.astype(log_probs.dtype)

    @staticmethod
    def backward(ctx, g):
        (log_probs,) = ctx.saved_tensors
        # PyTorch has no derivative of this gradient: differentiating it again raises
        local = without_derivative(log_probs, ctx.gradient, "_ctc_loss_backward")
        return (g.reshape(1, -1, 1) * local,) + (None,) * 5

    @staticmethod
    def backward_arrays(ctx, g):
        return (g[None, :, None] * ctx.gradient,) + (None,) * 5


def ctc_loss_per_sample(log_probs: Tensor, targets: np.ndarray, input_lengths: np.ndarray,
                        target_lengths: np.ndarray, blank: int = 0,
                        zero_infinity: bool = False) -> Tensor:
    """The loss of every sample, (N,), in log_probs' dtype: log_probs (T, N, C), targets
    (N, S) int64 padded, lengths (N,) int64, all checked by the caller. With
    ``zero_infinity`` an infinite loss gets a zero gradient (the caller zeroes its value)."""
    return CtcLoss.apply(log_probs, targets, input_lengths, target_lengths, blank,
                         zero_infinity)
