"""minigrad/tensor.py: attributes, conversions, dtypes, repr and the autograd flags of
Tensor. (Operators are tested with their primitives in tests/ops/, the engine in
tests/autograd/.)"""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad import Tensor

try:
    import torch
except ImportError:
    torch = None


# --- construction and dtypes -----------------------------------------------------------------
def test_float_data_defaults_to_float32_and_ints_to_int64():
    assert minigrad.tensor([1.0, 2.0]).dtype == np.float32
    assert minigrad.tensor(1.5).dtype == np.float32
    assert minigrad.tensor([1, 2]).dtype == np.int64
    assert minigrad.tensor([True, False]).dtype == np.bool_


def test_ndarrays_keep_their_dtype():
    assert minigrad.tensor(np.zeros(2, dtype=np.float64)).dtype == np.float64
    assert minigrad.tensor(np.zeros(2, dtype=np.float32)).dtype == np.float32
    assert minigrad.tensor(np.zeros(2, dtype=np.int32)).dtype == np.int32


def test_an_explicit_dtype_wins():
    assert minigrad.tensor([1, 2], dtype=np.float64).dtype == np.float64
    assert minigrad.tensor([1.7], dtype=minigrad.int64).tolist() == [1]
    assert minigrad.float32 == np.float32 and minigrad.float64 == np.float64
    assert minigrad.double == np.float64 and minigrad.long == np.int64


def test_tensor_copies_its_data():
    a = np.zeros(3)
    t = minigrad.tensor(a)
    a[0] = 5.0
    assert t.numpy()[0] == 0.0
    shared = minigrad.from_numpy(a)
    a[1] = 7.0
    assert shared.numpy()[1] == 7.0


def test_non_numeric_data_is_refused():
    with pytest.raises(ValueError, match="tensor"):  # torch: "too many dimensions 'str'"
        minigrad.tensor(["a", "b"])
    with pytest.raises(TypeError, match="tensor"):
        minigrad.tensor("a")


def test_integer_and_bool_tensors_cannot_require_grad():
    for data in ([1, 2], [True]):
        with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
            minigrad.tensor(data, requires_grad=True)
        with pytest.raises(RuntimeError, match="floating point"):
            minigrad.tensor(data).requires_grad_()


def test_float32_flows_through_a_small_network_without_becoming_float64():
    w = minigrad.randn(4, 3, requires_grad=True)
    b = minigrad.zeros(3, requires_grad=True)
    x = minigrad.rand(5, 4)
    h = (x @ w + b).relu()
    loss = ((h - 0.5) ** 2).mean() + h.std() * 0.1 + minigrad.softmax(h, 1).sum() / 7
    assert loss.dtype == np.float32
    loss.backward()
    assert w.grad.dtype == np.float32 and b.grad.dtype == np.float32


def test_float64_stays_float64():
    x = minigrad.tensor(np.ones(3), requires_grad=True)
    y = (x * 2.5 + 1).exp().sum() / 3
    assert y.dtype == np.float64
    y.backward()
    assert x.grad.dtype == np.float64


# --- attributes ------------------------------------------------------------------------------
def test_shape_attributes():
    t = minigrad.zeros(2, 3, 4)
    assert t.shape == (2, 3, 4) and t.ndim == 3 and t.dim() == 3
    assert t.size() == (2, 3, 4) and t.size(1) == 3 and t.size(-1) == 4
    assert t.numel() == 24 and len(t) == 2
    assert isinstance(t.data, minigrad.Tensor) and isinstance(t.numpy(), np.ndarray)
    with pytest.raises(IndexError, match="size: dimension out of range"):
        t.size(3)
    with pytest.raises(TypeError):
        len(minigrad.tensor(1.0))


def test_autograd_attributes_of_leaves_and_results():
    x = minigrad.tensor([1.0], requires_grad=True)
    c = minigrad.tensor([1.0])
    y = x * 2
    assert x.is_leaf and x.requires_grad and x.grad_fn is None and x.grad is None
    assert c.is_leaf and not c.requires_grad
    assert not y.is_leaf and y.requires_grad and y.grad_fn is not None
    assert not (c * 2).requires_grad
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False


def test_detach_shares_data_and_leaves_the_graph():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert d.is_leaf and not d.requires_grad and d.grad_fn is None
    assert np.shares_memory(d.detach().numpy(), y.detach().numpy())
    (d * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_requires_grad_underscore_returns_self():
    t = minigrad.zeros(2)
    assert t.requires_grad_() is t and t.requires_grad
    t.requires_grad_(False)
    assert not t.requires_grad


# --- conversions -----------------------------------------------------------------------------
def test_numpy_item_tolist_and_python_numbers():
    x = minigrad.tensor([[1.5, 2.0]], requires_grad=True)
    np.testing.assert_array_equal(x.detach().numpy(), [[1.5, 2.0]])
    with pytest.raises(RuntimeError, match=r"numpy.*requires grad.*detach\(\)\.numpy\(\)"):
        x.numpy()  # as in PyTorch: the array would leave the graph unnoticed
    assert x.tolist() == [[1.5, 2.0]]
    s = x.sum()
    assert s.item() == 3.5 and isinstance(s.item(), float)
    assert float(s.detach()) == 3.5 and int(minigrad.tensor(3)) == 3  # (float(s) warns)
    assert bool(minigrad.tensor([1.0])) is True
    with pytest.raises(RuntimeError, match="2 elements cannot be converted"):
        x.item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(x)


def test_np_asarray_of_a_tensor():
    x = minigrad.tensor([[1.0, 2.0]])
    a = np.asarray(x)
    assert isinstance(a, np.ndarray) and a.dtype == np.float32
    np.testing.assert_array_equal(a, [[1.0, 2.0]])
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    assert np.array(x).shape == (1, 2)
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(x.requires_grad_())  # as PyTorch's __array__


def test_dtype_conversions():
    x = minigrad.tensor([1.5, -2.5])
    assert x.double().dtype == np.float64
    assert x.double().float().dtype == np.float32
    assert x.astype(np.float64).dtype == np.float64
    assert x.to(np.float32) is x
    assert x.long().tolist() == [1, -2]
    assert x.int().dtype == np.int32
    assert x.bool().tolist() == [True, True]
    assert x.is_floating_point() and not x.long().is_floating_point()


def test_iteration_yields_rows():
    x = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]])
    rows = list(x)
    assert len(rows) == 2 and rows[1].tolist() == [3.0, 4.0]
    with pytest.raises(TypeError):
        iter(minigrad.tensor(1.0))


# --- repr ------------------------------------------------------------------------------------
@pytest.mark.parametrize("make, expected", [
    (lambda: minigrad.tensor([1.0, 2.0]), "tensor([1., 2.])"),
    (lambda: minigrad.tensor([1.0, 2.0], requires_grad=True),
     "tensor([1., 2.], requires_grad=True)"),
    (lambda: minigrad.tensor([1, 2]), "tensor([1, 2])"),
    (lambda: minigrad.tensor([True, False]), "tensor([ True, False])"),
    (lambda: minigrad.tensor(np.array([1.0, 2.0])), "tensor([1., 2.], dtype=minigrad.float64)"),
    (lambda: minigrad.tensor([[1.0, 2.0], [3.0, 4.0]]), "tensor([[1., 2.],\n        [3., 4.]])"),
    (lambda: minigrad.tensor([1, 2], dtype=np.int32), "tensor([1, 2], dtype=minigrad.int32)"),
])
def test_repr_looks_like_pytorchs(make, expected):
    assert repr(make()) == expected


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("data", [[1.0, 2.0], [[1.0, 2.0], [3.0, 4.0]], [1, 2, 3], [True, False]])
def test_repr_is_pytorchs_for_simple_values(data):
    assert repr(minigrad.tensor(data)) == repr(torch.tensor(data))
    if isinstance(data[0], float) or isinstance(data[0], list):
        assert repr(minigrad.tensor(data, requires_grad=True)) == \
            repr(torch.tensor(data, requires_grad=True))


def test_repr_of_a_result_names_its_grad_fn():
    y = minigrad.tensor([1.0, 2.0], requires_grad=True) * 2
    assert repr(y) == "tensor([2., 4.], grad_fn=<MulBackward0>)"


# --- operators are thin wrappers -------------------------------------------------------------
def test_operators_and_methods_reach_the_primitives():
    x = minigrad.tensor(np.array([[0.5, 1.0]]), requires_grad=True)
    cases = {
        "add": x + 1, "sub": x - 1, "mul": x * 2, "div": x / 2, "pow": x ** 2, "neg": -x,
        "abs": abs(x), "matmul": x @ x.T, "exp": x.exp(), "log": x.log(), "sqrt": x.sqrt(),
        "sin": x.sin(), "cos": x.cos(), "tanh": x.tanh(), "sigmoid": x.sigmoid(),
        "relu": x.relu(), "clamp": x.clamp(0, 1), "sum": x.sum(), "amax": x.amax(),
        "reshape": x.reshape(2), "permute": x.permute(1, 0), "expand": x.expand(3, 2),
        "getitem": x[0], "gather": x.gather(1, minigrad.tensor([[1]])),
        "maximum": x.maximum(x * 0), "minimum": x.minimum(x * 0), "clone": x.clone(),
        "cast": x.float(),
    }
    for name, out in cases.items():
        assert out.grad_fn is not None and out.grad_fn.function.name == name, name
    assert +x is x


def test_float_of_a_tensor_that_requires_grad_warns_once_as_torch(monkeypatch):
    """float() (and what calls it, like math.exp) warns once per process; item(), int()
    and formatting do not."""
    import math
    import sys
    import warnings
    monkeypatch.setattr(sys.modules["minigrad.tensor"], "_warned_scalar", False)
    x = minigrad.ones(1, requires_grad=True) * 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert (x.item(), int(x), f"{x.sum():.1f}") == (2.0, 2, "2.0")
        assert not caught
        assert float(x) == 2.0 and math.exp(x) == math.exp(2.0)
        float(x)
    assert [str(w.message).splitlines()[0] for w in caught] == [
        "Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
        "behavior."]
    assert float(minigrad.ones(1)) == 1.0
