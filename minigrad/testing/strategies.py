"""Hypothesis strategies for property-testing gradients.

They draw shapes, arrays and tensors (float64 by default, for finite differences), values
kept apart so that max/sort-like ops have no ties, and valid conv2d/pool2d configurations
(and conv3d/pool3d ones).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
from hypothesis import assume, given, settings  # noqa: F401  (assume re-exported for users)
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ..internal import array_of
from ..tensor import Tensor
from .gradcheck import gradcheck, gradgradcheck


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
           max_side: int = 4) -> st.SearchStrategy[tuple[int, ...]]:
    """Array shapes with ``min_dims..max_dims`` dims of ``min_side..max_side`` each."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def broadcastable_shapes(n: int = 2, min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
                         max_side: int = 4) -> st.SearchStrategy[tuple[tuple[int, ...], ...]]:
    """``n`` shapes that broadcast together (some with size-1 or missing dims)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
        max_side=max_side).map(lambda b: tuple(b.input_shapes))


def _default_elements(dtype: np.dtype) -> st.SearchStrategy:
    if dtype.kind == "f":
        return st.floats(-3, 3, allow_nan=False, allow_infinity=False,
                         width=8 * dtype.itemsize)
    return st.integers(-5, 5)


def arrays(shape: Any = None, dtype: Any = np.float64, elements: Any = None,
           unique: bool = False) -> st.SearchStrategy[np.ndarray]:
    """NumPy arrays of ``shape`` (a shape or a strategy; drawn by `shapes` when None)
    with finite values in [-3, 3] unless ``elements`` says otherwise."""
    dtype = np.dtype(dtype)
    return hnp.arrays(dtype, shapes() if shape is None else shape,
                      elements=_default_elements(dtype) if elements is None else elements,
                      unique=unique)


def tensors(shape: Any = None, dtype: Any = np.float64, elements: Any = None,
            requires_grad: bool = False, unique: bool = False) -> st.SearchStrategy[Tensor]:
    """minigrad tensors built from `arrays`."""
    return arrays(shape, dtype, elements, unique).map(
        lambda a: Tensor(a, dtype=a.dtype, requires_grad=requires_grad))


def distinct_values(shape: Any = None, dtype: Any = np.float64, gap: float = 0.1,
                    requires_grad: bool = False) -> st.SearchStrategy[Tensor]:
    """Tensors whose values are pairwise at least ``gap`` apart and at least ``gap / 10``
    away from every multiple of ``gap`` (0 included): a shuffled grid plus a jitter.

    Use it for ops whose gradient is undefined at ties (max, maximum, max-pool) or at
    kinks (``relu``/``abs`` at 0, ``clamp`` at a bound that is a multiple of ``gap``),
    where finite differences would straddle the kink.
    """
    def build(shape: tuple[int, ...], perm_seed: int, offset: float) -> Tensor:
        n = int(np.prod(shape, dtype=np.int64))
        grid = (np.arange(n) - n // 2 + offset) * gap
        values = np.random.default_rng(perm_seed).permutation(grid).reshape(shape)
        return Tensor(values, dtype=dtype, requires_grad=requires_grad)

    return st.builds(build, shapes() if shape is None else _as_strategy(shape),
                     st.integers(0, 2**32 - 1), st.floats(0.1, 0.9))


def _as_strategy(value: Any) -> st.SearchStrategy:
    return value if isinstance(value, st.SearchStrategy) else st.just(value)


def _ints(draw: Callable, low: int, high: int, n: int = 2) -> tuple[int, ...]:
    return tuple(draw(st.integers(low, high)) for _ in range(n))


def _smallest_input(kernel: tuple, dilation: tuple, padding: tuple) -> list[int]:
    """Per spatial dim, the smallest input size that gives one output."""
    return [max(1, d * (k - 1) + 1 - 2 * p) for k, d, p in zip(kernel, dilation, padding)]


@st.composite
def conv2d_configs(draw: Callable, max_batch: int = 2, max_channels: int = 3,
                   max_groups: int = 2, max_size: int = 7, max_kernel: int = 3,
                   spatial: int = 2) -> dict[str, Any]:
    """Valid ``F.conv2d`` configurations (``F.conv3d`` ones with ``spatial=3``).

    Returns a dict with ``input_shape``, ``weight_shape``, ``bias`` (bool), ``stride``,
    ``padding``, ``dilation`` and ``groups`` (tuples of one int per spatial dim);
    ``input_shape`` is unbatched (no N) for some. Every configuration gives an output of
    at least 1 cell per dim.
    """
    groups = draw(st.integers(1, max_groups))
    c_in = groups * draw(st.integers(1, max_channels))
    c_out = groups * draw(st.integers(1, max_channels))
    kernel = _ints(draw, 1, max_kernel, spatial)
    stride = _ints(draw, 1, 3, spatial)
    dilation = _ints(draw, 1, 2, spatial)
    padding = _ints(draw, 0, 2, spatial)
    size = tuple(draw(st.integers(low, max(low, max_size)))
                 for low in _smallest_input(kernel, dilation, padding))
    n = draw(st.integers(1, max_batch))
    unbatched = draw(st.booleans())
    return dict(input_shape=(c_in,) + size if unbatched else (n, c_in) + size,
                weight_shape=(c_out, c_in // groups) + kernel, bias=draw(st.booleans()),
                stride=stride, padding=padding, dilation=dilation, groups=groups)


@st.composite
def pool2d_configs(draw: Callable, max_batch: int = 2, max_channels: int = 3,
                   max_size: int = 8, max_kernel: int = 3, dilation: bool = True,
                   spatial: int = 2) -> dict[str, Any]:
    """Valid pooling configurations (of volumes with ``spatial=3``): ``input_shape``,
    ``kernel_size``, ``stride``, ``padding`` (at most half the kernel), ``dilation``,
    ``ceil_mode`` and ``count_include_pad``. Every configuration gives an output of at
    least 1 cell per dim, and every window covers at least one input cell: a window made
    only of padding (possible with dilation) would give -inf for max-pooling, whose finite
    differences are NaN."""
    kernel = _ints(draw, 1, max_kernel, spatial)
    stride = _ints(draw, 1, 3, spatial)
    dilations = _ints(draw, 1, 2, spatial) if dilation else (1,) * spatial
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    size = tuple(draw(st.integers(low, max(low, max_size)))
                 for low in _smallest_input(kernel, dilations, padding))
    ceil_mode = draw(st.booleans())
    assume(all(_windows_touch_input(*dim, ceil_mode)
               for dim in zip(size, kernel, stride, padding, dilations)))
    shape = (draw(st.integers(1, max_batch)), draw(st.integers(1, max_channels))) + size
    return dict(input_shape=shape, kernel_size=kernel, stride=stride, padding=padding,
                dilation=dilations, ceil_mode=ceil_mode,
                count_include_pad=draw(st.booleans()))


def pool_output_size(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output size along one dim (with ceil_mode, a window may not start
    in the right padding)."""
    room = n + 2 * p - d * (k - 1) - 1
    o = (-(-room // s) if ceil_mode else room // s) + 1
    if ceil_mode and (o - 1) * s >= n + p:
        o -= 1
    return o


def _windows_touch_input(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> bool:
    return all(any(0 <= o * s - p + i * d < n for i in range(k))
               for o in range(pool_output_size(n, k, s, p, d, ceil_mode)))


def assert_gradients_match(fn: Callable, *strategies_or_inputs: Any, max_examples: int | None
                           = None, second_order: bool = False, **check: Any) -> None:
    """Check ``fn``'s gradients in one line of a test.

    Each positional argument is an input tensor or a hypothesis strategy that draws one.
    With strategies, hypothesis draws inputs, runs `gradcheck` (and
    `gradgradcheck` when ``second_order``) on each example, and on failure shrinks to
    the smallest failing input and reports it.

    Examples
    --------
    >>> assert_gradients_match(lambda x: (x * x).sum(), tensors(requires_grad=True))
    """
    def check_once(*inputs: Tensor) -> None:
        inputs = [t if t.requires_grad or t.dtype.kind != "f" else
                  Tensor(array_of(t), requires_grad=True) for t in inputs]
        gradcheck(fn, inputs, **check)
        if second_order:
            gradgradcheck(fn, inputs, **check)

    if not any(isinstance(s, st.SearchStrategy) for s in strategies_or_inputs):
        check_once(*strategies_or_inputs)
        return
    drawn = st.tuples(*(_as_strategy(s) for s in strategies_or_inputs))

    # hypothesis does not accept positional strategies for a *args function, so the
    # inputs are drawn as one tuple; a failure reports it as ``inputs=(tensor(...), ...)``.
    def check_drawn(inputs: tuple) -> None:
        check_once(*inputs)

    overrides: dict[str, Any] = {"deadline": None}  # gradchecks of big inputs are slow
    if max_examples is not None:
        overrides["max_examples"] = max_examples
    settings(**overrides)(given(inputs=drawn)(check_drawn))()
