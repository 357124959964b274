"""1-D pooling, as the 2-D poolings of ``minigrad.ops.pooling`` on an image of height 1,
and adaptive max pooling (the first maximum of each adaptive window, gathered)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ... import ops
from ...internal import array_of, wrap
from ...ops.pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from ...tensor import Tensor


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


def _adaptive_argmax(x: np.ndarray, oh: int, ow: int) -> np.ndarray:
    """For each adaptive window of the last two dims, the flat index ``h * W + w`` of its
    first maximum in row-major order (a NaN counts as the maximum), as PyTorch picks."""
    h, w = x.shape[-2:]
    index = np.empty(x.shape[:-2] + (oh, ow), np.int64)
    for i, (top, bottom) in enumerate(_adaptive_windows(h, oh)):
        for j, (left, right) in enumerate(_adaptive_windows(w, ow)):
            window = x[..., top:bottom, left:right].reshape(x.shape[:-2] + (-1,))
            row, col = np.divmod(window.argmax(axis=-1), right - left)
            index[..., i, j] = (top + row) * w + left + col
    return index


def _adaptive_max(input: Tensor, oh: int, ow: int, return_indices: bool) -> Any:
    """The maximum of each adaptive window of the last two dims (the gradient goes to the
    one cell ``_adaptive_argmax`` picks), and its flat index if asked for."""
    index = _adaptive_argmax(array_of(input), oh, ow)
    flat = ops.flatten(input, -2)
    values = ops.gather(flat, flat.ndim - 1, wrap(index.reshape(index.shape[:-2] + (-1,))))
    values = ops.reshape(values, index.shape)
    return (values, wrap(index)) if return_indices else values


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max-pool the last dim of an ``(N, C, L)`` or ``(C, L)`` input to ``output_size``
    (window i covers ``[floor(i L / o), ceil((i + 1) L / o))``); with ``return_indices``,
    also the index in L of each maximum."""
    _check(input, "adaptive_max_pool1d")
    out = _adaptive_max(ops.unsqueeze(input, -2), 1, _one(output_size, "output_size"),
                        return_indices)
    if return_indices:
        return ops.squeeze(out[0], -2), ops.squeeze(out[1], -2)
    return ops.squeeze(out, -2)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max-pool the last two dims of an ``(N, C, H, W)`` or ``(C, H, W)`` input to
    ``output_size`` (an int, or ``(OH, OW)`` with None keeping that size); with
    ``return_indices``, also the flat index ``h * W + w`` of each maximum."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_max_pool2d: expected 3D or 4D input, got shape "
                           f"{tuple(input.shape)}")
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    oh, ow = (n if o is None else int(o) for o, n in zip(sizes, input.shape[-2:]))
    return _adaptive_max(input, oh, ow, return_indices)


# --- power-average pooling ------------------------------------------------------------------
def _lp_pool(input: Tensor, norm_type: float, kernel_size: Any, stride: Any, ceil_mode: bool,
             dims: int) -> Tensor:
    """``(sum over each window of x ** p) ** (1 / p)``, in PyTorch's order of operations:
    an average pool of ``x ** p`` times the window size (its sign kept), then the root."""
    max_pool = max_pool1d if dims == 1 else max_pool2d
    avg_pool = avg_pool1d if dims == 1 else avg_pool2d
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


# --- PyTorch's names that always return the indices ---------------------------------------
def max_pool1d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None,
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """`max_pool1d` with ``return_indices=True``."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None,
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """`minigrad.ops.max_pool2d` with ``return_indices=True``."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input: Tensor, output_size: Any,
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """`adaptive_max_pool1d` with ``return_indices=True``."""
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size: Any,
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """`adaptive_max_pool2d` with ``return_indices=True``."""
    return adaptive_max_pool2d(input, output_size, True)
