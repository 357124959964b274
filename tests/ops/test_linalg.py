"""minigrad/ops/linalg.py: matmul for 1-D, 2-D and batched inputs with broadcasting."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad import ops
from minigrad.testing import gradcheck, gradgradcheck
from minigrad.testing.strategies import arrays, broadcastable_shapes

from ops_oracle import against_torch, leaf, needs_torch, torch


@st.composite
def matmul_shapes(draw):
    """Operand shapes NumPy's matmul accepts: 1-D, 2-D and broadcast batches."""
    n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
    batch_a, batch_b = draw(broadcastable_shapes(2, max_dims=2, max_side=3))
    a = draw(st.sampled_from([(k,), (n, k), batch_a + (n, k)]))
    b = draw(st.sampled_from([(k,), (k, m), batch_b + (k, m)]))
    return a, b


@given(shapes_=matmul_shapes(), data=st.data())
def test_matmul_matches_numpy(shapes_, data):
    sa, sb = shapes_
    a, b = data.draw(arrays(sa)), data.draw(arrays(sb))
    out = minigrad.tensor(a) @ minigrad.tensor(b)
    expected = np.matmul(a, b)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


@given(shapes_=matmul_shapes())
def test_matmul_gradients_have_the_input_shapes(shapes_):
    sa, sb = shapes_
    a, b = leaf(np.ones(sa)), leaf(np.ones(sb))
    ops.matmul(a, b).sum().backward()
    assert a.grad.shape == sa and b.grad.shape == sb


@given(shapes_=matmul_shapes(), data=st.data())
def test_matmul_1d_and_broadcast_forms_pass_gradcheck(shapes_, data):
    sa, sb = shapes_
    a, b = leaf(data.draw(arrays(sa))), leaf(data.draw(arrays(sb)))
    assert gradcheck(ops.matmul, [a, b])
    assert gradgradcheck(ops.matmul, [a, b])


def test_matmul_gradient_by_hand():
    a = leaf([[1.0, 2.0], [3.0, 4.0]])
    b = leaf([[5.0], [6.0]])
    (a @ b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [[5.0, 6.0], [5.0, 6.0]])
    np.testing.assert_array_equal(b.grad.numpy(), [[4.0], [6.0]])


def test_matmul_with_ndarrays_on_either_side():
    x = leaf([[1.0, 2.0]])
    m = np.array([[1.0], [1.0]])
    assert isinstance(x @ m, minigrad.Tensor)
    out = m @ x
    assert isinstance(out, minigrad.Tensor) and out.shape == (2, 2)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[2.0, 2.0]])


def test_matmul_error_names_the_shapes():
    with pytest.raises(RuntimeError, match=r"^matmul: shapes \(3, 4\) and \(5, 2\) cannot be "
                                           r"multiplied \(4 != 5\)$"):
        minigrad.ones(3, 4) @ minigrad.ones(5, 2)
    with pytest.raises(RuntimeError, match=r"matmul: shapes \(3,\) and \(4,\)"):
        minigrad.ones(3) @ minigrad.ones(4)
    with pytest.raises(RuntimeError, match="at least 1 dimension"):
        minigrad.tensor(2.0) @ minigrad.ones(3)
    with pytest.raises(RuntimeError, match=r"matmul: shapes \(2,\) and \(3,\) cannot be broadcast"):
        minigrad.ones(2, 3, 4) @ minigrad.ones(3, 4, 5)


def test_matmul_keeps_float32():
    a = leaf(np.ones((2, 3)), dtype=np.float32)
    b = leaf(np.ones((3, 2)), dtype=np.float32)
    out = a @ b
    assert out.dtype == np.float32
    out.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float32


@needs_torch
@given(shapes_=matmul_shapes(), data=st.data())
def test_matmul_matches_torch(shapes_, data):
    sa, sb = shapes_
    a, b = data.draw(arrays(sa)), data.draw(arrays(sb))
    against_torch(ops.matmul, torch.matmul, a, b, rtol=1e-10)
