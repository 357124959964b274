"""Linear, Identity, Flatten: forward and gradients against PyTorch; default init."""
import math

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from nn_oracle import assert_close, compare_module

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4), (4,)])
def test_linear_matches_torch(bias, shape):
    x = np.random.default_rng(0).standard_normal(shape)
    compare_module(torch, torch.nn.Linear(4, 3, bias=bias), nn.Linear(4, 3, bias=bias), x)


def test_linear_float32_stays_float32():
    fc = nn.Linear(4, 3)
    assert fc.weight.dtype == np.float32 and fc.bias.dtype == np.float32
    y = fc(minigrad.randn(2, 4))
    y.sum().backward()
    assert y.dtype == np.float32 and fc.weight.grad.dtype == np.float32


def test_linear_feature_mismatch_names_the_layer_and_shape():
    with pytest.raises(RuntimeError, match=r"^Linear\(in_features=3\) got input of shape \(4, 5\)$"):
        nn.Linear(3, 2)(minigrad.zeros(4, 5))
    with pytest.raises(RuntimeError, match=r"linear: input of shape \(4, 5\).*\(2, 3\)"):
        F.linear(minigrad.zeros(4, 5), minigrad.zeros(2, 3))


def test_identity_and_flatten():
    x = minigrad.randn(2, 3, 4, 5)
    assert nn.Identity(7, key="ignored")(x) is x
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    xt = torch.tensor(x.numpy())
    assert_close(nn.Flatten(1, 2)(x), torch.nn.Flatten(1, 2)(xt))


def _check_uniform(values, bound):
    """Samples of U(-bound, bound): inside the bounds, reaching close to them, with the
    right standard deviation (bound / sqrt 3)."""
    values = np.asarray(values, dtype=np.float64).ravel()
    assert np.all(np.abs(values) <= bound)
    assert np.abs(values).max() > 0.95 * bound
    assert abs(values.std() - bound / math.sqrt(3)) < 0.05 * bound / math.sqrt(3)
    assert abs(values.mean()) < 0.05 * bound


def test_linear_default_init_follows_pytorch_formula():
    minigrad.manual_seed(0)
    fc = nn.Linear(200, 300)
    bound = 1 / math.sqrt(200)  # kaiming_uniform_(a=sqrt(5)) gives 1 / sqrt(fan_in)
    _check_uniform(fc.weight.detach().numpy(), bound)
    _check_uniform(fc.bias.detach().numpy(), bound)
    reference = torch.nn.Linear(200, 300)
    assert np.abs(reference.weight.detach().numpy()).max() <= bound  # the same formula
    assert np.abs(reference.weight.detach().numpy()).max() > 0.95 * bound


def test_reset_parameters_is_repeatable_with_a_seed():
    fc = nn.Linear(3, 2)
    minigrad.manual_seed(5)
    fc.reset_parameters()
    first = fc.weight.detach().numpy().copy()
    minigrad.manual_seed(5)
    fc.reset_parameters()
    np.testing.assert_array_equal(fc.weight.detach().numpy(), first)
    assert fc.weight.is_leaf and fc.weight.grad_fn is None

