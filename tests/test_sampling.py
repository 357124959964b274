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
