"""minigrad/sampling.py: multinomial, bernoulli and normal draw from the right
distributions, with PyTorch's shapes, dtypes and errors."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad


def test_multinomial_with_replacement_follows_the_weights():
    g = minigrad.Generator().manual_seed(0)
    drawn = minigrad.multinomial(minigrad.tensor([1.0, 0.0, 3.0]), 4000, True, generator=g)
    assert drawn.dtype == np.int64 and drawn.shape == (4000,)
    counts = np.bincount(drawn.numpy(), minlength=3)
    assert counts[1] == 0 and 0.72 < counts[2] / 4000 < 0.78


def test_multinomial_without_replacement_draws_each_index_once_zero_weights_last():
    g = minigrad.Generator().manual_seed(1)
    weights = minigrad.tensor([[0.0, 5.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    for _ in range(20):
        drawn = weights.multinomial(4, generator=g).tolist()
        assert sorted(drawn[0]) == sorted(drawn[1]) == [0, 1, 2, 3]
        assert set(drawn[0][:2]) == {1, 2}
    firsts = [minigrad.multinomial(minigrad.tensor([1.0, 9.0]), 1, generator=g).item()
              for _ in range(400)]
    assert 0.85 < sum(firsts) / 400 < 0.95


def test_multinomial_repeats_with_a_seeded_generator():
    p = minigrad.tensor([0.2, 0.3, 0.5])
    a = minigrad.multinomial(p, 10, True, generator=minigrad.Generator().manual_seed(5))
    b = minigrad.multinomial(p, 10, True, generator=minigrad.Generator().manual_seed(5))
    assert a.tolist() == b.tolist()


@pytest.mark.parametrize("weights, n, replacement", [
    ([0.1, 0.9], 3, False), ([-1.0, 1.0], 1, True), ([0.0, 0.0], 1, True),
    ([[[1.0]]], 1, True), ([0.5, 0.5], 0, True), ([np.nan, 1.0], 1, True),
])
def test_multinomial_errors_match_torch(weights, n, replacement):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        torch.multinomial(torch.tensor(weights), n, replacement)
    with pytest.raises(RuntimeError, match="multinomial"):
        minigrad.multinomial(minigrad.tensor(weights), n, replacement)


def test_bernoulli_and_normal():
    g = minigrad.Generator().manual_seed(2)
    p = minigrad.full((5000,), 0.3, dtype=minigrad.float64)
    b = minigrad.bernoulli(p, generator=g)
    assert b.dtype == np.float64 and set(b.tolist()) == {0.0, 1.0}
    assert 0.27 < b.mean().item() < 0.33
    assert minigrad.tensor([0.0, 1.0]).bernoulli().tolist() == [0.0, 1.0]
    with pytest.raises(RuntimeError, match="0 <= p <= 1"):
        minigrad.bernoulli(minigrad.tensor([2.0]))
    n = minigrad.normal(3.0, 0.5, size=(4000,), generator=g)
    assert n.dtype == np.float32 and abs(n.mean().item() - 3) < 0.05
    assert abs(n.numpy().std() - 0.5) < 0.05
    assert minigrad.normal(minigrad.zeros(2, 3), 1.0).shape == (2, 3)
    assert minigrad.normal(2.0, minigrad.ones(4, dtype=minigrad.float64)).dtype == np.float64
    assert minigrad.normal(minigrad.zeros(3), minigrad.ones(2, 1)).shape == (2, 3)
    with pytest.raises(TypeError, match="size"):
        minigrad.normal(0.0, 1.0)
    with pytest.raises(RuntimeError, match="std"):
        minigrad.normal(minigrad.zeros(2), -1.0)


def test_shapes_and_dtypes_match_torch():
    torch = pytest.importorskip("torch")
    cases = [
        lambda lib: lib.multinomial(lib.ones(3, 5), 2),
        lambda lib: lib.multinomial(lib.ones(5), 5),
        lambda lib: lib.multinomial(lib.ones(4, dtype=lib.float64), 7, replacement=True),
        lambda lib: lib.bernoulli(lib.ones(2, 2, dtype=lib.float64) * 0.5),
        lambda lib: lib.normal(0.0, 1.0, size=(2, 3)),
        lambda lib: lib.normal(lib.zeros(3, dtype=lib.float64), 2.0),
    ]
    for case in cases:
        ours, theirs = case(minigrad), case(torch)
        assert ours.shape == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")


FILLS = [  # (method, arguments, check on the values)
    ("exponential_", (2.0,), lambda v: (v > 0).all() and abs(v.mean() - 0.5) < 0.05),
    ("log_normal_", (0.0, 0.5), lambda v: (v > 0).all() and abs(np.log(v).std() - 0.5) < 0.05),
    ("cauchy_", (3.0, 1.0), lambda v: abs(np.median(v) - 3.0) < 0.1),
    ("geometric_", (0.25,), lambda v: (v >= 1).all() and (v == np.round(v)).all()
     and abs(v.mean() - 4) < 0.3),
    ("bernoulli_", (0.3,), lambda v: set(np.unique(v)) <= {0.0, 1.0} and abs(v.mean() - 0.3) < 0.03),
    ("random_", (2, 5), lambda v: set(np.unique(v)) == {2.0, 3.0, 4.0}),
    ("random_", (3,), lambda v: set(np.unique(v)) == {0.0, 1.0, 2.0}),
]


@pytest.mark.parametrize("method, args, check", FILLS, ids=[f[0] for f in FILLS])
def test_random_fills_are_in_place_and_follow_their_distribution(method, args, check):
    minigrad.manual_seed(0)
    t = minigrad.zeros(4000)
    assert getattr(t, method)(*args) is t and t.dtype == np.float32
    assert check(t.numpy())


BAD_FILLS = [
    ("exponential_", (), "int64"), ("exponential_", (-1.0,), "float32"),
    ("geometric_", (1.5,), "float32"), ("log_normal_", (1.0, -2.0), "float32"),
    ("random_", (5, 2), "float32"), ("bernoulli_", (1.5,), "float32"),
    ("cauchy_", (), "int64"),
]


@pytest.mark.parametrize("method, args, dtype", BAD_FILLS)
def test_random_fills_refuse_what_torch_refuses(method, args, dtype):
    torch = pytest.importorskip("torch")
    for lib in (minigrad, torch):
        with pytest.raises(RuntimeError):
            getattr(lib.zeros(3, dtype=getattr(lib, dtype)), method)(*args)
    leaf = minigrad.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        leaf.exponential_()


def test_random_without_bounds_stays_within_what_the_dtype_holds_exactly():
    minigrad.manual_seed(1)
    floats = minigrad.zeros(1000).random_().numpy()
    assert floats.min() >= 0 and floats.max() <= 2 ** 24 and (floats == np.round(floats)).all()
    flags = minigrad.zeros(1000, dtype=minigrad.bool).random_().numpy()
    assert flags.any() and not flags.all()
    counts = minigrad.zeros(4, dtype=minigrad.int64).bernoulli_(minigrad.tensor([0.0, 1.0, 1.0, 0.0]))
    assert counts.tolist() == [0, 1, 1, 0]


def test_fork_rng_restores_the_generator_after_the_block():
    minigrad.manual_seed(3)
    expected = minigrad.rand(4)
    minigrad.manual_seed(3)
    with minigrad.random.fork_rng():
        inside = minigrad.rand(4)
    np.testing.assert_array_equal(minigrad.rand(4).numpy(), expected.numpy())
    np.testing.assert_array_equal(inside.numpy(), expected.numpy())
    with minigrad.random.fork_rng(enabled=False):
        minigrad.rand(1)
    assert not np.array_equal(minigrad.rand(4).numpy(), expected.numpy())
