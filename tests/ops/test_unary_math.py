"""minigrad/ops/unary_math.py (and erf, erfc, frac, sgn, nan_to_num, neg), against PyTorch
and at the special points where PyTorch defines a value.

Each function is a program run in both libraries (tests/differential.py): the values, the
gradient of a weighted sum and its derivative once more (create_graph), on random values
inside the domain and on 0, -0, +-1, +-inf and NaN. The dtypes of integer and bool inputs
are compared in tests/ops/test_promotion.py; the gradients by finite differences in
tests/test_primitive_coverage.py.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from minigrad.testing.strategies import arrays, shapes

from differential import compare, f64, needs_torch, two_derivatives

# name: (the call, the domain random values are drawn from)
UNARY = {
    "log1p": (lambda L, x: L.log1p(x), (-0.9, 3)),
    "expm1": (lambda L, x: x.expm1(), (-3, 3)),
    "exp2": (lambda L, x: L.exp2(x), (-3, 3)),
    "log2": (lambda L, x: L.log2(x), (0.1, 5)),
    "log10": (lambda L, x: x.log10(), (0.1, 5)),
    "reciprocal": (lambda L, x: L.reciprocal(x), (0.2, 3)),
    "rsqrt": (lambda L, x: x.rsqrt(), (0.1, 5)),
    "tan": (lambda L, x: L.tan(x), (-1.2, 1.2)),
    "atan": (lambda L, x: x.atan(), (-3, 3)),
    "arctan": (lambda L, x: L.arctan(x), (-3, 3)),
    "asin": (lambda L, x: L.asin(x), (-0.9, 0.9)),
    "arcsin": (lambda L, x: x.arcsin(), (-0.9, 0.9)),
    "acos": (lambda L, x: x.acos(), (-0.9, 0.9)),
    "sinh": (lambda L, x: L.sinh(x), (-3, 3)),
    "cosh": (lambda L, x: x.cosh(), (-3, 3)),
    "asinh": (lambda L, x: L.asinh(x), (-3, 3)),
    "acosh": (lambda L, x: x.acosh(), (1.1, 4)),
    "atanh": (lambda L, x: L.atanh(x), (-0.9, 0.9)),
    "erf": (lambda L, x: L.erf(x), (-3, 3)),
    "erfc": (lambda L, x: x.erfc(), (-3, 6)),
    "erfinv": (lambda L, x: L.erfinv(x), (-0.999999, 0.999999)),
    # near 0 the second derivative is a cancellation whose rounding depends on the order
    # the engine adds gradients in; x = 0 itself is among the special points
    "sinc": (lambda L, x: L.sinc(x), (0.05, 3)),
    "logit": (lambda L, x: L.logit(x), (0.05, 0.95)),
    "logit eps": (lambda L, x: x.logit(eps=0.1), (0.0, 1.0)),
    "deg2rad": (lambda L, x: L.deg2rad(x), (-360, 360)),
    "rad2deg": (lambda L, x: x.rad2deg(), (-7, 7)),
    "frac": (lambda L, x: L.frac(x), (-3, 3)),
    "sgn": (lambda L, x: x.sgn(), (-3, 3)),
    "neg": (lambda L, x: L.neg(x), (-3, 3)),
    "negative": (lambda L, x: x.negative(), (-3, 3)),
    "positive": (lambda L, x: L.positive(x) * 2, (-3, 3)),
    "absolute": (lambda L, x: L.absolute(x), (-3, 3)),
    "fix": (lambda L, x: x.fix(), (-3, 3)),
    "nan_to_num": (lambda L, x: L.nan_to_num(x, nan=1.5, posinf=7.0), (-3, 3)),
    "nan_to_num defaults": (lambda L, x: x.nan_to_num(), (-3, 3)),
    "special.expit": (lambda L, x: L.special.expit(x), (-3, 3)),
    "lgamma": (lambda L, x: L.lgamma(x), (-4.5, 6)),
    "mvlgamma": (lambda L, x: L.mvlgamma(x, 3), (1.01, 6)),
    "special.multigammaln": (lambda L, x: L.special.multigammaln(x, 2), (0.51, 6)),
    "special.entr": (lambda L, x: L.special.entr(x), (-1, 3)),
    # + 1e-30: PyTorch's gradient divides by 2**exponent in float32, inf below 2**-126
    "frexp mantissa": (lambda L, x: L.frexp(x + 1e-30).mantissa * x.frexp()[1], (0, 40)),
    "special.gammaln": (lambda L, x: L.special.gammaln(x), (0.1, 30)),
    "digamma": (lambda L, x: x.digamma(), (-4.5, 6)),
    "polygamma 1": (lambda L, x: L.polygamma(1, x), (-4.5, 6)),
    "polygamma 2": (lambda L, x: x.polygamma(2), (0.2, 40)),
    "special.ndtr": (lambda L, x: L.special.ndtr(x), (-6, 6)),
    "special.xlogy": (lambda L, x: L.special.xlogy(x, x * x + 0.5), (-3, 3)),
}

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 0.1, 0.9, math.inf, -math.inf, math.nan]


@needs_torch
@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_values_and_two_derivatives_match_torch(name, data):
    call, (lo, hi) = UNARY[name]
    a = data.draw(arrays(shapes(max_dims=2), elements=st.floats(lo, hi)))
    compare(two_derivatives(call, a), name, rtol=1e-9, atol=1e-12)


@needs_torch
@pytest.mark.parametrize("name", sorted(UNARY))
def test_special_points_match_torch(name):
    call, _ = UNARY[name]
    compare(two_derivatives(call, SPECIAL), name, rtol=1e-9, atol=1e-12)


@needs_torch
@pytest.mark.parametrize("name", sorted(UNARY))
def test_float32_values_and_gradients_match_torch(name):
    call, (lo, hi) = UNARY[name]
    values = np.linspace(lo, hi, 13, dtype=np.float32)

    def program(L):
        x = L.tensor(values, requires_grad=True)
        y = call(L, x)
        (g,) = L.autograd.grad(y.sum(), x)
        return y, g + L.zeros_like(g)  # PyTorch's zero gradients may be ZeroTensors
    compare(program, name, rtol=2e-5, atol=1e-6)


@needs_torch
@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("make", ["int tensor", "bool tensor", "float32 tensor", "number"])
def test_dtypes_and_refusals_match_torch(name, make):
    call, _ = UNARY[name]
    build = {"int tensor": lambda L: L.tensor([0, 1, 2]),
             "bool tensor": lambda L: L.tensor([True, False]),
             "float32 tensor": lambda L: L.tensor([0.25, 0.5, 2.0]),
             "number": lambda L: 0.5}[make]
    compare(lambda L: call(L, build(L)), f"{name}({make})", rtol=1e-6, atol=1e-7)


FLOAT_RESULTS = ["log1p", "expm1", "exp2", "log2", "log10", "reciprocal", "rsqrt", "tan", "atan",
                 "erfinv", "lgamma", "digamma",
                 "asin", "acos", "sinh", "cosh", "asinh", "acosh", "atanh", "erf", "erfc",
                 "sinc", "logit", "deg2rad", "rad2deg", "frac", "arcsin", "arccos",
                 "arctan", "arcsinh", "arccosh", "arctanh", "sin", "cos"]
IN_PLACE = FLOAT_RESULTS + ["sgn", "negative", "nan_to_num", "absolute", "fix", "floor",
                            "ceil", "round", "trunc", "sign", "square"]


@needs_torch
@pytest.mark.parametrize("name", IN_PLACE)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_in_place_forms_match_torch(name, dtype):
    # an integer tensor cannot hold a float result: PyTorch's RuntimeError
    def program(L):
        x = L.tensor([0.25, 0.5, 0.75]).to(getattr(L, dtype))
        y = x * 1
        out = getattr(y, name + "_")()
        return out, y, out is y
    compare(program, f"{name}_ on {dtype}", rtol=1e-6, atol=1e-7)


@needs_torch
@pytest.mark.parametrize("name", ["log1p", "rsqrt", "asin", "logit", "erfc"])
def test_in_place_in_grad_mode_differentiates_like_torch(name):
    def program(L):
        x = f64(L, [0.2, 0.4, 0.6], requires_grad=True)
        y = x * 1
        getattr(y, name + "_")()
        (g,) = L.autograd.grad(y.sum(), x)
        return y, g
    compare(program, name)


# --- exact values at special points, without PyTorch ------------------------------------------
def grad_of(f, values, create_graph=False):
    x = minigrad.tensor(np.array(values, dtype=np.float64), requires_grad=True)
    y = f(x)
    (g,) = minigrad.autograd.grad(y.sum(), x, create_graph=create_graph)
    return y.detach().numpy(), g.detach().numpy()


def test_rsqrt_at_zero_is_inf_with_gradient_minus_inf():
    y, g = grad_of(minigrad.rsqrt, [0.0, -0.0, 4.0])
    np.testing.assert_array_equal(y, [np.inf, -np.inf, 0.5])
    np.testing.assert_array_equal(g, [-np.inf, np.inf, -1 / 16])


def test_logit_gradient_is_zero_where_eps_clamps_and_nan_outside_without_eps():
    y, g = grad_of(lambda x: x.logit(eps=0.1), [0.05, 0.5, 0.95, -1.0])
    np.testing.assert_allclose(y, [math.log(1 / 9), 0.0, math.log(9), math.log(1 / 9)])
    np.testing.assert_array_equal(g, [0.0, 4.0, 0.0, 0.0])
    y, g = grad_of(minigrad.logit, [-0.5, 0.0, 0.5, 1.0, 1.5])
    np.testing.assert_array_equal(y, [np.nan, -np.inf, 0.0, np.inf, np.nan])
    np.testing.assert_array_equal(g, [np.nan, np.inf, 4.0, np.inf, np.nan])


def test_sinc_is_one_with_gradient_zero_at_zero():
    y, g = grad_of(minigrad.sinc, [0.0, 1.0, 0.5])
    np.testing.assert_allclose(y, [1.0, 0.0, 2 / math.pi], atol=1e-16)
    np.testing.assert_allclose(g, [0.0, -1.0, -4 / math.pi], atol=1e-15)


def test_asin_acos_acosh_gradients_at_the_edges_of_the_domain():
    _, g = grad_of(minigrad.asin, [1.0, -1.0, 2.0])
    np.testing.assert_array_equal(g, [np.inf, np.inf, np.nan])
    _, g = grad_of(minigrad.acos, [1.0, 0.0])
    np.testing.assert_array_equal(g, [-np.inf, -1.0])
    _, g = grad_of(minigrad.acosh, [1.0, 0.5])
    np.testing.assert_array_equal(g, [np.inf, np.nan])


def test_erfc_keeps_its_digits_where_it_is_tiny():
    y, _ = grad_of(minigrad.erfc, [5.0, 10.0, 26.0, -30.0, 30.0])
    np.testing.assert_allclose(y, [1.5374597944280349e-12, 2.088487583762545e-45,
                                   5.663192408856143e-296, 2.0, 0.0], rtol=1e-13)


def test_erfinv_inverts_erf_to_float64_accuracy_up_to_the_edges():
    x = np.array([0.0, 1e-300, 1e-8, 0.3, 0.5, 0.9, 0.999, 1 - 1e-12, 1 - 2 ** -52])
    y, _ = grad_of(minigrad.erfinv, np.concatenate([x, -x, [1.0, -1.0, 1.5, np.nan]]))
    back = minigrad.erf(minigrad.tensor(y[:len(x)])).numpy()
    np.testing.assert_allclose(back, x, rtol=4e-16, atol=0)
    np.testing.assert_array_equal(y[len(x):2 * len(x)], -y[:len(x)])
    np.testing.assert_array_equal(y[-4:], [np.inf, -np.inf, np.nan, np.nan])


def test_the_gamma_family_at_its_poles_and_known_values():
    y, g = grad_of(minigrad.lgamma, [0.0, -1.0, 1.0, 2.0, 0.5, np.inf])
    np.testing.assert_allclose(y, [np.inf, np.inf, 0.0, 0.0, 0.5 * math.log(math.pi), np.inf])
    euler = 0.5772156649015329
    np.testing.assert_allclose(g[2:5], [-euler, 1 - euler, -euler - 2 * math.log(2)],
                               rtol=1e-14)
    d = minigrad.digamma(minigrad.tensor([0.0, -2.0, 1.0], dtype=minigrad.float64))
    np.testing.assert_allclose(d.numpy(), [-np.inf, np.nan, -euler], rtol=1e-15)
    t = minigrad.polygamma(1, minigrad.tensor([1.0, 0.5], dtype=minigrad.float64))
    np.testing.assert_allclose(t.numpy(), [math.pi ** 2 / 6, math.pi ** 2 / 2], rtol=1e-15)
    with pytest.raises(RuntimeError, match="negative n"):
        minigrad.polygamma(-1, t)


def test_frac_has_the_sign_of_the_input_and_gradient_one():
    y, g = grad_of(minigrad.frac, [2.75, -2.75, 3.0, np.inf])
    np.testing.assert_array_equal(y, [0.75, -0.75, 0.0, np.nan])
    np.testing.assert_array_equal(g, [1.0, 1.0, 1.0, 1.0])


def test_nan_to_num_replaces_and_gives_the_replaced_values_no_gradient():
    y, g = grad_of(minigrad.nan_to_num, [np.nan, np.inf, -np.inf, 2.0])
    big = np.finfo(np.float64).max
    np.testing.assert_array_equal(y, [0.0, big, -big, 2.0])
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.0, 1.0])
    ints = minigrad.tensor([1, 2])
    assert minigrad.nan_to_num(ints).tolist() == [1, 2]


@needs_torch
def test_frexp_matches_torch():
    def program(L):
        x = L.tensor([0.0, -0.0, 3.0, -0.75, np.inf, np.nan, 1e-40, 6e37])
        mantissa, exponent = L.frexp(x)
        return mantissa, exponent, x.frexp().exponent
    compare(program, "frexp")
    assert "mantissa=" in repr(minigrad.frexp(minigrad.ones(1)))


def test_isposinf_isneginf_and_positive():
    x = minigrad.tensor([np.inf, -np.inf, np.nan, 1.0])
    assert minigrad.isposinf(x).tolist() == [True, False, False, False]
    assert x.isneginf().tolist() == [False, True, False, False]
    assert minigrad.isposinf(minigrad.tensor([1, 2])).tolist() == [False, False]
    assert minigrad.positive(x) is x
    with pytest.raises(RuntimeError, match="positive"):
        minigrad.positive(minigrad.tensor([True]))


def test_signbit_and_sgn():
    x = minigrad.tensor([-0.0, 0.0, -2.0, np.nan])
    assert minigrad.signbit(x).tolist() == [True, False, True, False]
    assert minigrad.signbit(minigrad.tensor([-1, 0, 3])).tolist() == [True, False, False]
    assert minigrad.signbit(minigrad.tensor([True])).tolist() == [False]
    assert minigrad.sgn(minigrad.tensor([-3, 0, 2])).tolist() == [-1, 0, 1]


@pytest.mark.parametrize("name", FLOAT_RESULTS)
def test_float_functions_refuse_to_write_floats_into_an_integer_tensor(name):
    error = NotImplementedError if name == "frac" else RuntimeError
    with pytest.raises(error, match=name.removeprefix("arc") if name != "frac" else "frac"):
        getattr(minigrad.tensor([1, 2]), name + "_")()


@pytest.mark.parametrize("name", ["log1p", "tan", "logit", "erfc", "frac", "signbit"])
def test_a_number_is_a_type_error_naming_the_op(name):
    with pytest.raises(TypeError, match=name):
        getattr(minigrad, name)(0.5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_stays_float32_through_two_derivatives(dtype):
    for name in ("log1p", "expm1", "rsqrt", "asin", "acosh", "erfc", "sinc", "logit"):
        x = minigrad.tensor(np.array([0.3, 0.6], dtype=dtype) + (name == "acosh"),
                            requires_grad=True)
        y = getattr(minigrad, name)(x)
        (g,) = minigrad.autograd.grad(y.sum(), x, create_graph=True)
        (gg,) = minigrad.autograd.grad(g.sum(), x)
        assert y.dtype == g.dtype == gg.dtype == dtype, name
