"""The ``*_copy`` functions, ``as_strided_scatter``, ``index_reduce``, ``nonzero_static``
and ``empty_permuted`` against PyTorch: values, dtypes, that copies share no memory,
gradients and second derivatives, and errors."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from differential import compare, shares_storage, two_derivatives

torch = pytest.importorskip("torch")

rng = np.random.default_rng(2)
A = rng.standard_normal((2, 3, 4))
COPIES = [  # (name, a call of the library's function on a tensor of A)
    ("view_copy", lambda L, x: L.view_copy(x, (6, 4))),
    ("view_copy -1", lambda L, x: L.view_copy(x, [-1])),
    ("permute_copy", lambda L, x: L.permute_copy(x, (2, 0, 1))),
    ("transpose_copy", lambda L, x: L.transpose_copy(x, 0, 2)),
    ("t_copy", lambda L, x: L.t_copy(x[0])),
    ("expand_copy", lambda L, x: L.expand_copy(x[:, :1], [2, 5, 4])),
    ("expand_copy implicit", lambda L, x: L.expand_copy(x[:1], (3, -1, 4), implicit=True)),
    ("squeeze_copy", lambda L, x: L.squeeze_copy(x[:1, :, :1])),
    ("squeeze_copy dims", lambda L, x: L.squeeze_copy(x[:1, :, :1], [0, 2])),
    ("squeeze_copy dim", lambda L, x: L.squeeze_copy(x[:1], 0)),
    ("unsqueeze_copy", lambda L, x: L.unsqueeze_copy(x, -2)),
    ("select_copy", lambda L, x: L.select_copy(x, 1, -1)),
    ("slice_copy", lambda L, x: L.slice_copy(x, 2, 1, None, 2)),
    ("slice_copy defaults", lambda L, x: L.slice_copy(x)),
    ("slice_copy negative", lambda L, x: L.slice_copy(x, -1, -3, -1)),
    ("diagonal_copy", lambda L, x: L.diagonal_copy(x, 1, 1, 2)),
    ("diagonal_copy defaults", lambda L, x: L.diagonal_copy(x)),
    ("alias_copy", lambda L, x: L.alias_copy(x)),
    ("unfold_copy", lambda L, x: L.unfold_copy(x, 2, 2, 1)),
    ("as_strided_copy", lambda L, x: L.as_strided_copy(x, (3, 2), (1, 4), 2)),
    ("unbind_copy", lambda L, x: L.stack(L.unbind_copy(x, 1))),
    ("split_copy", lambda L, x: L.cat(L.split_copy(x, 3, 2), 0)),
    ("split_with_sizes_copy", lambda L, x: L.cat(L.split_with_sizes_copy(x, [1, 2], 1), 0)),
]


@pytest.mark.parametrize("name, call", COPIES, ids=[c[0] for c in COPIES])
def test_copies_match_torch_with_two_derivatives(name, call):
    compare(two_derivatives(lambda L, x: call(L, x) * 1.5, A), name)


def test_detach_copy_is_a_detached_copy():
    # PyTorch's result requires grad (and then has no derivative): minigrad's is detached
    compare(lambda L: L.detach_copy(L.tensor(A).t()), "detach_copy")
    x = minigrad.tensor(A, requires_grad=True)
    out = minigrad.detach_copy(x)
    assert not out.requires_grad and not shares_storage(out, x)


@pytest.mark.parametrize("name, call", COPIES, ids=[c[0] for c in COPIES])
def test_copies_are_contiguous_and_share_no_memory(name, call):
    def program(L):
        x = L.tensor(A)
        out = call(L, x)
        return out, out.is_contiguous(), shares_storage(out, x)
    compare(program, name)


@pytest.mark.parametrize("code", [
    "L.view_copy(x.t(), (12,))", "L.view_copy(x, (5,))", "L.view_copy(x, L.int64)",
    "L.view_copy(x, L.int32)", "L.view_copy([1.0], (1,))", "L.permute_copy(x, (0, 0))",
    "L.select_copy(x, 0, 5)", "L.split_copy(x, 1.5)", "L.split_with_sizes_copy(x, [1, 1])",
    "L.squeeze_copy(x, 5)", "L.unfold_copy(x, 0, 9, 1)", "L.as_strided_copy(x, (2,), (1,), -1)",
    "L.diagonal_copy(x, 0, 0, 0)", "L.expand_copy(x, (5,))",
])
def test_copies_refuse_as_torch(code):
    compare(lambda L: eval(code, {"L": L, "x": L.tensor(A[0])}), code)


@pytest.mark.parametrize("size, stride, offset", [((2, 2), (1, 2), 1), ((3,), (2,), 0),
                                                    ((2, 3), (3, 1), None), ((1,), (0,), 5)])
def test_as_strided_scatter_matches_torch(size, stride, offset):
    x, src = rng.standard_normal(6), rng.standard_normal(size)
    compare(lambda L: L.as_strided_scatter(L.tensor(x), L.tensor(src), size, stride, offset),
            "as_strided_scatter")
    # PyTorch 2.13 sends the input's gradient to the overwritten elements (it should go
    # to the others), so the gradients are checked against finite differences instead
    inputs = (minigrad.tensor(x, requires_grad=True), minigrad.tensor(src, requires_grad=True))
    scatter = lambda a, b: minigrad.as_strided_scatter(a, b, size, stride, offset)  # noqa: E731
    assert minigrad.testing.gradcheck(scatter, inputs)
    assert minigrad.testing.gradgradcheck(scatter, inputs)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_index_reduce_matches_torch(data):
    ndim = data.draw(st.integers(1, 3))
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    dim = data.draw(st.integers(-ndim, ndim - 1))
    count = data.draw(st.integers(1, 5))  # no index at all: below
    index = data.draw(st.lists(st.integers(0, shape[dim] - 1), min_size=count,
                               max_size=count))
    source_shape = list(shape)
    source_shape[dim] = count
    reduce = data.draw(st.sampled_from(["prod", "mean", "amax", "amin"]))
    include_self = data.draw(st.booleans())
    # distinct values, so that amax/amin have no ties to split the gradient over
    values = rng.permutation(np.prod(shape) + np.prod(source_shape)) / 7 + 0.5
    x = values[:np.prod(shape)].reshape(shape)
    src = values[np.prod(shape):].reshape(source_shape)

    def call(L, x, s):
        return x.index_reduce(dim, L.tensor(index, dtype=L.int64), s, reduce,
                              include_self=include_self)
    def first_derivatives(L):
        inputs = [L.tensor(a, requires_grad=True) for a in (x, src)]
        out = call(L, *inputs)
        weights = L.tensor(np.linspace(0.5, 1.5, out.numel()).reshape(tuple(out.shape)))
        return (out,) + L.autograd.grad((out * weights).sum(), inputs, allow_unused=True)
    compare(first_derivatives, f"index_reduce {reduce}", rtol=1e-8)
    # second derivatives (PyTorch marks constant first derivatives as requiring grad, so
    # they are checked against finite differences of minigrad's first ones)
    inputs = tuple(minigrad.tensor(a, requires_grad=True) for a in (x, src))
    assert minigrad.testing.gradgradcheck(lambda a, b: call(minigrad, a, b), inputs)

    def in_place(L):
        t = L.tensor(x)
        out = t.index_reduce_(dim, L.tensor(index, dtype=L.int64), L.tensor(src), reduce,
                              include_self=include_self)
        return out is t, t, L.index_reduce(L.tensor(x), dim, L.tensor(index), L.tensor(src),
                                           reduce, include_self=include_self)
    compare(in_place, "index_reduce_")


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
def test_index_reduce_with_no_index_is_a_copy(reduce):
    compare(lambda L: L.index_reduce(L.tensor(A), 1, L.tensor([], dtype=L.int64),
                                     L.ones(2, 0, 4, dtype=L.float64), reduce))


def test_index_reduce_of_integers_and_zero_dims():
    compare(lambda L: L.arange(6).reshape(2, 3).index_reduce(
        1, L.tensor([0, 0, 2]), L.tensor([[7, 3, 4], [1, 2, 9]]), "mean"))
    compare(lambda L: L.tensor(2.0).index_reduce(0, L.tensor([0, 0]), L.tensor([3.0, 4.0]),
                                                 "prod"))


@pytest.mark.parametrize("code", [
    "L.index_reduce(x, 0, L.tensor([0]), L.ones(1, 3), 'sum')",
    "L.index_reduce(x, 0, L.tensor([5]), L.ones(1, 3), 'prod')",
    "L.index_reduce(x, 0, L.tensor([0.0]), L.ones(1, 3), 'prod')",
    "L.index_reduce(x, 0, L.tensor([0, 1]), L.ones(1, 3), 'prod')",
    "L.index_reduce(x, 2, L.tensor([0]), L.ones(1, 3), 'prod')",
    "L.index_reduce(x, 0, L.tensor([0]), L.ones(1, 3, dtype=L.float64), 'amax')",
    "x.index_reduce_(0, L.tensor([0]), L.ones(1, 3), 'amin')",
])
def test_index_reduce_refuses_as_torch(code):
    compare(lambda L: eval(code, {"L": L, "x": L.ones(2, 3, requires_grad="_" in code)}), code)


@pytest.mark.parametrize("values", [[[1, 0], [0, 1]], [0, 2, 0, 3, 4], 3.0, 0.0, [[0.0]],
                                    [True, False, True]])
@pytest.mark.parametrize("size, fill", [(0, -1), (1, -1), (3, 7), (6, -1)])
def test_nonzero_static_matches_torch(values, size, fill):
    compare(lambda L: L.nonzero_static(L.tensor(values), size=size, fill_value=fill))
    compare(lambda L: L.tensor(values).nonzero_static(size=size, fill_value=fill))


@pytest.mark.parametrize("code", [
    "L.nonzero_static(L.ones(2), size=-1)", "L.nonzero_static(L.ones(2), size=1.5)",
    "L.nonzero_static(L.ones(2))", "L.nonzero_static([1.0], size=1)",
    "L.nonzero_static(L.ones(2), size=1, fill_value=0.5)",
])
def test_nonzero_static_refuses_as_torch(code):
    compare(lambda L: eval(code), code)


@pytest.mark.parametrize("size, layout", [((2, 3, 4), (0, 2, 1)), ((2, 3, 4, 5), (0, 2, 3, 1)),
                                          ((3,), (0,)), ((), ()), ((2, 0, 3), (2, 1, 0)),
                                          ((2, 3), (1, 0))])
def test_empty_permuted_has_torch_strides(size, layout):
    def program(L):
        out = L.empty_permuted(size, layout, dtype=L.float64, requires_grad=True)
        return tuple(out.shape), out.stride(), out.dtype == L.float64, out.requires_grad
    compare(program)
    assert minigrad.empty_permuted(size, layout).dtype == np.float32


@pytest.mark.parametrize("code", ["L.empty_permuted((2, 3), (0, 0))",
                                  "L.empty_permuted((2, 3), (0,))",
                                  "L.empty_permuted((2, 3), (0, 2))",
                                  "L.empty_permuted((2, 3), (-1, 0))",
                                  "L.empty_permuted((2, -3), (0, 1))"])
def test_empty_permuted_refuses_as_torch(code):
    compare(lambda L: eval(code), code)


def test_copies_write_into_out_as_torch():
    def program(L):
        x = L.tensor(A)
        buf = L.empty(0, dtype=L.float64)
        pieces = [L.empty(0, dtype=L.float64) for _ in range(2)]
        returned = L.unbind_copy(x, 0, out=pieces)
        return (L.view_copy(x, (4, 6), out=buf) is buf, buf, returned is None, pieces,
                L.slice_copy(x, 1, 0, 2, out=L.empty(0, dtype=L.float64)))
    compare(program)
    compare(lambda L: L.t_copy(L.ones(2, 3), out=L.empty(0, dtype=L.int64)))
    compare(lambda L: L.index_reduce(L.ones(2), 0, L.tensor([0]), L.ones(1), "prod",
                                     out=L.empty(0)))
