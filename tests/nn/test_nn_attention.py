"""scaled_dot_product_attention, MultiheadAttention and the Transformer encoder against
PyTorch, from the same weights: outputs, attention weights and gradients."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.nn.transformer import generate_square_subsequent_mask
from minigrad.testing import gradcheck
from nn_oracle import assert_close, copy_weights, ours, theirs

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(29)


def _as(lib_tensor, value):
    if value is None or isinstance(value, (bool, float, int)):
        return value
    return lib_tensor(np.array(value))


@pytest.mark.parametrize("kwargs", [
    dict(), dict(is_causal=True), dict(scale=0.3),
    dict(attn_mask=RNG.random((4, 6)) > 0.3), dict(attn_mask=RNG.standard_normal((4, 6))),
])
def test_sdpa_matches_torch(kwargs):
    q, k, v = (RNG.standard_normal(s) for s in ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7)))
    if kwargs.get("is_causal"):
        k, v = k[:, :, :4], v[:, :, :4]
    xo = [ours(a, True) for a in (q, k, v)]
    xt = [theirs(torch, a, True) for a in (q, k, v)]
    yo = F.scaled_dot_product_attention(*xo, **{n: _as(minigrad.tensor, a)
                                                 for n, a in kwargs.items()})
    yt = torch.nn.functional.scaled_dot_product_attention(
        *xt, **{n: _as(torch.tensor, a) for n, a in kwargs.items()})
    assert_close(yo, yt, rtol=1e-10, atol=1e-12)
    yo.sum().backward(), yt.sum().backward()
    for a, b in zip(xo, xt):
        assert_close(a.grad, b.grad, rtol=1e-9, atol=1e-12)


def _compare_attention(make, inputs, **call):
    torch_layer, layer = make(torch.nn).double(), make(nn).double()
    with torch.no_grad():
        for p in torch_layer.parameters():
            p.add_(torch.rand(p.shape, dtype=p.dtype) * 0.1)  # biases away from zero
    copy_weights(torch_layer, layer)
    assert list(layer.state_dict()) == list(torch_layer.state_dict())
    xo = [ours(a, True) for a in inputs]
    xt = [theirs(torch, a, True) for a in inputs]
    call_o = {n: _as(minigrad.tensor, a) for n, a in call.items()}
    call_t = {n: _as(torch.tensor, a) for n, a in call.items()}
    out_o, out_t = layer(*xo, **call_o), torch_layer(*xt, **call_t)
    out_o = out_o if isinstance(out_o, tuple) else (out_o,)
    out_t = out_t if isinstance(out_t, tuple) else (out_t,)
    for a, b in zip(out_o, out_t):
        if b is None:
            assert a is None
            continue
        assert_close(a, b, rtol=1e-9, atol=1e-12)
    out_o[0].sum().backward(), out_t[0].sum().backward()
    for a, b in zip(xo, xt):
        assert_close(a.grad, b.grad, rtol=1e-8, atol=1e-11)
    grads = dict(torch_layer.named_parameters())
    for name, p in layer.named_parameters():
        assert_close(p.grad, grads[name].grad, rtol=1e-8, atol=1e-11)


@pytest.mark.parametrize("call", [
    dict(), dict(need_weights=False), dict(average_attn_weights=False),
    dict(attn_mask=np.triu(np.ones((4, 4), dtype=bool), 1)),
    dict(attn_mask=RNG.standard_normal((4, 4))),
    dict(key_padding_mask=np.array([[False, False, True, False], [False, True, False, False]])),
])
def test_self_attention_matches_torch(call):
    x = RNG.standard_normal((4, 2, 8))
    _compare_attention(lambda m: m.MultiheadAttention(8, 2), [x, x, x], **call)


def test_cross_attention_layouts_and_kdim_vdim():
    q, kv = RNG.standard_normal((2, 3, 8)), RNG.standard_normal((2, 5, 8))
    _compare_attention(lambda m: m.MultiheadAttention(8, 4, batch_first=True), [q, kv, kv])
    k, v = RNG.standard_normal((5, 2, 6)), RNG.standard_normal((5, 2, 3))
    _compare_attention(lambda m: m.MultiheadAttention(8, 2, kdim=6, vdim=3),
                       [RNG.standard_normal((3, 2, 8)), k, v])
    x = RNG.standard_normal((3, 8))  # unbatched
    _compare_attention(lambda m: m.MultiheadAttention(8, 2, bias=False), [x, x, x])


@pytest.mark.parametrize("options", [dict(), dict(norm_first=True, activation="gelu"),
                                     dict(batch_first=True)])
def test_transformer_encoder_matches_torch(options):
    def make(m):
        layer = m.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, **options)
        return m.TransformerEncoder(layer, num_layers=2, norm=m.LayerNorm(8),
                                    enable_nested_tensor=False)

    x = RNG.standard_normal((2, 5, 8) if options.get("batch_first") else (5, 2, 8))
    mask = generate_square_subsequent_mask(5, dtype=np.float64).numpy()
    _compare_attention(make, [x], mask=mask)
    _compare_attention(make, [x])


def test_attention_gradient_by_finite_differences_and_errors():
    minigrad.manual_seed(0)
    layer = nn.MultiheadAttention(4, 2).double()
    x = ours(RNG.standard_normal((3, 1, 4)), True)
    assert gradcheck(lambda x: layer(x, x, x)[0], [x])
    with pytest.raises(ValueError, match="divisible by num_heads"):
        nn.MultiheadAttention(6, 4)
    with pytest.raises(RuntimeError, match="should not be set when is_causal"):
        F.scaled_dot_product_attention(x, x, x, attn_mask=minigrad.zeros(3, 3), is_causal=True)


@pytest.mark.parametrize("options", [dict(), dict(norm_first=True, batch_first=True)])
def test_full_transformer_matches_torch(options):
    def make(m):
        return m.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=2,
                             dim_feedforward=16, dropout=0.0, **options)

    batch_first = options.get("batch_first", False)
    src = RNG.standard_normal((2, 5, 8) if batch_first else (5, 2, 8))
    tgt = RNG.standard_normal((2, 4, 8) if batch_first else (4, 2, 8))
    mask = nn.Transformer.generate_square_subsequent_mask(4, dtype=np.float64).numpy()
    np.testing.assert_array_equal(
        mask, torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64))
    _compare_attention(make, [src, tgt], tgt_mask=mask)


def test_word_language_model_transformer_subclass():
    """pytorch/examples' TransformerModel subclasses nn.Transformer and uses its encoder."""
    class TransformerModel(nn.Transformer):
        def __init__(self):
            super().__init__(d_model=8, nhead=2, dim_feedforward=16, num_encoder_layers=2)
            self.input_emb = nn.Embedding(20, 8)
            self.decoder = nn.Linear(8, 20)

        def forward(self, src):
            mask = minigrad.log(minigrad.tensor(np.tril(np.ones((len(src), len(src)))),
                                                dtype=np.float32))
            output = self.encoder(self.input_emb(src) * np.sqrt(8), mask=mask)
            return F.log_softmax(self.decoder(output), dim=-1)

    model = TransformerModel()
    out = model(minigrad.randint(0, 20, (6, 3)))
    assert out.shape == (6, 3, 20)
    out.sum().backward()
    assert model.input_emb.weight.grad is not None


@pytest.mark.parametrize("case", ["left-aligned", "not left-aligned", "training", "grad",
                                  "float mask", "attn mask", "odd heads", "no mask check"])
def test_encoder_zeroes_padding_where_torch_uses_nested_tensors(case):
    """In inference with a left-aligned key padding mask, torch's encoder runs a nested
    tensor and pads the result with zeros (before the final norm); elsewhere the padded
    positions hold computed values. Both, with torch's construction warning."""
    import warnings
    heads, width = (3, 6) if case == "odd heads" else (2, 4)
    x = RNG.standard_normal((2, 3, width))
    pad = np.array([[False, False, True], [False, True, True]])
    if case == "not left-aligned" or case == "no mask check":
        pad = np.array([[False, True, False], [False, False, True]])
    results = []
    for lib in (torch, minigrad):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            layer = lib.nn.TransformerEncoderLayer(width, heads, 8, dropout=0.0,
                                                   batch_first=True)
            enc = lib.nn.TransformerEncoder(layer, 2, norm=lib.nn.LayerNorm(width),
                                            mask_check=case != "no mask check").double()
        reasons = [str(w.message) for w in caught if "nested" in str(w.message)
                   and "prototype" not in str(w.message)]
        if lib is torch:
            reference = enc
        else:
            copy_weights(reference, enc)
        enc.train(case == "training")
        key_padding = lib.tensor(pad) if case != "float mask" else \
            lib.tensor(np.where(pad, -np.inf, 0.0))
        mask = lib.zeros(3, 3, dtype=lib.float64) if case == "attn mask" else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.set_grad_enabled(case == "grad"):
                out = enc(lib.tensor(x), mask=mask, src_key_padding_mask=key_padding)
        results.append((out.detach().numpy(), reasons, enc.use_nested_tensor))
    (want, want_reasons, want_flag), (got, got_reasons, got_flag) = results
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    assert (got_reasons, got_flag) == (want_reasons, want_flag)
    zeroed = bool(np.all(got[pad] == 0))
    assert zeroed == (case in ("left-aligned", "float mask"))
