"""The count and one-hot families (Poisson, Binomial, Geometric, NegativeBinomial,
Multinomial, OneHotCategorical and its straight-through variant) and the relaxed and
continuous stand-ins for Bernoulli/categorical variables against torch.distributions:
scores, moments, entropy, cdf/icdf, enumerate_support, first and second derivatives,
repr, support, expand, sample shapes and dtypes (see dist_oracle.py)."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from dist_oracle import compare_distribution, compare_shapes
from minigrad import distributions as D
from torch_compare import assert_same

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(5)
PROBS = np.array([0.2, 0.55, 0.9])
LOGITS = np.array([-1.5, 0.3, 2.0])
COUNTS = np.array([[0.0, 3.0, 1.0], [2.0, 0.0, 5.0]])
SIMPLEX = RNG.dirichlet(np.ones(4), 3)
ONE_HOT = np.eye(4)[[[0, 3, 1], [2, 2, 0]]]
UNIT = RNG.uniform(0.05, 0.95, (2, 3))

CASES = {  # name: (build(D, *params), params, values to score)
    "Poisson": (lambda d, r: d.Poisson(r), (np.array([0.5, 2.0, 7.5]),), COUNTS),
    "Poisson zero rate": (lambda d, r: d.Poisson(r), (np.array([0.0, 1.0, 3.0]),),
                          np.array([[0.0, 0.0, 2.0]])),
    "Binomial": (lambda d, n, p: d.Binomial(n, p), (np.array([5.0, 3.0, 6.0]), PROBS), COUNTS),
    "Binomial logits": (lambda d, n, g: d.Binomial(n, logits=g), (np.full(3, 5.0), LOGITS),
                        COUNTS),
    "Binomial int count": (lambda d, p: d.Binomial(4, p), (PROBS,), np.minimum(COUNTS, 4)),
    # (not p = 1/2: torch's |logits| has no curvature at logits = 0)
    "Binomial edge probs": (lambda d, p: d.Binomial(5, p), (np.array([0.0, 1.0, 0.4]),),
                            np.array([[0.0, 5.0, 2.0]])),
    "Geometric": (lambda d, p: d.Geometric(p), (PROBS,), COUNTS),
    "Geometric logits": (lambda d, g: d.Geometric(logits=g), (LOGITS,), COUNTS),
    "Geometric certain": (lambda d, p: d.Geometric(p), (np.array([1.0, 0.5]),),
                          np.array([0.0, 3.0])),
    "NegativeBinomial": (lambda d, n, p: d.NegativeBinomial(n, p),
                         (np.array([2.0, 0.5, 7.0]), PROBS), COUNTS),
    "NegativeBinomial logits": (lambda d, n, g: d.NegativeBinomial(n, logits=g),
                                (np.array([2.0, 1.5, 7.0]), LOGITS), COUNTS),
    "Multinomial": (lambda d, p: d.Multinomial(6, p), (SIMPLEX,),
                    np.array([[1.0, 2.0, 3.0, 0.0], [0.0, 0.0, 6.0, 0.0]])[:, None]
                    * np.ones((1, 3, 1))),
    "Multinomial logits": (lambda d, g: d.Multinomial(3, logits=g), (RNG.standard_normal(4),),
                           np.array([[1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 0.0, 3.0]])),
    "OneHotCategorical": (lambda d, p: d.OneHotCategorical(p), (SIMPLEX,), ONE_HOT),
    "OneHotCategorical logits": (lambda d, g: d.OneHotCategorical(logits=g),
                                 (RNG.standard_normal((3, 4)),), ONE_HOT),
    "OneHotCategoricalStraightThrough": (
        lambda d, p: d.OneHotCategoricalStraightThrough(p), (SIMPLEX,), ONE_HOT),
    "RelaxedBernoulli": (lambda d, t, p: d.RelaxedBernoulli(t, p), (np.array(0.7), PROBS),
                         UNIT),
    "RelaxedBernoulli logits": (lambda d, t, g: d.RelaxedBernoulli(t, logits=g),
                                (np.array([0.3, 1.0, 2.0]), LOGITS), UNIT),
    "RelaxedOneHotCategorical": (lambda d, t, p: d.RelaxedOneHotCategorical(t, p),
                                 (np.array(0.6), SIMPLEX), RNG.dirichlet(np.ones(4), (2, 3))),
    "RelaxedOneHotCategorical logits": (
        lambda d, t, g: d.RelaxedOneHotCategorical(t, logits=g),
        (np.array(2.5), RNG.standard_normal((3, 4))),
        RNG.dirichlet(np.ones(4), (2, 3))),
    "ContinuousBernoulli": (lambda d, p: d.ContinuousBernoulli(p),
                            (np.array([0.1, 0.3, 0.4995, 0.5, 0.5008, 0.8]),),
                            RNG.uniform(0.02, 0.98, (2, 6))),
    "ContinuousBernoulli logits": (lambda d, g: d.ContinuousBernoulli(logits=g), (LOGITS,),
                                   UNIT),
    "ContinuousBernoulli ends": (lambda d, p: d.ContinuousBernoulli(p),
                                 (np.array([0.3, 0.7, 0.5]),), np.array([0.0, 1.0, 1.0])),
}
NO_GRAD = {}


@pytest.mark.parametrize("name", sorted(CASES))
def test_family_matches_torch(name):
    build, params, values = CASES[name]
    compare_distribution(build, params, values, no_grad=NO_GRAD.get(name, ()))


@pytest.mark.parametrize("name", sorted(CASES))
def test_samples_and_expand_match_torch(name):
    build, params, _ = CASES[name]
    compare_shapes(build, params)


ENUMERABLE = {
    "Binomial": lambda d, p: d.Binomial(3, p),
    "OneHotCategorical": lambda d, p: d.OneHotCategorical(p),
    "Binomial logits": lambda d, p: d.Binomial(torch_or_ours_count(d), logits=p),
}


def torch_or_ours_count(d):
    return 2


@pytest.mark.parametrize("name", sorted(ENUMERABLE))
@pytest.mark.parametrize("expand", [True, False])
def test_enumerate_support_matches_torch(name, expand):
    params = SIMPLEX if name.startswith("OneHot") else PROBS
    ours = ENUMERABLE[name](D, minigrad.tensor(params)).enumerate_support(expand)
    theirs = ENUMERABLE[name](torch.distributions, torch.tensor(params)).enumerate_support(
        expand)
    assert_same(ours, theirs)


def test_entropy_and_enumerate_support_refuse_inhomogeneous_counts():
    for d, lib in ((D, minigrad), (torch.distributions, torch)):
        binomial = d.Binomial(lib.tensor([2.0, 3.0]), lib.tensor([0.5, 0.5]))
        for method in (binomial.entropy, binomial.enumerate_support):
            with pytest.raises(NotImplementedError, match="Inhomogeneous total count"):
                method()

