"""Convolution: unfold (im2col), fold (col2im) and conv2d as registered primitives.

Shape letters: input (N, C, H, W), weight (F, C/G, KH, KW), stride (SH, SW), padding
(PH, PW), dilation (DH, DW), output (N, F, OH, OW), L = OH * OW windows, G groups.

The story, in three steps:

1. **im2col** (``unfold``) copies every receptive field into a column: (N, C*KH*KW, L).
2. **One matrix product** per group, ``W.reshape(F, -1) @ cols``, computes every output.
3. **col2im** (``fold``) is im2col's adjoint: it adds every column back where it came
   from, so values of overlapping windows add up. Each is the other's backward.

So conv2d's gradients are products with the same columns: dz/dW = g @ cols^T and
dz/dx = col2im(W^T @ g). ``Convolution.backward`` below writes exactly that with
minigrad operations, so it can be differentiated again; ``conv2d_reference`` is the
forward written the same way. The arrays behind ``conv2d`` are computed in a faster layout
(a slice of the batch at a time, row-pitch columns), explained and kept apart in
``conv_fast.py`` and tested against this story.

Volumes reuse it: ``conv3d`` (``minigrad/nn/functional/convolution.py``) unfolds the depth
with a (KD, 1) kernel, so the KD slices each output depth reads become channels, then runs
``conv2d`` over (H, W); ``check_convolution`` and ``convolution_geometry`` below serve both.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function, register
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor
from . import conv_fast, linalg, movement
from .broadcasting import sum as sum_dims
from .windows import (Pair, add_windows, check_image, check_positive, ints, output_size, pair,
                      pad_array, windows)

_output_size = output_size  # for fold, whose parameter `output_size` shadows the function


# --- im2col and col2im on arrays -----------------------------------------------------------
def im2col(x: np.ndarray, kernel: Pair, dilation: Pair, padding: Pair,
           stride: Pair) -> np.ndarray:
    """(N, C*KH*KW, L) columns of x: column l is window l, rows ordered (c, i, j)."""
    n, c, h, w = x.shape
    out = output_size((h, w), kernel, stride, padding, dilation, "unfold")
    view = windows(pad_array(x, padding), kernel, stride, dilation, out)
    return view.reshape(n, c * kernel[0] * kernel[1], out[0] * out[1])


def col2im(cols: np.ndarray, size: Pair, kernel: Pair, dilation: Pair, padding: Pair,
           stride: Pair) -> np.ndarray:
    """Add (N, C*KH*KW, L) columns back into an (N, C, H, W) image."""
    (ph, pw), (h, w), (kh, kw) = padding, size, kernel
    n, ckk, _ = cols.shape
    out = output_size(size, kernel, stride, padding, dilation, "fold")
    image = np.zeros((n, ckk // (kh * kw), h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    add_windows(cols.reshape(n, ckk // (kh * kw), kh, kw, *out), image, stride, dilation)
    return image[:, :, ph:ph + h, pw:pw + w]


# --- primitives ----------------------------------------------------------------------------
@register("unfold")
class Im2Col(Function):
    """im2col: z[n, (c, i, j), l] = x_padded[n, c, oh*SH + i*DH, ow*SW + j*DW] for window
    l = (oh, ow).  dz/dx: fold (col2im) of g."""

    @staticmethod
    def forward(ctx, x, kernel_size, dilation=(1, 1), padding=(0, 0), stride=(1, 1)):
        ctx.size, ctx.geometry = x.shape[2:], (kernel_size, dilation, padding, stride)
        return im2col(x, kernel_size, dilation, padding, stride)

    @staticmethod
    def backward(ctx, g):
        return Col2Im.apply(g, ctx.size, *ctx.geometry), None, None, None, None


@register("fold")
class Col2Im(Function):
    """col2im: z = sum over windows of their columns, put back at their positions
    (overlaps add up).  dz/dcols: unfold (im2col) of g."""

    @staticmethod
    def forward(ctx, cols, output_size, kernel_size, dilation=(1, 1), padding=(0, 0),
                stride=(1, 1)):
        ctx.geometry = (kernel_size, dilation, padding, stride)
        return col2im(cols, output_size, kernel_size, dilation, padding, stride)

    @staticmethod
    def backward(ctx, g):
        return Im2Col.apply(g, *ctx.geometry), None, None, None, None, None


@register("conv2d")
class Convolution(Function):
    """z = W * x + b (cross-correlation): im2col of x, then one matrix product per group.

    dz/dW = g @ cols^T, dz/dx = col2im(W^T @ g), dz/db = sum of g over N, OH, OW.
    ``forward`` and ``backward_arrays`` run on arrays in the layout of ``conv_fast``;
    ``backward`` is the same rule in minigrad operations, differentiable again.
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1),
                groups=1):
        ctx.save_for_backward(x, weight)
        ctx.geometry = (stride, padding, dilation, groups)
        # Names the columns, which backward_arrays uses if they are still there.
        ctx.columns_tag = object() if ctx.needs_input_grad[1] and is_grad_enabled() else None
        return conv_fast.forward(x, weight, bias, stride, padding, dilation, groups,
                                 ctx.columns_tag)

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved_tensors
        stride, padding, dilation, groups = ctx.geometry
        n, f, oh, ow = g.shape
        g_mat = movement.reshape(movement.permute(g, (1, 0, 2, 3)),
                                 (groups, f // groups, n * oh * ow))
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:  # col2im(W^T @ g)
            w_mat = movement.reshape(weight, (groups, f // groups, weight[0].numel()))
            g_cols = linalg.MatMul.apply(movement.transpose(w_mat, 1, 2), g_mat)
            g_cols = movement.permute(
                movement.reshape(g_cols, (groups * weight[0].numel(), n, oh * ow)), (1, 0, 2))
            gx = Col2Im.apply(g_cols, x.shape[2:], weight.shape[2:], dilation, padding, stride)
        if ctx.needs_input_grad[1]:  # g @ cols^T, the columns as a function of x
            cols = _group_columns(x, weight.shape[2:], stride, padding, dilation, groups)
            gw_t = linalg.MatMul.apply(cols, movement.transpose(g_mat, 1, 2))
            gw = movement.reshape(movement.transpose(gw_t, 1, 2), weight.shape)
        if ctx.needs_input_grad[2]:
            gb = sum_dims(g, (0, 2, 3))
        return gx, gw, gb, None, None, None, None

    @staticmethod
    def backward_arrays(ctx, g):
        x, weight = ctx.saved_arrays
        grads = conv_fast.backward(x, weight, g, *ctx.geometry, ctx.needs_input_grad[:3],
                                   ctx.columns_tag)
        return grads + (None,) * 4


def _group_columns(x: Tensor, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                   groups: int) -> Tensor:
    """The (G, C/G*KH*KW, N*L) columns of x, built from differentiable operations."""
    cols = Im2Col.apply(x, kernel, dilation, padding, stride)  # (N, C*KH*KW, L)
    n, ckk, l = cols.shape
    return movement.reshape(movement.permute(cols, (1, 0, 2)), (groups, ckk // groups, n * l))


def conv2d_reference(x: Tensor, weight: Tensor, bias: Tensor | None, stride: Pair,
                     padding: Pair, dilation: Pair, groups: int) -> Tensor:
    """conv2d as the story tells it, in differentiable operations: the columns of x, one
    matrix product per group, the bias. Its backward runs through fold (col2im). Arguments
    as ``Convolution`` takes them (pairs, a batched x); the tests compare it with conv2d.
    """
    n, f = x.shape[0], weight.shape[0]
    oh, ow = output_size(x.shape[2:], weight.shape[2:], stride, padding, dilation, "conv2d")
    cols = _group_columns(x, weight.shape[2:], stride, padding, dilation, groups)
    out = linalg.matmul(movement.reshape(weight, (groups, f // groups, weight[0].numel())),
                        cols)
    out = movement.permute(movement.reshape(out, (f, n, oh, ow)), (1, 0, 2, 3))
    return out if bias is None else out + movement.reshape(bias, (1, f, 1, 1))


# --- public functions ----------------------------------------------------------------------
def _geometry(kernel_size: Any, dilation: Any, padding: Any, stride: Any, op: str,
              n: int = 2) -> tuple:
    kernel = ints(kernel_size, n, "kernel_size", op)
    dilation, padding, stride = (ints(dilation, n, "dilation", op),
                                 ints(padding, n, "padding", op), ints(stride, n, "stride", op))
    check_positive(kernel, "kernel_size", op)
    check_positive(dilation, "dilation", op)
    check_positive(stride, "stride", op)
    check_positive(padding, "padding", op, minimum=0)
    return kernel, dilation, padding, stride


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> Tensor:
    """im2col: extract sliding windows as columns.

    Parameters
    ----------
    input : Tensor
        Shape (N, C, H, W), or (C, H, W) unbatched.
    kernel_size, dilation, padding, stride : int or pair of ints

    Returns
    -------
    Tensor
        Shape (N, C * KH * KW, L) (without N for an unbatched input): column l holds
        window l, rows ordered (c, i, j).
    """
    check_image(input, "unfold")
    if input.ndim == 3:  # unbatched (C, H, W), as PyTorch
        return movement.squeeze(unfold(movement.unsqueeze(input, 0), kernel_size, dilation,
                                       padding, stride), 0)
    kernel, dilation, padding, stride = _geometry(kernel_size, dilation, padding, stride,
                                                  "unfold")
    output_size(input.shape[2:], kernel, stride, padding, dilation, "unfold")
    return Im2Col.apply(input, kernel, dilation, padding, stride)


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1,
         padding: Any = 0, stride: Any = 1) -> Tensor:
    """col2im: add columns back into an image; overlapping windows add up.

    Parameters
    ----------
    input : Tensor
        Shape (N, C * KH * KW, L), laid out as `unfold` returns it, or (C * KH * KW, L)
        unbatched.
    output_size : int or pair of ints
        (H, W) of the image.
    kernel_size, dilation, padding, stride : int or pair of ints

    Returns
    -------
    Tensor
        Shape (N, C, H, W).
    """
    if isinstance(input, Tensor) and input.ndim == 2:  # unbatched (C*KH*KW, L), as PyTorch
        return movement.squeeze(fold(movement.unsqueeze(input, 0), output_size, kernel_size,
                                     dilation, padding, stride), 0)
    if not isinstance(input, Tensor) or input.ndim != 3:
        raise ValueError(f"fold: expected a 2D (C*KH*KW, L) or 3D (N, C*KH*KW, L) input, "
                         f"got {list(getattr(input, 'shape', ()))}")
    size = pair(output_size, "output_size", "fold")
    kernel, dilation, padding, stride = _geometry(kernel_size, dilation, padding, stride, "fold")
    oh, ow = _output_size(size, kernel, stride, padding, dilation, "fold")
    n, ckk, l = input.shape
    if ckk % (kernel[0] * kernel[1]) or l != oh * ow:
        raise RuntimeError(f"fold: expected an input of shape (N, C*{kernel[0]}*{kernel[1]}, "
                           f"{oh * ow}) for output_size {size}, got {list(input.shape)}")
    return Col2Im.apply(input, size, kernel, dilation, padding, stride)


def _same_padding(x: Tensor, kernel: tuple, dilation: tuple, stride: tuple,
                  op: str) -> tuple[Tensor, tuple]:
    """Pad for 'same': the total is D(K-1); an odd total puts the extra cell right/bottom
    (and, for volumes, at the back)."""
    if any(s != 1 for s in stride):
        raise RuntimeError(f"{op}: padding='same' is not supported for strided convolutions, "
                           f"got stride {stride}")
    totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
    even = tuple(t // 2 for t in totals)
    extra = [t - 2 * e for t, e in zip(totals, even)]
    if any(extra):
        x = movement.pad(x, [a for e in reversed(extra) for a in (0, e)])
    return x, even


def check_convolution(input: Any, weight: Any, bias: Any, groups: Any, op: str,
                      spatial: int = 2) -> None:
    """PyTorch's checks of a convolution's arguments: the input's and weight's ranks and
    dtypes, the groups, the channels the weight expects, the bias's shape."""
    check_image(input, op, spatial=spatial)
    if not isinstance(weight, Tensor) or weight.ndim != spatial + 2:
        letters = ", ".join(("KD", "KH", "KW")[-spatial:])
        raise RuntimeError(f"{op}: expected a {spatial + 2}D weight (F, C/groups, {letters}), "
                           f"got {list(getattr(weight, 'shape', ()))}")
    if not isinstance(groups, (int, np.integer)) or groups < 1:
        raise RuntimeError(f"{op}: non-positive groups is not supported, got {groups!r}")
    f, c_per_group = weight.shape[:2]
    if f % groups:
        raise RuntimeError(f"{op}: out_channels ({f}) must be divisible by groups "
                           f"({groups})")
    if input.shape[-spatial - 1] != c_per_group * groups:
        shape = list(input.shape) if input.ndim == spatial + 2 else [1] + list(input.shape)
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, "
                           f"expected input{shape} to have {c_per_group * groups} channels, "
                           f"but got {input.shape[-spatial - 1]} channels instead")
    if bias is not None and (not isinstance(bias, Tensor) or bias.shape != (f,)):
        raise RuntimeError(f"{op}: expected bias of shape [{f}] for weight of size "
                           f"{list(weight.shape)}, got {list(getattr(bias, 'shape', ()))}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.dtype != input.dtype:  # never a silent float64 result
            raise RuntimeError(f"{op}: input type ({input.dtype}) and {name} type "
                               f"({t.dtype}) should be the same")


def convolution_geometry(input: Tensor, kernel: tuple, stride: Any, padding: Any,
                         dilation: Any, op: str) -> tuple:
    """The (batched) input, padded for 'same', and the stride, padding and dilation as
    tuples of ints, one per spatial dim; a RuntimeError when the output would be empty."""
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise RuntimeError(f"{op}: invalid padding string {padding!r}, should be one of "
                               "'valid', 'same'")
        pad_mode, padding = padding, 0
    else:
        pad_mode = None
    kernel, dilation, padding, stride = _geometry(kernel, dilation, padding, stride, op,
                                                  len(kernel))
    if pad_mode == "same":
        input, padding = _same_padding(input, kernel, dilation, stride, op)
    output_size(input.shape[2:], kernel, stride, padding, dilation, op)
    return input, stride, padding, dilation


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation), as ``torch.nn.functional.conv2d``.

    Parameters
    ----------
    input : Tensor
        (N, C, H, W), or (C, H, W) unbatched.
    weight : Tensor
        (F, C / groups, KH, KW).
    bias : Tensor, optional
        (F,).
    stride, dilation : int or pair of ints
    padding : int, pair of ints, 'valid' or 'same'
        'same' keeps H and W (stride 1 only); an odd total padding goes right/bottom.
    groups : int
        Split input and output channels into this many independent groups.

    Returns
    -------
    Tensor
        (N, F, OH, OW) with OH = floor((H + 2 PH - DH (KH - 1) - 1) / SH) + 1.
    """
    check_convolution(input, weight, bias, groups, "conv2d")
    if input.ndim == 3:
        out = conv2d(movement.unsqueeze(input, 0), weight, bias, stride, padding, dilation,
                     groups)
        return movement.squeeze(out, 0)
    input, stride, padding, dilation = convolution_geometry(
        input, weight.shape[2:], stride, padding, dilation, "conv2d")
    return Convolution.apply(input, weight, bias, stride, padding, dilation, int(groups))
