"""minigrad/ops/elementwise.py: arithmetic, unary math, selection, comparisons and casts.

Gradients are compared with finite differences (the coverage test) or with PyTorch here;
at ties and kinks they are compared with exact, hand-computed values.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad import ops
from minigrad.testing import gradcheck
from minigrad.testing.strategies import arrays, broadcastable_shapes, shapes

from ops_oracle import against_torch, leaf, needs_torch, torch

UNARY = {
    # name: (minigrad, numpy reference, domain)
    "neg": (ops.neg, np.negative, (-3, 3)),
    "exp": (ops.exp, np.exp, (-3, 3)),
    "log": (ops.log, np.log, (0.1, 5)),
    "sqrt": (ops.sqrt, np.sqrt, (0.1, 5)),
    "sin": (ops.sin, np.sin, (-3, 3)),
    "cos": (ops.cos, np.cos, (-3, 3)),
    "tanh": (ops.tanh, np.tanh, (-3, 3)),
    "sigmoid": (ops.sigmoid, lambda a: 1 / (1 + np.exp(-a)), (-3, 3)),
    "relu": (ops.relu, lambda a: np.where(a > 0, a, 0.0), (-3, 3)),
    "abs": (ops.abs, np.abs, (-3, 3)),
}

BINARY = {
    "add": (ops.add, np.add),
    "sub": (ops.sub, np.subtract),
    "mul": (ops.mul, np.multiply),
    "div": (ops.div, np.divide),
    "pow": (ops.pow, np.power),
    "maximum": (ops.maximum, np.maximum),
    "minimum": (ops.minimum, np.minimum),
}


# --- forward values --------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_forward_matches_numpy(name, data):
    f, reference, (lo, hi) = UNARY[name]
    a = data.draw(arrays(shapes(), elements=st.floats(lo, hi)))
    out = f(minigrad.tensor(a))
    assert out.shape == a.shape and out.dtype == np.float64
    np.testing.assert_allclose(out.numpy(), reference(a), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_forward_broadcasts_like_numpy(name, data):
    f, reference = BINARY[name]
    sx, sy = data.draw(broadcastable_shapes(2))
    x = data.draw(arrays(sx, elements=st.floats(0.5, 3)))
    y = data.draw(arrays(sy, elements=st.floats(-2, 2).filter(lambda v: abs(v) > 0.1)))
    out = f(minigrad.tensor(x), minigrad.tensor(y))
    expected = reference(x, y)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(BINARY))
@given(shapes_=broadcastable_shapes(2))
def test_binary_gradients_have_the_input_shapes(name, shapes_):
    f, _ = BINARY[name]
    sx, sy = shapes_
    x = leaf(np.full(sx, 1.5))
    y = leaf(np.full(sy, 0.75))
    f(x, y).sum().backward()
    assert x.grad.shape == sx and y.grad.shape == sy
    assert x.grad.dtype == np.float64 and y.grad.dtype == np.float64


def test_broadcast_gradient_is_summed_over_the_broadcast_dims():
    x = leaf(np.ones((2, 3)))
    b = leaf(np.ones((3,)))
    c = leaf(np.ones((2, 1)))
    (x * b + c).sum().backward()
    np.testing.assert_array_equal(b.grad.numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(c.grad.numpy(), [[3.0], [3.0]])


def test_reflected_operators_with_python_numbers_and_ndarrays():
    x = leaf([1.0, 2.0, 4.0])
    a = np.array([1.0, 1.0, 1.0])
    results = {
        "2 + x": (2 + x, [3, 4, 6]),
        "2 - x": (2 - x, [1, 0, -2]),
        "2 * x": (2 * x, [2, 4, 8]),
        "2 / x": (2 / x, [2, 1, 0.5]),
        "2 ** x": (2 ** x, [2, 4, 16]),
        "a + x": (a + x, [2, 3, 5]),
        "a - x": (a - x, [0, -1, -3]),
        "a * x": (a * x, [1, 2, 4]),
    }
    for label, (out, expected) in results.items():
        assert isinstance(out, minigrad.Tensor), label
        np.testing.assert_allclose(out.detach().numpy(), expected, err_msg=label)
    (2 ** x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.log(2) * 2 ** np.array([1.0, 2.0, 4.0]))


def test_pow_with_a_tensor_exponent_differentiates_both():
    x, y = leaf([2.0, 3.0]), leaf([3.0, 0.5])
    (x ** y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3 * 2.0 ** 2, 0.5 * 3.0 ** -0.5])
    np.testing.assert_allclose(y.grad.numpy(), [8 * np.log(2), np.sqrt(3) * np.log(3)])


def test_sigmoid_is_stable_for_huge_inputs():
    x = leaf([-1000.0, 0.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning either
        y = ops.sigmoid(x)
        y.sum().backward()
    np.testing.assert_array_equal(y.detach().numpy(), [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.25, 0.0])


# --- ties and kinks: exact values -------------------------------------------------------------
def test_relu_gradient_at_zero_is_zero():
    x = leaf([-1.0, 0.0, 2.0])
    ops.relu(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 1.0])


def test_abs_gradient_at_zero_is_zero():
    x = leaf([-2.0, 0.0, 3.0])
    ops.abs(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [-1.0, 0.0, 1.0])


@pytest.mark.parametrize("f", [ops.maximum, ops.minimum], ids=["maximum", "minimum"])
def test_maximum_and_minimum_split_ties_evenly(f):
    x, y = leaf([1.0, 2.0, 3.0]), leaf([2.0, 2.0, 2.0])
    f(x, y).backward(minigrad.tensor([1.0, 4.0, 1.0], dtype=np.float64))
    winner_x = [0.0, 2.0, 1.0] if f is ops.maximum else [1.0, 2.0, 0.0]
    np.testing.assert_array_equal(x.grad.numpy(), winner_x)
    np.testing.assert_array_equal(y.grad.numpy(), [1 - winner_x[0], 2.0, 1 - winner_x[2]])


def test_maximum_tie_with_a_broadcast_operand_sums_the_halves():
    x, y = leaf([1.0, 1.0, 0.0]), leaf(1.0)
    ops.maximum(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.5, 0.5, 0.0])
    assert y.grad.item() == 0.5 + 0.5 + 1.0


def test_clamp_gradient_includes_the_bounds():
    x = leaf([-2.0, -1.0, 0.0, 1.0, 2.0])
    ops.clamp(x, -1.0, 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 1.0, 1.0, 0.0])


def test_clamp_with_one_bound():
    x = leaf([-2.0, 0.0, 2.0])
    np.testing.assert_array_equal(ops.clamp(x, min=0.0).detach().numpy(), [0.0, 0.0, 2.0])
    np.testing.assert_array_equal(ops.clamp(x, max=0.0).detach().numpy(), [-2.0, 0.0, 0.0])
    x.clamp(min=0.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 1.0])
    with pytest.raises(RuntimeError, match="clamp"):  # as torch.clamp
        ops.clamp(x)


def test_clamp_with_tensor_bounds_includes_the_bounds_like_scalar_bounds():
    x, low = leaf([0.0, 1.0, 2.0]), leaf([1.0, 1.0, 1.0])
    ops.clamp(x, min=low).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 1.0])  # as PyTorch
    np.testing.assert_array_equal(low.grad.numpy(), [1.0, 0.0, 0.0])


@needs_torch
@pytest.mark.parametrize("bounds", [(-1.0, 1.0), (None, 0.0), (0.0, None)])
def test_clamp_gives_no_gradient_where_it_clamped_even_for_nan_or_inf_g(bounds):
    g = np.array([np.nan, np.inf, -np.inf, np.nan, 2.0])
    x = np.array([-2.0, 3.0, 0.5, 0.0, -0.5])
    grads = []
    for lib in (minigrad, torch):
        t = lib.tensor(x, requires_grad=True)
        t.clamp(*bounds).backward(lib.tensor(g))
        grads.append(t.grad.numpy())
    np.testing.assert_array_equal(*grads)


def test_tie_rules_are_documented_in_the_docstrings():
    prims = minigrad.autograd.primitives()
    for name in ("maximum", "minimum"):
        assert "at a tie each gets g / 2" in prims[name].__doc__
        assert "split evenly" in getattr(ops, name).__doc__
    assert "0 at x = 0" in prims["relu"].__doc__
    assert "0 at x = 0" in prims["abs"].__doc__
    assert "bounds included" in prims["clamp"].__doc__


# --- where, comparisons, casts ---------------------------------------------------------------
def test_where_routes_the_gradient_by_the_condition():
    cond = minigrad.tensor([True, False, True])
    x, y = leaf([1.0, 2.0, 3.0]), leaf([10.0, 20.0, 30.0])
    out = ops.where(cond, x, y)
    np.testing.assert_array_equal(out.detach().numpy(), [1.0, 20.0, 3.0])
    out.backward(minigrad.tensor([1.0, 2.0, 3.0], dtype=np.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.0, 3.0])
    np.testing.assert_array_equal(y.grad.numpy(), [0.0, 2.0, 0.0])


def test_where_broadcasts_and_accepts_numbers():
    x = leaf([[1.0], [-2.0]])
    out = ops.where(x > 0, x, 0.0)
    assert out.shape == (2, 1)
    out = ops.where(minigrad.tensor([True, False, True]), x, 7.0)
    assert out.shape == (2, 3)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[2.0], [2.0]])


def test_where_needs_a_bool_condition():
    with pytest.raises(RuntimeError, match="where.*boolean.*int64"):  # as torch.where
        ops.where(minigrad.tensor([1, 0]), leaf([1.0, 2.0]), 0.0)


WHERE_FORMS = {
    "condition alone": lambda L: L.where(L.tensor([[True, False], [True, True]])),
    "int condition alone": lambda L: L.where(L.tensor([[1, 0], [2, 0]])),
    "0-d condition alone": lambda L: L.where(L.tensor(True)),
    "condition and input only": lambda L: L.where(L.tensor([True]), L.ones(1)),
    "Tensor.where": lambda L: L.ones(2).where(L.tensor([True, False]), L.zeros(2)),
    "Tensor.where with a number": lambda L: L.ones(2).where(L.tensor([True, False]), 5),
}


@needs_torch
@pytest.mark.parametrize("name", sorted(WHERE_FORMS))
def test_where_forms_as_pytorch(name):
    from differential import compare
    compare(WHERE_FORMS[name], name)


@pytest.mark.parametrize("op, reference", [
    (lambda a, b: a == b, np.equal), (lambda a, b: a != b, np.not_equal),
    (lambda a, b: a < b, np.less), (lambda a, b: a <= b, np.less_equal),
    (lambda a, b: a > b, np.greater), (lambda a, b: a >= b, np.greater_equal)])
def test_comparisons_return_bool_tensors_without_grad(op, reference):
    x = leaf([[1.0, 2.0, 3.0]])
    y = leaf([[2.0], [1.0]])
    out = op(x, y)
    assert out.dtype == np.bool_ and not out.requires_grad and out.grad_fn is None
    np.testing.assert_array_equal(out.detach().numpy(), reference(x.detach().numpy(), y.detach().numpy()))
    assert op(x, 2.0).shape == (1, 3)


def test_logical_operators():
    a, b = minigrad.tensor([True, True, False]), minigrad.tensor([True, False, False])
    np.testing.assert_array_equal((a & b).numpy(), [True, False, False])
    np.testing.assert_array_equal((a | b).numpy(), [True, True, False])
    np.testing.assert_array_equal((~a).numpy(), [False, False, True])


def test_cast_back_propagates_in_the_source_dtype():
    x = leaf([1.0, 2.0], dtype=np.float32)
    y = x.double()
    assert y.dtype == np.float64
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_cast_to_an_integer_dtype_is_not_differentiable():
    x = leaf([1.5, 2.5])
    n = x.long()
    assert n.dtype == np.int64 and not n.requires_grad
    np.testing.assert_array_equal(n.numpy(), [1, 2])


def test_clone_copies_and_passes_the_gradient():
    x = leaf([1.0, 2.0])
    y = x.clone()
    assert not np.shares_memory(y.detach().numpy(), x.detach().numpy())
    (3 * y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


# --- dtypes ----------------------------------------------------------------------------------
FLOAT32_OPS = {
    "x * 2.5": lambda t: t * 2.5, "x / 3": lambda t: t / 3, "2 - x": lambda t: 2 - t,
    "x ** 2": lambda t: t ** 2, "2 ** x": lambda t: 2 ** t, "exp": ops.exp,
    "sigmoid": ops.sigmoid, "tanh": ops.tanh, "relu": ops.relu, "abs": ops.abs,
    "clamp": lambda t: t.clamp(0.1, 0.2), "maximum 0.5": lambda t: ops.maximum(t, minigrad.tensor(0.5)),
    "where": lambda t: ops.where(t > 0.5, t, 0.0), "sqrt": ops.sqrt, "log": ops.log,
}


@pytest.mark.parametrize("name", sorted(FLOAT32_OPS))
def test_float32_stays_float32_forward_and_backward(name):
    x = leaf([0.25, 0.5, 0.75], dtype=np.float32)
    y = FLOAT32_OPS[name](x)
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


def test_mixing_integer_and_float32_tensors_gives_float32():
    ints, floats = minigrad.arange(3), minigrad.ones(3)
    assert (ints * floats).dtype == np.float32
    assert (ints + 0.5).dtype == np.float32
    assert (ints / 2).dtype == np.float32


# --- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(BINARY))
def test_broadcast_mismatch_names_the_op_and_the_shapes(name):
    f, _ = BINARY[name]
    with pytest.raises(RuntimeError, match=rf"{name}: shapes \(3, 4\) and \(5,\) cannot be "
                                         "broadcast together"):
        f(minigrad.ones(3, 4), minigrad.ones(5))


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        minigrad.tensor([1, 2, 3], requires_grad=True)


# --- the remaining gradients, by finite differences ------------------------------------------
def test_reflected_and_scalar_forms_pass_gradcheck():
    x = leaf([0.5, 1.5, 2.5])
    for f in (lambda t: 2 - t, lambda t: 3 / t, lambda t: 1.5 ** t, lambda t: t ** -1.5,
              lambda t: -t * 2 + 1):
        assert gradcheck(f, [x])


# --- PyTorch as an oracle --------------------------------------------------------------------
TORCH_UNARY = {
    "neg": (ops.neg, lambda t: -t, (-3, 3)), "exp": (ops.exp, lambda t: t.exp(), (-3, 3)),
    "log": (ops.log, lambda t: t.log(), (0.1, 5)), "sqrt": (ops.sqrt, lambda t: t.sqrt(), (0.1, 5)),
    "sin": (ops.sin, lambda t: t.sin(), (-3, 3)), "cos": (ops.cos, lambda t: t.cos(), (-3, 3)),
    "tanh": (ops.tanh, lambda t: t.tanh(), (-3, 3)),
    "sigmoid": (ops.sigmoid, lambda t: t.sigmoid(), (-30, 30)),
    "relu": (ops.relu, lambda t: t.relu(), (-3, 3)),
    "abs": (ops.abs, lambda t: t.abs(), (-3, 3)),
    "clamp": (lambda t: ops.clamp(t, -0.5, 1.0), lambda t: t.clamp(-0.5, 1.0), (-3, 3)),
    "x ** 3": (lambda t: t ** 3, lambda t: t ** 3, (-3, 3)),
}


@needs_torch
@pytest.mark.parametrize("name", sorted(TORCH_UNARY))
@given(data=st.data())
def test_unary_ops_match_torch(name, data):
    mine, theirs, (lo, hi) = TORCH_UNARY[name]
    a = data.draw(arrays(shapes(), elements=st.floats(lo, hi)))
    against_torch(mine, theirs, a)


@needs_torch
@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_ops_match_torch(name, data):
    mine, _ = BINARY[name]
    theirs = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
              "pow": torch.pow, "maximum": torch.maximum, "minimum": torch.minimum}[name]
    sx, sy = data.draw(broadcastable_shapes(2))
    x = data.draw(arrays(sx, elements=st.floats(0.5, 3)))
    y = data.draw(arrays(sy, elements=st.floats(-2, 2).filter(lambda v: abs(v) > 0.1)))
    against_torch(mine, theirs, x, y)


@needs_torch
@given(data=st.data())
def test_where_matches_torch(data):
    sc, sx, sy = data.draw(broadcastable_shapes(3))
    cond = data.draw(arrays(sc, np.bool_, elements=st.booleans()))
    x, y = data.draw(arrays(sx)), data.draw(arrays(sy))
    against_torch(lambda a, b: ops.where(cond, a, b),
                  lambda a, b: torch.where(torch.tensor(cond), a, b), x, y)


@needs_torch
def test_ties_match_torch():
    x = np.array([3.0, 1.0, 3.0])
    against_torch(lambda t: ops.maximum(t, minigrad.tensor(3.0, dtype=np.float64)),
                  lambda t: torch.maximum(t, torch.tensor(3.0, dtype=torch.float64)), x)
    against_torch(lambda t: ops.relu(t - 3), lambda t: torch.relu(t - 3), x)
    against_torch(lambda t: ops.abs(t - 3), lambda t: torch.abs(t - 3), x)
    against_torch(lambda t: ops.clamp(t, 1.0, 3.0), lambda t: torch.clamp(t, 1.0, 3.0), x)


@pytest.mark.parametrize("create_graph", [False, True])
def test_relu_gradient_at_nan_outputs_and_non_finite_gradients_is_pytorchs(create_graph):
    # PyTorch zeroes g where the output is <= 0 (even an inf or NaN g) and passes g on
    # elsewhere, a NaN output included.
    x = minigrad.tensor([float("nan"), -1.0, 0.0, 2.0], requires_grad=True)
    g = minigrad.tensor([1.0, float("inf"), float("nan"), 3.0])
    gx, = minigrad.autograd.grad(x.relu(), x, g, create_graph=create_graph)
    np.testing.assert_array_equal(gx.detach().numpy(), [1.0, 0.0, 0.0, 3.0])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_zero_where_is_np_where_bit_for_bit(dtype):
    from minigrad.ops._util import zero_where
    rng = np.random.default_rng(0)
    values = rng.standard_normal((3, 5)).astype(dtype)
    values[0, :3] = [np.nan, np.inf, -0.0]
    mask = rng.random((3, 5)) < 0.5
    expected = np.where(mask, dtype(0), values)
    got = zero_where(values, mask)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.view(f"u{got.itemsize}"),
                                  expected.view(f"u{got.itemsize}"))
    expanded = np.broadcast_to(values[:1], (3, 5))  # a gradient may be an expanded view
    np.testing.assert_array_equal(zero_where(expanded, mask), np.where(mask, 0, expanded))
