"""minigrad/creation.py and minigrad/random.py: factories and the seeded generator."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad


@pytest.mark.parametrize("factory, value", [(minigrad.zeros, 0.0), (minigrad.ones, 1.0)])
def test_zeros_and_ones(factory, value):
    t = factory(2, 3)
    assert t.shape == (2, 3) and t.dtype == np.float32 and not t.requires_grad
    assert np.all(t.numpy() == value)
    assert factory((4,)).shape == (4,)
    assert factory(2, dtype=np.float64, requires_grad=True).requires_grad
    assert factory(2, dtype=np.int64).dtype == np.int64
    assert factory().shape == ()


def test_full_takes_its_dtype_from_the_value():
    assert minigrad.full((2,), 1.5).dtype == np.float32
    assert minigrad.full((2,), 3).dtype == np.int64
    assert minigrad.full((2,), True).dtype == np.bool_
    assert minigrad.full((2, 2), 7.0, dtype=np.float64).tolist() == [[7.0, 7.0], [7.0, 7.0]]


def test_like_factories_keep_shape_and_dtype():
    base = minigrad.tensor(np.ones((2, 3), dtype=np.float64), requires_grad=True)
    for f, value in ((minigrad.zeros_like, 0.0), (minigrad.ones_like, 1.0)):
        t = f(base)
        assert t.shape == (2, 3) and t.dtype == np.float64 and not t.requires_grad
        assert np.all(t.numpy() == value)
        assert f(base, dtype=np.float32).dtype == np.float32
        assert f(base, requires_grad=True).requires_grad


def test_arange():
    assert minigrad.arange(4).tolist() == [0, 1, 2, 3]
    assert minigrad.arange(4).dtype == np.int64
    assert minigrad.arange(1, 7, 2).tolist() == [1, 3, 5]
    t = minigrad.arange(0.0, 1.0, 0.25)
    assert t.dtype == np.float32 and t.tolist() == [0.0, 0.25, 0.5, 0.75]
    assert minigrad.arange(3, dtype=np.float64).dtype == np.float64


def test_eye():
    np.testing.assert_array_equal(minigrad.eye(3).numpy(), np.eye(3))
    assert minigrad.eye(2, 4).shape == (2, 4)
    assert minigrad.eye(2).dtype == np.float32


def test_rand_randn_randint_shapes_dtypes_and_ranges():
    minigrad.manual_seed(0)
    r = minigrad.rand(1000)
    assert r.dtype == np.float32 and r.shape == (1000,)
    assert 0.0 <= r.numpy().min() and r.numpy().max() < 1.0
    assert 0.4 < r.numpy().mean() < 0.6
    n = minigrad.randn(2000)
    assert n.dtype == np.float32
    assert abs(n.numpy().mean()) < 0.1 and 0.9 < n.numpy().std() < 1.1
    assert minigrad.randn(2, 3, dtype=np.float64).dtype == np.float64
    assert minigrad.rand(2, requires_grad=True).requires_grad
    i = minigrad.randint(3, 7, (500,))
    assert i.dtype == np.int64 and set(i.tolist()) == {3, 4, 5, 6}
    assert set(minigrad.randint(2, size=(100,)).tolist()) == {0, 1}


def test_manual_seed_makes_every_random_factory_repeat():
    def draw():
        return (minigrad.rand(3).tolist(), minigrad.randn(2, 2).tolist(),
                minigrad.randint(0, 100, (4,)).tolist())

    minigrad.manual_seed(123)
    first = draw()
    minigrad.manual_seed(123)
    assert draw() == first
    minigrad.manual_seed(124)
    assert draw() != first


def test_factories_make_leaves():
    t = minigrad.ones(2, requires_grad=True)
    assert t.is_leaf and t.grad_fn is None
    (t * 3).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), [3.0, 3.0])


def test_integer_factories_cannot_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        minigrad.zeros(2, dtype=np.int64, requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        minigrad.arange(3, requires_grad=True)
