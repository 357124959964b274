"""ExponentialFamily as torch's: which families belong to it, their natural parameters
and log-normalisers (values and gradients), the generic entropy and Bregman KL (which
must equal the closed forms), and the Wishart KL that only the Bregman form gives."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import minigrad
from minigrad import distributions as D
from minigrad.distributions.exponential_family import bregman_kl
from torch_compare import assert_same

torch = pytest.importorskip("torch")
TD = torch.distributions
RNG = np.random.default_rng(4)
POS, POS2 = RNG.uniform(0.5, 3.0, 3), RNG.uniform(0.5, 3.0, 3)
_A = RNG.standard_normal((3, 3))
COV = _A @ _A.T + np.eye(3)

FAMILIES = {  # name: (build(d, *leaves), parameters)
    "Bernoulli": (lambda d, p: d.Bernoulli(p), [RNG.uniform(0.1, 0.9, 3)]),
    "Beta": (lambda d, a, b: d.Beta(a, b), [POS, POS2]),
    "ContinuousBernoulli": (lambda d, p: d.ContinuousBernoulli(p),
                            [np.array([0.2, 0.4995, 0.8])]),
    "Dirichlet": (lambda d, a: d.Dirichlet(a), [RNG.uniform(0.5, 3.0, (2, 4))]),
    "Exponential": (lambda d, r: d.Exponential(r), [POS]),
    "Gamma": (lambda d, a, r: d.Gamma(a, r), [POS, POS2]),
    "Chi2": (lambda d, k: d.Chi2(k), [POS2]),
    "Normal": (lambda d, m, s: d.Normal(m, s), [RNG.standard_normal(3), POS]),
    "Poisson": (lambda d, r: d.Poisson(r), [POS]),
    "Wishart": (lambda d, df, c: d.Wishart(df, c), [np.array([3.5, 6.0]), COV]),
}
CARRIER = {"Bernoulli", "ContinuousBernoulli", "Exponential", "Gamma", "Chi2", "Normal",
           "Wishart"}


def test_membership_matches_torch():
    for name in TD.__all__:
        theirs = getattr(TD, name)
        if inspect.isclass(theirs) and issubclass(theirs, TD.Distribution):
            assert issubclass(getattr(D, name), D.ExponentialFamily) == \
                issubclass(theirs, TD.ExponentialFamily), name


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_natural_parameters_and_log_normaliser_match_torch(name):
    build, params = FAMILIES[name]
    results = []
    for lib, d in ((minigrad, D), (torch, TD)):
        leaves = [lib.tensor(p, requires_grad=True) for p in params]
        dist = build(d, *leaves)
        natural = dist._natural_params
        normaliser = dist._log_normalizer(*natural)
        normaliser.sum().backward()
        results.append(list(natural) + [normaliser] + [t.grad for t in leaves])
    for a, b in zip(*results):
        assert_same(a, b, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("name", sorted(CARRIER))
def test_the_generic_entropy_equals_the_closed_form_and_torchs(name):
    build, params = FAMILIES[name]
    ours = build(D, *[minigrad.tensor(p) for p in params])
    theirs = build(TD, *[torch.tensor(p) for p in params])
    generic = D.ExponentialFamily.entropy(ours)
    assert_same(generic, TD.ExponentialFamily.entropy(theirs), rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(generic.detach().numpy(), ours.entropy().detach().numpy(),
                               rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("name", sorted(set(FAMILIES) - {"Wishart"}))
def test_bregman_kl_equals_the_closed_form(name):
    build, params = FAMILIES[name]
    p = build(D, *[minigrad.tensor(v) for v in params])
    q = build(D, *[minigrad.tensor(v[::-1].copy() if v.ndim else v) for v in params])
    np.testing.assert_allclose(bregman_kl(p, q).detach().numpy(),
                               D.kl_divergence(p, q).detach().numpy(), rtol=1e-6,
                               atol=1e-9)


def test_wishart_kl_and_its_gradients_match_torch():
    results = []
    for lib, d in ((minigrad, D), (torch, TD)):
        leaves = [lib.tensor(v, requires_grad=True) for v in (np.array([3.5, 6.0]), COV,
                                                              np.array(5.0), COV / 2)]
        kl = d.kl_divergence(d.Wishart(leaves[0], leaves[1]),
                             d.Wishart(leaves[2], leaves[3]))
        kl.sum().backward()
        results.append([kl.detach()] + [t.grad for t in leaves])
    for a, b in zip(*results):
        if b is None:       # torch's Bregman form detaches p's parameters
            assert a is None
        else:
            assert_same(a, b, rtol=1e-6, atol=1e-9)


def test_kl_between_different_families_raises_as_torch():
    messages = []
    for d in (D, TD):
        with pytest.raises(NotImplementedError) as info:
            d.kl_divergence(d.Poisson(1.0), d.Normal(0.0, 1.0))
        messages.append(str(info.value))
    assert messages[0] == messages[1]
