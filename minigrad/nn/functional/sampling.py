"""Sampling an image at arbitrary points: ``affine_grid`` and ``grid_sample`` (the pair a
spatial transformer network is built from).

``grid_sample`` reads the input at the points of a grid given in normalised coordinates,
-1 for the left (top) edge and +1 for the right (bottom) one. Each point becomes a
fractional pixel position; ``bilinear`` mixes the four pixels around it with weights that
are differentiable in the position (so the gradient reaches the grid, and through
``affine_grid`` the transform), ``nearest`` reads the closest one. Pixels outside the
image read 0 (``padding_mode='zeros'``), or the position is first moved inside, to the
border or by reflection. Everything is written with minigrad primitives: the reads are
indexing (whose backward adds the gradient back into the image) and the weights are
arithmetic on the positions.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ... import ops
from ...internal import array_of, wrap
from ...ops.selection import locally_constant
from ...tensor import Tensor

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to "
                  "align_corners=False since 1.3.0. Please specify align_corners=True if the "
                  "old behavior is desired. See the documentation of grid_sample for details.")


def _align(align_corners: bool | None) -> bool:
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=3)
        return False
    return bool(align_corners)


def _base_coordinates(n: int, align_corners: bool, dtype: np.dtype) -> np.ndarray:
    """The normalised coordinates of the ``n`` pixel centres along one dim."""
    if n <= 1:
        return np.zeros(n, dtype)
    steps = np.linspace(-1.0, 1.0, n)
    return (steps if align_corners else steps * (n - 1) / n).astype(dtype)


def affine_grid(theta: Tensor, size: Any, align_corners: bool | None = None) -> Tensor:
    """The (N, H, W, 2) sampling grid of a batch of 2-D affine transforms.

    Parameters
    ----------
    theta : Tensor
        (N, 2, 3) float: each maps output coordinates ``(x, y, 1)`` to input coordinates.
    size : sequence of int
        The output size ``(N, C, H, W)``.
    align_corners : bool, optional
        Whether -1 and 1 are the centres (True) or the outer edges (False) of the corner
        pixels. None means False, with PyTorch's warning.

    Returns
    -------
    Tensor
        ``grid[n, h, w] = theta[n] @ (x_w, y_h, 1)``, differentiable in ``theta``.
    """
    align = _align(align_corners)
    if theta.dtype.kind != "f":
        raise ValueError(f"affine_grid: Expected theta to have floating point type, but got "
                         f"{theta.dtype}")
    size = tuple(int(s) for s in size)
    if len(size) != 4:
        raise NotImplementedError(f"affine_grid: only 4-D sizes (2-D affine transforms) are "
                                  f"supported. Got size {list(size)}.")
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (2, 3) or theta.shape[0] != size[0]:
        raise ValueError(f"affine_grid: Expected a batch of 2D affine matrices of shape Nx2x3 "
                         f"for size {list(size)}. Got {list(theta.shape)}.")
    if min(size) <= 0:
        raise ValueError(f"affine_grid: Expected non-zero, positive output size. Got "
                         f"{list(size)}")
    n, _, h, w = size
    xs = _base_coordinates(w, align, theta.dtype)
    ys = _base_coordinates(h, align, theta.dtype)
    base = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None], np.ones((1, 1), theta.dtype)),
                    axis=-1).reshape(1, h * w, 3)
    grid = ops.matmul(wrap(base), ops.transpose(theta, 1, 2))  # (N, H*W, 2)
    return ops.reshape(grid, (n, h, w, 2))


def _pixel_position(coordinate: Tensor, size: int, align_corners: bool) -> Tensor:
    """Normalised coordinates in [-1, 1] as fractional pixel indices in [0, size - 1]."""
    if align_corners:
        return (coordinate + 1) * ((size - 1) / 2)
    return ((coordinate + 1) * size - 1) / 2


def _clip(position: Tensor, size: int) -> Tensor:
    """The position moved into [0, size - 1]; the gradient is 0 at and beyond the ends,
    as PyTorch's."""
    inside = (position > 0) & (position < size - 1)
    return ops.where(inside, position, ops.clamp(position.detach(), 0, size - 1))


def _reflect(position: Tensor, low2: int, high2: int) -> Tensor:
    """The position reflected at ``low2 / 2`` and ``high2 / 2`` until it lies between."""
    if low2 == high2:
        return locally_constant(position, np.zeros(position.shape, position.dtype))
    low, span = low2 / 2, (high2 - low2) / 2
    distance = ops.abs(position - low)
    flips = np.floor(array_of(distance) / span)
    extra = distance - wrap((flips * span).astype(position.dtype))
    return ops.where(wrap(flips % 2 == 0), extra + low, (span + low) - extra)


def _source_position(coordinate: Tensor, size: int, padding_mode: str,
                     align_corners: bool) -> Tensor:
    position = _pixel_position(coordinate, size, align_corners)
    if padding_mode == "border":
        return _clip(position, size)
    if padding_mode == "reflection":
        twice = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
        return _clip(_reflect(position, *twice), size)
    return position


def _read(input: Tensor, rows: np.ndarray, cols: np.ndarray) -> Tensor:
    """``input[n, :, rows, cols]`` as (N, C, OH, OW), zero where (rows, cols) is outside."""
    n, _, h, w = input.shape
    valid = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
    batch = np.arange(n).reshape(n, 1, 1)
    picked = input[wrap(batch), :, wrap(np.clip(rows, 0, h - 1)), wrap(np.clip(cols, 0, w - 1))]
    values = ops.permute(picked, (0, 3, 1, 2))  # (N, OH, OW, C) -> (N, C, OH, OW)
    if valid.all():
        return values
    return values * wrap(valid[:, None].astype(input.dtype))


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: bool | None = None) -> Tensor:
    """Sample ``input`` at the points of ``grid``, as ``torch.nn.functional.grid_sample``.

    Parameters
    ----------
    input : Tensor
        (N, C, H, W).
    grid : Tensor
        (N, OH, OW, 2): ``grid[n, i, j] = (x, y)`` in normalised coordinates (-1 left/top,
        +1 right/bottom), the same dtype as ``input``.
    mode : {'bilinear', 'nearest'}
        ``'bicubic'`` is not supported (NotImplementedError).
    padding_mode : {'zeros', 'border', 'reflection'}
        What a point outside the image reads.
    align_corners : bool, optional
        As in `affine_grid`; None means False, with PyTorch's warning.

    Returns
    -------
    Tensor
        (N, C, OH, OW). Differentiable in ``input``, and for ``'bilinear'`` in ``grid``
        (for ``'nearest'`` the grid's gradient is 0).
    """
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    align = _align(align_corners)
    _check_sample_shapes(input, grid)
    if mode == "bicubic":
        raise NotImplementedError("grid_sample: mode='bicubic' is not supported; use "
                                  "'bilinear' or 'nearest'")
    _, _, h, w = input.shape
    x = _source_position(grid[..., 0], w, padding_mode, align)
    y = _source_position(grid[..., 1], h, padding_mode, align)
    if mode == "nearest":
        rows, cols = np.rint(array_of(y)).astype(np.int64), np.rint(array_of(x)).astype(np.int64)
        still = locally_constant(x + y, np.zeros(x.shape, input.dtype))  # grid gets 0
        return _read(input, rows, cols) + ops.unsqueeze(still, 1)
    top, left = np.floor(array_of(y)), np.floor(array_of(x))
    dy = ops.unsqueeze(y - wrap(top.astype(input.dtype)), 1)
    dx = ops.unsqueeze(x - wrap(left.astype(input.dtype)), 1)
    top, left = top.astype(np.int64), left.astype(np.int64)
    upper = _read(input, top, left) * (1 - dx) + _read(input, top, left + 1) * dx
    lower = _read(input, top + 1, left) * (1 - dx) + _read(input, top + 1, left + 1) * dx
    return upper * (1 - dy) + lower * dy


def _check_sample_shapes(input: Tensor, grid: Tensor) -> None:
    if input.ndim != 4 or grid.ndim != 4:
        raise RuntimeError(f"grid_sampler(): expected 4D input and grid (5-D volumetric "
                           f"sampling is not supported), but got input with sizes "
                           f"{list(input.shape)} and grid with sizes {list(grid.shape)}")
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, "
                           f"but got input with sizes {list(input.shape)} and grid with sizes "
                           f"{list(grid.shape)}")
    if grid.shape[-1] != 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size 2 in last dimension, "
                           f"but got grid with sizes {list(grid.shape)}")
    if input.dtype != grid.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have same dtype, but "
                           f"input has {input.dtype} and grid has {grid.dtype}")
