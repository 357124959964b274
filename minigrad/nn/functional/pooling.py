"""1-D and 3-D pooling, built from the 2-D poolings of ``minigrad.ops.pooling``, and
adaptive max pooling (the first maximum of each adaptive window, gathered).

A 1-D pooling is the 2-D one on an image of height 1. A 3-D pooling is two 2-D ones,
because the maximum (or sum) over a box is the maximum (sum) along its depth of the maxima
(sums) of its (H, W) slices: first over (H, W), each depth slice an image, then along the
depth with a (KD, 1) window over the (D, OH * OW) planes. Each stage pads and rounds
(``ceil_mode``) its own dims, and PyTorch divides an average by the product of per-dim
counts, so the two stages give PyTorch's result. Max-pooling takes (H, W) first so that,
on ties, the first maximum in (d, h, w) order wins, as in PyTorch.
"""
from __future__ import annotations

import inspect
import itertools
import math
from typing import Any, Callable

import numpy as np

from ... import ops
from ...internal import array_of, wrap
from ...ops.pooling import (adaptive_average, adaptive_avg_pool2d, adaptive_sizes, avg_pool2d,
                            empty_adaptive, integer_mean, max_pool2d, pool_geometry,
                            window_counts)
from ...tensor import Tensor
from ._checks import float_kernel_input


def _one(value: Any, name: str) -> int:
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ValueError(f"pool1d: {name} must be an int or a 1-tuple, got {value!r}")
        value = value[0]
    return int(value)


def _check(input: Tensor, op: str) -> None:
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{op}: expected 2D (unbatched) or 3D (batched) input, but got "
                           f"input of shape {tuple(input.shape)}")


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The maximum of each window of ``kernel_size`` along the last dim of an
    ``(N, C, L)`` or ``(C, L)`` input; see `minigrad.ops.max_pool2d`."""
    _check(input, "max_pool1d")
    float_kernel_input(input, "max_pool1d", "max_pool1d_impl")  # max_pool2d takes integers
    k = _one(kernel_size, "kernel_size")
    s = k if stride is None or stride == () else _one(stride, "stride")
    out = max_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, _one(padding, "padding")),
                     (1, _one(dilation, "dilation")), ceil_mode, return_indices)
    if return_indices:
        values, indices = out
        return values.squeeze(-2), indices.squeeze(-2)
    return out.squeeze(-2)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """The mean of each window of ``kernel_size`` along the last dim of an ``(N, C, L)``
    or ``(C, L)`` input; see `minigrad.ops.avg_pool2d`."""
    _check(input, "avg_pool1d")
    k = _one(kernel_size, "kernel_size")
    s = k if stride is None or stride == () else _one(stride, "stride")
    out = avg_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, _one(padding, "padding")),
                     ceil_mode, count_include_pad)
    return out.squeeze(-2)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Average-pool the last dim of an ``(N, C, L)`` or ``(C, L)`` input to
    ``output_size``."""
    _check(input, "adaptive_avg_pool1d")
    out = adaptive_avg_pool2d(input.unsqueeze(-2), (1, _one(output_size, "output_size")))
    return out.squeeze(-2)


def _adaptive_windows(n: int, o: int) -> list[tuple[int, int]]:
    """Window i of ``o`` along a dim of size ``n`` covers
    ``[floor(i n / o), ceil((i + 1) n / o))``."""
    return [((i * n) // o, -(-((i + 1) * n) // o)) for i in range(o)]


def _adaptive_argmax(x: np.ndarray, sizes: tuple) -> np.ndarray:
    """For each adaptive window of the last ``len(sizes)`` dims, the flat index (``h * W +
    w``, or ``(d * H + h) * W + w``) of its first maximum in row-major order (a NaN counts
    as the maximum), as PyTorch picks."""
    k = len(sizes)
    lead, spatial = x.shape[:-k], x.shape[-k:]
    bounds = [_adaptive_windows(n, o) for n, o in zip(spatial, sizes)]
    index = np.empty(lead + tuple(sizes), np.int64)
    for position in itertools.product(*(range(o) for o in sizes)):
        window = [b[i] for b, i in zip(bounds, position)]
        cells = x[(...,) + tuple(slice(start, end) for start, end in window)]
        first = np.unravel_index(cells.reshape(lead + (math.prod(cells.shape[-k:]),))
                                 .argmax(axis=-1), cells.shape[-k:])
        index[(...,) + position] = np.ravel_multi_index(
            [start + offset for (start, _), offset in zip(window, first)], spatial)
    return index


def _adaptive_max(input: Tensor, sizes: tuple, return_indices: bool) -> Any:
    """The maximum of each adaptive window of the last ``len(sizes)`` dims (the gradient
    goes to the one cell ``_adaptive_argmax`` picks), and its flat index if asked for."""
    empty = empty_adaptive(input, sizes)
    if empty is not None:
        index = wrap(np.zeros(tuple(empty.shape), np.int64))
        return (empty, index) if return_indices else empty
    index = _adaptive_argmax(array_of(input), sizes)
    flat = ops.flatten(input, -len(sizes))
    values = ops.gather(flat, flat.ndim - 1, wrap(index.reshape(
        index.shape[:-len(sizes)] + (math.prod(sizes),))))
    values = ops.reshape(values, index.shape)
    return (values, wrap(index)) if return_indices else values


def _check_adaptive(input: Tensor, spatial: int, op: str) -> None:
    """PyTorch's errors: a RuntimeError for the wrong rank, NotImplementedError for an
    input that is not floating point."""
    if input.ndim not in (spatial + 1, spatial + 2):
        raise RuntimeError(f"{op}(): Expected {spatial + 1}D or {spatial + 2}D tensor, but "
                           f"got {list(input.shape)}")
    if input.dtype.kind != "f":
        raise NotImplementedError(f'"{op}" not implemented for {input.dtype}')


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max-pool the last dim of an ``(N, C, L)`` or ``(C, L)`` input to ``output_size``
    (window i covers ``[floor(i L / o), ceil((i + 1) L / o))``); with ``return_indices``,
    also the index in L of each maximum."""
    _check(input, "adaptive_max_pool1d")
    return _adaptive_max(input, (_one(output_size, "output_size"),), return_indices)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max-pool the last two dims of an ``(N, C, H, W)`` or ``(C, H, W)`` input to
    ``output_size`` (an int, or ``(OH, OW)`` with None keeping that size); with
    ``return_indices``, also the flat index ``h * W + w`` of each maximum."""
    _check_adaptive(input, 2, "adaptive_max_pool2d")
    sizes = adaptive_sizes(output_size, input.shape[-2:], "adaptive_max_pool2d")
    return _adaptive_max(input, sizes, return_indices)


# --- 3-D pooling: two 2-D stages -------------------------------------------------------------
def _volumes(input: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
             ceil_mode: bool, op: str) -> tuple:
    """Check a 3-D pooling's arguments; return the batched input, whether it was unbatched,
    and the kernel, stride, padding and dilation as triples."""
    kernel, stride, padding, dilation, _ = pool_geometry(input, kernel_size, stride, padding,
                                                         dilation, ceil_mode, op, spatial=3)
    unbatched = input.ndim == 4
    return (ops.unsqueeze(input, 0) if unbatched else input), unbatched, (kernel, stride,
                                                                          padding, dilation)


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """3-D max pooling, as ``torch.nn.functional.max_pool3d``: a 2-D max-pooling of every
    depth slice, then one along the depth (see the module docstring).

    The input is (N, C, D, H, W) or (C, D, H, W); ``kernel_size``, ``stride`` (by default
    ``kernel_size``), ``padding`` (-inf, at most half the kernel) and ``dilation`` are ints
    or triples, and ``ceil_mode`` as in `minigrad.ops.max_pool2d`. With
    ``return_indices``, also the flat index ``(d * H + h) * W + w`` of each maximum.
    """
    x, unbatched, (kernel, stride, padding, dilation) = _volumes(
        input, kernel_size, stride, padding, dilation, ceil_mode, "max_pool3d")
    n, c, d, h, w = x.shape
    planes = max_pool2d(x.reshape(n, c * d, h, w), kernel[1:], stride[1:], padding[1:],
                        dilation[1:], ceil_mode, return_indices)
    planes, plane_index = planes if return_indices else (planes, None)
    oh, ow = planes.shape[2:]
    out = max_pool2d(planes.reshape(n, c, d, oh * ow), (kernel[0], 1), (stride[0], 1),
                     (padding[0], 0), (dilation[0], 1), ceil_mode, return_indices)
    values, depth_index = out if return_indices else (out, None)
    values = values.reshape(n, c, -1, oh, ow)
    if return_indices:  # the depth of each maximum, then where it is in that slice
        depth = np.clip(array_of(depth_index) // (oh * ow), 0, d - 1)
        within = np.take_along_axis(array_of(plane_index).reshape(n, c, d, oh * ow), depth, 2)
        index = wrap((depth * (h * w) + within).reshape(values.shape))
        return (ops.squeeze(values, 0), ops.squeeze(index, 0)) if unbatched else (values, index)
    return ops.squeeze(values, 0) if unbatched else values


def avg_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """3-D average pooling, as ``torch.nn.functional.avg_pool3d``: the sums of every depth
    slice's windows, then their average along the depth (see the module docstring).

    The input is (N, C, D, H, W) or (C, D, H, W), and at least as large as the kernel;
    ``kernel_size``, ``stride`` (by default ``kernel_size``) and ``padding`` (zeros, at
    most half the kernel) are ints or triples; ``ceil_mode``, ``count_include_pad`` and
    ``divisor_override`` as in `minigrad.ops.avg_pool2d`.
    """
    op = "avg_pool3d"
    x, unbatched, (kernel, stride, padding, _) = _volumes(input, kernel_size, stride,
                                                          padding, 1, ceil_mode, op)
    if any(n < k for n, k in zip(x.shape[2:], kernel)):
        raise RuntimeError(f"{op}: input image (T: {x.shape[2]} H: {x.shape[3]} W: "
                           f"{x.shape[4]}) smaller than kernel size {tuple(kernel)}")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError(f"{op}: divisor_override must be non-zero")
    n, c, d, h, w = x.shape
    # Sums over (H, W) when the divisor is overridden or the input is an integer (whose
    # mean is rounded once, at the end); otherwise each stage divides by its own counts,
    # whose product is PyTorch's divisor.
    summing = divisor_override is not None or x.dtype.kind != "f"
    planes = avg_pool2d(x.reshape(n, c * d, h, w), kernel[1:], stride[1:], padding[1:],
                        ceil_mode, count_include_pad, 1 if summing else None)
    oh, ow = planes.shape[2:]
    integer_sums = divisor_override is None and summing
    out = avg_pool2d(planes.reshape(n, c, d, oh * ow), (kernel[0], 1), (stride[0], 1),
                     (padding[0], 0), ceil_mode, count_include_pad,
                     1 if integer_sums else divisor_override)
    out = out.reshape(n, c, -1, oh, ow)
    if integer_sums:
        counts = window_counts(x.shape[2:], kernel, stride, padding, out.shape[2:],
                               count_include_pad)
        out = wrap(integer_mean(array_of(out), counts))
    return ops.squeeze(out, 0) if unbatched else out


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling to a fixed (OD, OH, OW), as
    ``torch.nn.functional.adaptive_avg_pool3d``: along each dim, window i of o over n cells
    covers ``[floor(i n / o), ceil((i + 1) n / o))``; one matrix product per dim whose size
    changes (`minigrad.ops.pooling.adaptive_average`). ``None`` in ``output_size`` keeps
    that size."""
    _check_adaptive(input, 3, "adaptive_avg_pool3d")
    sizes = adaptive_sizes(output_size, input.shape[-3:], "adaptive_avg_pool3d")
    empty = empty_adaptive(input, sizes)
    return adaptive_average(input, sizes) if empty is None else empty


def adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max-pool the last three dims of an ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input to
    ``output_size`` (adaptive windows as `adaptive_avg_pool3d`); with ``return_indices``,
    also the flat index ``(d * H + h) * W + w`` of each maximum."""
    _check_adaptive(input, 3, "adaptive_max_pool3d")
    sizes = adaptive_sizes(output_size, input.shape[-3:], "adaptive_max_pool3d")
    return _adaptive_max(input, sizes, return_indices)


# --- power-average pooling ------------------------------------------------------------------
def _lp_pool(input: Tensor, norm_type: float, kernel_size: Any, stride: Any, ceil_mode: bool,
             dims: int) -> Tensor:
    """``(sum over each window of x ** p) ** (1 / p)``, in PyTorch's order of operations:
    an average pool of ``x ** p`` times the window size (its sign kept), then the root."""
    max_pool = {1: max_pool1d, 2: max_pool2d, 3: max_pool3d}[dims]
    avg_pool = {1: avg_pool1d, 2: avg_pool2d, 3: avg_pool3d}[dims]
    if norm_type == float("inf"):
        return max_pool(ops.abs(input), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -float("inf"):
        return -max_pool(-ops.abs(input), kernel_size, stride, 0, 1, ceil_mode)
    sizes = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * dims
    out = avg_pool(input ** norm_type, kernel_size, stride, 0, ceil_mode)
    window = int(np.prod(sizes))
    return ((ops.sign(out) * ops.relu(ops.abs(out))) * window) ** (1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:
    """The ``norm_type``-norm of each window along the last dim (``inf``: the largest
    absolute value)."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:
    """The ``norm_type``-norm of each window of the last two dims (``p = 1``: the sum of
    absolute values for non-negative inputs; ``inf``: max-pooling of ``|x|``)."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:
    """The ``norm_type``-norm of each window of the last three dims."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3)


# --- PyTorch's names that always return the indices ---------------------------------------
def _with_indices(pool: Callable) -> Callable:
    """PyTorch's ``<pool>_with_indices``: ``pool``'s arguments (and signature), its
    ``return_indices`` set to True whatever is passed."""
    signature = inspect.signature(pool)

    def with_indices(*args: Any, **kwargs: Any) -> tuple[Tensor, Tensor]:
        arguments = signature.bind(*args, **kwargs).arguments
        arguments["return_indices"] = True
        return pool(**arguments)

    with_indices.__name__ = with_indices.__qualname__ = f"{pool.__name__}_with_indices"
    with_indices.__doc__ = f"`{pool.__name__}` with ``return_indices=True``."
    with_indices.__signature__ = signature
    return with_indices


max_pool1d_with_indices = _with_indices(max_pool1d)
"""`max_pool1d` with ``return_indices=True``."""
max_pool2d_with_indices = _with_indices(max_pool2d)
"""`minigrad.ops.max_pool2d` with ``return_indices=True``."""
max_pool3d_with_indices = _with_indices(max_pool3d)
"""`max_pool3d` with ``return_indices=True``."""
adaptive_max_pool1d_with_indices = _with_indices(adaptive_max_pool1d)
"""`adaptive_max_pool1d` with ``return_indices=True``."""
adaptive_max_pool2d_with_indices = _with_indices(adaptive_max_pool2d)
"""`adaptive_max_pool2d` with ``return_indices=True``."""
adaptive_max_pool3d_with_indices = _with_indices(adaptive_max_pool3d)
"""`adaptive_max_pool3d` with ``return_indices=True``."""
