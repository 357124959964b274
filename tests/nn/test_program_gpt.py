"""Small minGPT-style programs, built from one source for minigrad and for PyTorch, run
from the same weights and data; every number must agree.

Covers the two minGPT variants of pytorch/examples (distributed/minGPT-ddp):

* the classic model: causal self-attention written by hand (one fused q/k/v Linear,
  ``split``, ``view``/``transpose``, a registered ``tril`` buffer and ``masked_fill`` with
  -inf), GELU (exact, tanh-approximate and a hand-written tanh formula), LayerNorm, token
  and position Embeddings, Dropout (p=0 in training, p>0 under ``eval()``), optional
  weight tying, init by ``apply`` + ``.data.normal_`` / ``fill_`` / ``zero_``;
* the ddp variant: ``nn.MultiheadAttention(batch_first=True)`` fed the float 0/1 tril
  buffer as ``attn_mask``, a position-embedding ``nn.Parameter``, ``nn.Sequential`` blocks;
* the optimizer recipe: AdamW with two parameter groups chosen by walking
  ``named_modules`` / ``named_parameters`` (no decay for biases, LayerNorm, Embedding);
* the trainer: DataLoader batches, ``set_grad_enabled`` + disabled ``amp.autocast``,
  ``zero_grad(set_to_none=True)``, ``cross_entropy(ignore_index=-1)``,
  ``clip_grad_norm_`` (its returned norm too), a snapshot save/restore mid-training;
* ``generate``: context cropping, temperature, top-k cropping by boolean-mask assignment,
  softmax, ``topk(k=1)`` (greedy, compared exactly) and ``multinomial`` (shape/dtype only).

Training runs in float64 (rtol 1e-8); one check runs in float32 for the dtypes.
"""
import math

import numpy as np
import pytest

import minigrad
from nn_oracle import assert_same_state, assert_same_tensor, copy_weights

torch = pytest.importorskip("torch")
VOCAB, BLOCK, EMBD, HEADS, LAYERS = 11, 6, 8, 2, 2
RTOL, ATOL = 1e-8, 1e-11
# The key bias of attention has an exactly zero gradient (softmax ignores a per-query
# constant), so it holds rounding noise (~1e-17) that AdamW divides by eps=1e-8: the
# weights it moves differ by up to lr * 1e-9 per step.  Weights are compared with this atol.
WEIGHT_ATOL = 1e-9


def _gelu(lib, kind):
    if kind != "formula":
        return lib.nn.GELU(approximate=kind)

    class NewGELU(lib.nn.Module):
        def forward(self, x):
            inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * lib.pow(x, 3.0))
            return 0.5 * x * (1.0 + lib.tanh(inner))

    return NewGELU()


def _classic_gpt(lib, gelu="none", tie=False, pdrop=0.0):
    nn, F = lib.nn, lib.nn.functional

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(EMBD, 3 * EMBD)
            self.c_proj = nn.Linear(EMBD, EMBD)
            self.attn_dropout, self.resid_dropout = nn.Dropout(pdrop), nn.Dropout(pdrop)
            causal = lib.tril(lib.ones(BLOCK, BLOCK)).view(1, 1, BLOCK, BLOCK)
            self.register_buffer("bias", causal)

        def forward(self, x):
            B, T, C = x.size()
            q, k, v = self.c_attn(x).split(EMBD, dim=2)
            q, k, v = (z.view(B, T, HEADS, C // HEADS).transpose(1, 2) for z in (q, k, v))
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
            att = self.attn_dropout(F.softmax(att, dim=-1))
            y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
            return self.resid_dropout(self.c_proj(y))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1, self.ln_2 = nn.LayerNorm(EMBD), nn.LayerNorm(EMBD)
            self.attn = CausalSelfAttention()
            self.mlp = nn.ModuleDict(dict(c_fc=nn.Linear(EMBD, 4 * EMBD),
                                          c_proj=nn.Linear(4 * EMBD, EMBD),
                                          act=_gelu(lib, gelu), dropout=nn.Dropout(pdrop)))

        def forward(self, x):
            m = self.mlp
            x = x + self.attn(self.ln_1(x))
            return x + m.dropout(m.c_proj(m.act(m.c_fc(self.ln_2(x)))))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.block_size = BLOCK
            self.transformer = nn.ModuleDict(dict(
                wte=nn.Embedding(VOCAB, EMBD), wpe=nn.Embedding(BLOCK, EMBD),
                drop=nn.Dropout(pdrop), h=nn.ModuleList([Block() for _ in range(LAYERS)]),
                ln_f=nn.LayerNorm(EMBD)))
            self.lm_head = nn.Linear(EMBD, VOCAB, bias=False)
            if tie:
                self.transformer.wte.weight = self.lm_head.weight
            self.apply(self._init_weights)
            for pn, p in self.named_parameters():
                if pn.endswith("c_proj.weight"):
                    nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * LAYERS))

        def _init_weights(self, module):
            if isinstance(module, (nn.Linear, nn.Embedding)):
                module.weight.data.normal_(mean=0.0, std=0.2)
                if isinstance(module, nn.Linear) and module.bias is not None:
                    module.bias.data.zero_()
            elif isinstance(module, nn.LayerNorm):
                module.bias.data.zero_()
                module.weight.data.fill_(1.0)

        def forward(self, idx, targets=None):
            b, t = idx.size()
            pos = lib.arange(0, t, dtype=lib.long).unsqueeze(0)
            tr = self.transformer
            x = tr.drop(tr.wte(idx) + tr.wpe(pos))
            for block in tr.h:
                x = block(x)
            logits = self.lm_head(tr.ln_f(x))
            loss = None
            if targets is not None:
                loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1),
                                       ignore_index=-1)
            return logits, loss

    return GPT()


def _ddp_gpt(lib):
    nn = lib.nn

    class AttentionLayer(nn.Module):
        def __init__(self):
            super().__init__()
            self.resid_drop = nn.Dropout(0.0)
            self.c_proj = nn.Linear(EMBD, EMBD)
            self.register_buffer("mask", lib.tril(lib.ones(BLOCK, BLOCK))
                                 .view(1, 1, BLOCK, BLOCK))
            self.attn = nn.MultiheadAttention(embed_dim=EMBD, num_heads=HEADS, dropout=0.0,
                                              batch_first=True)

        def forward(self, x):
            _, seq, _ = x.size()
            y = self.attn(x, x, x, attn_mask=self.mask[0, 0, :seq, :seq])[0]
            return self.resid_drop(self.c_proj(y))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(EMBD), nn.LayerNorm(EMBD)
            self.attn = AttentionLayer()
            self.mlp = nn.Sequential(nn.Linear(EMBD, 4 * EMBD), nn.GELU(),
                                     nn.Linear(4 * EMBD, EMBD), nn.Dropout(0.0))

        def forward(self, x):
            x = x + self.attn(self.ln1(x))
            return x + self.mlp(self.ln2(x))

    class Stem(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok_emb = nn.Embedding(VOCAB, EMBD)
            self.pos_emb = nn.Parameter(lib.zeros(1, BLOCK, EMBD))
            self.drop = nn.Dropout(0.0)

        def forward(self, idx):
            b, t = idx.size()
            return self.drop(self.tok_emb(idx) + self.pos_emb[:, :t, :])

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb_stem = Stem()
            self.blocks = nn.Sequential(*[Block() for _ in range(LAYERS)])
            self.ln_f = nn.LayerNorm(EMBD)
            self.head = nn.Linear(EMBD, VOCAB, bias=False)

        def forward(self, idx, targets=None):
            logits = self.head(self.ln_f(self.blocks(self.emb_stem(idx))))
            loss = None
            if targets is not None:
                loss = nn.functional.cross_entropy(logits.view(-1, logits.size(-1)),
                                                   targets.view(-1), ignore_index=-1)
            return logits, loss

    return GPT()


def _param_groups(lib, model, weight_decay=0.1):
    """minGPT's walk: decay Linear weights (and MHA's in_proj_weight), nothing else."""
    decay, no_decay = set(), set()
    for mn, m in model.named_modules():
        for pn, p in m.named_parameters():
            fpn = f"{mn}.{pn}" if mn else pn
            if pn.endswith("bias"):
                no_decay.add(fpn)
            elif pn.endswith("weight") and isinstance(m, (lib.nn.Linear,)):
                decay.add(fpn)
            elif pn.endswith("in_proj_weight"):
                decay.add(fpn)
            elif pn.endswith("weight") and isinstance(m, (lib.nn.LayerNorm, lib.nn.Embedding)):
                no_decay.add(fpn)
            elif pn.endswith("pos_emb"):
                no_decay.add(fpn)
    param_dict = dict(model.named_parameters())
    if (decay | no_decay) - set(param_dict):  # tied weights: nanoGPT's rule (by rank)
        decay = {n for n, p in param_dict.items() if p.dim() >= 2}
        no_decay = set(param_dict) - decay
    assert not decay & no_decay and not set(param_dict) - (decay | no_decay)
    return [{"params": [param_dict[n] for n in sorted(decay)], "weight_decay": weight_decay},
            {"params": [param_dict[n] for n in sorted(no_decay)], "weight_decay": 0.0}], \
        (sorted(decay), sorted(no_decay))


def _data(rng, n=8):
    """A sort task as minGPT's demo: inputs, and targets with the prompt half at -1."""
    seqs = []
    for _ in range(n):
        half = rng.integers(0, VOCAB, BLOCK // 2)
        seq = np.concatenate([half, np.sort(half)])
        x, y = seq[:-1].copy(), seq[1:].copy()
        y[:BLOCK // 2 - 1] = -1
        seqs.append((x, y))
    return seqs


def _loader(lib, seqs, batch_size=4):
    class SortDataset(lib.utils.data.Dataset):
        def __len__(self):
            return len(seqs)

        def __getitem__(self, i):
            x, y = seqs[i]
            return lib.tensor(x, dtype=lib.long), lib.tensor(y, dtype=lib.long)

    return lib.utils.data.DataLoader(SortDataset(), batch_size=batch_size, shuffle=False)


def _pair(make, dtype="double"):
    theirs, ours = make(torch), make(minigrad)
    getattr(theirs, dtype)(), getattr(ours, dtype)()
    copy_weights(theirs, ours)
    return theirs, ours


def _assert_same(actual, expected, rtol=RTOL, atol=ATOL, what=""):
    assert_same_tensor(actual, expected, rtol, atol, what)


def _assert_same_state(ours, theirs, rtol=RTOL, atol=WEIGHT_ATOL):
    assert_same_state(ours, theirs, rtol, atol)


def _train(lib, model, opt, loader, clip, train=True):
    """One epoch of minGPT's trainer; returns (losses, grad norms)."""
    losses, norms = [], []
    for source, targets in loader:
        with lib.set_grad_enabled(train), lib.amp.autocast(device_type="cpu",
                                                           dtype=lib.float16, enabled=False):
            _, loss = model(source, targets)
        assert loss.requires_grad == train
        if train:
            opt.zero_grad(set_to_none=True)
            loss.backward()
            norms.append(float(lib.nn.utils.clip_grad_norm_(model.parameters(), clip)))
            opt.step()
        losses.append(loss.item())
    return losses, norms


@pytest.mark.parametrize("gelu,tie", [("none", False), ("tanh", False), ("formula", True)])
def test_classic_mingpt_training_matches_torch(gelu, tie):
    theirs, ours = _pair(lambda lib: _classic_gpt(lib, gelu, tie))
    assert ours.transformer.h[0].attn.bias.dtype == minigrad.float64  # .double() on buffers
    groups = [_param_groups(lib, m) for lib, m in ((torch, theirs), (minigrad, ours))]
    assert groups[1][1] == groups[0][1]  # same names in each group
    opts = [lib.optim.AdamW(g[0], lr=3e-2, betas=(0.9, 0.95))
            for lib, g in zip((torch, minigrad), groups)]
    seqs = _data(np.random.default_rng(3))
    for epoch in range(2):
        (lt, nt), (lo, no) = (
            _train(lib, m, opt, _loader(lib, seqs), clip=0.5)
            for lib, m, opt in ((torch, theirs, opts[0]), (minigrad, ours, opts[1])))
        np.testing.assert_allclose(lo, lt, rtol=RTOL, err_msg=f"losses, epoch {epoch}")
        np.testing.assert_allclose(no, nt, rtol=RTOL, err_msg=f"grad norms, epoch {epoch}")
    assert max(nt) > 0.5  # clipping did act
    reference = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():  # gradients of the last step (already clipped)
        _assert_same(p.grad, reference[name].grad, what=f"grad {name}")
    _assert_same_state(ours, theirs)
    if tie:
        assert ours.lm_head.weight is ours.transformer.wte.weight
    x = seqs[0][0][None]
    _assert_same(ours(minigrad.tensor(x))[0], theirs(torch.tensor(x))[0], what="logits")


def test_mingpt_eval_dropout_and_float32_dtypes():
    """float32 model (the default dtype): dtypes of logits, loss, buffer and gradients;
    Dropout(p=0.1) under eval() is the identity in both."""
    torch.manual_seed(0)
    theirs, ours = _pair(lambda lib: _classic_gpt(lib, "tanh", pdrop=0.1), dtype="float")
    theirs.eval(), ours.eval()
    assert ours.transformer.h[0].attn.bias.dtype == minigrad.float32
    x, y = (np.stack(a) for a in zip(*_data(np.random.default_rng(5), 3)))
    lt, losst = theirs(torch.tensor(x), torch.tensor(y))
    lo, losso = ours(minigrad.tensor(x), minigrad.tensor(y))
    assert lo.dtype == minigrad.float32 and losso.dtype == minigrad.float32
    assert tuple(lo.shape) == tuple(lt.shape) and tuple(losso.shape) == ()
    _assert_same(lo, lt, rtol=1e-5, atol=1e-6, what="logits")
    _assert_same(losso, losst, rtol=1e-5, atol=1e-6, what="loss")
    losst.backward(), losso.backward()
    reference = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        _assert_same(p.grad, reference[name].grad, rtol=1e-4, atol=1e-6, what=f"grad {name}")


def _generate(lib, model, idx, max_new_tokens, temperature=1.0, do_sample=False, top_k=None):
    with lib.no_grad():
        for _ in range(max_new_tokens):
            idx_cond = idx if idx.size(1) <= BLOCK else idx[:, -BLOCK:]
            logits, _ = model(idx_cond)
            logits = logits[:, -1, :] / temperature
            if top_k is not None:
                v, _ = lib.topk(logits, top_k)
                logits[logits < v[:, [-1]]] = -float("Inf")
            probs = lib.nn.functional.softmax(logits, dim=-1)
            if do_sample:
                idx_next = lib.multinomial(probs, num_samples=1)
            else:
                _, idx_next = lib.topk(probs, k=1, dim=-1)
            idx = lib.cat((idx, idx_next), dim=1)
    return idx


@pytest.mark.parametrize("top_k", [None, 3])
def test_mingpt_greedy_generate_matches_torch(top_k):
    theirs, ours = _pair(lambda lib: _classic_gpt(lib, "tanh", pdrop=0.1))
    theirs.eval(), ours.eval()
    start = np.array([[1, 2, 3], [4, 4, 0]])
    outs = [_generate(lib, m, lib.tensor(start), 6, temperature=0.7, top_k=top_k)
            for lib, m in ((torch, theirs), (minigrad, ours))]
    assert outs[1].dtype == minigrad.int64 and tuple(outs[1].shape) == (2, 9)
    np.testing.assert_array_equal(outs[1].numpy(), outs[0].numpy())


def test_mingpt_topk_cropping_and_multinomial():
    rng = np.random.default_rng(8)
    logits_np = rng.standard_normal((3, VOCAB))
    probs = []
    for lib in (torch, minigrad):
        logits = lib.tensor(logits_np)
        v, _ = lib.topk(logits, 4)
        logits[logits < v[:, [-1]]] = -float("Inf")
        probs.append(lib.nn.functional.softmax(logits, dim=-1))
    _assert_same(probs[1], probs[0], what="cropped softmax")
    sample = minigrad.multinomial(probs[1], num_samples=1)
    expected = torch.multinomial(probs[0], num_samples=1)
    assert sample.dtype == minigrad.int64 and expected.dtype == torch.int64
    assert tuple(sample.shape) == tuple(expected.shape) == (3, 1)
    chosen = np.take_along_axis(probs[0].numpy(), sample.numpy(), axis=1)
    assert (chosen > 0).all()  # only the top-k tokens can be drawn
    out = _generate(minigrad, _classic_gpt(minigrad), minigrad.tensor([[1, 2]]), 3,
                    do_sample=True, top_k=2)
    assert out.dtype == minigrad.int64 and tuple(out.shape) == (1, 5)


def test_ddp_mingpt_with_multihead_attention_and_snapshot():
    """The ddp variant: nn.MultiheadAttention with the float tril buffer as attn_mask,
    pos_emb Parameter, the in_proj_weight / pos_emb grouping rules, then a snapshot of
    model and optimizer state taken after epoch 1 and restored into fresh objects."""
    theirs, ours = _pair(_ddp_gpt)
    for pn, p in ours.named_parameters():
        if pn.endswith("c_proj.weight"):
            p.data.normal_(mean=0.0, std=0.02 / math.sqrt(2 * LAYERS))
    copy_weights(theirs, ours)
    n_t = sum(p.numel() for p in theirs.blocks.parameters())
    assert sum(p.numel() for p in ours.blocks.parameters()) == n_t
    groups = [_param_groups(lib, m) for lib, m in ((torch, theirs), (minigrad, ours))]
    assert groups[1][1] == groups[0][1]
    assert "blocks.0.attn.attn.in_proj_weight" in groups[1][1][0]
    assert "blocks.0.attn.attn.out_proj.weight" in groups[1][1][0]  # out_proj is a Linear
    opt_t = torch.optim.AdamW(groups[0][0], lr=3e-2, betas=(0.9, 0.95))
    opt_o = minigrad.optim.AdamW(groups[1][0], lr=3e-2, betas=(0.9, 0.95))
    seqs = _data(np.random.default_rng(4))
    lt, nt = _train(torch, theirs, opt_t, _loader(torch, seqs), 1.0)
    lo, no = _train(minigrad, ours, opt_o, _loader(minigrad, seqs), 1.0)
    np.testing.assert_allclose(lo, lt, rtol=RTOL)
    np.testing.assert_allclose(no, nt, rtol=RTOL)
    snapshot = dict(model_state=ours.state_dict(), optimizer_state=opt_o.state_dict(),
                    finished_epoch=1)
    ours = _ddp_gpt(minigrad).double()
    ours.load_state_dict(snapshot["model_state"])
    opt_o = minigrad.optim.AdamW(_param_groups(minigrad, ours)[0], lr=3e-2, betas=(0.9, 0.95))
    opt_o.load_state_dict(snapshot["optimizer_state"])
    for epoch in range(2):
        lt, nt = _train(torch, theirs, opt_t, _loader(torch, seqs), 1.0)
        lo, no = _train(minigrad, ours, opt_o, _loader(minigrad, seqs), 1.0)
        np.testing.assert_allclose(lo, lt, rtol=RTOL, err_msg=f"epoch {epoch + 2}")
        np.testing.assert_allclose(no, nt, rtol=RTOL, err_msg=f"epoch {epoch + 2}")
    vt, _ = _train(torch, theirs, opt_t, _loader(torch, seqs), 1.0, train=False)
    vo, _ = _train(minigrad, ours, opt_o, _loader(minigrad, seqs), 1.0, train=False)
    np.testing.assert_allclose(vo, vt, rtol=RTOL, err_msg="evaluation losses")
    _assert_same_state(ours, theirs)
