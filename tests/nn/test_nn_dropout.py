"""Dropout: inverted scaling, statistics, eval identity, seeding."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_statistics_and_scaling(p):
    minigrad.manual_seed(0)
    n = 200_000
    x = minigrad.ones(n, requires_grad=True)
    y = nn.Dropout(p)(x)
    values = y.detach().numpy()
    kept = values != 0
    # The kept fraction is Binomial(n, 1 - p) / n: its std is sqrt(p (1 - p) / n) <= 0.0012.
    assert abs(kept.mean() - (1 - p)) < 0.006
    np.testing.assert_allclose(values[kept], 1 / (1 - p), rtol=1e-6)  # inverted dropout
    assert abs(values.mean() - 1) < 0.03  # the expectation is kept
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), values)  # d(x * mask)/dx = mask


def test_eval_mode_and_p0_are_the_identity():
    x = minigrad.randn(10, 10)
    layer = nn.Dropout(0.5).eval()
    assert layer(x) is x
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    assert not F.dropout(x, 1.0).numpy().any()


def test_dropout_is_repeatable_with_a_seed_and_keeps_dtype():
    x = minigrad.ones(100)
    minigrad.manual_seed(3)
    a = F.dropout(x, 0.3)
    minigrad.manual_seed(3)
    b = F.dropout(x, 0.3)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a.dtype == np.float32
    assert F.dropout(minigrad.ones(4, dtype=np.float64), 0.3).dtype == np.float64


def test_invalid_probability():
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout(minigrad.zeros(1), -0.1)
