"""How Tensor methods and factories take their sizes, and ``view(dtype)``, against PyTorch:
the same results for positional, tuple and keyword forms, and the same exception types
where an argument is missing, doubled or impossible."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

SIZED_METHODS = [  # method, positional sizes, keyword
    ("view", (3, 2), "size"),
    ("reshape", (3, 2), "shape"),
    ("permute", (1, 0), "dims"),
    ("expand", (4, 2, 3), "size"),
    ("repeat", (2, 1), "repeats"),
    ("tile", (2, 2), "dims"),
    ("flip", (1,), "dims"),
]


def _both(fn):
    """fn(lib) for minigrad and torch: (value, None) or (None, exception type)."""
    results = []
    for lib in (minigrad, torch):
        try:
            results.append((np.asarray(fn(lib)), None))
        except Exception as error:  # noqa: BLE001  (the type is what is compared)
            results.append((None, type(error)))
    return results


def _same(fn) -> None:
    (ours, our_error), (theirs, their_error) = _both(fn)
    assert our_error is their_error, (our_error, their_error)
    if ours is not None:
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        np.testing.assert_array_equal(ours, theirs)


def _x(lib):
    return lib.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))


@pytest.mark.parametrize("method, sizes, keyword", SIZED_METHODS)
def test_sizes_positional_tuple_and_keyword(method, sizes, keyword):
    _same(lambda lib: getattr(_x(lib), method)(*sizes))
    _same(lambda lib: getattr(_x(lib), method)(sizes))
    _same(lambda lib: getattr(_x(lib), method)(**{keyword: sizes}))


@pytest.mark.parametrize("method, sizes, keyword", SIZED_METHODS)
def test_missing_or_doubled_sizes_raise_type_error(method, sizes, keyword):
    _same(lambda lib: getattr(_x(lib), method)())
    _same(lambda lib: getattr(lib.tensor(1.0), method)())  # even for a 0-d tensor
    _same(lambda lib: getattr(_x(lib), method)(*sizes, **{keyword: sizes}))
    _same(lambda lib: getattr(_x(lib), method)(**{keyword: sizes[0]}))  # not a sequence


@pytest.mark.parametrize("factory", ["zeros", "ones", "empty", "rand", "randn"])
def test_factories_need_a_size(factory):
    _same(lambda lib: getattr(lib, factory)())
    _same(lambda lib: getattr(lib, factory)(size=3))  # a size that is not a sequence
    _same(lambda lib: getattr(lib, factory)(()).shape)  # () is a size: a 0-d tensor
    _same(lambda lib: getattr(_x(lib), "new_" + factory)() if factory in ("zeros", "ones", "empty")
          else getattr(lib, factory)(size=(2,)).shape)


@pytest.mark.parametrize("shape, strides_from", [((2, 4), None), ((3, 4), "t"), ((2, 3), None),
                                                  ((4,), None), ((), None), ((1, 1), None)])
@pytest.mark.parametrize("dtype", ["int32", "float64", "float16", "uint8", "int16", "bool",
                                   "float32", "int64"])
def test_view_as_dtype_matches_torch(shape, strides_from, dtype):
    values = np.random.default_rng(0).standard_normal(shape).astype(np.float32)

    def viewed(lib):
        x = lib.tensor(values)
        if strides_from == "t":
            x = x.t()
        return x.view(getattr(lib, dtype))

    _same(viewed)
    _same(lambda lib: viewed(lib) if dtype == "bool" else lib.tensor(values).view(
        dtype=getattr(lib, dtype)))


def test_view_as_dtype_shares_memory_and_leaves_the_graph():
    for lib in (minigrad, torch):
        x = lib.zeros(4, requires_grad=True)
        bits = x.detach().view(lib.int32)
        bits[0] = 1065353216  # the bits of 1.0f
        assert x[0].item() == 1.0
        assert not x.view(lib.int32).requires_grad
        assert x.view(lib.int32).grad_fn is None
    with pytest.raises(TypeError):
        minigrad.zeros(4).view(2, dtype=minigrad.int32)
