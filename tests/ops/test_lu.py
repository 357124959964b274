"""minigrad/ops/lu.py against PyTorch: the LU family (``linalg.lu``, ``lu_factor``,
``lu_factor_ex``, ``lu_solve``, ``lu_unpack`` and the deprecated ``lu``, ``lu_solve``),
the Cholesky solves, ``triangular_solve`` and the ``*_ex`` spellings of ``cholesky``,
``inv`` and ``solve``.

Each differentiable case runs in both libraries through ``differential.compare`` (values,
shapes, dtypes, the gradient of a weighted sum of the outputs and its derivative again).
Partial pivoting is deterministic (the largest entry of the column), so the factors and
the int32 pivots are compared as they are.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

import minigrad  # noqa: E402
from differential import compare, f64, seeded  # noqa: E402
from test_decompositions import _check, _graded  # noqa: E402  (tests/ops is on the path)


def _spd(lib, x):
    """A symmetric positive-definite matrix from any square ``x``."""
    return x @ x.mT + 4 * lib.eye(x.shape[-1], dtype=x.dtype)


def _chol(lib, x, upper=False):
    return lib.linalg.cholesky(_spd(lib, x), upper=upper)


GRADED = {
    "lu square": (lambda L, x: L.linalg.lu(x), (3, 3)),
    "lu batched": (lambda L, x: L.linalg.lu(x), (2, 4, 4)),
    "lu wide": (lambda L, x: L.linalg.lu(x), (2, 3, 5)),
    "lu tall": (lambda L, x: L.linalg.lu(x), (5, 3)),
    "lu_factor": (lambda L, x: L.linalg.lu_factor(x), (2, 4, 4)),
    "lu_factor wide": (lambda L, x: L.linalg.lu_factor(x), (3, 4)),
    "lu_factor tall": (lambda L, x: L.linalg.lu_factor(x), (4, 2)),
    "lu_factor_ex": (lambda L, x: L.linalg.lu_factor_ex(x), (3, 3)),
    "lu_unpack": (lambda L, x: L.lu_unpack(*L.linalg.lu_factor(x)), (2, 3, 3)),
    "lu_unpack tall": (lambda L, x: L.lu_unpack(*L.linalg.lu_factor(x)), (4, 3)),
    "lu_unpack wide": (lambda L, x: L.lu_unpack(*L.linalg.lu_factor(x)), (3, 4)),
    "lu_solve": (lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b),
                 (2, 3, 3), (2, 3, 2)),
    "lu_solve broadcast": (lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b),
                           (3, 3), (2, 3, 2)),
    "lu_solve adjoint": (lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b,
                                                           adjoint=True), (3, 3), (3, 2)),
    "lu_solve right": (lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b,
                                                         left=False), (2, 3, 3), (2, 3)),
    "lu_solve right adjoint": (lambda L, a, b: L.linalg.lu_solve(
        *L.linalg.lu_factor(a), b, left=False, adjoint=True), (3, 3), (2, 2, 3)),
    "lu_solve of the raw LU": (lambda L, a, b: L.linalg.lu_solve(
        a, L.linalg.lu_factor(a.detach()).pivots, b), (3, 3), (3, 1)),
    "torch.lu_solve": (lambda L, a, b: L.lu_solve(b, *L.linalg.lu_factor(a)), (3, 3), (3, 2)),
    "torch.lu": (lambda L, a: L.lu(a), (2, 3, 3)),
    "torch.lu get_infos": (lambda L, a: L.lu(a, get_infos=True), (3, 3)),
    "cholesky_solve": (lambda L, a, b: L.cholesky_solve(b, _chol(L, a)), (2, 3, 3), (2, 3, 2)),
    "cholesky_solve upper": (lambda L, a, b: L.cholesky_solve(b, _chol(L, a, True), True),
                             (3, 3), (2, 3, 1)),
    "cholesky_solve of a full L": (lambda L, a, b: L.cholesky_solve(b, a + 3 * L.eye(3,
                                   dtype=a.dtype)), (3, 3), (3, 2)),
    "cholesky_inverse": (lambda L, a: L.cholesky_inverse(_chol(L, a)), (2, 3, 3)),
    "cholesky_inverse upper": (lambda L, a: L.cholesky_inverse(_chol(L, a, True), upper=True),
                               (3, 3)),
    "triangular_solve": (lambda L, a, b: L.triangular_solve(b, a), (2, 3, 3), (2, 3, 2)),
    "triangular_solve lower T unit": (lambda L, a, b: L.triangular_solve(
        b, a + 3 * L.eye(3, dtype=a.dtype), False, True, True), (3, 3), (2, 3, 2)),
    "cholesky_ex": (lambda L, a: L.linalg.cholesky_ex(_spd(L, a)), (2, 3, 3)),
    "cholesky_ex upper": (lambda L, a: L.linalg.cholesky_ex(_spd(L, a), upper=True), (3, 3)),
    "inv_ex": (lambda L, a: L.linalg.inv_ex(a), (2, 3, 3)),
    "solve_ex": (lambda L, a, b: L.linalg.solve_ex(a, b), (2, 3, 3), (2, 3, 2)),
    "solve_ex vector": (lambda L, a, b: L.linalg.solve_ex(a, b), (3, 3), (3,)),
    "solve_ex right": (lambda L, a, b: L.linalg.solve_ex(a, b, left=False), (3, 3), (2, 3)),
}


@pytest.mark.parametrize("name", list(GRADED))
def test_values_gradients_and_second_derivatives_match_torch(name):
    fn, *shapes = GRADED[name]
    _check(_graded(fn, *shapes), name, rtol=1e-6, atol=1e-8)


SINGULAR = np.array([[1.0, 2, 3], [2, 4, 6], [1, 0, 1]])
NOT_PD = np.array([[1.0, 2, 1], [2, 4, 0], [1, 0, 1]])


def _run(fn, *arrays):
    def program(lib):
        return fn(lib, *[f64(lib, a) for a in arrays])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = compare(program, "no gradient", rtol=1e-6, atol=1e-8)  # float32: rounding
    assert theirs is None, f"PyTorch raised {theirs!r}"


@pytest.mark.parametrize("fn, arrays", [
    (lambda L, a: L.linalg.lu_factor_ex(a), (np.stack([seeded(0, (3, 3)), SINGULAR]),)),
    (lambda L, a: L.linalg.lu(a), (SINGULAR,)),
    (lambda L, a: L.linalg.lu(a), (np.zeros((2, 0, 3)),)),
    (lambda L, a: L.linalg.lu_factor(a), (np.zeros((0, 3, 3)),)),
    (lambda L, a: L.linalg.lu_factor(a.float()), (seeded(1, (2, 4, 4)),)),
    (lambda L, a: L.lu_unpack(*L.linalg.lu_factor(a), unpack_data=False),
     (seeded(2, (3, 3)),)),
    (lambda L, a: L.lu_unpack(*L.linalg.lu_factor(a), unpack_pivots=False),
     (seeded(2, (3, 3)),)),
    (lambda L, a: L.linalg.cholesky_ex(a), (np.stack([np.eye(3), NOT_PD]),)),
    (lambda L, a: L.linalg.inv_ex(a), (np.stack([np.eye(3) * 2, SINGULAR]),)),
    (lambda L, a: L.linalg.inv_ex(a).info, (SINGULAR,)),
    (lambda L, a, b: L.linalg.solve_ex(a, b),
     (np.stack([np.eye(3), SINGULAR]), np.ones((2, 3)))),
    (lambda L, a, b: L.linalg.solve_ex(a, b), (SINGULAR, np.ones((3, 2)))),
    (lambda L, a: L.linalg.lu(a, pivot=True).P.requires_grad, (seeded(3, (3, 3)),)),
])
def test_results_without_gradients_match_torch(fn, arrays):
    _run(fn, *arrays)


@st.composite
def _shapes(draw):
    batch = draw(st.lists(st.integers(0, 2), max_size=2))
    return tuple(batch) + (draw(st.integers(1, 5)), draw(st.integers(1, 5)))


@settings(max_examples=30, deadline=None)
@given(_shapes(), st.integers(0, 2 ** 16))
def test_factors_and_pivots_match_torch_for_any_shape(shape, seed):
    a = np.random.default_rng(seed).standard_normal(shape)
    a[..., 0, :] = np.round(a[..., 0, :])  # ties and zeros among the pivot candidates
    _run(lambda L, x: tuple(L.linalg.lu(x)) + tuple(L.linalg.lu_factor_ex(x)), a)


X = seeded(5, (3, 3))

RAISES = {
    "lu_factor of a vector": (RuntimeError, lambda L, x: L.linalg.lu_factor(x[0])),
    "lu_factor of int": (NotImplementedError, lambda L, x: L.linalg.lu_factor(x.long())),
    "lu of float16": (NotImplementedError, lambda L, x: L.linalg.lu(x.half())),
    "lu without pivoting": (RuntimeError, lambda L, x: L.linalg.lu(x, pivot=False)),
    "lu_factor_ex without pivoting": (RuntimeError, lambda L, x: L.linalg.lu_factor_ex(
        x, pivot=False)),
    "lu_factor singular": (RuntimeError, lambda L, x: L.linalg.lu_factor(
        L.tensor(SINGULAR))),
    "lu_factor_ex check_errors": (RuntimeError, lambda L, x: L.linalg.lu_factor_ex(
        L.stack([x, L.tensor(SINGULAR)]), check_errors=True)),
    "lu_solve not square": (RuntimeError, lambda L, x: L.linalg.lu_solve(
        x[:2], L.ones(2, dtype=L.int32), x)),
    "lu_solve B a vector": (RuntimeError, lambda L, x: L.linalg.lu_solve(
        *L.linalg.lu_factor(x), x[0])),
    "lu_solve dtypes": (RuntimeError, lambda L, x: L.linalg.lu_solve(
        *L.linalg.lu_factor(x), x.float())),
    "lu_solve int64 pivots": (RuntimeError, lambda L, x: L.linalg.lu_solve(
        x, L.tensor([1, 2, 3]), x)),
    "lu_solve few pivots": (RuntimeError, lambda L, x: L.linalg.lu_solve(
        x, L.tensor([1, 2], dtype=L.int32), x)),
    "lu_solve shapes": (RuntimeError, lambda L, x: L.linalg.lu_solve(
        *L.linalg.lu_factor(x), x[:2])),
    "lu_unpack int64 pivots": (RuntimeError, lambda L, x: L.lu_unpack(x, L.tensor([1, 2, 3]))),
    "lu_unpack pivots out of range": (RuntimeError, lambda L, x: L.lu_unpack(
        x, L.tensor([1, 2, 4], dtype=L.int32))),
    "cholesky_solve b a vector": (RuntimeError, lambda L, x: L.cholesky_solve(x[0], x)),
    "cholesky_solve dtypes": (RuntimeError, lambda L, x: L.cholesky_solve(x.float(), x)),
    "cholesky_solve sizes": (RuntimeError, lambda L, x: L.cholesky_solve(x[:2], x)),
    "cholesky_solve of int": (NotImplementedError, lambda L, x: L.cholesky_solve(
        x.long(), x.long())),
    "cholesky_inverse not square": (RuntimeError, lambda L, x: L.cholesky_inverse(x[:, :2])),
    "triangular_solve b a vector": (RuntimeError, lambda L, x: L.triangular_solve(x[0], x)),
    "triangular_solve sizes": (RuntimeError, lambda L, x: L.triangular_solve(x[:2], x)),
    "triangular_solve dtypes": (RuntimeError, lambda L, x: L.triangular_solve(x.float(), x)),
    "cholesky_ex not square": (RuntimeError, lambda L, x: L.linalg.cholesky_ex(x[:2])),
    "cholesky_ex of int": (RuntimeError, lambda L, x: L.linalg.cholesky_ex(x.int())),
    "cholesky_ex check_errors": (RuntimeError, lambda L, x: L.linalg.cholesky_ex(
        L.stack([L.eye(3, dtype=x.dtype), -x @ x.mT]), check_errors=True)),
    "inv_ex not square": (RuntimeError, lambda L, x: L.linalg.inv_ex(x[:2])),
    "inv_ex check_errors": (RuntimeError, lambda L, x: L.linalg.inv_ex(
        L.tensor(SINGULAR), check_errors=True)),
    "solve_ex check_errors": (RuntimeError, lambda L, x: L.linalg.solve_ex(
        L.tensor(SINGULAR), x, check_errors=True)),
    "solve_ex shapes": (RuntimeError, lambda L, x: L.linalg.solve_ex(x, x[0], left=False)),
}


@pytest.mark.parametrize("name", list(RAISES))
def test_rejected_inputs_raise_like_torch(name):
    """Both raise ``error`` (PyTorch's LinAlgError is its own class; minigrad's, like it, is
    a RuntimeError)."""
    error, fn = RAISES[name]
    for lib in (minigrad, torch):
        with warnings.catch_warnings(), pytest.raises(error):
            warnings.simplefilter("ignore")
            fn(lib, f64(lib, X))


@pytest.mark.parametrize("call, message", [
    (lambda: minigrad.linalg.lu_factor(minigrad.tensor(np.stack([X, SINGULAR]))),
     r"^torch\.linalg\.lu_factor: \(Batch element 1\): U\[3,3\] is zero"),
    (lambda: minigrad.linalg.inv_ex(minigrad.tensor(SINGULAR), check_errors=True),
     r"^linalg\.inv_ex: The diagonal element 3 is zero"),
    (lambda: minigrad.linalg.cholesky_ex(minigrad.tensor(NOT_PD), check_errors=True),
     r"the leading minor of order 2 is not positive-definite"),
    (lambda: minigrad.cholesky_solve(minigrad.ones(2, 1), minigrad.eye(3)),
     r"each A matrix is 3 by 3 but each b matrix is 2 by 1"),
])
def test_error_messages_name_the_op_and_the_shapes(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()


def test_the_errors_of_the_ex_spellings_are_linalg_errors():
    with pytest.raises(minigrad.linalg.LinAlgError):
        minigrad.linalg.solve_ex(minigrad.tensor(SINGULAR),
                                 minigrad.ones(3, dtype=minigrad.float64), check_errors=True)


@pytest.mark.parametrize("call", [
    lambda L: L.lu(L.eye(3)),
    lambda L: L.lu_solve(L.ones(3, 1), *L.linalg.lu_factor(L.eye(3))),
    lambda L: L.triangular_solve(L.ones(3, 1), L.eye(3)),
])
def test_the_deprecated_spellings_warn(call):
    with pytest.warns(UserWarning, match="deprecated"):
        call(minigrad)


def test_the_named_tuples_are_torchs():
    a = minigrad.eye(3)
    cases = [(minigrad.linalg.lu(a), torch.linalg.lu(torch.eye(3))),
             (minigrad.linalg.lu_factor_ex(a), torch.linalg.lu_factor_ex(torch.eye(3))),
             (minigrad.linalg.inv_ex(a), torch.linalg.inv_ex(torch.eye(3))),
             (minigrad.linalg.cholesky_ex(a), torch.linalg.cholesky_ex(torch.eye(3)))]
    for mine, theirs in cases:
        assert type(mine).__name__ == type(theirs).__name__ and len(mine) == len(theirs)
        for field in mine._fields:
            getattr(theirs, field)


def test_out_writes_the_factors():
    A = minigrad.tensor(X)
    LU, piv = minigrad.empty(0, dtype=minigrad.float64), minigrad.empty(0, dtype=minigrad.int32)
    result = minigrad.linalg.lu_factor(A, out=(LU, piv))
    assert result.LU is LU and result.pivots is piv
    np.testing.assert_allclose(LU.numpy(), torch.linalg.lu_factor(torch.tensor(X)).LU.numpy())


def test_tensor_methods():
    A = minigrad.tensor(X @ X.T + 4 * np.eye(3))
    L = minigrad.linalg.cholesky(A)
    b = minigrad.ones(3, 2, dtype=minigrad.float64)
    np.testing.assert_allclose(b.cholesky_solve(L).numpy(),
                               np.linalg.solve(A.numpy(), b.numpy()))
    np.testing.assert_allclose(L.cholesky_inverse().numpy(), np.linalg.inv(A.numpy()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        LU, piv = A.lu()
        np.testing.assert_allclose(b.lu_solve(LU, piv).numpy(),
                                   np.linalg.solve(A.numpy(), b.numpy()))
        assert b.triangular_solve(L, upper=False).solution.shape == (3, 2)
