"""Changing the spatial size of images: ``interpolate`` (nearest and linear modes) and the
sub-pixel rearrangements ``pixel_shuffle`` / ``pixel_unshuffle`` (and the deprecated
``upsample*`` names of ``interpolate``).

``interpolate`` works one spatial dim at a time: each output position reads one input
position (nearest) or a weighted pair of neighbours (linear), chosen by integer index
arrays, so the gradient is the indexing primitive's scatter-add.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Sequence

import numpy as np

from ... import ops
from ...dtypes import scalar_type_name
from ...internal import wrap
from ...ops.pooling import adaptive_avg_pool2d
from .pooling import adaptive_avg_pool1d, adaptive_avg_pool3d
from ...tensor import Tensor

_LINEAR_DIMS = {"linear": 1, "bilinear": 2, "trilinear": 3}


def _sizes(input: Tensor, size: Any, scale_factor: Any,
           recompute_scale_factor: bool | None) -> tuple[list[int], list[float | None]]:
    """Output sizes per spatial dim, and the scale (input per output) PyTorch maps with
    when a ``scale_factor`` is given (None: use the ratio of the sizes)."""
    spatial = input.ndim - 2
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: only one of size or scale_factor should be defined")
    if size is not None:
        sizes = list(size) if isinstance(size, Sequence) else [size] * spatial
        if len(sizes) != spatial:
            raise ValueError(f"interpolate: input and output must have the same number of "
                             f"spatial dimensions, but got input with spatial dimensions of "
                             f"{list(input.shape[2:])} and output size of {sizes}")
        _check_positive_sizes(input, [int(s) for s in sizes])
        return [int(s) for s in sizes], [None] * spatial
    factors = list(scale_factor) if isinstance(scale_factor, Sequence) else [scale_factor] * spatial
    if len(factors) != spatial:
        raise ValueError(f"interpolate: expected {spatial} scale factors, got {len(factors)}")
    sizes = [int(math.floor(n * float(f))) for n, f in zip(input.shape[2:], factors)]
    _check_positive_sizes(input, sizes)
    scales = [None if recompute_scale_factor else 1.0 / float(f) for f in factors]
    return sizes, scales


def _check_positive_sizes(input: Tensor, sizes: list[int]) -> None:
    """PyTorch's RuntimeError for an empty (or negative) input or output size."""
    if min(sizes) > 0 and min(input.shape[2:]) > 0:
        return
    letters = ("D", "H", "W")[-len(sizes):]

    def shown(values: Sequence[int]) -> str:
        return ", ".join(f"{letter}: {v}" for letter, v in zip(letters, values))
    raise RuntimeError(f"interpolate: Input and output sizes should be greater than 0, but got "
                       f"input ({shown(input.shape[2:])}) output ({shown(sizes)})")


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None,
                mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, antialias: bool = False) -> Tensor:
    """Resize the spatial dims of an ``(N, C, *spatial)`` input.

    Parameters
    ----------
    input : Tensor
        3-D (one spatial dim), 4-D or 5-D.
    size : int or sequence of int, optional
        The output's spatial size.
    scale_factor : float or sequence of float, optional
        Multiplier of the spatial size (give ``size`` or this, not both).
    mode : {'nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear', 'area'}
        ``'nearest'`` copies input ``floor(i * scale)`` (PyTorch's legacy rule),
        ``'nearest-exact'`` input ``floor((i + 0.5) * scale)``; the linear modes (for 3-D,
        4-D and 5-D inputs) blend the two nearest inputs, ``'bicubic'`` (4-D) four, with
        the cubic convolution kernel; ``'area'`` averages each output's window, as
        adaptive average pooling.
    align_corners : bool, optional
        Linear modes only: map the corner pixels' centres onto each other (True) or the
        corners' edges (False, the default).
    recompute_scale_factor : bool, optional
        With ``scale_factor``, map positions by the ratio of the sizes instead.
    antialias : bool
        Not supported (must be False).
    """
    if input.ndim < 3:
        raise ValueError(f"interpolate: expected a 3-D, 4-D or 5-D input (N, C, *spatial), "
                         f"got shape {tuple(input.shape)}")
    if input.ndim > 5:
        raise NotImplementedError(f"interpolate: only 3D, 4D and 5D input tensors are "
                                  f"supported, got {input.ndim}D")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    linear = mode in _LINEAR_DIMS or mode == "bicubic"
    if not linear and mode not in ("nearest", "nearest-exact", "area"):
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported; use "
                                  f"'nearest', 'nearest-exact', 'linear', 'bilinear', "
                                  f"'bicubic', 'trilinear' or 'area'")
    if linear and _LINEAR_DIMS.get(mode, 2) != input.ndim - 2:
        raise NotImplementedError(f"interpolate: got {input.ndim}D input, but {mode} mode needs "
                                  f"{_LINEAR_DIMS.get(mode, 2) + 2}D input")
    if input.dtype.kind != "f" and not (input.dtype == np.uint8 and not linear):
        raise NotImplementedError(f"\"upsample_{mode}\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}' (interpolate)")
    if not linear and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    sizes, scales = _sizes(input, size, scale_factor, recompute_scale_factor)
    if mode == "area":
        pool = {3: adaptive_avg_pool1d, 4: adaptive_avg_pool2d, 5: adaptive_avg_pool3d}
        return pool[input.ndim](input, sizes)
    out = input
    for i, (o, scale) in enumerate(zip(sizes, scales)):
        dim = 2 + i
        if mode == "bicubic":
            out = _cubic_along(out, dim, o, scale, bool(align_corners))
        elif linear:
            out = _linear_along(out, dim, o, scale, bool(align_corners))
        else:
            out = _nearest_along(out, dim, o, scale, mode == "nearest-exact")
    return out


def _nearest_along(x: Tensor, dim: int, out_size: int, scale: float | None,
                   exact: bool) -> Tensor:
    n = x.shape[dim]
    # PyTorch computes the source position in float32; so does this, to pick the same one.
    ratio = np.float32(n / out_size if scale is None else scale)
    positions = np.arange(out_size, dtype=np.float32) + np.float32(0.5 if exact else 0.0)
    index = np.minimum(np.floor(positions * ratio).astype(np.int64), n - 1)
    return ops.getitem(x, (slice(None),) * dim + (index,))


def _linear_along(x: Tensor, dim: int, out_size: int, scale: float | None,
                  align_corners: bool) -> Tensor:
    n = x.shape[dim]
    dst = np.arange(out_size, dtype=np.float64)
    if align_corners:
        src = dst * ((n - 1) / (out_size - 1) if out_size > 1 else 0.0)
    else:
        ratio = n / out_size if scale is None else scale
        src = np.maximum((dst + 0.5) * ratio - 0.5, 0.0)
    low = np.minimum(np.floor(src).astype(np.int64), n - 1)
    high = np.minimum(low + 1, n - 1)
    shape = (out_size,) + (1,) * (x.ndim - dim - 1)
    w_high = wrap((src - low).astype(x.dtype).reshape(shape))
    lead = (slice(None),) * dim
    return ops.getitem(x, lead + (low,)) * (1 - w_high) + ops.getitem(x, lead + (high,)) * w_high


_CUBIC_A = -0.75  # PyTorch's (and OpenCV's) cubic convolution coefficient


def _cubic_weights(t: np.ndarray) -> list[np.ndarray]:
    """Keys' cubic convolution weights of the taps at -1, 0, 1 and 2 for offsets ``t``."""
    a = _CUBIC_A

    def near(d: np.ndarray) -> np.ndarray:  # |d| <= 1
        return ((a + 2) * d - (a + 3)) * d * d + 1

    def far(d: np.ndarray) -> np.ndarray:  # 1 < |d| < 2
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _cubic_along(x: Tensor, dim: int, out_size: int, scale: float | None,
                 align_corners: bool) -> Tensor:
    """Bicubic resampling along one dim: four taps (clamped at the edges) weighted by the
    cubic convolution kernel, as PyTorch's ``upsample_bicubic2d``."""
    n = x.shape[dim]
    dst = np.arange(out_size, dtype=np.float64)
    if align_corners:
        src = dst * ((n - 1) / (out_size - 1) if out_size > 1 else 0.0)
    else:  # not clamped at 0 for the cubic kernel, unlike the linear one
        src = (dst + 0.5) * (n / out_size if scale is None else scale) - 0.5
    base = np.floor(src)
    shape = (out_size,) + (1,) * (x.ndim - dim - 1)
    lead = (slice(None),) * dim
    out = None
    for tap, weight in zip(range(-1, 3), _cubic_weights(src - base)):
        index = np.clip(base.astype(np.int64) + tap, 0, n - 1)
        term = ops.getitem(x, lead + (index,)) * wrap(weight.astype(x.dtype).reshape(shape))
        out = term if out is None else out + term
    return out


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """``(*, C r^2, H, W) -> (*, C, H r, W r)``: each group of r^2 channels becomes an
    r-by-r block of pixels (sub-pixel convolution)."""
    r = int(upscale_factor)
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    if input.ndim < 3 or input.shape[-3] % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)="
                           f"{input.shape[-3] if input.ndim >= 3 else None} is not divisible "
                           f"by {r * r}")
    *lead, c, h, w = input.shape
    k = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    order = list(range(k)) + [k, k + 3, k + 1, k + 4, k + 2]
    return x.permute(*order).reshape(*lead, c // (r * r), h * r, w * r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """``(N, C, *)``: the channels, read as ``groups`` groups of ``C / groups``, interleaved
    (channel ``g * (C / groups) + k`` moves to ``k * groups + g``), as in ShuffleNet."""
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError("Number of groups to divide channels in must be positive. Value "
                           f"of groups:{groups}")
    n, c, *rest = input.shape
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} "
                           f"channels and {groups} groups.")
    x = input.reshape(n, groups, c // groups, *rest)
    return x.transpose(1, 2).reshape(n, c, *rest)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """The inverse of `pixel_shuffle`: ``(*, C, H r, W r) -> (*, C r^2, H, W)``."""
    r = int(downscale_factor)
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    if input.ndim < 3 or input.shape[-2] % r or input.shape[-1] % r:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by "
                           f"downscale_factor ({r}), got input of shape {tuple(input.shape)}")
    *lead, c, hr, wr = input.shape
    k = len(lead)
    x = input.reshape(*lead, c, hr // r, r, wr // r, r)
    order = list(range(k)) + [k, k + 2, k + 4, k + 1, k + 3]
    return x.permute(*order).reshape(*lead, c * r * r, hr // r, wr // r)


def _deprecated(name: str) -> None:
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` "
                  f"instead.", stacklevel=3)


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """Deprecated name of `interpolate` (warns, as PyTorch)."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: `interpolate` with ``mode='nearest'`` (warns, as PyTorch)."""
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: `interpolate` with ``mode='bilinear', align_corners=True`` (warns, as
    PyTorch)."""
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
