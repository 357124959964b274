"""Convolution: unfold (im2col), fold (col2im) and conv2d as registered primitives.

Shape letters: input (N, C, H, W), weight (F, C/G, KH, KW), stride (SH, SW), padding
(PH, PW), dilation (DH, DW), output (N, F, OH, OW), L = OH * OW windows, G groups.

im2col copies every receptive field into a column, so convolution becomes one matrix
product. col2im is its adjoint: it adds every column back where it came from, so values of
overlapping windows add up. Each is the other's backward.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd.function import Function, Node, register
from ..tensor import Tensor
from . import _scratch, linalg, movement
from .broadcasting import sum as sum_dims

Pair = tuple[int, int]


# --- window arithmetic -------------------------------------------------------------------
def pair(value: Any, name: str, op: str) -> Pair:
    """``value`` as a pair of ints (an int means the same for height and width)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value), int(value)
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        return int(value[0]), int(value[1])
    raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")


def conv_output_size(size: Pair, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                op: str, ceil_mode: bool = False) -> Pair:
    """(OH, OW) = floor((H + 2P - D(K - 1) - 1) / S) + 1, with a clear error when < 1.

    With ``ceil_mode`` the division rounds up, but a window may not start in the right or
    bottom padding (PyTorch's rule).
    """
    out = []
    for n, k, s, p, d in zip(size, kernel, stride, padding, dilation):
        span = d * (k - 1) + 1
        room = n + 2 * p - span
        if room < 0:
            raise ValueError(f"{op}: kernel size {tuple(kernel)} with dilation "
                             f"{tuple(dilation)} is larger than the padded input "
                             f"{tuple(x + 2 * q for x, q in zip(size, padding))}")
        o = (-(-room // s) if ceil_mode else room // s) + 1
        if ceil_mode and (o - 1) * s >= n + p:
            o -= 1
        out.append(o)
    return out[0], out[1]


def check_positive(value: Pair, name: str, op: str, minimum: int = 1) -> None:
    if min(value) < minimum:
        raise ValueError(f"{op}: {name} must be at least {minimum}, got {tuple(value)}")


def windows(x: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair, out: Pair) -> np.ndarray:
    """A read-only (N, C, KH, KW, OH, OW) view of the windows of an already padded x."""
    sn, sc, sh, sw = x.strides
    return as_strided(x, shape=x.shape[:2] + tuple(kernel) + tuple(out),
                      strides=(sn, sc, sh * dilation[0], sw * dilation[1], sh * stride[0],
                               sw * stride[1]), writeable=False)


def pad_array(x: np.ndarray, padding: Pair, value: float = 0.0) -> np.ndarray:
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def add_windows(cols: np.ndarray, image: np.ndarray, stride: Pair, dilation: Pair) -> None:
    """col2im's loop: add (A, B, KH, KW, OH, OW) columns into an (A, B, H + 2PH, W + 2PW)
    padded image, each window back where it was read from (A, B: batch and channel, in
    either order)."""
    _, _, kh, kw, oh, ow = cols.shape
    (sh, sw), (dh, dw) = stride, dilation
    for i in range(kh):
        for j in range(kw):
            image[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                  j * dw:j * dw + sw * (ow - 1) + 1:sw] += cols[:, :, i, j]


def col2im(cols: np.ndarray, size: Pair, stride: Pair, padding: Pair,
           dilation: Pair) -> np.ndarray:
    """Add the (N, C, KH, KW, OH, OW) columns back into an (N, C, H, W) image."""
    (ph, pw), (h, w) = padding, size
    # Channel-major columns (as conv2d's backward makes them) are added up in a
    # (C, N, H, W) image, so that every slice read is contiguous.
    channel_major = cols.strides[0] < cols.strides[1]
    if channel_major:
        cols = cols.transpose(1, 0, 2, 3, 4, 5)
    image = np.zeros(cols.shape[:2] + (h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    add_windows(cols, image, stride, dilation)
    image = image[:, :, ph:ph + h, pw:pw + w]
    return image.transpose(1, 0, 2, 3) if channel_major else image


# --- primitives ----------------------------------------------------------------------------
@register("unfold")
class Unfold(Function):
    """im2col: z[n, (c, i, j), l] = x_padded[n, c, oh*SH + i*DH, ow*SW + j*DW] for window
    l = (oh, ow).  dz/dx: fold (col2im) of g."""

    @staticmethod
    def forward(ctx, x, kernel_size, dilation=(1, 1), padding=(0, 0), stride=(1, 1)):
        ctx.config = (None, kernel_size, dilation, padding, stride)
        n, c, h, w = x.shape
        out = conv_output_size((h, w), kernel_size, stride, padding, dilation, "unfold")
        ctx.size = h, w
        cols = windows(pad_array(x, padding), kernel_size, stride, dilation, out)
        return cols.reshape(n, c * kernel_size[0] * kernel_size[1], out[0] * out[1])

    @staticmethod
    def backward(ctx, g):
        _, kernel, dilation, padding, stride = ctx.config
        return Fold.apply(g, ctx.size, kernel, dilation, padding, stride), None, None, None, None


@register("fold")
class Fold(Function):
    """col2im: z = sum over windows of their columns, put back at their positions
    (overlaps add up).  dz/dcols: unfold (im2col) of g."""

    @staticmethod
    def forward(ctx, cols, output_size, kernel_size, dilation=(1, 1), padding=(0, 0),
                stride=(1, 1)):
        ctx.config = (None, output_size, kernel_size, dilation, padding, stride)
        n, ckk, _ = cols.shape
        oh, ow = conv_output_size(output_size, kernel_size, stride, padding, dilation,
                                   "fold")
        kh, kw = kernel_size
        grid = cols.reshape(n, ckk // (kh * kw), kh, kw, oh, ow)
        return col2im(grid, output_size, stride, padding, dilation)

    @staticmethod
    def backward(ctx, g):
        _, _, kernel, dilation, padding, stride = ctx.config
        return Unfold.apply(g, kernel, dilation, padding, stride), None, None, None, None, None


# --- stride-1 columns in row-pitch layout ------------------------------------------------
# With stride 1, window (i, j) of a whole image is one run of its padded, flattened pixels:
# output position q = oh * WP + ow reads pixel i*DH*WP + j*DW + q, where WP is the padded
# width. Columns laid out with that pitch (OH * WP per image instead of OH * OW) are copied
# and added in runs of OH * WP elements rather than runs of OW, which matters for small
# images. The extra columns (ow >= OW) read wrapped-around pixels; conv2d drops their
# outputs and gives them zero gradient.
def _row_windows(x: np.ndarray, kernel: Pair, padding: Pair, dilation: Pair,
                 oh: int) -> np.ndarray:
    """A (C, KH, KW, N, OH * WP) view of the stride-1 windows of x in row-pitch layout."""
    (ph, pw), (n, c, h, w) = padding, x.shape
    pitch = w + 2 * pw
    image = np.zeros((n, c, h + 2 * ph + 1, pitch), dtype=x.dtype)  # a spare zero row
    image[:, :, ph:ph + h, pw:pw + w] = x
    flat = image.reshape(n, c, -1)
    sn, sc, item = flat.strides
    return as_strided(flat, shape=(c,) + tuple(kernel) + (n, oh * pitch),
                      strides=(sc, dilation[0] * pitch * item, dilation[1] * item, sn, item),
                      writeable=False)


def _add_rows(grid: np.ndarray, image: np.ndarray, dilation: Pair) -> None:
    """col2im for row-pitch columns: add each (C, KH, KW, N, OH * WP) window run back into
    a (C, N, H + 2PH + 1, WP) padded image."""
    c, kh, kw, n, run = grid.shape
    pitch = image.shape[-1]
    flat = image.reshape(c, n, -1)
    for i in range(kh):
        for j in range(kw):
            start = i * dilation[0] * pitch + j * dilation[1]
            flat[:, :, start:start + run] += grid[:, i, j]


# Elements of W^T @ g computed at a time in the backward: a few MB, so that a slice of the
# batch is still in cache when col2im adds it up, and so that the allocator reuses memory
# instead of mapping fresh pages for one buffer as large as the columns on every call.
CHUNK_ELEMENTS = 1 << 20


def _batch_slices(n: int, per_image: int) -> list[slice]:
    step = max(1, CHUNK_ELEMENTS // per_image)
    return [slice(start, min(n, start + step)) for start in range(0, n, step)]


@register("conv2d")
class Conv2d(Function):
    """z = W * x + b (cross-correlation): im2col of x, then one matrix product per group.

    dz/dW = g @ cols^T (from the saved columns), dz/dx = col2im(W^T @ g), dz/db = sum of g.
    With stride 1 the columns use the row-pitch layout described above.
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1),
                groups=1):
        ctx.config = (None, None, None, stride, padding, dilation, groups)
        n, c, h, w = x.shape
        f, _, kh, kw = weight.shape
        oh, ow = conv_output_size((h, w), (kh, kw), stride, padding, dilation, "conv2d")
        # Columns as (G, C/G*KH*KW, N*OH*pitch): each group's product is one GEMM.
        pitch = w + 2 * padding[1] if stride == (1, 1) else ow
        cols = _scratch.empty((groups, c // groups * kh * kw, n * oh * pitch), x.dtype)
        if pitch == ow:
            view = windows(pad_array(x, padding), (kh, kw), stride, dilation, (oh, ow))
            np.copyto(cols.reshape(c, kh, kw, n, oh, ow), view.transpose(1, 2, 3, 0, 4, 5))
        else:
            np.copyto(cols.reshape(c, kh, kw, n, -1), _row_windows(x, (kh, kw), padding,
                                                                  dilation, oh))
        out = np.matmul(weight.reshape(groups, f // groups, -1), cols).reshape(f, n, oh, pitch)
        if bias is not None:
            out += bias.reshape(f, 1, 1, 1)
        ctx.save_for_backward(x, weight, cols)
        ctx.size, ctx.pitch = (h, w), pitch
        return out[..., :ow].transpose(1, 0, 2, 3)

    @staticmethod
    def backward_arrays(ctx, g):
        return _backward_on_arrays(ctx, g)

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved_tensors[:2]
        _, _, _, stride, padding, dilation, groups = ctx.config
        n, f, oh, ow = g.shape
        kernel = weight.shape[2:]
        g_mat = movement.reshape(movement.permute(g, (1, 0, 2, 3)), (groups, f // groups, -1))
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            w_mat = movement.reshape(weight, (groups, f // groups, -1))
            g_cols = linalg.MatMul.apply(movement.transpose(w_mat, 1, 2), g_mat)
            g_cols = movement.permute(movement.reshape(g_cols, (-1, n, oh * ow)), (1, 0, 2))
            gx = Fold.apply(g_cols, ctx.size, kernel, dilation, padding, stride)
        if ctx.needs_input_grad[1]:
            # The columns again, as a function of x, so that gw can be differentiated in x.
            cols = _columns(x, kernel, stride, padding, dilation, groups)
            gw_t = linalg.MatMul.apply(cols, movement.transpose(g_mat, 1, 2))
            gw = movement.reshape(movement.transpose(gw_t, 1, 2), weight.shape)
        if len(ctx.needs_input_grad) > 2 and ctx.needs_input_grad[2]:
            gb = sum_dims(g, (0, 2, 3))
        return (gx, gw, gb)[:len(ctx.needs_input_grad)] + (None,) * 4


def _backward_on_arrays(ctx: Node, g: np.ndarray) -> tuple:
    """Conv2d.backward's rule on arrays, for the usual case where the gradients will not
    be differentiated again: the same products with the saved columns, and W^T @ g and
    its col2im a slice of the batch at a time."""
    x, weight, cols = ctx.saved_arrays
    _, _, _, stride, padding, dilation, groups = ctx.config
    needs = ctx.needs_input_grad
    n, f, oh, ow = g.shape
    c, (kh, kw), pitch = x.shape[1], weight.shape[2:], ctx.pitch
    per_image = oh * pitch
    g_mat = np.zeros((f, n, oh, pitch), dtype=g.dtype)  # zeros under wrapped-around columns
    g_mat[..., :ow] = g.transpose(1, 0, 2, 3)
    g_mat = g_mat.reshape(groups, f // groups, -1)
    gx = gw = gb = None
    if needs[0]:
        w_t = weight.reshape(groups, f // groups, -1).transpose(0, 2, 1)
        (ph, pw), (h, w) = padding, ctx.size
        # (C, N, ...) with one spare row, for the runs of the row-pitch layout.
        image = np.zeros((c, n, h + 2 * ph + 1, w + 2 * pw), dtype=x.dtype)
        for part in _batch_slices(n, c * kh * kw * per_image):
            g_cols = np.matmul(w_t, g_mat[:, :, part.start * per_image:part.stop * per_image])
            if pitch == ow:
                grid = g_cols.reshape(c, kh, kw, -1, oh, ow).transpose(0, 3, 1, 2, 4, 5)
                add_windows(grid, image[:, part], stride, dilation)
            else:
                _add_rows(g_cols.reshape(c, kh, kw, -1, per_image), image[:, part], dilation)
        gx = image[:, :, ph:ph + h, pw:pw + w].transpose(1, 0, 2, 3)
    if needs[1]:
        # (cols @ g^T)^T rather than g @ cols^T: BLAS is far faster with the long N*OH*OW
        # axis inside the rows of the left operand.
        gw = np.matmul(cols, g_mat.transpose(0, 2, 1)).transpose(0, 2, 1).reshape(weight.shape)
    if len(needs) > 2 and needs[2]:
        gb = g.sum(axis=(0, 2, 3))
    return (gx, gw, gb)[:len(needs)] + (None,) * 4


def _columns(x: Tensor, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
             groups: int) -> Tensor:
    """The (G, C/G*KH*KW, N*L) columns of x, built from differentiable operations."""
    cols = Unfold.apply(x, kernel, dilation, padding, stride)  # (N, C*KH*KW, L)
    n, ckk, l = cols.shape
    return movement.reshape(movement.permute(cols, (1, 0, 2)), (groups, ckk // groups, n * l))


# --- public functions ----------------------------------------------------------------------
def check_image(x: Tensor, op: str, allow_unbatched: bool = True) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected input to be a Tensor, got {type(x).__name__}")
    if x.ndim != 4 and not (allow_unbatched and x.ndim == 3):
        raise ValueError(f"Expected 3D (unbatched) or 4D (batched) input to {op}, but got "
                         f"input of size: {list(x.shape)}")
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating point input, got {x.dtype}")


def _geometry(kernel_size: Any, dilation: Any, padding: Any, stride: Any, op: str) -> tuple:
    kernel = pair(kernel_size, "kernel_size", op)
    dilation, padding, stride = (pair(dilation, "dilation", op), pair(padding, "padding", op),
                                 pair(stride, "stride", op))
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
        Shape (N, C, H, W).
    kernel_size, dilation, padding, stride : int or pair of ints

    Returns
    -------
    Tensor
        Shape (N, C * KH * KW, L): column l holds window l, rows ordered (c, i, j).
    """
    check_image(input, "unfold", allow_unbatched=False)
    kernel, dilation, padding, stride = _geometry(kernel_size, dilation, padding, stride,
                                                  "unfold")
    conv_output_size(input.shape[2:], kernel, stride, padding, dilation, "unfold")
    return Unfold.apply(input, kernel, dilation, padding, stride)


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1,
         padding: Any = 0, stride: Any = 1) -> Tensor:
    """col2im: add columns back into an image; overlapping windows add up.

    Parameters
    ----------
    input : Tensor
        Shape (N, C * KH * KW, L), laid out as `unfold` returns it.
    output_size : int or pair of ints
        (H, W) of the image.
    kernel_size, dilation, padding, stride : int or pair of ints

    Returns
    -------
    Tensor
        Shape (N, C, H, W).
    """
    if not isinstance(input, Tensor) or input.ndim != 3:
        raise ValueError(f"fold: expected a 3D (N, C*KH*KW, L) input, got "
                         f"{list(getattr(input, 'shape', ()))}")
    size = pair(output_size, "output_size", "fold")
    kernel, dilation, padding, stride = _geometry(kernel_size, dilation, padding, stride, "fold")
    oh, ow = conv_output_size(size, kernel, stride, padding, dilation, "fold")
    n, ckk, l = input.shape
    if ckk % (kernel[0] * kernel[1]) or l != oh * ow:
        raise RuntimeError(f"fold: expected an input of shape (N, C*{kernel[0]}*{kernel[1]}, "
                           f"{oh * ow}) for output_size {size}, got {list(input.shape)}")
    return Fold.apply(input, size, kernel, dilation, padding, stride)


def _same_padding(x: Tensor, kernel: Pair, dilation: Pair, stride: Pair) -> tuple[Tensor, Pair]:
    """Pad for 'same': the total is D(K-1); an odd total puts the extra pixel right/bottom."""
    if stride != (1, 1):
        raise ValueError(f"conv2d: padding='same' is not supported for strided convolutions, "
                         f"got stride {stride}")
    totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
    even = (totals[0] // 2, totals[1] // 2)
    extra = [t - 2 * e for t, e in zip(totals, even)]
    if any(extra):
        x = movement.pad(x, (0, extra[1], 0, extra[0]))
    return x, even


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
    check_image(input, "conv2d")
    if not isinstance(weight, Tensor) or weight.ndim != 4:
        raise ValueError(f"conv2d: expected a 4D weight (F, C/groups, KH, KW), got "
                         f"{list(getattr(weight, 'shape', ()))}")
    if input.ndim == 3:
        out = conv2d(movement.unsqueeze(input, 0), weight, bias, stride, padding, dilation,
                     groups)
        return movement.squeeze(out, 0)
    if not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"conv2d: groups must be a positive integer, got {groups!r}")
    f, c_per_group, kh, kw = weight.shape
    if f % groups:
        raise ValueError(f"conv2d: out_channels ({f}) must be divisible by groups ({groups})")
    if input.shape[1] != c_per_group * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, "
                           f"expected input{list(input.shape)} to have "
                           f"{c_per_group * groups} channels, but got {input.shape[1]} "
                           "channels instead")
    if bias is not None and (not isinstance(bias, Tensor) or bias.shape != (f,)):
        raise RuntimeError(f"conv2d: expected bias of shape [{f}] for weight of size "
                           f"{list(weight.shape)}, got {list(getattr(bias, 'shape', ()))}")
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"conv2d: invalid padding string {padding!r}, should be one of "
                             "'valid', 'same'")
        pad_mode, padding = padding, 0
    else:
        pad_mode = None
    kernel, dilation, padding, stride = _geometry((kh, kw), dilation, padding, stride, "conv2d")
    if pad_mode == "same":
        input, padding = _same_padding(input, kernel, dilation, stride)
    conv_output_size(input.shape[2:], kernel, stride, padding, dilation, "conv2d")
    return Conv2d.apply(input, weight, bias, stride, padding, dilation, int(groups))
