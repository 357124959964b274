"""Type promotion and the default dtype, differentially against PyTorch.

Random operands (a dtype, and a dimensioned tensor, a 0-d tensor or a Python number) go
through every binary and unary op in minigrad and in torch; the result dtypes, values and
(for float results) gradients must agree, and so must which inputs raise.
"""
from __future__ import annotations

import operator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from minigrad import dtypes, nn
from minigrad.ops import erf

torch = pytest.importorskip("torch")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float32", "float64"]
KINDS = ["dim", "zero_dim", "number"]


def torch_dtype(name: str):
    return getattr(torch, name)


def dtype_name(dtype) -> str:
    """'float32', 'int64', 'bool', ... for a NumPy or torch dtype."""
    return str(dtype).replace("torch.", "")


@st.composite
def operand(draw, kinds=KINDS, positive=False):
    """(kind, dtype name, value): a dimensioned or 0-d array, or a Python number of the
    dtype's kind, with small values that every dtype holds (nonzero, for division)."""
    kind = draw(st.sampled_from(kinds))
    name = draw(st.sampled_from(DTYPES))
    shape = draw(st.sampled_from([(3,), (2, 3)])) if kind == "dim" else ()
    if name == "bool":
        elements = st.booleans()
    elif name.startswith("float"):
        elements = st.floats(0.25 if positive else -2.0, 2.0).filter(lambda v: abs(v) > 0.2)
    elif name == "uint8" or positive:
        elements = st.integers(1, 4)
    else:
        elements = st.integers(-3, 4).filter(bool)
    n = int(np.prod(shape))
    value = np.array(draw(st.lists(elements, min_size=n, max_size=n)), dtype=name)
    value = value.reshape(shape)
    return kind, name, value.item() if kind == "number" else value


def build(lib, spec, grad: bool):
    """The operand in ``lib``: a tensor (requiring grad if float and ``grad``) or a number."""
    kind, name, value = spec
    if kind == "number":
        return value
    t = lib.tensor(np.array(value))
    if grad and name.startswith("float"):
        t.requires_grad_()
    return t


def run(lib, fn, specs, grad=True):
    """``fn`` on the operands built in ``lib``: (result, leaves) or the exception."""
    args = [build(lib, s, grad) for s in specs]
    try:
        return fn(lib, *args), args
    except Exception as exc:  # compared with what the other library does
        return exc, args


def tolerance(name: str) -> dict:
    return {"rtol": 2e-6, "atol": 1e-6} if name == "float32" else {"rtol": 1e-12, "atol": 1e-12}


def compare(fn, specs, grad=True):
    """Run ``fn`` in both libraries and compare raising, dtype, shape, values, gradients."""
    ours, our_args = run(minigrad, fn, specs, grad)
    theirs, their_args = run(torch, fn, specs, grad)
    label = f"{specs}: minigrad {ours!r}, torch {theirs!r}"
    assert isinstance(ours, Exception) == isinstance(theirs, Exception), label
    if isinstance(ours, Exception):
        return
    assert dtype_name(ours.dtype) == dtype_name(theirs.dtype), label
    assert tuple(ours.shape) == tuple(theirs.shape), label
    name = dtype_name(theirs.dtype)
    expected = theirs.detach().numpy()
    if name.startswith("float"):
        np.testing.assert_allclose(ours.detach().numpy(), expected, **tolerance(name),
                                   equal_nan=True, err_msg=label)
    else:
        np.testing.assert_array_equal(ours.detach().numpy(), expected, err_msg=label)
    if not (grad and theirs.requires_grad):
        assert not ours.requires_grad, label
        return
    weights = np.linspace(0.5, 1.5, ours.numel()).reshape(ours.shape)
    (ours * minigrad.tensor(weights.astype(name))).sum().backward()
    (theirs * torch.tensor(weights.astype(name))).sum().backward()
    involved = {name} | {dtype_name(b.dtype) for b in their_args if isinstance(b, torch.Tensor)}
    worst = "float32" if "float32" in involved else "float64"
    for a, b in zip(our_args, their_args):
        if isinstance(b, torch.Tensor) and b.requires_grad:
            assert a.grad is not None and a.grad.dtype == np.dtype(dtype_name(b.grad.dtype))
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(),
                                       **tolerance(worst), equal_nan=True,
                                       err_msg=f"gradient: {label}")


def tensor_first(specs) -> bool:
    return any(kind != "number" for kind, _, _ in specs)


# --- binary ops -------------------------------------------------------------------------------
ARITHMETIC = {
    "add": lambda L, a, b: a + b,
    "radd": lambda L, a, b: b + a,
    "sub": lambda L, a, b: a - b,
    "rsub": lambda L, a, b: b - a,
    "mul": lambda L, a, b: a * b,
    "div": lambda L, a, b: a / b,
    "rdiv": lambda L, a, b: b / a,
}
COMPARISONS = {name: (lambda f: lambda L, a, b: f(a, b))(f) for name, f in [
    ("eq", operator.eq), ("ne", operator.ne), ("lt", operator.lt), ("le", operator.le),
    ("gt", operator.gt), ("ge", operator.ge)]}
BITWISE = {name: (lambda f: lambda L, a, b: f(a, b))(f) for name, f in [
    ("and", operator.and_), ("or", operator.or_), ("xor", operator.xor)]}
# minigrad/ops/binary_math.py and the logical functions: numbers and some dtypes raise
MATH = {name: (lambda n: lambda L, a, b: getattr(L, n)(a, b))(name) for name in [
    "atan2", "hypot", "logaddexp", "xlogy", "fmod", "logical_and", "logical_or",
    "logical_xor"]}


@pytest.mark.parametrize("op", sorted({**ARITHMETIC, **COMPARISONS, **BITWISE, **MATH}))
@settings(max_examples=40)
@given(a=operand(kinds=["dim", "zero_dim"]), b=operand())
def test_binary_ops_promote_as_pytorch(op, a, b):
    fn = {**ARITHMETIC, **COMPARISONS, **BITWISE, **MATH}[op]
    if op in ("logaddexp", "atan2") and {"bool", "uint8"} & {a[1], b[1]}:
        # PyTorch's backward negates or subtracts the bool or uint8 operand itself: it
        # raises for bool, and -1 wraps around to 255 for uint8
        return
    compare(fn, [a, b])


@settings(max_examples=60)
@given(a=operand(kinds=["dim", "zero_dim"], positive=True),
       b=operand(kinds=["dim", "zero_dim", "number"]).filter(
           lambda s: s[1] != "bool" and (s[0] != "number" or not isinstance(s[2], bool))))
def test_pow_promotes_as_pytorch(a, b):
    # exponents in -3..4: an integer base with a negative exponent is tried on purpose
    compare(lambda L, x, y: x ** y, [a, b])


@settings(max_examples=40)
@given(a=operand(kinds=["number"], positive=True).filter(lambda s: s[1] != "bool"),
       b=operand(kinds=["dim", "zero_dim"]).filter(lambda s: s[1] != "bool"))
def test_reflected_pow_promotes_as_pytorch(a, b):
    compare(lambda L, x, y: x ** y, [a, b])


@pytest.mark.parametrize("op", ["maximum", "minimum"])
@settings(max_examples=40)
@given(a=operand(kinds=["dim", "zero_dim"]), b=operand(kinds=["dim", "zero_dim"]))
def test_maximum_and_minimum_promote_as_pytorch(op, a, b):
    compare(lambda L, x, y: getattr(L, op)(x, y), [a, b])


@settings(max_examples=60)
@given(a=operand(), b=operand())
def test_where_promotes_as_pytorch(a, b):
    if not tensor_first([a, b]):
        a = ("dim", a[1], np.full((3,), a[2], dtype=a[1]))
    compare(lambda L, x, y: L.where(L.tensor([True, False, True]), x, y), [a, b])


@settings(max_examples=60)
@given(x=operand(kinds=["dim"]), low=operand(), high=operand())
def test_clamp_promotes_as_pytorch(x, low, high):
    def clamp(L, t, lo, hi):
        return t.clamp(min=lo, max=hi)
    # x as big as any bound: torch's backward fails when a bound broadcasts x up
    x = ("dim", x[1], np.broadcast_to(x[2], (2, 3)))
    # torch.clamp takes numbers or tensors for both bounds, not one of each
    if (low[0] == "number") != (high[0] == "number"):
        high = low
    # where min == max and x < min PyTorch gives no input any gradient (see the docs'
    # list of deliberate differences); values are still compared there
    tie = np.any(np.asarray(low[2], dtype=float) == np.asarray(high[2], dtype=float))
    compare(clamp, [x, low, high], grad=not tie)


@settings(max_examples=40)
@given(parts=st.lists(operand(kinds=["dim"]), min_size=1, max_size=4), stack=st.booleans())
def test_cat_and_stack_promote_as_pytorch(parts, stack):
    parts = [("dim", name, np.broadcast_to(v, (2, 3))) for _, name, v in parts]
    join = "stack" if stack else "cat"
    compare(lambda L, *ts: getattr(L, join)(list(ts), 0), parts)


# --- unary ops ----------------------------------------------------------------------------
UNARY = {
    "exp": lambda L, x: x.exp(), "log": lambda L, x: x.log(), "sqrt": lambda L, x: x.sqrt(),
    "sin": lambda L, x: x.sin(), "cos": lambda L, x: x.cos(), "tanh": lambda L, x: x.tanh(),
    "sigmoid": lambda L, x: x.sigmoid(), "abs": lambda L, x: x.abs(),
    "neg": lambda L, x: -x, "relu": lambda L, x: x.relu(),
    "erf": lambda L, x: (erf if L is minigrad else torch.erf)(x),
    "sum": lambda L, x: x.sum(), "prod": lambda L, x: x.prod(),
    "amax": lambda L, x: x.amax(), "logsumexp": lambda L, x: x.logsumexp(0),
    **{name: (lambda n: lambda L, x: getattr(x, n)())(name) for name in [
        "log1p", "expm1", "log2", "rsqrt", "reciprocal", "atan", "asin", "acosh", "erfc",
        "sinc", "logit", "deg2rad", "frac", "nan_to_num", "logical_not", "signbit"]},
}


@pytest.mark.parametrize("op", sorted(UNARY))
@settings(max_examples=25)
@given(x=operand(kinds=["dim", "zero_dim"], positive=True))
def test_unary_ops_give_pytorch_dtypes(op, x):
    compare(UNARY[op], [x])


def test_the_issue_examples():
    assert minigrad.tensor([1, 2, 3]).sigmoid().dtype == np.float32
    np.testing.assert_allclose(minigrad.tensor([1, 2, 3]).sigmoid().numpy(),
                               [0.7310586, 0.8807971, 0.9525741], rtol=1e-6)
    out = minigrad.tensor([-1, 2]).clamp(min=0.5)
    assert out.dtype == np.float32 and out.tolist() == [0.5, 2.0]
    x32 = minigrad.ones(2)
    assert (x32 + minigrad.tensor(1.0, dtype=minigrad.float64)).dtype == np.float32
    assert (minigrad.tensor([1, 2]) + minigrad.tensor(1.5, dtype=minigrad.float64)).dtype \
        == np.float64
    assert minigrad.cat([minigrad.ones(2), minigrad.tensor([1, 2])]).dtype == np.float32
    assert minigrad.tensor(np.float64(1.5)).dtype == np.float64
    assert minigrad.tensor(1.5).dtype == np.float32


def test_gradient_of_a_promoted_operand_comes_back_in_its_own_dtype():
    x = minigrad.tensor([1.0, 2.0], dtype=minigrad.float64, requires_grad=True)
    w = minigrad.tensor([3.0], dtype=minigrad.float32, requires_grad=True)
    (x * w).sum().backward()  # float64
    assert x.grad.dtype == np.float64 and w.grad.dtype == np.float32
    assert x.grad.tolist() == [3.0, 3.0] and w.grad.tolist() == [3.0]


# --- tensor() and the default dtype -------------------------------------------------------
@pytest.mark.parametrize("data", [
    1.5, 2, True, [1.0, 2], [[1, 2], [3, 4]], [], np.float64(1.5), np.float32(2.5),
    np.int32(3), [np.float64(1.0), 2.0], [1, np.float16(2.0)], np.array([1.0, 2.0]),
    np.array([1, 2], dtype=np.int16), [np.array([1.0]), np.array([2.0])],
])
def test_tensor_infers_the_dtype_as_pytorch(data):
    assert dtype_name(minigrad.tensor(data).dtype) == dtype_name(torch.tensor(data).dtype)


@pytest.fixture
def default_float64():
    minigrad.set_default_dtype(minigrad.float64)
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        minigrad.set_default_dtype(minigrad.float32)
        torch.set_default_dtype(torch.float32)


MADE_WITH_DEFAULT = {
    "tensor(float)": lambda L: L.tensor(1.5),
    "tensor(list)": lambda L: L.tensor([1, 2.5]),
    "zeros": lambda L: L.zeros(2), "ones": lambda L: L.ones(2, 3), "rand": lambda L: L.rand(2),
    "randn": lambda L: L.randn(2), "full": lambda L: L.full((2,), 0.5),
    "arange": lambda L: L.arange(0.0, 2.0, 0.5), "eye": lambda L: L.eye(2),
    "int + float": lambda L: L.tensor([1, 2]) + 0.5,
    "int / int": lambda L: L.tensor([1, 2]) / L.tensor([2, 2]),
    "exp(int)": lambda L: L.tensor([1, 2]).exp(),
    "clamp(int, float)": lambda L: L.tensor([1, 2]).clamp(min=1.5),
    "Linear weight": lambda L: L.nn.Linear(2, 3).weight,
    "int tensor": lambda L: L.tensor([1, 2]),
    "float32 + number": lambda L: L.ones(2, dtype=L.float32) * 2.5,
}


@pytest.mark.parametrize("label", sorted(MADE_WITH_DEFAULT))
def test_set_default_dtype_changes_what_pytorch_changes(label, default_float64):
    make = MADE_WITH_DEFAULT[label]
    assert minigrad.get_default_dtype() == np.float64
    assert dtype_name(make(minigrad).dtype) == dtype_name(make(torch).dtype)


def test_default_dtype_must_be_a_float_and_starts_as_float32():
    assert minigrad.get_default_dtype() == np.float32
    for lib in (minigrad, torch):
        with pytest.raises(TypeError, match="floating"):
            lib.set_default_dtype(lib.int64)
    assert minigrad.get_default_dtype() == np.float32


# --- the rule itself -------------------------------------------------------------------------
@settings(max_examples=100)
@given(a=st.sampled_from(DTYPES), b=st.sampled_from(DTYPES))
def test_promote_types_matches_pytorch(a, b):
    expected = torch.promote_types(torch_dtype(a), torch_dtype(b))
    assert dtype_name(dtypes.promote_types(a, b)) == dtype_name(expected)


@settings(max_examples=150)
@given(a=operand(), b=operand())
def test_result_type_matches_pytorch(a, b):
    if not tensor_first([a, b]):
        return  # torch.result_type needs a tensor
    expected = torch.result_type(build(torch, a, False), build(torch, b, False))
    ours = dtypes.result_type(build(minigrad, a, False), build(minigrad, b, False))
    assert dtype_name(ours) == dtype_name(expected), (a, b)


def test_linear_layers_follow_the_default_dtype(default_float64):
    layer = nn.Linear(2, 3)
    assert layer.weight.dtype == np.float64 and layer.bias.dtype == np.float64
