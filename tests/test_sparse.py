"""Sparse COO tensors against PyTorch: construction, printing, coalescing, the operations
PyTorch runs on them (with the layout, coordinates and values of each result), products
with gradients reaching the dense operand, and the calls that raise."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad

torch = pytest.importorskip("torch")
warnings.filterwarnings("ignore", message="Sparse invariant checks")


@st.composite
def coo_data(draw, hybrid=False):
    """(indices, values, size) with repeated coordinates likely."""
    sparse_dims = draw(st.integers(1, 3))
    size = tuple(draw(st.lists(st.integers(1, 4), min_size=sparse_dims, max_size=sparse_dims)))
    dense = (draw(st.integers(1, 3)),) if hybrid and draw(st.booleans()) else ()
    nnz = draw(st.integers(0, 7))
    coords = np.array([[draw(st.integers(0, n - 1)) for _ in range(nnz)] for n in size],
                      np.int64).reshape(sparse_dims, nnz)
    values = np.array(draw(st.lists(st.integers(-5, 5), min_size=nnz * int(np.prod(dense)),
                                    max_size=nnz * int(np.prod(dense)))), np.float64)
    return coords, values.reshape((nnz,) + dense), size + dense


def both(coords, values, size, dtype="float64"):
    return [lib.sparse_coo_tensor(lib.tensor(coords), lib.tensor(values), size,
                                  dtype=getattr(lib, dtype)) for lib in (minigrad, torch)]


def assert_same(ours, theirs):
    """Layout, shape, dtype, coordinates, values and coalesced flag, or dense values."""
    assert str(ours.layout).split(".")[-1] == str(theirs.layout).split(".")[-1]
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    if theirs.layout == torch.sparse_coo:
        assert ours.is_coalesced() == theirs.is_coalesced()
        np.testing.assert_array_equal(ours._indices().numpy(), theirs._indices().numpy())
        np.testing.assert_allclose(ours._values().numpy(), theirs._values().numpy(),
                                   rtol=1e-12)
        np.testing.assert_allclose(ours.to_dense().numpy(), theirs.to_dense().numpy(),
                                   rtol=1e-12)
    else:
        # sums of cancelling entries differ by rounding (torch adds entry by entry)
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12,
                                   atol=1e-12)


@given(coo_data(hybrid=True))
def test_construction_printing_and_coalescing_match_torch(data):
    ours, theirs = both(*data)
    assert_same(ours, theirs)
    assert repr(ours) == repr(theirs).replace("torch.", "minigrad.")
    assert (ours._nnz(), ours.sparse_dim(), ours.dense_dim()) == \
        (theirs._nnz(), theirs.sparse_dim(), theirs.dense_dim())
    assert_same(ours.coalesce(), theirs.coalesce())
    assert repr(ours.coalesce()) == repr(theirs.coalesce()).replace("torch.", "minigrad.")
    np.testing.assert_array_equal(ours.coalesce().indices().numpy(),
                                  theirs.coalesce().indices().numpy())


@given(coo_data(), st.sampled_from(["float32", "float64", "int64", "int32"]))
def test_inferred_size_dtypes_and_to_sparse(data, dtype):
    coords, values, _ = data
    ours = minigrad.sparse_coo_tensor(coords, values.astype(dtype))
    theirs = torch.sparse_coo_tensor(coords, values.astype(dtype))
    assert_same(ours, theirs)
    dense = theirs.to_dense().numpy()
    assert_same(minigrad.tensor(dense).to_sparse(), torch.tensor(dense).to_sparse())
    for sparse_dim in range(1, dense.ndim + 1):
        assert_same(minigrad.tensor(dense).to_sparse(sparse_dim),
                    torch.tensor(dense).to_sparse(sparse_dim))


OPERATIONS = {
    "add": lambda a, b, lib: a + b, "sub": lambda a, b, lib: a - b,
    "add dense": lambda a, b, lib: b.to_dense() + a,
    "mul number": lambda a, b, lib: a * 2.5, "rmul": lambda a, b, lib: 3 * a,
    "mul 0-d": lambda a, b, lib: a * lib.tensor(2.0, dtype=lib.float64),
    "mul dense": lambda a, b, lib: a * b.to_dense(), "mul sparse": lambda a, b, lib: a * b,
    "div": lambda a, b, lib: a / 4, "neg": lambda a, b, lib: -a,
    "double": lambda a, b, lib: a.float().double(), "clone": lambda a, b, lib: a.clone(),
    "sum": lambda a, b, lib: lib.sum(a), "sum dim": lambda a, b, lib: lib.sum(a, dim=0),
    "sum keepdim": lambda a, b, lib: lib.sum(a, dim=-1, keepdim=True),
    "sparse.sum": lambda a, b, lib: lib.sparse.sum(a, dim=-1),
    "sqrt": lambda a, b, lib: lib.sqrt(lib.abs(a)), "sin": lambda a, b, lib: a.sin(),
    "tanh": lambda a, b, lib: lib.tanh(a), "floor": lambda a, b, lib: (a / 3).floor(),
    "detach": lambda a, b, lib: a.detach(),
}


@pytest.mark.parametrize("op", sorted(OPERATIONS))
@given(data=coo_data(), other=st.data())
def test_operations_give_torchs_layout_coordinates_and_values(op, data, other):
    coords, values, size = data
    nnz = other.draw(st.integers(0, 5))
    second = (np.array([[other.draw(st.integers(0, n - 1)) for _ in range(nnz)]
                        for n in size], np.int64).reshape(len(size), nnz),
              np.arange(1.0, nnz + 1), size)
    (a, ta), (b, tb) = both(*data), both(*second)
    if op == "sum dim" and len(size) == 1:
        return  # a sum over the only dim is "sum"
    assert_same(OPERATIONS[op](a, b, minigrad), OPERATIONS[op](ta, tb, torch))


@pytest.mark.parametrize("product", [
    lambda lib, s, d: lib.mm(s, d), lambda lib, s, d: lib.spmm(s, d),
    lambda lib, s, d: s @ d, lambda lib, s, d: lib.sparse.mm(s, d),
    lambda lib, s, d: lib.matmul(s, d[:, 0]),
    lambda lib, s, d: lib.addmm(lib.ones(s.shape[0], d.shape[1], dtype=lib.float64), s, d,
                                beta=0.5, alpha=2.0),
    lambda lib, s, d: lib.sparse.addmm(lib.ones(s.shape[0], d.shape[1], dtype=lib.float64),
                                       s, d),
    lambda lib, s, d: lib.mm(d.T, s.t()),
])
@given(coo_data())
def test_products_are_dense_and_their_gradients_reach_the_dense_operand(product, data):
    coords, values, size = data
    if len(size) != 2:
        coords, values, size = coords[:2], values, (size + (2,))[:2]
        coords = np.minimum(coords, np.array(size)[:, None] - 1)
    d = np.arange(size[1] * 3, dtype=np.float64).reshape(size[1], 3) / 7
    results = []
    for lib in (minigrad, torch):
        s = lib.sparse_coo_tensor(lib.tensor(coords), lib.tensor(values), size)
        dense = lib.tensor(d, requires_grad=True)
        out = product(lib, s, dense)
        (out * out).sum().backward()
        results.append((out, dense.grad))
    (ours, ours_grad), (theirs, theirs_grad) = results
    assert_same(ours, theirs)
    np.testing.assert_allclose(ours_grad.numpy(), theirs_grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("call, error", [
    (lambda lib, s: s + lib.ones(2, 3), RuntimeError),
    (lambda lib, s: s - lib.ones(2, 3), RuntimeError),
    (lambda lib, s: s + 1, RuntimeError),
    (lambda lib, s: lib.exp(s), NotImplementedError),
    (lambda lib, s: s.view(6), (NotImplementedError, RuntimeError)),
    (lambda lib, s: s.indices(), RuntimeError),
    (lambda lib, s: s.values(), RuntimeError),
    (lambda lib, s: s.numpy(), TypeError),
    (lambda lib, s: lib.ones(2).indices(), RuntimeError),
    (lambda lib, s: lib.ones(2).coalesce(), RuntimeError),
    (lambda lib, s: lib.ones(2)._nnz(), NotImplementedError),
    (lambda lib, s: lib.sparse_coo_tensor(lib.tensor([[5], [0]]), lib.ones(1), (2, 2),
                                          check_invariants=True), RuntimeError),
    (lambda lib, s: lib.sparse_coo_tensor(lib.tensor([[0], [0]]), lib.ones(2), (2, 2)),
     RuntimeError),
    (lambda lib, s: lib.sparse_coo_tensor(lib.tensor([0, 1]), lib.ones(2), (2, 2)),
     RuntimeError),
])
def test_the_calls_torch_refuses_raise_the_same_type(call, error):
    for lib in (minigrad, torch):
        s = lib.sparse_coo_tensor(lib.tensor([[0, 1, 1], [2, 0, 2]]),
                                  lib.tensor([3.0, 4.0, 5.0]), (2, 3))
        with pytest.raises(error):
            call(lib, s)


def test_documented_differences():
    """Coordinates are checked even without check_invariants, sparse tensors do not
    record gradients, and values() is not a view: a write to it stays in a copy."""
    with pytest.raises(RuntimeError, match="size is inconsistent with indices: for dim 0, "
                                           "size is 2 but found index 5"):
        minigrad.sparse_coo_tensor([[5], [0]], [1.0], (2, 2))
    with pytest.raises(NotImplementedError, match="autograd"):
        minigrad.sparse_coo_tensor([[0], [0]], [1.0], (2, 2), requires_grad=True)
    with pytest.raises(NotImplementedError, match="autograd"):
        minigrad.ones(2, requires_grad=True).to_sparse()
    sparse = minigrad.sparse_coo_tensor([[0], [0]], [1.0], (2, 2))
    values = sparse.values()
    values.add_(1)  # the write goes to a copy: the sparse tensor keeps its values
    assert values.tolist() == [2.0]
    assert sparse.values().tolist() == [1.0] and sparse.to_dense().sum().item() == 1.0


def test_a_dense_program_never_pays_for_sparse_dispatch():
    """The dispatch hook is installed only once a sparse tensor exists (documented cost)."""
    from minigrad.autograd import function
    function.layout_dispatch = None
    minigrad.ones(3) + minigrad.ones(3)
    assert function.layout_dispatch is None
    minigrad.ones(2, 2).to_sparse()
    assert function.layout_dispatch is not None
