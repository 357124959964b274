"""Draws of the distributions: sample means and variances within a few standard errors of
the distribution's own (torch-checked) moments, reproducible with ``minigrad.manual_seed``,
and reparameterised gradients that agree with torch's: the gamma slope equals torch's
``_standard_gamma_grad`` at the same draws, and ``d mean(rsample) / d parameter`` matches
the derivative of the analytic mean."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad import distributions as D

torch = pytest.importorskip("torch")
N = 40000
T32 = minigrad.float32

MAKERS = {  # name: build(t) with t making float64 tensors
    "Exponential": lambda t: D.Exponential(t([0.5, 2.0])),
    "Laplace": lambda t: D.Laplace(t([0.0, 1.0]), t([1.0, 0.5])),
    "HalfNormal": lambda t: D.HalfNormal(t([1.0, 2.0])),
    "Gumbel": lambda t: D.Gumbel(t([0.0, 1.0]), t([1.0, 2.0])),
    "StudentT": lambda t: D.StudentT(t([5.0, 8.0]), t([0.0, 1.0]), t([1.0, 2.0])),
    "Gamma": lambda t: D.Gamma(t([0.3, 4.0]), t([1.0, 2.0])),
    "Chi2": lambda t: D.Chi2(t([1.0, 6.0])),
    "Beta": lambda t: D.Beta(t([0.5, 3.0]), t([2.0, 1.5])),
    "Dirichlet": lambda t: D.Dirichlet(t([[0.5, 1.0, 2.0], [4.0, 1.0, 0.2]])),
    "LogNormal": lambda t: D.LogNormal(t([0.0, 0.5]), t([0.3, 0.5])),
    "MultivariateNormal": lambda t: D.MultivariateNormal(
        t([1.0, -1.0]), t([[2.0, 0.5], [0.5, 1.0]])),
    "Uniform": lambda t: D.Uniform(t([0.0, -1.0]), t([1.0, 3.0])),
    "Poisson": lambda t: D.Poisson(t([0.3, 6.0])),
    "Binomial": lambda t: D.Binomial(t([4.0, 10.0]), t([0.3, 0.8])),
    "Geometric": lambda t: D.Geometric(t([0.2, 0.9])),
    "NegativeBinomial": lambda t: D.NegativeBinomial(t([2.5, 6.0]), t([0.3, 0.6])),
    "Multinomial": lambda t: D.Multinomial(5, t([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])),
    "OneHotCategorical": lambda t: D.OneHotCategorical(t([0.2, 0.35, 0.45])),
    "ContinuousBernoulli": lambda t: D.ContinuousBernoulli(t([0.1, 0.5, 0.8])),
    "Weibull": lambda t: D.Weibull(t([1.0, 2.0]), t([0.8, 3.0])),
    "Pareto": lambda t: D.Pareto(t([1.0, 0.5]), t([9.0, 12.0])),
    "Kumaraswamy": lambda t: D.Kumaraswamy(t([0.5, 3.0]), t([2.0, 0.7])),
    "FisherSnedecor": lambda t: D.FisherSnedecor(t([3.0, 10.0]), t([12.0, 20.0])),
    "InverseGamma": lambda t: D.InverseGamma(t([6.0, 9.0]), t([1.0, 3.0])),
    "GeneralizedPareto": lambda t: D.GeneralizedPareto(t([0.0, 1.0]), t([1.0, 2.0]),
                                                       t([-0.5, 0.2])),
}


def _f64(values):
    return minigrad.tensor(values, dtype=minigrad.float64)


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_sample_moments_are_within_a_few_standard_errors(name):
    dist = MAKERS[name](_f64)
    minigrad.manual_seed(0)
    draws = dist.sample((N,)).numpy()
    mean, var = dist.mean.detach().numpy(), dist.variance.detach().numpy()
    assert np.all(np.abs(draws.mean(0) - mean) < 5 * np.sqrt(var / N))
    fourth = ((draws - mean) ** 4).mean(0)              # standard error of the variance
    assert np.all(np.abs(draws.var(0) - var) < 5 * np.sqrt((fourth - var ** 2) / N) + 1e-12)
    assert bool(dist.support.check(minigrad.tensor(draws)).all())


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_manual_seed_repeats_draws_and_float32_stays_float32(name):
    dist = MAKERS[name](lambda v: minigrad.tensor(v, dtype=T32))
    minigrad.manual_seed(3)
    first = dist.sample((5,))
    minigrad.manual_seed(3)
    second = dist.sample((5,))
    assert first.dtype == T32 and np.array_equal(first.numpy(), second.numpy())
    if dist.has_rsample:
        assert dist.rsample().dtype == T32


def test_gamma_slope_matches_torchs_standard_gamma_grad():
    alpha = minigrad.tensor([0.2, 1.0, 3.0, 25.0], requires_grad=True)
    minigrad.manual_seed(1)
    draws = D.Gamma(alpha, 1.0).rsample((200,))
    draws.sum().backward()
    theirs = torch._standard_gamma_grad(torch.tensor(alpha.detach().numpy()).expand(200, 4),
                                        torch.tensor(draws.detach().numpy()))
    np.testing.assert_allclose(alpha.grad.numpy(), theirs.sum(0).numpy(), rtol=1e-3)


RATES = {  # name: (build(*leaves), parameters, analytic mean(*leaves) in torch)
    "Gamma": (lambda a, b: D.Gamma(a, b), [2.5, 1.5], lambda a, b: a / b),
    "Beta": (lambda a, b: D.Beta(a, b), [0.8, 2.0], lambda a, b: a / (a + b)),
    "Dirichlet": (lambda a: D.Dirichlet(a), [[0.5, 1.5, 3.0]],
                  lambda a: (a / a.sum(-1, keepdim=True))[0]),
    "StudentT": (lambda df, s: D.StudentT(df, 0.0, s), [12.0, 2.0],
                 lambda df, s: s ** 2 * df / (df - 2)),
}


@pytest.mark.parametrize("name", sorted(RATES))
def test_reparameterised_gradient_of_a_moment_matches_the_analytic_derivative(name):
    build, values, moment = RATES[name]
    ours = [minigrad.tensor(v, dtype=minigrad.float64, requires_grad=True) for v in values]
    theirs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    minigrad.manual_seed(2)
    draws = build(*ours).rsample((N,))
    if name == "StudentT":   # the second moment, not the mean (which is loc)
        statistic = (draws ** 2).mean(0)
    else:
        statistic = draws.mean(0) if name != "Dirichlet" else draws.mean(0)[0]
    statistic.backward()
    moment(*theirs).backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=0.08, atol=0.01)


NO_MOMENTS = {  # moments not in closed form (or circular): compared with torch's draws
    "RelaxedBernoulli": lambda d, t: d.RelaxedBernoulli(t(0.5), t([0.2, 0.7])),
    "RelaxedOneHotCategorical": lambda d, t: d.RelaxedOneHotCategorical(
        t(0.8), logits=t([[0.5, -1.0, 0.0], [2.0, 0.0, 0.0]])),
    "OneHotCategoricalStraightThrough": lambda d, t: d.OneHotCategoricalStraightThrough(
        t([0.2, 0.3, 0.5])),
    "VonMises": lambda d, t: d.VonMises(t([0.5, -2.0, 3.0]), t([0.3, 2.0, 30.0])),
    "LogisticNormal": lambda d, t: d.LogisticNormal(t([0.5, -1.0]), t([0.7, 1.5])),
    "LKJCholesky": lambda d, t: d.LKJCholesky(3, t([0.5, 2.0])),
}
NO_RSAMPLE = {"VonMises", "LKJCholesky"}


@pytest.mark.parametrize("name", sorted(NO_MOMENTS))
def test_draws_agree_with_torchs_in_mean_and_variance(name):
    n = 40000
    minigrad.manual_seed(0)
    torch.manual_seed(0)
    ours = NO_MOMENTS[name](D, lambda v: minigrad.tensor(v, dtype=minigrad.float64)).sample((n,))
    theirs = NO_MOMENTS[name](torch.distributions,
                              lambda v: torch.tensor(v, dtype=torch.float64)).sample((n,))
    a, b = ours.numpy(), theirs.numpy()
    if name == "VonMises":   # angles: compare points on the circle
        a, b = (np.concatenate([np.cos(x), np.sin(x)], -1) for x in (a, b))
    se = np.sqrt((a.var(0) + b.var(0)) / n)
    assert np.all(np.abs(a.mean(0) - b.mean(0)) < 5 * se + 1e-12)
    assert np.all(np.abs(a.var(0) - b.var(0)) < 0.05 * b.var(0) + 1e-12)


@pytest.mark.parametrize("name", sorted(set(NO_MOMENTS) - NO_RSAMPLE))
def test_reparameterised_draws_carry_torchs_gradient_in_expectation(name):
    """``d/dparams mean(f(rsample))`` agrees with torch's estimate within sampling error."""
    n, results = 40000, []
    for d, lib in ((D, minigrad), (torch.distributions, torch)):
        leaves = []

        def tensor(v, lib=lib):
            leaves.append(lib.tensor(v, dtype=lib.float64, requires_grad=True))
            return leaves[-1]
        lib.manual_seed(1)
        draws = NO_MOMENTS[name](d, tensor).rsample((n,))
        (draws * lib.tensor(np.arange(1.0, 1 + draws.shape[-1]))).sum().div(n).backward()
        results.append([t.grad.numpy() for t in leaves])
    for g, h in zip(*results):
        np.testing.assert_allclose(g, h, rtol=0.1, atol=0.02)
