"""kl_divergence for the count/one-hot families, Pareto and pairs of different families,
against torch's: values (inf where torch gives inf), dtypes, shapes and gradients in the
parameters of both distributions."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad import distributions as D
from torch_compare import assert_same

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(3)
POS = RNG.uniform(0.5, 3.0, 3)
POS2 = RNG.uniform(0.5, 3.0, 3)
REAL = RNG.standard_normal(3)
PROB = RNG.uniform(0.1, 0.9, 3)

MAKERS = {  # family: (build(d, *leaves), parameters)
    "Normal": (lambda d, l, s: d.Normal(l, s), [REAL, POS]),
    "Laplace": (lambda d, l, s: d.Laplace(l, s), [REAL, POS2]),
    "Gumbel": (lambda d, l, s: d.Gumbel(l, s), [REAL, POS]),
    "Exponential": (lambda d, r: d.Exponential(r), [POS]),
    "Gamma": (lambda d, a, r: d.Gamma(a, r), [POS2, POS]),
    "Beta": (lambda d, a, b: d.Beta(a, b), [POS, POS2]),
    "Uniform": (lambda d, lo, hi: d.Uniform(lo, hi), [POS * 0.1, POS + 1.0]),
    "Uniform real": (lambda d, lo, hi: d.Uniform(lo, hi), [REAL - 2, REAL]),
    "Uniform unit": (lambda d, lo, hi: d.Uniform(lo, hi), [POS * 0 - 0.5, POS * 0 + 1.5]),
    "Pareto": (lambda d, s, a: d.Pareto(s, a), [POS, POS2]),
    "ContinuousBernoulli": (lambda d, p: d.ContinuousBernoulli(p), [PROB]),
    "Poisson": (lambda d, r: d.Poisson(r), [POS]),
    "Bernoulli": (lambda d, p: d.Bernoulli(p), [PROB]),
    "Binomial": (lambda d, p: d.Binomial(4, p), [PROB]),
    "Geometric": (lambda d, p: d.Geometric(p), [PROB]),
    "OneHotCategorical": (lambda d, p: d.OneHotCategorical(p), [RNG.dirichlet(np.ones(4), 3)]),
    "Uniform inside": (lambda d, lo, hi: d.Uniform(lo, hi), [PROB * 0.5, PROB * 0.5 + 0.1]),
    "Uniform far": (lambda d, lo, hi: d.Uniform(lo, hi), [POS + 3.0, POS + 4.0]),
    "Pareto heavy": (lambda d, s, a: d.Pareto(s, a), [POS, np.array([0.8, 1.5, 2.5])]),
    "LowRank": (lambda d, m, w, s: d.LowRankMultivariateNormal(m, w, s),
                [RNG.standard_normal((2, 3)), RNG.standard_normal((3, 2)), POS]),
    "MultivariateNormal": (lambda d, m, l: d.MultivariateNormal(m, scale_tril=l),
                           [RNG.standard_normal(3), np.tril(RNG.uniform(0.5, 1, (3, 3)))]),
}
SECOND = {  # a second parameter set for same-family pairs
    "Poisson": [POS2], "Geometric": [PROB[::-1].copy()], "Binomial": [PROB[::-1].copy()],
    "Pareto": [POS * 0.5, POS], "OneHotCategorical": [RNG.dirichlet(np.ones(4), 3)],
    "ContinuousBernoulli": [np.array([0.6, 0.3, 0.5])],
    "LowRank": [RNG.standard_normal(3), RNG.standard_normal((2, 3, 1)), POS2],
}
PAIRS = [("Poisson", "Poisson"), ("Geometric", "Geometric"), ("Binomial", "Binomial"),
         ("OneHotCategorical", "OneHotCategorical"), ("Pareto", "Pareto"),
         ("Bernoulli", "Poisson"), ("Poisson", "Bernoulli"), ("Poisson", "Binomial")]
PAIRS += [(p, "Normal") for p in ("Beta", "Exponential", "Gamma", "Gumbel", "Laplace",
                                  "Uniform real")]
PAIRS += [("Normal", "Laplace"), ("Beta", "Exponential"), ("Gamma", "Exponential"),
          ("Uniform", "Exponential"), ("Uniform real", "Exponential"), ("Beta", "Gamma"),
          ("Exponential", "Gamma"), ("Uniform", "Gamma"), ("Uniform real", "Gamma"),
          ("Beta", "Uniform unit"), ("Beta", "Uniform")]
PAIRS += [(p, q) for p in ("Normal", "Laplace", "Gumbel") for q in (
    "Beta", "ContinuousBernoulli", "Exponential", "Gamma", "Pareto", "Uniform")]
PAIRS += [(p, q) for p in ("Exponential", "Gamma") for q in (
    "Beta", "ContinuousBernoulli", "Pareto", "Uniform")]
PAIRS += [("Beta", "ContinuousBernoulli"), ("Beta", "Pareto"),
          ("ContinuousBernoulli", "ContinuousBernoulli"), ("ContinuousBernoulli", "Pareto"),
          ("ContinuousBernoulli", "Exponential"), ("ContinuousBernoulli", "Normal"),
          ("ContinuousBernoulli", "Uniform"), ("ContinuousBernoulli", "Uniform unit"),
          ("Uniform inside", "Beta"), ("Uniform", "Beta"),
          ("Uniform inside", "ContinuousBernoulli"), ("Uniform", "ContinuousBernoulli"),
          ("Uniform", "Pareto"), ("Uniform far", "Pareto")]
PAIRS += [(p, "Gumbel") for p in ("Exponential", "Gamma", "Normal", "Uniform real")]
PAIRS += [("Pareto", q) for q in ("Beta", "ContinuousBernoulli", "Uniform", "Exponential",
                                  "Gamma", "Normal")]
PAIRS += [("Pareto heavy", q) for q in ("Exponential", "Gamma", "Normal")]
PAIRS += [("LowRank", "LowRank"), ("LowRank", "MultivariateNormal"),
          ("MultivariateNormal", "LowRank")]


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{p}-{q}" for p, q in PAIRS])
def test_kl_and_its_gradients_match_torch(pair):
    name_p, name_q = pair
    build_p, params_p = MAKERS[name_p]
    build_q, params_q = MAKERS[name_q]
    if name_p == name_q:
        params_q = SECOND[name_q]
    results = []
    for lib, d in ((minigrad, D), (torch, torch.distributions)):
        leaves = [lib.tensor(v, requires_grad=True) for v in list(params_p) + list(params_q)]
        p = build_p(d, *leaves[:len(params_p)])
        q = build_q(d, *leaves[len(params_p):])
        kl = d.kl_divergence(p, q)
        finite = ~(kl.isinf())
        if kl.requires_grad and bool(finite.any()):
            weights = lib.tensor(np.linspace(0.5, 1.5, kl.numel()).reshape(tuple(kl.shape)))
            (kl[finite] * weights[finite]).sum().backward()
        results.append([kl.detach()] + [t.grad for t in leaves])
    for a, b in zip(*results):
        if b is None:
            assert a is None or not np.any(a.numpy())
        else:
            assert_same(a, b, rtol=1e-6, atol=1e-9)


def test_binomials_with_more_trials_in_q_raise_not_implemented():
    for d, lib in ((D, minigrad), (torch.distributions, torch)):
        with pytest.raises(NotImplementedError, match="q.total_count > p.total_count"):
            d.kl_divergence(d.Binomial(2, lib.tensor([0.5])), d.Binomial(3, lib.tensor([0.5])))


def test_gaussians_of_different_sizes_raise_what_torch_raises():
    for d, lib in ((D, minigrad), (torch.distributions, torch)):
        low2 = d.LowRankMultivariateNormal(lib.zeros(2), lib.ones(2, 1), lib.ones(2))
        low3 = d.LowRankMultivariateNormal(lib.zeros(3), lib.ones(3, 1), lib.ones(3))
        full3 = d.MultivariateNormal(lib.zeros(3), lib.eye(3))
        messages = []
        for p, q in ((low2, low3), (low2, full3), (full3, low2)):
            with pytest.raises(ValueError) as info:
                d.kl_divergence(p, q)
            messages.append(str(info.value))
        if d is D:
            ours = messages
    assert ours == messages
