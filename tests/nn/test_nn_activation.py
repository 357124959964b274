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


INPLACE = [  # (F function name, extra positional arguments)
    ("relu", ()), ("leaky_relu", (0.2,)), ("hardtanh", (-0.5, 0.7)), ("relu6", ()),
    ("elu", (0.8,)), ("selu", ()), ("celu", (1.5,)), ("threshold", (0.3, -2.0)),
    ("silu", ()), ("mish", ()), ("hardsigmoid", ()), ("hardswish", ()),
]


@pytest.mark.parametrize("name, args", INPLACE, ids=[n for n, _ in INPLACE])
def test_inplace_writes_into_the_input_as_torch(name, args):
    """``inplace=True``: the input itself is returned, holding the result, and the gradient
    through it (to the leaf it came from) is PyTorch's; a leaf that requires grad refuses."""
    results = []
    for lib in (minigrad, torch):
        fn = getattr(lib.nn.functional, name)
        leaf = lib.tensor(X[:, :8].copy(), requires_grad=True)
        h = leaf * 1.5
        out = fn(h, *args, inplace=True)
        assert out is h
        (out * out).sum().backward()
        with pytest.raises(RuntimeError):
            fn(lib.tensor(X.copy(), requires_grad=True), *args, inplace=True)
        results.append((h.detach().numpy(), leaf.grad.numpy()))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["relu_", "leaky_relu_", "hardtanh_", "elu_", "selu_",
                                  "celu_"])
def test_functions_ending_in_underscore_write_in_place(name):
    ours_x, theirs_x = minigrad.tensor(X.copy()), torch.tensor(X.copy())
    assert getattr(F, name)(ours_x) is ours_x
    getattr(torch.nn.functional, name)(theirs_x)
    np.testing.assert_allclose(ours_x.numpy(), theirs_x.numpy(), rtol=1e-12, atol=1e-14)
    theirs_t = torch.tensor(X.copy())
    ours_t = F.threshold_(minigrad.tensor(X.copy()), 0.1, 5.0)
    torch.nn.functional.threshold_(theirs_t, 0.1, 5.0)
    np.testing.assert_allclose(ours_t.numpy(), theirs_t.numpy())


@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.ReLU(inplace=True), lambda lib: lib.nn.LeakyReLU(0.1, True),
    lambda lib: lib.nn.ELU(inplace=True), lambda lib: lib.nn.Hardtanh(inplace=True),
    lambda lib: lib.nn.ReLU6(inplace=True), lambda lib: lib.nn.Threshold(0.1, 2.0, True),
    lambda lib: lib.nn.Dropout(0.5, inplace=True).eval()])
def test_inplace_modules_write_into_their_input_as_torch(make):
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor(X.reshape(3, 4, 4).copy())
        assert make(lib)(x) is x
        results.append(x.numpy())
    np.testing.assert_allclose(*results, rtol=1e-12, atol=1e-14)


def test_inplace_dropout_modules_while_training_return_their_input():
    for module in (nn.Dropout(0.5, inplace=True), nn.Dropout2d(0.5, inplace=True)):
        x = minigrad.tensor(X.reshape(1, 3, 4, 4).copy())
        assert module(x) is x
        kept = x.numpy() != 0
        np.testing.assert_allclose(x.numpy()[kept], 2 * X.reshape(1, 3, 4, 4)[kept])


def test_inplace_dropout_draws_the_same_mask_as_out_of_place():
    x = minigrad.tensor(X.copy())
    minigrad.manual_seed(3)
    expected = F.dropout(x, 0.4)
    minigrad.manual_seed(3)
    y = F.dropout(x, 0.4, inplace=True)
    assert y is x
    np.testing.assert_array_equal(x.numpy(), expected.numpy())
    assert F.dropout(x, 0.4, training=False, inplace=True) is x


SHRINKS = [
    (nn.Hardshrink(), tnn.Hardshrink()), (nn.Hardshrink(1.3), tnn.Hardshrink(1.3)),
    (nn.Softshrink(), tnn.Softshrink()), (nn.Softshrink(0.2), tnn.Softshrink(0.2)),
    (nn.Tanhshrink(), tnn.Tanhshrink()),
]


@pytest.mark.parametrize("pair", SHRINKS, ids=lambda p: repr(p[0]))
def test_shrinks_match_torch(pair):
    """Values, gradients and repr; X holds 0 and values on both sides of every lambd."""
    module, reference = pair
    assert repr(module) == repr(reference)
    compare_module(torch, reference, module, X, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["hardshrink", "softshrink"])
def test_shrinks_at_the_threshold_are_zero_with_zero_gradient(name):
    for lib in (minigrad, torch):
        x = lib.tensor([-0.5, 0.5, 0.25], requires_grad=True)
        y = getattr(lib.nn.functional, name)(x, 0.5)
        y.sum().backward()
        assert y.tolist() == [0.0, 0.0, 0.0] and x.grad.tolist() == [0.0, 0.0, 0.0]


def test_shrink_errors_as_torch():
    for lib in (minigrad, torch):
        with pytest.raises(RuntimeError):
            lib.nn.functional.softshrink(lib.ones(2), -1.0)
        with pytest.raises(NotImplementedError):
            lib.nn.functional.hardshrink(lib.ones(2, dtype=lib.int64))


def test_softmax2d_matches_torch():
    x = X.reshape(3, 4, 4)
    compare_module(torch, tnn.Softmax2d(), nn.Softmax2d(), x, rtol=1e-12, atol=1e-14)
    compare_module(torch, tnn.Softmax2d(), nn.Softmax2d(), x[None], rtol=1e-12, atol=1e-14)
    for lib in (minigrad, torch):
        with pytest.raises(ValueError):
            lib.nn.Softmax2d()(lib.ones(3))
