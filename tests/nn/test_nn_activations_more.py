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


def test_rrelu_in_eval_mode_matches_torch():
    for ours_m, theirs_m in ((nn.RReLU().eval(), torch.nn.RReLU().eval()),
                             (nn.RReLU(0.1, 0.3), torch.nn.RReLU(0.1, 0.3))):
        assert repr(ours_m) == repr(theirs_m)
    compare_module(torch, torch.nn.RReLU(0.1, 0.3).eval(), nn.RReLU(0.1, 0.3).eval(), X)
    compare_fn = lambda lib, x: lib.nn.functional.rrelu(x)  # noqa: E731  training=False
    x_ours, x_theirs = ours(X, True), theirs(torch, X, True)
    compare_fn(minigrad, x_ours).sum().backward()
    compare_fn(torch, x_theirs).sum().backward()
    assert_close(x_ours.grad, x_theirs.grad)


def test_rrelu_while_training_draws_a_slope_per_element_in_range():
    minigrad.manual_seed(0)
    x = minigrad.tensor(-np.ones(2000) * 2, requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    y.sum().backward()
    slopes = y.detach().numpy() / -2
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.05
    np.testing.assert_allclose(x.grad.numpy(), slopes, rtol=1e-6)  # dy/dx is the slope
    positive = minigrad.tensor([0.5, 3.0])
    np.testing.assert_array_equal(F.rrelu(positive, training=True).numpy(), [0.5, 3.0])


def test_gumbel_softmax_samples_follow_the_softmax_and_hard_is_straight_through():
    minigrad.manual_seed(1)
    logits = minigrad.tensor(np.log([[0.2, 0.5, 0.3]] * 4000), requires_grad=True)
    soft = F.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.sum(-1).detach().numpy(), 1.0, rtol=1e-6)
    hard = F.gumbel_softmax(logits, hard=True)
    values = hard.detach().numpy()
    assert set(np.unique(values)) == {0.0, 1.0} and (values.sum(-1) == 1).all()
    np.testing.assert_allclose(values.mean(0), [0.2, 0.5, 0.3], atol=0.03)
    (hard * minigrad.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert np.abs(logits.grad.numpy()).sum() > 0  # the soft sample's gradient
    with pytest.warns(UserWarning, match="deprecated"):
        F.gumbel_softmax(logits, eps=1e-5)


def test_alpha_dropout_uses_torchs_constants_and_keeps_selu_statistics():
    """On zeros, kept and dropped elements take two values; PyTorch's alpha dropout of
    zeros takes the same two (its draws differ, its constants do not)."""
    minigrad.manual_seed(2)
    ours_values = np.unique(F.alpha_dropout(minigrad.zeros(5000), 0.2, True).numpy())
    theirs_values = np.unique(TF.alpha_dropout(torch.zeros(5000), 0.2, True).numpy())
    np.testing.assert_allclose(ours_values, theirs_values, rtol=1e-6)
    x = minigrad.randn(20000)
    for fn in (F.alpha_dropout, F.feature_alpha_dropout):
        y = fn(x.reshape(100, 200, 1), 0.3, True).numpy()
        assert abs(y.mean()) < 0.05 and abs(y.std() - 1) < 0.05
        assert fn(x, 0.3) is x  # training=False by default, as PyTorch
    channels = F.feature_alpha_dropout(minigrad.zeros(4, 50, 3), 0.5, True).numpy()
    assert (channels == channels[:, :, :1]).all()  # one draw per channel
    for lib in (minigrad, torch):
        with pytest.raises(ValueError):
            lib.nn.functional.alpha_dropout(lib.ones(3), 1.5, True)
        assert repr(lib.nn.AlphaDropout(0.2)) == "AlphaDropout(p=0.2, inplace=False)"


@pytest.mark.parametrize("size", [1, 2, 3, 6])
@pytest.mark.parametrize("shape", [(2, 5, 3, 4), (2, 5, 7), (1, 4, 2, 3, 2)])
def test_local_response_norm_matches_torch(size, shape):
    x = RNG.standard_normal(shape)
    compare_module(torch, torch.nn.LocalResponseNorm(size, 0.1, 0.6, 2.0),
                   nn.LocalResponseNorm(size, 0.1, 0.6, 2.0), x)
    assert repr(nn.LocalResponseNorm(size)) == repr(torch.nn.LocalResponseNorm(size))
    for lib in (minigrad, torch):
        with pytest.raises(ValueError):
            lib.nn.functional.local_response_norm(lib.ones(3, 4), 2)


def test_bilinear_matches_torch():
    a, b = RNG.standard_normal((2, 6, 3)), RNG.standard_normal((2, 6, 4))
    w, bias = RNG.standard_normal((5, 3, 4)), RNG.standard_normal(5)
    results = []
    for lib in (minigrad, torch):
        leaves = [lib.tensor(v, requires_grad=True) for v in (a, b, w, bias)]
        y = lib.nn.functional.bilinear(*leaves)
        (y * y).sum().backward()
        results.append([y.detach()] + [t.grad for t in leaves])
        with pytest.raises(RuntimeError):
            lib.nn.functional.bilinear(leaves[0], leaves[0], leaves[2])
    for p, q in zip(*results):
        assert_close(p, q)
    layer = nn.Bilinear(3, 4, 5)
    assert repr(layer) == repr(torch.nn.Bilinear(3, 4, 5))
    assert layer.weight.shape == (5, 3, 4) and layer.weight.dtype == np.float32
    bound = 1 / np.sqrt(3)
    assert np.abs(layer.weight.detach().numpy()).max() <= bound
    assert layer(minigrad.randn(7, 3), minigrad.randn(7, 4)).shape == (7, 5)
