"""Argument validation as torch does it: bad parameters and values outside the support
raise the same exception type with the same first line; ``validate_args=False`` and
``Distribution.set_default_validate_args`` turn the checks off."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad import distributions as D

torch = pytest.importorskip("torch")
TD = torch.distributions
EYE = np.eye(2)
NOT_PD = np.array([[1.0, 2.0], [2.0, 1.0]])

BAD = {
    "normal scale": lambda d, t: d.Normal(t([0.0]), t([-1.0])),
    "normal value shape": lambda d, t: d.Normal(t([0.0, 0.0]), t([1.0, 1.0])).log_prob(
        t([1.0, 2.0, 3.0])),
    "normal value nan": lambda d, t: d.Normal(t([0.0]), t([1.0])).log_prob(t([np.nan])),
    "bernoulli value": lambda d, t: d.Bernoulli(t([0.3])).log_prob(t([0.5])),
    "categorical probs": lambda d, t: d.Categorical(t([0.5, -0.5])),
    "mvn neither": lambda d, t: d.MultivariateNormal(t([0.0, 0.0])),
    "mvn two": lambda d, t: d.MultivariateNormal(t([0.0, 0.0]), t(EYE), scale_tril=t(EYE)),
    "mvn scalar loc": lambda d, t: d.MultivariateNormal(t(0.0), t(EYE)),
    "mvn 1-d covariance": lambda d, t: d.MultivariateNormal(t([0.0]), t([1.0])),
    "mvn 1-d scale_tril": lambda d, t: d.MultivariateNormal(t([0.0]), scale_tril=t([1.0])),
    "mvn not pd": lambda d, t: d.MultivariateNormal(t([0.0, 0.0]), t(NOT_PD)),
    "mvn tril not lower": lambda d, t: d.MultivariateNormal(t([0.0, 0.0]),
                                                            scale_tril=t(NOT_PD)),
    "mvn event shape": lambda d, t: d.MultivariateNormal(t([0.0, 0.0]), t(EYE)).log_prob(
        t([1.0, 2.0, 3.0])),
    "independent ndims": lambda d, t: d.Independent(d.Normal(t([0.0]), t([1.0])), 2),
    "independent value": lambda d, t: d.Independent(d.Bernoulli(t([0.5, 0.5])), 1).log_prob(
        t([0.0, 2.0])),
    "uniform order": lambda d, t: d.Uniform(t([1.0]), t([0.0])),
    "uniform outside": lambda d, t: d.Uniform(t([0.0]), t([1.0])).log_prob(t([1.5])),
    "broadcast_all": lambda d, t: d.Normal("a", 1.0),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_raises_what_torch_raises(name):
    raised = []
    for d, lib in ((D, minigrad), (TD, torch)):
        def tensor(v, lib=lib):
            return lib.tensor(v, dtype=lib.float64)
        with pytest.raises(Exception) as info:
            BAD[name](d, tensor)
        raised.append(info.value)
    assert type(raised[0]) is type(raised[1])
    assert str(raised[0]).splitlines()[0].replace("minigrad", "torch") == \
        str(raised[1]).splitlines()[0]


def test_validation_can_be_turned_off():
    for d, lib in ((D, minigrad), (TD, torch)):
        dist = d.Normal(lib.tensor([0.0]), lib.tensor([-1.0]), validate_args=False)
        assert dist.log_prob(lib.tensor([np.nan])).isnan().all()
        d.Distribution.set_default_validate_args(False)
        try:
            d.Bernoulli(lib.tensor([1.5]))
            assert d.Uniform(lib.tensor([0.0]), lib.tensor([1.0])).log_prob(
                lib.tensor([2.0])).item() == -np.inf
        finally:
            d.Distribution.set_default_validate_args(True)
        with pytest.raises(ValueError):
            d.Bernoulli(lib.tensor([1.5]))
        with pytest.raises(ValueError):
            d.Distribution.set_default_validate_args(1.5)


def test_validation_follows_expand():
    for d, lib in ((D, minigrad), (TD, torch)):
        loose = d.Normal(lib.tensor([0.0]), lib.tensor([1.0]), validate_args=False)
        loose.expand((3,)).log_prob(lib.tensor([np.nan, 0.0, 1.0]))
        with pytest.raises(ValueError):
            d.Normal(lib.tensor([0.0]), lib.tensor([1.0])).expand((3,)).log_prob(
                lib.tensor([np.nan, 0.0, 1.0]))


BAD_COUNTS = {
    "poisson rate": lambda d, t: d.Poisson(t([-1.0])),
    "poisson value": lambda d, t: d.Poisson(t([1.0])).log_prob(t([0.5])),
    "binomial count": lambda d, t: d.Binomial(t([2.5]), t([0.5])),
    "binomial value": lambda d, t: d.Binomial(t([2.0]), t([0.5])).log_prob(t([3.0])),
    "binomial neither": lambda d, t: d.Binomial(3),
    "geometric zero": lambda d, t: d.Geometric(t([0.5, 0.0])),
    "geometric value": lambda d, t: d.Geometric(t([0.5])).log_prob(t([-1.0])),
    "negative binomial probs": lambda d, t: d.NegativeBinomial(t([2.0]), t([1.0])),
    "negative binomial count": lambda d, t: d.NegativeBinomial(t([-2.0]), t([0.5])),
    "multinomial count": lambda d, t: d.Multinomial(2.0, t([0.5, 0.5])),
    "multinomial value": lambda d, t: d.Multinomial(2, t([0.5, 0.5])).log_prob(t([2.0, 1.0])),
    "one hot value": lambda d, t: d.OneHotCategorical(t([0.5, 0.5])).log_prob(t([1.0, 1.0])),
    "one hot shape": lambda d, t: d.OneHotCategorical(t([0.5, 0.5])).log_prob(t([1.0])),
    "relaxed probs": lambda d, t: d.RelaxedBernoulli(t(0.5), t([1.5])),
    "relaxed categorical": lambda d, t: d.RelaxedOneHotCategorical(t(0.5), t([0.5, -0.5])),
    "continuous bernoulli": lambda d, t: d.ContinuousBernoulli(t([1.5]), validate_args=True),
    "continuous bernoulli value": lambda d, t: d.ContinuousBernoulli(t([0.5])).log_prob(
        t([1.5])),
}


@pytest.mark.parametrize("name", sorted(BAD_COUNTS))
def test_bad_counts_raise_what_torch_raises(name):
    BAD[name] = BAD_COUNTS[name]
    try:
        test_bad_input_raises_what_torch_raises(name)
    finally:
        del BAD[name]


def test_continuous_bernoulli_clamps_probs_before_the_default_check():
    """As torch: without an explicit validate_args, probs outside [0, 1] are clamped
    first and so pass."""
    for d, lib in ((D, minigrad), (TD, torch)):
        dist = d.ContinuousBernoulli(lib.tensor([1.5], dtype=lib.float64))
        assert float(dist.probs) == 1 - np.finfo(np.float64).eps
