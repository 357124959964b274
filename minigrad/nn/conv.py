"""Convolution layers: shells around ``F.conv1d``, ``F.conv2d``, ``F.conv_transpose1d``
and ``F.conv_transpose2d``."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from . import functional as F
from . import init
from ._placement import check_device
from .linear import add_weight_and_bias
from .module import Module


def _tuple(value: Any, n: int) -> Any:
    """``3 -> (3,) * n``; tuples and strings (``padding='same'``) pass through."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    return value if isinstance(value, str) else tuple(value)



_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


def _check_padding(name: str, padding: Any, stride: Any, padding_mode: str) -> None:
    """PyTorch's ValueErrors at construction: a padding string other than 'valid' or
    'same', 'same' with a stride, an unknown padding_mode."""
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"{name}: Invalid padding string {padding!r}, should be one of "
                             f"{{'valid', 'same'}}")
        if padding == "same" and any(s != 1 for s in np.atleast_1d(stride)):
            raise ValueError(f"{name}: padding='same' is not supported for strided "
                             f"convolutions (stride={stride})")
    if padding_mode not in _PADDING_MODES:
        raise ValueError(f"{name}: padding_mode must be one of {sorted(_PADDING_MODES)}, but "
                         f"got padding_mode={padding_mode!r}")

class _ConvNd(Module):
    """What the convolution layers share: options, weight and bias, and the repr.

    ``spatial`` is the number of spatial dims; ``transposed`` layers store their weight
    as ``(in_channels, out_channels / groups, *kernel)``.
    """

    spatial = 2
    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any,
                 padding: Any, dilation: Any, groups: int, bias: bool, padding_mode: str,
                 output_padding: Any = 0, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        name = type(self).__name__
        check_device(device, name)
        if groups <= 0 or in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: in_channels ({in_channels}) and out_channels "
                             f"({out_channels}) must both be divisible by groups ({groups})")
        _check_padding(name, padding, stride, padding_mode)
        if padding_mode != "zeros":
            raise NotImplementedError(f"{name}: only padding_mode='zeros' is supported, got "
                                      f"{padding_mode!r}")
        n = self.spatial
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = _tuple(kernel_size, n), _tuple(stride, n)
        self.padding, self.dilation = _tuple(padding, n), _tuple(dilation, n)
        self.output_padding = _tuple(output_padding, n)
        self.groups, self.padding_mode = groups, padding_mode
        channels = ((in_channels, out_channels // groups) if self.transposed
                    else (out_channels, in_channels // groups))
        add_weight_and_bias(self, channels + self.kernel_size, bias, out_channels)
        if dtype is not None:
            self.to(dtype)

    def reset_parameters(self) -> None:
        """Draw new weights with PyTorch's default initialisation."""
        init.default_layer_init_(self.weight, self.bias)

    def _check_input(self, input: Tensor) -> None:
        dims = self.spatial + 1
        if input.ndim not in (dims, dims + 1) or input.shape[-dims] != self.in_channels:
            letters = "L" if self.spatial == 1 else "H, W"
            raise RuntimeError(f"{type(self).__name__}(in_channels={self.in_channels}) got "
                               f"input of shape {tuple(input.shape)}; expected "
                               f"(N, {self.in_channels}, {letters})")

    def extra_repr(self) -> str:
        n = self.spatial
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,) * n:
            text += f", padding={self.padding if isinstance(self.padding, tuple) else self.padding}"
        if self.dilation != (1,) * n:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv1d(_ConvNd):
    """1-D convolution (cross-correlation) over ``(N, C_in, L)`` inputs.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size, stride, dilation : int or (int,)
    padding : int, (int,), 'valid' or 'same'
    groups : int
    bias : bool
    padding_mode : {'zeros'}
    device, dtype
        The CPU only; the dtype of the weights (float32 by default).

    Attributes
    ----------
    weight : Parameter
        Shape ``(out_channels, in_channels / groups, K)``, uniform on ``[-k, k]`` with
        ``k = 1 / sqrt(in_channels / groups * K)`` (PyTorch's default).
    bias : Parameter or None
        Shape ``(out_channels,)``, same distribution.
    """

    spatial = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)
        padding = self.padding if isinstance(self.padding, str) else self.padding[0]
        return F.conv1d(input, self.weight, self.bias, self.stride[0], padding,
                        self.dilation[0], self.groups)


class Conv2d(_ConvNd):
    """2-D convolution (cross-correlation) over ``(N, C_in, H, W)`` inputs.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    stride, padding, dilation : int or (int, int)
        As in `functional.conv2d` (``padding`` may also be ``'same'`` or ``'valid'``).
    groups : int
        Split the channels into this many independent groups; both channel counts must
        be divisible by it.
    bias : bool
    padding_mode : {'zeros'}
        Only zero padding is supported.
    device, dtype
        The CPU only; the dtype of the weights (float32 by default).

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
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)


class _ConvTransposeNd(_ConvNd):
    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, output_padding, device, dtype)
        if isinstance(self.padding, str):
            raise TypeError(f"{type(self).__name__}: padding must be an int or a tuple of "
                            f"ints, not {self.padding!r}")

    def _output_padding(self, output_size: Any) -> tuple[int, ...]:
        """``output_padding``, or the one that gives ``output_size`` (its last dims)."""
        if output_size is None:
            return self.output_padding
        n = self.spatial
        wanted = tuple(output_size)[-n:]
        return tuple(w - ((size - 1) * s - 2 * p + d * (k - 1) + 1)
                     for w, size, s, p, d, k in zip(wanted, self._sizes, self.stride,
                                                    self.padding, self.dilation,
                                                    self.kernel_size))


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution over ``(N, C_in, L)`` inputs; see
    `functional.conv_transpose1d`. Parameters as for `ConvTranspose2d`, with ints or
    1-tuples."""

    spatial = 1

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        self._check_input(input)
        self._sizes = tuple(input.shape[-1:])
        return F.conv_transpose1d(input, self.weight, self.bias, self.stride[0],
                                  self.padding[0], self._output_padding(output_size)[0],
                                  self.groups, self.dilation[0])


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution over ``(N, C_in, H, W)`` inputs (the adjoint of
    `Conv2d`, used to upsample in decoders and GAN generators).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size, stride, padding, output_padding, dilation : int or (int, int)
        As in `functional.conv_transpose2d`.
    groups : int
    bias : bool
    padding_mode : {'zeros'}
    device, dtype
        The CPU only; the dtype of the weights (float32 by default).

    Attributes
    ----------
    weight : Parameter
        Shape ``(in_channels, out_channels / groups, KH, KW)``, uniform on ``[-k, k]`` with
        ``k = 1 / sqrt(out_channels / groups * KH * KW)`` (PyTorch's default).
    bias : Parameter or None
        Shape ``(out_channels,)``, same distribution.

    The forward pass takes an optional ``output_size`` that picks the output padding.
    """

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        self._check_input(input)
        self._sizes = tuple(input.shape[-2:])
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                  self._output_padding(output_size), self.groups,
                                  self.dilation)
