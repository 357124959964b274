"""1-D pooling, as the 2-D poolings of ``minigrad.ops.pooling`` on an image of height 1,
and adaptive max pooling (a max over each adaptive window, one dim at a time)."""
from __future__ import annotations

from typing import Any

from ... import ops
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


def _adaptive_max_along(x: Tensor, dim: int, o: int) -> Tensor:
    """Window i of ``o`` along ``dim`` covers ``[floor(i n / o), ceil((i + 1) n / o))``."""
    n = x.shape[dim]
    parts = []
    for i in range(o):
        start, stop = (i * n) // o, -(-((i + 1) * n) // o)
        parts.append(ops.amax(ops.narrow(x, dim, start, stop - start), dim, keepdim=True))
    return ops.cat(parts, dim)


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max-pool the last dim to ``output_size`` (window i covers
    ``[floor(i L / o), ceil((i + 1) L / o))``)."""
    _check(input, "adaptive_max_pool1d")
    if return_indices:
        raise NotImplementedError("adaptive_max_pool1d: return_indices is not supported")
    return _adaptive_max_along(input, input.ndim - 1, _one(output_size, "output_size"))


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max-pool the last two dims of an ``(N, C, H, W)`` or ``(C, H, W)`` input to
    ``output_size`` (an int, or ``(OH, OW)`` with None keeping that size)."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_max_pool2d: expected 3D or 4D input, got shape "
                           f"{tuple(input.shape)}")
    if return_indices:
        raise NotImplementedError("adaptive_max_pool2d: return_indices is not supported")
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    oh, ow = (n if o is None else int(o) for o, n in zip(sizes, input.shape[-2:]))
    rows = _adaptive_max_along(input, input.ndim - 2, oh)
    return _adaptive_max_along(rows, input.ndim - 1, ow)
