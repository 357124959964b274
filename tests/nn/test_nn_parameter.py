"""Parameter: a leaf Tensor that requires grad."""
import numpy as np

import minigrad
import minigrad.nn as nn


def test_parameter_is_a_leaf_tensor_that_requires_grad():
    p = nn.Parameter(minigrad.zeros(2, 3))
    assert isinstance(p, minigrad.Tensor) and p.requires_grad and p.is_leaf
    assert p.shape == (2, 3) and p.dtype == np.float32
    assert not nn.Parameter(minigrad.zeros(1), requires_grad=False).requires_grad


def test_parameter_shares_the_tensor_it_wraps():
    t = minigrad.zeros(3)
    p = nn.Parameter(t)
    with minigrad.no_grad():
        p.add_(1.0)
    np.testing.assert_array_equal(t.numpy(), [1, 1, 1])


def test_dtypes_float32_by_default_float64_kept():
    assert nn.Parameter([1.0, 2.0]).dtype == np.float32
    assert nn.Parameter(np.zeros(2)).dtype == np.float64
    assert nn.Parameter(np.zeros(2, dtype=np.float32)).dtype == np.float32
    assert nn.Parameter().shape == (0,)


def test_operations_on_parameters_give_plain_tensors_and_gradients():
    p = nn.Parameter(minigrad.tensor([1.0, 2.0]))
    y = (p * p).sum()
    assert type(y) is minigrad.Tensor
    y.backward()
    np.testing.assert_array_equal(p.grad.numpy(), [2.0, 4.0])
    assert type(p.detach()) is minigrad.Tensor


def test_repr():
    p = nn.Parameter(minigrad.tensor([1.0, 2.0]))
    assert repr(p) == "Parameter containing:\n" + repr(minigrad.tensor([1.0, 2.0],
                                                                        requires_grad=True))
    assert repr(p).endswith("requires_grad=True)")
