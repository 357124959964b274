"""minigrad/ops/indexing.py: getitem and its adjoint index_add_at, setitem, gather and its
adjoint scatter_add."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import minigrad
from minigrad import ops
from minigrad.testing import gradcheck
from minigrad.testing.strategies import arrays, shapes

from ops_oracle import against_torch, leaf, needs_torch, torch
from primitive_specs import along_dim, indices, mixes_ints_and_arrays


def _grid(*shape: int) -> np.ndarray:
    return np.arange(float(np.prod(shape))).reshape(shape)


# --- getitem ---------------------------------------------------------------------------------
@given(data=st.data())
def test_getitem_matches_numpy_for_every_kind_of_index(data):
    shape = data.draw(shapes(max_side=3))
    index = data.draw(indices(shape))
    assume(not mixes_ints_and_arrays(index))  # there PyTorch's rule applies, tested below
    a = _grid(*shape)
    out = minigrad.tensor(a)[index]
    np.testing.assert_array_equal(out.numpy(), a[index])


def test_ints_mixed_with_arrays_follow_pytorch_not_numpy():
    # PyTorch applies the int first (a view), then the array: shape (2, 1). NumPy would
    # broadcast the int with the array and put that dim first: shape (1, 2).
    a = _grid(1, 2, 1)
    out = minigrad.tensor(a)[0, :, [0]]
    np.testing.assert_array_equal(out.numpy(), [[0.0], [1.0]])
    b = _grid(2, 3, 4)
    out = minigrad.tensor(b)[1, :, [3, 0]]  # rows of b[1] at columns 3 and 0
    np.testing.assert_array_equal(out.numpy(), [[15.0, 12.0], [19.0, 16.0], [23.0, 20.0]])
    x = leaf(b)
    x[1, :, [3, 0]].sum().backward()
    expected = np.zeros((2, 3, 4))
    expected[1, :, 3] = expected[1, :, 0] = 1.0
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_getitem_with_ints_slices_none_and_ellipsis():
    a = _grid(2, 3, 4)
    x = minigrad.tensor(a)
    for index in [1, -1, (0, 2), slice(None, None, 2), (Ellipsis, 1), (None, 1, None),
                  (slice(0, 2), None, Ellipsis, slice(1, 3)), (1, Ellipsis, None),
                  (Ellipsis,), ()]:
        np.testing.assert_array_equal(x[index].numpy(), a[index], err_msg=str(index))


def test_negative_and_zero_steps_raise_as_in_pytorch():
    x = minigrad.tensor(_grid(4))
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-1]
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        x[::0]


def test_getitem_accepts_lists_and_tensors_as_indices():
    a = _grid(4, 3)
    x = minigrad.tensor(a)
    np.testing.assert_array_equal(x[[2, 0, 2]].numpy(), a[[2, 0, 2]])
    np.testing.assert_array_equal(x[minigrad.tensor([3, 1])].numpy(), a[[3, 1]])
    mask = minigrad.tensor([True, False, False, True])
    np.testing.assert_array_equal(x[mask].numpy(), a[[0, 3]])
    np.testing.assert_array_equal(x[x > 5.0].numpy(), a[a > 5.0])


def test_getitem_gradient_adds_up_repeated_indices():
    x = leaf([10.0, 20.0, 30.0])
    y = x[[0, 2, 0, 0]]
    y.backward(minigrad.tensor([1.0, 2.0, 3.0, 4.0], dtype=np.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [1.0 + 3.0 + 4.0, 0.0, 2.0])


def test_getitem_gradient_with_two_repeated_index_arrays():
    x = leaf(np.zeros((2, 3)))
    y = x[np.array([1, 1, 0]), np.array([2, 2, 2])]
    y.backward(minigrad.tensor([1.0, 10.0, 100.0], dtype=np.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 0.0, 100.0], [0.0, 0.0, 11.0]])


def test_getitem_gradient_with_a_bool_mask():
    x = leaf(_grid(2, 3))
    mask = np.array([[True, False, True], [False, False, True]])
    x[mask].backward(minigrad.tensor([1.0, 2.0, 3.0], dtype=np.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]])


def test_getitem_gradient_with_slices_and_steps():
    x = leaf(_grid(4))
    x[1::2].backward(minigrad.tensor([1.0, 2.0], dtype=np.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 0.0, 2.0])


def test_getitem_twice_with_create_graph_is_differentiable():
    x = leaf([1.0, 2.0, 3.0])
    (g,) = minigrad.autograd.grad((x[[0, 0, 2]] ** 2).sum(), x, create_graph=True)
    np.testing.assert_array_equal(g.detach().numpy(), [4.0, 0.0, 6.0])
    (gg,) = minigrad.autograd.grad(g.sum(), x)
    np.testing.assert_array_equal(gg.numpy(), [4.0, 0.0, 2.0])


def test_out_of_range_indices_raise_index_error_with_the_shape():
    x = minigrad.ones(3, 4)
    with pytest.raises(IndexError, match=r"getitem: index 3 is out of bounds.*\(3, 4\)"):
        x[3]
    with pytest.raises(IndexError, match="getitem"):
        x[:, -5]
    with pytest.raises(IndexError, match="getitem"):
        x[[0, 5]]
    with pytest.raises(IndexError, match="getitem"):
        x[0, 0, 0]


def test_float_indices_are_refused():
    with pytest.raises(IndexError, match="long, int, byte or bool"):
        minigrad.ones(3)[minigrad.tensor([0.0, 1.0])]


# --- setitem (out of place) ------------------------------------------------------------------
def test_setitem_function_writes_a_copy_and_routes_gradients():
    x, v = leaf([1.0, 2.0, 3.0, 4.0]), leaf([10.0, 20.0])
    out = ops.setitem(x, [3, 0], v)
    np.testing.assert_array_equal(out.detach().numpy(), [20.0, 2.0, 3.0, 10.0])
    np.testing.assert_array_equal(x.detach().numpy(), [1.0, 2.0, 3.0, 4.0])
    out.backward(minigrad.tensor([1.0, 2.0, 3.0, 4.0], dtype=np.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 2.0, 3.0, 0.0])
    np.testing.assert_array_equal(v.grad.numpy(), [4.0, 1.0])


def test_setitem_with_a_broadcast_value_sums_its_gradient():
    x, v = leaf(np.zeros((2, 3))), leaf(5.0)
    out = ops.setitem(x, (slice(None), 1), v)
    np.testing.assert_array_equal(out.detach().numpy(), [[0, 5, 0], [0, 5, 0]])
    out.backward(minigrad.tensor(_grid(2, 3)))
    assert v.grad.item() == 1.0 + 4.0


def test_setitem_shape_mismatch_names_the_shapes():
    with pytest.raises(RuntimeError, match=r"setitem: cannot assign a value of shape \(4,\) to "
                                         r"an indexed region of shape \(3,\)"):
        ops.setitem(minigrad.ones(2, 3), 0, minigrad.ones(4))
    with pytest.raises(IndexError, match="setitem"):
        ops.setitem(minigrad.ones(2, 3), 5, 1.0)


# --- gather / scatter_add --------------------------------------------------------------------
@given(case=along_dim())
def test_gather_matches_take_along_axis(case):
    shape, dim, index = case
    a = _grid(*shape)
    np.testing.assert_array_equal(ops.gather(minigrad.tensor(a), dim, index).numpy(),
                                  np.take_along_axis(a, index, axis=dim))


def test_gather_gradient_adds_up_repeated_indices():
    x = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    out = x.gather(1, minigrad.tensor([[2, 2, 0], [1, 1, 1]]))
    np.testing.assert_array_equal(out.detach().numpy(), [[3.0, 3.0, 1.0], [5.0, 5.0, 5.0]])
    out.backward(minigrad.tensor(_grid(2, 3)))
    np.testing.assert_array_equal(x.grad.numpy(), [[2.0, 0.0, 1.0], [0.0, 12.0, 0.0]])


def test_gather_errors():
    x = minigrad.ones(2, 3)
    with pytest.raises(RuntimeError, match="gather: index 3 is out of bounds"):  # as PyTorch
        x.gather(1, minigrad.tensor([[3], [0]]))
    with pytest.raises(RuntimeError, match="gather: index must be an integer tensor"):
        x.gather(1, minigrad.tensor([[0.0], [1.0]]))
    with pytest.raises(RuntimeError, match="gather"):
        x.gather(1, minigrad.tensor([0, 1]))
    with pytest.raises(IndexError, match="gather: dimension out of range"):
        x.gather(2, minigrad.tensor([[0], [1]]))


def test_gather_with_an_index_smaller_in_the_other_dims_returns_the_index_shape():
    x = leaf(_grid(3, 5))
    out = x.gather(1, minigrad.tensor([[0, 4, 4]]))
    assert out.shape == (1, 3)  # as torch.gather
    np.testing.assert_array_equal(out.detach().numpy(), [[0.0, 4.0, 4.0]])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[0], [1.0, 0.0, 0.0, 0.0, 2.0])


def test_scatter_add_is_the_adjoint_of_gather():
    # <gather(x), g> == <x, scatter_add(g)> for random x and g: the defining property.
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    index = rng.integers(0, 4, size=(3, 6))
    g = rng.standard_normal((3, 6))
    scatter = minigrad.autograd.primitives()["scatter_add"]
    gathered = ops.gather(minigrad.tensor(x), 1, index).numpy()
    scattered = scatter.apply(minigrad.tensor(g), 1, index, (3, 4)).numpy()
    np.testing.assert_allclose(np.sum(gathered * g), np.sum(x * scattered))


def test_index_add_at_is_the_adjoint_of_getitem():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 3))
    index = (np.array([0, 3, 3, 1, 0]), slice(None, None, 2))
    g = rng.standard_normal(x[index].shape)
    add_at = minigrad.autograd.primitives()["index_add_at"]
    taken = minigrad.tensor(x)[index].numpy()
    placed = add_at.apply(minigrad.tensor(g), index, x.shape).numpy()
    np.testing.assert_allclose(np.sum(taken * g), np.sum(x * placed))


@given(case=along_dim())
def test_gather_passes_gradcheck_with_repeats(case):
    shape, dim, index = case
    assert gradcheck(lambda t: ops.gather(t, dim, index), [leaf(_grid(*shape) / 7)])


# --- PyTorch as an oracle --------------------------------------------------------------------
def _torch_index(index: tuple):
    """The same index for torch, which has no negative slice steps: those examples are
    left to the NumPy comparison above."""
    assume(not any(isinstance(i, slice) and (i.step or 1) < 0 for i in index))
    return tuple(torch.from_numpy(i) if isinstance(i, np.ndarray) else i for i in index)


@needs_torch
@given(data=st.data())
def test_getitem_matches_torch(data):
    shape = data.draw(shapes(max_side=3))
    index = data.draw(indices(shape))
    a = data.draw(arrays(shape))
    against_torch(lambda t: t[index], lambda t: t[_torch_index(index)], a)


@needs_torch
@given(case=along_dim(), data=st.data())
def test_gather_matches_torch(case, data):
    shape, dim, index = case
    a = data.draw(arrays(shape))
    against_torch(lambda t: t.gather(dim, index),
                  lambda t: t.gather(dim, torch.from_numpy(index)), a)


@needs_torch
@given(data=st.data())
def test_setitem_matches_torch(data):
    shape = data.draw(shapes(min_dims=1, max_side=3))
    index = data.draw(indices(shape, allow_repeats=False))
    a = data.draw(arrays(shape))
    region = tuple(torch.zeros(shape)[_torch_index(index)].shape)
    v = data.draw(arrays(region[data.draw(st.integers(0, len(region))):]))

    def theirs(t, w):
        out = t.clone()
        out[_torch_index(index)] = w
        return out

    against_torch(lambda t, w: ops.setitem(t, index, w), theirs, a, v)
