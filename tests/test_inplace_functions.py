"""PyTorch's top-level in-place functions (``torch.relu_(x)``, ``torch.dropout_``,
``torch.embedding_renorm_``, ...) and its constants (``torch.pi``, ``torch.newaxis``),
each compared with PyTorch: the values written, that the input itself comes back, the
gradients through a non-leaf, and the errors."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from differential import compare, f64

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)
UNIT = rng.uniform(0.1, 0.9, (2, 3))     # inside every domain the unary functions have
ABOVE_ONE = rng.uniform(1.5, 3.0, (2, 3))  # for acosh
SIGNED = rng.uniform(-3, 3, (2, 3))
INTS = rng.integers(-20, 20, (2, 3))

# name -> (input array, the other arguments as a function of the library)
CALLS = {
    "abs_": (SIGNED, lambda L: ()), "acos_": (UNIT, lambda L: ()),
    "acosh_": (ABOVE_ONE, lambda L: ()), "arccos_": (UNIT, lambda L: ()),
    "arccosh_": (ABOVE_ONE, lambda L: ()), "arcsin_": (UNIT, lambda L: ()),
    "arcsinh_": (SIGNED, lambda L: ()), "arctan_": (SIGNED, lambda L: ()),
    "arctanh_": (UNIT, lambda L: ()), "asin_": (UNIT, lambda L: ()),
    "asinh_": (SIGNED, lambda L: ()), "atan_": (SIGNED, lambda L: ()),
    "atanh_": (UNIT, lambda L: ()), "ceil_": (SIGNED, lambda L: ()),
    "clamp_": (SIGNED, lambda L: (-1.0, 0.5)), "clamp_max_": (SIGNED, lambda L: (0.5,)),
    "clamp_min_": (SIGNED, lambda L: (-0.5,)), "clip_": (SIGNED, lambda L: (None, 1.0)),
    "conj_physical_": (SIGNED, lambda L: ()), "cos_": (SIGNED, lambda L: ()),
    "cosh_": (SIGNED, lambda L: ()), "deg2rad_": (SIGNED, lambda L: ()),
    "erf_": (SIGNED, lambda L: ()), "erfc_": (SIGNED, lambda L: ()),
    "exp2_": (SIGNED, lambda L: ()), "exp_": (SIGNED, lambda L: ()),
    "expm1_": (SIGNED, lambda L: ()), "fill_": (SIGNED, lambda L: (2.5,)),
    "fix_": (SIGNED, lambda L: ()), "floor_": (SIGNED, lambda L: ()),
    "frac_": (SIGNED, lambda L: ()), "i0_": (SIGNED, lambda L: ()),
    "ldexp_": (SIGNED, lambda L: (L.tensor([1, 0, 3]),)), "log10_": (UNIT, lambda L: ()),
    "log1p_": (UNIT, lambda L: ()), "log2_": (UNIT, lambda L: ()), "log_": (UNIT, lambda L: ()),
    "logit_": (UNIT, lambda L: (0.2,)), "neg_": (SIGNED, lambda L: ()),
    "negative_": (SIGNED, lambda L: ()), "rad2deg_": (SIGNED, lambda L: ()),
    "reciprocal_": (ABOVE_ONE, lambda L: ()), "relu_": (SIGNED, lambda L: ()),
    "round_": (SIGNED, lambda L: ()), "rsqrt_": (UNIT, lambda L: ()),
    "sigmoid_": (SIGNED, lambda L: ()), "sin_": (SIGNED, lambda L: ()),
    "sinc_": (SIGNED, lambda L: ()), "sinh_": (SIGNED, lambda L: ()),
    "sqrt_": (UNIT, lambda L: ()), "square_": (SIGNED, lambda L: ()),
    "tan_": (UNIT, lambda L: ()), "tanh_": (SIGNED, lambda L: ()),
    "trunc_": (SIGNED, lambda L: ()), "xlogy_": (SIGNED, lambda L: (L.tensor(UNIT),)),
    "zero_": (SIGNED, lambda L: ()), "detach_": (SIGNED, lambda L: ()),
    "addmv_": (SIGNED[0], lambda L: (L.tensor(SIGNED.T), L.tensor(UNIT[0]))),
    "celu_": (SIGNED, lambda L: (1.5,)), "selu_": (SIGNED, lambda L: ()),
    "threshold_": (SIGNED, lambda L: (0.3, -1.0)),
    "rrelu_": (SIGNED, lambda L: (0.1, 0.3, False)),
    "nan_to_num_": (np.array([np.nan, np.inf, -np.inf, 1.0]), lambda L: (0.5, 7.0, -7.0)),
    "resize_as_": (SIGNED, lambda L: (L.ones(3, 2),)),
}
# PyTorch has no derivative for these in place (NotImplementedError); minigrad's is that
# of the out-of-place function, compared in tests/ops.
NO_TORCH_DERIVATIVE = {"acosh_", "arccosh_", "asinh_", "arcsinh_", "atanh_", "arctanh_"}
INTEGER_CALLS = {"gcd_": lambda L: (L.tensor([4, 6, 9]),), "lcm_": lambda L: (L.tensor(6),)}


def _in_place(name, array, args, requires_grad):
    """Call the function on a non-leaf copy of ``array``: the result (which must be that
    tensor), and the gradient reaching the leaf."""
    def program(lib):
        leaf = f64(lib, array, requires_grad=requires_grad)
        x = leaf * 1
        out = getattr(lib, name)(x, *args(lib))
        assert out is x
        if not out.requires_grad:
            return out, out.requires_grad
        (grad,) = lib.autograd.grad((out * out).sum(), leaf)
        return out, grad
    return program


@pytest.mark.parametrize("name", sorted(CALLS))
def test_in_place_functions_match_torch(name):
    array, args = CALLS[name]
    compare(_in_place(name, array, args, False), name)
    if name not in NO_TORCH_DERIVATIVE:
        compare(_in_place(name, array, args, True), name, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("name", sorted(INTEGER_CALLS))
def test_integer_in_place_functions_match_torch(name):
    def program(lib):
        x = lib.tensor(INTS[0])
        assert getattr(lib, name)(x, *INTEGER_CALLS[name](lib)) is x
        return x
    compare(program, name)


@pytest.mark.parametrize("name", sorted(CALLS) + sorted(INTEGER_CALLS))
def test_in_place_functions_refuse_as_torch(name):
    args = CALLS[name][1] if name in CALLS else INTEGER_CALLS[name]
    array = CALLS[name][0] if name in CALLS else INTS[0].astype(float)
    compare(lambda L: getattr(L, name)(array.tolist(), *args(L)), f"{name} of a list")
    compare(lambda L: getattr(L, name)(L.tensor(array, requires_grad=True), *args(L)),
            f"{name} of a leaf that requires grad")
    compare(lambda L: getattr(L, name)(input=L.tensor(array)) if not args(L) else None,
            f"{name} with input=")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=1, max_size=8),
       st.sampled_from(["sigmoid_", "tanh_", "exp_", "relu_", "sin_", "neg_", "floor_"]),
       st.sampled_from(["float32", "float64"]))
def test_unary_in_place_functions_keep_the_dtype(values, name, dtype):
    def program(lib):
        x = lib.tensor(values, dtype=getattr(lib, dtype))
        return getattr(lib, name)(x), x
    compare(program, name, rtol=1e-6, atol=1e-7)


# --- dropouts and embedding_renorm_ ----------------------------------------------------------
DROPOUTS = ["dropout_", "alpha_dropout_", "feature_dropout_", "feature_alpha_dropout_"]


@pytest.mark.parametrize("name", DROPOUTS)
@pytest.mark.parametrize("p, train", [(0.5, False), (0.0, True), (1.0, True), (1.5, True),
                                      (-0.1, False)])
def test_dropouts_in_place_at_fixed_points(name, p, train):
    def program(lib):
        x = lib.tensor(SIGNED)
        return getattr(lib, name)(x, p, train) is x, x
    compare(program, name, rtol=1e-6)
    compare(lambda L: getattr(L, name)(L.tensor(SIGNED, requires_grad=True), p, train),
            name)


@pytest.mark.parametrize("name", DROPOUTS)
def test_dropouts_in_place_draw_a_mask(name):
    x = minigrad.ones(40, 50, 3)
    assert getattr(minigrad, name)(x, 0.3, True) is x
    values = x.numpy()
    assert len(np.unique(values)) == 2  # kept and dropped, each one value
    whole_channels = (values == values[..., :1]).all()
    assert whole_channels if "feature" in name else not whole_channels
    compare(lambda L: getattr(L, name)(L.ones(4, 2, dtype=L.int64), 0.5, True), name)
    compare(lambda L: getattr(L, name)(L.ones(4, 2), 0.5, True) * 0, name)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(1, 4), st.lists(st.integers(-5, 4), max_size=6),
       st.sampled_from([0.5, 1.0, 2.0]), st.sampled_from([1.0, 2.0, 3.0, 0.0, float("inf")]))
def test_embedding_renorm_matches_torch(rows, dim, indices, max_norm, norm_type):
    weight = rng.uniform(-2, 2, (rows, dim))

    def program(lib):
        w = lib.tensor(weight, dtype=lib.float32)
        return lib.embedding_renorm_(w, lib.tensor(indices, dtype=lib.int64), max_norm,
                                     norm_type) is w, w
    compare(program, "embedding_renorm_", rtol=1e-6, atol=1e-7)


def test_embedding_renorm_renorms_a_row_once_per_distinct_index_as_torch():
    # 0 and -3 name the same row: PyTorch skips repeated indices, not repeated rows
    def program(lib):
        w = lib.tensor([[-2.0, 1.0], [0.5, 0.5], [3.0, -1.0]], dtype=lib.float32)
        lib.embedding_renorm_(w, lib.tensor([0, -3, 0, 2]), 1.0, 2.0)
        return w
    compare(program, "embedding_renorm_ with i and i - N", rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("code", [
    "L.embedding_renorm_(L.ones(3, 2), L.tensor([0.0]), 1.0, 2.0)",
    "L.embedding_renorm_(L.ones(3), L.tensor([0]), 1.0, 2.0)",
    "L.embedding_renorm_(L.ones(3, 2, dtype=L.int64), L.tensor([0]), 1.0, 2.0)",
    "L.embedding_renorm_(L.ones(3, 2), L.tensor([0], dtype=L.int32), 1.0, 2.0)",
    "L.embedding_renorm_(L.ones(3, 2, requires_grad=True), L.tensor([0]), 1.0, 2.0)",
    "L.embedding_renorm_(L.ones(3, 2), [0], 1.0, 2.0)",
])
def test_embedding_renorm_refuses_as_torch(code):
    compare(lambda L: eval(code), code)


def test_constants_are_pythons():
    for name in ("pi", "e", "inf"):
        value = getattr(minigrad, name)
        assert type(value) is float and value == getattr(torch, name)
    assert type(minigrad.nan) is float and minigrad.nan != minigrad.nan
    assert minigrad.newaxis is None is torch.newaxis
    assert minigrad.ones(3)[minigrad.newaxis].shape == (1, 3)
