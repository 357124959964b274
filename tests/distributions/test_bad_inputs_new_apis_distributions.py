"""Distributions given bad parameters and values (wrong shapes, types and dtypes, values
outside the support, validate_args off), sample shapes as ints, lists and Sizes, and
expand to other shapes, against PyTorch: the same exception type, or the same result."""
from __future__ import annotations

import pytest

from differential import compare

torch = pytest.importorskip("torch")


def N(L):
    return L.distributions


PROGRAMS = {
    "Normal negative scale": lambda L: N(L).Normal(L.tensor(0.), L.tensor(-1.)),
    "Normal negative scale no validate": lambda L: N(L).Normal(
        L.tensor(0.), L.tensor(-1.), validate_args=False).scale,
    "Normal shape mismatch": lambda L: N(L).Normal(L.zeros(2), L.ones(3)),
    "Normal list loc": lambda L: N(L).Normal([0.], 1.).loc,
    "Normal int tensor": lambda L: N(L).Normal(L.tensor([0]), L.tensor([1])).loc,
    "Normal str": lambda L: N(L).Normal("a", 1.),
    "Normal None": lambda L: N(L).Normal(None, 1.),
    "Normal nan loc": lambda L: N(L).Normal(L.tensor(float('nan')), 1.),
    "Bernoulli p 2": lambda L: N(L).Bernoulli(L.tensor(2.)),
    "Bernoulli both": lambda L: N(L).Bernoulli(probs=L.tensor(.5), logits=L.tensor(0.)),
    "Bernoulli neither": lambda L: N(L).Bernoulli(),
    "Categorical 0-d": lambda L: N(L).Categorical(L.tensor(1.)),
    "Categorical negative": lambda L: N(L).Categorical(L.tensor([-1., 2.])),
    "Categorical log_prob 5": lambda L: N(L).Categorical(L.tensor([.5, .5])).log_prob(L.tensor(5)),
    "Categorical log_prob float": lambda L: N(L).Categorical(L.tensor([.5, .5]))
        .log_prob(L.tensor(1.)),
    "Normal log_prob wrong shape": lambda L: N(L).Normal(L.zeros(2), 1.).log_prob(L.zeros(3)),
    "Normal log_prob list": lambda L: N(L).Normal(L.zeros(2), 1.).log_prob([0., 1.]),
    "Uniform low>high": lambda L: N(L).Uniform(L.tensor(1.), L.tensor(0.)),
    "Uniform log_prob outside": lambda L: N(L).Uniform(L.tensor(0.), L.tensor(1.))
        .log_prob(L.tensor(2.)),
    "Exponential rate 0": lambda L: N(L).Exponential(L.tensor(0.)),
    "Exponential log_prob negative": lambda L: N(L).Exponential(L.tensor(1.))
        .log_prob(L.tensor(-1.)),
    "Beta negative": lambda L: N(L).Beta(L.tensor(-1.), L.tensor(1.)),
    "Gamma sample int shape": lambda L: tuple(
        N(L).Gamma(L.tensor(1.), L.tensor(1.)).sample(3).shape),
    "Normal sample list shape": lambda L: tuple(N(L).Normal(L.zeros(2), 1.).sample([3, 1]).shape),
    "Normal sample Size": lambda L: tuple(N(L).Normal(L.zeros(2), 1.).sample(L.Size([3])).shape),
    "Normal sample negative": lambda L: N(L).Normal(L.zeros(2), 1.).sample((-1,)),
    "Normal expand incompatible": lambda L: N(L).Normal(L.zeros(2), 1.).expand((3,)),
    "Normal expand ok": lambda L: tuple(N(L).Normal(L.zeros(2), 1.).expand((4, 2)).batch_shape),
    "Normal expand fewer": lambda L: N(L).Normal(L.zeros(3, 2), 1.).expand((2,)),
    "Dirichlet 0-d": lambda L: N(L).Dirichlet(L.tensor(1.)),
    "Dirichlet negative": lambda L: N(L).Dirichlet(L.tensor([1., -1.])),
    "MVN not pd": lambda L: N(L).MultivariateNormal(L.zeros(2), L.tensor([[1., 2.], [2., 1.]])),
    "MVN wrong shape": lambda L: tuple(N(L).MultivariateNormal(L.zeros(3), L.eye(2)).event_shape),
    "MVN no cov": lambda L: N(L).MultivariateNormal(L.zeros(2)),
    "Laplace int": lambda L: N(L).Laplace(L.tensor(0), L.tensor(1)).loc,
    "Cauchy float16": lambda L: N(L).Cauchy(L.tensor(0., dtype=L.float16), 1.).loc,
}

@pytest.mark.parametrize("name", list(PROGRAMS))
def test_distribution_bad_inputs(name):
    compare(PROGRAMS[name], name)
