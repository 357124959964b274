"""minigrad/testing/creation.py: make_tensor against torch.testing.make_tensor. The values
come from different generators, so ranges, dtypes, flags, layouts and errors are compared."""
from __future__ import annotations

import inspect
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from minigrad.testing import make_tensor

torch = pytest.importorskip("torch")

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]
BOUNDS = [None, -20.0, -9.5, -3, -0.5, 0, 0.5, 1, 2.5, 9, 300.0, math.inf, -math.inf]


def make(lib, *shape, dtype="float32", **kwargs):
    return lib.testing.make_tensor(*shape, dtype=getattr(lib, dtype), device="cpu", **kwargs)


def outcome(lib, *shape, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        try:
            return make(lib, *shape, **kwargs), None
        except Exception as error:  # noqa: BLE001  (the type is what is compared)
            return None, error


@pytest.mark.parametrize("dtype", DTYPES)
def test_default_ranges_and_dtype_as_torch(dtype):
    mine = make(minigrad, 4000, dtype=dtype).numpy()
    theirs = make(torch, 4000, dtype=dtype).numpy()
    assert mine.dtype == theirs.dtype
    assert mine.min() == theirs.min() and mine.max() == theirs.max() or dtype[0] == "f"
    if dtype[0] == "f":  # [-9, 9): both fill the interval
        assert -9 <= mine.min() < -8.9 and 8.9 < mine.max() <= 9


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(DTYPES), st.sampled_from(BOUNDS), st.sampled_from(BOUNDS))
def test_bounds_and_their_errors_as_torch(dtype, low, high):
    (mine, my_error) = outcome(minigrad, 3000, dtype=dtype, low=low, high=high)
    (theirs, their_error) = outcome(torch, 3000, dtype=dtype, low=low, high=high)
    assert type(my_error) is type(their_error), (my_error, their_error)
    if their_error is not None:
        if isinstance(their_error, ValueError):  # (the other: random_'s own refusal)
            assert str(my_error).split(",")[0].replace("minigrad", "torch") == \
                str(their_error).split(",")[0]
        return
    mine, theirs = mine.numpy().astype(np.float64), theirs.numpy().astype(np.float64)
    if dtype[0] == "f":
        lo, hi = theirs.min(), theirs.max()
        with np.errstate(over="ignore"):  # (bounds near float64's largest)
            width = max(hi - lo, 1e-30)
            assert lo - 0.02 * width <= mine.min() and mine.max() <= hi + 0.02 * width
    elif len(np.unique(theirs)) < 50:  # 3000 draws of a few integers: both see each one
        assert set(np.unique(mine)) == set(np.unique(theirs))
    else:
        width = theirs.max() - theirs.min()
        assert theirs.min() - 0.05 * width <= mine.min() and \
            mine.max() <= theirs.max() + 0.05 * width


@pytest.mark.parametrize("shape", [(2, 3), (4,), (1,), (), (2, 1, 3)])
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_noncontiguous_as_torch(shape, dtype):
    mine, theirs = (make(lib, shape, dtype=dtype, noncontiguous=True) for lib in (minigrad, torch))
    assert tuple(mine.shape) == tuple(theirs.shape)
    assert mine.is_contiguous() == theirs.is_contiguous()
    assert mine.stride() == theirs.stride() and mine.storage_offset() == theirs.storage_offset()


def test_memory_format_requires_grad_and_shape_spellings_as_torch():
    for lib in (minigrad, torch):
        t = make(lib, 2, 3, 4, 5, memory_format=lib.channels_last)
        assert t.is_contiguous(memory_format=lib.channels_last) and not t.is_contiguous()
        g = make(lib, [2, 3], requires_grad=True)
        assert g.requires_grad and g.is_leaf and tuple(g.shape) == (2, 3)
        assert tuple(make(lib, (2, 3)).shape) == tuple(make(lib, 2, 3).shape) == (2, 3)
        assert tuple(make(lib, lib.Size([4])).shape) == (4,)


@pytest.mark.parametrize("dtype, low, high", [("float32", 0, 0.5), ("float32", None, None),
                                              ("int64", -1, 1), ("int8", -2, 2),
                                              ("bool", None, None), ("float16", -1, 1)])
def test_exclude_zero_as_torch(dtype, low, high):
    for lib in (minigrad, torch):
        t = make(lib, 3000, dtype=dtype, low=low, high=high, exclude_zero=True).numpy()
        assert not (t == 0).any()


def test_low_equal_high_for_floats_warns_and_fills_as_torch():
    for lib in (minigrad, torch):
        with pytest.warns(FutureWarning, match="low==high"):
            t = make(lib, 3, low=2.0, high=2.0)
        assert t.numpy().tolist() == [2.0, 2.0, 2.0]


ERRORS = [
    dict(low=5, high=1), dict(low=math.nan), dict(high=math.nan),
    dict(dtype="int64", low=2, high=2), dict(dtype="uint8", low=-20, high=-10),
    dict(dtype="int8", low=-1000, high=-500), dict(dtype="float32", low=1e39, high=1e40),
    dict(dtype="bool", low=3, high=4), dict(dtype="int64", requires_grad=True),
    dict(dtype="bool", requires_grad=True),
    dict(noncontiguous=True, memory_format="channels_last"),
]


@pytest.mark.parametrize("kwargs", ERRORS)
def test_errors_as_torch(kwargs):
    outcomes = []
    for lib in (minigrad, torch):
        args = dict(kwargs)
        if "memory_format" in args:
            args["memory_format"] = getattr(lib, args["memory_format"])
        outcomes.append(outcome(lib, 2, 3, **args)[1])
    mine, theirs = outcomes
    assert theirs is not None and type(mine) is type(theirs), (mine, theirs)
    assert str(mine).split(",")[0].replace("minigrad", "torch") == str(theirs).split(",")[0]


def test_more_errors_as_torch():
    for lib, error in ((minigrad, RuntimeError), (torch, RuntimeError)):
        with pytest.raises(error, match="channels_last"):
            make(lib, 2, 3, memory_format=lib.channels_last)
        with pytest.raises(TypeError):
            lib.testing.make_tensor(2, 3, device="cpu")
        with pytest.raises(TypeError):
            lib.testing.make_tensor(2, 3, dtype=lib.float32)


def test_signature_as_torch():
    mine = inspect.signature(make_tensor).parameters
    theirs = inspect.signature(torch.testing.make_tensor).parameters
    assert [(p.name, p.kind, p.default) for p in mine.values()] == \
        [(p.name, p.kind, p.default) for p in theirs.values()]


def test_seeded_values_repeat():
    minigrad.manual_seed(3)
    a = make(minigrad, 5)
    minigrad.manual_seed(3)
    assert np.array_equal(a.numpy(), make(minigrad, 5).numpy())
