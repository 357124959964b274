"""Pooling: max_pool2d and avg_pool2d as registered primitives, and adaptive_avg_pool2d.

Padding (and the extra right/bottom cells that ``ceil_mode`` may need) is applied first
with the differentiable ``pad`` (with -inf for max, 0 for average), so the primitives only
ever slide windows over an already padded image.

Max-pooling remembers which offset k = i * KW + j of each window held the maximum (the
first one on ties, as in PyTorch). Its backward routes each output gradient to that
position, adding up where windows overlap; the backward of that routing is a gather at
the same positions, so max-pooling can be differentiated twice.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd.function import Function, register
from ..tensor import Tensor
from . import movement, reduction
from .conv import Fold, check_image, check_positive, conv_output_size, pair, windows


def _offsets(kernel: tuple[int, int]):
    """(k, i, j) for every position of a window, in row-major order."""
    return [(i * kernel[1] + j, i, j) for i in range(kernel[0]) for j in range(kernel[1])]


def _writeable_windows(image: np.ndarray, kernel, stride, dilation, out) -> np.ndarray:
    sn, sc, sh, sw = image.strides
    return as_strided(image, shape=image.shape[:2] + tuple(kernel) + tuple(out),
                      strides=(sn, sc, sh * dilation[0], sw * dilation[1], sh * stride[0],
                               sw * stride[1]))


@register("max_pool2d")
class MaxPool2d(Function):
    """z = max over each window of x.  dz/dx: g routed to the (first) argmax of its window."""

    @staticmethod
    def forward(ctx, x, kernel_size, stride, dilation=(1, 1)):
        ctx.config = (None, kernel_size, stride, dilation)
        # x is already padded so that the last window ends at its edge
        out_size = conv_output_size(x.shape[2:], kernel_size, stride, (0, 0), dilation,
                                    "max_pool2d")
        view = windows(x, kernel_size, stride, dilation, out_size)
        best = view[:, :, 0, 0].copy()
        arg = np.zeros(best.shape, np.uint8 if math.prod(kernel_size) < 256 else np.int32)
        for k, i, j in _offsets(kernel_size)[1:]:
            candidate = view[:, :, i, j]
            better = np.greater(candidate, best)  # strict: the first maximum wins ties
            np.maximum(best, candidate, out=best)  # (and a NaN propagates, as in PyTorch)
            arg += better * (arg.dtype.type(k) - arg)  # arg = k where better, branch-free
        ctx.arg, ctx.shape = arg, x.shape
        return best, arg

    @staticmethod
    def backward(ctx, g, _):
        _, kernel, stride, dilation = ctx.config
        return MaxPool2dRoute.apply(g, ctx.arg, ctx.shape, kernel, stride, dilation), \
            None, None, None


@register("max_pool2d_route")
class MaxPool2dRoute(Function):
    """z = zeros(shape) with g[window] added at the argmax of each window (overlaps add).
    dz/dg: gather of the gradient at the same argmax positions."""

    @staticmethod
    def forward(ctx, g, arg, shape, kernel_size, stride, dilation):
        ctx.config = (None, arg, shape, kernel_size, stride, dilation)
        spans = [d * (k - 1) + 1 for k, d in zip(kernel_size, dilation)]
        disjoint = all(s >= span for s, span in zip(stride, spans))
        tiled = disjoint and tuple(stride) == tuple(spans) == tuple(kernel_size) and \
            shape[2:] == tuple(o * s for o, s in zip(arg.shape[2:], stride))
        # Windows that tile the image write every cell exactly once: no zero-fill needed.
        image = np.empty(shape, dtype=g.dtype) if tiled else np.zeros(shape, dtype=g.dtype)
        view = _writeable_windows(image, kernel_size, stride, dilation, arg.shape[2:])
        for k, i, j in _offsets(kernel_size):
            if disjoint:
                np.multiply(g, arg == k, out=view[:, :, i, j])
            else:
                view[:, :, i, j] += g * (arg == k)
        return image

    @staticmethod
    def backward(ctx, gg):
        _, arg, _, kernel, stride, dilation = ctx.config
        return MaxPool2dGather.apply(gg, arg, kernel, stride, dilation), \
            None, None, None, None, None


@register("max_pool2d_gather")
class MaxPool2dGather(Function):
    """z[window] = x at the remembered argmax of the window.  dz/dx: route (scatter-add)."""

    @staticmethod
    def forward(ctx, x, arg, kernel_size, stride, dilation):
        ctx.config = (None, arg, kernel_size, stride, dilation)
        ctx.shape = x.shape
        view = windows(x, kernel_size, stride, dilation, arg.shape[2:])
        out = np.zeros(arg.shape, dtype=x.dtype)
        for k, i, j in _offsets(kernel_size):
            out += view[:, :, i, j] * (arg == k)
        return out

    @staticmethod
    def backward(ctx, g):
        _, arg, kernel, stride, dilation = ctx.config
        return MaxPool2dRoute.apply(g, arg, ctx.shape, kernel, stride, dilation), \
            None, None, None, None


@register("avg_pool2d")
class AvgPool2d(Function):
    """z = sum over each window of x / divisor.  dz/dx: g / divisor added to every position
    of its window (col2im)."""

    @staticmethod
    def forward(ctx, x, kernel_size, stride, divisor):
        ctx.config = (None, kernel_size, stride, divisor)
        out_size = divisor.shape
        view = windows(x, kernel_size, stride, (1, 1), out_size)
        total = view[:, :, 0, 0].copy()
        for _, i, j in _offsets(kernel_size)[1:]:
            total += view[:, :, i, j]
        ctx.size = x.shape[2:]
        return total / divisor.astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        _, kernel, stride, divisor = ctx.config
        n, c, oh, ow = g.shape
        share = g / Tensor._wrap(divisor.astype(g.dtype))
        cols = movement.expand(movement.reshape(share, (n, c, 1, oh * ow)),
                               (n, c, kernel[0] * kernel[1], oh * ow))
        cols = movement.reshape(cols, (n, -1, oh * ow))
        return Fold.apply(cols, ctx.size, kernel, (1, 1), (0, 0), stride), None, None, None


# --- public functions ----------------------------------------------------------------------
def _pool_geometry(x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                   ceil_mode: bool, op: str) -> tuple:
    check_image(x, op)
    kernel = pair(kernel_size, "kernel_size", op)
    stride = kernel if stride is None or stride == [] else pair(stride, "stride", op)
    padding, dilation = pair(padding, "padding", op), pair(dilation, "dilation", op)
    check_positive(kernel, "kernel_size", op)
    check_positive(stride, "stride", op)
    check_positive(dilation, "dilation", op)
    check_positive(padding, "padding", op, minimum=0)
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise ValueError(f"{op}: pad should be at most half of kernel size, but got "
                         f"pad={tuple(padding)} and kernel_size={tuple(kernel)}")
    out = conv_output_size(x.shape[-2:], kernel, stride, padding, dilation, op, ceil_mode)
    return kernel, stride, padding, dilation, out


def _pad_for_windows(x: Tensor, kernel, stride, padding, dilation, out, value: float) -> Tensor:
    """Pad left/top by the padding, and right/bottom as far as the last window reaches."""
    after = []
    for n, k, s, p, d, o in zip(x.shape[2:], kernel, stride, padding, dilation, out):
        after.append(max(p, (o - 1) * s + d * (k - 1) + 1 - n - p))
    (ph, pw), (bottom, right) = padding, after
    if ph == pw == bottom == right == 0:
        return x
    return movement.pad(x, (pw, right, ph, bottom), value=value)


def _batched(x: Tensor) -> tuple[Tensor, bool]:
    return (movement.unsqueeze(x, 0), True) if x.ndim == 3 else (x, False)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """2-D max pooling, as ``torch.nn.functional.max_pool2d``.

    Parameters
    ----------
    input : Tensor
        (N, C, H, W) or (C, H, W).
    kernel_size : int or pair
    stride : int or pair, optional
        Defaults to ``kernel_size``.
    padding : int or pair
        Implicit -inf padding; at most half the kernel.
    dilation : int or pair
    ceil_mode : bool
        Round the output size up; a window may still not start in the right padding.
    return_indices : bool
        Also return, per output, the flat index ``h * W + w`` of its maximum in the input.

    Returns
    -------
    Tensor or (Tensor, Tensor)
    """
    x, unbatched = _batched(input)
    kernel, stride, padding, dilation, out = _pool_geometry(
        x, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d")
    padded = _pad_for_windows(x, kernel, stride, padding, dilation, out, -np.inf)
    values, arg = MaxPool2d.apply(padded, kernel, stride, dilation)
    if unbatched:
        values = movement.squeeze(values, 0)
    if not return_indices:
        return values
    indices = _flat_indices(arg._data, x.shape[-1], kernel, stride, padding, dilation)
    return values, Tensor._wrap(indices[0] if unbatched else indices)


def _flat_indices(arg: np.ndarray, width: int, kernel, stride, padding, dilation) -> np.ndarray:
    """PyTorch's return_indices: the flat position h * W + w in the unpadded input."""
    oh, ow = arg.shape[2:]
    i, j = np.divmod(arg.astype(np.int64), kernel[1])
    rows = np.arange(oh).reshape(-1, 1) * stride[0] + i * dilation[0] - padding[0]
    cols = np.arange(ow) * stride[1] + j * dilation[1] - padding[1]
    return rows * width + cols


def _divisor(size, kernel, stride, padding, out, count_include_pad: bool) -> np.ndarray:
    """How many cells each average divides by (PyTorch's rule), shape (OH, OW)."""
    counts = []
    for n, k, s, p, o in zip(size, kernel, stride, padding, out):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, n)
        counts.append(end - start)
    return np.outer(counts[0], counts[1]).astype(np.float64)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """2-D average pooling, as ``torch.nn.functional.avg_pool2d``.

    Parameters
    ----------
    input : Tensor
        (N, C, H, W) or (C, H, W).
    kernel_size : int or pair
    stride : int or pair, optional
        Defaults to ``kernel_size``.
    padding : int or pair
        Zero padding; at most half the kernel.
    ceil_mode : bool
        Round the output size up.
    count_include_pad : bool
        Count the zero padding in the divisor.
    divisor_override : int, optional
        Divide every sum by this instead.
    """
    x, unbatched = _batched(input)
    kernel, stride, padding, dilation, out = _pool_geometry(
        x, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d")
    if divisor_override is not None:
        if divisor_override == 0:
            raise ValueError("avg_pool2d: divisor_override must be non-zero")
        divisor = np.full(out, float(divisor_override))
    else:
        divisor = _divisor(x.shape[2:], kernel, stride, padding, out, count_include_pad)
    padded = _pad_for_windows(x, kernel, stride, padding, dilation, out, 0.0)
    result = AvgPool2d.apply(padded, kernel, stride, divisor)
    return movement.squeeze(result, 0) if unbatched else result


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling to a fixed (OH, OW), as ``torch.nn.functional.adaptive_avg_pool2d``.

    Window i along a dim of size n covers ``[floor(i n / o), ceil((i + 1) n / o))``; when
    o divides n this is a plain average pool. ``None`` in ``output_size`` keeps that size.
    """
    x, unbatched = _batched(input)
    check_image(x, "adaptive_avg_pool2d")
    size = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    size = tuple(n if o is None else o for o, n in zip(size, x.shape[2:]))
    out_h, out_w = pair(size, "output_size", "adaptive_avg_pool2d")
    check_positive((out_h, out_w), "output_size", "adaptive_avg_pool2d")
    h, w = x.shape[2:]
    if h % out_h == 0 and w % out_w == 0:
        result = avg_pool2d(x, (h // out_h, w // out_w))
    else:
        rows = [_adaptive_mean(x, 2, i, h, out_h) for i in range(out_h)]
        strip = movement.cat(rows, 2)
        result = movement.cat([_adaptive_mean(strip, 3, j, w, out_w) for j in range(out_w)], 3)
    return movement.squeeze(result, 0) if unbatched else result


def _adaptive_mean(x: Tensor, dim: int, i: int, n: int, o: int) -> Tensor:
    start, end = (i * n) // o, -(-((i + 1) * n) // o)
    return reduction.mean(movement.narrow(x, dim, start, end - start), dim, keepdim=True)
