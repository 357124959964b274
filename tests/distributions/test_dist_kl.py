"""kl_divergence against torch's for the registered pairs: values, dtypes, shapes and
gradients in the parameters of both distributions; NotImplementedError for pairs torch
does not have, and the most specific registration wins."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad import distributions as D
from torch_compare import assert_same

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(0)
POS = [RNG.uniform(0.5, 3.0, 3) for _ in range(4)]
REAL = [RNG.standard_normal(3) for _ in range(2)]
A = RNG.standard_normal((2, 3, 3))
COV = A @ A.transpose(0, 2, 1) + np.eye(3)

PAIRS = {  # name: (build(d, *leaves) -> (p, q), parameters)
    "Beta": (lambda d, a, b, c, e: (d.Beta(a, b), d.Beta(c, e)), POS),
    "Dirichlet": (lambda d, a, b: (d.Dirichlet(a), d.Dirichlet(b)),
                  [RNG.uniform(0.5, 3, (2, 4)), RNG.uniform(0.5, 3, (2, 4))]),
    "Exponential": (lambda d, a, b: (d.Exponential(a), d.Exponential(b)), POS[:2]),
    "Gamma": (lambda d, a, b, c, e: (d.Gamma(a, b), d.Gamma(c, e)), POS),
    "Chi2": (lambda d, a, b: (d.Chi2(a), d.Chi2(b)), POS[:2]),
    "Laplace": (lambda d, l, s, m, t: (d.Laplace(l, s), d.Laplace(m, t)),
                [REAL[0], POS[0], REAL[1], POS[1]]),
    "Cauchy": (lambda d, l, s, m, t: (d.Cauchy(l, s), d.Cauchy(m, t)),
               [REAL[0], POS[0], REAL[1], POS[1]]),
    "Gumbel": (lambda d, l, s, m, t: (d.Gumbel(l, s), d.Gumbel(m, t)),
               [REAL[0], POS[0], REAL[1], POS[1]]),
    "Normal": (lambda d, l, s, m, t: (d.Normal(l, s), d.Normal(m, t)),
               [REAL[0], POS[0], REAL[1], POS[1]]),
    "HalfNormal": (lambda d, a, b: (d.HalfNormal(a), d.HalfNormal(b)), POS[:2]),
    "LogNormal": (lambda d, l, s, m, t: (d.LogNormal(l, s), d.LogNormal(m, t)),
                  [REAL[0], POS[0], REAL[1], POS[1]]),
    "MultivariateNormal": (
        lambda d, m, c, n, e: (d.MultivariateNormal(m, c), d.MultivariateNormal(n, scale_tril=e)),
        [RNG.standard_normal((2, 3)), COV, RNG.standard_normal(3),
         np.linalg.cholesky(COV[0])]),
    "Independent Normal": (
        lambda d, l, s, m, t: (d.Independent(d.Normal(l, s), 1),
                               d.Independent(d.Normal(m, t), 1)),
        [REAL[0], POS[0], REAL[1], POS[1]]),
    "Independent MultivariateNormal": (
        lambda d, m, c, n: (d.Independent(d.MultivariateNormal(m, c), 1),
                            d.Independent(d.MultivariateNormal(n, c), 1)),
        [RNG.standard_normal((2, 3)), COV, RNG.standard_normal((2, 3))]),
}


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_kl_and_its_gradients_match_torch(name):
    build, params = PAIRS[name]
    results = []
    for lib, d in ((minigrad, D), (torch, torch.distributions)):
        leaves = [lib.tensor(p, requires_grad=True) for p in params]
        kl = d.kl_divergence(*build(d, *leaves))
        (kl * lib.tensor(np.linspace(0.5, 1.5, kl.numel()).reshape(tuple(kl.shape)))).sum() \
            .backward()
        results.append([kl.detach()] + [t.grad for t in leaves])
    for a, b in zip(*results):
        assert_same(a, b, rtol=1e-6, atol=1e-9)


UNREGISTERED = [
    lambda d, lib: (d.Normal(0.0, 1.0), d.Categorical(lib.tensor([0.2, 0.8]))),
    lambda d, lib: (d.Dirichlet(lib.ones(2)), d.Normal(0.0, 1.0)),
    lambda d, lib: (d.Independent(d.Normal(lib.zeros(2, 2), lib.ones(2, 2)), 1),
                    d.Independent(d.Normal(lib.zeros(2, 2), lib.ones(2, 2)), 2)),
    lambda d, lib: (d.TransformedDistribution(d.Normal(0.0, 1.0), d.transforms.ExpTransform()),
                    d.TransformedDistribution(d.Normal(0.0, 1.0),
                                              d.transforms.SigmoidTransform())),
]


@pytest.mark.parametrize("make", UNREGISTERED)
def test_pairs_without_a_closed_form_raise_not_implemented(make):
    for d, lib in ((D, minigrad), (torch.distributions, torch)):
        with pytest.raises(NotImplementedError):
            d.kl_divergence(*make(d, lib))


def test_the_most_specific_registration_wins_and_register_kl_extends():
    class MyNormal(D.Normal):
        pass

    @D.register_kl(MyNormal, MyNormal)
    def _zero(p, q):
        return p.loc * 0

    try:
        assert float(D.kl_divergence(MyNormal(0.0, 1.0), MyNormal(1.0, 1.0))) == 0.0
        assert float(D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0))) == 0.5
    finally:
        from minigrad.distributions import kl
        kl._KL.pop((MyNormal, MyNormal))
