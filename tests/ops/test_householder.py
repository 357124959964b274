"""minigrad/ops/householder.py against torch: geqrf's (a, tau) to rounding (LAPACK's
convention), householder_product / orgqr and ormqr values with first and second
derivatives, gradcheck in float64, batches, empty shapes, out= and the errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from minigrad.testing import gradcheck, gradgradcheck
from tests import differential
from tests.differential import both_raise, two_derivatives
from tests.torch_compare import assert_same, same_error

torch = pytest.importorskip("torch")


def matrices(seed, shape, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def factors(lib, x):
    """geqrf's (a, tau) of ``x`` as plain tensors (outside any graph)."""
    a, tau = lib.geqrf(lib.tensor(x))
    return a, tau


@settings(max_examples=40, deadline=None)
@given(batch=st.lists(st.integers(1, 3), max_size=2), m=st.integers(1, 6),
       n=st.integers(1, 6), seed=st.integers(0, 2 ** 16))
def test_geqrf_is_lapacks_as_torch_gives_it(batch, m, n, seed):
    for dtype, tolerance in ((np.float64, 1e-12), (np.float32, 2e-5)):
        x = matrices(seed, (*batch, m, n), dtype)
        ours, theirs = minigrad.geqrf(minigrad.tensor(x)), torch.geqrf(torch.tensor(x))
        assert type(ours).__name__ == type(theirs).__name__ == "geqrf"
        assert ours._fields == ("a", "tau") and theirs.a is theirs[0] and theirs.tau is theirs[1]
        assert_same(ours, theirs, rtol=tolerance, atol=tolerance)
        method = minigrad.tensor(x).geqrf()
        np.testing.assert_array_equal(method.tau.numpy(), ours.tau.numpy())


@settings(max_examples=30, deadline=None)
@given(batch=st.lists(st.integers(1, 2), max_size=1), n=st.integers(1, 4),
       extra=st.integers(0, 2), fewer=st.integers(0, 2), seed=st.integers(0, 2 ** 16))
def test_householder_product_values_and_two_derivatives_match_torch(batch, n, extra, fewer,
                                                                    seed):
    m, k = n + extra, max(n - fewer, 1)  # with k = 0 torch gives no gradient (None), not 0
    A = matrices(seed, (*batch, m, n))
    tau = np.random.default_rng(seed + 1).uniform(0.2, 1.8, (*batch, k))
    differential.compare(two_derivatives(lambda lib, a, t: lib.linalg.householder_product(a, t),
                                         A, tau), rtol=1e-9, atol=1e-10)
    differential.compare(two_derivatives(lambda lib, a, t: lib.orgqr(a, t), A, tau),
                         rtol=1e-9, atol=1e-10)
    differential.compare(lambda lib: lib.tensor(A).orgqr(lib.tensor(tau)), rtol=1e-12)


def test_householder_product_of_geqrf_is_q_and_float32_stays_float32():
    x = matrices(3, (2, 5, 3), np.float32)
    for lib in (minigrad, torch):
        q = lib.linalg.householder_product(*factors(lib, x))
        assert str(q.dtype).endswith("float32")
        r = lib.triu(lib.geqrf(lib.tensor(x)).a)[..., :3, :]
        np.testing.assert_allclose((q @ r).numpy(), x, atol=1e-5)


@settings(max_examples=30, deadline=None)
@given(m=st.integers(1, 5), n=st.integers(1, 5), p=st.integers(1, 3), left=st.booleans(),
       transpose=st.booleans(), batch=st.lists(st.integers(1, 2), max_size=1),
       seed=st.integers(0, 2 ** 16))
def test_ormqr_values_and_two_derivatives_match_torch(m, n, p, left, transpose, batch, seed):
    A = matrices(seed, (*batch, m, n))
    tau = np.random.default_rng(seed + 1).uniform(0.2, 1.8, (*batch, min(m, n)))
    C = matrices(seed + 2, (*batch, m, p) if left else (*batch, p, m))

    def call(lib, a, t, c):
        return lib.ormqr(a, t, c, left=left, transpose=transpose)
    differential.compare(two_derivatives(call, A, tau, C), rtol=1e-9, atol=1e-10)
    differential.compare(lambda lib: lib.tensor(A).ormqr(lib.tensor(tau), lib.tensor(C), left,
                                                         transpose), rtol=1e-12)


def test_ormqr_of_the_identity_is_the_full_q_of_geqrf():
    x = matrices(4, (5, 3))
    a, tau = minigrad.geqrf(minigrad.tensor(x))
    q = minigrad.ormqr(a, tau, minigrad.eye(5, dtype=minigrad.float64)).numpy()
    np.testing.assert_allclose(q.T @ q, np.eye(5), atol=1e-12)
    np.testing.assert_allclose(q[:, :3] @ np.triu(a.numpy())[:3], x, atol=1e-12)
    qt = minigrad.ormqr(a, tau, minigrad.eye(5, dtype=minigrad.float64), transpose=True)
    np.testing.assert_allclose(qt.numpy(), q.T, atol=1e-12)


def test_gradcheck_in_float64():
    A, tau, C = matrices(6, (2, 4, 3)), np.array([[0.7, 1.2, 0.4], [1.5, 0.3, 0.9]]), \
        matrices(7, (2, 2, 4))
    leaves = [minigrad.tensor(v, requires_grad=True) for v in (A, tau, C)]
    assert gradcheck(minigrad.linalg.householder_product, leaves[:2])
    assert gradgradcheck(minigrad.linalg.householder_product, leaves[:2])
    assert gradcheck(lambda a, t, c: minigrad.ormqr(a, t, c, left=False), leaves)


def test_geqrf_has_no_derivative_as_in_torch():
    x = matrices(8, (3, 3))
    for lib in (minigrad, torch):
        leaf = lib.tensor(x, requires_grad=True)
        a, tau = lib.geqrf(leaf)
        assert a.requires_grad and tau.requires_grad
        with pytest.raises(NotImplementedError, match="geqrf"):
            a.sum().backward()
    with minigrad.no_grad():
        assert not minigrad.geqrf(minigrad.tensor(x, requires_grad=True)).a.requires_grad


def test_empty_and_out():
    for shape in [(0, 3), (3, 0), (2, 0, 0)]:
        differential.compare(lambda lib: lib.geqrf(lib.zeros(shape, dtype=lib.float64)))
    differential.compare(lambda lib: lib.linalg.householder_product(
        lib.zeros(3, 0, dtype=lib.float64), lib.zeros(0, dtype=lib.float64)))
    differential.compare(lambda lib: lib.linalg.householder_product(
        lib.ones(3, 2, dtype=lib.float64), lib.zeros(0, dtype=lib.float64)))
    a, tau = minigrad.geqrf(minigrad.tensor(matrices(9, (3, 2))))
    out = minigrad.empty(0, dtype=minigrad.float64)
    assert minigrad.linalg.householder_product(a, tau, out=out) is out
    assert tuple(out.shape) == (3, 2)
    outs = (minigrad.empty(0, dtype=minigrad.float64), minigrad.empty(0, dtype=minigrad.float64))
    result = minigrad.geqrf(minigrad.tensor(matrices(9, (3, 2))), out=outs)
    assert result.a is outs[0] and result.tau is outs[1]
    np.testing.assert_array_equal(outs[1].numpy(), tau.numpy())


F64, F32 = np.float64, np.float32
HOUSEHOLDER_ERRORS = [  # (input shape, tau shape, dtypes)
    ((3,), (1,), (F64, F64)), ((3, 4), (3,), (F64, F64)), ((4, 3), (4,), (F64, F64)),
    ((4, 3), (2, 3), (F64, F64)), ((2, 4, 3), (3,), (F64, F64)), ((2, 4, 3), (3, 3), (F64, F64)),
    ((4, 3), (3,), (F64, F32)), ((4, 3), (3,), (np.int64, np.int64)),
    ((4, 3), (3,), (np.float16, np.float16)), ((4, 3), (), (F64, F64))]


@pytest.mark.parametrize("shapes", HOUSEHOLDER_ERRORS)
def test_householder_product_errors_as_torch(shapes):
    (a, t, (da, dt)) = shapes
    same_error(torch, lambda lib, x, y: lib.linalg.householder_product(x, y),
               np.ones(a, da), np.ones(t, dt))


ORMQR_ERRORS = [  # (input shape, tau shape, other shape, left, dtypes)
    ((3,), (1,), (3, 2), True, (F64, F64, F64)), ((5, 3), (3,), (5,), True, (F64, F64, F64)),
    ((5, 3), (3,), (4, 2), True, (F64, F64, F64)), ((5, 3), (3,), (5, 2), False, (F64,) * 3),
    ((5, 3), (2,), (5, 2), True, (F64, F64, F64)), ((5, 3), (2,), (2, 5), False, (F64,) * 3),
    ((5, 3), (2, 3), (5, 2), True, (F64, F64, F64)), ((5, 3), (3,), (2, 5, 2), True, (F64,) * 3),
    ((2, 5, 3), (3, 3), (2, 5, 2), True, (F64,) * 3), ((2, 5, 3), (2, 3), (3, 5, 2), True,
                                                       (F64,) * 3),
    ((5, 3), (3,), (5, 2), True, (F64, F32, F64)), ((5, 3), (3,), (5, 2), True, (F64, F64, F32)),
    ((5, 3), (3,), (5, 2), True, (np.int64,) * 3), ((5, 3), (3,), (5, 2), True, (np.float16,) * 3),
    ((5, 3), (), (5, 2), True, (F64,) * 3)]


@pytest.mark.parametrize("case", ORMQR_ERRORS)
def test_ormqr_errors_as_torch(case):
    a, t, c, left, (da, dt, dc) = case
    same_error(torch, lambda lib, x, y, z: lib.ormqr(x, y, z, left=left),
               np.ones(a, da), np.ones(t, dt), np.ones(c, dc))


@pytest.mark.parametrize("shape, dtype", [((3,), F64), ((3, 3), np.int64), ((2, 2), np.float16),
                                          ((), F64)])
def test_geqrf_errors_as_torch(shape, dtype):
    same_error(torch, lambda lib, x: lib.geqrf(x), np.ones(shape, dtype))


def test_error_messages_name_the_op():
    both_raise(lambda lib: lib.linalg.householder_product(lib.ones(3, 4), lib.ones(3)),
               RuntimeError, "householder_product")
    both_raise(lambda lib: lib.ormqr(lib.ones(5, 3), lib.ones(3), lib.ones(4, 2)),
               RuntimeError, "ormqr")
