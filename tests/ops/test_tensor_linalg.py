"""minigrad/ops/tensor_linalg.py against torch.linalg: vander, tensorinv and tensorsolve
values, dtypes, gradients and errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from tests.torch_compare import compare

torch = pytest.importorskip("torch")


@settings(max_examples=30, deadline=None)
@given(batch=st.lists(st.integers(1, 3), max_size=2), n=st.integers(2, 5),
       N=st.one_of(st.none(), st.integers(2, 6)), seed=st.integers(0, 2 ** 16))
def test_vander_matches_torch(batch, n, N, seed):
    x = np.random.default_rng(seed).uniform(-2, 2, (*batch, n))
    compare(torch, lambda lib, t: lib.linalg.vander(t, N=N), x)
    compare(torch, lambda lib, t: lib.linalg.vander(t, N=N), x.astype(np.float32), grad=False)
    compare(torch, lambda lib, t: lib.linalg.vander(t, N=N), np.arange(n), grad=False)


@settings(max_examples=30, deadline=None)
@given(shape=st.sampled_from([((2, 3), 1), ((6, 2, 3), 1), ((2, 3, 6), 2), ((2, 2, 2, 2), 2),
                              ((4, 2, 2), 1)]),
       seed=st.integers(0, 2 ** 16))
def test_tensorinv_matches_torch(shape, seed):
    dims, ind = shape
    rows = int(np.prod(dims[:ind]))
    if rows != int(np.prod(dims[ind:])):
        return
    A = np.random.default_rng(seed).standard_normal((rows, rows)) + 3 * np.eye(rows)
    compare(torch, lambda lib, t: lib.linalg.tensorinv(t, ind=ind), A.reshape(dims))


@settings(max_examples=30, deadline=None)
@given(case=st.sampled_from([((2, 3, 6), (2, 3), None), ((6, 2, 3), (6,), None),
                             ((2, 3, 6), (6,), [0, 1]), ((2, 2, 2, 2), (2, 2), None)]),
       seed=st.integers(0, 2 ** 16))
def test_tensorsolve_matches_torch(case, seed):
    a_shape, b_shape, dims = case
    rng = np.random.default_rng(seed)
    n = int(np.prod(b_shape))
    A = (rng.standard_normal((n, n)) + 3 * np.eye(n)).reshape(a_shape)
    compare(torch, lambda lib, a, b: lib.linalg.tensorsolve(a, b, dims=dims), A,
            rng.standard_normal(b_shape))


def test_errors_match_torch():
    cases = [lambda lib: lib.linalg.vander(lib.tensor([True])),
             lambda lib: lib.linalg.vander(lib.tensor(1.0)),
             lambda lib: lib.linalg.vander(lib.tensor([1.0, 2.0]), N=1),
             lambda lib: lib.linalg.tensorinv(lib.ones(4, 3)),
             lambda lib: lib.linalg.tensorinv(lib.ones(2, 2, 4), ind=0),
             lambda lib: lib.linalg.tensorinv(lib.zeros(2, 2, 4)),
             lambda lib: lib.linalg.tensorsolve(lib.ones(2, 3, 6), lib.ones(2, 2))]
    for case in cases:
        with pytest.raises(RuntimeError) as theirs:
            case(torch)
        singular = isinstance(theirs.value, torch.linalg.LinAlgError)
        with pytest.raises(minigrad.linalg.LinAlgError if singular else RuntimeError):
            case(minigrad)
