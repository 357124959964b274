"""Transformer programs of pytorch/examples, built from one source for minigrad and for
PyTorch, run from the same weights and data; every number must agree.

* word_language_model's ``TransformerModel``: a subclass of ``nn.Transformer`` that
  replaces ``decoder`` by a Linear and uses only ``encoder``; a PositionalEncoding buffer
  built with arange / exp / sin / cos and strided slice assignment, then
  ``unsqueeze(0).transpose(0, 1)``; the causal mask ``log(tril(ones))`` (0 / -inf floats);
  log_softmax, NLLLoss, clip_grad_norm_ and the hand-written SGD ``p.data.add_(p.grad,
  alpha=-lr)`` (and the ``--use-optimizer`` AdamW path); evaluation without a mask; the
  generate loop's ``Tensor([[idx]]).long()`` + ``cat``; the names main.py hands to
  ``serialization.safe_globals``.
* language_translation's ``Translator``: an encoder-decoder ``nn.Transformer`` (seq-first)
  with a bool all-False src_mask, a float -inf tgt_mask (built by triu / ``==`` /
  transpose / masked_fill), bool key padding masks for source, target and memory,
  Embeddings with ``padding_idx``, xavier_uniform_ init of every matrix,
  CrossEntropyLoss(ignore_index=pad), Adam(betas=(0.9, 0.98), eps=1e-9); validation and
  greedy decoding (encode / decode / ``max`` / ``type_as`` / ``fill_``) in eval mode.

Training runs in float64 (rtol 1e-8); the float32 checks use the programs' own dtypes.
"""
import math

import numpy as np
import pytest

import minigrad
from nn_oracle import assert_same_state, assert_same_tensor, copy_weights

torch = pytest.importorskip("torch")
RTOL, ATOL = 1e-8, 1e-11
# Attention's key bias has an exactly zero gradient (softmax ignores a per-query constant):
# rounding noise (~1e-17) that Adam divides by eps moves it by ~lr * 1e-8 per step.
WEIGHT_ATOL = 1e-9
NTOKEN, NINP, NHEAD, NHID, NLAYERS = 13, 8, 2, 16, 2
PAD, BOS, EOS = 1, 2, 3


def _assert_same(actual, expected, rtol=RTOL, atol=ATOL, what=""):
    assert_same_tensor(actual, expected, rtol, atol, what)


def _assert_same_state(ours, theirs, rtol=RTOL, atol=WEIGHT_ATOL):
    assert_same_state(ours, theirs, rtol, atol)


def _assert_same_grads(ours, theirs, rtol=RTOL, atol=ATOL):
    reference = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        if reference[name].grad is None:
            assert p.grad is None, name
        else:
            _assert_same(p.grad, reference[name].grad, rtol, atol, f"grad {name}")


# --------------------------------------------------------------- word language model
def _word_lm(lib, dropout=0.0):
    nn, F = lib.nn, lib.nn.functional

    class PositionalEncoding(nn.Module):
        def __init__(self, d_model, dropout=0.1, max_len=50):
            super().__init__()
            self.dropout = nn.Dropout(p=dropout)
            pe = lib.zeros(max_len, d_model)
            position = lib.arange(0, max_len, dtype=lib.float).unsqueeze(1)
            div_term = lib.exp(lib.arange(0, d_model, 2).float()
                               * (-math.log(10000.0) / d_model))
            pe[:, 0::2] = lib.sin(position * div_term)
            pe[:, 1::2] = lib.cos(position * div_term)
            self.register_buffer("pe", pe.unsqueeze(0).transpose(0, 1))

        def forward(self, x):
            return self.dropout(x + self.pe[:x.size(0), :])

    class TransformerModel(nn.Transformer):
        def __init__(self, ntoken, ninp, nhead, nhid, nlayers, dropout=0.5):
            super().__init__(d_model=ninp, nhead=nhead, dim_feedforward=nhid,
                             num_encoder_layers=nlayers, dropout=dropout)
            self.model_type = "Transformer"
            self.src_mask = None
            self.pos_encoder = PositionalEncoding(ninp, dropout)
            self.input_emb = nn.Embedding(ntoken, ninp)
            self.ninp = ninp
            self.decoder = nn.Linear(ninp, ntoken)
            nn.init.uniform_(self.input_emb.weight, -0.1, 0.1)
            nn.init.zeros_(self.decoder.bias)
            nn.init.uniform_(self.decoder.weight, -0.1, 0.1)

        def forward(self, src, has_mask=True):
            if has_mask:
                if self.src_mask is None or self.src_mask.size(0) != len(src):
                    self.src_mask = lib.log(lib.tril(lib.ones(len(src), len(src)))) \
                        .to(src.device)
            else:
                self.src_mask = None
            src = self.pos_encoder(self.input_emb(src) * math.sqrt(self.ninp))
            output = self.encoder(src, mask=self.src_mask)
            return F.log_softmax(self.decoder(output), dim=-1)

    return TransformerModel(NTOKEN, NINP, NHEAD, NHID, NLAYERS, dropout)


def _batchify(data, bsz):
    nbatch = len(data) // bsz
    return data[:nbatch * bsz].reshape(bsz, -1).T.copy()


def _get_batch(lib, source, i, bptt):
    seq_len = min(bptt, len(source) - 1 - i)
    return (lib.tensor(source[i:i + seq_len]),
            lib.tensor(source[i + 1:i + 1 + seq_len]).view(-1))


def _word_lm_epoch(lib, model, source, bptt, lr, clip, optimizer=None):
    model.train()
    criterion = lib.nn.NLLLoss()
    losses = []
    for i in range(0, source.shape[0] - 1, bptt):
        data, targets = _get_batch(lib, source, i, bptt)
        (optimizer or model).zero_grad()
        output = model(data).view(-1, NTOKEN)
        loss = criterion(output, targets)
        loss.backward()
        lib.nn.utils.clip_grad_norm_(model.parameters(), clip)
        if optimizer is not None:
            optimizer.step()
        else:
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-lr)
        losses.append(loss.item())
    return losses


def _word_lm_evaluate(lib, model, source, bptt, has_mask=True):
    model.eval()
    total = 0.0
    with lib.no_grad():
        for i in range(0, source.shape[0] - 1, bptt):
            data, targets = _get_batch(lib, source, i, bptt)
            output = model(data, has_mask).view(-1, NTOKEN)
            total += len(data) * lib.nn.NLLLoss()(output, targets).item()
    return total / (len(source) - 1)


def test_word_lm_positional_encoding_buffer_float32():
    """The buffer is built in float32 (dtype=torch.float): same values, dtype, shape."""
    theirs, ours = _word_lm(torch), _word_lm(minigrad)
    _assert_same(ours.pos_encoder.pe, theirs.pos_encoder.pe, rtol=1e-6, atol=1e-6, what="pe")
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours.model_type == "Transformer"


@pytest.mark.parametrize("use_optimizer", [False, True])
def test_word_lm_transformer_training_matches_torch(use_optimizer):
    theirs, ours = _word_lm(torch).double(), _word_lm(minigrad).double()
    copy_weights(theirs, ours)  # also the pe buffer, so both start bit-identical
    rng = np.random.default_rng(21)
    train, valid = _batchify(rng.integers(0, NTOKEN, 75), 3), _batchify(
        rng.integers(0, NTOKEN, 30), 2)
    opts = [lib.optim.AdamW(m.parameters(), lr=1e-2) if use_optimizer else None
            for lib, m in ((torch, theirs), (minigrad, ours))]
    lr = 2.0
    for epoch in range(2):
        lt = _word_lm_epoch(torch, theirs, train, 7, lr, 0.25, opts[0])
        lo = _word_lm_epoch(minigrad, ours, train, 7, lr, 0.25, opts[1])
        np.testing.assert_allclose(lo, lt, rtol=RTOL, err_msg=f"epoch {epoch}")
        _assert_same_grads(ours, theirs)
        lr /= 4.0
        for has_mask in (True, False):
            vt = _word_lm_evaluate(torch, theirs, valid, 5, has_mask)
            vo = _word_lm_evaluate(minigrad, ours, valid, 5, has_mask)
            np.testing.assert_allclose(vo, vt, rtol=RTOL, err_msg=f"valid {has_mask}")
    _assert_same_state(ours, theirs)
    assert ours.src_mask is None  # the last call ran without a mask


def test_word_lm_mask_output_and_generate_loop():
    theirs, ours = _word_lm(torch).double(), _word_lm(minigrad).double()
    copy_weights(theirs, ours)
    masks = [lib.log(lib.tril(lib.ones(4, 4))) for lib in (torch, minigrad)]
    _assert_same(masks[1], masks[0], what="log(tril(ones))")
    src = np.random.default_rng(2).integers(0, NTOKEN, (5, 2))
    out_t, out_o = theirs(torch.tensor(src)), ours(minigrad.tensor(src))
    _assert_same(out_o, out_t, what="log-probabilities")
    assert ours.src_mask.dtype == minigrad.float32  # the program's mask is float32
    sequences = []
    for lib, model in ((torch, theirs), (minigrad, ours)):
        model.eval()
        inp = lib.tensor([[4]], dtype=lib.long)
        with lib.no_grad():
            for _ in range(5):
                output = model(inp, False)
                word_weights = output[-1].squeeze().div(0.8).exp()
                word_idx = lib.argmax(word_weights)  # multinomial, made deterministic
                word_tensor = lib.Tensor([[word_idx]]).long()
                inp = lib.cat([inp, word_tensor], 0)
        sequences.append(inp)
    assert sequences[1].dtype == minigrad.int64
    np.testing.assert_array_equal(sequences[1].numpy(), sequences[0].numpy())
    sample = minigrad.multinomial(output.detach()[-1].squeeze().exp(), 1)
    assert sample.dtype == minigrad.int64 and tuple(sample.shape) == (1,)


def test_word_lm_names_used_by_main_and_generate():
    """main.py / generate.py list these classes for torch.serialization.safe_globals."""
    names = ["nn.modules.activation.MultiheadAttention", "nn.modules.container.ModuleList",
             "nn.modules.dropout.Dropout", "nn.modules.linear.Linear",
             "nn.modules.linear.NonDynamicallyQuantizableLinear",
             "nn.modules.normalization.LayerNorm", "nn.modules.sparse.Embedding",
             "nn.modules.transformer.TransformerEncoder",
             "nn.modules.transformer.TransformerEncoderLayer", "nn.functional.relu",
             "serialization.safe_globals"]
    missing = []
    for name in names:
        obj = minigrad
        try:
            for part in name.split("."):
                obj = getattr(obj, part)
        except AttributeError:
            missing.append(name)
    assert not missing, f"minigrad lacks {missing}"
    assert minigrad.nn.modules.activation.MultiheadAttention is minigrad.nn.MultiheadAttention


# --------------------------------------------------------------- language translation
def _translator(lib, padding_idx=None, dropout=0.0):
    nn = lib.nn

    class PositionalEncoding(nn.Module):
        def __init__(self, emb_size, dropout, maxlen=40):
            super().__init__()
            den = lib.exp(-lib.arange(0, emb_size, 2) * math.log(10000) / emb_size)
            pos = lib.arange(0, maxlen).reshape(maxlen, 1)
            pos_embedding = lib.zeros((maxlen, emb_size))
            pos_embedding[:, 0::2] = lib.sin(pos * den)
            pos_embedding[:, 1::2] = lib.cos(pos * den)
            self.dropout = nn.Dropout(dropout)
            self.register_buffer("pos_embedding", pos_embedding.unsqueeze(-2))

        def forward(self, token_embedding):
            return self.dropout(token_embedding
                                + self.pos_embedding[:token_embedding.size(0), :])

    class Translator(nn.Module):
        def __init__(self, src_vocab=11, tgt_vocab=9, emb=NINP, ff=NHID):
            super().__init__()
            self.src_embedding = nn.Embedding(src_vocab, emb, padding_idx=padding_idx)
            self.tgt_embedding = nn.Embedding(tgt_vocab, emb, padding_idx=padding_idx)
            self.pos_enc = PositionalEncoding(emb, dropout)
            self.transformer = nn.Transformer(d_model=emb, nhead=NHEAD, num_encoder_layers=2,
                                              num_decoder_layers=2, dim_feedforward=ff,
                                              dropout=dropout)
            self.ff = nn.Linear(emb, tgt_vocab)
            for p in self.parameters():
                if p.dim() > 1:
                    nn.init.xavier_uniform_(p)

        def forward(self, src, trg, src_mask, tgt_mask, src_pad, tgt_pad, memory_pad):
            outs = self.transformer(self.pos_enc(self.src_embedding(src)),
                                    self.pos_enc(self.tgt_embedding(trg)),
                                    src_mask, tgt_mask, None, src_pad, tgt_pad, memory_pad)
            return self.ff(outs)

        def encode(self, src, src_mask):
            return self.transformer.encoder(self.pos_enc(self.src_embedding(src)), src_mask)

        def decode(self, tgt, memory, tgt_mask):
            return self.transformer.decoder(self.pos_enc(self.tgt_embedding(tgt)), memory,
                                            tgt_mask)

    return Translator()


def _square_subsequent_mask(lib, size):
    mask = (lib.triu(lib.ones((size, size))) == 1).transpose(0, 1)
    return mask.float().masked_fill(mask == 0, float("-inf")).masked_fill(mask == 1, 0.0)


def _create_mask(lib, src, tgt):
    tgt_mask = _square_subsequent_mask(lib, tgt.shape[0])
    src_mask = lib.zeros((src.shape[0], src.shape[0])).type(lib.bool)
    return src_mask, tgt_mask, (src == PAD).transpose(0, 1), (tgt == PAD).transpose(0, 1)


def _sentence_batch(rng, vocab, batch=3, max_len=6):
    """Seq-first (L, N) batch of BOS ... EOS sentences padded with PAD, as pad_sequence."""
    lengths = rng.integers(2, max_len - 1, batch)
    lengths[0] = max_len - 2  # one sentence fills the batch: no all-pad column
    out = np.full((max_len, batch), PAD)
    for j, n in enumerate(lengths):
        out[:n + 2, j] = [BOS, *rng.integers(4, vocab, n), EOS]
    return out


def _translation_step(lib, model, loss_fn, src_np, tgt_np, optim=None):
    src, tgt = lib.tensor(src_np), lib.tensor(tgt_np)
    tgt_input = tgt[:-1, :]
    src_mask, tgt_mask, src_pad, tgt_pad = _create_mask(lib, src, tgt_input)
    logits = model(src, tgt_input, src_mask, tgt_mask, src_pad, tgt_pad, src_pad)
    loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tgt[1:, :].reshape(-1))
    if optim is not None:
        optim.zero_grad()
        loss.backward()
        optim.step()
    return logits, loss


@pytest.mark.parametrize("padding_idx", [None, PAD])
def test_translator_training_matches_torch(padding_idx):
    theirs = _translator(torch, padding_idx).double()
    ours = _translator(minigrad, padding_idx).double()
    copy_weights(theirs, ours)
    fns = [lib.nn.CrossEntropyLoss(ignore_index=PAD) for lib in (torch, minigrad)]
    opts = [lib.optim.Adam(m.parameters(), lr=1e-3, betas=(0.9, 0.98), eps=1e-9)
            for lib, m in ((torch, theirs), (minigrad, ours))]
    rng = np.random.default_rng(31)
    for step in range(4):
        src, tgt = _sentence_batch(rng, 11), _sentence_batch(rng, 9, max_len=7)
        theirs.train(), ours.train()
        # the program's float32 tgt_mask goes unchanged into the float64 model
        lt, losst = _translation_step(torch, theirs, fns[0], src, tgt, opts[0])
        lo, losso = _translation_step(minigrad, ours, fns[1], src, tgt, opts[1])
        _assert_same(lo, lt, what=f"logits, step {step}")
        _assert_same(losso, losst, what=f"loss, step {step}")
        _assert_same_grads(ours, theirs)
        if padding_idx is not None:
            assert not ours.src_embedding.weight.grad[PAD].numpy().any()
    theirs.eval(), ours.eval()  # validate(): eval mode, no no_grad
    vt = _translation_step(torch, theirs, fns[0], src, tgt)[1]
    vo = _translation_step(minigrad, ours, fns[1], src, tgt)[1]
    _assert_same(vo, vt, what="validation loss")
    _assert_same_state(ours, theirs)


def test_translator_float32_masks_as_in_the_program():
    """float32 model fed the program's masks unchanged (bool src_mask, float tgt_mask,
    bool padding masks); one Adam step."""
    torch.manual_seed(0)
    theirs, ours = _translator(torch, PAD), _translator(minigrad, PAD)
    copy_weights(theirs, ours)
    fns = [lib.nn.CrossEntropyLoss(ignore_index=PAD) for lib in (torch, minigrad)]
    opts = [lib.optim.Adam(m.parameters(), lr=1e-3, betas=(0.9, 0.98), eps=1e-9)
            for lib, m in ((torch, theirs), (minigrad, ours))]
    rng = np.random.default_rng(32)
    src, tgt = _sentence_batch(rng, 11), _sentence_batch(rng, 9)
    lt, losst = _translation_step(torch, theirs, fns[0], src, tgt, opts[0])
    lo, losso = _translation_step(minigrad, ours, fns[1], src, tgt, opts[1])
    assert lo.dtype == minigrad.float32 and losso.dtype == minigrad.float32
    _assert_same(lo, lt, rtol=1e-5, atol=1e-5, what="logits")
    _assert_same(losso, losst, rtol=1e-5, atol=1e-6, what="loss")
    _assert_same_grads(ours, theirs, rtol=1e-4, atol=1e-5)


def _greedy_decode(lib, model, src, src_mask, max_len):
    memory = model.encode(src, src_mask)
    ys = lib.ones(1, 1).fill_(BOS).type(lib.long)
    for _ in range(max_len - 1):
        tgt_mask = _square_subsequent_mask(lib, ys.size(0)).type(lib.bool)
        out = model.decode(ys, memory, tgt_mask).transpose(0, 1)
        prob = model.ff(out[:, -1])
        _, next_word = lib.max(prob, dim=1)
        next_word = next_word.item()
        ys = lib.cat([ys, lib.ones(1, 1).type_as(src.data).fill_(next_word)], dim=0)
        if next_word == EOS:
            break
    return ys


def test_translator_greedy_decode_matches_torch():
    theirs, ours = _translator(torch, PAD).double(), _translator(minigrad, PAD).double()
    copy_weights(theirs, ours)
    theirs.eval(), ours.eval()
    sentence = np.array([[BOS], [5], [7], [6], [EOS]])
    outs = []
    for lib, model in ((torch, theirs), (minigrad, ours)):
        src = lib.tensor(sentence)
        src_mask = lib.zeros(5, 5).type(lib.bool)
        outs.append(_greedy_decode(lib, model, src, src_mask, max_len=10))
        memory = model.encode(src, src_mask)
        outs.append(memory)
    assert outs[2].dtype == minigrad.int64
    np.testing.assert_array_equal(outs[2].numpy(), outs[0].numpy())
    _assert_same(outs[3], outs[1], what="memory")


@pytest.mark.parametrize("nested", [True, False])
def test_batch_first_encoder_inference_with_padding(nested):
    """A batch_first variant of Translator.encode at inference (eval + no_grad, padding
    mask). torch's TransformerEncoder with enable_nested_tensor=True (the default) then
    runs on nested tensors and returns exactly 0 at padded positions; with False it
    computes them. Unpadded positions agree either way."""
    x = np.random.default_rng(40).standard_normal((2, 5, NINP))
    pad = np.array([[False, False, False, True, True], [False] * 5])
    encs = [lib.nn.TransformerEncoder(
        lib.nn.TransformerEncoderLayer(NINP, NHEAD, NHID, dropout=0.0, batch_first=True), 2,
        enable_nested_tensor=nested).double().eval() for lib in (torch, minigrad)]
    copy_weights(*encs)
    outs = []
    for lib, enc in zip((torch, minigrad), encs):
        with lib.no_grad():
            outs.append(enc(lib.tensor(x), src_key_padding_mask=lib.tensor(pad)))
    _assert_same(outs[1][~pad], outs[0][~pad], what="unpadded positions")
    _assert_same(outs[1], outs[0], what="all positions")
