"""Activations (functions and modules) against PyTorch and finite differences."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.testing import gradcheck, gradgradcheck
from nn_oracle import compare_module, ours

torch = pytest.importorskip("torch")
tnn = torch.nn

# Include the kinks (0) and large magnitudes.
X = np.concatenate([np.random.default_rng(0).standard_normal(41) * 3,
                    [0.0, -0.0, 1e-8, -30.0, 30.0, 8.0, -8.0]]).reshape(3, -1)

PAIRS = [
    (nn.ReLU(), tnn.ReLU()),
    (nn.LeakyReLU(), tnn.LeakyReLU()),
    (nn.LeakyReLU(0.2), tnn.LeakyReLU(0.2)),
    (nn.Tanh(), tnn.Tanh()),
    (nn.Sigmoid(), tnn.Sigmoid()),
    (nn.GELU(), tnn.GELU()),
    (nn.GELU("tanh"), tnn.GELU("tanh")),
    (nn.Softmax(dim=1), tnn.Softmax(dim=1)),
    (nn.Softmax(dim=0), tnn.Softmax(dim=0)),
    (nn.LogSoftmax(dim=-1), tnn.LogSoftmax(dim=-1)),
]


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: repr(p[0]))
def test_activation_matches_torch(pair):
    module, reference = pair
    compare_module(torch, reference, module, X, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("fn", [
    lambda x: F.leaky_relu(x, 0.1),
    lambda x: F.gelu(x),
    lambda x: F.gelu(x, approximate="tanh"),
    lambda x: F.softplus(x),
    lambda x: F.softplus(x, beta=2.0),
    lambda x: F.log_softmax(x, 1),
])
def test_activation_gradients_by_finite_differences(fn):
    x = ours(np.random.default_rng(1).standard_normal((3, 4)) * 2, requires_grad=True)
    assert gradcheck(fn, [x])
    assert gradgradcheck(fn, [x])


@pytest.mark.parametrize("module", [nn.GELU(), nn.GELU("tanh"), nn.LeakyReLU(), nn.Softmax(1)])
def test_float32_stays_float32(module):
    x = minigrad.randn(4, 5, requires_grad=True)
    y = module(x)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_softplus_matches_torch_and_is_stable():
    x = np.array([-1000.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0])
    for beta in (1.0, 0.5):
        assert np.allclose(F.softplus(ours(x), beta).numpy(),
                           tnn.functional.softplus(torch.tensor(x), beta).numpy())


def test_log_softmax_is_stable_for_huge_logits():
    x = ours(np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]]), True)
    y = F.log_softmax(x, 1)
    y.sum().backward()
    expected = tnn.functional.log_softmax(torch.tensor(x.detach().numpy()), 1).detach().numpy()
    np.testing.assert_allclose(y.detach().numpy(), expected)
    assert np.isfinite(x.grad.numpy()).all()


def test_argument_checks():
    with pytest.raises(RuntimeError, match="approximate"):  # as PyTorch: on the first call
        nn.GELU("fast")(minigrad.zeros(1))
    with pytest.raises(RuntimeError, match="approximate"):
        F.gelu(minigrad.zeros(1), approximate="fast")
    # As PyTorch: no dim is deprecated, warns, and picks dim 1 of a 2-D input.
    x = minigrad.randn(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = nn.Softmax()(x)
    np.testing.assert_allclose(y.numpy().sum(1), 1, rtol=1e-6)
