"""Rearranging elements, built from the movement and indexing primitives: ``flip``,
``roll``, ``repeat``, ``tile``, ``unflatten``, ``t``, ``movedim``, ``tril`` and ``triu``.
Their gradients come from the primitives they are made of.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..internal import wrap
from ..tensor import Tensor
from ._util import normalize_dim
from .elementwise import clone
from .indexing import reverse
from .movement import cat, expand, narrow, permute, reshape, transpose
from .selection import where


def flip(input: Tensor, dims: Sequence[int]) -> Tensor:
    """Reverse the order of elements along each of ``dims``."""
    if isinstance(dims, int):
        raise TypeError(f"flip: argument 'dims' must be a tuple of ints, not int ({dims})")
    flipped = {normalize_dim(d, input.ndim, "flip") for d in dims}
    if len(flipped) != len(dims):
        raise RuntimeError(f"flip: a dim appears multiple times in the list of dims {dims}")
    # a copy, as PyTorch's flip is (the reversed view alone would share memory)
    return clone(reverse(input, flipped)) if flipped else clone(input)


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements along ``dims`` by ``shifts``, wrapping around; without ``dims`` the
    tensor is flattened, rolled and given its shape back."""
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"roll: shifts and dimensions must align. shifts: "
                               f"{len(shifts)}, dims: 0")
        return reshape(roll(reshape(input, (-1,)), shifts, 0), input.shape)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"roll: shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims: {len(dims)}")
    out = input
    for shift, dim in zip(shifts, dims):
        dim = normalize_dim(dim, input.ndim, "roll")
        n = input.shape[dim]
        s = shift % n if n else 0
        if s:
            out = cat([narrow(out, dim, n - s, s), narrow(out, dim, 0, n - s)], dim)
    return out


def repeat(input: Tensor, sizes: Sequence[int]) -> Tensor:
    """The tensor repeated ``sizes[i]`` times along dim ``i``; extra leading sizes add
    new dims."""
    sizes = tuple(int(s) for s in sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(f"repeat: number of dimensions of repeat dims ({len(sizes)}) can "
                           f"not be smaller than number of dimensions of tensor "
                           f"({input.ndim}, shape {tuple(input.shape)})")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"repeat: repeats must be non-negative, got {list(sizes)}")
    shape = (1,) * (len(sizes) - input.ndim) + tuple(input.shape)
    # (s0, s1, ...) -> (1, s0, 1, s1, ...) -> expand to (r0, s0, r1, s1, ...) -> merge pairs
    spread = reshape(input, tuple(v for s in shape for v in (1, s)))
    big = expand(spread, tuple(v for r, s in zip(sizes, shape) for v in (r, s)))
    return reshape(big, tuple(r * s for r, s in zip(sizes, shape)))


def tile(input: Tensor, dims: Sequence[int]) -> Tensor:
    """Like `repeat`, but ``dims`` shorter than the tensor's rank is padded with
    leading ones."""
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dimension ``dim`` into ``sizes`` (one entry may be -1)."""
    d = normalize_dim(dim, input.ndim, "unflatten")
    sizes = tuple(int(s) for s in sizes)
    n = input.shape[d]
    known = 1
    for s in sizes:
        known *= s if s != -1 else 1
    fits = (sizes.count(-1) == 1 and known and n % known == 0) or \
        (-1 not in sizes and known == n)
    if not sizes or not fits:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to "
                           f"the size of dim {dim} ({n}) in the input tensor")
    shape = tuple(input.shape)
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


def t(input: Tensor) -> Tensor:
    """The transpose of a matrix; 0-d and 1-d tensors come back as they are."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else input


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Move the dims ``source`` to the positions ``destination`` (ints or sequences of
    equal length); the other dims keep their order. A view, as a permute."""
    source = (source,) if isinstance(source, int) else tuple(source)
    destination = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(source) != len(destination):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({source} "
                           f"dims) should contain the same number of dims as destination "
                           f"({destination} dims)")
    src = [normalize_dim(d, input.ndim, "movedim") for d in source]
    dst = [normalize_dim(d, input.ndim, "movedim") for d in destination]
    for name, dims in (("source", src), ("destination", dst)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(dims)})")
    rest = iter(d for d in range(input.ndim) if d not in src)
    placed = dict(zip(dst, src))
    return permute(input, tuple(placed[i] if i in placed else next(rest)
                                for i in range(input.ndim)))


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dims (on and below ``diagonal``), zeros above."""
    return where(wrap(_triangle(input, "tril", diagonal)), input, _zero(input))


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dims (on and above ``diagonal``), zeros below."""
    return where(wrap(~_triangle(input, "triu", diagonal - 1)), input, _zero(input))


def _triangle(input: Tensor, op: str, diagonal: int) -> np.ndarray:
    """True on and below ``diagonal`` of the last two dims of ``input``."""
    if input.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions, got shape "
                           f"{tuple(input.shape)}")
    rows, cols = input.shape[-2:]
    return np.tri(rows, cols, diagonal, dtype=bool)


def _zero(input: Tensor) -> Tensor:
    return wrap(np.zeros((), input.dtype))
