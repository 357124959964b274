"""Window geometry shared by convolution and pooling.

Shape letters: input (N, C, H, W), kernel (KH, KW), stride (SH, SW), padding (PH, PW),
dilation (DH, DW), output (OH, OW). A window is the set of KH x KW input cells that one
output cell reads: window (oh, ow) reads the padded input at rows ``oh * SH + i * DH`` and
columns ``ow * SW + j * DW`` for kernel offsets (i, j).

This module checks the arguments (``pair``, ``check_positive``, ``check_image``), computes
the output size with PyTorch's rules (``output_size``); these work for volumes too (a depth
D in front of H and W, ``ints(value, 3, ...)``). It gives the windows of an array
as a strided view without copying (``windows``) or adds values back into them
(``add_windows``, the loop at the heart of col2im).
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..dtypes import scalar_type_name
from ..tensor import Tensor

Pair = tuple[int, int]


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def ints(value: Any, n: int, name: str, op: str) -> tuple[int, ...]:
    """``value`` as ``n`` ints, one per spatial dim (an int means the same for each).

    A TypeError for a value that is not ints, a RuntimeError (as PyTorch) for a sequence
    of ints of another length.
    """
    if _is_int(value):
        return (int(value),) * n
    if isinstance(value, (tuple, list)) and all(_is_int(v) for v in value):
        if len(value) != n:
            raise RuntimeError(f"{op}: {name} must be a single int or a tuple of {n} ints, "
                               f"got {tuple(value)}")
        return tuple(int(v) for v in value)
    raise TypeError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}")


def pair(value: Any, name: str, op: str) -> Pair:
    """``value`` as a pair of ints (an int means the same for height and width)."""
    return ints(value, 2, name, op)


def check_positive(value: Pair, name: str, op: str, minimum: int = 1) -> None:
    """Raise PyTorch's RuntimeError, naming ``op`` and ``name``, when a component is below
    ``minimum``."""
    if min(value) < minimum:
        raise RuntimeError(f"{op}: {name} must be at least {minimum}, got {tuple(value)}")


def check_image(x: Any, op: str, allow_unbatched: bool = True, spatial: int = 2,
                integers: tuple[str, ...] = ()) -> None:
    """``x`` must be a floating point (N, C, H, W) tensor, or (C, H, W) when allowed; with
    ``spatial=3`` a volume, (N, C, D, H, W) or (C, D, H, W). ``integers`` names the
    integer dtypes PyTorch's kernel also takes."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected input to be a Tensor, got {type(x).__name__}")
    if x.ndim != spatial + 2 and not (allow_unbatched and x.ndim == spatial + 1):
        raise RuntimeError(f"Expected {spatial + 1}D (unbatched) or {spatial + 2}D (batched) "
                           f"input to {op}, but got input of size: {list(x.shape)}")
    if x.dtype.kind != "f" and x.dtype.name not in integers:
        raise NotImplementedError(f"\"{op}\" not implemented for "
                                  f"'{scalar_type_name(x.dtype)}' (input of shape "
                                  f"{list(x.shape)})")


def output_size(size: Pair, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                op: str, ceil_mode: bool = False) -> Pair:
    """(OH, OW) = floor((H + 2P - D(K - 1) - 1) / S) + 1, as PyTorch computes it (and
    (OD, OH, OW) for three dims).

    With ``ceil_mode`` the division rounds up, but the last window must start inside the
    input or the left padding, not in the right padding (PyTorch's rule). A window may
    then reach past the padded input (pooling pads that part too). A RuntimeError, as in
    PyTorch, when a size comes out below 1.
    """
    out = []
    for n, k, s, p, d in zip(size, kernel, stride, padding, dilation):
        room = n + 2 * p - d * (k - 1) - 1
        o = (-(-room // s) if ceil_mode else room // s) + 1
        if ceil_mode and (o - 1) * s >= n + p:
            o -= 1
        out.append(o)
    if min(out) < 1:
        padded = tuple(n + 2 * p for n, p in zip(size, padding))
        raise RuntimeError(f"{op}: kernel size {tuple(kernel)} with dilation "
                           f"{tuple(dilation)} is larger than the padded input {padded} "
                           f"(input {tuple(size)}): output size {tuple(out)} is too small")
    return tuple(out)


def span(kernel: Pair, dilation: Pair) -> Pair:
    """How many input cells a window covers from its first row/column to its last."""
    return dilation[0] * (kernel[0] - 1) + 1, dilation[1] * (kernel[1] - 1) + 1


def windows(x: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair, out: Pair,
            writeable: bool = False) -> np.ndarray:
    """The (N, C, KH, KW, OH, OW) windows of an already padded x, as a view (no copy).

    ``view[n, c, i, j, oh, ow]`` is ``x[n, c, oh * SH + i * DH, ow * SW + j * DW]``. Writes
    through a ``writeable`` view land in x; where windows overlap, several view cells are
    the same memory, so only write there with a loop that adds one (i, j) at a time.
    """
    sn, sc, sh, sw = x.strides
    return as_strided(x, shape=x.shape[:2] + tuple(kernel) + tuple(out),
                      strides=(sn, sc, sh * dilation[0], sw * dilation[1], sh * stride[0],
                               sw * stride[1]), writeable=writeable)


def pad_array(x: np.ndarray, padding: Pair, value: float = 0.0) -> np.ndarray:
    """x with PH rows above and below and PW columns left and right set to ``value``."""
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def add_windows(cols: np.ndarray, image: np.ndarray, stride: Pair, dilation: Pair) -> None:
    """col2im's loop: add (A, B, KH, KW, OH, OW) columns into an (A, B, HP, WP) padded
    image, each window back where it was read from (A, B: batch and channel, in either
    order). Overlapping windows add up."""
    _, _, kh, kw, oh, ow = cols.shape
    (sh, sw), (dh, dw) = stride, dilation
    for i in range(kh):
        for j in range(kw):
            image[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                  j * dw:j * dw + sw * (ow - 1) + 1:sw] += cols[:, :, i, j]
