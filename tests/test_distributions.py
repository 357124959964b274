"""minigrad.distributions against torch.distributions: log_prob, entropy, cdf, moments and
KL divergences with their gradients, sample shapes and dtypes, reparameterised gradients,
sample statistics, PyTorch's errors, and a REINFORCE update."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad import distributions as D

torch = pytest.importorskip("torch")
TD = torch.distributions
RNG = np.random.default_rng(0)
PROBS = RNG.dirichlet(np.ones(4), size=3)           # (3, 4), a batch of 3
LOGITS = RNG.standard_normal((3, 4))
LOC, SCALE = RNG.standard_normal(3), RNG.uniform(0.5, 2.0, 3)
P01 = RNG.uniform(0.1, 0.9, 3)

MAKERS = {  # name: (params as arrays, build(lib, *params), values to score)
    "normal": ((LOC, SCALE), lambda d, l, s: d.Normal(l, s), RNG.standard_normal((2, 3))),
    "categorical probs": ((PROBS,), lambda d, p: d.Categorical(probs=p),
                          np.array([[0, 3, 1], [2, 2, 0]])),
    "categorical logits": ((LOGITS,), lambda d, g: d.Categorical(logits=g),
                           np.array([[1, 0, 3], [3, 2, 1]])),
    "bernoulli probs": ((P01,), lambda d, p: d.Bernoulli(probs=p),
                        np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])),
    "bernoulli logits": ((LOGITS[:, 0],), lambda d, g: d.Bernoulli(logits=g),
                         np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 0.0]])),
    "uniform": ((LOC - SCALE, LOC + SCALE), lambda d, lo, hi: d.Uniform(lo, hi),
                LOC + SCALE * RNG.uniform(-0.9, 0.9, (2, 3))),
}


def _evaluate(lib, dist_module, name):
    params, build, values = MAKERS[name]
    leaves = [lib.tensor(p, requires_grad=True) for p in params]
    dist = build(dist_module, *leaves)
    results = [dist.log_prob(lib.tensor(values)), dist.entropy()]
    if name in ("normal", "uniform"):
        results += [dist.cdf(lib.tensor(values)), dist.mean, dist.variance, dist.stddev]
    if name.startswith("bernoulli"):
        results += [dist.mean, dist.variance]
    total = sum((r * (i + 1)).sum() for i, r in enumerate(results))
    total.backward()
    return [r.detach() for r in results] + [t.grad for t in leaves], dist


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_scores_moments_and_their_gradients_match_torch(name):
    ours, ours_dist = _evaluate(minigrad, D, name)
    theirs, theirs_dist = _evaluate(torch, TD, name)
    for a, b in zip(ours, theirs):
        assert tuple(a.shape) == tuple(b.shape) and str(b.dtype) == f"torch.{a.dtype}"
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9, atol=1e-12)
    assert tuple(ours_dist.batch_shape) == tuple(theirs_dist.batch_shape)
    assert repr(ours_dist).replace("minigrad", "torch") == repr(theirs_dist)


@pytest.mark.parametrize("name", sorted(MAKERS))
@pytest.mark.parametrize("sample_shape", [(), (5,), (2, 3)])
def test_samples_have_torchs_shape_and_dtype(name, sample_shape):
    params, build, _ = MAKERS[name]
    ours = build(D, *[minigrad.tensor(p, dtype=minigrad.float32) for p in params])
    theirs = build(TD, *[torch.tensor(p, dtype=torch.float32) for p in params])
    a, b = ours.sample(sample_shape), theirs.sample(sample_shape)
    assert tuple(a.shape) == tuple(b.shape) and str(b.dtype) == f"torch.{a.dtype}"
    assert not a.requires_grad


def test_sample_statistics_follow_the_parameters():
    minigrad.manual_seed(0)
    draws = D.Categorical(probs=minigrad.tensor(PROBS)).sample((20000,)).numpy()
    frequencies = np.stack([(draws == k).mean(0) for k in range(4)], -1)
    np.testing.assert_allclose(frequencies, PROBS, atol=0.015)
    normal = D.Normal(minigrad.tensor(LOC), minigrad.tensor(SCALE)).sample((20000,)).numpy()
    np.testing.assert_allclose(normal.mean(0), LOC, atol=0.05)
    np.testing.assert_allclose(normal.std(0), SCALE, rtol=0.03)
    flips = D.Bernoulli(minigrad.tensor(P01)).sample((20000,)).numpy()
    np.testing.assert_allclose(flips.mean(0), P01, atol=0.015)
    box = D.Uniform(minigrad.tensor(LOC - SCALE), minigrad.tensor(LOC + SCALE))
    spread = box.sample((20000,)).numpy()
    assert ((spread >= LOC - SCALE) & (spread < LOC + SCALE)).all()


def test_rsample_is_differentiable_in_the_parameters():
    loc = minigrad.tensor(LOC, requires_grad=True)
    scale = minigrad.tensor(SCALE, requires_grad=True)
    draw = D.Normal(loc, scale).rsample()
    draw.sum().backward()
    noise = (draw.detach().numpy() - LOC) / SCALE
    np.testing.assert_allclose(loc.grad.numpy(), np.ones(3))
    np.testing.assert_allclose(scale.grad.numpy(), noise, rtol=1e-9)
    assert D.Normal(0.0, 1.0).has_rsample and not D.Categorical(minigrad.ones(2)).has_rsample


KL_PAIRS = [
    lambda d, lib: (d.Normal(lib.tensor(LOC), lib.tensor(SCALE)),
                    d.Normal(lib.tensor(LOC[::-1].copy()), lib.tensor(SCALE[::-1].copy()))),
    lambda d, lib: (d.Categorical(lib.tensor(PROBS)), d.Categorical(logits=lib.tensor(LOGITS))),
    lambda d, lib: (d.Categorical(lib.tensor([[0.5, 0.5, 0.0]])),
                    d.Categorical(lib.tensor([[0.2, 0.3, 0.5]]))),
    lambda d, lib: (d.Categorical(lib.tensor([[0.2, 0.3, 0.5]])),
                    d.Categorical(lib.tensor([[0.5, 0.5, 0.0]]))),
    lambda d, lib: (d.Bernoulli(lib.tensor(P01)), d.Bernoulli(lib.tensor([0.0, 0.5, 1.0]))),
    lambda d, lib: (d.Uniform(lib.tensor([0.0, 0.0]), lib.tensor([1.0, 1.0])),
                    d.Uniform(lib.tensor([-1.0, 0.5]), lib.tensor([2.0, 2.0]))),
]


@pytest.mark.parametrize("make", KL_PAIRS)
def test_kl_divergence_matches_torch(make):
    ours = D.kl_divergence(*make(D, minigrad)).numpy()
    theirs = TD.kl_divergence(*make(TD, torch)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


BAD = [
    lambda d, lib: d.Normal(lib.zeros(3), -lib.ones(3)),
    lambda d, lib: d.Normal(lib.zeros(3), lib.ones(3)).log_prob(lib.ones(2)),
    lambda d, lib: d.Categorical(lib.tensor([0.2, 0.3, 0.5])).log_prob(lib.tensor(3)),
    lambda d, lib: d.Categorical(lib.tensor([0.2, 0.3, 0.5])).log_prob(lib.tensor(1.5)),
    lambda d, lib: d.Categorical(lib.tensor([0.2, -0.3, 0.5])),
    lambda d, lib: d.Categorical(),
    lambda d, lib: d.Categorical(lib.tensor([0.5, 0.5]), logits=lib.zeros(2)),
    lambda d, lib: d.Bernoulli(lib.tensor([0.3])).log_prob(lib.tensor([2.0])),
    lambda d, lib: d.Bernoulli(lib.tensor([1.3])),
    lambda d, lib: d.Uniform(0.0, 1.0).log_prob(lib.tensor(2.0)),
    lambda d, lib: d.Uniform(1.0, 0.0),
    lambda d, lib: d.kl_divergence(d.Normal(0.0, 1.0), d.Categorical(lib.tensor([0.2, 0.8]))),
]


@pytest.mark.parametrize("make", BAD)
def test_bad_parameters_and_values_raise_what_torch_raises(make):
    raised = []
    for d, lib in ((D, minigrad), (TD, torch)):
        with pytest.raises(Exception) as info:
            make(d, lib)
        raised.append(info.value)
    assert type(raised[0]) is type(raised[1])
    assert str(raised[0]).splitlines()[0].replace("minigrad", "torch") == \
        str(raised[1]).splitlines()[0]


def test_a_reinforce_update_matches_torch():
    """PyTorch's REINFORCE example, with the actions fixed so both libraries score the
    same episode: policy logits -> Categorical -> -log_prob * return."""
    weights = RNG.standard_normal((2, 4)).astype(np.float32) * 0.5
    states = RNG.standard_normal((6, 4)).astype(np.float32)
    actions, returns = np.array([0, 1, 1, 0, 1, 0]), RNG.standard_normal(6).astype(np.float32)
    grads = []
    for lib, d in ((minigrad, D), (torch, TD)):
        w = lib.tensor(weights, requires_grad=True)
        probs = lib.nn.functional.softmax(lib.tensor(states) @ w.t(), dim=1)
        policy = d.Categorical(probs)
        loss = (-policy.log_prob(lib.tensor(actions)) * lib.tensor(returns)).sum()
        loss = loss - 0.01 * policy.entropy().sum()
        loss.backward()
        grads.append(w.grad.numpy())
    np.testing.assert_allclose(*grads, rtol=1e-5, atol=1e-6)
