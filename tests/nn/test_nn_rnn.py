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


# --- packed sequences --------------------------------------------------------------------
PACK_X = np.random.default_rng(7).standard_normal((5, 4, 3)).astype(np.float32)
PACK_H0 = np.random.default_rng(8).standard_normal((4, 4, 6)).astype(np.float32)


def _packed_run(lib, mode, layers, bidirectional, lengths, enforce_sorted, with_h0, weights):
    rnn = getattr(lib.nn, mode)(3, 6, num_layers=layers, bidirectional=bidirectional)
    with lib.no_grad():
        for name, p in rnn.named_parameters():
            p.copy_(lib.tensor(weights[name]))
    x = lib.tensor(PACK_X, requires_grad=True)
    packed = lib.nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=enforce_sorted)
    count = layers * (2 if bidirectional else 1)
    h0 = None
    if with_h0:
        h0 = lib.tensor(PACK_H0[:count])
        h0 = (h0, lib.tensor(PACK_H0[:count] * 0.5)) if mode == "LSTM" else h0
    out, h = rnn(packed, h0)
    assert isinstance(out, lib.nn.utils.rnn.PackedSequence)
    padded, lens = lib.nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=6)
    finals = h if isinstance(h, tuple) else (h,)
    (padded.pow(2).sum() + sum((f * f).sum() for f in finals)).backward()
    return [padded.detach(), lens, out.batch_sizes] + [f.detach() for f in finals] + [x.grad]


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("layers, bidirectional", [(1, False), (2, True)])
@pytest.mark.parametrize("lengths, enforce_sorted", [([5, 4, 2, 1], True),
                                                      ([3, 5, 1, 4], False)])
@pytest.mark.parametrize("with_h0", [False, True])
def test_recurrent_layers_on_packed_sequences_match_torch(mode, layers, bidirectional, lengths,
                                                          enforce_sorted, with_h0):
    """Each sequence runs over its own length only (backwards from its own end), the final
    states are those of each sequence's last step, in the caller's order."""
    reference = getattr(torch.nn, mode)(3, 6, num_layers=layers, bidirectional=bidirectional)
    weights = {n: p.detach().numpy().copy() for n, p in reference.named_parameters()}
    args = (mode, layers, bidirectional, lengths, enforce_sorted, with_h0, weights)
    for a, b in zip(_packed_run(minigrad, *args), _packed_run(torch, *args)):
        assert tuple(a.shape) == tuple(b.shape) and str(b.dtype) == f"torch.{a.dtype}"
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5)


def test_pack_and_unpack_utilities_match_torch():
    seqs = [np.arange(n * 2.0).reshape(n, 2) for n in (2, 4, 1)]
    results = []
    for lib in (minigrad, torch):
        rnn = lib.nn.utils.rnn
        packed = rnn.pack_sequence([lib.tensor(s) for s in seqs], enforce_sorted=False)
        unpacked = rnn.unpack_sequence(packed)
        padded = rnn.pad_sequence([lib.tensor(s) for s in seqs], batch_first=True)
        unpadded = rnn.unpad_sequence(padded, lib.tensor([2, 4, 1]), batch_first=True)
        results.append([packed.data, packed.batch_sizes, packed.sorted_indices,
                        packed.unsorted_indices] + unpacked + unpadded)
    for a, b in zip(*results):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("call", [
    lambda rnn, lib: rnn.pack_padded_sequence(lib.zeros(3, 2, 1), [1, 3]),
    lambda rnn, lib: rnn.pack_padded_sequence(lib.zeros(3, 2, 1), [3, 0]),
    lambda rnn, lib: rnn.pad_packed_sequence(
        rnn.pack_padded_sequence(lib.zeros(3, 2, 1), [3, 2]), total_length=2),
])
def test_packing_refuses_what_torch_refuses(call):
    raised = []
    for lib in (minigrad, torch):
        with pytest.raises(Exception) as info:
            call(lib.nn.utils.rnn, lib)
        raised.append(type(info.value))
    assert raised[0] is raised[1]


@pytest.mark.parametrize("layers, bidirectional", [(1, False), (2, True)])
def test_lstm_with_projections_matches_torch(layers, bidirectional):
    """proj_size: h (and the outputs) are projected by weight_hr; names, shapes, values,
    final states and gradients as PyTorch's."""
    reference = torch.nn.LSTM(4, 6, num_layers=layers, proj_size=3,
                              bidirectional=bidirectional)
    weights = {n: p.detach().numpy().copy() for n, p in reference.named_parameters()}
    x = np.random.default_rng(9).standard_normal((5, 3, 4)).astype(np.float32)
    results = []
    for lib in (minigrad, torch):
        lstm = lib.nn.LSTM(4, 6, num_layers=layers, proj_size=3, bidirectional=bidirectional)
        assert [n for n, _ in lstm.named_parameters()] == list(weights)
        with lib.no_grad():
            for name, p in lstm.named_parameters():
                p.copy_(lib.tensor(weights[name]))
        xt = lib.tensor(x, requires_grad=True)
        out, (h, c) = lstm(xt)
        (out.sum() + 2 * h.sum() + 3 * c.sum()).backward()
        results.append([out.detach(), h.detach(), c.detach(), xt.grad, repr(lstm)])
    for a, b in zip(results[0][:4], results[1][:4]):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5)
    assert results[0][4] == results[1][4]
    for lib in (minigrad, torch):
        for bad in (lambda: lib.nn.GRU(3, 4, proj_size=2), lambda: lib.nn.LSTM(3, 4, proj_size=4)):
            with pytest.raises(ValueError):
                bad()
