"""minigrad/ops/decompositions.py and matrix_functions.py against PyTorch: QR, eigh, SVD,
the triangular solve, the pseudo-inverse, least squares, the rank, the condition number
and the matrix exponential.

Each differentiable case is a program run in both libraries by ``differential.compare``:
values, shapes and dtypes, the gradient of a weighted sum of the outputs and its
derivative again must agree. Eigenvectors and singular vectors are unique only up to sign
(see the module docstring), so those cases compare sign-free functions of them: squares,
projectors, reconstructions. Q and R (LAPACK's Householder QR, deterministic) and all
eigen- and singular values are compared as they are.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

import minigrad  # noqa: E402
from differential import MINE, compare, f64, seeded  # noqa: E402


def _flat(out):
    return tuple(out) if isinstance(out, tuple) else (out,)


def _graded(fn, *shapes, second=True):
    """A program: ``fn(lib, *inputs)`` on float64 leaves drawn from ``shapes``, returning its
    outputs, the gradient of ``sum(out * w)`` over the outputs that require grad, and
    (with ``second``) the gradient of ``sum(grad * v)``."""
    arrays = [seeded(i, s) for i, s in enumerate(shapes)]

    def program(lib):
        inputs = [f64(lib, a, requires_grad=True) for a in arrays]
        outs = _flat(fn(lib, *inputs))
        live = [t for t in outs if t.requires_grad and t.numel()]
        loss = sum((t * f64(lib, seeded(90 + i, tuple(t.shape)))).sum()
                   for i, t in enumerate(live))
        grads = lib.autograd.grad(loss, inputs, create_graph=second, allow_unused=True)
        result = {"out": outs, "grads": [None if g is None else g.detach() for g in grads]}
        if second:
            used = [(x, g) for x, g in zip(inputs, grads) if g is not None and g.requires_grad]
            total = sum((g * f64(lib, seeded(7, tuple(g.shape)))).sum() for _, g in used)
            seconds = lib.autograd.grad(total, [x for x, _ in used], allow_unused=True)
            result["second"] = [None if s is None else s.detach() for s in seconds]
        return result
    return program


def _check(program, what, **tolerances):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = compare(program, what, **{"rtol": 1e-7, "atol": 1e-9, **tolerances})
    assert theirs is None, f"{what}: PyTorch raised {theirs!r}"


def _sym(x):
    return x + x.mT


def _eye(lib, n):
    return lib.eye(n, dtype=lib.float64)


def _eig_function(lib, r):
    """``V diag(exp(w)) V^T``: free of the eigenvectors' signs."""
    return r.eigenvectors * lib.exp(r.eigenvalues).unsqueeze(-2) @ r.eigenvectors.mT


def _reconstruction(r):
    k = r.S.shape[-1]
    return r.U[..., :k] * r.S.unsqueeze(-2) @ r.Vh[..., :k, :]


# --- differentiable cases: name -> (fn(lib, *inputs), input shapes) ------------------------
CASES = {
    "qr": (lambda L, x: L.linalg.qr(x), [(4, 3)]),
    "qr square batched": (lambda L, x: L.linalg.qr(x), [(2, 3, 3)]),
    "qr wide": (lambda L, x: L.linalg.qr(x), [(3, 5)]),
    "qr complete wide batched": (lambda L, x: L.linalg.qr(x, mode="complete"), [(2, 3, 5)]),
    "qr complete square": (lambda L, x: L.linalg.qr(x, "complete"), [(3, 3)]),
    "qr Q only": (lambda L, x: L.linalg.qr(x).Q, [(4, 2)]),
    "torch.qr": (lambda L, x: L.qr(x), [(2, 4, 3)]),
    "Tensor.qr some=False": (lambda L, x: x.qr(some=False), [(2, 3)]),
    "eigh values": (lambda L, x: L.linalg.eigh(_sym(x)).eigenvalues, [(2, 4, 4)]),
    "eigh squared vectors": (lambda L, x: L.linalg.eigh(_sym(x)).eigenvectors ** 2,
                             [(2, 4, 4)]),
    "eigh V f(w) V^T": (lambda L, x: _eig_function(L, L.linalg.eigh(_sym(x))), [(3, 3)]),
    "eigh reads the lower triangle": (lambda L, x: _eig_function(L, L.linalg.eigh(x)),
                                      [(3, 3)]),
    "eigh UPLO='U'": (lambda L, x: _eig_function(L, L.linalg.eigh(x, UPLO="U")), [(3, 3)]),
    "eigh UPLO='u'": (lambda L, x: L.linalg.eigh(x, "u").eigenvalues, [(2, 3, 3)]),
    "eigvalsh": (lambda L, x: L.linalg.eigvalsh(x), [(2, 3, 3)]),
    "eigvalsh UPLO='U'": (lambda L, x: L.linalg.eigvalsh(x, UPLO="U"), [(3, 3)]),
    "svd values": (lambda L, x: L.linalg.svd(x).S, [(4, 3)]),
    "svd squared U": (lambda L, x: L.linalg.svd(x, full_matrices=False).U ** 2, [(4, 3)]),
    "svd squared Vh": (lambda L, x: L.linalg.svd(x, full_matrices=False).Vh ** 2,
                       [(2, 3, 5)]),
    "svd reconstruction, full": (lambda L, x: _reconstruction(L.linalg.svd(x)), [(5, 3)]),
    "svd U Vh": (lambda L, x: (lambda r: r.U @ r.Vh)(L.linalg.svd(x, False)), [(3, 5)]),
    "svdvals": (lambda L, x: L.linalg.svdvals(x), [(2, 3, 5)]),
    "torch.svd U V^T": (lambda L, x: (lambda r: r.U @ r.V.mT)(L.svd(x)), [(4, 3)]),
    "torch.svd some=False": (lambda L, x: L.svd(x, some=False).V ** 2, [(2, 4)]),
    "torch.svd without U, V": (lambda L, x: L.svd(x, compute_uv=False), [(2, 4, 3)]),
    "Tensor.svd": (lambda L, x: x.svd().S, [(4, 3)]),
    "solve_triangular": (lambda L, a, b: L.linalg.solve_triangular(
        a + 3 * _eye(L, 3), b, upper=True), [(3, 3), (3, 2)]),
    "solve_triangular lower, right, unit, broadcast": (
        lambda L, a, b: L.linalg.solve_triangular(a, b, upper=False, left=False,
                                                  unitriangular=True), [(1, 3, 3), (2, 4, 3)]),
    "pinv": (lambda L, x: L.linalg.pinv(x), [(4, 3)]),
    "pinv wide batched": (lambda L, x: L.linalg.pinv(x), [(2, 3, 5)]),
    "pinv hermitian": (lambda L, x: L.linalg.pinv(_sym(x), hermitian=True), [(3, 3)]),
    "pinv hermitian of a non-symmetric input": (
        lambda L, x: L.linalg.pinv(x, hermitian=True), [(3, 3)]),
    "pinv rtol cuts a singular value": (
        lambda L, x: L.linalg.pinv(x, rtol=0.5), [(4, 3)]),
    "pinverse": (lambda L, x: L.pinverse(x), [(4, 3)]),
    "Tensor.pinverse": (lambda L, x: x.pinverse(), [(3, 4)]),
    "lstsq": (lambda L, a, b: L.linalg.lstsq(a, b), [(5, 3), (5, 2)]),
    "lstsq vector": (lambda L, a, b: L.linalg.lstsq(a, b), [(5, 3), (5,)]),
    "lstsq wide": (lambda L, a, b: L.linalg.lstsq(a, b), [(3, 5), (3, 2)]),
    "lstsq gelsd": (lambda L, a, b: L.linalg.lstsq(a, b, driver="gelsd"), [(5, 3), (5, 2)]),
    "lstsq gels batched": (lambda L, a, b: L.linalg.lstsq(a, b, driver="gels"),
                           [(2, 5, 3), (2, 5, 2)]),
    "lstsq gelss vectors": (lambda L, a, b: L.linalg.lstsq(a, b, None, driver="gelss"),
                            [(2, 5, 3), (2, 5)]),
    "lstsq broadcast": (lambda L, a, b: L.linalg.lstsq(a, b, driver="gelsd"),
                        [(1, 5, 3), (4, 5, 2)]),
    "matrix_exp": (lambda L, x: L.linalg.matrix_exp(x), [(2, 3, 3)]),
    "matrix_exp of a large matrix": (lambda L, x: L.matrix_exp(x * 5), [(4, 4)]),
    "Tensor.matrix_exp": (lambda L, x: x.matrix_exp(), [(3, 3)]),
    "cond": (lambda L, x: L.linalg.cond(x), [(4, 3)]),
    "cond 2": (lambda L, x: L.linalg.cond(x, 2), [(3, 5)]),
    "cond -2": (lambda L, x: L.linalg.cond(x, -2), [(2, 3, 3)]),
    "cond nuc": (lambda L, x: L.linalg.cond(x, "nuc"), [(3, 3)]),
    "matrix_norm 2": (lambda L, x: L.linalg.matrix_norm(x, 2), [(2, 3, 4)]),
    "matrix_norm -2 over dims 0, 2, keepdim": (
        lambda L, x: L.linalg.matrix_norm(x, -2, dim=(0, 2), keepdim=True), [(3, 2, 4)]),
    "matrix_norm nuc, dims reversed": (
        lambda L, x: L.linalg.matrix_norm(x, "nuc", dim=(1, 0)), [(4, 3)]),
    "norm 2 of a matrix": (lambda L, x: L.linalg.norm(x, 2), [(3, 3)]),
    "torch.norm nuc": (lambda L, x: L.norm(x, p="nuc", dim=(1, 2), keepdim=True), [(2, 3, 4)]),
    "Tensor.norm nuc of a matrix": (lambda L, x: x.norm(p="nuc"), [(4, 3)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_values_gradients_and_second_derivatives_match_torch(name):
    fn, shapes = CASES[name]
    _check(_graded(fn, *shapes), name)


@pytest.mark.parametrize("p", ["fro", 1, -1, math.inf, -math.inf])
def test_cond_in_an_inverse_norm(p):
    # PyTorch's values are compared; its gradient raises (its inverse is written in place
    # after being saved), so minigrad's is compared with norm(A) * norm(inv(A)) in PyTorch.
    _check(lambda lib: lib.linalg.cond(f64(lib, seeded(1, (2, 3, 3))), p), f"cond {p}")
    x = seeded(2, (3, 3))
    ours, theirs = MINE.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    MINE.linalg.cond(ours, p).backward()
    N = torch.linalg.matrix_norm
    (N(theirs, p) * N(torch.linalg.inv(theirs), p)).backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-9)


def test_the_named_tuples_are_torchs():
    x = seeded(0, (4, 3))
    calls = [lambda L, a: L.linalg.qr(a), lambda L, a: L.qr(a),
             lambda L, a: L.linalg.eigh(a[:3]), lambda L, a: L.linalg.svd(a),
             lambda L, a: L.svd(a), lambda L, a: L.linalg.lstsq(a, a)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for call in calls:
            ours, theirs = call(MINE, MINE.tensor(x)), call(torch, torch.tensor(x))
            assert type(ours).__name__ == type(theirs).__name__
            assert ours._fields == theirs.__match_args__  # torch's are struct sequences
            assert repr(ours).startswith(f"{MINE.__name__}.return_types."
                                         f"{type(theirs).__name__}(\n{ours._fields[0]}=")


def test_grad_fn_names_match_torch():
    x, b = seeded(0, (3, 3)), seeded(1, (3, 2))
    calls = {"qr": lambda L, a: L.linalg.qr(a).R, "eigh": lambda L, a: L.linalg.eigvalsh(a),
             "svd": lambda L, a: L.linalg.svdvals(a), "pinv": lambda L, a: L.linalg.pinv(a),
             "matrix_exp": lambda L, a: L.linalg.matrix_exp(a),
             "lstsq": lambda L, a: L.linalg.lstsq(a, L.tensor(b)).solution,
             "solve_triangular": lambda L, a: L.linalg.solve_triangular(
                 a, L.tensor(b), upper=True)}
    for name, call in calls.items():
        ours = call(MINE, MINE.tensor(x, requires_grad=True)).grad_fn
        theirs = call(torch, torch.tensor(x, requires_grad=True)).grad_fn
        assert ours.name() == type(theirs).__name__, name


# --- values without gradients: dtypes, empty inputs, flags --------------------------------
def _f32(lib, shape, seed=0):
    return lib.tensor(seeded(seed, shape).astype(np.float32))


def _zeros(lib, *shape):
    return lib.zeros(*shape, dtype=lib.float64)


PLAIN = {
    "qr float32": lambda L: tuple(L.linalg.qr(_f32(L, (2, 4, 3)))),
    "qr mode r": lambda L: tuple(L.linalg.qr(f64(L, seeded(0, (4, 3))), mode="r")),
    "qr mode r wide": lambda L: tuple(L.linalg.qr(f64(L, seeded(0, (3, 4))), "r")),
    "qr of (0, 3)": lambda L: tuple(L.linalg.qr(_zeros(L, 0, 3))),
    "qr complete of (3, 0)": lambda L: tuple(L.linalg.qr(_zeros(L, 3, 0), "complete")),
    "qr of (2, 0, 3)": lambda L: tuple(L.linalg.qr(_zeros(L, 2, 0, 3))),
    "eigh float32": lambda L: L.linalg.eigh(_f32(L, (2, 3, 3))).eigenvalues,
    "eigvalsh float32": lambda L: L.linalg.eigvalsh(_f32(L, (3, 3))),
    "eigh of (0, 0)": lambda L: tuple(L.linalg.eigh(_zeros(L, 0, 0))),
    "eigh of (2, 0, 0)": lambda L: tuple(L.linalg.eigh(_zeros(L, 2, 0, 0))),
    "svd float32": lambda L: L.linalg.svd(_f32(L, (2, 4, 3))).S,
    "matrix_norm 2 float32": lambda L: L.linalg.matrix_norm(_f32(L, (2, 4, 3)), 2),
    "matrix_norm 2 of (2, 0, 3)": lambda L: L.linalg.matrix_norm(_zeros(L, 2, 0, 3), 2),
    "matrix_norm nuc of (2, 0, 3)": lambda L: L.linalg.matrix_norm(_zeros(L, 2, 0, 3), "nuc"),
    "svdvals float32": lambda L: L.linalg.svdvals(_f32(L, (3, 5))),
    "svd of (0, 3)": lambda L: tuple(L.linalg.svd(_zeros(L, 0, 3))),
    "svd reduced of (3, 0)": lambda L: tuple(L.linalg.svd(_zeros(L, 3, 0), False)),
    "svdvals of (2, 0, 3)": lambda L: L.linalg.svdvals(_zeros(L, 2, 0, 3)),
    "torch.svd without U, V, batched": lambda L: tuple(L.svd(f64(L, seeded(0, (2, 3, 4))),
                                                              compute_uv=False)),
    "solve_triangular float32": lambda L: L.linalg.solve_triangular(
        _f32(L, (3, 3)) + 3 * L.eye(3), _f32(L, (3, 2), 1), upper=False),
    "solve_triangular promotes": lambda L: L.linalg.solve_triangular(
        f64(L, seeded(0, (3, 3))) + 3 * _eye(L, 3), _f32(L, (3, 2), 1), upper=True),
    "solve_triangular with a zero on the diagonal": lambda L: L.linalg.solve_triangular(
        _zeros(L, 3, 3), f64(L, seeded(0, (3, 2))), upper=True),
    "solve_triangular of (0, 0)": lambda L: L.linalg.solve_triangular(
        _zeros(L, 0, 0), _zeros(L, 0, 2), upper=True),
    "pinv float32": lambda L: L.linalg.pinv(_f32(L, (4, 3))),
    "pinv atol": lambda L: L.linalg.pinv(f64(L, seeded(0, (4, 3))), atol=1.0),
    "pinv atol and rtol tensors": lambda L: L.linalg.pinv(
        f64(L, seeded(0, (2, 4, 3))), atol=f64(L, [0.0, 1.0]), rtol=f64(L, 0.3)),
    "pinv of (0, 3)": lambda L: L.linalg.pinv(_zeros(L, 0, 3)),
    "pinv of zeros": lambda L: L.linalg.pinv(_zeros(L, 2, 2)),
    "matrix_rank": lambda L: L.linalg.matrix_rank(f64(L, seeded(0, (4, 3)))),
    "matrix_rank of a rank-2 matrix": lambda L: L.linalg.matrix_rank(
        f64(L, seeded(0, (4, 2))) @ f64(L, seeded(1, (2, 3)))),
    "matrix_rank atol tensor": lambda L: L.linalg.matrix_rank(
        f64(L, seeded(0, (2, 4, 3))), atol=f64(L, [0.0, 10.0])),
    "matrix_rank rtol": lambda L: L.linalg.matrix_rank(f64(L, seeded(0, (4, 3))), rtol=0.3),
    "matrix_rank hermitian": lambda L: L.linalg.matrix_rank(
        L.diag(f64(L, [1.0, -1.0, 0.0])), hermitian=True),
    "matrix_rank float32": lambda L: L.linalg.matrix_rank(_f32(L, (3, 3))),
    "matrix_rank of (2, 0, 3)": lambda L: L.linalg.matrix_rank(_zeros(L, 2, 0, 3)),
    "lstsq float32 rcond": lambda L: tuple(L.linalg.lstsq(_f32(L, (5, 3)), _f32(L, (5, 2), 1),
                                                          rcond=0.5, driver="gelsd")),
    "lstsq rank-deficient gelsd": lambda L: tuple(L.linalg.lstsq(
        f64(L, seeded(0, (5, 2))) @ f64(L, seeded(1, (2, 3))), f64(L, seeded(2, (5, 2))),
        driver="gelsd")),
    "lstsq of (0, 3)": lambda L: tuple(L.linalg.lstsq(_zeros(L, 0, 3), _zeros(L, 0, 2))),
    "lstsq of (5, 0)": lambda L: tuple(L.linalg.lstsq(_zeros(L, 5, 0), _zeros(L, 5, 2))),
    "matrix_exp float32": lambda L: L.linalg.matrix_exp(_f32(L, (2, 3, 3))),
    "matrix_exp of (0, 0)": lambda L: L.linalg.matrix_exp(_zeros(L, 0, 0)),
    "matrix_exp of zeros": lambda L: L.matrix_exp(_zeros(L, 2, 2)),
    "cond of zeros": lambda L: [L.linalg.cond(_zeros(L, 3, 3), p)
                                for p in (None, 2, -2, "fro", "nuc", math.inf, 1)],
    "cond of a singular matrix": lambda L: [
        L.linalg.cond(f64(L, [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]]), p)
        for p in ("fro", math.inf, -1)],
    "cond of empty matrices": lambda L: [L.linalg.cond(_zeros(L, 2, 0, 0)),
                                         L.linalg.cond(_zeros(L, 0, 3), 1)],
    "cond float32": lambda L: L.linalg.cond(_f32(L, (3, 3)), "nuc"),
}


@pytest.mark.parametrize("name", list(PLAIN))
def test_results_without_gradients_match_torch(name):
    _check(PLAIN[name], name, rtol=1e-5, atol=1e-6)


def test_at_repeated_values_only_the_vectors_gradient_is_undefined():
    # PyTorch: NaN through the eigenvectors or singular vectors, finite through the values
    programs = {
        "eigh vectors": lambda L, x: L.linalg.eigh(x).eigenvectors,
        "eigh values": lambda L, x: L.linalg.eigh(x).eigenvalues,
        "eigvalsh": lambda L, x: L.linalg.eigvalsh(x),
        "svd U": lambda L, x: L.linalg.svd(x).U,
        "svd S": lambda L, x: L.linalg.svd(x).S,
        "svdvals": lambda L, x: L.linalg.svdvals(x)}
    for name, fn in programs.items():
        def program(lib):
            x = lib.eye(3, dtype=lib.float64, requires_grad=True)
            return lib.autograd.grad(fn(lib, x).sum(), x)
        _check(program, name)


@st.composite
def _matrices(draw):
    batch = draw(st.sampled_from([(), (2,), (1, 2)]))
    m, n = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1))).standard_normal(
        batch + (m, n))


@given(a=_matrices())
def test_sign_free_values_match_torch_for_any_shape(a):
    def program(lib):
        x = f64(lib, a)
        U, S, Vh = lib.linalg.svd(x, full_matrices=False)
        Q, R = lib.linalg.qr(x)
        w, V = lib.linalg.eigh(x[..., :1, :1] + _sym(x @ x.mT))
        return {"S": S, "projector": U @ U.mT, "|Vh|": Vh.abs(), "U S Vh": _reconstruction(
            lib.linalg.svd(x)), "Q": Q, "R": R, "w": w, "V f(w) V^T": V * w.unsqueeze(-2) @ V.mT,
            "pinv": lib.linalg.pinv(x), "rank": lib.linalg.matrix_rank(x)}
    _check(program, f"shape {a.shape}")


# --- what raises ----------------------------------------------------------------------------
X = seeded(5, (3, 3))
RAISES = {
    "qr of int": (RuntimeError, lambda L, x: L.linalg.qr(x.long())),
    "torch.norm nuc over three dims": (RuntimeError, lambda L, x: L.norm(x[None], p="nuc")),
    "matrix_norm -2 of an empty matrix": (IndexError, lambda L, x: L.linalg.matrix_norm(
        x[:, :0], -2)),
    "qr of a vector": (RuntimeError, lambda L, x: L.linalg.qr(x[0])),
    "qr bad mode": (RuntimeError, lambda L, x: L.linalg.qr(x, mode="full")),
    "qr of float16": (NotImplementedError, lambda L, x: L.linalg.qr(x.half())),
    "torch.qr of int": (RuntimeError, lambda L, x: L.qr(x.int())),
    "qr mode r backward": (RuntimeError, lambda L, x: L.linalg.qr(
        x.requires_grad_(), mode="r").R.sum().backward()),
    "qr complete tall backward": (RuntimeError, lambda L, x: L.linalg.qr(
        x[:, :2].requires_grad_(), "complete").R.sum().backward()),
    "eigh of int": (NotImplementedError, lambda L, x: L.linalg.eigh(x.long())),
    "eigvalsh of float16": (NotImplementedError, lambda L, x: L.linalg.eigvalsh(x.half())),
    "eigh not square": (RuntimeError, lambda L, x: L.linalg.eigh(x[:2])),
    "eigh of a vector": (RuntimeError, lambda L, x: L.linalg.eigh(x[0])),
    "eigh bad UPLO": (RuntimeError, lambda L, x: L.linalg.eigh(x, UPLO="X")),
    "eigvalsh bad UPLO": (RuntimeError, lambda L, x: L.linalg.eigvalsh(x, "lower")),
    "svd of int": (RuntimeError, lambda L, x: L.linalg.svd(x.long())),
    "svd of a vector": (RuntimeError, lambda L, x: L.linalg.svd(x[0])),
    "svd of float16": (NotImplementedError, lambda L, x: L.linalg.svd(x.half())),
    "svdvals of bool": (RuntimeError, lambda L, x: L.linalg.svdvals(x > 0)),
    "svd driver on the CPU": (RuntimeError, lambda L, x: L.linalg.svd(x, driver="gesvd")),
    "svdvals driver on the CPU": (RuntimeError, lambda L, x: L.linalg.svdvals(x, driver="gesvdj")),
    "torch.svd of int": (RuntimeError, lambda L, x: L.svd(x.long())),
    "solve_triangular without upper": (TypeError, lambda L, x: L.linalg.solve_triangular(x, x)),
    "solve_triangular B a vector": (RuntimeError, lambda L, x: L.linalg.solve_triangular(
        x, x[0], upper=True)),
    "solve_triangular A not square": (RuntimeError, lambda L, x: L.linalg.solve_triangular(
        x[:2], x, upper=True)),
    "solve_triangular shapes": (RuntimeError, lambda L, x: L.linalg.solve_triangular(
        x, x[:, :2], upper=False, left=False)),
    "solve_triangular batches": (RuntimeError, lambda L, x: L.linalg.solve_triangular(
        x.expand(2, 3, 3), x.expand(3, 3, 3), upper=True)),
    "solve_triangular of int": (NotImplementedError, lambda L, x: L.linalg.solve_triangular(
        x.int(), x.int(), upper=True)),
    "pinv of a vector": (RuntimeError, lambda L, x: L.linalg.pinv(x[0])),
    "pinv of int": (RuntimeError, lambda L, x: L.linalg.pinv(x.long())),
    "pinv hermitian not square": (RuntimeError, lambda L, x: L.linalg.pinv(
        x[:2], hermitian=True)),
    "pinv tolerances of another batch": (RuntimeError, lambda L, x: L.linalg.pinv(
        x.expand(2, 3, 3), atol=L.zeros(3, dtype=L.float64))),
    "pinverse of int": (RuntimeError, lambda L, x: L.pinverse(x.int())),
    "lstsq driver": (RuntimeError, lambda L, x: L.linalg.lstsq(x, x, driver="gelsx")),
    "lstsq rows": (RuntimeError, lambda L, x: L.linalg.lstsq(x, x[:2])),
    "lstsq dtypes": (RuntimeError, lambda L, x: L.linalg.lstsq(x, x.float())),
    "lstsq of int": (RuntimeError, lambda L, x: L.linalg.lstsq(x.long(), x.long())),
    "lstsq of a vector": (RuntimeError, lambda L, x: L.linalg.lstsq(x[0], x[0])),
    "lstsq dims": (RuntimeError, lambda L, x: L.linalg.lstsq(x, x.expand(2, 3, 3))),
    "matrix_rank of int": (RuntimeError, lambda L, x: L.linalg.matrix_rank(x.long())),
    "matrix_rank of a vector": (RuntimeError, lambda L, x: L.linalg.matrix_rank(x[0])),
    "matrix_rank hermitian not square": (RuntimeError, lambda L, x: L.linalg.matrix_rank(
        x[:2], hermitian=True)),
    "matrix_exp not square": (RuntimeError, lambda L, x: L.linalg.matrix_exp(x[:2])),
    "matrix_exp of a vector": (RuntimeError, lambda L, x: L.linalg.matrix_exp(x[0])),
    "matrix_exp of int": (RuntimeError, lambda L, x: L.matrix_exp(x.long())),
    "cond fro not square": (RuntimeError, lambda L, x: L.linalg.cond(x[:2], "fro")),
    "cond bad order": (RuntimeError, lambda L, x: L.linalg.cond(x, 3)),
    "cond bad string": (RuntimeError, lambda L, x: L.linalg.cond(x, "max")),
    "cond of int": (RuntimeError, lambda L, x: L.linalg.cond(x.long())),
}


@pytest.mark.parametrize("name", list(RAISES))
def test_rejected_inputs_raise_like_torch(name):
    error, fn = RAISES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = compare(lambda lib: fn(lib, f64(lib, X)), name)
    assert isinstance(theirs, error), f"PyTorch raised {type(theirs).__name__}, not {error}"


@pytest.mark.parametrize("call, message", [
    (lambda: minigrad.linalg.qr(minigrad.ones(3, dtype=minigrad.int64)),
     r"^linalg\.qr: Expected a floating point .* Got int64"),
    (lambda: minigrad.linalg.qr(minigrad.ones(3)),
     r"^linalg\.qr: .* at least 2 dimensions, got shape \(3,\)"),
    (lambda: minigrad.linalg.eigh(minigrad.ones(2, 3)),
     r"^linalg\.eigh: A must be batches of square matrices, but got shape \(2, 3\)"),
    (lambda: minigrad.linalg.svd(minigrad.ones(2, 2, dtype=minigrad.float16)),
     r'^linalg\.svd: "linalg_svd_cpu" not implemented for float16 \(shape \(2, 2\)\)'),
    (lambda: minigrad.linalg.solve_triangular(minigrad.ones(3, 3), minigrad.ones(2, 2),
                                              upper=True),
     r"^linalg\.solve_triangular: Incompatible shapes .* \(3x3 and 2x2\)"),
    (lambda: minigrad.linalg.lstsq(minigrad.ones(3, 2), minigrad.ones(4, 2)),
     r"^linalg\.lstsq: input\.size\(-2\) .* \(got shapes \(3, 2\) and \(4, 2\)\)"),
    (lambda: minigrad.linalg.pinv(minigrad.ones(3)), r"^linalg\.pinv\(float32\[3\]\)"),
])
def test_error_messages_name_the_op_and_the_input(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()


def test_torch_qr_is_deprecated_with_a_warning_as_in_torch():
    # PyTorch warns once per process (so not here if another test called it first)
    with pytest.warns(UserWarning, match="torch.qr is deprecated"):
        minigrad.qr(minigrad.eye(2))
    with pytest.warns(UserWarning, match="torch.qr is deprecated"):
        minigrad.eye(2).qr()
