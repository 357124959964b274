"""Batch normalisation layers."""
from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import no_grad
from ..creation import ones, zeros
from ..tensor import Tensor
from . import functional as F
from .module import Module
from .parameter import Parameter


class _BatchNorm(Module):
    """Shared by BatchNorm1d and BatchNorm2d, which differ only in the input dims."""

    expected_dims: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, *,
                 bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        self.register_parameter("weight", Parameter(ones(num_features)) if affine else None)
        self.register_parameter("bias", Parameter(zeros(num_features))
                                if affine and bias else None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features))
            self.register_buffer("running_var", ones(num_features))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches seen."""
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def _momentum(self) -> float:
        """The weight of this batch in the running stats; ``momentum=None`` gives the
        cumulative average over all batches so far."""
        with no_grad():
            self.num_batches_tracked.add_(1)
        if self.momentum is None:
            return 1.0 / int(self.num_batches_tracked.item())
        return self.momentum

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in self.expected_dims:
            wanted = " or ".join(f"{d}D" for d in self.expected_dims)
            raise ValueError(f"{type(self).__name__}: expected {wanted} input, got "
                             f"{input.ndim}D input of shape {tuple(input.shape)}")
        if input.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}(num_features={self.num_features}) got "
                             f"input of shape {tuple(input.shape)} ({input.shape[1]} channels)")
        momentum = self._momentum() if self.training and self.track_running_stats else 0.0
        # The running stats, when kept, are updated in training and used in eval.
        return F.batch_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training or self.running_mean is None, momentum, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of ``(N, C)`` or ``(N, C, L)`` inputs, per channel C.

    Parameters
    ----------
    num_features : int
        C.
    eps : float
        Added to the variance before the square root.
    momentum : float or None
        Weight of the current batch in the running stats (None: cumulative average).
    affine : bool
        Learn a scale ``weight`` (init 1) and shift ``bias`` (init 0) per channel.
    bias : bool, keyword-only
        With ``affine``, also learn the shift (as in recent PyTorch).
    track_running_stats : bool
        Keep ``running_mean``, ``running_var`` and ``num_batches_tracked`` buffers and use
        them in eval mode; without them, batch statistics are used in both modes.
    """

    expected_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of ``(N, C, H, W)`` inputs, per channel C. Parameters as in
    `BatchNorm1d`."""

    expected_dims = (4,)
