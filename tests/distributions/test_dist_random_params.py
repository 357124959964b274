"""Random parameters and values (hypothesis) for the families whose formulas have
branches or special cases: everything compare_distribution checks (values, moments,
entropy, cdf/icdf, first and second derivatives) agrees with torch across the parameter
space, away from the kinks (p = 1/2 exactly, integer boundaries)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dist_oracle import compare_distribution

pytest.importorskip("torch")


def _floats(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def _array(low, high, n=3):
    return st.lists(_floats(low, high), min_size=n, max_size=n).map(np.array)


COUNTS = st.lists(st.integers(0, 12), min_size=3, max_size=3).map(
    lambda v: np.array(v, dtype=np.float64))


@settings(max_examples=20, deadline=None)
@given(count=st.integers(0, 12), probs=_array(0.01, 0.99), values=COUNTS)
def test_binomial(count, probs, values):
    probs = np.where(np.abs(probs - 0.5) < 1e-3, 0.4, probs)   # torch: no curvature at 1/2
    compare_distribution(lambda d, p: d.Binomial(count, p), (probs,),
                         np.minimum(values, count), rtol=1e-6)


@settings(max_examples=20, deadline=None)
@given(total=_array(0.1, 20.0), logits=_array(-4.0, 4.0), values=COUNTS)
def test_negative_binomial(total, logits, values):
    compare_distribution(lambda d, n, g: d.NegativeBinomial(n, logits=g), (total, logits),
                         values, rtol=1e-6)


@settings(max_examples=20, deadline=None)
@given(rate=_array(0.01, 30.0), values=COUNTS)
def test_poisson(rate, values):
    compare_distribution(lambda d, r: d.Poisson(r), (rate,), values, rtol=1e-6)


@settings(max_examples=20, deadline=None)
@given(probs=_array(0.001, 0.999), values=_array(0.0, 1.0))
def test_continuous_bernoulli(probs, values):
    compare_distribution(lambda d, p: d.ContinuousBernoulli(p), (probs,), values, rtol=1e-5,
                         atol=1e-8)


@settings(max_examples=20, deadline=None)
@given(a=_array(0.2, 5.0), b=_array(0.2, 5.0), values=_array(0.01, 0.99))
def test_kumaraswamy(a, b, values):
    compare_distribution(lambda d, c1, c0: d.Kumaraswamy(c1, c0), (a, b), values, rtol=1e-6)


@settings(max_examples=20, deadline=None)
@given(loc=_array(-3.0, 3.0), k=_array(0.05, 50.0), values=_array(-6.0, 6.0))
def test_von_mises(loc, k, values):
    compare_distribution(lambda d, m, c: d.VonMises(m, c), (loc, k), values, rtol=1e-6)


@settings(max_examples=20, deadline=None)
@given(df1=_array(0.3, 12.0), df2=_array(0.3, 12.0), values=_array(0.01, 8.0))
def test_fisher_snedecor(df1, df2, values):
    df2 = np.where(np.isin(np.round(df2, 6), [2.0, 4.0]), df2 + 0.1, df2)
    compare_distribution(lambda d, a, b: d.FisherSnedecor(a, b), (df1, df2), values,
                         rtol=1e-6)
