"""One table: every registered primitive -> how to draw valid inputs for its gradient check.

``SPECS[name].cases`` is a hypothesis strategy that draws a :class:`Case`: a function ``fn``
that runs the primitive (through its public function where it has one) and the float64
input tensors, all requiring grad. The strategies respect each primitive's domain:

* ``log``, ``sqrt`` and the base of ``pow`` see positive values; divisors stay away from 0;
* ``relu``, ``abs``, ``maximum``/``minimum``, ``amax``/``amin``, ``clamp`` and max-pooling
  see :func:`distinct_values`, so there are no ties and no value within ``gap / 10`` of a
  kink, where central differences would straddle the kink;
* integer-array indices always contain a repeated index, so that the backward's
  ``np.add.at`` accumulation is exercised.

``Spec.second_order`` says whether :func:`gradgradcheck` runs as well. It is on for every
primitive whose backward rule is itself written with primitives, which is all of them:
for linear ops (add, reshape, getitem, ...) the gradient is linear in the incoming
gradient, and gradgradcheck checks that derivative (with respect to ``grad_outputs``) too.

tests/test_primitive_coverage.py runs every entry; a primitive missing here fails it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

import minigrad
from minigrad import Tensor, ops
from minigrad.autograd import primitives
from minigrad.testing.strategies import (arrays, broadcastable_shapes, conv2d_configs,
                                         distinct_values, pool2d_configs, shapes)

# Small shapes keep the full Jacobians (and the quick profile) cheap.
MAX_DIMS, MAX_SIDE = 3, 3


@dataclass
class Case:
    """One drawn example: ``fn(*inputs)`` exercises the primitive."""

    fn: Callable[..., Any]
    inputs: tuple[Tensor, ...]
    label: str
    check: dict[str, Any] = field(default_factory=dict)  # gradcheck keyword overrides

    def __repr__(self) -> str:  # what hypothesis prints for a falsifying example
        shown = ", ".join(repr(t) for t in self.inputs)
        return f"Case({self.label}; inputs=[{shown}])"


@dataclass
class Spec:
    cases: st.SearchStrategy[Case]
    second_order: bool = True


def leaf(array: np.ndarray) -> Tensor:
    """A float64 leaf that requires grad."""
    return Tensor(np.asarray(array, dtype=np.float64), dtype=np.float64, requires_grad=True)


def small_shapes(min_dims: int = 0, max_dims: int = MAX_DIMS) -> st.SearchStrategy:
    return shapes(min_dims=min_dims, max_dims=max_dims, max_side=MAX_SIDE)


ANY = st.floats(-3, 3, allow_nan=False, allow_infinity=False)
POSITIVE = st.floats(0.5, 3, allow_nan=False, allow_infinity=False)
AWAY_FROM_ZERO = st.one_of(st.floats(-3, -0.5), st.floats(0.5, 3))


def values(shape: Any, elements: st.SearchStrategy = ANY) -> st.SearchStrategy[np.ndarray]:
    return arrays(shape, np.float64, elements=elements)


def distinct(shape: Any) -> st.SearchStrategy[Tensor]:
    return distinct_values(shape, requires_grad=True)


# --- elementwise ---------------------------------------------------------------------------
def unary(f: Callable, label: str, elements: st.SearchStrategy = ANY) -> st.SearchStrategy:
    return values(small_shapes(), elements).map(lambda a: Case(f, (leaf(a),), label))


def unary_distinct(f: Callable, label: str) -> st.SearchStrategy:
    return distinct(small_shapes()).map(lambda t: Case(f, (t,), label))


@st.composite
def binary(draw, f: Callable, label: str, left: st.SearchStrategy = ANY,
           right: st.SearchStrategy = ANY) -> Case:
    """Two inputs of broadcastable shapes (size-1 and missing dims included)."""
    sx, sy = draw(broadcastable_shapes(2, max_dims=MAX_DIMS, max_side=MAX_SIDE))
    x, y = draw(values(sx, left)), draw(values(sy, right))
    return Case(f, (leaf(x), leaf(y)), f"{label} {sx} {sy}")


@st.composite
def binary_distinct(draw, f: Callable, label: str) -> Case:
    """Broadcastable inputs whose values are all distinct: no ties between x and y."""
    sx, sy = draw(broadcastable_shapes(2, max_dims=MAX_DIMS, max_side=MAX_SIDE))
    nx, ny = math.prod(sx), math.prod(sy)
    pool = draw(distinct((nx + ny,)))._data
    x, y = pool[:nx].reshape(sx), pool[nx:].reshape(sy)
    return Case(f, (leaf(x), leaf(y)), f"{label} {sx} {sy}")


@st.composite
def pow_cases(draw) -> Case:
    """Positive base; the exponent is a tensor that requires grad, or a Python number."""
    if draw(st.booleans()):
        # not y = 0, where PyTorch's dz/dx is 0 (so its derivative in y is 0, not 1/x)
        return draw(binary(ops.pow, "x ** y", POSITIVE, st.floats(-2, 2).filter(bool)))
    x = draw(values(small_shapes(), POSITIVE))
    p = draw(st.sampled_from([2, 3, -1, 0.5, 1.5, -2.5]))
    return Case(lambda x: ops.pow(x, p), (leaf(x),), f"x ** {p}")


@st.composite
def clamp_cases(draw) -> Case:
    """Bounds on multiples of 0.1, which distinct_values keeps at least 0.01 away from."""
    x = draw(distinct(small_shapes()))
    low = draw(st.none() | st.integers(-20, 5))
    high = draw(st.integers(-5, 20) if low is None else st.none() | st.integers(low, 20))
    low = None if low is None else low / 10
    high = None if high is None else high / 10
    return Case(lambda x: ops.clamp(x, low, high), (x,), f"clamp(min={low}, max={high})")


@st.composite
def where_cases(draw) -> Case:
    sc, sx, sy = draw(broadcastable_shapes(3, max_dims=MAX_DIMS, max_side=MAX_SIDE))
    cond = draw(arrays(sc, np.bool_, elements=st.booleans()))
    x, y = draw(values(sx)), draw(values(sy))
    return Case(lambda x, y: ops.where(cond, x, y), (leaf(x), leaf(y)),
                f"where(cond{sc}, x{sx}, y{sy}) cond={cond.tolist()}")


@st.composite
def cast_cases(draw) -> Case:
    x = draw(values(small_shapes()))
    if draw(st.booleans()):
        return Case(lambda x: ops.cast(x, np.float64), (leaf(x),), "cast float64 -> float64")
    # Through float32: steps of 1e-6 drown in float32 rounding, so use a coarser step.
    return Case(lambda x: ops.cast(ops.cast(x, np.float32), np.float64), (leaf(x),),
                "cast float64 -> float32 -> float64", dict(eps=1e-3, atol=1e-3, rtol=1e-3))


# --- reductions ----------------------------------------------------------------------------
@st.composite
def dims_of(draw, shape: tuple[int, ...]) -> Any:
    """None, one dim (maybe negative) or a tuple of distinct dims."""
    ndim = len(shape)
    if ndim == 0 or draw(st.booleans()):
        return None
    if draw(st.booleans()):
        return draw(st.integers(-ndim, ndim - 1))
    return tuple(draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim,
                               unique=True)))


@st.composite
def reduction_cases(draw, f: Callable, label: str, distinct_input: bool) -> Case:
    shape = draw(small_shapes())
    x = draw(distinct(shape)) if distinct_input else leaf(draw(values(shape)))
    dim, keepdim = draw(dims_of(shape)), draw(st.booleans())
    return Case(lambda x: f(x, dim, keepdim), (x,), f"{label}(dim={dim}, keepdim={keepdim})")


# --- movement ------------------------------------------------------------------------------
def _factorisations(n: int, draw) -> tuple[int, ...]:
    """A random shape with ``n`` elements."""
    factors = [p for p in (2, 3, 5, 7) for _ in range(20) if n % p ** (_ + 1) == 0]
    groups: list[int] = []
    for p in draw(st.permutations(factors)):
        if groups and draw(st.booleans()):
            groups[-1] *= p
        else:
            groups.append(p)
    ones = draw(st.integers(0, 2))
    for _ in range(ones):
        groups.insert(draw(st.integers(0, len(groups))), 1)
    return tuple(groups)


@st.composite
def reshape_cases(draw) -> Case:
    shape = draw(small_shapes())
    n = math.prod(shape)
    target = _factorisations(n, draw)
    if target == shape:
        target = (1,) + target
    if target and draw(st.booleans()):  # let reshape infer one size
        i = draw(st.integers(0, len(target) - 1))
        target = target[:i] + (-1,) + target[i + 1:]
    x = leaf(draw(values(shape)))
    return Case(lambda x: ops.reshape(x, target), (x,), f"reshape {shape} -> {target}")


@st.composite
def permute_cases(draw) -> Case:
    shape = draw(small_shapes(min_dims=1))
    dims = tuple(draw(st.permutations(range(len(shape)))))
    x = leaf(draw(values(shape)))
    return Case(lambda x: ops.permute(x, dims), (x,), f"permute {shape} by {dims}")


@st.composite
def expand_cases(draw) -> Case:
    """A shape with size-1 dims, expanded to bigger sizes and maybe extra leading dims."""
    shape = draw(small_shapes(max_dims=2))
    shape = tuple(draw(st.sampled_from([1, n])) for n in shape)
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    target = lead + tuple(draw(st.integers(1, 3)) if n == 1 else n for n in shape)
    if target == shape:
        target = (2,) + target
    x = leaf(draw(values(shape)))
    return Case(lambda x: ops.expand(x, target), (x,), f"expand {shape} -> {target}")


@st.composite
def cat_cases(draw) -> Case:
    base = draw(small_shapes(min_dims=1))
    dim = draw(st.integers(-len(base), len(base) - 1))
    k = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 3), min_size=k, max_size=k))
    shapes_ = [base[:dim % len(base)] + (s,) + base[dim % len(base) + 1:] for s in sizes]
    inputs = tuple(leaf(draw(values(s))) for s in shapes_)
    return Case(lambda *ts: ops.cat(list(ts), dim), inputs, f"cat {shapes_} dim={dim}")


@st.composite
def pad_cases(draw) -> Case:
    shape = draw(small_shapes(min_dims=1))
    k = draw(st.integers(1, len(shape)))
    pad = tuple(draw(st.lists(st.integers(0, 2), min_size=2 * k, max_size=2 * k)))
    value = draw(st.sampled_from([0.0, -1.5, 2.0]))
    x = leaf(draw(values(shape)))
    return Case(lambda x: ops.pad(x, pad, value=value), (x,),
                f"pad {shape} by {pad} value={value}")


# --- indexing ------------------------------------------------------------------------------
@st.composite
def repeated_indices(draw, n: int, max_size: int = 4) -> np.ndarray:
    """An int64 index array into a dim of size ``n`` that always repeats an index
    (negative indices included)."""
    picks = draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=max_size))
    picks.insert(draw(st.integers(0, len(picks))), picks[0])
    return np.array(picks, dtype=np.int64)


def mixes_ints_and_arrays(index: tuple) -> bool:
    """Whether NumPy and PyTorch disagree on this index: PyTorch applies the ints first,
    NumPy broadcasts them with the arrays (``x[0, :, [0]]``)."""
    has_int = any(isinstance(i, (int, np.integer)) for i in index)
    return has_int and any(isinstance(i, np.ndarray) for i in index)


def region_shape(shape: tuple[int, ...], index: tuple) -> tuple[int, ...]:
    """The shape of x[index] under PyTorch's rule (only the shape is taken from minigrad;
    the values it selects are checked against NumPy and PyTorch in tests/ops)."""
    return ops.getitem(minigrad.zeros(shape), index).shape


@st.composite
def basic_item(draw, n: int) -> Any:
    kind = draw(st.sampled_from(["int", "slice", "full"]))
    if kind == "int":
        return draw(st.integers(-n, n - 1))
    if kind == "full":
        return slice(None)
    start = draw(st.none() | st.integers(-n, n))
    stop = draw(st.none() | st.integers(-n, n))
    step = draw(st.none() | st.sampled_from([1, 2, 3]))  # PyTorch refuses steps <= 0
    return slice(start, stop, step)


@st.composite
def indices(draw, shape: tuple[int, ...], allow_repeats: bool = True) -> tuple:
    """A NumPy index for ``shape``: ints, slices, None, Ellipsis, integer arrays (with
    repeats unless ``allow_repeats`` is False) or a bool mask."""
    kind = draw(st.sampled_from(["basic", "array", "two arrays", "mask", "prefix mask"]))
    ndim = len(shape)
    if kind == "basic" or ndim == 0:
        used = draw(st.integers(0, ndim))
        where = draw(st.sampled_from(["none", "before", "after"]))  # the Ellipsis
        if where == "before":  # the items index the trailing dims
            items = [Ellipsis] + [draw(basic_item(n)) for n in shape[ndim - used:]]
        else:
            items = [draw(basic_item(n)) for n in shape[:used]]
            items += [Ellipsis] if where == "after" else []
        for _ in range(draw(st.integers(0, 2))):  # None inserts new axes
            items.insert(draw(st.integers(0, len(items))), None)
        return tuple(items)
    if kind == "array":
        axis = draw(st.integers(0, ndim - 1))
        n = shape[axis]
        if allow_repeats:
            arr = draw(repeated_indices(n))
        else:
            arr = np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n,
                                         unique=True)), dtype=np.int64)
        before = tuple(draw(basic_item(m)) if draw(st.booleans()) else slice(None)
                       for m in shape[:axis])
        return before + (arr,) + ((Ellipsis,) if draw(st.booleans()) else ())
    if kind == "two arrays" and ndim >= 2:
        if allow_repeats:
            rows = draw(repeated_indices(shape[0], 3))
        else:
            rows = np.array(draw(st.lists(st.integers(0, shape[0] - 1), min_size=1,
                                          max_size=shape[0], unique=True)))
        cols = np.array(draw(st.lists(st.integers(-shape[1], shape[1] - 1), min_size=1,
                                      max_size=1)) * len(rows), dtype=np.int64)
        if not allow_repeats:
            cols = cols[:1]  # broadcasts against unique rows: distinct pairs
        return (rows, cols)
    k = ndim if kind == "mask" else draw(st.integers(1, ndim))
    mask = draw(arrays(shape[:k], np.bool_, elements=st.booleans()))
    return (mask,) + ((slice(None, None, 2),) if k < ndim and draw(st.booleans()) else ())


def _describe(index: tuple) -> str:
    return "[" + ", ".join(
        f"array({i.tolist()})" if isinstance(i, np.ndarray) else
        "..." if i is Ellipsis else repr(i) for i in index) + "]"


@st.composite
def getitem_cases(draw) -> Case:
    shape = draw(small_shapes())
    index = draw(indices(shape))
    x = leaf(draw(values(shape)))
    return Case(lambda x: ops.getitem(x, index), (x,), f"x{shape}{_describe(index)}")


@st.composite
def index_add_at_cases(draw) -> Case:
    """The adjoint of getitem, called directly: zeros(shape) with g added at index."""
    shape = draw(small_shapes())
    index = draw(indices(shape))
    g_shape = region_shape(shape, index)
    g = leaf(draw(values(g_shape)))
    fn = lambda g: primitives()["index_add_at"].apply(g, index, shape)  # noqa: E731
    return Case(fn, (g,), f"index_add_at(g{g_shape}, {_describe(index)}, {shape})")


@st.composite
def copy_slices_cases(draw) -> Case:
    """An in-place op through a view: y = x * 1; y[index] *= v; the base y gets a
    copy_slices node. Basic indices only (a view), no repeats by construction."""
    shape = draw(small_shapes(min_dims=1))
    index = tuple(draw(basic_item(n)) for n in shape)
    x = leaf(draw(values(shape)))
    v = leaf(draw(values(region_shape(shape, index))))

    def fn(x, v):
        y = x * 1.0
        y[index].mul_(v)
        return y

    return Case(fn, (x, v), f"y = x * 1; y[{_describe(index)}].mul_(v)")


@st.composite
def setitem_cases(draw) -> Case:
    """x[index] = v, out of place; no repeated indices (which write wins is undefined)."""
    shape = draw(small_shapes(min_dims=1))
    index = draw(indices(shape, allow_repeats=False))
    target = region_shape(shape, index)
    v_shape = target[draw(st.integers(0, len(target))):]  # v broadcasts to the region
    x, v = leaf(draw(values(shape))), leaf(draw(values(v_shape)))
    return Case(lambda x, v: ops.setitem(x, index, v), (x, v),
                f"x{shape}{_describe(index)} = v{v_shape}")


@st.composite
def along_dim(draw) -> tuple[tuple[int, ...], int, np.ndarray]:
    """A shape, a dim, and an index array of the same ndim (sizes equal except along dim,
    values in range, repeats likely)."""
    shape = draw(small_shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    k = draw(st.integers(1, 4))
    index_shape = shape[:dim % len(shape)] + (k,) + shape[dim % len(shape) + 1:]
    n = shape[dim]
    index = draw(arrays(index_shape, np.int64, elements=st.integers(0, n - 1)))
    return shape, dim, index


@st.composite
def gather_cases(draw) -> Case:
    shape, dim, index = draw(along_dim())
    x = leaf(draw(values(shape)))
    return Case(lambda x: ops.gather(x, dim, index), (x,),
                f"gather(x{shape}, dim={dim}, index={index.tolist()})")


@st.composite
def scatter_add_cases(draw) -> Case:
    shape, dim, index = draw(along_dim())
    g = leaf(draw(values(index.shape)))
    fn = lambda g: primitives()["scatter_add"].apply(g, dim % len(shape), index, shape)  # noqa: E731
    return Case(fn, (g,), f"scatter_add(g{index.shape}, dim={dim}, index={index.tolist()}, "
                          f"shape={shape})")


# --- linear algebra ------------------------------------------------------------------------
@st.composite
def matmul_cases(draw) -> Case:
    """2-D, batched with broadcast batch dims, and 1-D operands."""
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    kind = draw(st.sampled_from(["2d", "batched", "vector"]))
    if kind == "2d":
        sa, sb = (n, k), (k, m)
    elif kind == "batched":
        ba, bb = draw(broadcastable_shapes(2, min_dims=0, max_dims=2, max_side=3))
        if not ba and not bb:
            ba = (2,)
        sa, sb = ba + (n, k), bb + (k, m)
    else:
        sa, sb = draw(st.sampled_from([((k,), (k, m)), ((n, k), (k,)), ((k,), (k,)),
                                       ((2, n, k), (k,)), ((k,), (2, k, m))]))
    a, b = leaf(draw(values(sa))), leaf(draw(values(sb)))
    return Case(ops.matmul, (a, b), f"matmul {sa} @ {sb}")


# --- convolution and pooling (minigrad/ops/conv.py, pooling.py) -----------------------------
def _conv_module() -> Any:
    from minigrad.ops import conv
    return conv


@st.composite
def conv2d_cases(draw) -> Case:
    cfg = draw(conv2d_configs(max_batch=2, max_channels=2, max_size=5, max_kernel=3))
    x = leaf(draw(values(cfg["input_shape"])))
    w = leaf(draw(values(cfg["weight_shape"])))
    inputs = (x, w)
    if cfg["bias"]:
        inputs += (leaf(draw(values((cfg["weight_shape"][0],)))),)
    geometry = dict(stride=cfg["stride"], padding=cfg["padding"], dilation=cfg["dilation"],
                    groups=cfg["groups"])

    def fn(x, w, b=None):
        return _conv_module().conv2d(x, w, b, **geometry)

    return Case(fn, inputs, f"conv2d {cfg}")


@st.composite
def unfold_geometry(draw) -> tuple[dict, tuple]:
    cfg = draw(conv2d_configs(max_batch=2, max_channels=2, max_size=5, max_kernel=3,
                              max_groups=1))
    shape = cfg["input_shape"]
    shape = shape if len(shape) == 4 else (1,) + shape
    geometry = dict(kernel_size=cfg["weight_shape"][2:], dilation=cfg["dilation"],
                    padding=cfg["padding"], stride=cfg["stride"])
    return geometry, shape


@st.composite
def unfold_cases(draw) -> Case:
    geometry, shape = draw(unfold_geometry())
    x = leaf(draw(values(shape)))
    return Case(lambda x: _conv_module().unfold(x, **geometry), (x,),
                f"unfold x{shape} {geometry}")


@st.composite
def fold_cases(draw) -> Case:
    geometry, shape = draw(unfold_geometry())
    with_cols = _conv_module().unfold(Tensor(np.zeros(shape)), **geometry)
    cols = leaf(draw(values(with_cols.shape)))
    size = shape[2:]
    return Case(lambda c: _conv_module().fold(c, size, **geometry), (cols,),
                f"fold cols{with_cols.shape} -> {size} {geometry}")


def _pooling_module() -> Any:
    from minigrad.ops import pooling
    return pooling


@st.composite
def max_pool2d_cases(draw) -> Case:
    cfg = draw(pool2d_configs(max_batch=2, max_channels=2, max_size=5))
    x = draw(distinct(cfg["input_shape"]))
    geometry = dict(kernel_size=cfg["kernel_size"], stride=cfg["stride"],
                    padding=cfg["padding"], dilation=cfg["dilation"],
                    ceil_mode=cfg["ceil_mode"])
    return Case(lambda x: _pooling_module().max_pool2d(x, **geometry), (x,),
                f"max_pool2d x{cfg['input_shape']} {geometry}")


@st.composite
def avg_pool2d_cases(draw) -> Case:
    cfg = draw(pool2d_configs(max_batch=2, max_channels=2, max_size=5, dilation=False))
    x = leaf(draw(values(cfg["input_shape"])))
    geometry = dict(kernel_size=cfg["kernel_size"], stride=cfg["stride"],
                    padding=cfg["padding"], ceil_mode=cfg["ceil_mode"],
                    count_include_pad=cfg["count_include_pad"])
    return Case(lambda x: _pooling_module().avg_pool2d(x, **geometry), (x,),
                f"avg_pool2d x{cfg['input_shape']} {geometry}")


@st.composite
def argmax_routes(draw) -> tuple[tuple[int, ...], np.ndarray, tuple, tuple, tuple]:
    """The inner adjoint pair of max-pooling: an image shape (already padded), per-window
    argmax offsets ``k = i * KW + j`` (random, so overlapping windows share cells), and the
    window geometry."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    out = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    size = tuple((o - 1) * s + d * (k - 1) + 1 + draw(st.integers(0, 1))
                 for o, s, d, k in zip(out, stride, dilation, kernel))
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    arg = draw(arrays((n, c) + out, np.uint8,
                      elements=st.integers(0, kernel[0] * kernel[1] - 1)))
    return (n, c) + size, arg, kernel, stride, dilation


@st.composite
def max_pool2d_route_cases(draw) -> Case:
    shape, arg, kernel, stride, dilation = draw(argmax_routes())
    g = leaf(draw(values(arg.shape)))
    route = primitives()["max_pool2d_route"]
    return Case(lambda g: route.apply(g, arg, shape, kernel, stride, dilation), (g,),
                f"max_pool2d_route(g{arg.shape} -> {shape}, arg={arg.tolist()}, "
                f"kernel={kernel}, stride={stride}, dilation={dilation})")


@st.composite
def max_pool2d_gather_cases(draw) -> Case:
    shape, arg, kernel, stride, dilation = draw(argmax_routes())
    x = leaf(draw(values(shape)))
    take = primitives()["max_pool2d_gather"]
    return Case(lambda x: take.apply(x, arg, kernel, stride, dilation), (x,),
                f"max_pool2d_gather(x{shape}, arg={arg.tolist()}, kernel={kernel}, "
                f"stride={stride}, dilation={dilation})")


def _special(name: str) -> Callable:
    def call(x: Tensor) -> Tensor:
        from minigrad.ops import special
        return getattr(special, name)(x)
    return call


@st.composite
def binary_cross_entropy_cases(draw) -> Case:
    """Probabilities and targets strictly inside (0, 1), where the clamps of the log and of
    p (1 - p) are not active, so the loss is smooth in both."""
    shape = draw(small_shapes())
    inside = st.floats(0.05, 0.95, allow_nan=False)
    p, t = draw(values(shape, inside)), draw(values(shape, inside))

    def call(p: Tensor, t: Tensor) -> Tensor:
        from minigrad.ops import loss
        return loss.binary_cross_entropy(p, t)
    return Case(call, (leaf(p), leaf(t)), f"binary_cross_entropy {shape}")


@st.composite
def ctc_loss_cases(draw) -> Case:
    """Per-sample CTC losses of log_softmax(x), with enough frames (2 S + 1) for every target,
    repeated labels included, so every loss is finite. The primitive's gradient is PyTorch's,
    which is the true one only through a log_softmax; PyTorch has no second derivative."""
    N, C, S = draw(st.integers(1, 2)), draw(st.integers(2, 3)), draw(st.integers(0, 2))
    T = 2 * S + 1 + draw(st.integers(0, 1))
    x = draw(values((T, N, C)))
    targets = np.array(draw(st.lists(st.lists(st.integers(1, C - 1), min_size=S, max_size=S),
                                     min_size=N, max_size=N)), dtype=np.int64).reshape(N, S)
    target_lengths = np.array([draw(st.integers(0, S)) for _ in range(N)], dtype=np.int64)
    input_lengths = np.array([draw(st.integers(2 * S + 1, T)) for _ in range(N)])

    def call(x: Tensor) -> Tensor:
        from minigrad.ops.ctc import ctc_loss_per_sample
        return ctc_loss_per_sample(x.log_softmax(2), targets, input_lengths, target_lengths)
    return Case(call, (leaf(x),), f"ctc_loss T={T} targets={targets.tolist()} "
                f"target_lengths={target_lengths.tolist()} input_lengths={input_lengths.tolist()}")


@st.composite
def cumsum_cases(draw) -> Case:
    shape = draw(small_shapes())
    x = leaf(draw(values(shape)))
    dim = draw(st.integers(-max(len(shape), 1), max(len(shape), 1) - 1))
    return Case(lambda x: ops.cumsum(x, dim), (x,), f"cumsum(dim={dim})")


@st.composite
def diagonal_view(draw) -> tuple:
    """A shape of 2+ dims, an offset (sometimes past the edge) and two distinct dims."""
    shape = draw(small_shapes(min_dims=2))
    ndim = len(shape)
    dim1 = draw(st.integers(0, ndim - 1))
    dim2 = draw(st.integers(0, ndim - 1).filter(lambda d: d != dim1))
    return shape, draw(st.integers(-3, 3)), dim1, dim2


@st.composite
def diagonal_cases(draw) -> Case:
    shape, offset, dim1, dim2 = draw(diagonal_view())
    x = leaf(draw(values(shape)))
    return Case(lambda x: ops.diagonal(x, offset, dim1, dim2), (x,),
                f"diagonal(x{shape}, {offset}, {dim1}, {dim2})")


@st.composite
def diagonal_embed_cases(draw) -> Case:
    """The adjoint of diagonal, called directly: g laid on a diagonal of zeros(shape)."""
    shape, offset, dim1, dim2 = draw(diagonal_view())
    g_shape = np.diagonal(np.empty(shape), offset, dim1, dim2).shape
    g = leaf(draw(values(g_shape)))
    fn = lambda g: primitives()["diagonal_embed"].apply(g, shape, offset, dim1, dim2)  # noqa: E731
    return Case(fn, (g,), f"diagonal_embed(g{g_shape}, {shape}, {offset}, {dim1}, {dim2})")


@st.composite
def square_matrices(draw, fn: Callable, label: str) -> Case:
    """Batches of well-conditioned square matrices: values in [-1, 1] plus (n + 1) times
    the identity, so that each row's diagonal outweighs the rest of it (invertible, and
    positive-definite when symmetric)."""
    n = draw(st.integers(1, 3))
    batch = draw(small_shapes(max_dims=1))
    noise = draw(values(batch + (n, n), st.floats(-1, 1, allow_nan=False)))
    x = leaf(noise + (n + 1) * np.eye(n))
    return Case(fn, (x,), f"{label}(x{x.shape})")


# --- decompositions (minigrad/ops/decompositions.py, matrix_functions.py) ------------------
@st.composite
def separated_matrices(draw) -> np.ndarray:
    """Batches of m x n matrices away from every degenerate point: noise of 0.05 to 0.2
    in size on a diagonal of 2, 4, 6 in a drawn order. Each singular value (and each
    eigenvalue of the symmetric part) moves by at most 0.6, so they stay 0.8 apart and 1.4
    from 0: full rank and distinct values. No noise is 0: below an all-zero column LAPACK
    skips its reflection, and a finite-difference step would flip a sign of Q and R."""
    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    batch = draw(small_shapes(max_dims=1))
    k = min(m, n)
    spaced = np.zeros((m, n))
    spaced[range(k), range(k)] = 2.0 * (1 + np.array(draw(st.permutations(range(k)))))
    noise = st.one_of(st.floats(-0.2, -0.05), st.floats(0.05, 0.2))
    return spaced + draw(values(batch + (m, n), noise))


@st.composite
def qr_cases(draw) -> Case:
    """Q and R themselves (R's diagonal keeps its sign near these inputs); 'complete' only
    where it is differentiable (m <= n)."""
    x = leaf(draw(separated_matrices()))
    mode = draw(st.sampled_from(["reduced", "complete"] if x.shape[-2] <= x.shape[-1]
                                else ["reduced"]))
    return Case(lambda x: tuple(minigrad.linalg.qr(x, mode)), (x,),
                f"linalg.qr(x{x.shape}, {mode!r})")


@st.composite
def eigh_cases(draw) -> Case:
    """The eigenvalues and the squared eigenvectors (free of the sign) of the symmetric
    part, read from either triangle."""
    x = leaf(draw(separated_matrices().filter(lambda a: a.shape[-1] == a.shape[-2])))
    uplo = draw(st.sampled_from(["L", "U"]))

    def fn(x):
        w, V = minigrad.linalg.eigh((x + x.mT) * 0.5, uplo)
        return w, V * V
    return Case(fn, (x,), f"linalg.eigh(sym(x{x.shape}), {uplo!r})")


@st.composite
def svd_cases(draw) -> Case:
    """The singular values and the squared singular vectors (free of the sign); with
    ``full_matrices`` only the first min(m, n) vectors, the ones with a gradient."""
    x = leaf(draw(separated_matrices()))
    full = draw(st.booleans())

    def fn(x):
        U, S, Vh = minigrad.linalg.svd(x, full_matrices=full)
        k = S.shape[-1]
        return S, U[..., :k] ** 2, Vh[..., :k, :] ** 2
    return Case(fn, (x,), f"linalg.svd(x{x.shape}, full_matrices={full})")


@st.composite
def solve_triangular_cases(draw) -> Case:
    """Each triangle, each side, unit diagonal or not, batch dims that broadcast."""
    n, k = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    batch_a, batch_b = draw(broadcastable_shapes(2, max_dims=2, max_side=2))
    upper, left, unit = (draw(st.booleans()) for _ in range(3))
    a = draw(values(batch_a + (n, n), st.floats(-1, 1, allow_nan=False))) + (n + 1) * np.eye(n)
    b = draw(values(batch_b + ((n, k) if left else (k, n))))
    fn = lambda a, b: minigrad.linalg.solve_triangular(  # noqa: E731
        a, b, upper=upper, left=left, unitriangular=unit)
    return Case(fn, (leaf(a), leaf(b)), f"solve_triangular(a{a.shape}, b{b.shape}, "
                                        f"upper={upper}, left={left}, unit={unit})")


@st.composite
def lu_cases(draw) -> Case:
    """L and U of P L U; the pivots do not change near these inputs (one large entry per
    column), square, wide or tall."""
    x = leaf(draw(separated_matrices()))
    return Case(lambda x: tuple(minigrad.linalg.lu(x))[1:], (x,), f"linalg.lu(x{x.shape})")


@st.composite
def cholesky_solve_cases(draw) -> Case:
    """A factor with a dominant diagonal (either triangle, taken by tril or triu, as the
    gradient is PyTorch's full matrix), batch dims that broadcast."""
    n, k, upper = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.booleans())
    batch_b, batch_l = draw(broadcastable_shapes(2, max_dims=2, max_side=2))
    l = draw(values(batch_l + (n, n), st.floats(-1, 1, allow_nan=False))) + (n + 1) * np.eye(n)
    b = draw(values(batch_b + (n, k)))
    fn = lambda b, l: minigrad.cholesky_solve(  # noqa: E731
        b, minigrad.triu(l) if upper else minigrad.tril(l), upper)  # its gradient: a full matrix
    return Case(fn, (leaf(b), leaf(l)),
                f"cholesky_solve(b{b.shape}, l{l.shape}, upper={upper})")


@st.composite
def pinv_cases(draw) -> Case:
    """Full-rank matrices of any shape; square ones also as symmetric (``hermitian``)."""
    x = leaf(draw(separated_matrices()))
    if x.shape[-1] == x.shape[-2] and draw(st.booleans()):
        return Case(lambda x: minigrad.linalg.pinv((x + x.mT) * 0.5, hermitian=True), (x,),
                    f"linalg.pinv(sym(x{x.shape}), hermitian=True)")
    return Case(minigrad.linalg.pinv, (x,), f"linalg.pinv(x{x.shape})")


@st.composite
def sliding_windows_cases(draw) -> Case:
    """Windows that overlap, touch or skip elements, so that the backward adds up."""
    shape = draw(small_shapes(min_dims=1))
    dim = draw(st.integers(0, len(shape) - 1))
    size = draw(st.integers(0, shape[dim]))
    step = draw(st.integers(1, 3))
    x = leaf(draw(values(shape)))
    return Case(lambda x: x.unfold(dim, size, step), (x,),
                f"x{shape}.unfold({dim}, {size}, {step})")


@st.composite
def as_strided_cases(draw) -> Case:
    """Views of a base's memory whose elements overlap (stride 1 inside a window of 2+),
    repeat (stride 0) or skip, from an offset: the backward adds up repeated reads."""
    ndim = draw(st.integers(0, 2))
    size = tuple(draw(st.lists(st.integers(0, 3), min_size=ndim, max_size=ndim)))
    stride = tuple(draw(st.lists(st.integers(0, 2), min_size=ndim, max_size=ndim)))
    offset = draw(st.integers(0, 2))
    extent = 0 if 0 in size else 1 + sum((n - 1) * s for n, s in zip(size, stride))
    x = leaf(draw(values((max(1, offset + extent + draw(st.integers(0, 1))),))))
    return Case(lambda x: x.as_strided(size, stride, offset), (x,),
                f"x{tuple(x.shape)}.as_strided({size}, {stride}, {offset})")


# Steps (round, floor, ceil, trunc, sign) jump at integers and half-integers: draw k + 0.25.
AWAY_FROM_STEPS = st.integers(-3, 3).map(lambda k: k + 0.25)


def _rounding(name: str) -> Callable:
    def call(x):
        return getattr(ops, name)(x)
    return call


# Unary math (minigrad/ops/unary_math.py) on each function's smooth domain.
INSIDE_ONE = st.floats(-0.9, 0.9, allow_nan=False)
ABOVE_ONE = st.floats(1.2, 3, allow_nan=False)
UNIT_INTERVAL = st.floats(0.05, 0.95, allow_nan=False)
UNARY_MATH = {  # name: the values drawn
    "log1p": POSITIVE, "expm1": ANY, "exp2": ANY, "log2": POSITIVE, "log10": POSITIVE,
    "reciprocal": AWAY_FROM_ZERO, "rsqrt": POSITIVE, "tan": st.floats(-1.2, 1.2),
    "atan": ANY, "asin": INSIDE_ONE, "acos": INSIDE_ONE, "sinh": ANY, "cosh": ANY,
    "asinh": ANY, "acosh": ABOVE_ONE, "atanh": INSIDE_ONE, "sinc": AWAY_FROM_ZERO,
}


def _math(name: str, **kwargs: Any) -> Callable:
    def call(*inputs: Tensor) -> Tensor:
        return getattr(minigrad, name)(*inputs, **kwargs)
    return call


def _special_namespace(name: str) -> Callable:
    def call(*inputs: Tensor) -> Tensor:
        return getattr(minigrad.special, name)(*inputs)
    return call


@st.composite
def logit_cases(draw) -> Case:
    """Without eps, or with an eps whose clamp is active for no drawn value (< 0.05)."""
    eps = draw(st.sampled_from([None, 1e-6, 0.01]))
    x = draw(values(small_shapes(), UNIT_INTERVAL))
    return Case(_math("logit", eps=eps), (leaf(x),), f"logit(x, eps={eps})")


@st.composite
def remainder_cases(draw, op: str) -> Case:
    """x / y away from whole numbers, where fmod and remainder jump: x = y (k + 0.25 ..
    0.75); y has x's shape or is 0-d (broadcast)."""
    shape = draw(small_shapes())
    y = draw(values(draw(st.sampled_from([(), shape])), AWAY_FROM_ZERO))
    k = draw(values(shape, st.integers(-3, 3).map(float)))
    x = y * (k + draw(values(shape, st.floats(0.25, 0.75))))
    return Case(_math(op), (leaf(x), leaf(y)), f"{op} {shape} {y.shape}")


@st.composite
def addcdiv_cases(draw) -> Case:
    sx, s1, s2 = draw(broadcastable_shapes(3, max_dims=MAX_DIMS, max_side=MAX_SIDE))
    value = draw(st.sampled_from([1, -2, 0.5]))
    x, t1, t2 = draw(values(sx)), draw(values(s1)), draw(values(s2, AWAY_FROM_ZERO))
    return Case(_math("addcdiv", value=value), (leaf(x), leaf(t1), leaf(t2)),
                f"addcdiv {sx} {s1} {s2} value={value}")


@st.composite
def polygamma_cases(draw) -> Case:
    n = draw(st.sampled_from([0, 1, 2]))
    x = draw(values(small_shapes(), POSITIVE))
    return Case(lambda x: minigrad.polygamma(n, x), (leaf(x),), f"polygamma({n}, x)")


@st.composite
def incomplete_gamma_cases(draw, name: str) -> Case:
    """igamma/igammac (minigrad/ops/incomplete_gamma.py): the gradient is x's only, so a is
    a constant of a broadcastable shape."""
    sa, sx = draw(broadcastable_shapes(2, max_dims=MAX_DIMS, max_side=MAX_SIDE))
    a = minigrad.tensor(draw(values(sa, POSITIVE)), dtype=np.float64)
    x = draw(values(sx, POSITIVE))
    return Case(lambda x: getattr(minigrad, name)(a, x), (leaf(x),), f"{name} {sa} {sx}")


@st.composite
def zeta_cases(draw) -> Case:
    """special.zeta (minigrad/ops/zeta.py): the gradient is q's only, so x (> 1) is a
    constant of a broadcastable shape."""
    sx, sq = draw(broadcastable_shapes(2, max_dims=MAX_DIMS, max_side=MAX_SIDE))
    x = minigrad.tensor(draw(values(sx, st.floats(1.5, 6))), dtype=np.float64)
    q = draw(values(sq, POSITIVE))
    return Case(lambda q: minigrad.special.zeta(x, q), (leaf(q),), f"zeta {sx} {sq}")


# --- the table -----------------------------------------------------------------------------
SPECS: dict[str, Spec] = {
    # elementwise arithmetic (broadcasting pairs)
    "add": Spec(binary(ops.add, "x + y")),
    "sub": Spec(binary(ops.sub, "x - y")),
    "mul": Spec(binary(ops.mul, "x * y")),
    "div": Spec(binary(ops.div, "x / y", ANY, AWAY_FROM_ZERO)),
    "pow": Spec(pow_cases()),
    # unary math
    "neg": Spec(unary(ops.neg, "-x")),
    "exp": Spec(unary(ops.exp, "exp(x)")),
    "log": Spec(unary(ops.log, "log(x), x > 0", POSITIVE)),
    "sqrt": Spec(unary(ops.sqrt, "sqrt(x), x > 0", POSITIVE)),
    "sin": Spec(unary(ops.sin, "sin(x)")),
    "cos": Spec(unary(ops.cos, "cos(x)")),
    "tanh": Spec(unary(ops.tanh, "tanh(x)")),
    "sigmoid": Spec(unary(ops.sigmoid, "sigmoid(x)")),
    "clone": Spec(unary(ops.clone, "clone(x)")),
    "cast": Spec(cast_cases()),
    # kinks and ties: distinct values away from 0 and from the bounds
    "relu": Spec(unary_distinct(ops.relu, "relu(x)")),
    "locally_constant": Spec(unary_distinct(
        lambda x: ops.locally_constant(x, np.sign(x.detach().numpy())) * x,
        "sign(x) * x, the sign held constant")),
    "abs": Spec(unary_distinct(ops.abs, "abs(x)")),
    "maximum": Spec(binary_distinct(ops.maximum, "maximum")),
    "minimum": Spec(binary_distinct(ops.minimum, "minimum")),
    "clamp": Spec(clamp_cases()),
    "where": Spec(where_cases()),
    # reductions
    "sum": Spec(reduction_cases(ops.sum, "sum", distinct_input=False)),
    "amax": Spec(reduction_cases(ops.amax, "amax", distinct_input=True)),
    "amin": Spec(reduction_cases(ops.amin, "amin", distinct_input=True)),
    "cumsum": Spec(cumsum_cases()),
    # steps (minigrad/ops/rounding.py): zero gradient away from the jumps
    **{name: Spec(unary(_rounding(name), f"{name}(x)", AWAY_FROM_STEPS))
       for name in ("round", "floor", "ceil", "trunc", "sign")},
    # movement
    "reshape": Spec(reshape_cases()),
    "permute": Spec(permute_cases()),
    "expand": Spec(expand_cases()),
    "cat": Spec(cat_cases()),
    "pad": Spec(pad_cases()),
    "sliding_windows": Spec(sliding_windows_cases()),
    "as_strided": Spec(as_strided_cases()),
    # indexing, in adjoint pairs
    "getitem": Spec(getitem_cases()),
    "index_add_at": Spec(index_add_at_cases()),
    "setitem": Spec(setitem_cases()),
    "copy_slices": Spec(copy_slices_cases()),
    "gather": Spec(gather_cases()),
    "scatter_add": Spec(scatter_add_cases()),
    "diagonal": Spec(diagonal_cases()),
    "diagonal_embed": Spec(diagonal_embed_cases()),
    # linear algebra
    "matmul": Spec(matmul_cases()),
    "inverse": Spec(square_matrices(ops.inv, "inv")),
    "det": Spec(square_matrices(ops.det, "det")),
    # cholesky reads the lower triangle: check it on the symmetric part, as PyTorch does
    "cholesky": Spec(square_matrices(lambda x: ops.cholesky((x + x.mT) * 0.5), "cholesky")),
    # decompositions: the factors where they are unique, sign-free functions where not
    "linalg_qr": Spec(qr_cases()),
    "linalg_eigh": Spec(eigh_cases()),
    "linalg_svd": Spec(svd_cases()),
    "linalg_solve_triangular": Spec(solve_triangular_cases()),
    "linalg_lu": Spec(lu_cases()),
    "cholesky_solve": Spec(cholesky_solve_cases()),
    "linalg_pinv": Spec(pinv_cases()),
    "linalg_matrix_exp": Spec(square_matrices(minigrad.linalg.matrix_exp, "matrix_exp")),
    # special functions (minigrad/ops/special.py)
    "erf": Spec(unary(_special("erf"), "erf(x)")),
    "softplus": Spec(unary(_special("softplus"), "softplus(x)",
                           st.floats(-30, 30, allow_nan=False))),
    "erfc": Spec(unary(_special("erfc"), "erfc(x)")),
    "erfinv": Spec(unary(_special("erfinv"), "erfinv(x)", INSIDE_ONE)),
    # the Bessel functions (minigrad/ops/bessel.py), over both of their series
    "i0": Spec(unary(_special_namespace("i0"), "i0(x)", st.floats(-25, 25))),
    "i1": Spec(unary(_special_namespace("i1"), "i1(x)", st.floats(-25, 25))),
    "special_i0e": Spec(unary(_special_namespace("i0e"), "i0e(x)", AWAY_FROM_ZERO)),
    "special_i1e": Spec(unary(_special_namespace("i1e"), "i1e(x)", AWAY_FROM_ZERO)),
    # erfcx and the normal tails (minigrad/ops/normal_tails.py), Hurwitz zeta (zeta.py)
    "special_erfcx": Spec(unary(_special_namespace("erfcx"), "erfcx(x)", st.floats(-3, 6))),
    "special_log_ndtr": Spec(unary(_special_namespace("log_ndtr"), "log_ndtr(x)",
                                   st.floats(-12, 6))),
    "special_ndtri": Spec(unary(_special_namespace("ndtri"), "ndtri(p)",
                                st.floats(0.02, 0.98))),
    "special_zeta": Spec(zeta_cases()),
    # more unary math (minigrad/ops/unary_math.py)
    **{name: Spec(unary(_math(name), f"{name}(x)", elements))
       for name, elements in UNARY_MATH.items()},
    "logit": Spec(logit_cases()),
    # binary math (minigrad/ops/binary_math.py); atan2 and hypot away from x = 0
    "atan2": Spec(binary(_math("atan2"), "atan2", AWAY_FROM_ZERO, ANY)),  # off the cut
    "hypot": Spec(binary(_math("hypot"), "hypot", AWAY_FROM_ZERO, ANY)),
    "nextafter": Spec(binary_distinct(_math("nextafter"), "nextafter")),
    "logaddexp": Spec(binary(_math("logaddexp"), "logaddexp")),
    "logaddexp2": Spec(binary(_math("logaddexp2"), "logaddexp2")),
    "copysign": Spec(binary(_math("copysign"), "copysign", AWAY_FROM_ZERO, AWAY_FROM_ZERO)),
    "fmax": Spec(binary_distinct(_math("fmax"), "fmax")),
    "fmin": Spec(binary_distinct(_math("fmin"), "fmin")),
    "xlogy": Spec(binary(_math("xlogy"), "xlogy", ANY, POSITIVE)),
    "xlog1py": Spec(binary(_special_namespace("xlog1py"), "xlog1py", ANY, POSITIVE)),
    "entr": Spec(unary(_special_namespace("entr"), "entr(x)", POSITIVE)),
    "fmod": Spec(remainder_cases("fmod")),
    "remainder": Spec(remainder_cases("remainder")),
    "addcdiv": Spec(addcdiv_cases()),
    # the gamma family (minigrad/ops/gamma.py), away from the poles at 0, -1, ...
    "lgamma": Spec(unary(_math("lgamma"), "lgamma(x)", POSITIVE)),
    "polygamma": Spec(polygamma_cases()),
    "igamma": Spec(incomplete_gamma_cases("igamma")),
    "igammac": Spec(incomplete_gamma_cases("igammac")),
    # losses that need PyTorch's clamped gradient (minigrad/ops/loss.py)
    "binary_cross_entropy": Spec(binary_cross_entropy_cases()),
    "ctc_loss": Spec(ctc_loss_cases(), second_order=False),  # as PyTorch's: first order only
    # convolution and pooling
    "conv2d": Spec(conv2d_cases()),
    "unfold": Spec(unfold_cases()),
    "fold": Spec(fold_cases()),
    "max_pool2d": Spec(max_pool2d_cases()),
    "max_pool2d_route": Spec(max_pool2d_route_cases()),
    "max_pool2d_gather": Spec(max_pool2d_gather_cases()),
    "avg_pool2d": Spec(avg_pool2d_cases()),
}
