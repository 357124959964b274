"""Forward-mode AD against PyTorch: the tangents dual tensors carry through each kind of
operation (elementwise, broadcasting, products, reductions, views, indexing,
convolution, pooling, in-place), in float64, and the errors and lifetimes of levels."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad

torch = pytest.importorskip("torch")

PROGRAMS = {
    "sin * exp": lambda L, x, y: x.sin() * x.exp(),
    "broadcast add": lambda L, x, y: x + y[0],
    "div and pow": lambda L, x, y: (x / (y * y + 1)) ** 3,
    "matmul": lambda L, x, y: x @ y.T,
    "sum and mean": lambda L, x, y: x.sum(1) + y.mean(1),
    "softmax": lambda L, x, y: L.nn.functional.softmax(x * y, dim=1),
    "log_softmax": lambda L, x, y: L.nn.functional.log_softmax(x, dim=0),
    "tanh of a view": lambda L, x, y: L.tanh(x.T.reshape(-1)[1:5]),
    "indexing": lambda L, x, y: x[[0, 2], 1:] * y[1:3, :-1],
    "cat and stack": lambda L, x, y: L.stack([L.cat([x, y]), L.cat([y, x])]),
    "where and clamp": lambda L, x, y: L.where(x > 0.1, x.clamp(-0.5, 0.5), y),
    "norm": lambda L, x, y: L.linalg.norm(x - y, dim=1),
    "max over dim": lambda L, x, y: (x + y).max(1).values,
    "relu and abs": lambda L, x, y: L.relu(x) + (y - 0.05).abs(),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
@given(st.integers(0, 2 ** 31 - 1))
def test_tangents_match_torch(name, seed):
    rng = np.random.default_rng(seed)
    x, y, tx, ty = (rng.standard_normal((3, 4)) for _ in range(4))
    results = []
    for lib in (minigrad, torch):
        fwAD = lib.autograd.forward_ad
        with fwAD.dual_level():
            dx = fwAD.make_dual(lib.tensor(x), lib.tensor(tx))
            dy = fwAD.make_dual(lib.tensor(y), lib.tensor(ty))
            primal, tangent = fwAD.unpack_dual(PROGRAMS[name](lib, dx, dy))
            results.append((primal.numpy(), tangent.numpy()))
    (p, t), (tp, tt) = results
    np.testing.assert_allclose(p, tp, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(t, tt, rtol=1e-10, atol=1e-12)


def test_conv_pool_and_modules_with_dual_parameters():
    """A conv net's output tangent, with the input and one layer's weight dual."""
    rng = np.random.default_rng(3)
    x, tx = rng.standard_normal((2, 1, 6, 6)), rng.standard_normal((2, 1, 6, 6))
    w, tw = rng.standard_normal((3, 1, 3, 3)), rng.standard_normal((3, 1, 3, 3))
    results = []
    for lib in (minigrad, torch):
        F, fwAD = lib.nn.functional, lib.autograd.forward_ad
        with fwAD.dual_level():
            dx = fwAD.make_dual(lib.tensor(x), lib.tensor(tx))
            dw = fwAD.make_dual(lib.tensor(w), lib.tensor(tw))
            out = F.max_pool2d(F.relu(F.conv2d(dx, dw, padding=1)), 2).flatten(1)
            results.append(fwAD.unpack_dual(F.log_softmax(out, dim=1)).tangent.numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-10, atol=1e-12)


def test_in_place_ops_carry_the_tangent_and_levels_drop_it():
    for lib in (minigrad, torch):
        fwAD = lib.autograd.forward_ad
        x = lib.tensor([1.0, 2.0], dtype=lib.float64)
        tangent = lib.tensor([1.0, -1.0], dtype=lib.float64)
        with fwAD.dual_level():
            dual = fwAD.make_dual(x, tangent)
            assert fwAD.unpack_dual(dual).tangent is tangent
            assert fwAD.unpack_dual(x).tangent is None
            dual.mul_(3)
            assert fwAD.unpack_dual(dual).tangent.tolist() == [3.0, -3.0]
            assert "tangent=tensor([ 3., -3.]" in repr(dual)
        assert fwAD.unpack_dual(dual).tangent is None
        assert x.tolist() == [3.0, 6.0]  # the dual is a view of x


@pytest.mark.parametrize("call", [
    lambda fwAD, L: fwAD.make_dual(L.ones(2), L.ones(2)),  # no level
    lambda fwAD, L: _in_level(fwAD, lambda: fwAD.make_dual(L.ones(2), L.ones(3))),
    lambda fwAD, L: _in_level(fwAD, lambda: fwAD.enter_dual_level()),  # nested
])
def test_errors_match_torch(call):
    for lib in (minigrad, torch):
        with pytest.raises(RuntimeError):
            call(lib.autograd.forward_ad, lib)


def _in_level(fwAD, body):
    with fwAD.dual_level():
        body()


def test_outside_a_level_nothing_is_paid():
    from minigrad.autograd import function
    assert function.tangent_hook is None
    with minigrad.autograd.forward_ad.dual_level():
        assert function.tangent_hook is not None
    assert function.tangent_hook is None
