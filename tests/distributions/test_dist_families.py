"""Every distribution family against torch.distributions on the same parameters: scores,
moments, entropy, cdf/icdf, first and second derivatives in the parameters, repr, support,
expand, and sample shapes and dtypes (see dist_oracle.py)."""
from __future__ import annotations

import numpy as np
import pytest

from dist_oracle import compare_distribution, compare_shapes

pytest.importorskip("torch")
RNG = np.random.default_rng(0)
LOC, SCALE = RNG.standard_normal(3), RNG.uniform(0.5, 2.0, 3)
A = RNG.standard_normal((2, 3, 3))
COV = A @ A.transpose(0, 2, 1) + np.eye(3)          # a batch of 2 covariances
TRIL = np.linalg.cholesky(COV)
VECTOR_LOC = RNG.standard_normal((2, 3))
POINTS = RNG.standard_normal((4, 2, 3))

CASES = {  # name: (build(D, *params), params, values to score)
    "Normal": (lambda d, l, s: d.Normal(l, s), (LOC, SCALE), RNG.standard_normal((2, 3))),
    "Uniform": (lambda d, lo, hi: d.Uniform(lo, hi), (LOC - SCALE, LOC + SCALE),
                LOC + SCALE * RNG.uniform(-0.9, 0.9, (2, 3))),
    "Bernoulli": (lambda d, p: d.Bernoulli(p), (RNG.uniform(0.1, 0.9, 3),),
                  np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])),
    "Bernoulli logits": (lambda d, g: d.Bernoulli(logits=g), (LOC,),
                         np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])),
    "Categorical": (lambda d, p: d.Categorical(p), (RNG.dirichlet(np.ones(4), 3),),
                    np.array([[0, 3, 1], [2, 2, 0]])),
    "MultivariateNormal covariance": (
        lambda d, m, c: d.MultivariateNormal(m, covariance_matrix=c), (VECTOR_LOC, COV), POINTS),
    "MultivariateNormal scale_tril": (
        lambda d, m, s: d.MultivariateNormal(m, scale_tril=s), (VECTOR_LOC, TRIL), POINTS),
    "MultivariateNormal precision": (
        lambda d, m, p: d.MultivariateNormal(m, precision_matrix=p),
        (VECTOR_LOC[0], np.linalg.inv(COV)), POINTS),
    "MultivariateNormal broadcast loc": (
        lambda d, m, c: d.MultivariateNormal(m, covariance_matrix=c), (LOC, COV), POINTS),
    "Independent Normal": (lambda d, l, s: d.Independent(d.Normal(l, s), 1),
                           (VECTOR_LOC, np.abs(VECTOR_LOC) + 0.5), POINTS),
    "Independent Normal 2": (lambda d, l, s: d.Independent(d.Normal(l, s), 2),
                             (VECTOR_LOC, np.abs(VECTOR_LOC) + 0.5), POINTS),
    "Independent Bernoulli": (lambda d, p: d.Independent(d.Bernoulli(p), 1),
                              (RNG.uniform(0.1, 0.9, (2, 3)),),
                              (POINTS > 0).astype(np.float64)),
    "LogNormal": (lambda d, l, s: d.LogNormal(l, s), (LOC, SCALE), np.exp(POINTS[:, 0])),
    "Transformed affine tanh": (
        lambda d, l, s: d.TransformedDistribution(d.Normal(l, s), [
            d.transforms.AffineTransform(0.5, -2.0), d.transforms.TanhTransform()]),
        (LOC, SCALE), np.tanh(POINTS[:, 0])),
    "Transformed sigmoid": (
        lambda d, l, s: d.TransformedDistribution(d.Normal(l, s), d.transforms.SigmoidTransform()),
        (LOC, SCALE), 1 / (1 + np.exp(-POINTS[:, 0]))),
    "Transformed stick breaking": (
        lambda d, l, s: d.TransformedDistribution(d.Normal(l, s),
                                                  d.transforms.StickBreakingTransform()),
        (VECTOR_LOC, np.abs(VECTOR_LOC) + 0.5), np.full((2, 4), 0.25)),
    "Transformed MVN exp": (
        lambda d, m, c: d.TransformedDistribution(d.MultivariateNormal(m, c),
                                                  d.transforms.ExpTransform()),
        (VECTOR_LOC, COV), np.exp(POINTS)),
    "Exponential": (lambda d, r: d.Exponential(r), (SCALE,), np.abs(POINTS[:, 0])),
    "Laplace": (lambda d, l, s: d.Laplace(l, s), (LOC, SCALE), POINTS[:, 0]),
    "HalfNormal": (lambda d, s: d.HalfNormal(s), (SCALE,), np.abs(POINTS[:, 0])),
    "Cauchy": (lambda d, l, s: d.Cauchy(l, s), (LOC, SCALE), POINTS[:, 0]),
    "HalfCauchy": (lambda d, s: d.HalfCauchy(s), (SCALE,), np.abs(POINTS[:, 0])),
    "Gumbel": (lambda d, l, s: d.Gumbel(l, s), (LOC, SCALE), POINTS[:, 0]),
    "StudentT": (lambda d, df, l, s: d.StudentT(df, l, s), (np.array([0.7, 1.5, 4.0]), LOC,
                                                            SCALE), POINTS[:, 0]),
    "StudentT df only": (lambda d, df: d.StudentT(df), (np.array([2.5, 9.0, 30.0]),),
                         POINTS[:, 0]),
    "Gamma": (lambda d, a, r: d.Gamma(a, r), (np.array([0.4, 1.0, 3.5]), SCALE),
              np.abs(POINTS[:, 0]) + 0.01),
    "Chi2": (lambda d, df: d.Chi2(df), (np.array([0.8, 2.0, 7.0]),), np.abs(POINTS[:, 0])),
    "Beta": (lambda d, a, b: d.Beta(a, b), (np.array([0.5, 1.0, 3.0]), np.array([2.0, 0.7, 3.0])),
             RNG.uniform(0.05, 0.95, (4, 3))),
    "Dirichlet": (lambda d, a: d.Dirichlet(a), (np.array([[0.5, 2.0, 3.0], [0.3, 0.6, 0.9]]),),
                  RNG.dirichlet(np.ones(3), (4, 2))),
    # scalar batches: parameters and values of shape () (an RL policy's single state)
    "Categorical unbatched": (lambda d, g: d.Categorical(logits=g), (LOC,), np.array(2)),
    "Normal scalar": (lambda d, l, s: d.Normal(l, s), (LOC[0], SCALE[0]), np.array(0.3)),
    "Gamma scalar": (lambda d, a, r: d.Gamma(a, r), (SCALE[1], SCALE[2]), np.array(1.3)),
    "Gumbel scalar": (lambda d, l, s: d.Gumbel(l, s), (LOC[0], SCALE[0]), np.array(0.3)),
    "Affine scalar": (lambda d, l, s: d.TransformedDistribution(
        d.Normal(l, s), d.transforms.AffineTransform(1.0, 2.0)), (LOC[0], SCALE[0]),
        np.array(0.3)),
}
NO_GRAD = {"Gamma": ("cdf",), "Gamma scalar": ("cdf",), "Chi2": ("cdf",)}   # torch: no derivative of igamma in a


@pytest.mark.parametrize("name", sorted(CASES))
def test_family_matches_torch(name):
    build, params, values = CASES[name]
    compare_distribution(build, params, values, no_grad=NO_GRAD.get(name, ()))


@pytest.mark.parametrize("name", sorted(CASES))
def test_samples_and_expand_match_torch(name):
    build, params, _ = CASES[name]
    compare_shapes(build, params)
