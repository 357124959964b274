"""Fractional max-pooling (Graham, 2014): max-pooling whose windows start at pseudo-random,
increasing positions, so the output can be any size between the input's and the input's
minus the kernel.

Along a dim of input size I, output size O and kernel K, one sample u in [0, 1) per
(sample, channel) places the windows at ``floor((i + u) a) - floor(u a)``, ``a = (I - K) /
(O - 1)``, for i < O - 1, and the last one at ``I - K`` (PyTorch's sequence, so that with
the same ``_random_samples`` the windows are PyTorch's). The maximum of each window is
located in NumPy and gathered, so the gradient goes to that element (the first maximum,
as PyTorch's) and the result can be differentiated twice.

``_random_samples`` is (N, C, d) in the input's dtype, read as PyTorch reads it: (W, H)
for 2-D pooling, (T, H, W) for 3-D.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ... import ops
from ...creation import rand
from ...internal import array_of, wrap
from ...tensor import Tensor
from ._checks import check_tensor


def _tuple(value: Any, dims: int) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims


def _starts(samples: np.ndarray, size: int, out: int, kernel: int) -> np.ndarray:
    """Window starts (N, C, out) along one dim, from samples (N, C)."""
    if out == 1:
        return np.full(samples.shape + (1,), size - kernel, dtype=np.int64)
    alpha = samples.dtype.type(size - kernel) / samples.dtype.type(out - 1)
    i = np.arange(out - 1, dtype=samples.dtype)
    first = np.floor((i + samples[..., None]) * alpha) - np.floor(samples * alpha)[..., None]
    last = np.full(samples.shape + (1,), size - kernel)
    return np.concatenate([first, last], -1).astype(np.int64)


def _output_size(op: str, spatial: tuple, output_size: Any, output_ratio: Any,
                 dims: int) -> tuple:
    if output_size is not None:
        return _tuple(output_size, dims)
    if output_ratio is None:
        raise ValueError(f"{op} requires specifying either an output_size or an output_ratio")
    if not isinstance(output_ratio, (tuple, list)):
        raise TypeError(f"{op}: output_ratio must be a tuple of {dims} floats, got "
                        f"{type(output_ratio).__name__}")
    return tuple(int(s * r) for s, r in zip(spatial, output_ratio))


def _pool(op: str, input: Tensor, kernel_size: Any, output_size: Any, output_ratio: Any,
          samples: Any, dims: int) -> tuple[Tensor, Tensor]:
    check_tensor(input, "input", op, 1)
    if input.dtype.kind != "f":
        raise NotImplementedError(f"{op}: \"check_uniform_bounds\" not implemented for input "
                                  f"of dtype {input.dtype}")
    if input.ndim not in (dims + 1, dims + 2):  # too few dims: IndexError, too many: Runtime
        raise (IndexError if input.ndim < dims + 1 else RuntimeError)(f"{op}: expected a {dims + 1}-d or {dims + 2}-d input, got shape "
                         f"{tuple(input.shape)}")
    unbatched = input.ndim == dims + 1
    x = input.unsqueeze(0) if unbatched else input
    N, C, spatial = x.shape[0], x.shape[1], tuple(x.shape[2:])
    kernel = _tuple(kernel_size, dims)
    out = _output_size(op, spatial, output_size, output_ratio, dims)
    names = ("time", "height", "width")[-dims:]
    # PyTorch's 3-D check is one stricter than its 2-D one: o + k - 1 < size
    room = 0 if dims == 2 else 1
    for name, size, o, k in zip(names, spatial, out, kernel):
        if o + k - 1 + room > size:
            raise RuntimeError(f"{op}(): pool {name} {k} too large relative to input {name} "
                               f"{size} (output {name} {o})")
    if samples is None:
        samples = rand(N, C, dims, dtype=x.dtype)
    if samples.dtype != x.dtype:
        raise RuntimeError(f"{op}: Expect _random_samples to have the same dtype as input "
                           f"({samples.dtype} and {x.dtype})")
    if tuple(samples.shape) != (N, C, dims):
        raise RuntimeError(f"{op}: Expect _random_samples of shape {(N, C, dims)}; got "
                           f"{tuple(samples.shape)}.")
    u = array_of(samples)
    # PyTorch reads the 2-D samples as (W, H) and the 3-D ones as (T, H, W)
    order = (1, 0) if dims == 2 else (0, 1, 2)
    starts = [_starts(u[..., order[d]], spatial[d], out[d], kernel[d]) for d in range(dims)]
    index = _window_index(starts, kernel, spatial)          # (N, C, *out, prod(kernel))
    flat = array_of(x).reshape(N, C, -1)
    values = np.take_along_axis(flat, index.reshape(N, C, -1), 2).reshape(index.shape)
    best = np.take_along_axis(index, values.argmax(-1)[..., None], -1)[..., 0]
    indices = best.reshape(N, C, -1)
    result = ops.gather(x.reshape(N, C, -1), 2, wrap(indices)).reshape((N, C) + out)
    best = wrap(np.ascontiguousarray(best))
    return (result.squeeze(0), best.squeeze(0)) if unbatched else (result, best)


def _window_index(starts: list[np.ndarray], kernel: tuple, spatial: tuple) -> np.ndarray:
    """The flat (row-major) position of every element of every window."""
    strides = np.cumprod((1,) + spatial[::-1])[:-1][::-1]
    dims = len(starts)
    N, C = starts[0].shape[:2]
    outs = tuple(s.shape[-1] for s in starts)
    total = np.zeros((N, C) + outs + tuple(kernel), dtype=np.int64)
    for d, (s, k, stride) in enumerate(zip(starts, kernel, strides)):
        shape = [N, C] + [1] * dims + [1] * dims
        shape[2 + d] = outs[d]
        offset_shape = [1] * (2 + 2 * dims)
        offset_shape[2 + dims + d] = k
        total = total + (s.reshape(shape) + np.arange(k).reshape(offset_shape)) * stride
    return total.reshape((N, C) + outs + (-1,))


def fractional_max_pool2d_with_indices(input: Tensor, kernel_size: Any, output_size: Any = None,
                                       output_ratio: Any = None, return_indices: bool = False,
                                       _random_samples: Tensor | None = None
                                       ) -> tuple[Tensor, Tensor]:
    """Fractional max-pooling of (N, C, H, W) or (C, H, W), with the flat position
    ``h * W + w`` of each maximum. ``output_size`` (int or pair) or ``output_ratio`` (a
    pair of fractions of H and W) gives the output size; ``_random_samples`` (N, C, 2) in
    [0, 1) places the windows (drawn from minigrad's generator when None)."""
    return _pool("fractional_max_pool2d", input, kernel_size, output_size, output_ratio,
                 _random_samples, 2)


def fractional_max_pool2d(input: Tensor, kernel_size: Any, output_size: Any = None,
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Tensor | None = None) -> Any:
    """`fractional_max_pool2d_with_indices`, the indices only with ``return_indices``."""
    result = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio,
                                                return_indices, _random_samples)
    return result if return_indices else result[0]


def fractional_max_pool3d_with_indices(input: Tensor, kernel_size: Any, output_size: Any = None,
                                       output_ratio: Any = None, return_indices: bool = False,
                                       _random_samples: Tensor | None = None
                                       ) -> tuple[Tensor, Tensor]:
    """Fractional max-pooling of (N, C, T, H, W) or (C, T, H, W), with the flat position
    ``(t * H + h) * W + w`` of each maximum; ``_random_samples`` is (N, C, 3)."""
    return _pool("fractional_max_pool3d", input, kernel_size, output_size, output_ratio,
                 _random_samples, 3)


def fractional_max_pool3d(input: Tensor, kernel_size: Any, output_size: Any = None,
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Tensor | None = None) -> Any:
    """`fractional_max_pool3d_with_indices`, the indices only with ``return_indices``."""
    result = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio,
                                                return_indices, _random_samples)
    return result if return_indices else result[0]
