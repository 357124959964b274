"""LowRankMultivariateNormal and MixtureSameFamily against torch.distributions: scores,
moments, entropy, cdf, covariance/precision/scale_tril, first and second derivatives,
repr, support, expand, sample shapes, sample moments, and the errors torch raises."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from dist_oracle import compare_distribution, compare_shapes
from minigrad import distributions as D
from torch_compare import assert_same

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(11)
LOC = RNG.standard_normal((2, 3))
W = RNG.standard_normal((2, 3, 2))
DIAG = RNG.uniform(0.5, 2.0, (2, 3))
POINTS = RNG.standard_normal((4, 2, 3))
WEIGHTS = RNG.dirichlet(np.ones(3), 2)

CASES = {  # name: (build(D, *params), params, values to score)
    "LowRank": (lambda d, m, w, s: d.LowRankMultivariateNormal(m, w, s), (LOC, W, DIAG),
                POINTS),
    "LowRank broadcast": (lambda d, m, w, s: d.LowRankMultivariateNormal(m, w, s),
                          (LOC[0], W, DIAG[0]), POINTS),
    "LowRank unbatched": (lambda d, m, w, s: d.LowRankMultivariateNormal(m, w, s),
                          (LOC[0], W[0, :, :1], DIAG[0]), POINTS[:, 0]),
    "Mixture Normal": (lambda d, p, m, s: d.MixtureSameFamily(d.Categorical(p),
                                                              d.Normal(m, s)),
                       (WEIGHTS, LOC, DIAG), POINTS[:, :, 0]),
    "Mixture Normal shared weights": (
        lambda d, g, m, s: d.MixtureSameFamily(d.Categorical(logits=g), d.Normal(m, s)),
        (RNG.standard_normal(3), LOC, DIAG), POINTS[:, :, 0]),
    "Mixture Independent Normal": (
        lambda d, p, m, s: d.MixtureSameFamily(d.Categorical(p),
                                               d.Independent(d.Normal(m, s), 1)),
        (WEIGHTS[0, :2] / WEIGHTS[0, :2].sum(), LOC, DIAG), POINTS[:, 0, :3]),
    "Mixture MultivariateNormal": (
        lambda d, p, m, w, s: d.MixtureSameFamily(
            d.Categorical(p), d.LowRankMultivariateNormal(m, w, s)),
        (WEIGHTS[0, :2] / WEIGHTS[0, :2].sum(), LOC, W, DIAG), POINTS[:, 0]),
    "Mixture Gamma": (lambda d, p, a, b: d.MixtureSameFamily(d.Categorical(p),
                                                             d.Gamma(a, b)),
                      (WEIGHTS, DIAG, DIAG[::-1].copy()), np.abs(POINTS[:, :, 0]) + 0.1),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_family_matches_torch(name):
    build, params, values = CASES[name]
    compare_distribution(build, params, values,
                         no_grad=("cdf",) if name == "Mixture Gamma" else ())


# torch cannot draw from a mixture whose weights have fewer batch dims than the components
# (its gather does not broadcast the component index); minigrad can, tested below
SHARED = "Mixture Normal shared weights"


@pytest.mark.parametrize("name", sorted(set(CASES) - {SHARED}))
def test_samples_and_expand_match_torch(name):
    build, params, _ = CASES[name]
    compare_shapes(build, params)


def test_weights_shared_across_the_batch_draw_from_the_right_components():
    locs = minigrad.tensor([[0.0, 100.0], [-100.0, 0.0]])
    mixture = D.MixtureSameFamily(D.Categorical(minigrad.tensor([1.0, 0.0])),
                                  D.Normal(locs, 1e-3))
    draws = mixture.sample((5,))
    assert tuple(draws.shape) == (5, 2)
    np.testing.assert_allclose(draws.numpy(), np.broadcast_to([0.0, -100.0], (5, 2)),
                               atol=0.1)


@pytest.mark.parametrize("name", ["covariance_matrix", "precision_matrix", "scale_tril",
                                  "variance"])
def test_low_rank_matrices_and_their_gradients_match_torch(name):
    results = []
    for lib, d in ((minigrad, D), (torch, torch.distributions)):
        leaves = [lib.tensor(p, requires_grad=True) for p in (LOC[0], W, DIAG)]
        value = getattr(d.LowRankMultivariateNormal(*leaves), name)
        (value * lib.tensor(np.linspace(-1, 1, value.numel()).reshape(
            tuple(value.shape)))).sum().backward()
        results.append([value.detach()] + [t.grad for t in leaves[1:]])
    for a, b in zip(*results):
        assert_same(a, b, rtol=1e-6, atol=1e-9)


def test_draws_have_the_distributions_moments():
    n = 40000
    for dist in (D.LowRankMultivariateNormal(minigrad.tensor(LOC), minigrad.tensor(W),
                                             minigrad.tensor(DIAG)),
                 D.MixtureSameFamily(D.Categorical(minigrad.tensor(WEIGHTS)),
                                     D.Normal(minigrad.tensor(LOC), minigrad.tensor(DIAG)))):
        minigrad.manual_seed(0)
        draws = dist.sample((n,)).numpy()
        mean, var = dist.mean.detach().numpy(), dist.variance.detach().numpy()
        assert np.all(np.abs(draws.mean(0) - mean) < 5 * np.sqrt(var / n))
        assert np.all(np.abs(draws.var(0) - var) < 0.05 * var)


def test_low_rank_covariance_of_draws():
    dist = D.LowRankMultivariateNormal(minigrad.tensor(LOC[0]), minigrad.tensor(W[0]),
                                       minigrad.tensor(DIAG[0]))
    minigrad.manual_seed(1)
    draws = dist.sample((40000,)).numpy()
    np.testing.assert_allclose(np.cov(draws.T), dist.covariance_matrix.detach().numpy(),
                               atol=0.1)


BAD = {
    "low rank scalar loc": lambda d, t: d.LowRankMultivariateNormal(t(0.0), t([[1.0]]),
                                                                    t([1.0])),
    "low rank 1-d factor": lambda d, t: d.LowRankMultivariateNormal(t([0.0, 1.0]),
                                                                    t([1.0, 2.0]),
                                                                    t([1.0, 1.0])),
    "low rank factor rows": lambda d, t: d.LowRankMultivariateNormal(
        t([0.0, 1.0]), t([[1.0], [2.0], [3.0]]), t([1.0, 1.0])),
    "low rank diag": lambda d, t: d.LowRankMultivariateNormal(
        t([0.0, 1.0]), t([[1.0], [2.0]]), t([1.0, 1.0, 1.0])),
    "low rank batch": lambda d, t: d.LowRankMultivariateNormal(
        t([[0.0, 1.0]] * 2), t([[[1.0], [2.0]]] * 3), t([1.0, 1.0])),
    "low rank value": lambda d, t: d.LowRankMultivariateNormal(
        t([0.0, 1.0]), t([[1.0], [2.0]]), t([1.0, 1.0])).log_prob(t([1.0, 2.0, 3.0])),
    "mixture not categorical": lambda d, t: d.MixtureSameFamily(d.Normal(t(0.0), t(1.0)),
                                                                d.Normal(t([0.0]), t([1.0]))),
    "mixture components": lambda d, t: d.MixtureSameFamily(d.Categorical(t([0.5, 0.5])),
                                                           d.Normal(t([0.0] * 3),
                                                                    t([1.0] * 3))),
    "mixture batch": lambda d, t: d.MixtureSameFamily(d.Categorical(t([[0.5, 0.5]] * 3)),
                                                      d.Normal(t([[0.0] * 2] * 2),
                                                               t([[1.0] * 2] * 2))),
    "mixture value": lambda d, t: d.MixtureSameFamily(
        d.Categorical(t([0.5, 0.5])), d.Gamma(t([1.0, 2.0]), t([1.0, 1.0]))).log_prob(
        t(-1.0)),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_raises_what_torch_raises(name):
    raised = []
    for d, lib in ((D, minigrad), (torch.distributions, torch)):
        with pytest.raises(Exception) as info:
            BAD[name](d, lambda v, lib=lib: lib.tensor(v, dtype=lib.float64))
        raised.append(info.value)
    assert type(raised[0]) is type(raised[1])
    assert str(raised[0]).splitlines()[0].replace("minigrad", "torch") == \
        str(raised[1]).splitlines()[0]
