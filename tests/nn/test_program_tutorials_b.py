"""Small versions of PyTorch tutorial programs (part b), each written once as a function
of ``lib`` (minigrad or torch) and run from the same initial weights on synthetic data;
losses at every step, outputs, gradients, final weights, dtypes, shapes, printed strings
and which calls raise must agree.

6. "Sequence-to-sequence translation with attention": EncoderRNN (Embedding + GRU with
   batch_first), AttnDecoderRNN with Bahdanau attention (bmm, softmax, cat, topk),
   NLLLoss, teacher forcing in training and greedy decoding in evaluation;
7. "NLP from scratch: classifying names with a character-level RNN": one-hot letters set
   by ``tensor[0][i] = 1``, the hand-written RNN cell (``cat((input, hidden), 1)``) and
   the nn.RNN version, LogSoftmax + NLLLoss, ``categoryFromOutput`` with ``topk`` and the
   manual SGD ``p.data.add_(p.grad.data, alpha=-lr)``, in float32 (as the tutorial) and
   float64;
8. "Neural style transfer" with a tiny random CNN instead of VGG: ContentLoss/StyleLoss
   modules, Normalization, a new Sequential built with ``add_module`` over
   ``cnn.children()`` and trimmed after the last loss, LBFGS over the image with a clamping
   closure;
9. "Saving and loading models": state_dict printing, optimizer.state_dict(), a checkpoint
   dict through ``save``/``load`` to a path and to io.BytesIO, resumed training,
   ``load_state_dict(strict=False)``'s missing/unexpected keys and strict errors.
Printed strings are compared with the library's own name (``minigrad.Size``) spelled as
torch's. Nested classes have no blank lines between methods, to keep the file short.
"""
import io
import random
import string

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")
from nn_oracle import assert_same_state, assert_same_tensor, dtype_name  # noqa: E402
from test_program_tutorials_a import (  # noqa: E402 (after the importorskip)
    _assert_same, _load, _outcome, _weights)

def _as_torch_text(text):
    return text.replace("minigrad.", "torch.")

# ---- 6. seq2seq with attention -------------------------------------------------------
SOS, MAX_LENGTH, HIDDEN, IN_VOCAB, OUT_VOCAB = 0, 5, 6, 9, 8

def _seq2seq(lib):
    nn, F = lib.nn, lib.nn.functional
    class EncoderRNN(nn.Module):
        def __init__(self, input_size, hidden_size, dropout_p=0.0):
            super().__init__()
            self.embedding = nn.Embedding(input_size, hidden_size)
            self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)
            self.dropout = nn.Dropout(dropout_p)
        def forward(self, input):
            embedded = self.dropout(self.embedding(input))
            return self.gru(embedded)
    class BahdanauAttention(nn.Module):
        def __init__(self, hidden_size):
            super().__init__()
            self.Wa = nn.Linear(hidden_size, hidden_size)
            self.Ua = nn.Linear(hidden_size, hidden_size)
            self.Va = nn.Linear(hidden_size, 1)
        def forward(self, query, keys):
            scores = self.Va(lib.tanh(self.Wa(query) + self.Ua(keys)))
            scores = scores.squeeze(2).unsqueeze(1)
            weights = F.softmax(scores, dim=-1)
            context = lib.bmm(weights, keys)
            return context, weights
    class AttnDecoderRNN(nn.Module):
        def __init__(self, hidden_size, output_size, dropout_p=0.0):
            super().__init__()
            self.embedding = nn.Embedding(output_size, hidden_size)
            self.attention = BahdanauAttention(hidden_size)
            self.gru = nn.GRU(2 * hidden_size, hidden_size, batch_first=True)
            self.out = nn.Linear(hidden_size, output_size)
            self.dropout = nn.Dropout(dropout_p)
        def forward(self, encoder_outputs, encoder_hidden, target_tensor=None):
            batch_size = encoder_outputs.size(0)
            decoder_input = lib.empty(batch_size, 1, dtype=lib.long).fill_(SOS)
            decoder_hidden = encoder_hidden
            decoder_outputs, attentions = [], []
            for i in range(MAX_LENGTH):
                decoder_output, decoder_hidden, attn_weights = self.forward_step(
                    decoder_input, decoder_hidden, encoder_outputs)
                decoder_outputs.append(decoder_output)
                attentions.append(attn_weights)
                if target_tensor is not None:
                    decoder_input = target_tensor[:, i].unsqueeze(1)  # teacher forcing
                else:
                    _, topi = decoder_output.topk(1)
                    decoder_input = topi.squeeze(-1).detach()
            decoder_outputs = lib.cat(decoder_outputs, dim=1)
            decoder_outputs = F.log_softmax(decoder_outputs, dim=-1)
            attentions = lib.cat(attentions, dim=1)
            return decoder_outputs, decoder_hidden, attentions
        def forward_step(self, input, hidden, encoder_outputs):
            embedded = self.dropout(self.embedding(input))
            query = hidden.permute(1, 0, 2)
            context, attn_weights = self.attention(query, encoder_outputs)
            input_gru = lib.cat((embedded, context), dim=2)
            output, hidden = self.gru(input_gru, hidden)
            return self.out(output), hidden, attn_weights
    return EncoderRNN(IN_VOCAB, HIDDEN).double(), AttnDecoderRNN(HIDDEN, OUT_VOCAB).double()

def _seq2seq_program(lib, weights, batches):
    encoder, decoder = _seq2seq(lib)
    _load(lib, encoder, weights[0])
    _load(lib, decoder, weights[1])
    enc_opt = lib.optim.Adam(encoder.parameters(), lr=0.01)
    dec_opt = lib.optim.Adam(decoder.parameters(), lr=0.01)
    criterion = lib.nn.NLLLoss()
    losses = []
    for epoch in range(3):
        total = 0
        for inp, tgt in batches:
            input_tensor, target_tensor = lib.tensor(inp), lib.tensor(tgt)
            enc_opt.zero_grad()
            dec_opt.zero_grad()
            encoder_outputs, encoder_hidden = encoder(input_tensor)
            decoder_outputs, _, _ = decoder(encoder_outputs, encoder_hidden, target_tensor)
            loss = criterion(decoder_outputs.view(-1, decoder_outputs.size(-1)),
                             target_tensor.view(-1))
            loss.backward()
            enc_opt.step()
            dec_opt.step()
            losses.append(loss.item())
            total += loss.item()
    printed = [f"epoch {epoch} avg loss {total / len(batches):.6f}"]
    with lib.no_grad():
        encoder_outputs, encoder_hidden = encoder(lib.tensor(batches[0][0]))
        decoder_outputs, decoder_hidden, attentions = decoder(encoder_outputs, encoder_hidden)
        _, topi = decoder_outputs.topk(1)
        decoded_ids = topi.squeeze()
    return (encoder, decoder, losses, printed, decoded_ids, decoder_outputs, attentions,
            decoder_hidden)

def test_seq2seq_attention_matches_torch():
    torch.manual_seed(3)
    weights = [_weights(m) for m in _seq2seq(torch)]
    rng = np.random.default_rng(11)
    batches = [(rng.integers(1, IN_VOCAB, (3, MAX_LENGTH)),
                rng.integers(1, OUT_VOCAB, (3, MAX_LENGTH))) for _ in range(3)]
    rt = _seq2seq_program(torch, weights, batches)
    ro = _seq2seq_program(minigrad, weights, batches)
    np.testing.assert_allclose(ro[2], rt[2], rtol=1e-8)
    assert rt[2][-1] < rt[2][0]
    assert tuple(rt[6].shape) == (3, MAX_LENGTH, MAX_LENGTH)
    _assert_same(ro[3:], rt[3:], rtol=1e-7, atol=1e-10)
    assert_same_state(ro[0], rt[0], rtol=1e-7, atol=1e-10)
    assert_same_state(ro[1], rt[1], rtol=1e-7, atol=1e-10)

# ---- 7. char-RNN name classification -------------------------------------------------
ALL_LETTERS = string.ascii_letters + " .,;'"
N_LETTERS = len(ALL_LETTERS)
NAMES = {"English": ["Smith", "Abbott", "Baker"], "French": ["Dubois", "Lefevre", "Roux"],
         "Italian": ["Rossi", "Bianchi", "Conti"], "Japanese": ["Sato", "Abe", "Kato"]}
ALL_CATEGORIES = list(NAMES)

def _char_rnn_tools(lib, dtype):
    def letterToIndex(letter):
        return ALL_LETTERS.find(letter)
    def letterToTensor(letter):
        tensor = lib.zeros(1, N_LETTERS, dtype=dtype)
        tensor[0][letterToIndex(letter)] = 1
        return tensor
    def lineToTensor(line):
        tensor = lib.zeros(len(line), 1, N_LETTERS, dtype=dtype)
        for li, letter in enumerate(line):
            tensor[li][0][letterToIndex(letter)] = 1
        return tensor
    def categoryFromOutput(output):
        top_n, top_i = output.topk(1)
        category_i = top_i[0].item()
        return ALL_CATEGORIES[category_i], category_i
    return letterToTensor, lineToTensor, categoryFromOutput

def _char_rnn(lib, kind):
    nn = lib.nn
    class RNN(nn.Module):  # the hand-written cell of the original tutorial
        def __init__(self, input_size, hidden_size, output_size):
            super().__init__()
            self.hidden_size = hidden_size
            self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
            self.i2o = nn.Linear(input_size + hidden_size, output_size)
            self.softmax = nn.LogSoftmax(dim=1)
        def forward(self, input, hidden):
            combined = lib.cat((input, hidden), 1)
            hidden = self.i2h(combined)
            output = self.softmax(self.i2o(combined))
            return output, hidden
        def initHidden(self):
            return lib.zeros(1, self.hidden_size)
    class CharRNN(nn.Module):  # the nn.RNN version of the current tutorial
        def __init__(self, input_size, hidden_size, output_size):
            super().__init__()
            self.rnn = nn.RNN(input_size, hidden_size)
            self.h2o = nn.Linear(hidden_size, output_size)
            self.softmax = nn.LogSoftmax(dim=1)
        def forward(self, line_tensor):
            rnn_out, hidden = self.rnn(line_tensor)
            return self.softmax(self.h2o(hidden[0]))
    cls = RNN if kind == "cell" else CharRNN
    return cls(N_LETTERS, 12, len(ALL_CATEGORIES))

def _char_rnn_program(lib, kind, dtype_text, weights):
    dtype = getattr(lib, dtype_text)
    rnn = _char_rnn(lib, kind).to(dtype)
    _load(lib, rnn, weights)
    letterToTensor, lineToTensor, categoryFromOutput = _char_rnn_tools(lib, dtype)
    criterion = lib.nn.NLLLoss()
    learning_rate = 0.05
    letter = letterToTensor("J")
    shapes = [(tuple(letter.shape), dtype_name(letter.dtype), float(letter.sum())),
              tuple(lineToTensor("Jones").size())]
    def train(category_tensor, line_tensor):
        rnn.zero_grad()
        if kind == "cell":
            hidden = rnn.initHidden().to(dtype)
            for i in range(line_tensor.size()[0]):
                output, hidden = rnn(line_tensor[i], hidden)
        else:
            output = rnn(line_tensor)
        loss = criterion(output, category_tensor)
        loss.backward()
        for p in rnn.parameters():
            p.data.add_(p.grad.data, alpha=-learning_rate)
        return output, loss.item()
    random.seed(5)
    losses, printed, n_iters = [], [], 24
    for iter in range(1, n_iters + 1):
        category = random.choice(ALL_CATEGORIES)
        line = random.choice(NAMES[category])
        category_tensor = lib.tensor([ALL_CATEGORIES.index(category)], dtype=lib.long)
        output, loss = train(category_tensor, lineToTensor(line))
        losses.append(loss)
        if iter % 6 == 0:
            guess, guess_i = categoryFromOutput(output)
            correct = "✓" if guess == category else "✗ (%s)" % category
            printed.append("%d %d%% %.4f %s / %s %s" % (iter, iter / n_iters * 100, loss, line,
                                                        guess, correct))
    return rnn, losses, printed, shapes, output

@pytest.mark.parametrize("kind", ["cell", "nn.RNN"])
@pytest.mark.parametrize("dtype_text,rtol", [("float32", 2e-5), ("float64", 1e-9)])
def test_char_rnn_classification_matches_torch(kind, dtype_text, rtol):
    torch.manual_seed(4)
    weights = _weights(_char_rnn(torch, kind).to(getattr(torch, dtype_text)))
    mt, lt, pt, st, ot = _char_rnn_program(torch, kind, dtype_text, weights)
    mo, lo, po, so, oo = _char_rnn_program(minigrad, kind, dtype_text, weights)
    np.testing.assert_allclose(lo, lt, rtol=rtol)
    assert so == st and po == pt
    assert_same_tensor(oo, ot, rtol=rtol * 10, atol=rtol)
    assert_same_state(mo, mt, rtol=rtol * 10, atol=rtol)

# ---- 8. neural style transfer --------------------------------------------------------
def _tiny_cnn(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(inplace=True),
                         nn.Conv2d(4, 4, 3, padding=1), nn.ReLU(inplace=True),
                         nn.MaxPool2d(2, 2), nn.Conv2d(4, 6, 3, padding=1),
                         nn.ReLU(inplace=True), nn.Conv2d(6, 6, 3, padding=1),
                         nn.ReLU(inplace=True)).double()

def _style_transfer(lib, weights, content, style, num_steps=12):
    nn, F = lib.nn, lib.nn.functional
    class ContentLoss(nn.Module):
        def __init__(self, target):
            super().__init__()
            self.target = target.detach()
        def forward(self, input):
            self.loss = F.mse_loss(input, self.target)
            return input
    def gram_matrix(input):
        a, b, c, d = input.size()
        features = input.view(a * b, c * d)
        G = lib.mm(features, features.t())
        return G.div(a * b * c * d)
    class StyleLoss(nn.Module):
        def __init__(self, target_feature):
            super().__init__()
            self.target = gram_matrix(target_feature).detach()
        def forward(self, input):
            self.loss = F.mse_loss(gram_matrix(input), self.target)
            return input
    class Normalization(nn.Module):
        def __init__(self, mean, std):
            super().__init__()
            self.mean = lib.tensor(mean).view(-1, 1, 1)
            self.std = lib.tensor(std).view(-1, 1, 1)
        def forward(self, img):
            return (img - self.mean) / self.std
    cnn = _tiny_cnn(lib)
    _load(lib, cnn, weights)
    content_img, style_img = lib.tensor(content), lib.tensor(style)
    content_layers, style_layers = ["conv_3"], ["conv_1", "conv_2", "conv_3"]
    normalization = Normalization([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    content_losses, style_losses = [], []
    model = nn.Sequential(normalization)
    i = 0
    for layer in cnn.children():
        if isinstance(layer, nn.Conv2d):
            i += 1
            name = "conv_{}".format(i)
        elif isinstance(layer, nn.ReLU):
            name = "relu_{}".format(i)
            layer = nn.ReLU(inplace=False)
        elif isinstance(layer, nn.MaxPool2d):
            name = "pool_{}".format(i)
        else:
            raise RuntimeError("Unrecognized layer: {}".format(layer.__class__.__name__))
        model.add_module(name, layer)
        if name in content_layers:
            target = model(content_img).detach()
            content_loss = ContentLoss(target)
            model.add_module("content_loss_{}".format(i), content_loss)
            content_losses.append(content_loss)
        if name in style_layers:
            target_feature = model(style_img).detach()
            style_loss = StyleLoss(target_feature)
            model.add_module("style_loss_{}".format(i), style_loss)
            style_losses.append(style_loss)
    for i in range(len(model) - 1, -1, -1):
        if isinstance(model[i], ContentLoss) or isinstance(model[i], StyleLoss):
            break
    model = model[:(i + 1)]
    names = [n for n, _ in model.named_children()]
    input_img = content_img.clone()
    input_img.requires_grad_(True)
    model.eval()
    model.requires_grad_(False)
    optimizer = lib.optim.LBFGS([input_img])
    run, printed, losses = [0], [], []
    while run[0] <= num_steps:
        def closure():
            with lib.no_grad():
                input_img.data.clamp_(0, 1)
            optimizer.zero_grad()
            model(input_img)
            style_score = 0
            content_score = 0
            for sl in style_losses:
                style_score += sl.loss
            for cl in content_losses:
                content_score += cl.loss
            style_score *= 1e4
            content_score *= 1
            loss = style_score + content_score
            loss.backward()
            run[0] += 1
            losses.append(loss.item())
            if run[0] % 4 == 0:
                printed.append("run {}:".format(run))
                printed.append("Style Loss : {:4f} Content Loss: {:4f}".format(
                    style_score.item(), content_score.item()))
            return style_score + content_score
        optimizer.step(closure)
    with lib.no_grad():
        input_img.clamp_(0, 1)
    grads = [p.grad is None and not p.requires_grad for p in model.parameters()]
    return input_img, losses, printed, names, grads

def test_neural_style_transfer_matches_torch():
    torch.manual_seed(5)
    weights = _weights(_tiny_cnn(torch))
    rng = np.random.default_rng(12)
    content, style = rng.random((1, 3, 12, 12)), rng.random((1, 3, 12, 12))
    it, lt, pt, nt, gt = _style_transfer(torch, weights, content, style)
    io_, lo, po, no, go = _style_transfer(minigrad, weights, content, style)
    assert nt[-1] == "style_loss_3" and "content_loss_3" in nt
    assert gt == go and all(gt)
    assert len(lo) == len(lt) and lt[-1] < lt[0]
    np.testing.assert_allclose(lo, lt, rtol=1e-6)
    assert po == pt
    assert_same_tensor(io_, it, rtol=1e-6, atol=1e-9)
    assert no == nt  # slicing a Sequential keeps the children's names

# ---- 9. saving and loading models ----------------------------------------------------
def _the_model(lib, extra=False):
    nn, F = lib.nn, lib.nn.functional
    class TheModelClass(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 4, 3)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(4, 6, 2)
            self.fc1 = nn.Linear(6 * 2 * 2, 10)
            self.fc2 = nn.Linear(10, 3)
            if extra:
                self.head = nn.Linear(3, 2)
        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = lib.flatten(x, 1)
            return self.fc2(F.relu(self.fc1(x)))
    return TheModelClass().double()

def _train_steps(lib, model, optimizer, batches):
    losses = []
    for x, y in batches:
        optimizer.zero_grad()
        loss = lib.nn.functional.cross_entropy(model(lib.tensor(x)), lib.tensor(y))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses, loss

def _save_load_program(lib, weights, batches, path):
    model = _the_model(lib)
    _load(lib, model, weights)
    optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    printed = ["Model's state_dict:"]
    for param_tensor in model.state_dict():
        printed.append(f"{param_tensor} \t {model.state_dict()[param_tensor].size()}")
    printed.append("Optimizer's state_dict:")
    for var_name in optimizer.state_dict():
        printed.append(f"{var_name} \t {optimizer.state_dict()[var_name]}")
    losses, loss = _train_steps(lib, model, optimizer, batches[:2])
    opt_state = optimizer.state_dict()
    momentum = [opt_state["state"][k]["momentum_buffer"].clone()
                for k in sorted(opt_state["state"])]
    checkpoint = {"epoch": 2, "model_state_dict": model.state_dict(),
                  "optimizer_state_dict": optimizer.state_dict(), "loss": loss.detach()}
    lib.save(checkpoint, path)
    buffer = io.BytesIO()
    lib.save(checkpoint, buffer)
    lib.save(model.state_dict(), str(path) + ".sd")
    resumed = []
    for source in (path, buffer):
        if isinstance(source, io.BytesIO):
            source.seek(0)
        model2 = _the_model(lib)
        optimizer2 = lib.optim.SGD(model2.parameters(), lr=0.01, momentum=0.9)
        ckpt = lib.load(source, weights_only=True)
        keys = str(model2.load_state_dict(ckpt["model_state_dict"]))
        optimizer2.load_state_dict(ckpt["optimizer_state_dict"])
        epoch, saved_loss = ckpt["epoch"], ckpt["loss"]
        model2.eval()
        flags = (model2.training, model2.fc1.training)
        model2.train()
        more, _ = _train_steps(lib, model2, optimizer2, batches[2:])
        resumed.append((keys, epoch, saved_loss.item(), dtype_name(saved_loss.dtype),
                        flags, more))
    more, _ = _train_steps(lib, model, optimizer, batches[2:])
    only = _the_model(lib)
    only.load_state_dict(lib.load(str(path) + ".sd", weights_only=True))
    with lib.no_grad():
        same = bool((only.fc2.weight == model2.fc2.weight).all()) is False  # model moved on
        out = only(lib.tensor(batches[0][0]))
    bigger = _the_model(lib, extra=True)
    result = bigger.load_state_dict(model.state_dict(), strict=False)
    smaller = _the_model(lib)
    result2 = smaller.load_state_dict(bigger.state_dict(), strict=False)
    strict = _outcome(lambda: _the_model(lib).load_state_dict(bigger.state_dict()))
    shape_bad = _outcome(lambda: _the_model(lib).load_state_dict(
        {**model.state_dict(), "fc2.bias": lib.zeros(4, dtype=lib.float64)}, strict=False))
    keys = (list(result.missing_keys), list(result.unexpected_keys),
            list(result2.missing_keys), list(result2.unexpected_keys), strict, shape_bad[0])
    printed = [_as_torch_text(p) for p in printed]
    return (model, losses, more, momentum, resumed, printed, out, same, keys,
            _as_torch_text(repr(result)))

def test_saving_and_loading_matches_torch(tmp_path):
    torch.manual_seed(6)
    weights = _weights(_the_model(torch))
    rng = np.random.default_rng(13)
    batches = [(rng.standard_normal((4, 3, 12, 12)), rng.integers(0, 3, 4)) for _ in range(4)]
    rt = _save_load_program(torch, weights, batches, tmp_path / "torch.tar")
    ro = _save_load_program(minigrad, weights, batches, tmp_path / "minigrad.tar")
    np.testing.assert_allclose(ro[1], rt[1], rtol=1e-8)
    np.testing.assert_allclose(ro[2], rt[2], rtol=1e-8)
    _assert_same(ro[3], rt[3])
    assert len(ro[4]) == len(rt[4]) == 2
    for (ko, eo, lo, do, fo, mo), (kt, et, lt, dt, ft, mt) in zip(ro[4], rt[4]):
        assert (ko, eo, do, fo) == (kt, et, dt, ft) == ("<All keys matched successfully>",
                                                        2, "float64", (False, False))
        np.testing.assert_allclose([lo] + mo, [lt] + mt, rtol=1e-8)
        np.testing.assert_allclose(mt, rt[2], rtol=1e-12)  # resuming == carrying on
    assert ro[5] == rt[5]
    assert_same_tensor(ro[6], rt[6])
    assert ro[7] == rt[7]
    assert ro[8] == rt[8]
    assert rt[8][0] == ["head.weight", "head.bias"] and rt[8][3] == rt[8][0]
    assert_same_state(ro[0], rt[0])
    assert ro[9] == rt[9]  # print(model.load_state_dict(..., strict=False))

def _state_dict_aliasing(lib):
    w = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
    opt = lib.optim.SGD([w], lr=0.1, momentum=0.9)
    (w * w).sum().backward()
    opt.step()
    buf = opt.state_dict()["state"][0]["momentum_buffer"]
    (w * w).sum().backward()
    opt.step()
    return buf, opt.state[w]["momentum_buffer"]

def test_optimizer_state_dict_holds_the_live_buffers_like_torch():
    """torch's optimizer.state_dict() refers to the state's tensors (not copies): a step
    taken after it shows in the returned dict, and a checkpoint must be saved right away."""
    rt = _state_dict_aliasing(torch)
    assert_same_tensor(rt[0], rt[1])
    _assert_same(_state_dict_aliasing(minigrad), rt)
