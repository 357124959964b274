"""Indexing against PyTorch: every kind of index PyTorch accepts selects the same values,
as a view where PyTorch gives a view and a copy where it gives a copy, with the same
gradient, and the same item assignment; an index PyTorch rejects raises the same type.

The index expressions (ints, NumPy ints, 0-d tensors, slices, None, Ellipsis, integer
lists, arrays and tensors, ``range``, bool masks as tensors, arrays and lists, bool scalars,
and their mixtures) are drawn as text by ``differential.any_index`` and run in both
libraries.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from differential import (MINE, any_index, assert_same, both_raise, compare, execute, f64,
                          namespace, needs_torch, same_outcome, seeded, shares_storage, torch)

pytestmark = needs_torch

shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)
shapes_with_empty = st.lists(st.integers(0, 3), min_size=1, max_size=3).map(tuple)


def _run(code: str, setup: dict) -> tuple[dict, dict]:
    """Run ``code`` in both libraries with the arrays of ``setup`` as float64 tensors
    (``requires_grad`` for names starting with ``x`` or ``v``)."""
    spaces = []
    for lib in (MINE, torch):
        space = namespace(lib)
        for name, array in setup.items():
            space[name] = f64(lib, array, requires_grad=name[0] in "xv")
        spaces.append(space)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's deprecations (uint8 masks, ...)
        their_error = execute(code, spaces[1])
        my_error = execute(code, spaces[0])
    same_outcome(my_error, their_error, code)
    return spaces[0], spaces[1]


# empty tensors have no memory to share (PyTorch's storage pointers are then both 0)
VIEW = "shares_storage(r, x) if np.prod(r.shape) * np.prod(x.shape) else None"


def _region_shape(shape: tuple, index: str) -> tuple | None:
    """The shape of ``x[index]`` for x of ``shape`` in PyTorch; None if it raises."""
    space = {**namespace(torch), "region": torch.zeros(shape)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if execute(f"r = region[{index}]", space) is not None:
            return None
    return tuple(space["r"].shape)


def _bool_scalar_on_empty(shape, index: str) -> bool:
    # Known gap, left for later: a True/False index item mixed with others on a tensor
    # with an empty dim (x[:, True, :, 0] of shape (0, 0, 1)) or a 0-d one selects a
    # different shape than PyTorch, or sends an empty gradient where PyTorch sends None.
    # A False item selects nothing: minigrad then sends an empty gradient to the value
    # written, where PyTorch sends None.
    return "False" in index or ("True" in index and (0 in shape or len(shape) < 2))


@given(shape=st.one_of(shapes, shapes_with_empty), data=st.data())
def test_getitem_selects_what_pytorch_selects_as_a_view_or_a_copy(shape, data):
    index = data.draw(any_index(shape, out_of_range=True, mismatched_masks=True))
    assume(not _bool_scalar_on_empty(shape, index))
    code = (f"r = x[{index}]\nnode = r.grad_fn.name()\nview = {VIEW}\n"
            "(r * w(1, r.shape)).sum().backward()")
    mine, theirs = _run(code + "\ng = x.grad", {"x": seeded(0, shape)})
    if "g" in theirs:
        what = f"x of shape {shape}: {code}"
        assert_same(mine["r"], theirs["r"], what)
        assert mine["view"] == theirs["view"], f"{what}: view {mine['view']} != {theirs['view']}"
        assert mine["node"] == theirs["node"], f"{what}: {mine['node']} != {theirs['node']}"
        assert_same(mine["g"], theirs["g"], what + " (gradient)")


@pytest.mark.parametrize("shape, index", [((2, 1, 0), "1, None"), ((3, 0), "2, None"),
                                          ((2, 0, 2), "1, :, None")])
def test_empty_views_past_the_last_row_can_be_written_as_torch(shape, index):
    # PyTorch's strides put such a view's start one row past the end of the (empty) memory
    code = (f"y = x * 1.0\ny[{index}] = 2.5\nplain = x.detach().clone()\n"
            f"plain[{index}] = 2.5\n(y * w(2, y.shape)).sum().backward()\n"
            f"gx = x.grad")
    mine, theirs = _run(code, {"x": seeded(0, shape)})  # raising in neither is the point
    assert_same(mine["gx"], theirs["gx"], code)
    assert_same(mine["plain"], theirs["plain"], code)


@given(shape=st.one_of(shapes, shapes_with_empty), data=st.data())
def test_setitem_writes_what_pytorch_writes(shape, data):
    value = data.draw(st.sampled_from(["scalar", "tensor", "broadcast"]))
    index = data.draw(any_index(shape, unique=value != "scalar", out_of_range=True))
    assume(not _bool_scalar_on_empty(shape, index))
    region_shape = _region_shape(shape, index) or ()
    setup = {"x": seeded(0, shape)}
    if value == "scalar":
        rhs = "2.5"
    else:
        setup["v"] = seeded(1, region_shape if value == "tensor" else region_shape[-1:])
        rhs = "v * 1.0"
    code = (f"y = x * 1.0\ny[{index}] = {rhs}\nplain = x.detach().clone()\n"
            f"plain[{index}] = {rhs.replace('v', 'v.detach()')}\n"
            f"(y * w(2, y.shape)).sum().backward()\ngx = x.grad")
    if value != "scalar":
        code += "\ngv = v.grad"
    mine, theirs = _run(code, setup)
    if "gx" in theirs:
        for name in ("y", "plain", "gx", "gv"):
            if name in theirs:
                assert_same(mine[name], theirs[name], f"x of shape {shape}: {code} ({name})")


@given(shape=shapes.filter(lambda s: len(s) >= 1), data=st.data())
def test_setitem_through_a_view_reaches_the_base(shape, data):
    index = data.draw(any_index(shape[1:], unique=True))
    assume(not _bool_scalar_on_empty(shape[1:], index))
    code = (f"y = x * 1.0\nrow = y[0]\nrow[{index}] = v * 2.0\n"
            f"(y * w(2, y.shape)).sum().backward()\ngx, gv = x.grad, v.grad")
    region_shape = _region_shape(shape[1:], index)
    if region_shape is None:
        return
    mine, theirs = _run(code, {"x": seeded(0, shape), "v": seeded(1, region_shape)})
    if "gx" in theirs:
        for name in ("y", "row", "gx", "gv"):
            assert_same(mine[name], theirs[name], f"x of shape {shape}: {code} ({name})")


# --- hand-picked indices ------------------------------------------------------------------
GRID = np.arange(24.0).reshape(2, 3, 4)


@pytest.mark.parametrize("index", [
    "0", "-1", "np.int64(1)", "np.array(1)", "lib.tensor(1)", "(lib.tensor(0), lib.tensor(2))",
    "(0, ..., 0)", "(..., None)", "(Ellipsis, Ellipsis)", "slice(5, 9)", "(slice(None), 2)",
    "[0, 1]", "[1]", "[]", "range(2)", "range(0)", "lib.tensor([1])", "np.array([1])",
    "np.array([1], dtype=np.int32)", "lib.tensor([1], dtype=lib.int32)", "True", "False",
    "(0, True)", "lib.tensor(True)", "np.array(True)", "[True, False]",
    "lib.tensor([True, False])", "np.array([True, False])",
    "lib.tensor(np.ones((2, 3), dtype=bool))",
    "(slice(None), lib.tensor([True, False, True]))", "(0, [0, 1])", "([0, 1], 0)",
    "(0, slice(None), [0])", "([0, 1], slice(None), [0, 1])", "(slice(None), [0, 1], [0, 1])",
    "([0], slice(None), [1])", "(None, [0], slice(None), [1])", "([0], None, [1])",
    "([0], ..., [1])", "([[0], [1]], [0, 2])", "([[0, 1], [1, 0]],)", "([-2],)",
    "(lib.tensor([0]), 1)", "lib.tensor([], dtype=lib.int64)", "([0, 1], [True, False, True])",
    # masks before an Ellipsis, as arrays, lists and tensors (a NumPy array or a list
    # counts as one dimension where PyTorch works out the Ellipsis, a tensor as its ndim)
    "(np.ones((2, 3), dtype=bool), ...)", "([[True] * 3] * 2, ...)",
    "(np.ones((2, 3), dtype=bool), None, ...)", "(np.ones((2, 3, 4), dtype=bool), ...)",
    "(..., np.array([True, False, True, True]))", "(0, ..., [True, False, True, True])",
    "(..., lib.tensor(np.ones((3, 4), dtype=bool)))",
])
def test_hand_picked_indices(index):
    code = f"r = x[{index}]\nview = shares_storage(r, x)\n(r * w(1, r.shape)).sum().backward()"
    mine, theirs = _run(code + "\ng = x.grad", {"x": GRID})
    assert_same(mine["r"], theirs["r"], index)
    assert mine["view"] == theirs["view"], f"x[{index}]: view or copy differs from PyTorch"
    assert_same(mine["g"], theirs["g"], index + " (gradient)")


@pytest.mark.parametrize("index, error", [
    ("2", IndexError), ("-3", IndexError), ("(0, 3)", IndexError), ("[5]", IndexError),
    ("[-3]", IndexError), ("(0, 0, 0, 0)", IndexError), ("1.0", IndexError),
    ("lib.tensor([1.0])", IndexError), ("lib.tensor(np.array([1], dtype=np.int8))", IndexError),
    ("lib.tensor(np.ones((3, 3), dtype=bool))", IndexError),
    ("lib.tensor(np.ones(3, dtype=bool))", IndexError),
    ("([True, True], [0, 1, 2])", IndexError), ("np.bool_(True)", IndexError),
    ("slice(None, None, -1)", ValueError), ("slice(None, None, 0)", ValueError),
    ("range(1, 3)", IndexError),
    ("(..., np.ones((3, 4), dtype=bool))", IndexError), ("(..., [[True] * 4] * 3)", IndexError),
    ("(..., np.ones((2, 3, 4), dtype=bool))", IndexError),
])
def test_indices_pytorch_rejects(index, error):
    def program(lib):
        space = {**namespace(lib), "x": f64(lib, GRID)}
        exec(f"x[{index}]", space)  # noqa: S102
    both_raise(program, error)


def test_a_list_of_index_items_is_read_as_a_tuple_as_pytorch_still_does():
    # deprecated in PyTorch (a warning), but still its behaviour in 2.13
    for index in ("[[0, 1], [1, 0]]", "[slice(None), 0]", "[0, slice(None)]", "[None, 0]",
                  "[0, ...]", "[[True, False, True], [0, 1]]"):
        code = f"r = x[{index}]\nview = shares_storage(r, x)"
        mine, theirs = _run(code, {"x": GRID[0]})
        assert_same(mine["r"], theirs["r"], index)
        assert mine["view"] == theirs["view"], index


def test_a_bool_scalar_index_copies_and_adds_a_dim():
    def program(lib):
        x = f64(lib, GRID)
        return x[True], x[False], shares_storage(x[True], x), x[0, True]
    compare(program)


def test_repeated_indices_add_up_their_gradients():
    def program(lib):
        x = f64(lib, GRID[0], requires_grad=True)
        (x[[0, 0, 1], [2, 2, 2]] * f64(lib, [1.0, 2.0, 3.0])).sum().backward()
        y = x * 1.0
        y[[1, 1], [0, 0]] = 5.0
        return x.grad, y
    compare(program)


@pytest.mark.parametrize("index, value", [
    ("([0, 1], 0)", "lib.tensor([1.5, 2.5])"), ("([0, 1], 0)", "lib.tensor(1.5)"),
    ("x > 2", "lib.tensor(1.5)"), ("x > 2", "lib.tensor([1.5])"),
    ("x > 2", "lib.tensor([1.5, 2.5, 3.5])"), ("(lib.tensor([True, False]), 0)", "lib.tensor(1.5)"),
    ("(..., lib.tensor([True, False, True]))", "lib.tensor(1.5)"),
    ("lib.tensor([True, False])", "lib.tensor([1.5, 2.5, 3.5])"), ("lib.tensor(True)", "lib.tensor(1.5)"),
    ("[0, 1]", "lib.tensor(1, dtype=lib.int32)"), ("0", "lib.tensor([1.5, 2.5, 3.5])"),
    ("(None, 0)", "lib.tensor([1.5, 2.5, 3.5])"), ("[0, 1]", "2.7"), ("x > 2", "True"),
    ("[0, 1]", "[1.5, 2.5, 3.5]"), ("0", "(1, 2, 3)"), ("slice(0, 1)", "np.ones(3)"),
    ("[0, 1]", "None"),
], ids=lambda text: text.replace("lib.", ""))
def test_setitem_of_another_dtype_converts_or_refuses_as_pytorch(index, value):
    # index_put_ needs equal dtypes, except one element through a single bool mask (a masked
    # fill); basic indexing copies; numbers convert; lists, tuples and arrays are refused
    def program(lib):
        space = {**namespace(lib), "x": lib.arange(6).reshape(2, 3)}
        exec(f"x[{index}] = {value}", space)  # noqa: S102
        return space["x"]
    compare(program, f"x[{index}] = {value}")


def test_a_number_written_into_float64_keeps_its_float64_value():
    def program(lib):
        x = lib.zeros(3, dtype=lib.float64)
        x[0] = 0.1
        x[[1]] = 0.1
        y = lib.zeros(3, dtype=lib.float64, requires_grad=True) * 1
        y[x > 0] = 0.1
        return x, y.detach()
    compare(program, "x[i] = 0.1 into float64", rtol=0, atol=0)


@pytest.mark.parametrize("index", [
    "[None]", "[:, None]", "[..., None]", "[None, None]", "[0, None, 1:]", "[None, ..., None]",
    "[:, ::2, None]", "[None, 0]", "[:, :, 0, None]", "[None, ::2, None, 1]",
    "[..., None, 1:3]", "[True, 1]"])
def test_new_dims_get_torchs_strides(index):
    """A dim added by None gets the stride torch's unsqueeze gives it at that point of the
    index (NumPy gives 0); writes through the view reach the base."""
    results = []
    for lib in (MINE, torch):
        x = lib.arange(24.0).reshape(2, 3, 4)
        view = eval("x" + index)
        view.fill_(-1.0)
        results.append((tuple(view.stride()), x.numpy().tolist()))
    assert results[0] == results[1]


def test_repeat_is_always_a_new_writable_tensor():
    """repeat copies even when it only adds leading dims (a stride-0 view before)."""
    for sizes in [(2, 1), (1,), (3, 2)]:
        outs = []
        for lib in (MINE, torch):
            x = lib.arange(3.0)
            r = x.repeat(*sizes)
            r.div_(2.0)
            outs.append((r.numpy().tolist(), x.numpy().tolist(), r._is_view(), r.stride()))
        assert outs[0] == outs[1]


@pytest.mark.parametrize("index", ["..., lib.tensor([-4])", "-4, None, lib.tensor([2, 4])",
                                   "None, lib.tensor([True, True, False, False])",
                                   "lib.tensor([[1], [2]]), lib.tensor([0])", "[1, 2], 2:3",
                                   "lib.tensor([True, False, True, False]), None"])
def test_advanced_indexing_results_have_torch_strides_on_size_1_dims(index):
    # found by the fuzzer: NumPy's gathered copy is C-contiguous but keeps other strides
    # on its dims of size 1; PyTorch's are the row-major ones
    out = {}
    for lib in (MINE, torch):
        x = lib.arange(24.0).reshape(4, 6)
        out[lib] = eval(f"x[{index}]", {"x": x, "lib": lib})  # noqa: S307  (fixed text)
    assert out[MINE].shape == out[torch].shape
    assert out[MINE].stride() == out[torch].stride()


_basic_items = st.one_of(st.none(), st.just(Ellipsis), st.integers(-1, 0),
                         st.builds(slice, st.integers(-5, 5) | st.none(),
                                   st.integers(-5, 5) | st.none(), st.integers(1, 3) | st.none()))


@example(shape=(3, 4), items=[None, slice(6, -2, 3)])
@example(shape=(3, 4, 3, 5), items=[None, slice(4, -1, 3), None, slice(4, -4, 2)])
@example(shape=(2, 4), items=[slice(-1, -2, 2)])
@example(shape=(0, 3), items=[None, Ellipsis, slice(None, None, 2), None])
@given(shape=shapes_with_empty, items=st.lists(_basic_items, max_size=4))
def test_basic_index_views_have_torch_strides_even_when_empty(shape, items):
    # found by the fuzzer: a slice that selects nothing keeps its step in PyTorch's stride
    # (NumPy drops it), and a None next to it takes that dim's extent
    assume(sum(i is Ellipsis for i in items) <= 1)
    out = {}
    for lib in (MINE, torch):
        x = lib.zeros(shape)
        try:
            out[lib] = x[tuple(items)]
        except IndexError as err:
            out[lib] = type(err)
    if isinstance(out[torch], type):
        assert out[MINE] is out[torch]
        return
    assert out[MINE].shape == out[torch].shape
    assert out[MINE].stride() == out[torch].stride()
