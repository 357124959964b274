"""The top-level ATen functions of minigrad/aten_functions.py against PyTorch: the losses
with an integer reduction, convolution, constant_pad_nd, rms_norm, frobenius_norm, the
native_* normalizations and dropout, and the deprecated range (values, dtypes,
gradients, warnings and errors)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from differential import compare, two_derivatives

torch = pytest.importorskip("torch")

rng = np.random.default_rng(1)
X, Y, Z = (rng.standard_normal((4, 5)) for _ in range(3))
P = rng.uniform(0.1, 0.9, (4, 5))
SIGNS = np.sign(rng.standard_normal(4))
SIGNS20 = np.sign(rng.standard_normal((4, 5)))


def _quiet(call):
    def program(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return call(lib)
    return program


LOSSES = {  # name -> (arrays that get gradients, a call of the library and its tensors)
    "binary_cross_entropy_with_logits": ([X], lambda L, x, r: L.binary_cross_entropy_with_logits(x, L.tensor(P), L.tensor(np.abs(Y)), L.tensor(P[0] * 2), r)),
    "kl_div": ([X], lambda L, x, r: L.kl_div(x, L.tensor(P), r)),
    "kl_div, log target": ([X, Y], lambda L, x, y, r: L.kl_div(x, y, r, log_target=True)),
    "cosine_embedding_loss": ([X, Y], lambda L, a, b, r: L.cosine_embedding_loss(a, b, L.tensor(SIGNS), 0.2, r)),
    "hinge_embedding_loss": ([X], lambda L, x, r: L.hinge_embedding_loss(x, L.tensor(SIGNS20), 0.7, r)),
    "margin_ranking_loss": ([X, Y], lambda L, a, b, r: L.margin_ranking_loss(a, b, L.tensor(SIGNS20), 0.1, r)),
    "triplet_margin_loss": ([X, Y, Z], lambda L, a, p, n, r: L.triplet_margin_loss(a, p, n, 1.0, 3.0, 1e-6, True, r)),
    "poisson_nll_loss": ([X], lambda L, x, r: L.poisson_nll_loss(x, L.tensor(P * 3), True, True, 1e-8, r)),
    "poisson_nll_loss, rates": ([P], lambda L, x, r: L.poisson_nll_loss(x, L.tensor(X), False, False, 1e-3, r)),
}


# Piecewise linear: PyTorch's first derivatives do not require grad, minigrad's do (and
# give zero second derivatives), so only the first derivatives are compared.
PIECEWISE_LINEAR = {"hinge_embedding_loss", "margin_ranking_loss"}


def _first_derivatives(call, *arrays):
    def program(L):
        inputs = [L.tensor(a, requires_grad=True) for a in arrays]
        out = call(L, *inputs)
        weights = L.tensor(np.linspace(0.5, 1.5, out.numel()).reshape(tuple(out.shape)))
        return (out,) + L.autograd.grad((out * weights).sum(), inputs)
    return program


@pytest.mark.parametrize("reduction", [0, 1, 2, 5, -1])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_losses_with_integer_reduction_match_torch(name, reduction):
    arrays, call = LOSSES[name]
    derivatives = _first_derivatives if name in PIECEWISE_LINEAR else two_derivatives
    compare(derivatives(lambda L, *t: call(L, *t, reduction), *arrays), name, rtol=1e-8,
            atol=1e-10)


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("reduction", ["mean", True, 1.0, None])
def test_losses_refuse_a_reduction_that_is_not_an_int(name, reduction):
    arrays, call = LOSSES[name]
    compare(lambda L: call(L, *(L.tensor(a) for a in arrays), reduction), name)


def test_kl_div_does_not_warn_and_poisson_needs_every_argument():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        minigrad.kl_div(minigrad.tensor(X), minigrad.tensor(P))
    compare(lambda L: L.poisson_nll_loss(L.tensor(X), L.tensor(P), True, False, 1e-8))


CONVOLUTIONS = [  # input shape, weight shape, stride, padding, dilation, transposed, out pad, groups
    ((2, 4, 9), (6, 2, 3), [2], [1], [1], False, [0], 2),
    ((2, 4, 9), (4, 3, 3), [2], [1], [2], True, [1], 1),
    ((1, 2, 6, 5), (4, 2, 3, 2), [1, 2], [1, 0], [1, 1], False, [0, 0], 1),
    ((1, 2, 6, 5), (2, 3, 3, 3), [2, 2], [1, 1], [1, 1], True, [1, 0], 1),
    ((1, 2, 4, 4, 3), (2, 2, 2, 2, 2), [1], [0], [1], False, [0], 1),
    ((1, 2, 4, 4, 3), (2, 1, 2, 2, 2), [2, 1, 1], [0, 1, 0], [1], True, [1, 0, 0], 1),
]


@pytest.mark.parametrize("case", CONVOLUTIONS)
def test_convolution_matches_torch(case):
    shape, weight, stride, padding, dilation, transposed, extra, groups = case
    bias = weight[1] * groups if transposed else weight[0]
    arrays = rng.standard_normal(shape), rng.standard_normal(weight)
    b = rng.standard_normal(bias)
    # the bias is a constant here: its gradient is constant too, and PyTorch's requires grad
    # under create_graph where minigrad's (as the conv functions give it) does not
    compare(two_derivatives(lambda L, x, w: L.convolution(
        x, w, L.tensor(b), stride, padding, dilation, transposed, extra, groups), *arrays),
        "convolution", rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("code", [
    "L.convolution(L.ones(1, 1, 3), L.ones(1, 1, 2), None, 1, [0], [1], False, [0], 1)",
    "L.convolution(L.ones(1, 3), L.ones(1, 1, 2), None, [1], [0], [1], False, [0], 1)",
    "L.convolution(L.ones(1, 1, 3), L.ones(1, 2), None, [1], [0], [1], False, [0], 1)",
    "L.convolution([1.0], L.ones(1, 1, 2), None, [1], [0], [1], False, [0], 1)",
    "L.constant_pad_nd(L.ones(2, 2), 1)", "L.constant_pad_nd([1.0], [1, 1])",
    "L.native_dropout(L.ones(3), 1.5, True)", "L.frobenius_norm(L.ones(3), 'a')",
])
def test_aten_functions_refuse_as_torch(code):
    compare(_quiet(lambda L: eval(code)), code)


@pytest.mark.parametrize("pad, value", [([1, 2], 0), ([1, 0, -1, 2], 2.5), ([0, 0, 0, 0, 1, 1], -1),
                                        ([-1, -1], 0)])
def test_constant_pad_nd_matches_torch(pad, value):
    compare(two_derivatives(lambda L, x: L.constant_pad_nd(x, pad, value),
                            rng.standard_normal((2, 3, 4))), "constant_pad_nd")
    compare(lambda L: L.constant_pad_nd(L.arange(6).reshape(2, 3), pad, 7))


def test_rms_norm_and_frobenius_norm_match_torch():
    w = rng.standard_normal(5)
    compare(two_derivatives(lambda L, x, w: L.rms_norm(x, [5], w, 1e-3), X, w), rtol=1e-8)
    compare(two_derivatives(lambda L, x: L.rms_norm(x, (4, 5)), X), rtol=1e-8)
    for dim, keepdim in (([0, 1], False), ([1], True), (0, False)):
        compare(_quiet(two_derivatives(lambda L, x: L.frobenius_norm(x, dim, keepdim), X)),
                rtol=1e-8)
    with pytest.warns(UserWarning, match="deprecated"):
        minigrad.frobenius_norm(minigrad.ones(2), [0])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=2, max_size=4), st.integers(1, 2),
       st.booleans(), st.sampled_from(["float32", "float64"]))
def test_native_layer_norm_matches_torch(shape, normalized, affine, dtype):
    normalized = min(normalized, len(shape))
    x = rng.standard_normal(shape)
    w, b = rng.standard_normal(shape[-normalized:]), rng.standard_normal(shape[-normalized:])
    weights = rng.standard_normal(shape)

    def program(L):
        leaf = L.tensor(x, dtype=getattr(L, dtype), requires_grad=True)
        weight, bias = (L.tensor(w, dtype=leaf.dtype), L.tensor(b, dtype=leaf.dtype)) if affine else (None, None)
        out, mean, rstd = L.native_layer_norm(leaf, shape[-normalized:], weight, bias, 1e-5)
        (grad,) = L.autograd.grad((out * L.tensor(weights, dtype=leaf.dtype)).sum(), leaf)
        return out, mean, rstd, grad
    compare(program, "native_layer_norm", rtol=2e-4 if dtype == "float32" else 1e-8,
            atol=1e-4 if dtype == "float32" else 1e-10)  # rstd magnifies rounding: 1/sqrt(eps)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (4, 3, 5), (2, 3, 2, 2)])
def test_native_batch_norm_matches_torch(training, shape):
    x, w, b = rng.standard_normal(shape), rng.standard_normal(3), rng.standard_normal(3)
    mean, var = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    weights = rng.standard_normal(shape)

    def program(L):
        leaf = L.tensor(x, requires_grad=True)
        stats = L.tensor(mean), L.tensor(var)
        out, m, r = L.native_batch_norm(leaf, L.tensor(w), L.tensor(b), *stats, training, 0.3,
                                        1e-4)
        (grad,) = L.autograd.grad((out * L.tensor(weights)).sum(), leaf)
        return out, m, r, grad, stats
    compare(program, "native_batch_norm", rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("p, train", [(0.5, False), (0.0, True), (1.0, True), (0.3, None)])
def test_native_dropout_returns_the_mask(p, train):
    def program(L):
        x = L.tensor(X, requires_grad=True)
        out, mask = L.native_dropout(x, p, train)
        scale = 0.0 if p == 1 else 1 / (1 - p)
        kept = (out.detach() == x.detach() * scale) | (x.detach() == 0)
        (grad,) = L.autograd.grad(out.sum(), x)
        deterministic = p in (0.0, 1.0) or train is False
        return (out is x, mask.dtype == L.bool, out.requires_grad,
                bool((mask == kept).all()), bool((grad == mask * scale).all()),
                (out, mask) if deterministic else None)
    compare(program, "native_dropout")


RANGES = [(1, 4), (0, 1, 0.1), (1, 2, 0.3), (1, 1), (5, 1, -1.5), (4, 1), (1, 4, 0),
          (1, 4, -1), (0.5, 3.5, 1)]


# (PyTorch crashes the process for an integer dtype and a step that truncates to 0)
@pytest.mark.parametrize("args, dtype", [
    (args, dtype) for args in RANGES for dtype in (None, "float64", "int64", "int32")
    if dtype in (None, "float64") or int(args[-1]) != 0])
def test_range_is_end_inclusive_and_warns_as_torch(args, dtype):
    def program(L):
        kwargs = {} if dtype is None else {"dtype": getattr(L, dtype)}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = L.range(*args, **kwargs)
        return out, [w.category.__name__ for w in caught]
    compare(program, f"range{args}")
    compare(_quiet(lambda L: L.range(0, 2, requires_grad=True)))
    compare(_quiet(lambda L: L.range(2)))
