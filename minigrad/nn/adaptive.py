"""Adaptive softmax (Grave et al., 2016): a cheap log-softmax over many classes sorted by
frequency.

The frequent classes (below ``cutoffs[0]``) form the *shortlist*; the others are split
into clusters at the cutoffs. A ``head`` layer scores the shortlist classes plus one entry
per cluster, and cluster ``i`` has its own small ``tail[i]`` (a projection to
``in_features // div_value ** (i + 1)`` features, then to the cluster's classes). The
log-probability of a class in a cluster is the head's log-probability of the cluster plus
the tail's log-probability of the class within it. Module names and shapes are PyTorch's,
so state dicts load across.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Sequence

import numpy as np

from .. import ops
from ..creation import zeros
from ..internal import array_of, wrap
from ..tensor import Tensor
from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])
_ASMoutput.__doc__ = """What `AdaptiveLogSoftmaxWithLoss` returns: ``output``, the
log-probability of each target, and ``loss``, the mean of ``-output``."""


def _check_cutoffs(cutoffs: Sequence[int], n_classes: int) -> list[int]:
    cutoffs = list(cutoffs)
    if len(cutoffs) == 0:
        raise ValueError("AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of length "
                         "larger than 0")
    for c in cutoffs:
        if isinstance(c, bool) or not isinstance(c, (int, np.integer)):
            raise TypeError(f"AdaptiveLogSoftmaxWithLoss: cutoffs must be ints, got "
                            f"{type(c).__name__} in {cutoffs}")
    if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
            or len(set(cutoffs)) != len(cutoffs)):
        raise ValueError(f"AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of unique, "
                         f"positive integers sorted in an increasing order, where each value "
                         f"is between 1 and n_classes-1 (got {cutoffs} for n_classes="
                         f"{n_classes})")
    return [int(c) for c in cutoffs]


class AdaptiveLogSoftmaxWithLoss(Module):
    """Log-probabilities of targets among ``n_classes`` classes, through a head over the
    shortlist and the clusters and one small tail per cluster.

    Parameters
    ----------
    in_features : int
        Features of each input row.
    n_classes : int
        Number of classes.
    cutoffs : sequence of int
        Increasing, unique, in [1, n_classes - 1]: where the clusters start.
    div_value : float, default 4.0
        Cluster ``i``'s projection has ``in_features // div_value ** (i + 1)`` features.
    head_bias : bool, default False
        Whether the head has a bias.
    device, dtype
        The CPU only; the dtype of the weights.

    Notes
    -----
    ``forward(input, target)`` takes (N, in_features) and (N,) (or (in_features,) and a 0-d
    target) and returns the named tuple ``(output, loss)``; `log_prob` gives every class's
    log-probability and `predict` the most likely class.
    """

    def __init__(self, in_features: int, n_classes: int, cutoffs: Sequence[int],
                 div_value: float = 4.0, head_bias: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        cutoffs = _check_cutoffs(cutoffs, n_classes)
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        options = {"device": device, "dtype": dtype}
        self.head = Linear(in_features, self.head_size, bias=head_bias, **options)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, **options),
                                        Linear(hidden, size, bias=False, **options)))

    def reset_parameters(self) -> None:
        """Redraw the head's and every tail's weights (Linear's default)."""
        self.head.reset_parameters()
        for projection, output in self.tail:
            projection.reset_parameters()
            output.reset_parameters()

    def _check(self, input: Tensor, target: Tensor) -> None:
        if target.ndim == 1:
            if input.ndim == 0 or input.shape[0] != target.shape[0]:
                raise RuntimeError("AdaptiveLogSoftmaxWithLoss: Input and target should have "
                                   "the same size in the batch dimension (input "
                                   f"{tuple(input.shape)}, target {tuple(target.shape)}).")
            if input.ndim != 2:
                raise RuntimeError(f"AdaptiveLogSoftmaxWithLoss: 1D target tensor expects 2D "
                                   f"input tensors, but found inputs with size "
                                   f"{tuple(input.shape)}")
        elif target.ndim == 0:
            if input.ndim != 1:
                raise RuntimeError(f"AdaptiveLogSoftmaxWithLoss: 0D target tensor expects 1D "
                                   f"input tensors, but found inputs with size "
                                   f"{tuple(input.shape)}")
        else:
            raise RuntimeError("AdaptiveLogSoftmaxWithLoss: 0D or 1D target tensor expected, "
                               f"multi-target not supported (target {tuple(target.shape)})")

    def forward(self, input_: Tensor, target_: Tensor) -> _ASMoutput:
        self._check(input_, target_)
        unbatched = target_.ndim == 0
        input = input_.unsqueeze(0) if unbatched else input_
        target = array_of(target_)
        if target.dtype not in (np.int32, np.int64):
            raise RuntimeError(f"AdaptiveLogSoftmaxWithLoss: Expected dtype int32 or int64 "
                               f"for target, got {target_.dtype}")
        target = target.reshape(-1).astype(np.int64)
        if target.size and (target.min() < 0 or target.max() >= self.n_classes):
            raise RuntimeError(f"AdaptiveLogSoftmaxWithLoss: Target values should be in "
                               f"[0, {self.n_classes - 1}], but values in range "
                               f"[{target.min()}, {target.max()}] were found.")
        head_lp = ops.log_softmax(self.head(input), 1)
        # the head's entry for each row: its class, or its class's cluster
        cluster = np.searchsorted(np.array(self.cutoffs), target, side="right")
        head_column = np.where(cluster == 0, target, self.shortlist_size + cluster - 1)
        rows = np.arange(len(target))
        output = head_lp[wrap(rows), wrap(head_column)]
        for i in range(self.n_clusters):
            chosen = np.nonzero(cluster == i + 1)[0]
            if chosen.size == 0:
                continue
            local = ops.log_softmax(self.tail[i](input[wrap(chosen)]), 1)
            within = local[wrap(np.arange(chosen.size)), wrap(target[chosen] - self.cutoffs[i])]
            spread = zeros(len(target), dtype=output.dtype)  # 0 for the rows of other clusters
            output = output + ops.index_add(spread, 0, wrap(chosen), within)
        loss = (-output).mean()
        return _ASMoutput(output.squeeze(0) if unbatched else output, loss)

    def _full_log_prob(self, input: Tensor, head_output: Tensor) -> Tensor:
        head_lp = ops.log_softmax(head_output, 1)
        pieces = [head_lp[:, :self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster_lp = head_lp[:, self.shortlist_size + i:self.shortlist_size + i + 1]
            pieces.append(ops.log_softmax(self.tail[i](input), 1) + cluster_lp)
        return ops.cat(pieces, 1)

    def log_prob(self, input: Tensor) -> Tensor:
        """The log-probability of every class, (N, n_classes), for input (N, in_features)."""
        return self._full_log_prob(input, self.head(input))

    def predict(self, input: Tensor) -> Tensor:
        """The most likely class of each row, (N,) int64."""
        return ops.argmax(self.log_prob(input), 1)
