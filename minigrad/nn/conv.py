"""Convolution layers: shells around ``F.conv1d``, ``F.conv2d``, ``F.conv3d`` and the
transposed ``F.conv_transpose1d``, ``F.conv_transpose2d`` and ``F.conv_transpose3d``.

A padding mode other than ``'zeros'`` pads the input with ``F.pad`` in that mode first,
then convolves without padding, as PyTorch's layers do."""
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
    """What the convolution layers share: options, weight and bias, the forward pass and
    the repr.

    ``spatial`` is the number of spatial dims and ``_convolution`` the function of
    `functional` the layer calls; ``transposed`` layers store their weight as
    ``(in_channels, out_channels / groups, *kernel)``.
    """

    spatial = 2
    transposed = False
    _convolution = staticmethod(F.conv2d)

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
        n = self.spatial
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = _tuple(kernel_size, n), _tuple(stride, n)
        self.padding, self.dilation = _tuple(padding, n), _tuple(dilation, n)
        self.output_padding = _tuple(output_padding, n)
        self.groups, self.padding_mode = groups, padding_mode
        self._reversed_padding_repeated_twice = _reversed_padding(
            self.padding, self.kernel_size, self.dilation)
        channels = ((in_channels, out_channels // groups) if self.transposed
                    else (out_channels, in_channels // groups))
        add_weight_and_bias(self, channels + self.kernel_size, bias, out_channels)
        if dtype is not None:
            self.to(dtype)

    def reset_parameters(self) -> None:
        """Draw new weights with PyTorch's default initialisation."""
        init.default_layer_init_(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)
        return self._conv_forward(input, self.weight, self.bias)

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        """The convolution of ``input`` with ``weight`` and ``bias`` (PyTorch's name, which
        subclasses that transform the weight call)."""
        padding = self.padding
        if self.padding_mode != "zeros":
            input = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            padding = 0
        return self._convolution(input, weight, bias, self.stride, padding, self.dilation,
                                 self.groups)

    def _check_input(self, input: Tensor) -> None:
        dims = self.spatial + 1
        if input.ndim not in (dims, dims + 1) or input.shape[-dims] != self.in_channels:
            letters = {1: "L", 2: "H, W", 3: "D, H, W"}[self.spatial]
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
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


def _reversed_padding(padding: Any, kernel: tuple, dilation: tuple) -> list[int]:
    """``F.pad``'s amounts for the layer's padding (last dim first, both sides); for
    'same', the total D(K - 1) with the odd cell on the right."""
    if padding == "valid":
        return [0, 0] * len(kernel)
    if padding == "same":
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return [a for t in reversed(totals) for a in (t // 2, t - t // 2)]
    return [p for p in reversed(padding) for _ in range(2)]


class _Conv(_ConvNd):
    """The convolution layers' constructor (PyTorch's signature)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device=device, dtype=dtype)


class Conv1d(_Conv):
    """1-D convolution (cross-correlation) over ``(N, C_in, L)`` inputs.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size, stride, dilation : int or (int,)
    padding : int, (int,), 'valid' or 'same'
    groups : int
    bias : bool
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}
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
    _convolution = staticmethod(F.conv1d)


class Conv2d(_Conv):
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
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}
        How the input is padded: with zeros, or with ``F.pad`` in that mode.
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


class Conv3d(_Conv):
    """3-D convolution (cross-correlation) over ``(N, C_in, D, H, W)`` volumes; see
    `functional.conv3d`. Parameters as for `Conv2d`, with ints or triples.

    Attributes
    ----------
    weight : Parameter
        Shape ``(out_channels, in_channels / groups, KD, KH, KW)``, uniform on ``[-k, k]``
        with ``k = 1 / sqrt(in_channels / groups * KD * KH * KW)`` (PyTorch's default).
    bias : Parameter or None
        Shape ``(out_channels,)``, same distribution.
    """

    spatial = 3
    _convolution = staticmethod(F.conv3d)


class _ConvTransposeNd(_ConvNd):
    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for '
                             f'{type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, output_padding, device, dtype)
        if isinstance(self.padding, str):
            raise TypeError(f"{type(self).__name__}: padding must be an int or a tuple of "
                            f"ints, not {self.padding!r}")

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        self._check_input(input)
        self._sizes = tuple(input.shape[-self.spatial:])
        return self._convolution(input, self.weight, self.bias, self.stride, self.padding,
                                 self._output_padding(output_size), self.groups,
                                 self.dilation)

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
    _convolution = staticmethod(F.conv_transpose1d)


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

    _convolution = staticmethod(F.conv_transpose2d)


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution over ``(N, C_in, D, H, W)`` volumes (the adjoint of
    `Conv3d`); see `functional.conv_transpose3d`. Parameters as for `ConvTranspose2d`,
    with ints or triples; the weight is ``(in_channels, out_channels / groups, KD, KH,
    KW)``."""

    spatial = 3
    _convolution = staticmethod(F.conv_transpose3d)
