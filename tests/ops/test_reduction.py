"""minigrad/ops/reduction.py: sum, mean, var, std, prod, amax/amin, max/min with indices,
argmax/argmin, logsumexp, softmax and log_softmax."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad import ops
from minigrad.testing import gradcheck, gradgradcheck
from minigrad.testing.strategies import arrays, distinct_values, shapes

from ops_oracle import against_torch, leaf, needs_torch, torch

# name -> (minigrad, numpy reference taking (array, axis, keepdims))
REDUCTIONS = {
    "sum": (ops.sum, lambda a, d, k: np.sum(a, axis=d, keepdims=k)),
    "mean": (ops.mean, lambda a, d, k: np.mean(a, axis=d, keepdims=k)),
    "var": (ops.var, lambda a, d, k: np.var(a, axis=d, keepdims=k, ddof=1)),
    "std": (ops.std, lambda a, d, k: np.std(a, axis=d, keepdims=k, ddof=1)),
    "amax": (ops.amax, lambda a, d, k: np.amax(a, axis=d, keepdims=k)),
    "amin": (ops.amin, lambda a, d, k: np.amin(a, axis=d, keepdims=k)),
    "logsumexp": (ops.logsumexp,
                  lambda a, d, k: np.log(np.sum(np.exp(a), axis=d, keepdims=k))),
}


@st.composite
def array_and_dim(draw, min_dims: int = 1, min_side: int = 1):
    """An array, a dim (None, an int maybe negative, or a tuple) and keepdim."""
    a = draw(arrays(shapes(min_dims=min_dims, min_side=min_side)))
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        dim = None
    elif kind == "int":
        dim = draw(st.integers(-a.ndim, a.ndim - 1))
    else:
        dim = tuple(draw(st.lists(st.integers(0, a.ndim - 1), min_size=1, max_size=a.ndim,
                                  unique=True)))
    return a, dim, draw(st.booleans())


def _names(table):
    return sorted(table)


@pytest.mark.parametrize("name", _names(REDUCTIONS))
@given(case=array_and_dim(min_side=2))
def test_reductions_match_numpy(name, case):
    a, dim, keepdim = case
    f, reference = REDUCTIONS[name]
    if name == "logsumexp" and dim is None:
        dim = tuple(range(a.ndim))
    out = f(minigrad.tensor(a), dim, keepdim=keepdim)
    expected = reference(a, dim, keepdim)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12)


def test_var_and_std_corrections():
    a = np.array([[1.0, 2.0, 4.0], [3.0, 5.0, 9.0]])
    x = minigrad.tensor(a)
    np.testing.assert_allclose(x.var().item(), np.var(a, ddof=1))
    np.testing.assert_allclose(x.var(unbiased=False).item(), np.var(a))
    np.testing.assert_allclose(x.var(1, correction=2).numpy(), np.var(a, axis=1, ddof=2))
    np.testing.assert_allclose(x.std(0, keepdim=True).numpy(),
                               np.std(a, axis=0, ddof=1, keepdims=True))


@given(case=array_and_dim())
def test_prod_matches_numpy(case):
    a, dim, keepdim = case
    dim = dim if not isinstance(dim, tuple) else dim[0]
    out = ops.prod(minigrad.tensor(a), dim, keepdim)
    np.testing.assert_allclose(out.numpy(), np.prod(a, axis=dim, keepdims=keepdim),
                               rtol=1e-10, atol=1e-300)


def test_prod_gradient_is_exact_with_zeros():
    x = leaf([2.0, 0.0, 3.0])
    x.prod().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 6.0, 0.0])
    x = leaf([2.0, 0.0, 3.0, 0.0])
    x.prod().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0, 0.0])
    x = leaf([[0.0, 5.0], [2.0, 3.0]])
    x.prod(1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[5.0, 0.0], [3.0, 2.0]])
    x = leaf([0.0])
    x.prod().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0])


@given(a=arrays(shapes(min_dims=1, max_side=5), elements=st.sampled_from([0.0, 0.5, 2.0, -1.5])))
def test_prod_passes_gradcheck_with_zeros_and_its_second_derivative(a):
    x = leaf(a)
    assert gradcheck(lambda t: t.prod(), [x])
    assert gradgradcheck(lambda t: t.prod(-1), [x])


# --- ties ------------------------------------------------------------------------------------
def test_amax_and_amin_split_ties_evenly():
    x = leaf([1.0, 3.0, 3.0, 2.0])
    x.amax().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.5, 0.5, 0.0])
    x = leaf([[1.0, 1.0, 1.0], [0.0, 5.0, 0.0]])
    x.amin(1).backward(minigrad.tensor([3.0, 1.0], dtype=np.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 1.0, 1.0], [0.5, 0.0, 0.5]])


def test_max_without_dim_splits_ties_evenly():
    x = leaf([[4.0, 1.0], [4.0, 4.0]])
    x.max().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[1 / 3, 0.0], [1 / 3, 1 / 3]])
    x = leaf([2.0, -1.0, -1.0])
    x.min().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.5, 0.5])


def test_max_with_dim_gives_the_gradient_to_the_first_maximum():
    x = leaf([[3.0, 1.0, 3.0], [0.0, 2.0, 2.0]])
    values, indices = x.max(1)
    np.testing.assert_array_equal(values.detach().numpy(), [3.0, 2.0])
    np.testing.assert_array_equal(indices.numpy(), [0, 1])
    assert indices.dtype == np.int64 and not indices.requires_grad
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def test_min_with_dim_and_keepdim():
    x = leaf([[3.0, 1.0, 1.0], [0.0, 0.0, 2.0]])
    result = x.min(dim=-1, keepdim=True)
    assert result.values.shape == (2, 1) and result.indices.shape == (2, 1)
    np.testing.assert_array_equal(result.indices.numpy(), [[1], [0]])
    result.values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])


def test_tie_rules_are_documented():
    prims = minigrad.autograd.primitives()
    assert "1/k at each of the k tied maxima" in prims["amax"].__doc__
    assert "1/k at each of the k tied minima" in prims["amin"].__doc__
    assert "first maximum" in ops.max.__doc__


def test_argmax_and_argmin_return_the_first_index():
    x = minigrad.tensor([[1.0, 5.0, 5.0], [7.0, 0.0, 0.0]])
    assert x.argmax().item() == 3
    assert x.argmin().item() == 4
    np.testing.assert_array_equal(x.argmax(1).numpy(), [1, 0])
    np.testing.assert_array_equal(x.argmin(1, keepdim=True).numpy(), [[0], [1]])
    assert x.argmax(0).dtype == np.int64


@given(x=distinct_values(shapes(min_dims=1)))
def test_max_with_dim_values_and_indices_match_numpy(x):
    a = x.numpy()
    for dim in range(-a.ndim, a.ndim):
        values, indices = x.max(dim)
        np.testing.assert_array_equal(values.numpy(), a.max(axis=dim))
        np.testing.assert_array_equal(indices.numpy(), a.argmax(axis=dim))
        values, indices = x.min(dim)
        np.testing.assert_array_equal(indices.numpy(), a.argmin(axis=dim))


@given(x=distinct_values(shapes(min_dims=1), requires_grad=True))
def test_max_with_dim_passes_gradcheck(x):
    assert gradcheck(lambda t: t.max(-1).values, [x])
    assert gradcheck(lambda t: t.min(0, keepdim=True).values, [x])


# --- softmax family --------------------------------------------------------------------------
def test_softmax_is_stable_for_huge_logits():
    x = leaf([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = ops.softmax(x, 1)
        (y * minigrad.tensor([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], dtype=np.float64)).sum() \
            .backward()
    np.testing.assert_allclose(y.detach().numpy(), [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    assert np.isfinite(x.grad.numpy()).all()
    # d/dx of sum(w * softmax(x)) = s * (w - s.w): zero in row 0, (w - 2) / 3 in row 1
    np.testing.assert_allclose(x.grad.numpy(), [[0.0, 0.0, 0.0], [-1 / 3, 0.0, 1 / 3]],
                               atol=1e-15)


def test_log_softmax_and_logsumexp_are_stable_for_huge_logits():
    x = leaf([[1000.0, -1000.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = ops.log_softmax(x, 1)
        y.sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), [[0.0, -2000.0, -1000.0]])
    np.testing.assert_allclose(x.grad.numpy(), [[-2.0, 1.0, 1.0]])
    np.testing.assert_allclose(ops.logsumexp(x, 1).detach().numpy(), [1000.0])


@given(a=arrays(shapes(min_dims=1), elements=st.floats(-50, 50)))
def test_log_softmax_and_logsumexp_pass_gradcheck(a):
    x = leaf(a)
    assert gradcheck(lambda t: ops.log_softmax(t, -1), [x])
    assert gradgradcheck(lambda t: ops.logsumexp(t, 0), [x])


@given(a=arrays(shapes(min_dims=1), elements=st.floats(-50, 50)))
def test_softmax_passes_gradcheck_and_gradgradcheck(a):
    x = leaf(a)
    assert gradcheck(lambda t: ops.softmax(t, -1), [x])
    assert gradgradcheck(lambda t: ops.softmax(t, 0), [x])


@given(case=array_and_dim(min_side=2))
def test_mean_var_std_pass_gradcheck(case):
    a, dim, keepdim = case
    x = leaf(a)
    assert gradcheck(lambda t: t.mean(dim, keepdim), [x])
    assert gradcheck(lambda t: t.var(dim, keepdim=keepdim), [x])
    assert gradgradcheck(lambda t: t.var(dim, keepdim=keepdim), [x])
    if np.all(np.var(a, axis=dim) > 1e-3):  # sqrt is not differentiable at 0
        assert gradcheck(lambda t: t.std(dim, keepdim=keepdim), [x])


# --- dtypes and errors -----------------------------------------------------------------------
@pytest.mark.parametrize("f", [
    lambda t: t.sum(), lambda t: t.mean(0), lambda t: t.var(), lambda t: t.std(1),
    lambda t: t.prod(), lambda t: t.amax(1), lambda t: t.max(0).values,
    lambda t: ops.softmax(t, 1)], ids=["sum", "mean", "var", "std", "prod", "amax", "max",
                                       "softmax"])
def test_float32_stays_float32(f):
    x = leaf([[0.5, 1.5], [2.5, 3.0]], dtype=np.float32)
    y = f(x)
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize("f, op", [
    (lambda t: t.sum(2), "sum"), (lambda t: t.mean(-3), "mean"), (lambda t: t.amax(5), "amax"),
    (lambda t: t.max(2), "max"), (lambda t: t.argmin(3), "argmin"), (lambda t: t.prod(2), "prod"),
    (lambda t: ops.softmax(t, 2), "softmax"), (lambda t: t.var((0, 4)), "var")])
def test_bad_dim_raises_index_error_naming_the_op(f, op):
    with pytest.raises(IndexError, match=rf"{op}: dimension out of range"):
        f(minigrad.ones(3, 4))


def test_repeated_dims_are_refused():
    with pytest.raises(RuntimeError, match="sum: .*multiple times"):  # as in PyTorch
        minigrad.ones(3, 4).sum((1, -1))


def test_empty_max_is_refused():
    with pytest.raises(RuntimeError, match="amax"):
        minigrad.ones(0).amax()
    with pytest.raises(IndexError, match="max: .*dim 0 to have non-zero size"):  # as torch
        minigrad.ones(0, 2).max(0)


def test_mean_of_integers_is_refused():
    with pytest.raises(RuntimeError, match="mean"):  # as in PyTorch
        minigrad.arange(4).mean()


# --- PyTorch as an oracle --------------------------------------------------------------------
def _torch_reductions():
    return {
        "sum": lambda t, d, k: t.sum(dim=d, keepdim=k),
        "mean": lambda t, d, k: t.mean(dim=d, keepdim=k),
        "var": lambda t, d, k: t.var(dim=d, keepdim=k),
        "std": lambda t, d, k: t.std(dim=d, keepdim=k),
        "amax": lambda t, d, k: t.amax(dim=() if d is None else d, keepdim=k),
        "amin": lambda t, d, k: t.amin(dim=() if d is None else d, keepdim=k),
        "logsumexp": lambda t, d, k: torch.logsumexp(
            t, dim=tuple(range(t.ndim)) if d is None else d, keepdim=k),
    }


@needs_torch
@pytest.mark.parametrize("name", _names(REDUCTIONS))
@given(case=array_and_dim(min_side=2))
def test_reductions_match_torch(name, case):
    a, dim, keepdim = case
    if name in ("amax", "amin", "std"):  # no ties; std has no derivative at variance 0
        a = a + np.arange(a.size).reshape(a.shape) * 1e-3
    mine, _ = REDUCTIONS[name]
    theirs = _torch_reductions()[name]
    if name == "logsumexp" and dim is None:
        dim = tuple(range(a.ndim))
    against_torch(lambda t: mine(t, dim, keepdim=keepdim), lambda t: theirs(t, dim, keepdim),
                  a, rtol=1e-6, atol=1e-9)


@needs_torch
def test_std_of_a_constant_has_zero_gradient_like_torch():
    against_torch(lambda t: t.std(), lambda t: t.std(), np.array([2.0, 2.0, 2.0]))


@needs_torch
@given(a=arrays(shapes(min_dims=1), elements=st.sampled_from([3.0, 1.0, -2.0])))
def test_max_and_amax_ties_match_torch(a):
    against_torch(lambda t: t.amax(), lambda t: t.amax(), a)
    against_torch(lambda t: t.max(), lambda t: t.max(), a)
    against_torch(lambda t: t.max(-1).values, lambda t: t.max(-1).values, a)
    against_torch(lambda t: t.min(0).values, lambda t: t.min(0).values, a)


@needs_torch
@given(case=array_and_dim())
def test_prod_matches_torch(case):
    a, dim, keepdim = case
    a = np.where(np.abs(a) < 0.5, 0.0, a)  # plenty of exact zeros
    dim = None if dim is None else (dim if isinstance(dim, int) else dim[0])
    against_torch(lambda t: t.prod(dim, keepdim),
                  lambda t: t.prod(dim, keepdim) if dim is not None else
                  t.prod().reshape((1,) * t.ndim if keepdim else ()), a)


@needs_torch
@given(a=arrays(shapes(min_dims=1), elements=st.floats(-1000, 1000)))
def test_softmax_matches_torch(a):
    against_torch(lambda t: ops.softmax(t, -1), lambda t: torch.softmax(t, -1), a,
                  rtol=1e-6, atol=1e-12)


@needs_torch
@given(a=arrays(shapes(min_dims=1), elements=st.floats(-1000, 1000)))
def test_log_softmax_and_logsumexp_match_torch(a):
    against_torch(lambda t: ops.log_softmax(t, -1), lambda t: torch.log_softmax(t, -1), a,
                  rtol=1e-6, atol=1e-9)
    against_torch(lambda t: ops.logsumexp(t, 0), lambda t: torch.logsumexp(t, 0), a,
                  rtol=1e-6, atol=1e-9)


@needs_torch
@given(a=arrays(shapes(min_dims=1, max_dims=2),
                elements=st.sampled_from([1.0, -2.0, np.inf, -np.inf, np.nan])))
def test_softmaxes_of_infinities_and_nans_match_torch(a):
    against_torch(lambda t: ops.softmax(t, -1), lambda t: torch.softmax(t, -1), a)
    against_torch(lambda t: ops.log_softmax(t, -1), lambda t: torch.log_softmax(t, -1), a)


REDUCTION_PROGRAMS = {  # the dtype argument, and empty dims
    "bool sum to float32": lambda L: L.tensor([True, True]).sum(dtype=L.float32),
    "int sum(0) to float64": lambda L: L.tensor([[1, 2]]).sum(0, dtype=L.float64),
    "minigrad.sum keepdim and dtype": lambda L: L.sum(L.tensor([1, 2]), 0, True,
                                                      dtype=L.float64),
    "float sum to int64": lambda L: L.tensor([1.5, 2.5]).sum(dtype=L.int64),
    "int mean(0) to float32": lambda L: L.tensor([[1, 2, 3], [4, 5, 6]]).mean(0,
                                                                              dtype=L.float32),
    "minigrad.mean to float64": lambda L: L.mean(L.tensor([[1, 2], [4, 5]]), 1,
                                                 dtype=L.float64),
    "float mean to int64": lambda L: L.tensor([1.0, 2.0]).mean(dtype=L.int64),
    "int prod(1) to float32": lambda L: L.tensor([[1, 2, 3], [4, 5, 6]]).prod(1,
                                                                              dtype=L.float32),
    # reductions over an empty dim (they raised NumPy's ValueError)
    "logsumexp over an empty dim": lambda L: L.zeros(0, 3).logsumexp(0),
    "logsumexp over an empty dim 1": lambda L: L.zeros(3, 0).logsumexp(1),
    "softmax over an empty dim": lambda L: L.zeros(0, 3).softmax(0),
    "log_softmax of an empty tensor": lambda L: L.zeros(2, 0).log_softmax(1),
}


@needs_torch
@pytest.mark.parametrize("name", sorted(REDUCTION_PROGRAMS))
def test_reduction_arguments_and_empty_dims_as_pytorch(name):
    from differential import compare
    with np.errstate(divide="ignore"):
        compare(REDUCTION_PROGRAMS[name], name)


@needs_torch
def test_the_gradient_through_a_dtype_argument_comes_back_in_the_input_dtype():
    def program(L):
        x = L.tensor([1.5, 2.5], requires_grad=True)
        y = x.sum(dtype=L.float64) * x.mean(dtype=L.float64)
        y.backward()
        return y, x.grad

    from differential import compare
    compare(program)


@needs_torch
@pytest.mark.parametrize("make", [lambda L, x: L.prod(x, dim=-1, dtype=L.float64),
                                  lambda L, x: L.prod(x[0, 0]),
                                  lambda L, x: L.prod(x[0, 0], dim=0),
                                  lambda L, x: x.t().prod(0, keepdim=True),
                                  lambda L, x: x.prod(1)])
def test_prod_of_one_element_is_a_new_tensor_as_torch(make):
    # found by the fuzzer: a product over a dim of size 1 returned a view of the input
    from differential import shares_storage
    a = np.array([[1.5], [-2.0], [0.25]])
    ours, theirs = make(minigrad, minigrad.tensor(a)), make(torch, torch.tensor(a))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy())
    assert ours.shape == theirs.shape and ours.stride() == theirs.stride()
    x = minigrad.tensor(a)
    assert not shares_storage(make(minigrad, x), x)


@needs_torch
@pytest.mark.parametrize("dtype", ["uint8", "int8", "bool", "float32"])
def test_all_and_any_answer_in_uint8_for_uint8_as_torch(dtype):
    # found by the fuzzer: PyTorch's all/any of a uint8 tensor are uint8, of others bool
    a = np.array([[1, 0, 3], [2, 5, 1]])
    for make in (lambda L, x: L.all(x), lambda L, x: L.any(x, dim=0),
                 lambda L, x: x.all(1, keepdim=True), lambda L, x: x[:0].any()):
        ours = make(minigrad, minigrad.tensor(a).to(getattr(minigrad, dtype)))
        theirs = make(torch, torch.tensor(a).to(getattr(torch, dtype)))
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@needs_torch
@pytest.mark.parametrize("make", [lambda L: L.min(L.tensor(True), dim=-1),
                                  lambda L: L.tensor(False).max(0, keepdim=True),
                                  lambda L: L.prod(L.zeros(4, 0, 2), 1, dtype=L.uint8),
                                  lambda L: L.prod(L.zeros(3, 0, dtype=L.int8), 1,
                                                   dtype=L.int16),
                                  lambda L: L.prod(L.zeros(0, dtype=L.float16), 0)])
def test_dtypes_of_min_max_of_0d_and_empty_products_match_torch(make):
    # found by the fuzzer: a 0-d bool's min was int64, an empty uint8 product uint64
    ours, theirs = make(minigrad), make(torch)
    ours, theirs = (ours, theirs) if isinstance(theirs, torch.Tensor) else (ours[0], theirs[0])
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


STRIDED_REDUCTIONS = ["sum", "mean", "prod", "amax", "amin", "std", "var", "logsumexp",
                      "nansum", "nanmean", "count_nonzero", "all", "any", "median", "nanmedian",
                      "max", "min", "std_mean", "var_mean", "aminmax", "argmax"]


@needs_torch
@pytest.mark.parametrize("name", STRIDED_REDUCTIONS)
@pytest.mark.parametrize("perm", [(2, 1, 0), (1, 0, 2), (0, 2, 1)])
@pytest.mark.parametrize("dim", [0, 1, 2, (0, 2)])
def test_reductions_of_a_permuted_input_have_torch_strides(name, perm, dim):
    # found by the fuzzer: NumPy's reductions kept the input's order of dims in memory,
    # PyTorch's write row-major results (except median's, which keeps the layout)
    a = np.random.default_rng(3).standard_normal((3, 4, 5))
    found = []
    for lib in (minigrad, torch):
        try:
            out = getattr(lib, name)(lib.tensor(a).permute(*perm), dim=dim, keepdim=dim == 1)
        except (RuntimeError, TypeError) as error:  # a tuple of dims where only one is taken
            found.append(type(error))
            continue
        out = out[0] if isinstance(out, tuple) else out
        found.append((tuple(out.shape), out.stride()))
    assert found[0] == found[1]
