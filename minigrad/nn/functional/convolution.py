"""Convolutions beyond ``conv2d``: the 1-D and 3-D ones, and the transposed ones.

``conv1d`` is ``conv2d`` on an image of height 1. ``conv_transpose2d`` is the adjoint of
``conv2d`` composed from primitives: a matmul spreads each input pixel over a kernel-sized
patch of columns, ``fold`` (col2im) adds the overlapping patches into the image, and
``pad`` crops the padding (or adds ``output_padding``). Every step has a differentiable
backward, so the result can be differentiated twice.

The 3-D ones take im2col one dim at a time. ``conv3d`` first unfolds the depth: ``unfold``
with a (KD, 1) kernel over the (D, H * W) planes copies, for every output depth, the KD
input slices its windows read, as KD times as many channels (rows ordered (c, kd)). The
weight (F, C/G, KD, KH, KW) read as (F, C/G * KD, KH, KW) has the same order, so one
``conv2d`` over (H, W) of these N * OD images does the rest. ``conv_transpose3d`` is the
adjoint, in reverse: ``conv_transpose2d`` of each input depth slice, with the kernel depth
as extra output channels, then ``fold`` along the depth adds the KD planes of slice d at
depths ``d * SD + kd * DD``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ... import ops
from ...ops.conv import check_convolution, conv2d, convolution_geometry, pair
from ...ops.windows import ints
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
                              dilation, op)
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
                      dilation: tuple, op: str) -> int:
    """Check the arguments of a transposed convolution (batched input); return C_out."""
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


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """3-D convolution (cross-correlation), as ``torch.nn.functional.conv3d``.

    Built as the module docstring says: ``unfold`` along the depth, then one `conv2d`.

    Parameters
    ----------
    input : Tensor
        (N, C, D, H, W), or (C, D, H, W) unbatched.
    weight : Tensor
        (F, C / groups, KD, KH, KW).
    bias : Tensor, optional
        (F,).
    stride, dilation : int or triple of ints
    padding : int, triple of ints, 'valid' or 'same'
        'same' keeps D, H and W (stride 1 only); an odd total padding goes back/bottom/right.
    groups : int
        Split input and output channels into this many independent groups.

    Returns
    -------
    Tensor
        (N, F, OD, OH, OW) with OD = floor((D + 2 PD - DD (KD - 1) - 1) / SD) + 1, and OH,
        OW likewise.
    """
    op = "conv3d"
    check_convolution(input, weight, bias, groups, op, spatial=3)
    if input.ndim == 4:
        out = conv3d(ops.unsqueeze(input, 0), weight, bias, stride, padding, dilation, groups)
        return ops.squeeze(out, 0)
    input, stride, padding, dilation = convolution_geometry(
        input, weight.shape[2:], stride, padding, dilation, op)
    n, c, d, h, w = input.shape
    f, kd = weight.shape[0], weight.shape[2]
    # (N, C * KD, OD * H * W): for each output depth, the KD slices its windows read.
    slabs = ops.unfold(input.reshape(n, c, d, h * w), (kd, 1), (dilation[0], 1),
                       (padding[0], 0), (stride[0], 1))
    od = slabs.shape[2] // (h * w)
    images = slabs.reshape(n, c * kd, od, h, w).permute(0, 2, 1, 3, 4)
    out = conv2d(images.reshape(n * od, c * kd, h, w), weight.reshape(f, -1, *weight.shape[3:]),
                 bias, stride[1:], padding[1:], dilation[1:], groups)
    return out.reshape(n, od, f, *out.shape[2:]).permute(0, 2, 1, 3, 4)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                     groups: int = 1, dilation: Any = 1) -> Tensor:
    """3-D transposed convolution, the adjoint of `conv3d`, as
    ``torch.nn.functional.conv_transpose3d``.

    Parameters
    ----------
    input : Tensor
        (N, C_in, D, H, W), or (C_in, D, H, W) unbatched.
    weight : Tensor
        (C_in, C_out / groups, KD, KH, KW).
    bias : Tensor, optional
        (C_out,).
    stride, padding, output_padding, dilation : int or triple of ints
        ``output_padding`` adds cells at the back/bottom/right; it must be smaller than
        the stride or the dilation.
    groups : int

    Returns
    -------
    Tensor
        (N, C_out, OD, OH, OW) with OD = (D - 1) SD - 2 PD + DD (KD - 1) + OPD + 1, and OH,
        OW likewise.
    """
    op = "conv_transpose3d"
    _check_dims(input, weight, 3, op)
    if input.ndim == 4:
        return ops.squeeze(conv_transpose3d(ops.unsqueeze(input, 0), weight, bias, stride,
                                            padding, output_padding, groups, dilation), 0)
    stride, padding = ints(stride, 3, "stride", op), ints(padding, 3, "padding", op)
    output_padding = ints(output_padding, 3, "output_padding", op)
    dilation = ints(dilation, 3, "dilation", op)
    c_out = _check_transposed(input, weight, bias, stride, padding, output_padding, groups,
                              dilation, op)
    n, c_in, d, h, w = input.shape
    kd = weight.shape[2]
    # Every input depth slice as an image; its output channels are (c_out, kd).
    slices = input.permute(0, 2, 1, 3, 4).reshape(n * d, c_in, h, w)
    planes = conv_transpose2d(slices, weight.reshape(c_in, -1, *weight.shape[3:]), None,
                              stride[1:], padding[1:], output_padding[1:], groups, dilation[1:])
    oh, ow = planes.shape[2:]
    # fold along the depth: slice d adds plane kd at depth d * SD + kd * DD.
    columns = planes.reshape(n, d, c_out * kd, oh * ow).permute(0, 2, 1, 3)
    full = (d - 1) * stride[0] + dilation[0] * (kd - 1) + 1
    volume = ops.fold(columns.reshape(n, c_out * kd, d * oh * ow), (full, oh * ow), (kd, 1),
                      (dilation[0], 1), 0, (stride[0], 1))
    volume = pad(volume, (0, 0, -padding[0], output_padding[0] - padding[0]))
    volume = volume.reshape(n, c_out, -1, oh, ow)
    return volume if bias is None else volume + bias.reshape(1, c_out, 1, 1, 1)
