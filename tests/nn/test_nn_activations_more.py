"""The activations added for PyTorch programs, against PyTorch (values and gradients,
including the kinks), their modules, and softmax's dtype rules."""
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.testing import gradgradcheck
from nn_oracle import assert_close, compare_module, ours, theirs

torch = pytest.importorskip("torch")
TF = torch.nn.functional
RNG = np.random.default_rng(3)

# Random values, plus the kinks (0, +-1, 6, -3, 3) hit exactly.
X = np.concatenate([RNG.standard_normal(20) * 4, [0.0, 1.0, -1.0, 6.0, -3.0, 3.0, 25.0]])

CASES = {
    "relu6": ({}, {}), "hardtanh": ({"min_val": -0.5, "max_val": 2.0},) * 2,
    "elu": ({"alpha": 0.7},) * 2, "selu": ({}, {}), "celu": ({"alpha": 1.3},) * 2,
    "silu": ({}, {}), "mish": ({}, {}), "logsigmoid": ({}, {}), "softsign": ({}, {}),
    "softplus": ({"beta": 2.0, "threshold": 10.0},) * 2, "leaky_relu": ({"negative_slope": 0.2},) * 2,
    "gelu": ({"approximate": "tanh"},) * 2, "relu": ({}, {}), "hardsigmoid": ({}, {}),
    "hardswish": ({}, {}), "threshold": ({"threshold": 1.0, "value": -2.0},) * 2,
}


@pytest.mark.parametrize("name", CASES)
def test_activation_matches_torch_with_kinks(name):
    ours_kwargs, their_kwargs = CASES[name]
    xo, xt = ours(X, True), theirs(torch, X, True)
    yo, yt = getattr(F, name)(xo, **ours_kwargs), getattr(TF, name)(xt, **their_kwargs)
    assert_close(yo, yt, rtol=1e-12, atol=1e-14)
    yo.sum().backward()
    yt.sum().backward()
    # PyTorch's celu and hardsigmoid backwards use 1 / alpha and 1 / 6 rounded to float32,
    # even in float64
    rtol = 1e-6 if name in ("celu", "hardsigmoid") else 1e-12
    assert_close(xo.grad, xt.grad, rtol=rtol, atol=1e-14)


@pytest.mark.parametrize("name", ["elu", "selu", "celu", "silu", "mish", "softplus",
                                  "logsigmoid", "softsign"])
def test_smooth_activations_second_derivative(name):
    x = ours(RNG.standard_normal(6) + 0.05, True)
    assert gradgradcheck(getattr(F, name), [x])


def test_glu_and_prelu_match_torch():
    x = RNG.standard_normal((2, 4, 3))
    xo, xt = ours(x, True), theirs(torch, x, True)
    assert_close(F.glu(xo, 1), TF.glu(xt, 1), rtol=1e-12)
    w = RNG.random(4)
    wo, wt = ours(w, True), theirs(torch, w, True)
    yo, yt = F.prelu(xo, wo), TF.prelu(xt, wt)
    assert_close(yo, yt, rtol=1e-12)
    yo.sum().backward(), yt.sum().backward()
    assert_close(xo.grad, xt.grad, rtol=1e-12)
    assert_close(wo.grad, wt.grad, rtol=1e-12)
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        F.glu(minigrad.zeros(2, 3))


@pytest.mark.parametrize("name, args", [
    ("ReLU6", ()), ("SiLU", ()), ("Mish", ()), ("SELU", ()), ("ELU", (0.5,)), ("CELU", (2.0,)),
    ("Hardtanh", (-2.0, 0.5)), ("Softplus", (1.5, 5.0)), ("LogSigmoid", ()), ("Softsign", ()),
    ("GLU", (1,)), ("Softmin", (1,)), ("PReLU", (4,)), ("Hardsigmoid", ()), ("Hardswish", ()),
    ("Threshold", (0.5, 3.0)),
])
def test_activation_modules_match_torch(name, args):
    rtol = 1e-6 if name == "Hardsigmoid" else 1e-12  # see above
    compare_module(torch, getattr(torch.nn, name)(*args), getattr(nn, name)(*args),
                   RNG.standard_normal((3, 4)) * 3, rtol=rtol, atol=1e-14)
    assert repr(getattr(nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))


def test_softmax_of_an_integer_tensor_raises_like_torch():
    x = minigrad.tensor([1, 2, 3])
    for fn in (F.softmax, F.log_softmax, F.softmin):
        with pytest.raises(NotImplementedError, match="int64"):
            fn(x, 0)
    y = F.softmax(x, 0, dtype=minigrad.float32)  # dtype= casts first, as in torch
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.numpy(), TF.softmax(torch.tensor([1, 2, 3]), 0,
                                                     dtype=torch.float32).numpy(), rtol=1e-6)


def test_softmax_without_dim_warns_and_picks_torchs_dim():
    for shape in [(4,), (2, 3), (2, 3, 4), (2, 3, 4, 5)]:
        x = RNG.standard_normal(shape)
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            ours_y = F.log_softmax(ours(x))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert_close(ours_y, TF.log_softmax(torch.tensor(x)), rtol=1e-12)
