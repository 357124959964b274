"""nn.init: gains, fans, distributions (bounds and spread), dtype, in-place, seeding."""
import math

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.nn import init


def test_calculate_gain_matches_torch():
    torch = pytest.importorskip("torch")
    for name, param in [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None),
                        ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2),
                        ("leaky_relu", math.sqrt(5)), ("selu", None)]:
        assert init.calculate_gain(name, param) == pytest.approx(
            torch.nn.init.calculate_gain(name, param), rel=1e-12)
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.calculate_gain("swish")


def weights(*shape, dtype=np.float32):
    return nn.Parameter(np.zeros(shape, dtype=dtype))


def assert_uniform(values, bound):
    values = values.astype(np.float64).ravel()
    assert np.all(np.abs(values) <= bound) and np.abs(values).max() > 0.97 * bound
    assert values.std() == pytest.approx(bound / math.sqrt(3), rel=0.03)


def assert_normal(values, std):
    values = values.astype(np.float64).ravel()
    assert values.std() == pytest.approx(std, rel=0.03)
    assert abs(values.mean()) < 0.03 * std
    # about 4.55% of normal samples lie beyond 2 std
    assert np.mean(np.abs(values) > 2 * std) == pytest.approx(0.0455, abs=0.01)


# fan_in = 30 * 3 * 3 = 270, fan_out = 64 * 3 * 3 = 576 for a (64, 30, 3, 3) kernel
FAN_IN, FAN_OUT = 270, 576


@pytest.mark.parametrize("mode, fan", [("fan_in", FAN_IN), ("fan_out", FAN_OUT)])
def test_kaiming(mode, fan):
    minigrad.manual_seed(0)
    w = init.kaiming_uniform_(weights(64, 30, 3, 3), mode=mode, nonlinearity="relu")
    assert_uniform(w.detach().numpy(), math.sqrt(2) * math.sqrt(3 / fan))
    w = init.kaiming_normal_(weights(64, 30, 3, 3), a=0.2, mode=mode)
    assert_normal(w.detach().numpy(), math.sqrt(2 / (1 + 0.04)) / math.sqrt(fan))


def test_xavier():
    minigrad.manual_seed(1)
    w = init.xavier_uniform_(weights(64, 30, 3, 3), gain=2.0)
    assert_uniform(w.detach().numpy(), 2.0 * math.sqrt(6 / (FAN_IN + FAN_OUT)))
    w = init.xavier_normal_(weights(64, 30, 3, 3))
    assert_normal(w.detach().numpy(), math.sqrt(2 / (FAN_IN + FAN_OUT)))


def test_simple_fills():
    minigrad.manual_seed(2)
    values = init.uniform_(weights(100_000), -2.0, 3.0).detach().numpy()
    assert values.min() >= -2 and values.max() < 3 and values.mean() == pytest.approx(0.5, abs=0.02)
    values = init.normal_(weights(100_000), mean=1.0, std=0.5).detach().numpy()
    assert values.mean() == pytest.approx(1.0, abs=0.01) and values.std() == pytest.approx(0.5, rel=0.02)
    assert (init.constant_(weights(3), 0.25).detach().numpy() == 0.25).all()
    assert (init.ones_(weights(3)).detach().numpy() == 1).all()
    assert (init.zeros_(init.ones_(weights(3))).detach().numpy() == 0).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_in_place_keeps_dtype_identity_and_leaf(dtype):
    w = weights(4, 5, dtype=dtype)
    for fn in (init.kaiming_uniform_, init.kaiming_normal_, init.xavier_uniform_,
               init.xavier_normal_, init.normal_, init.uniform_, init.ones_):
        assert fn(w) is w
        assert w.dtype == dtype and w.is_leaf and w.grad_fn is None and w.requires_grad


def test_seeded_draws_repeat():
    minigrad.manual_seed(7)
    a = init.kaiming_uniform_(weights(3, 3)).detach().numpy().copy()
    minigrad.manual_seed(7)
    np.testing.assert_array_equal(init.kaiming_uniform_(weights(3, 3)).detach().numpy(), a)


def test_fans_need_two_dims_and_mode_is_checked():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(weights(5))
    with pytest.raises(ValueError, match="mode"):
        init.kaiming_uniform_(weights(2, 2), mode="fan_avg")


def test_trunc_normal_orthogonal_eye_and_ndarray_targets():
    minigrad.manual_seed(0)
    t = nn.init.trunc_normal_(minigrad.zeros(2000), std=2.0, a=-1.0, b=1.5)
    assert t.numpy().min() >= -1.0 and t.numpy().max() <= 1.5 and t.numpy().std() > 0.5
    for shape in [(3, 5), (5, 3), (4, 2, 3)]:
        w = nn.init.orthogonal_(minigrad.zeros(*shape), gain=2.0).numpy().reshape(shape[0], -1)
        small = w @ w.T if shape[0] <= w.shape[1] else w.T @ w
        np.testing.assert_allclose(small, 4.0 * np.eye(len(small)), atol=1e-5)
    np.testing.assert_array_equal(nn.init.eye_(minigrad.zeros(2, 3)).numpy(), np.eye(2, 3))
    array = np.zeros((2, 2), dtype=np.float32)  # as an older .data would give
    nn.init.constant_(array, 0.5)
    np.testing.assert_array_equal(array, 0.5)


def test_parameters_to_vector_and_back():
    layer = nn.Linear(3, 2)
    vec = nn.utils.parameters_to_vector(layer.parameters())
    assert vec.shape == (8,)
    nn.utils.vector_to_parameters(minigrad.arange(8.0), layer.parameters())
    np.testing.assert_array_equal(layer.weight.detach().numpy(), np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(layer.bias.detach().numpy(), [6.0, 7.0])


@pytest.mark.parametrize("name", ["linear", "conv1d", "conv2d", "conv_transpose2d", "sigmoid",
                                  "tanh", "relu", "leaky_relu", "selu"])
def test_calculate_gain_returns_pytorchs_value_and_type(name):
    torch = pytest.importorskip("torch")
    ours, theirs = nn.init.calculate_gain(name), torch.nn.init.calculate_gain(name)
    assert ours == theirs and type(ours) is type(theirs)
