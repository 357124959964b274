"""Convolutions beyond ``conv2d``: the 1-D one, and the transposed ones.

``conv1d`` is ``conv2d`` on an image of height 1. ``conv_transpose2d`` is the adjoint of
``conv2d`` composed from primitives: a matmul spreads each input pixel over a kernel-sized
patch of columns, ``fold`` (col2im) adds the overlapping patches into the image, and
``pad`` crops the padding (or adds ``output_padding``). Every step has a differentiable
backward, so the result can be differentiated twice.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ... import ops
from ...ops.conv import conv2d, pair
from ...tensor import Tensor
from ._checks import check_same_dtype, check_tensor
from .padding import pad


def _single(value: Any, name: str, op: str) -> int:
    """An int, or a 1-tuple of one, as an int."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}: {name} must be an int or a 1-tuple of ints, got {value!r}")
    return int(value)


def _check_dims(input: Tensor, weight: Tensor, spatial: int, op: str) -> None:
    check_tensor(input, "input", op, 1)
    check_tensor(weight, "weight", op, 2)
    check_same_dtype(op, input, weight=weight)
    if weight.ndim != spatial + 2:
        raise RuntimeError(f"{op}: expected a {spatial + 2}D weight, got shape "
                           f"{tuple(weight.shape)}")
    if input.ndim not in (spatial + 1, spatial + 2):
        raise RuntimeError(f"{op}: expected {spatial + 1}D (unbatched) or {spatial + 2}D "
                           f"(batched) input for {spatial + 2}D weight of shape "
                           f"{tuple(weight.shape)}, but got input of shape "
                           f"{tuple(input.shape)}")


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D convolution (cross-correlation), as ``torch.nn.functional.conv1d``.

    Parameters
    ----------
    input : Tensor
        (N, C, L), or (C, L) unbatched.
    weight : Tensor
        (F, C / groups, K).
    bias : Tensor, optional
        (F,).
    stride, dilation : int
    padding : int, 'valid' or 'same'
    groups : int

    Returns
    -------
    Tensor
        (N, F, OL) with OL = floor((L + 2 P - D (K - 1) - 1) / S) + 1.
    """
    op = "conv1d"
    _check_dims(input, weight, 1, op)
    pad_arg = padding if isinstance(padding, str) else (0, _single(padding, "padding", op))
    out = conv2d(ops.unsqueeze(input, -2), ops.unsqueeze(weight, -2), bias,
                 (1, _single(stride, "stride", op)), pad_arg,
                 (1, _single(dilation, "dilation", op)), groups)
    return ops.squeeze(out, -2)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                     groups: int = 1, dilation: Any = 1) -> Tensor:
    """2-D transposed convolution, the adjoint of ``conv2d`` (sometimes called
    "deconvolution"), as ``torch.nn.functional.conv_transpose2d``.

    Parameters
    ----------
    input : Tensor
        (N, C_in, H, W), or (C_in, H, W) unbatched.
    weight : Tensor
        (C_in, C_out / groups, KH, KW).
    bias : Tensor, optional
        (C_out,).
    stride, padding, output_padding, dilation : int or pair of ints
        ``output_padding`` adds rows/columns at the bottom/right; it must be smaller than
        the stride or the dilation.
    groups : int

    Returns
    -------
    Tensor
        (N, C_out, OH, OW) with OH = (H - 1) SH - 2 PH + DH (KH - 1) + OPH + 1.
    """
    op = "conv_transpose2d"
    _check_dims(input, weight, 2, op)
    if input.ndim == 3:
        return ops.squeeze(conv_transpose2d(ops.unsqueeze(input, 0), weight, bias, stride,
                                            padding, output_padding, groups, dilation), 0)
    stride, padding = pair(stride, "stride", op), pair(padding, "padding", op)
    output_padding, dilation = (pair(output_padding, "output_padding", op),
                                pair(dilation, "dilation", op))
    c_out = _check_transposed(input, weight, bias, stride, padding, output_padding, groups,
                              dilation)
    n, c_in, h, w = input.shape
    kernel = tuple(weight.shape[2:])
    columns = _spread(input.reshape(n, c_in, h * w), weight, groups)
    full = tuple((size - 1) * s + d * (k - 1) + 1
                 for size, s, d, k in zip((h, w), stride, dilation, kernel))
    image = ops.fold(columns, full, kernel, dilation, 0, stride)
    (ph, pw), (oph, opw) = padding, output_padding
    image = pad(image, (-pw, opw - pw, -ph, oph - ph))
    return image if bias is None else image + bias.reshape(1, c_out, 1, 1)


def _spread(x: Tensor, weight: Tensor, groups: int) -> Tensor:
    """Columns for fold: for each group, ``weight_g^T @ x_g``, shape
    (N, C_out * KH * KW, H * W) with rows ordered (c_out, kh, kw)."""
    c_in = weight.shape[0]
    flat = weight.reshape(c_in, -1)
    per = c_in // groups
    parts = [ops.matmul(ops.transpose(flat[g * per:(g + 1) * per], 0, 1),
                        x[:, g * per:(g + 1) * per]) for g in range(groups)]
    return parts[0] if groups == 1 else ops.cat(parts, 1)


def _check_transposed(input: Tensor, weight: Tensor, bias: Tensor | None, stride: tuple,
                      padding: tuple, output_padding: tuple, groups: int,
                      dilation: tuple) -> int:
    """Check the arguments of conv_transpose2d; return C_out."""
    op = "conv_transpose2d"
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise RuntimeError(f"{op}: groups must be a positive integer, got {groups!r}")
    if input.dtype.kind != "f":
        raise RuntimeError(f"{op}: expected a floating point input, got {input.dtype}")
    if min(stride) < 1 or min(dilation) < 1 or min(padding) < 0 or min(output_padding) < 0:
        raise RuntimeError(f"{op}: stride and dilation must be positive and padding and "
                           f"output_padding non-negative, got stride={stride}, "
                           f"dilation={dilation}, padding={padding}, "
                           f"output_padding={output_padding}")
    c_in = weight.shape[0]
    if input.shape[1] != c_in or c_in % groups:
        raise RuntimeError(f"{op}: given transposed=1, weight of size {list(weight.shape)}, "
                           f"expected input{list(input.shape)} to have {c_in} channels, but "
                           f"got {input.shape[1]} channels instead (groups={groups})")
    for o, s, d in zip(output_padding, stride, dilation):
        if o >= s and o >= d:
            raise RuntimeError(f"{op}: output padding must be smaller than either stride or "
                               f"dilation, but got output_padding={output_padding}, "
                               f"stride={stride}, dilation={dilation}")
    c_out = weight.shape[1] * groups
    if bias is not None and tuple(bias.shape) != (c_out,):
        raise RuntimeError(f"{op}: expected bias of shape ({c_out},), got "
                           f"{tuple(bias.shape)}")
    sizes = [(size - 1) * s - 2 * p + d * (k - 1) + o + 1 for size, s, p, d, k, o in
             zip(input.shape[2:], stride, padding, dilation, weight.shape[2:], output_padding)]
    if min(sizes) < 1:
        raise RuntimeError(f"{op}: given input size per channel {tuple(input.shape[2:])}, "
                           f"the calculated output size per channel {tuple(sizes)} is too "
                           f"small")
    return c_out


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                     groups: int = 1, dilation: Any = 1) -> Tensor:
    """1-D transposed convolution: `conv_transpose2d` on an image of height 1.

    ``input`` is (N, C_in, L) or (C_in, L); ``weight`` is (C_in, C_out / groups, K).
    """
    op = "conv_transpose1d"
    _check_dims(input, weight, 1, op)
    out = conv_transpose2d(ops.unsqueeze(input, -2), ops.unsqueeze(weight, -2), bias,
                           (1, _single(stride, "stride", op)),
                           (0, _single(padding, "padding", op)),
                           (0, _single(output_padding, "output_padding", op)), groups,
                           (1, _single(dilation, "dilation", op)))
    return ops.squeeze(out, -2)
