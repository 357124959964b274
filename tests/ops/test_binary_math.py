"""minigrad/ops/binary_math.py (and clamp_min/clamp_max and the logical functions), against
PyTorch and at the special points where PyTorch defines a value.

As in test_unary_math.py, each function is a program run in both libraries: values, the
gradients of both inputs (broadcast ones included), and their derivatives once more.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from minigrad.testing.strategies import arrays, broadcastable_shapes

from differential import both_raise, compare, f64, needs_torch, two_derivatives

# name: (the call, the domain of x, the domain of y)
BINARY = {
    "atan2": (lambda L, x, y: L.atan2(x, y), (-3, 3), (-3, 3)),
    "arctan2": (lambda L, x, y: x.arctan2(y), (-3, 3), (-3, 3)),
    "hypot": (lambda L, x, y: L.hypot(x, y), (-3, 3), (-3, 3)),
    "logaddexp": (lambda L, x, y: x.logaddexp(y), (-30, 30), (-30, 30)),
    "logaddexp2": (lambda L, x, y: L.logaddexp2(x, y), (-30, 30), (-30, 30)),
    "copysign": (lambda L, x, y: L.copysign(x, y), (-3, 3), (-3, 3)),
    "copysign number": (lambda L, x, y: x.copysign(-0.0) * y, (-3, 3), (-3, 3)),
    "fmax": (lambda L, x, y: L.fmax(x, y), (-3, 3), (-3, 3)),
    "special.xlog1py": (lambda L, x, y: L.special.xlog1py(x, y), (-3, 3), (-0.9, 3)),
    "ldexp": (lambda L, x, y: L.ldexp(x, y), (-3, 3), (-3, 3)),
    "nextafter": (lambda L, x, y: L.nextafter(x, y), (-3, 3), (-3, 3)),  # dz/dx = 1
    "fmin": (lambda L, x, y: x.fmin(y), (-3, 3), (-3, 3)),
    "float_power": (lambda L, x, y: L.float_power(x, y), (0.1, 3), (-2, 2)),
    "float_power number": (lambda L, x, y: x.float_power(2) * y, (-3, 3), (-3, 3)),
    "xlogy": (lambda L, x, y: L.xlogy(x, y), (-3, 3), (0.1, 5)),
    "fmod": (lambda L, x, y: x.fmod(y), (-5, 5), (0.3, 2)),
    "remainder": (lambda L, x, y: L.remainder(x, y), (-5, 5), (-2, 2)),
    "remainder operator": (lambda L, x, y: x % y * 1, (-5, 5), (0.3, 2)),
    "lerp": (lambda L, x, y: L.lerp(x, y, 0.3), (-3, 3), (-3, 3)),
    "lerp high weight": (lambda L, x, y: x.lerp(y, 0.8), (-3, 3), (-3, 3)),
    "lerp tensor weight": (lambda L, x, y: L.lerp(x, y, (x * y).sigmoid()), (-3, 3), (-3, 3)),
    "addcmul": (lambda L, x, y: L.addcmul(x, y, y.exp(), value=0.5), (-3, 3), (-3, 3)),
    "addcdiv": (lambda L, x, y: x.addcdiv(x, y, value=-2), (-3, 3), (0.5, 3)),
    "clamp_min": (lambda L, x, y: L.clamp_min(x, y), (-3, 3), (-3, 3)),
    "clamp_max": (lambda L, x, y: x.clamp_max(y), (-3, 3), (-3, 3)),
    "heaviside": (lambda L, x, y: L.heaviside(x.detach(), y.detach()), (-1, 1), (0, 1)),
}
SPECIAL = [0.0, -0.0, 1.0, -2.5, math.inf, -math.inf, math.nan]
PAIRS = list(itertools.product(SPECIAL, SPECIAL))


def not_tiny(v: float) -> bool:
    return v == 0 or abs(v) > 1e-3


@needs_torch
@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_values_and_two_derivatives_match_torch(name, data):
    call, (xlo, xhi), (ylo, yhi) = BINARY[name]
    sx, sy = data.draw(broadcastable_shapes(2, max_dims=2))
    if name.startswith("lerp") or name == "addcmul" or name.startswith("clamp"):
        sx = np.broadcast_shapes(sx, sy)  # PyTorch's in-place-style ops keep input's shape
    # 0 itself, but no tiny values: near (0, 0) the second derivatives of atan2 and hypot
    # are sums of huge terms that cancel, to a rounding error as big as the order of
    # summation makes it (PyTorch's and minigrad's engines add in different orders)
    a = data.draw(arrays(sx, elements=st.floats(xlo, xhi).filter(not_tiny)))
    b = data.draw(arrays(sy, elements=st.floats(ylo, yhi).filter(not_tiny)))
    compare(two_derivatives(call, a, b), name, rtol=1e-9, atol=1e-12)


@needs_torch
@needs_torch
@pytest.mark.parametrize("name", sorted(BINARY))
def test_float32_values_and_gradients_match_torch(name):
    call, (xlo, xhi), (ylo, yhi) = BINARY[name]
    a = np.linspace(xlo, xhi, 12, dtype=np.float32).reshape(3, 4)
    b = np.linspace(yhi, ylo, 4, dtype=np.float32)

    def program(L):
        x, y = L.tensor(a, requires_grad=True), L.tensor(b, requires_grad=True)
        z = call(L, x, y)
        if not z.requires_grad:
            return z
        grads = L.autograd.grad(z.sum(), (x, y), allow_unused=True)
        return (z,) + tuple(g if g is None else g + L.zeros_like(g) for g in grads)
    compare(program, name, rtol=2e-5, atol=1e-5)


# ldexp's second derivative at (0, inf) is inf in minigrad and NaN in PyTorch
@needs_torch
@pytest.mark.parametrize("name", sorted(set(BINARY) - {"lerp tensor weight", "ldexp"}))
def test_special_points_match_torch(name):
    call, _, _ = BINARY[name]
    a, b = np.array(PAIRS).T
    compare(two_derivatives(call, a, b), name, rtol=1e-9, atol=1e-12)


@needs_torch
@pytest.mark.parametrize("name", ["atan2", "hypot", "logaddexp", "logaddexp2", "copysign",
                                  "fmax", "fmin", "float_power", "bitwise_and", "ldexp",
                                  "gcd", "lcm",
                                  "xlogy", "fmod", "lerp",
                                  "addcmul", "addcdiv", "heaviside", "logical_and",
                                  "logical_or", "logical_xor"])
@pytest.mark.parametrize("kinds", [("int", "int"), ("bool", "bool"), ("int", "float32"),
                                   ("float32", "float64"), ("float32", "number"),
                                   ("number", "float32"), ("int", "number")])
def test_dtypes_and_refusals_match_torch(name, kinds):
    def build(L, kind, values):
        if kind == "number":
            return values[0]
        if kind == "bool":
            return L.tensor(values) != 0
        return L.tensor(values).to(L.int64 if kind == "int" else getattr(L, kind))

    def program(L):
        x, y = build(L, kinds[0], [2.0, 0.0, 1.0]), build(L, kinds[1], [3.0, 1.0, 1.0])
        if name == "lerp":
            return L.lerp(x, y, 0.25)
        if name in ("addcmul", "addcdiv"):
            return getattr(L, name)(x, y, y, value=2)
        return getattr(L, name)(x, y)
    compare(program, f"{name}{kinds}", rtol=1e-6, atol=1e-7)


@needs_torch
@pytest.mark.parametrize("dtypes", [("float16", "int64"), ("float16", "int8"),
                                    ("float16", "float32"), ("int32", "float16"),
                                    ("float64", "int64"), ("uint8", "int8"), ("bool", "int64")])
def test_ldexp_keeps_the_operands_float_dtype_as_torch(dtypes):
    # found by the fuzzer: float16 * 2**int64 was float32 (PyTorch keeps float16)
    def program(L):
        x = L.tensor([0.75, -3.0, 0.0, 1.0]).to(getattr(L, dtypes[0]))
        e = L.tensor([2, -1, 5, 0]).to(getattr(L, dtypes[1]))
        return L.ldexp(x, e), x.ldexp(e[0]), L.ldexp(x, e[1:2])
    compare(program, f"ldexp{dtypes}", rtol=1e-3, atol=0)


IN_PLACE = {
    "atan2_": lambda x, y: x.atan2_(y), "arctan2_": lambda x, y: x.arctan2_(y),
    "hypot_": lambda x, y: x.hypot_(y), "xlogy_": lambda x, y: x.xlogy_(y),
    "fmod_": lambda x, y: x.fmod_(y), "lerp_": lambda x, y: x.lerp_(y, 0.75),
    "addcmul_": lambda x, y: x.addcmul_(y, y, value=3),
    "addcdiv_": lambda x, y: x.addcdiv_(y, y + 1, value=0.5),
    "clamp_min_": lambda x, y: x.clamp_min_(0.5), "clamp_max_": lambda x, y: x.clamp_max_(y),
    "heaviside_": lambda x, y: (x - 1).heaviside_(y),
    "copysign_": lambda x, y: x.copysign_(-y), "float_power_": lambda x, y: x.float_power_(y),
    "true_divide_": lambda x, y: x.true_divide_(y), "remainder_": lambda x, y: x.remainder_(y),
    "floor_divide_": lambda x, y: x.floor_divide_(y), "clip_": lambda x, y: x.clip_(0.5, 2.0),
    "logical_and_": lambda x, y: x.logical_and_(y - 2),
    "logical_or_": lambda x, y: x.logical_or_(y), "logical_xor_": lambda x, y: x.logical_xor_(y),
}


@needs_torch
@pytest.mark.parametrize("name", sorted(IN_PLACE))
@pytest.mark.parametrize("grad", [False, True])
def test_in_place_forms_match_torch(name, grad):
    if grad and name.startswith("logical"):
        pytest.skip("PyTorch keeps the old history of a tensor a logical_*_ wrote into")
    if grad and name == "floor_divide_":
        pytest.skip("PyTorch's floor_divide_ raises in grad mode; minigrad's has no gradient")
    def program(L):
        x0 = f64(L, [0.25, 1.0, 2.5], requires_grad=grad)
        y = f64(L, [2.0, 1.0, 0.5], requires_grad=grad and name != "heaviside_")
        x = x0 * 1
        out = IN_PLACE[name](x, y)
        if not (grad and x.requires_grad and not name.startswith("logical")):
            return out, x, out is x
        return (out, x, out is x) + L.autograd.grad(x.sum(), (x0, y), allow_unused=True)
    compare(program, name)


# PyTorch's other names, in-place comparisons and the remaining in-place operators
PROGRAMS = {
    "multiply": lambda L, x, y: (L.multiply(x, y), x.multiply(2)),
    # (a rounded division requires grad in PyTorch, whose gradient is 0, not in minigrad)
    "divide": lambda L, x, y: (L.divide(x, y),
                               x.detach().divide(y.detach(), rounding_mode="floor")),
    "subtract": lambda L, x, y: (L.subtract(x, y, alpha=2), x.subtract(y)),
    "rsub": lambda L, x, y: (L.rsub(x, y), L.rsub(x, 3, alpha=0.5)),
    "comparisons": lambda L, x, y: (L.greater(x, y), L.greater_equal(x, y), L.less(x, y),
                                    L.less_equal(x, 1), L.not_equal(x, y), x.greater(y),
                                    x.less_equal(y), x.not_equal(1)),
    "in-place comparisons": lambda L, x, y: (x.clone().eq_(y), x.clone().ne_(1),
                                             x.clone().lt_(y), x.clone().le_(y),
                                             x.clone().gt_(y), x.clone().ge_(2)),
    "in-place long names": lambda L, x, y: (x.clone().multiply_(y), x.clone().divide_(y),
                                            x.clone().subtract_(y, alpha=2)),
    "operators": lambda L, x, y: _operators(x, y),
    "bool operators": lambda L, x, y: _bool_operators(x > 1, y > 1),
    "nextafter": lambda L, x, y: (L.nextafter(x, y) - x, x.nextafter(y - 10) - x),
}


def _operators(x, y):
    a, b, c = x.clone(), x.clone(), x.clone()
    a **= 2
    b //= y
    c %= y
    return a, b, c


def _bool_operators(m, n):
    a, b, c = m.clone(), m.clone(), m.clone()
    a &= n
    b |= n
    c ^= n
    return a, b, c, True & n, False | n, True ^ n


@needs_torch
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_other_names_and_operators_match_torch(name):
    def program(L):
        x = f64(L, [0.5, 1.0, 2.5, -3.0], requires_grad=True)
        y = f64(L, [2.0, 1.0, -0.5, 4.0], requires_grad=True)
        if name.startswith(("in-place", "operators", "bool")):
            x, y = x.detach(), y.detach()
        return PROGRAMS[name](L, x, y)
    compare(program, name)


# --- exact values at special points, without PyTorch ------------------------------------------
def grads(f, a, b):
    x = minigrad.tensor(np.array(a, dtype=np.float64), requires_grad=True)
    y = minigrad.tensor(np.array(b, dtype=np.float64), requires_grad=True)
    z = f(x, y)
    gx, gy = minigrad.autograd.grad(z.sum(), (x, y))
    return z.detach().numpy(), gx.numpy(), gy.numpy()


def test_atan2_gradients_are_zero_at_the_origin():
    z, gx, gy = grads(minigrad.atan2, [0.0, 1.0, 0.0], [0.0, 0.0, -2.0])
    np.testing.assert_array_equal(z, [0.0, math.pi / 2, math.pi])
    np.testing.assert_array_equal(gx, [0.0, 0.0, -0.5])
    np.testing.assert_array_equal(gy, [0.0, -1.0, 0.0])


def test_hypot_gradients_are_nan_at_the_origin():
    z, gx, gy = grads(minigrad.hypot, [0.0, 3.0], [0.0, -4.0])
    np.testing.assert_array_equal(z, [0.0, 5.0])
    np.testing.assert_array_equal(gx, [np.nan, 0.6])
    np.testing.assert_array_equal(gy, [np.nan, -0.8])


def test_xlogy_is_zero_where_x_is_zero():
    z, gx, gy = grads(minigrad.xlogy, [0.0, 0.0, 2.0, 0.0, 0.0],
                      [0.0, np.inf, np.e, np.nan, np.e])
    np.testing.assert_array_equal(z, [0.0, 0.0, 2.0, np.nan, 0.0])
    np.testing.assert_array_equal(gx, [0.0, np.inf, 1.0, np.nan, 1.0])  # log(y) unless y <= 0
    np.testing.assert_array_equal(gy, [np.nan, 0.0, 2 / np.e, np.nan, 0.0])


def test_fmod_has_the_sign_of_the_dividend_unlike_remainder():
    x, y = minigrad.tensor([-7.0, 7.0, -7.0]), minigrad.tensor([3.0, -3.0, -3.0])
    assert minigrad.fmod(x, y).tolist() == [-1.0, 1.0, -1.0]
    assert minigrad.remainder(x, y).tolist() == [2.0, -2.0, -1.0]
    z, gx, gy = grads(minigrad.fmod, [-7.0, 7.5], [3.0, 2.0])
    np.testing.assert_array_equal(gx, [1.0, 1.0])
    np.testing.assert_array_equal(gy, [2.0, -3.0])  # -trunc(x / y)
    assert minigrad.fmod(minigrad.tensor([-7, 7]), 3).tolist() == [-1, 1]
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        minigrad.fmod(minigrad.tensor([1, 2]), 0)


def test_lerp_reaches_end_exactly_at_weight_one():
    start, end = minigrad.tensor([0.1, -3.3]), minigrad.tensor([0.7, 1e8])
    assert minigrad.lerp(start, end, 1.0).tolist() == end.tolist()
    assert minigrad.lerp(start, end, minigrad.ones(2)).tolist() == end.tolist()


def test_logical_functions_treat_nonzero_and_nan_as_true():
    a = minigrad.tensor([0.0, np.nan, 2.0, 0.0])
    b = minigrad.tensor([1, 1, 0, 0])
    assert minigrad.logical_and(a, b).tolist() == [False, True, False, False]
    assert minigrad.logical_or(a, b).tolist() == [True, True, True, False]
    assert minigrad.logical_xor(a, b).tolist() == [True, False, True, False]
    assert a.logical_not().tolist() == [True, False, False, True]
    with pytest.raises(TypeError, match="logical_and"):
        minigrad.logical_and(a, 1)


def test_fmax_and_fmin_ignore_nan_and_give_ties_to_the_input():
    z, gx, gy = grads(minigrad.fmax, [np.nan, 1.0, 2.0, np.nan], [1.0, np.nan, 2.0, np.nan])
    np.testing.assert_array_equal(z, [1.0, 1.0, 2.0, np.nan])
    np.testing.assert_array_equal(gx, [0.0, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(gy, [1.0, 0.0, 0.0, 0.0])
    z, gx, gy = grads(minigrad.fmin, [3.0, 2.0], [1.0, 2.0])
    np.testing.assert_array_equal(z, [1.0, 2.0])
    np.testing.assert_array_equal(gx, [0.0, 1.0])


def test_copysign_gradient_is_the_sign_ratio_and_zero_at_zero():
    z, gx, gy = grads(minigrad.copysign, [2.0, -3.0, 0.0, 1.0], [-1.0, -0.0, -2.0, np.nan])
    np.testing.assert_array_equal(z, [-2.0, -3.0, -0.0, 1.0])
    np.testing.assert_array_equal(gx, [-1.0, 1.0, 0.0, 1.0])
    np.testing.assert_array_equal(gy, [0.0, 0.0, 0.0, 0.0])


def test_bitwise_functions():
    a, b = minigrad.tensor([12, 10]), minigrad.tensor([10, 6])
    assert minigrad.bitwise_and(a, b).tolist() == [8, 2]
    assert a.bitwise_or(b).tolist() == [14, 14]
    assert minigrad.bitwise_xor(a, b).tolist() == [6, 12]
    assert minigrad.bitwise_not(minigrad.tensor([True, False])).tolist() == [False, True]


def test_heaviside_takes_values_at_zero_and_zero_at_nan():
    x = minigrad.tensor([-1.0, 0.0, 2.0, np.nan])
    assert minigrad.heaviside(x, minigrad.tensor([0.5])).tolist() == [0.0, 0.5, 1.0, 0.0]
    with pytest.raises(RuntimeError, match="heaviside"):
        minigrad.heaviside(x, minigrad.tensor([1]))


@needs_torch
def test_the_refusals_are_pytorchs():
    both_raise(lambda L: L.lerp(L.ones(2), L.ones(2, dtype=L.float64), 0.5), RuntimeError,
               "lerp")
    both_raise(lambda L: L.lerp(L.ones(2), L.ones(2), L.ones(2, dtype=L.float64)),
               RuntimeError, "lerp")
    compare(lambda L: L.lerp(L.ones(2), L.zeros(2), L.tensor(1)), "lerp, 0-d int weight")
    compare(lambda L: L.lerp(L.ones(2), L.zeros(2), L.tensor(0.25, dtype=L.float64)),
            "lerp, 0-d float64 weight")
    both_raise(lambda L: L.lerp(L.tensor([1, 2]), L.tensor([1, 2]), 0.5),
               NotImplementedError, "lerp")
    both_raise(lambda L: L.addcdiv(L.ones(2), L.tensor([1, 2]), L.tensor([1, 2])),
               RuntimeError, "addcdiv")
    both_raise(lambda L: L.addcmul(L.ones(2), 2, L.ones(2)), TypeError, "addcmul")
    both_raise(lambda L: L.hypot(L.tensor([3]), L.tensor([4])), NotImplementedError, "hypot")
    both_raise(lambda L: L.atan2(L.ones(2), 1.0), TypeError, "atan2")
    both_raise(lambda L: L.fmod(2.0, L.ones(2)), TypeError, "fmod")
    both_raise(lambda L: L.fmod(L.tensor([True]), L.tensor([True])), NotImplementedError,
               "fmod")
    both_raise(lambda L: L.atan2(L.ones(3), L.ones(2)), RuntimeError, "atan2")


@needs_torch
@pytest.mark.parametrize("call", [lambda L: L.tensor([], dtype=L.int64) // 0,
                                  lambda L: L.tensor([], dtype=L.int64) % 0,
                                  lambda L: L.zeros(0, 3, dtype=L.int8) // L.zeros(3, dtype=L.int8),
                                  lambda L: L.div(L.zeros(0, dtype=L.int64), 0,
                                                  rounding_mode="trunc"),
                                  lambda L: L.fmod(L.zeros(0, dtype=L.int64), 0)])
def test_integer_division_of_nothing_by_zero_is_fine_as_in_torch(call):
    # found by the fuzzer: PyTorch raises ZeroDivisionError only when there is an element
    compare(call, "integer division of an empty tensor by 0")
