"""minigrad/ops/movement.py: reshape/view/flatten, permute/transpose/.T, squeeze/unsqueeze,
expand/broadcast_to, cat/stack/split/chunk/narrow and constant pad."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad import ops
from minigrad.testing import gradcheck, gradgradcheck
from minigrad.testing.strategies import arrays, shapes

from ops_oracle import against_torch, leaf, needs_torch, torch


def _grid(*shape: int) -> np.ndarray:
    return np.arange(float(np.prod(shape))).reshape(shape)


# --- reshape family --------------------------------------------------------------------------
def test_reshape_and_view_accept_sizes_tuples_and_minus_one():
    x = minigrad.tensor(_grid(2, 3, 4))
    assert x.reshape(6, 4).shape == (6, 4)
    assert x.reshape((4, -1)).shape == (4, 6)
    assert x.view(-1).shape == (24,)
    np.testing.assert_array_equal(x.reshape(4, 6).numpy(), _grid(2, 3, 4).reshape(4, 6))


@pytest.mark.parametrize("shape", [(5, 2), (-1, 5), (-1, -1), (7,), (-2, -6)])
def test_reshape_to_an_invalid_size_names_the_shape_and_size(shape):
    with pytest.raises(RuntimeError, match=r"reshape: shape \[.*\] is invalid for input of size 12"):
        minigrad.ones(3, 4).reshape(*shape)


def test_flatten():
    x = minigrad.tensor(_grid(2, 3, 4, 5))
    assert x.flatten().shape == (120,)
    assert x.flatten(1).shape == (2, 60)
    assert x.flatten(1, 2).shape == (2, 12, 5)
    assert x.flatten(-2).shape == (2, 3, 20)
    assert minigrad.tensor(3.0).flatten().shape == (1,)
    with pytest.raises(RuntimeError, match="flatten"):
        x.flatten(2, 1)


def test_squeeze_and_unsqueeze():
    x = minigrad.ones(1, 3, 1, 2)
    assert x.squeeze().shape == (3, 2)
    assert x.squeeze(0).shape == (3, 1, 2)
    assert x.squeeze(1).shape == (1, 3, 1, 2)  # size 3: left alone, as in PyTorch
    assert x.squeeze((0, 2)).shape == (3, 2)
    assert x.unsqueeze(0).shape == (1, 1, 3, 1, 2)
    assert x.unsqueeze(-1).shape == (1, 3, 1, 2, 1)
    with pytest.raises(IndexError, match="unsqueeze: dimension out of range"):
        x.unsqueeze(6)


def test_permute_transpose_and_T_match_numpy():
    a = _grid(2, 3, 4)
    x = minigrad.tensor(a)
    np.testing.assert_array_equal(x.permute(2, 0, 1).numpy(), a.transpose(2, 0, 1))
    np.testing.assert_array_equal(x.permute((1, 0, 2)).numpy(), a.transpose(1, 0, 2))
    np.testing.assert_array_equal(x.transpose(0, 2).numpy(), a.swapaxes(0, 2))
    np.testing.assert_array_equal(x.T.numpy(), a.T)
    np.testing.assert_array_equal(x.mT.numpy(), a.swapaxes(-1, -2))
    with pytest.raises(RuntimeError, match="permute"):
        x.permute(0, 0, 1)
    with pytest.raises(IndexError, match="transpose: dimension out of range"):
        x.transpose(0, 3)


def test_expand_and_broadcast_to():
    x = leaf([[1.0], [2.0]])
    y = x.expand(3, 2, 4)
    assert y.shape == (3, 2, 4)
    np.testing.assert_array_equal(y.detach().numpy()[2, 1], [2.0] * 4)
    assert x.expand(-1, 5).shape == (2, 5)
    assert x.broadcast_to((2, 2)).shape == (2, 2)
    assert x.expand_as(minigrad.ones(2, 7)).shape == (2, 7)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[12.0], [12.0]])
    with pytest.raises(RuntimeError, match=r"expand: the expanded size \[3, 4\] does not fit"):
        x.expand(3, 4)
    with pytest.raises(RuntimeError, match="expand"):
        x.expand(4)


# --- joining and splitting -------------------------------------------------------------------
def test_cat_and_stack_match_numpy():
    a, b = _grid(2, 3), _grid(2, 3) + 10
    np.testing.assert_array_equal(ops.cat([minigrad.tensor(a), minigrad.tensor(b)], 1).numpy(),
                                  np.concatenate([a, b], 1))
    np.testing.assert_array_equal(ops.stack([minigrad.tensor(a), minigrad.tensor(b)], -1).numpy(),
                                  np.stack([a, b], -1))


def test_cat_gradient_goes_back_to_each_piece():
    x, y = leaf([[1.0, 2.0]]), leaf([[3.0, 4.0], [5.0, 6.0]])
    out = ops.cat([x, y], 0)
    out.backward(minigrad.tensor(_grid(3, 2)))
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 1.0]])
    np.testing.assert_array_equal(y.grad.numpy(), [[2.0, 3.0], [4.0, 5.0]])


def test_cat_of_a_constant_and_a_leaf():
    x = leaf([1.0, 2.0])
    out = ops.cat([minigrad.tensor([0.0], dtype=np.float64), x, x])
    (out * minigrad.tensor(_grid(5))).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0 + 3.0, 2.0 + 4.0])


def test_cat_and_stack_errors_name_the_shapes():
    with pytest.raises(RuntimeError, match=r"cat: sizes of tensors must match except in "
                                           r"dimension 0.*\(3, 4\).*\(3, 5\)"):
        ops.cat([minigrad.ones(3, 4), minigrad.ones(3, 5)], 0)
    with pytest.raises(RuntimeError, match="cat"):
        ops.cat([minigrad.ones(3, 4), minigrad.ones(3)], 0)
    with pytest.raises(ValueError, match="cat"):  # as torch.cat
        ops.cat([], 0)
    with pytest.raises(IndexError, match="cat: dimension out of range"):
        ops.cat([minigrad.ones(3, 4)], 2)
    with pytest.raises(RuntimeError, match=r"stack.*\(3,\).*\(4,\)"):
        ops.stack([minigrad.ones(3), minigrad.ones(4)])


def test_split_and_chunk_sizes_match_pytorch_rules():
    x = minigrad.tensor(_grid(7, 2))
    assert [p.shape[0] for p in x.split(3)] == [3, 3, 1]
    assert [p.shape[0] for p in x.split([2, 5])] == [2, 5]
    assert [p.shape[0] for p in x.chunk(3)] == [3, 3, 1]
    assert [p.shape[0] for p in minigrad.ones(6).chunk(4)] == [2, 2, 2]
    assert [p.shape[1] for p in x.split(1, dim=1)] == [1, 1]
    np.testing.assert_array_equal(ops.cat(list(x.split(3)), 0).numpy(), _grid(7, 2))
    with pytest.raises(RuntimeError, match="split"):
        x.split([2, 2])
    with pytest.raises(RuntimeError, match="chunk"):
        x.chunk(0)


def test_narrow():
    x = leaf(_grid(3, 4))
    y = ops.narrow(x, 1, 1, 2)
    np.testing.assert_array_equal(y.detach().numpy(), _grid(3, 4)[:, 1:3])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 1, 0]] * 3)
    with pytest.raises(RuntimeError, match=r"narrow: start \(2\) \+ length \(2\) exceeds"):
        ops.narrow(x, 0, 2, 2)  # PyTorch: a RuntimeError; a start out of range: IndexError


NARROW_AND_CAT = {
    # PyTorch wraps a negative start; start in [-n, n], length >= 0, and both fit
    "narrow negative start": lambda L: L.arange(10.0).narrow(0, -3, 2),
    "narrow start -n": lambda L: L.arange(10.0).narrow(0, -10, 2),
    "narrow start n, length 0": lambda L: L.arange(10.0).narrow(0, 10, 0),
    "narrow 0-d tensor start": lambda L: L.arange(10.0).narrow(-1, L.tensor(-2), 1),
    "narrow start below -n": lambda L: L.arange(10.0).narrow(0, -11, 2),
    "narrow start above n": lambda L: L.arange(10.0).narrow(0, 11, 0),
    "narrow past the end": lambda L: L.arange(10.0).narrow(0, 8, 3),
    "narrow negative length": lambda L: L.arange(10.0).narrow(0, 2, -1),
    "narrow float start": lambda L: L.arange(10.0).narrow(0, 2.0, 1),
    "narrow of a 0-d tensor": lambda L: L.tensor(1.0).narrow(0, 0, 1),
    # an empty 1-d tensor is skipped beside tensors of any shape (PyTorch's legacy rule)
    "cat skips an empty 1-d tensor": lambda L: L.cat([L.ones(2, 3), L.zeros(0)]),
    "cat skips it first, along dim 1": lambda L: L.cat([L.zeros(0), L.ones(2, 3)], 1),
    "cat still promotes with it": lambda L: L.cat([L.zeros(0, dtype=L.float64),
                                                   L.ones(2, 3)]),
    "cat of empty 1-d tensors only": lambda L: L.cat([L.zeros(0), L.zeros(0)]),
    "cat of an empty 1-d and an empty 2-d": lambda L: L.cat([L.zeros(0), L.zeros(0, 2)]),
    "cat checks the dim against the others": lambda L: L.cat([L.ones(2, 3), L.zeros(0)], 5),
    "cat names a 0-d tensor at position 1": lambda L: L.cat([L.zeros(0), L.tensor(1.0)]),
    "cat (1, 0) is not skipped": lambda L: L.cat([L.zeros(1, 0), L.zeros(2, 2)]),
    # an empty dim: split gives one empty piece, chunk gives `chunks` of them
    "split of an empty dim": lambda L: L.zeros(0, 3).split(2),
    "chunk of an empty dim": lambda L: L.zeros(0, 3).chunk(3),
    "chunk of an empty dim 1": lambda L: L.zeros(2, 0).chunk(4, 1),
    "split of an empty dim by sizes": lambda L: L.zeros(0, 3).split([0, 0]),
    "chunk(5) of 3": lambda L: L.zeros(3).chunk(5),
}


@needs_torch
@pytest.mark.parametrize("name", sorted(NARROW_AND_CAT))
def test_narrow_and_cat_arguments_as_pytorch(name):
    from differential import compare
    compare(NARROW_AND_CAT[name], name)


@needs_torch
def test_cat_gives_a_skipped_empty_tensor_an_empty_gradient():
    def program(L):
        empty = L.zeros(0, dtype=L.float64, requires_grad=True)
        x = L.ones(2, 3, dtype=L.float64, requires_grad=True)
        out = L.cat([x, empty, x * 2])
        (out * out).sum().backward()
        return out, x.grad, empty.grad

    from differential import compare
    compare(program)


# --- pad -------------------------------------------------------------------------------------
def test_pad_uses_pytorch_argument_order():
    x = minigrad.tensor(_grid(2, 3))
    out = ops.pad(x, (1, 2))  # last dim: 1 left, 2 right
    assert out.shape == (2, 6)
    out = ops.pad(x, (1, 0, 0, 2), value=-1.0)  # last dim (1, 0), then first dim (0, 2)
    expected = np.pad(_grid(2, 3), ((0, 2), (1, 0)), constant_values=-1.0)
    np.testing.assert_array_equal(out.numpy(), expected)


def test_pad_gradient_is_the_centre():
    x = leaf(_grid(2, 2))
    out = ops.pad(x, (1, 1, 1, 1), value=5.0)
    out.backward(minigrad.tensor(_grid(4, 4)))
    np.testing.assert_array_equal(x.grad.numpy(), [[5.0, 6.0], [9.0, 10.0]])


def test_pad_errors():
    x = minigrad.ones(2, 3)
    with pytest.raises(ValueError, match="pad"):
        ops.pad(x, (1,))
    with pytest.raises(ValueError, match="pad"):
        ops.pad(x, (1, 1, 1, 1, 1, 1))
    with pytest.raises(ValueError, match="pad"):
        ops.pad(x, (-1, 1))
    with pytest.raises(NotImplementedError, match="reflect"):
        ops.pad(x, (1, 1), mode="reflect")


# --- gradients of the compositions, by finite differences ------------------------------------
COMPOSITIONS = {
    "flatten": lambda t: t.flatten(),
    "squeeze/unsqueeze": lambda t: t.unsqueeze(0).unsqueeze(-1).squeeze(0),
    "transpose": lambda t: t.transpose(0, -1),
    "T": lambda t: t.T,
    "stack": lambda t: ops.stack([t, t * 2, t], -1),
    "split": lambda t: t.split(1, dim=0),
    "chunk": lambda t: t.chunk(2, dim=-1),
    "narrow": lambda t: ops.narrow(t, 0, 0, 1),
    "expand": lambda t: t.unsqueeze(0).expand(3, *t.shape),
}


@pytest.mark.parametrize("name", sorted(COMPOSITIONS))
@given(a=arrays(shapes(min_dims=1, max_dims=3, max_side=3)))
def test_compositions_pass_gradcheck_and_gradgradcheck(name, a):
    x = leaf(a)
    assert gradcheck(COMPOSITIONS[name], [x])
    assert gradgradcheck(COMPOSITIONS[name], [x])


# --- PyTorch as an oracle --------------------------------------------------------------------
@st.composite
def shape_and_dims(draw):
    a = draw(arrays(shapes(min_dims=1)))
    return a, tuple(draw(st.permutations(range(a.ndim))))


@needs_torch
@given(case=shape_and_dims())
def test_permute_matches_torch(case):
    a, dims = case
    against_torch(lambda t: t.permute(*dims), lambda t: t.permute(*dims), a)


@needs_torch
@given(a=arrays(shapes(min_dims=1)), data=st.data())
def test_cat_stack_split_chunk_match_torch(a, data):
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    pieces = data.draw(st.integers(1, 3))
    against_torch(lambda t: ops.cat([t] * pieces + [t * 2], dim),
                  lambda t: torch.cat([t] * pieces + [t * 2], dim), a)
    against_torch(lambda t: ops.stack([t, t * 3], dim), lambda t: torch.stack([t, t * 3], dim),
                  a)
    against_torch(lambda t: ops.cat([p * (i + 1) for i, p in enumerate(t.split(2, dim))], dim),
                  lambda t: torch.cat([p * (i + 1) for i, p in enumerate(t.split(2, dim))], dim),
                  a)
    against_torch(lambda t: ops.cat([p * (i + 1) for i, p in enumerate(t.chunk(pieces, dim))],
                                    dim),
                  lambda t: torch.cat([p * (i + 1) for i, p in enumerate(t.chunk(pieces, dim))],
                                      dim), a)


@needs_torch
@given(a=arrays(shapes(min_dims=1)), data=st.data())
def test_pad_matches_torch(a, data):
    k = data.draw(st.integers(1, a.ndim))
    pad = tuple(data.draw(st.lists(st.integers(0, 2), min_size=2 * k, max_size=2 * k)))
    value = data.draw(st.sampled_from([0.0, 1.5]))
    against_torch(lambda t: ops.pad(t, pad, value=value),
                  lambda t: torch.nn.functional.pad(t, pad, value=value), a)


@needs_torch
@given(a=arrays(shapes(min_dims=1)), data=st.data())
def test_flatten_expand_squeeze_match_torch(a, data):
    start = data.draw(st.integers(-a.ndim, a.ndim - 1))
    end = data.draw(st.integers(start % a.ndim, a.ndim - 1))
    against_torch(lambda t: t.flatten(start, end), lambda t: t.flatten(start, end), a)
    against_torch(lambda t: t.unsqueeze(1).expand(a.shape[0], 3, *a.shape[1:]),
                  lambda t: t.unsqueeze(1).expand(a.shape[0], 3, *a.shape[1:]), a)
    against_torch(lambda t: t.unsqueeze(0).squeeze(), lambda t: t.unsqueeze(0).squeeze(), a)
