"""``pad``: constant, reflect, replicate and circular padding; negative amounts crop.

As in PyTorch, the negative amounts are cropped first (with ``narrow``), then the positive
ones padded. Constant padding uses the ``pad`` primitive; the other modes pick, for every
output position along a dim, the (cropped) input position it copies with an integer index
array, so their gradient is the indexing primitive's scatter-add: copies of one input
element add up.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ... import ops
from ...ops._util import contiguous_result, float_arg
from ...tensor import Tensor

_MODES = ("constant", "reflect", "replicate", "circular")
# For the non-constant modes: padding length -> the input dims PyTorch accepts.
_NON_CONSTANT_DIMS = {2: (2, 3), 4: (3, 4), 6: (4, 5)}


def _read_pad(pad: Sequence[int], ndim: int) -> list[int]:
    amounts = list(pad)
    for i, p in enumerate(amounts):
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
            raise TypeError(f"pad(): argument 'pad' must be a tuple of ints, but found element "
                            f"of type {type(p).__name__} at pos {i}")
    if len(amounts) % 2:
        raise RuntimeError(f"pad: padding length must be divisible by 2, got {len(amounts)}")
    if len(amounts) // 2 > ndim:
        raise RuntimeError(f"pad: padding length should be less than or equal to two times "
                           f"the input dimension but got padding length {len(amounts)} and "
                           f"input of dimension {ndim}")
    return [int(p) for p in amounts]


def _per_dim(amounts: list[int], ndim: int) -> list[tuple[int, int, int]]:
    """``(dim, before, after)`` for each padded dim; the pairs run from the last dim."""
    return [(ndim - 1 - i, amounts[2 * i], amounts[2 * i + 1]) for i in range(len(amounts) // 2)]


@contiguous_result
def pad(input: Tensor, pad: Sequence[int], mode: str = "constant",
        value: float | None = None) -> Tensor:
    """Pad (or, with negative amounts, crop) the last dims of ``input``.

    Parameters
    ----------
    input : Tensor
    pad : sequence of int
        ``(left, right, top, bottom, ...)``: pairs for the last dim first. A negative
        amount removes that many elements from that side.
    mode : {'constant', 'reflect', 'replicate', 'circular'}
        ``'reflect'`` mirrors without repeating the edge (amounts below the dim's size),
        ``'replicate'`` repeats the edge, ``'circular'`` wraps around (amounts at most the
        dim's size). As in PyTorch, the non-constant modes pad the last 1, 2 or 3 dims of
        a (batched or unbatched) input: 2, 4 or 6 amounts for a 2-3D, 3-4D or 4-5D input.
    value : float, optional
        The fill of ``'constant'`` (0 by default); other modes take no value.

    Examples
    --------
    >>> x = minigrad.arange(4.0).reshape(1, 4)
    >>> pad(x, (1, -2)).tolist()
    [[0.0, 0.0, 1.0]]
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"pad(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if mode not in _MODES:
        raise NotImplementedError(f"pad: unrecognised padding mode {mode!r}; expected one of "
                                  f"{', '.join(_MODES)}")
    amounts = _read_pad(pad, input.ndim)
    if mode == "constant":
        return _constant(input, amounts, 0.0 if value is None else
                         float_arg("pad", value, "value", 4))
    if value is not None:
        raise RuntimeError(f"pad: padding mode {mode!r} doesn't take in value argument")
    dims = _NON_CONSTANT_DIMS.get(len(amounts))
    if dims is None or input.ndim not in dims:
        raise NotImplementedError(
            f"pad: padding size {len(amounts)} is not supported for {input.ndim}D input of "
            f"shape {tuple(input.shape)} in mode {mode!r}; supported: 2 amounts for a 2D or "
            f"3D input, 4 for 3D or 4D, 6 for 4D or 5D")
    out = _crop(input, amounts)
    for dim, before, after in _per_dim(amounts, input.ndim):
        out = _by_index(out, dim, max(before, 0), max(after, 0), mode)
    return out


def _crop(input: Tensor, amounts: list[int]) -> Tensor:
    """Remove the negative amounts (PyTorch crops first, then pads the rest)."""
    out = input
    for dim, before, after in _per_dim(amounts, input.ndim):
        start, stop = max(-before, 0), input.shape[dim] - max(-after, 0)
        if stop < start:
            raise RuntimeError(f"pad: cropping {max(-before, 0)} and {max(-after, 0)} from "
                               f"dim {dim} of size {input.shape[dim]} (input shape "
                               f"{tuple(input.shape)}) leaves a negative length")
        if (start, stop) != (0, input.shape[dim]):
            out = ops.narrow(out, dim, start, stop - start)
    return out


def _constant(input: Tensor, amounts: list[int], value: float) -> Tensor:
    out = _crop(input, amounts)
    widths = [max(p, 0) for p in amounts]
    return ops.pad(out, widths, value=value) if any(widths) else out


def _source_positions(size: int, before: int, after: int, mode: str, dim: int,
                      shape: tuple[int, ...]) -> np.ndarray:
    """For each output position along a dim, the input position it copies."""
    positions = np.arange(-before, size + after)
    if mode == "replicate":
        if size == 0:
            raise RuntimeError(f"pad: replicate padding needs a non-empty dim {dim}, got "
                               f"input of shape {shape}")
        return np.clip(positions, 0, size - 1)
    if mode == "reflect":
        if max(before, after) >= size:
            raise RuntimeError(f"pad: reflect padding ({before}, {after}) should be less than "
                               f"the size {size} of dim {dim} of input of shape {shape}")
        period = 2 * (size - 1)
        folded = np.mod(positions, period) if period else np.zeros_like(positions)
        return np.where(folded < size, folded, period - folded)
    if max(before, after) > size:
        raise RuntimeError(f"pad: circular padding ({before}, {after}) wraps around more than "
                           f"once the size {size} of dim {dim} of input of shape {shape}")
    return np.mod(positions, size)


def _by_index(x: Tensor, dim: int, before: int, after: int, mode: str) -> Tensor:
    if before == 0 and after == 0:
        return x
    index = _source_positions(x.shape[dim], before, after, mode, dim, tuple(x.shape))
    return ops.getitem(x, (slice(None),) * dim + (index,))

