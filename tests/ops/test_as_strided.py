"""``as_strided`` (minigrad/ops/strided.py) against PyTorch.

Each case is a program run in both libraries by ``differential.compare``. Hypothesis draws
the geometry (sizes, strides with zeros and overlapping windows, storage offsets, the
default offset) and the input it is applied to (the base, a slice, a transpose, an
expanded or windowed view, an earlier ``as_strided``), and the programs compare

* the values, ``stride()``, ``storage_offset()``, ``_is_view()`` and the base;
* memory sharing: a write into the base shows in the view, a fill of the view in the base;
* the gradient of a weighted sum of the result and of its square, for the base and for the
  input view, and the second derivatives (through the differentiable backward);
* which arguments raise, with the same exception type and message.

``minigrad.testing.gradcheck``/``gradgradcheck`` check the same geometries against central
differences.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, strategies as st

import minigrad
from minigrad.testing import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")

from differential import MINE, compare, f64, seeded  # noqa: E402  (after the skip)

# How the tensor given to as_strided is made from a 1-d base of r * c elements.
INPUTS = {
    "base": lambda x, r, c: x,
    "matrix": lambda x, r, c: x.reshape(r, c),
    "transposed": lambda x, r, c: x.reshape(r, c).t(),
    "sliced": lambda x, r, c: x.reshape(r, c)[:, 1:] if c > 1 else x[1:],
    "every other": lambda x, r, c: x[::2],
    "expanded": lambda x, r, c: x[:c].expand(r, c),
    "windows": lambda x, r, c: x.unfold(0, min(2, r * c), 1),
    "as_strided twice": lambda x, r, c: x.as_strided((c, r), (1, c), 0),
}


@st.composite
def geometries(draw) -> dict:
    """Sizes (0 included), strides (0 and overlapping ones included) and an offset that fit
    the base, or the default offset; the base has r * c elements, enough for them."""
    ndim = draw(st.integers(0, 3))
    size = tuple(draw(st.lists(st.integers(0, 4), min_size=ndim, max_size=ndim)))
    stride = tuple(draw(st.lists(st.integers(0, 4), min_size=ndim, max_size=ndim)))
    extent = 0 if 0 in size else 1 + sum((n - 1) * s for n, s in zip(size, stride))
    offset = draw(st.none() | st.integers(0, 3))
    r = draw(st.integers(1, 4))
    c = max(2, math.ceil((extent + (offset or 0) + draw(st.integers(0, 2))) / r))
    return {"size": size, "stride": stride, "offset": offset, "r": r, "c": c,
            "input": draw(st.sampled_from(sorted(INPUTS))),
            "method": draw(st.booleans())}


def _strided(lib, x, g):
    """``as_strided`` of the drawn input of ``x``, as a method or a function; the default
    offset (None) is left out of the call."""
    made = INPUTS[g["input"]](x, g["r"], g["c"])
    args = (g["size"], g["stride"]) + (() if g["offset"] is None else (g["offset"],))
    return made, made.as_strided(*args) if g["method"] else lib.as_strided(made, *args)


def _layout(t) -> dict:
    return {"stride": tuple(t.stride()), "storage_offset": t.storage_offset(),
            "is_view": t._is_view()}


DEFAULT_OFFSET = {"size": (2, 2), "stride": (1, 2), "offset": None, "r": 3, "c": 3,
                  "input": "sliced", "method": True}  # the input starts at offset 1


@example(g=DEFAULT_OFFSET)
@given(g=geometries())
def test_values_strides_offset_and_view_match_torch(g):
    def program(lib):
        x = lib.arange(g["r"] * g["c"], dtype=lib.float32) * 1.5
        _, y = _strided(lib, x, g)
        return {"y": y, "layout": _layout(y), "base is x": y._base is x,
                "dtype": str(y.dtype).removeprefix("torch.")}
    compare(program, f"as_strided {g}")


@given(g=geometries(), value=st.integers(-5, 5))
def test_writes_show_through_the_shared_memory(g, value):
    def program(lib):
        x = lib.arange(g["r"] * g["c"], dtype=lib.float64)
        made, y = _strided(lib, x, g)
        x.add_(10)  # into the base: the view sees it
        seen = y.clone()
        y.fill_(value)  # into the view (repeated positions too): the base and input see it
        return {"seen": seen, "base": x, "input": made.clone(), "y": y}
    compare(program, f"as_strided writes {g}")


@given(g=geometries())
def test_gradients_and_second_derivatives_match_torch(g):
    n = g["r"] * g["c"]

    def program(lib):
        x = f64(lib, seeded(0, (n,)), requires_grad=True)
        made, y = _strided(lib, x, g)
        w = f64(lib, seeded(1, tuple(y.shape)))
        loss = (y * w).sum() + (y * y * w).sum()
        dx, dmade = lib.autograd.grad(loss, (x, made), create_graph=True)
        v = f64(lib, seeded(2, (n,)))
        (ddx,) = lib.autograd.grad((dx * v).sum(), (x,), allow_unused=True)
        return {"y": y, "dx": dx, "dinput": dmade, "ddx": ddx,
                "node": y.grad_fn.name()}
    compare(program, f"as_strided gradients {g}")


def _positions(t) -> set[int]:
    """The storage positions the elements of ``t`` lie at."""
    where = np.full(tuple(t.shape), t.storage_offset())
    for dim, (n, step) in enumerate(zip(t.shape, t.stride())):
        where = where + (np.arange(n) * step).reshape((-1,) + (1,) * (t.ndim - dim - 1))
    return set(where.reshape(-1).tolist())


@given(g=geometries())
def test_gradcheck_and_gradgradcheck(g):
    x = minigrad.tensor(seeded(3, (g["r"] * g["c"],)), dtype=minigrad.float64,
                        requires_grad=True)
    try:
        made, y = _strided(minigrad, x, g)
    except RuntimeError:
        return  # the default offset may not fit: see the tests against PyTorch
    if not _positions(y) <= _positions(made):
        # y also reads memory outside its input: its values depend on base elements that
        # the gradient (PyTorch's too) does not reach, so finite differences disagree.
        return

    def fn(x):
        return _strided(minigrad, x, g)[1]
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_memory_read_outside_the_input_gets_no_gradient():
    # As PyTorch: y reads x[0] and x[1], but its input x[1:] only covers x[1].
    x = minigrad.arange(3.0, requires_grad=True)
    y = x[1:].as_strided((2,), (1,), 0)
    assert y.tolist() == [0.0, 1.0]
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]


@given(g=geometries())
def test_in_place_ops_through_the_view_and_the_base_are_recorded_as_in_torch(g):
    n = g["r"] * g["c"]
    try:
        _, dry = _strided(minigrad, minigrad.zeros(n), g)
    except RuntimeError:
        return  # the default offset may not fit: see the tests above
    if len(_positions(dry)) < dry.numel():
        return  # elements that share memory: PyTorch's in-place arithmetic is undefined there

    def program(lib):
        x = f64(lib, seeded(6, (n,)), requires_grad=True)
        base = x * 1
        _, v = _strided(lib, base, g)
        v.mul_(3)  # through the view: the base's history gets it too
        base.add_(base * base)  # through the base: the view's history is made again
        w = f64(lib, seeded(7, (n,)))
        loss = (base * w).sum() + (v * v).sum()
        (dx,) = lib.autograd.grad(loss, (x,))
        return {"base": base, "v": v, "dx": dx}
    compare(program, f"as_strided in place {g}")


def test_overlapping_windows_add_up_their_gradients():
    # Each element of a 5-element base is read by up to 3 windows of 3.
    x = minigrad.arange(5.0, requires_grad=True)
    x.as_strided((3, 3), (1, 1)).sum().backward()
    assert x.grad.tolist() == [1.0, 2.0, 3.0, 2.0, 1.0]


@given(size=st.lists(st.integers(-2, 4), max_size=3),
       stride=st.lists(st.integers(-1, 5), max_size=3),
       offset=st.none() | st.integers(-2, 14), start=st.integers(0, 3))
def test_the_same_arguments_raise_with_the_same_message(size, stride, offset, start):
    if any(n < 0 for n in size) and 0 in size:
        return  # PyTorch makes a tensor with a negative size here; NumPy cannot
    if 0 in size and offset is not None and offset > 12:
        return  # an empty view past the end of the storage: see the xfail below
    theirs = _outcome(torch, size, stride, offset, start)
    mine = _outcome(MINE, size, stride, offset, start)
    assert mine == theirs


def _outcome(lib, size, stride, offset, start):
    """What ``x[start:].as_strided(...)`` gives on a base of 12 elements: its layout, or
    the type and message of what it raised."""
    x = lib.arange(12.0)[start:]
    try:
        y = x.as_strided(size, stride, offset)
    except Exception as err:  # noqa: BLE001  (the exception is what is compared)
        return type(err).__name__, str(err)
    return tuple(y.shape), _layout(y)


BAD_ARGUMENTS = [
    ((3.0, 3), (1, 1), None),
    ((3, 3), (1.0, 1), None),
    ((3,), (1,), 1.0),
    ((3,), (1,), True),
    ((True,), (1,), None),
    (3, (1,), None),
    ((3,), 1, None),
    (None, (1,), None),
    (((3,),), (1,), None),
    ((3,), (1,), "1"),
]


@pytest.mark.parametrize("size, stride, offset", BAD_ARGUMENTS)
@pytest.mark.parametrize("spelling", ["method", "function", "in place"])
def test_wrong_types_raise_as_in_torch(size, stride, offset, spelling):
    def call(lib):
        x = lib.arange(12.0)
        args = (size, stride) + (() if offset is None else (offset,))
        if spelling == "function":
            return lib.as_strided(x, *args)
        return x.as_strided_(*args) if spelling == "in place" else x.as_strided(*args)

    with pytest.raises(TypeError) as theirs:
        call(torch)
    with pytest.raises(TypeError) as mine:
        call(MINE)
    assert str(mine.value) == str(theirs.value)


def test_the_input_must_be_a_tensor():
    for lib in (torch, MINE):
        with pytest.raises(TypeError, match=r"argument 'input' \(position 1\) must be Tensor"):
            lib.as_strided([1.0, 2.0], (1,), (1,))


def test_sizes_and_offsets_may_be_numpy_and_tensor_ints():
    def program(lib):
        x = lib.arange(12.0)
        y = x.as_strided((np.int64(3), lib.tensor(2)), [lib.tensor(1), 2], np.int64(4))
        return y, _layout(y)
    compare(program)


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "float32", "float64"])
def test_dtypes_are_kept(dtype):
    def program(lib):
        x = (lib.arange(10) % 3).to(getattr(lib, dtype))
        y = x.as_strided((3, 2), (2, 3), 1)
        return y, str(y.dtype).removeprefix("torch.")
    compare(program)


@given(g=geometries())
def test_as_strided_in_place_matches_torch(g):
    n = g["r"] * g["c"]

    def program(lib):
        x = f64(lib, seeded(4, (n,)), requires_grad=True)
        y = x * 2
        out = y.as_strided_(g["size"], g["stride"], *(() if g["offset"] is None
                                                      else (g["offset"],)))
        w = f64(lib, seeded(5, tuple(y.shape)))
        (dx,) = lib.autograd.grad((y * y * w).sum(), (x,))
        return {"same object": out is y, "y": y, "layout": _layout(y), "dx": dx,
                "node": y.grad_fn.name()}
    compare(program, f"as_strided_ {g}")


def test_as_strided_in_place_refuses_a_leaf_that_requires_grad():
    for lib in (torch, MINE):
        x = lib.zeros(4, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            x.as_strided_((2,), (1,))


@pytest.mark.xfail(strict=True, reason="a NumPy array cannot start past the end of its "
                   "memory: the empty view's offset is clamped to the storage size")
def test_an_empty_view_may_start_past_the_end_of_the_storage():
    assert minigrad.arange(4.0).as_strided((0,), (1,), 6).storage_offset() == 6


@pytest.mark.xfail(strict=True, raises=RuntimeError,
                   reason="minigrad refuses to restride a view in place in grad mode")
def test_as_strided_in_place_on_a_view_in_grad_mode():
    x = minigrad.zeros(6, requires_grad=True)
    (x * 1)[1:].as_strided_((2,), (2,), 1)


def test_a_view_of_a_transposed_layout_reads_its_memory_order():
    # The product of a permuted tensor keeps the permuted layout, as in PyTorch.
    def program(lib):
        t = lib.arange(24.0).reshape(2, 3, 4).permute(1, 0, 2) * 2
        y = t.as_strided((2, 3), (5, 1), 2)
        return y, _layout(y), tuple(t.stride())
    compare(program)


@pytest.mark.parametrize("order", [(1, 0), (0, 1)])
def test_in_place_through_a_view_of_a_permuted_base_routes_gradients_as_torch(order):
    """The base's memory is in permuted order: the in-place op's gradient must follow the
    memory the view reads (it once followed row-major order: right values, wrong
    gradients)."""
    def program(lib):
        x = f64(lib, np.arange(6.0).reshape(3, 2), requires_grad=True)
        w = f64(lib, np.arange(1.0, 7.0).reshape(2, 3))
        base = x.reshape(3, 2).permute(*order).contiguous().permute(*order) * 1 \
            if order == (0, 1) else x.reshape(3, 2).t() * 1
        view = base.as_strided((2, 2), (1, 2), 1)
        view.mul_(3)
        (base * (w if order == (1, 0) else w.t())).sum().backward()
        return base, x.grad
    compare(program)
