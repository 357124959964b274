"""ops.special: erf to float64 accuracy against math.erf, softplus stability and dtypes.
(Gradients are checked with every other primitive in tests/test_primitive_coverage.py.)"""
import math

import numpy as np
import pytest

import minigrad
from minigrad.ops.special import erf, softplus


def test_erf_matches_math_erf_to_float64_rounding():
    x = np.concatenate([np.linspace(-7, 7, 20001), [0.0, -0.0, 1e-300, 2.5, -2.5, 40, -40,
                                                    np.nextafter(2.5, 0)]])
    expected = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(erf(minigrad.tensor(x)).numpy(), expected, rtol=2e-15,
                               atol=1e-300)


def test_erf_float32_and_gradient():
    x = minigrad.tensor([-1.0, 0.0, 0.5, 3.0], requires_grad=True)
    y = erf(x)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    expected = [2 / math.sqrt(math.pi) * math.exp(-v * v) for v in (-1.0, 0.0, 0.5, 3.0)]
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)


def test_softplus_is_stable_and_exact():
    x = np.array([-1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0])
    expected = [math.log1p(math.exp(v)) if v < 30 else v + math.log1p(math.exp(-v)) for v in x]
    np.testing.assert_allclose(softplus(minigrad.tensor(x)).numpy(), expected, rtol=1e-15)
    t = minigrad.tensor(x.astype(np.float32), requires_grad=True)
    softplus(t).sum().backward()
    sigmoid = [1 / (1 + math.exp(-v)) if v > -700 else 0.0 for v in x]
    np.testing.assert_allclose(t.grad.numpy(), sigmoid, rtol=1e-6)


def test_erf_of_integers_is_float32_and_softplus_refuses_them():
    out = erf(minigrad.tensor([0, 1, -2]))  # as torch.erf: the default float dtype
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), [0.0, math.erf(1.0), math.erf(-2.0)], rtol=1e-6)
    with pytest.raises(TypeError, match="softplus: expected a floating point Tensor"):
        softplus(minigrad.tensor([1, 2]))
