"""minigrad.special against torch.special: the scaled Bessel functions i0e and i1e, erfcx,
log_ndtr, ndtri and the Hurwitz zeta function (minigrad/ops/bessel.py, normal_tails.py,
zeta.py), over wide ranges with their edge points, in float64 and float32, with gradients
(and second derivatives) where torch has them, and torch's errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad

torch = pytest.importorskip("torch")

WIDE = np.concatenate([np.linspace(-60, 60, 4001), np.geomspace(1e-300, 1e300, 600),
                       -np.geomspace(1e-300, 1e300, 600), [0.0, -0.0, np.inf, -np.inf, np.nan]])
PROBABILITIES = np.concatenate([np.linspace(-0.1, 1.1, 4001), np.geomspace(1e-320, 0.5, 600),
                                1 - np.geomspace(1e-16, 0.5, 600), [np.nan, 0.5]])
UNARY = {"i0e": WIDE, "i1e": WIDE, "erfcx": WIDE, "log_ndtr": WIDE, "ndtri": PROBABILITIES}
# float32 kernels in torch round every step in float32 (exp(x^2) of erfcx near its overflow,
# log_ndtr's tiny upper tail): a few float32 ulps more than one rounding
FLOAT32_RTOL = 2e-5


def both(name, *arrays):
    ours = getattr(minigrad.special, name)(*[minigrad.tensor(a) for a in arrays])
    theirs = getattr(torch.special, name)(*[torch.tensor(a) for a in arrays])
    return ours, theirs


def assert_close(ours, theirs, rtol, atol=0.0):
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=rtol, atol=atol,
                               equal_nan=True)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_values_match_torch_in_float64_and_float32(name):
    x = UNARY[name]
    assert_close(*both(name, x), rtol=1e-10, atol=1e-320)
    with np.errstate(over="ignore"):
        x32 = x.astype(np.float32)
    assert_close(*both(name, x32), rtol=FLOAT32_RTOL, atol=1e-37)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_integer_inputs_give_float32_and_half_as_torch(name):
    ours, theirs = both(name, np.array([0, 1, -2]))
    assert_close(ours, theirs, rtol=1e-6)
    half = np.array([0.25, 0.5], dtype=np.float16)
    try:
        expected = getattr(torch.special, name)(torch.tensor(half))
    except NotImplementedError:
        with pytest.raises(NotImplementedError, match=name):
            getattr(minigrad.special, name)(minigrad.tensor(half))
    else:
        assert_close(getattr(minigrad.special, name)(minigrad.tensor(half)), expected, 1e-3)


DOMAINS = {"i0e": st.floats(-30, 30), "i1e": st.floats(-30, 30), "erfcx": st.floats(-5, 30),
           "log_ndtr": st.floats(-30, 8), "ndtri": st.floats(1e-6, 1 - 1e-6)}


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_first_and_second_derivatives_match_torch(name, data):
    values = np.array(data.draw(st.lists(DOMAINS[name].filter(lambda v: abs(v) > 1e-3),
                                         min_size=1, max_size=5)))
    w = np.random.default_rng(len(values)).standard_normal(values.shape)
    grads = []
    for lib in (minigrad, torch):
        x = lib.tensor(values, requires_grad=True)
        y = getattr(lib.special, name)(x)
        (first,) = lib.autograd.grad((y * lib.tensor(w)).sum(), x, create_graph=True)
        (second,) = lib.autograd.grad(first.sum(), x)
        grads.append((first.detach().numpy(), second.numpy()))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(x=st.lists(st.floats(1.01, 60), min_size=1, max_size=4),
       q=st.lists(st.floats(-30, 40).filter(lambda v: v != round(v)), min_size=1, max_size=3))
def test_zeta_broadcasts_and_matches_torch(x, q):
    x, q = np.array(x)[:, None], np.array(q)[None, :]
    ours, theirs = both("zeta", x, q)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, equal_nan=True)
    assert ours.shape == theirs.shape


def test_zeta_edges_dtypes_and_float32():
    n, inf = np.nan, np.inf
    x = np.array([1, 0.5, 0.5, n, 2.5, n, 1, 2, 2, inf, inf, inf, inf, inf, 3, 2, 200, 1e5])
    q = np.array([n, 0, -1.5, -2, -1.5, -1.5, -2, inf, -inf, 0.5, 1, 1.5, -1.5, inf, -2.5,
                  1e-300, 1.5, 3])
    assert_close(*both("zeta", x, q), rtol=1e-12)
    assert_close(*both("zeta", x.astype(np.float32), q.astype(np.float32)), rtol=1e-5)
    ours = minigrad.special.zeta(minigrad.tensor([2, 3]), minigrad.tensor([1, 2]))
    theirs = torch.special.zeta(torch.tensor([2, 3]), torch.tensor([1, 2]))
    assert_close(ours, theirs, rtol=1e-6)
    assert_close(minigrad.special.zeta(2.0, minigrad.tensor([1.0, 2.0])),
                 torch.special.zeta(2.0, torch.tensor([1.0, 2.0])), rtol=1e-6)
    with pytest.raises(NotImplementedError):
        minigrad.special.zeta(minigrad.tensor([2.0], dtype=minigrad.float16),
                              minigrad.tensor([1.0], dtype=minigrad.float16))


def test_zeta_gradient_is_q_only_as_torch():
    x, q = np.array([[2.5], [4.0]]), np.array([0.5, 1.5, 7.0])
    grads = []
    for lib in (minigrad, torch):
        qt = lib.tensor(q, requires_grad=True)
        z = lib.special.zeta(lib.tensor(x), qt)
        (first,) = lib.autograd.grad(z.sum(), qt, create_graph=True)
        (second,) = lib.autograd.grad(first.sum(), qt)
        grads.append((first.detach().numpy(), second.numpy()))
        xt = lib.tensor(x, requires_grad=True)
        with pytest.raises(NotImplementedError, match="zeta"):
            lib.special.zeta(xt, lib.tensor(q)).sum().backward()
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)
