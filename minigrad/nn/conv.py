"""Convolution layers: shells around ``F.conv2d``."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .linear import _add_weight_and_bias


def _pair(value: Any) -> Any:
    """``3 -> (3, 3)``; pairs and strings (``padding='same'``) pass through."""
    if isinstance(value, (int, np.integer)):
        return (int(value), int(value))
    return value if isinstance(value, str) else tuple(value)


class Conv2d(Module):
    """2-D convolution (cross-correlation) over ``(N, C_in, H, W)`` inputs.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    stride, padding, dilation : int or (int, int)
        As in `functional.conv2d` (``padding`` may also be ``'same'`` or ``'valid'``
        where ``F.conv2d`` supports it).
    groups : int
        Split the channels into this many independent groups; both channel counts must
        be divisible by it.
    bias : bool
    padding_mode : {'zeros'}
        Only zero padding is supported.

    Attributes
    ----------
    weight : Parameter
        Shape ``(out_channels, in_channels / groups, KH, KW)``, uniform on ``[-k, k]`` with
        ``k = 1 / sqrt(in_channels / groups * KH * KW)`` (PyTorch's default).
    bias : Parameter or None
        Shape ``(out_channels,)``, same distribution.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros") -> None:
        super().__init__()
        if groups <= 0 or in_channels % groups or out_channels % groups:
            raise ValueError(f"Conv2d: in_channels ({in_channels}) and out_channels "
                             f"({out_channels}) must both be divisible by groups ({groups})")
        if padding_mode != "zeros":
            raise NotImplementedError(f"Conv2d: only padding_mode='zeros' is supported, got "
                                      f"{padding_mode!r}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = _pair(kernel_size), _pair(stride)
        self.padding, self.dilation = _pair(padding), _pair(dilation)
        self.groups, self.padding_mode = groups, padding_mode
        _add_weight_and_bias(self, (out_channels, in_channels // groups) + self.kernel_size,
                             bias)

    def reset_parameters(self) -> None:
        """Draw new weights with PyTorch's default initialisation."""
        init.default_layer_init_(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (3, 4) or input.shape[-3] != self.in_channels:
            raise RuntimeError(f"Conv2d(in_channels={self.in_channels}) got input of shape "
                               f"{tuple(input.shape)}; expected (N, {self.in_channels}, H, W)")
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding!r}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text
