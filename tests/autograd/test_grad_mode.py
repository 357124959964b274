"""minigrad/autograd/grad_mode.py: no_grad, enable_grad and set_grad_enabled, as context
managers and as decorators."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad import enable_grad, is_grad_enabled, no_grad, set_grad_enabled


@pytest.fixture
def x():
    return minigrad.tensor(np.array([1.0, 2.0]), requires_grad=True)


def test_no_grad_context_builds_no_graph(x):
    with no_grad():
        assert not is_grad_enabled()
        y = x * 2
    assert is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf


def test_no_grad_decorator(x):
    @no_grad()
    def double(t):
        assert not is_grad_enabled()
        return t * 2

    assert double.__name__ == "double"
    assert not double(x).requires_grad
    assert is_grad_enabled()


def test_enable_grad_inside_no_grad(x):
    with no_grad():
        with enable_grad():
            y = x * 2
        z = x * 2
    assert y.requires_grad and not z.requires_grad

    @enable_grad()
    def triple(t):
        return t * 3

    with no_grad():
        assert triple(x).requires_grad


def test_set_grad_enabled_as_context_function_and_decorator(x):
    with set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert is_grad_enabled()
    with set_grad_enabled(True):
        assert (x * 2).requires_grad

    set_grad_enabled(False)  # a plain call switches it, as in PyTorch
    try:
        assert not is_grad_enabled()
    finally:
        set_grad_enabled(True)
    assert is_grad_enabled()

    @set_grad_enabled(False)
    def f(t):
        return t * 2

    assert is_grad_enabled()  # decorating does not switch the mode
    assert not f(x).requires_grad
    assert is_grad_enabled()


def test_modes_are_restored_after_an_exception(x):
    with pytest.raises(ZeroDivisionError):
        with no_grad():
            1 / 0
    assert is_grad_enabled()

    @no_grad()
    def fails():
        raise ValueError

    with pytest.raises(ValueError):
        fails()
    assert is_grad_enabled()


def test_nested_modes_restore_the_outer_mode():
    with no_grad():
        with set_grad_enabled(True):
            assert is_grad_enabled()
            with no_grad():
                assert not is_grad_enabled()
            assert is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_backward_still_works_for_a_graph_built_before_no_grad(x):
    y = (x * x).sum()
    with no_grad():
        y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])
