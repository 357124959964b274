"""minigrad/ops/ldl.py against torch.linalg: ldl_factor / ldl_factor_ex give LAPACK's
Bunch-Kaufman pivots exactly and LD to rounding over hypothesis-drawn symmetric matrices
(indefinite, with ties, zeros and wide scales), float64 and float32, batched; ldl_solve's
solutions; info, no derivative, out= and the errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from tests import differential
from tests.torch_compare import same_error

torch = pytest.importorskip("torch")


@st.composite
def symmetric(draw, max_n=8):
    """A symmetric matrix (its upper triangle garbage: only the lower one is read) of a
    kind that exercises every pivot: Gaussian, small integers (ties and exact zeros),
    entries of wildly different sizes, or sparse."""
    n, seed = draw(st.integers(1, max_n)), draw(st.integers(0, 2 ** 32 - 1))
    kind = draw(st.sampled_from(["normal", "integers", "scales", "sparse"]))
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n))
    if kind == "integers":
        a = np.round(2 * a)
    elif kind == "scales":
        a = a * np.exp(rng.uniform(-5, 5, (n, n)))
    elif kind == "sparse":
        a[rng.random((n, n)) < 0.4] = 0
    return np.tril(a) + np.tril(a, -1).T + np.triu(rng.standard_normal((n, n)), 1)


@settings(max_examples=200, deadline=None)
@given(a=symmetric(), float32=st.booleans())
def test_factors_match_torch(a, float32):
    x = a.astype(np.float32 if float32 else np.float64)
    ours = minigrad.linalg.ldl_factor_ex(minigrad.tensor(x))
    theirs = torch.linalg.ldl_factor_ex(torch.tensor(x))
    assert ours.pivots.dtype == minigrad.int32
    assert str(ours.LD.dtype) == str(theirs.LD.dtype).removeprefix("torch.")
    scale = np.abs(theirs.LD.numpy()).max()
    if np.abs(np.linalg.eigvalsh(np.tril(a) + np.tril(a, -1).T)).min() <= 1e-6 * scale:
        # Exactly singular: from the first pivot that is rounding residue in PyTorch's
        # factors (LAPACK's updates use fused multiply-adds, NumPy's do not), rounding
        # decides the rest, so only the pivots before it are compared.
        d = np.abs(np.diagonal(theirs.LD.numpy()))
        tiny = np.flatnonzero(d <= scale * (1e-5 if float32 else 1e-12))
        k = tiny[0] if tiny.size else len(d)
        np.testing.assert_array_equal(ours.pivots.numpy()[:k], theirs.pivots.numpy()[:k])
        return
    np.testing.assert_array_equal(ours.pivots.numpy(), theirs.pivots.numpy())
    np.testing.assert_allclose(ours.LD.numpy(), theirs.LD.numpy(), rtol=1e-4 if float32 else 1e-10,
                               atol=scale * (3e-6 if float32 else 1e-14))
    assert int(ours.info) == int(theirs.info) == 0


@settings(max_examples=60, deadline=None)
@given(a=symmetric(), batched=st.booleans(), columns=st.integers(1, 3),
       seed=st.integers(0, 2 ** 16))
def test_solve_matches_torch(a, batched, columns, seed):
    n = a.shape[0]
    rng = np.random.default_rng(seed)
    a = a + np.diag(np.sign(np.diag(a)) + 0.5)  # keep away from singular
    b = rng.standard_normal((2, n, columns) if batched else (n, columns))
    A = np.stack([a, a.T]) if batched and seed % 2 else a  # same batch, or broadcast B

    def program(lib):
        LD, pivots = lib.linalg.ldl_factor(lib.tensor(A))
        return lib.linalg.ldl_solve(LD, pivots, lib.tensor(b))
    differential.compare(program, rtol=1e-7, atol=1e-9)


def test_batches_info_and_singular():
    batch = [[[0.0, 1.0], [1.0, 0.0]], [[2.0, 1.0], [1.0, 3.0]], [[0.0, 0.0], [0.0, 0.0]]]
    differential.compare(lambda lib: lib.linalg.ldl_factor_ex(lib.tensor(batch)))
    differential.compare(lambda lib: lib.linalg.ldl_factor(lib.zeros(0, 0)))
    differential.compare(lambda lib: lib.linalg.ldl_factor(lib.full((2, 2), float("nan"))))
    differential.both_raise(lambda lib: lib.linalg.ldl_factor(lib.zeros(3, 3)), RuntimeError)
    differential.both_raise(lambda lib: lib.linalg.ldl_factor_ex(lib.zeros(3, 3),
                                                                 check_errors=True), RuntimeError)


def test_no_derivative_and_out():
    a = [[2.0, 1.0], [1.0, -3.0]]
    for lib in (minigrad, torch):
        leaf = lib.tensor(a, requires_grad=True)
        LD, pivots = lib.linalg.ldl_factor(leaf)
        assert LD.requires_grad and not pivots.requires_grad
        with pytest.raises(RuntimeError, match="ldl_factor"):
            LD.sum().backward()
        b = lib.tensor([[1.0], [2.0]], requires_grad=True)
        x = lib.linalg.ldl_solve(LD.detach(), pivots, b)
        with pytest.raises(RuntimeError, match="ldl_solve"):
            x.sum().backward()
    outs = (minigrad.empty(0), minigrad.empty(0, dtype=minigrad.int32))
    result = minigrad.linalg.ldl_factor(minigrad.tensor(a), out=outs)
    assert result.LD is outs[0] and result.pivots is outs[1]
    np.testing.assert_allclose(outs[0].numpy(), torch.linalg.ldl_factor(torch.tensor(a)).LD)


F64 = np.float64
FACTOR_ERRORS = [((3,), F64), ((3, 2), F64), ((3, 3), np.int64), ((2, 2), np.float16)]


@pytest.mark.parametrize("shape, dtype", FACTOR_ERRORS)
def test_factor_errors_as_torch(shape, dtype):
    same_error(torch, lambda lib, x: lib.linalg.ldl_factor(x), np.ones(shape, dtype))
    same_error(torch, lambda lib, x: lib.linalg.ldl_factor_ex(x), np.ones(shape, dtype))


SOLVE_ERRORS = [  # LD shape, pivots shape, B shape, B dtype
    ((3, 3), (3,), (3,), F64), ((3, 3), (3,), (2, 2), F64), ((3, 3), (2,), (3, 2), F64),
    ((3, 3), (3,), (3, 2), np.float32), ((3, 2), (3,), (3, 2), F64),
    ((2, 3, 3), (3,), (3, 2), F64)]


@pytest.mark.parametrize("case", SOLVE_ERRORS)
def test_solve_errors_as_torch(case):
    ld, piv, b, dtype = case
    same_error(torch, lambda lib, x, p, y: lib.linalg.ldl_solve(x, p, y),
               np.eye(*ld[-2:]) * np.ones(ld[:-2] + (1, 1)), np.ones(piv, np.int32),
               np.ones(b, dtype))
