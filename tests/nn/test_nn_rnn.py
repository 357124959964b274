"""RNN, LSTM, GRU and their cells against PyTorch: same weights (loaded from torch's
state dict), same outputs, final states and gradients."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.testing import gradcheck
from nn_oracle import assert_close, copy_weights, ours, theirs

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(21)


def _flatten(out):
    return [out] if not isinstance(out, (tuple, list)) else [t for o in out for t in _flatten(o)]


def compare_recurrent(make, x, state=None):
    torch_layer, layer = make(torch.nn).double(), make(nn).double()
    assert repr(layer) == repr(torch_layer)
    assert [(n, tuple(p.shape)) for n, p in layer.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in torch_layer.named_parameters()]
    copy_weights(torch_layer, layer)
    xo, xt = ours(x, True), theirs(torch, x, True)
    args_o, args_t = [xo], [xt]
    if state is not None:
        so = tuple(ours(s, True) for s in state)
        st = tuple(theirs(torch, s, True) for s in state)
        args_o.append(so if len(so) > 1 else so[0])
        args_t.append(st if len(st) > 1 else st[0])
    outs_o, outs_t = _flatten(layer(*args_o)), _flatten(torch_layer(*args_t))
    total_o = total_t = 0
    for a, b in zip(outs_o, outs_t, strict=True):
        assert_close(a, b, rtol=1e-10, atol=1e-12)
        r = RNG.standard_normal(a.shape)
        total_o = total_o + (a * ours(r)).sum()
        total_t = total_t + (b * theirs(torch, r)).sum()
    total_o.backward(), total_t.backward()
    assert_close(xo.grad, xt.grad, rtol=1e-9, atol=1e-12)
    grads = dict(torch_layer.named_parameters())
    for name, p in layer.named_parameters():
        assert_close(p.grad, grads[name].grad, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("options", [
    dict(), dict(num_layers=2), dict(bidirectional=True), dict(batch_first=True, bias=False),
    dict(num_layers=2, bidirectional=True, batch_first=True),
])
def test_recurrent_layers_match_torch(kind, options):
    x = RNG.standard_normal((3, 5, 4) if options.get("batch_first") else (5, 3, 4))
    compare_recurrent(lambda m: getattr(m, kind)(4, 6, **options), x)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_given_initial_state_and_unbatched_input(kind):
    layers = 2
    h = RNG.standard_normal((layers, 3, 6))
    state = (h, RNG.standard_normal((layers, 3, 6))) if kind == "LSTM" else (h,)
    compare_recurrent(lambda m: getattr(m, kind)(4, 6, num_layers=layers),
                      RNG.standard_normal((5, 3, 4)), state)
    compare_recurrent(lambda m: getattr(m, kind)(4, 6), RNG.standard_normal((5, 4)))


def test_relu_rnn_matches_torch():
    compare_recurrent(lambda m: m.RNN(4, 6, nonlinearity="relu"), RNG.standard_normal((5, 3, 4)))


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_match_torch(kind):
    compare_recurrent(lambda m: getattr(m, kind)(4, 6), RNG.standard_normal((3, 4)))
    compare_recurrent(lambda m: getattr(m, kind)(4, 6, bias=False), RNG.standard_normal(4))
    h = RNG.standard_normal((3, 6))
    state = (h, RNG.standard_normal((3, 6))) if kind == "LSTMCell" else (h,)
    compare_recurrent(lambda m: getattr(m, kind)(4, 6), RNG.standard_normal((3, 4)), state)


def test_lstm_gradient_by_finite_differences():
    minigrad.manual_seed(0)
    layer = nn.LSTM(2, 3).double()
    x = ours(RNG.standard_normal((4, 1, 2)), True)
    assert gradcheck(lambda x: layer(x)[0], [x])


def test_recurrent_errors_and_dropout_like_torch():
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size"):
        nn.GRU(3, 4)(minigrad.randn(5, 2, 2))
    with pytest.raises(RuntimeError, match="Expected hidden size"):
        nn.GRU(3, 4)(minigrad.randn(5, 2, 3), minigrad.zeros(2, 2, 4))
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        nn.LSTM(3, 4, dropout=0.5)
    layer = nn.LSTM(3, 4, num_layers=2, dropout=0.5)
    x = minigrad.randn(5, 2, 3)
    layer.eval()
    np.testing.assert_array_equal(layer(x)[0].detach().numpy(), layer(x)[0].detach().numpy())
    layer.train()
    assert not np.array_equal(layer(x)[0].detach().numpy(), layer(x)[0].detach().numpy())  # dropout is on
