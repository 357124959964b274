"""minigrad/ops/inplace.py: add_, sub_, mul_, div_, zero_, fill_, copy_, clamp_ and item
assignment, and the guards that keep saved values honest (version counter, read-only
saved arrays)."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad

from ops_oracle import leaf, needs_torch, torch


def plain(values):
    return minigrad.tensor(np.asarray(values, dtype=np.float64))


# --- values ----------------------------------------------------------------------------------
@pytest.mark.parametrize("method, args, expected", [
    ("add_", (plain([1.0, 1.0, 1.0]),), [2.0, 3.0, 4.0]),
    ("sub_", (0.5,), [0.5, 1.5, 2.5]),
    ("mul_", (plain([2.0, 0.0, -1.0]),), [2.0, 0.0, -3.0]),
    ("div_", (2.0,), [0.5, 1.0, 1.5]),
    ("clamp_", (1.5, 2.5), [1.5, 2.0, 2.5]),
    ("fill_", (7.0,), [7.0, 7.0, 7.0]),
    ("zero_", (), [0.0, 0.0, 0.0]),
    ("copy_", (plain([9.0, 8.0, 7.0]),), [9.0, 8.0, 7.0]),
])
def test_inplace_methods_write_into_the_tensor_and_return_it(method, args, expected):
    x = plain([1.0, 2.0, 3.0])
    array = x.numpy()
    out = getattr(x, method)(*args)
    assert out is x
    np.testing.assert_array_equal(x.numpy(), expected)
    assert x.numpy() is array or np.shares_memory(x.numpy(), array)  # really in place


def test_alpha_and_augmented_assignment():
    x = plain([1.0, 2.0])
    x.add_(plain([1.0, 1.0]), alpha=3)
    np.testing.assert_array_equal(x.numpy(), [4.0, 5.0])
    x.sub_(1.0, alpha=2)
    np.testing.assert_array_equal(x.numpy(), [2.0, 3.0])
    y = x
    x += 1.0
    x *= 2.0
    x -= 1.0
    x /= 3.0
    assert y is x
    np.testing.assert_allclose(x.numpy(), [5.0 / 3.0, 7.0 / 3.0])


def test_inplace_broadcasts_the_other_operand_but_not_self():
    x = plain(np.zeros((2, 3)))
    x.add_(plain([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x.numpy(), [[1, 2, 3], [1, 2, 3]])
    with pytest.raises(RuntimeError, match=r"add_: output with shape \[3\] doesn't match the "
                                           r"broadcast shape \[2, 3\]"):
        plain([1.0, 2.0, 3.0]).add_(plain(np.zeros((2, 3))))


def test_item_assignment():
    x = plain(np.zeros((2, 3)))
    x[0] = 1.0
    x[1, [0, 2]] = plain([5.0, 6.0])
    x[x > 5.5] = -1.0
    np.testing.assert_array_equal(x.numpy(), [[1, 1, 1], [5, 0, -1]])
    with pytest.raises(RuntimeError, match="setitem"):
        x[0] = plain([1.0, 2.0])


def test_float32_stays_float32_in_place():
    x = minigrad.ones(3)
    x.add_(np.ones(3))  # a float64 ndarray must not turn x into float64
    x.mul_(2.5)
    x[0] = 1.0
    assert x.dtype == np.float32


def test_inplace_on_an_expanded_tensor_raises_as_in_pytorch():
    torch = pytest.importorskip("torch")
    for lib in (minigrad, torch):
        view = lib.tensor([1.0, 2.0]).expand(3, 2)
        with pytest.raises(RuntimeError, match="more than one element of the written-to"):
            view.add_(1.0)


# --- leaves ----------------------------------------------------------------------------------
@pytest.mark.parametrize("update", [
    lambda p: p.add_(1.0), lambda p: p.mul_(2.0), lambda p: p.zero_(),
    lambda p: p.__setitem__(0, 5.0), lambda p: p.copy_(plain([1.0, 1.0]))],
    ids=["add_", "mul_", "zero_", "setitem", "copy_"])
def test_a_leaf_that_requires_grad_cannot_change_in_place_in_grad_mode(update):
    p = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        update(p)
    with minigrad.no_grad():  # what optimizers do
        update(p)
    assert p.is_leaf and p.requires_grad and p.grad_fn is None


def test_an_optimizer_style_update_under_no_grad():
    p = leaf([1.0, 2.0])
    (p * p).sum().backward()
    with minigrad.no_grad():
        p.sub_(p.grad, alpha=0.5)
    np.testing.assert_array_equal(p.detach().numpy(), [0.0, 0.0])
    assert p.grad_fn is None


# --- non-leaves in grad mode -----------------------------------------------------------------
INPLACE_ON_NON_LEAF = {
    # name: (update y in place given x and z, and the exact gradients of sum(y * y))
    "add_": (lambda y, x, z: y.add_(z), [12.0, 16.0, 20.0], [12.0, 16.0, 20.0]),
    "sub_ alpha": (lambda y, x, z: y.sub_(x, alpha=2), [2.0, 4.0, 6.0], None),
    "copy_": (lambda y, x, z: y.copy_(z), [0.0, 0.0, 0.0], [10.0, 12.0, 14.0]),
    "fill_": (lambda y, x, z: y.fill_(2.0), [0.0, 0.0, 0.0], None),
    "zero_": (lambda y, x, z: y.zero_(), [0.0, 0.0, 0.0], None),
    "setitem": (lambda y, x, z: y.__setitem__(1, z[0]), [2.0, 0.0, 6.0], [10.0, 0.0, 0.0]),
    "mul_": (lambda y, x, z: y.mul_(z), [50.0, 144.0, 294.0], [10.0, 48.0, 126.0]),
    "mul_ number": (lambda y, x, z: y.mul_(3.0), [18.0, 36.0, 54.0], None),
    "div_": (lambda y, x, z: y.div_(2.0), [0.5, 1.0, 1.5], None),
    "clamp_": (lambda y, x, z: y.clamp_(1.5, 2.5), [0.0, 4.0, 0.0], None),
}
@pytest.mark.parametrize("name", sorted(INPLACE_ON_NON_LEAF))
def test_inplace_on_a_non_leaf_gives_correct_gradients(name):
    update, grad_x, grad_z = INPLACE_ON_NON_LEAF[name]
    x, z = leaf([1.0, 2.0, 3.0]), leaf([5.0, 6.0, 7.0])
    y = x * 1
    update(y, x, z)
    (y * y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), grad_x)
    if grad_z is None:
        assert z.grad is None
    else:
        np.testing.assert_allclose(z.grad.numpy(), grad_z)


@needs_torch
@pytest.mark.parametrize("name", sorted(INPLACE_ON_NON_LEAF))
def test_the_expected_inplace_gradients_are_pytorchs(name):
    # The hand-written expectations above, checked against PyTorch.
    update, grad_x, grad_z = INPLACE_ON_NON_LEAF[name]
    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    z = torch.tensor([5.0, 6.0, 7.0], dtype=torch.float64, requires_grad=True)
    y = x * 1
    update(y, x, z)
    (y * y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), grad_x)
    assert (z.grad is None) == (grad_z is None)
    if grad_z is not None:
        np.testing.assert_allclose(z.grad.numpy(), grad_z)


def test_inplace_on_a_constant_with_a_grad_requiring_operand_joins_the_graph():
    w = leaf([1.0, 2.0])
    buffer = plain([0.0, 0.0])
    buffer.add_(w * 3)
    assert buffer.requires_grad and not buffer.is_leaf
    buffer.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [3.0, 3.0])


# --- saved values are protected --------------------------------------------------------------
def test_modifying_a_saved_tensor_under_no_grad_is_detected_at_backward():
    x = leaf([1.0, 2.0])
    y = x * 1
    z = y * y  # mul saves y
    with minigrad.no_grad():
        y.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_modifying_a_saved_output_is_detected_at_backward():
    x = leaf([0.0, 1.0])
    y = x.exp()  # exp saves its output
    with minigrad.no_grad():
        y.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_data_is_a_tensor_sharing_memory_outside_the_graph_as_in_pytorch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * x  # saves x
        data = x.data
        assert isinstance(data, lib.Tensor) and not data.requires_grad
        data[0] = 5.0  # not tracked: backward uses the changed value, as PyTorch does
        y.sum().backward()
        results.append((x.detach().numpy().copy(), x.grad.numpy().copy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])


def test_assigning_data_swaps_the_array_without_tracking_as_in_pytorch():
    torch = pytest.importorskip("torch")
    grads = []
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * x
        x.data = lib.tensor([3.0, 4.0])
        y.sum().backward()
        grads.append(x.grad.numpy().copy())
    np.testing.assert_array_equal(grads[0], grads[1])


def test_unrelated_inplace_changes_do_not_trip_the_check():
    x = leaf([1.0, 2.0])
    y = x * 1
    w = y + 1  # add saves nothing
    with minigrad.no_grad():
        y.add_(1.0)
    w.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


# --- dtypes: copies convert, arithmetic refuses a downcast (against PyTorch) ------------------
def _filled(L, method, *args):
    x = L.zeros(3, dtype=L.int64)
    getattr(x, method)(*args)
    return x


DTYPE_PROGRAMS = {
    "fill_ float into int": lambda L: _filled(L, "fill_", 2.7),
    "fill_ negative float into int": lambda L: _filled(L, "fill_", -3.9),
    "fill_ 0-d float64 tensor into float32": lambda L: L.zeros(3).fill_(
        L.tensor(2.5, dtype=L.float64)),
    "fill_ int into bool": lambda L: L.zeros(2, dtype=L.tensor([True]).dtype).fill_(2),
    "fill_ 1-d tensor": lambda L: L.zeros(3).fill_(L.tensor([2.0])),
    "fill_ a list": lambda L: L.zeros(3).fill_([2.0]),
    "copy_ float into int": lambda L: _filled(L, "copy_", L.tensor([1.7, -2.5, 3.9])),
    "copy_ float64 into int32": lambda L: L.zeros(3, dtype=L.int32).copy_(
        L.tensor([1.5, -2.5, 3.9], dtype=L.float64)),
    "copy_ float into bool": lambda L: L.tensor([True, True, False]).copy_(
        L.tensor([0.5, 0.0, 2.0])),
    "copy_ bool into float": lambda L: L.zeros(3).copy_(L.tensor([True, False, True])),
    "copy_ a number": lambda L: L.zeros(3).copy_(1.5),
    "copy_ an ndarray": lambda L: L.zeros(3).copy_(np.ones(3)),
    "copy_ of a float into an int view": lambda L: L.arange(6).reshape(2, 3)[:, 1].fill_(2.5),
    "copy_ a float that requires grad into int": lambda L: _filled(
        L, "copy_", L.ones(3, requires_grad=True) * 2.7),
    "add_ a float that requires grad to int": lambda L: _filled(
        L, "add_", L.ones(3, requires_grad=True)),
}


@needs_torch
@pytest.mark.parametrize("name", sorted(DTYPE_PROGRAMS))
def test_copies_convert_the_dtype_and_arithmetic_refuses_a_downcast(name):
    from differential import compare
    compare(DTYPE_PROGRAMS[name], name)


@needs_torch
def test_fill_and_copy_gradients_in_another_dtype_are_pytorchs():
    def program(L):
        value = L.tensor(2.0, requires_grad=True)
        src = L.tensor([1.0, 2.0, 3.0], dtype=L.float64, requires_grad=True)
        a, b = L.zeros(3) * 1, L.zeros(3) * 1
        a.fill_(value)
        b.copy_(src)
        (a * b * b).sum().backward()
        return a, b, value.grad, src.grad

    from differential import compare
    compare(program, "fill_ and copy_ with gradients")


def _augmented(L, op, start, other):
    x = L.tensor(start)
    alias = x
    exec(f"x {op}= other")  # noqa: S102  (the operator is the test's parameter)
    return alias  # PyTorch's augmented assignments write into x: the alias sees them


AUGMENTED = {
    "//= int": lambda L: _augmented(L, "//", [7, -7, 3], 2),
    "%= int": lambda L: _augmented(L, "%", [7, -7, 3], 2),
    "**= float": lambda L: _augmented(L, "**", [3.0, 2.0], 2),
    "**= tensor": lambda L: _augmented(L, "**", [3.0, 2.0], L.tensor([1.0, 2.0])),
    "&= int": lambda L: _augmented(L, "&", [3, 6], 2),
    "|= int": lambda L: _augmented(L, "|", [1, 4], 2),
    "^= int": lambda L: _augmented(L, "^", [1, 3], 3),
    "|= bool": lambda L: _augmented(L, "|", [True, False], L.tensor([False, True])),
    "**= 0.5 into int": lambda L: _augmented(L, "**", [4, 9], 0.5),
    "//= 2.5 into int": lambda L: _augmented(L, "//", [4, 9], 2.5),
    "&= into float": lambda L: _augmented(L, "&", [4.0], 1),
    "div_ floor": lambda L: L.tensor([7, -7]).div_(2, rounding_mode="floor"),
    "div_ trunc": lambda L: L.tensor([7.0, -7.0]).div_(2, rounding_mode="trunc"),
    "div_ of ints": lambda L: L.tensor([7, -7]).div_(2),
}


@needs_torch
@pytest.mark.parametrize("name", sorted(AUGMENTED))
def test_augmented_assignments_write_in_place_as_pytorch(name):
    from differential import compare
    compare(AUGMENTED[name], name)


@needs_torch
def test_augmented_power_and_remainder_in_the_graph():
    def program(L):
        x = L.tensor([3.0, 5.0], requires_grad=True)
        y = x * 1
        y **= 2
        z = x * 1
        z %= 2
        (y + z).sum().backward()
        return y, z, x.grad

    from differential import compare
    compare(program)


# --- out= (the Tensors tutorial: torch.matmul(a, b, out=c), torch.mul(a, b, out=c)) ----------
def _into(L, call, out):
    result = call(L, out)
    return result, out, result is out


OUT_PROGRAMS = {
    "matmul": lambda L: _into(L, lambda L, o: L.matmul(L.ones(2, 3), L.ones(3, 2), out=o),
                              L.zeros(2, 2)),
    "mul": lambda L: _into(L, lambda L, o: L.mul(L.ones(2), 3.0, out=o), L.zeros(2)),
    "add with alpha into float64": lambda L: _into(
        L, lambda L, o: L.add(L.ones(2), 1, alpha=2, out=o), L.zeros(2, dtype=L.float64)),
    "sub": lambda L: _into(L, lambda L, o: L.sub(L.ones(2), L.ones(2), out=o), L.zeros(2)),
    "div floor": lambda L: _into(
        L, lambda L, o: L.div(L.tensor([7, -7]), 2, rounding_mode="floor", out=o),
        L.zeros(2, dtype=L.int64)),
    "mm": lambda L: _into(L, lambda L, o: L.mm(L.ones(2, 3), L.ones(3, 1), out=o),
                          L.zeros(2, 1)),
    "an empty out takes the shape": lambda L: _into(
        L, lambda L, o: L.mul(L.ones(2, 2), 2.0, out=o), L.zeros(0)),
    "float result into an int out": lambda L: _into(
        L, lambda L, o: L.mul(L.ones(2), 2.5, out=o), L.zeros(2, dtype=L.int64)),
    "an input that requires grad": lambda L: _into(
        L, lambda L, o: L.mul(L.ones(2, requires_grad=True), 2.0, out=o), L.zeros(2)),
    "an out that requires grad": lambda L: _into(
        L, lambda L, o: L.mul(L.ones(2), 2.0, out=o), L.zeros(2, requires_grad=True)),
    "a list as out": lambda L: _into(L, lambda L, o: L.mul(L.ones(2), 2.0, out=o), [1.0]),
}


@needs_torch
@pytest.mark.parametrize("name", sorted(OUT_PROGRAMS))
def test_out_arguments_as_pytorch(name):
    from differential import compare
    compare(OUT_PROGRAMS[name], name)


@needs_torch
def test_out_under_no_grad_and_a_resized_out_warns():
    def program(L):
        x = L.ones(2, requires_grad=True)
        out = L.zeros(3)
        with L.no_grad(), pytest.warns(UserWarning, match="resized"):
            L.mul(x, x, out=out)
        return out

    from differential import compare
    compare(program)


@pytest.mark.parametrize("index, expected", [
    ((Ellipsis, 0), IndexError),            # a basic index: PyTorch makes the view first
    ((0, 5), IndexError),
    (([0], [5]), RuntimeError),             # advanced (index_put_): the leaf check first
    ((Ellipsis, [0]), RuntimeError),
])
def test_setitem_on_a_leaf_checks_index_and_leaf_in_torchs_order(index, expected):
    torch = pytest.importorskip("torch")
    for lib in (minigrad, torch):
        leaf = lib.zeros(1, 0, requires_grad=True) if index[0] is Ellipsis and index[1] == 0 \
            else lib.zeros(2, 3, requires_grad=True)
        with pytest.raises(expected):
            leaf[index] = 1.0
