"""Small versions of well-known PyTorch programs, run in minigrad and in PyTorch from the
same weights and data: the losses at every step and the final weights must agree.

* the VAE of pytorch/examples (BCE reconstruction + KL term, Adam);
* a DCGAN (ConvTranspose2d generator, Conv2d discriminator, BatchNorm2d, BCELoss, Adam
  with betas (0.5, 0.999), weights drawn by ``apply(weights_init)``);
* the word language model of pytorch/examples (Embedding, 2-layer LSTM, Linear, hidden
  state carried over and detached between batches, clip_grad_norm_, hand-written SGD);
* the MNIST example's training loop (Conv2d, max_pool2d, log_softmax, nll_loss,
  Adadelta with StepLR).
Everything runs in float64 so that the comparison is tight.
"""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
import minigrad.optim as optim
from nn_oracle import copy_weights

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(17)


def _assert_same_weights(ours, theirs, rtol=1e-8):
    reference = theirs.state_dict()
    for name, value in ours.state_dict().items():
        np.testing.assert_allclose(value.numpy(), reference[name].numpy(), rtol=rtol,
                                   atol=1e-10, err_msg=name)


def _vae(lib):
    class VAE(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = lib.nn.Linear(16, 12)
            self.fc21, self.fc22 = lib.nn.Linear(12, 3), lib.nn.Linear(12, 3)
            self.fc3, self.fc4 = lib.nn.Linear(3, 12), lib.nn.Linear(12, 16)

        def forward(self, x, eps):
            h1 = lib.nn.functional.relu(self.fc1(x.view(-1, 16)))
            mu, logvar = self.fc21(h1), self.fc22(h1)
            z = mu + eps * lib.exp(0.5 * logvar)
            h3 = lib.nn.functional.relu(self.fc3(z))
            return lib.sigmoid(self.fc4(h3)), mu, logvar

    return VAE()


def _vae_loss(lib, recon_x, x, mu, logvar):
    bce = lib.nn.functional.binary_cross_entropy(recon_x, x.view(-1, 16), reduction="sum")
    kld = -0.5 * lib.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def test_vae_training_matches_torch():
    theirs, ours = _vae(torch).double(), _vae(minigrad).double()
    copy_weights(theirs, ours)
    opt_t = torch.optim.Adam(theirs.parameters(), lr=1e-2)
    opt_o = optim.Adam(ours.parameters(), lr=1e-2)
    for step in range(5):
        x = RNG.random((8, 1, 4, 4))
        eps = RNG.standard_normal((8, 3))
        losses = []
        for lib, model, opt in ((torch, theirs, opt_t), (minigrad, ours, opt_o)):
            opt.zero_grad()
            data, noise = lib.tensor(x), lib.tensor(eps)
            recon, mu, logvar = model(data, noise)
            loss = _vae_loss(lib, recon, data, mu, logvar)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        np.testing.assert_allclose(losses[1], losses[0], rtol=1e-9, err_msg=f"step {step}")
    _assert_same_weights(ours, theirs)


def _dcgan(lib):
    nn_ = lib.nn
    generator = nn_.Sequential(
        nn_.ConvTranspose2d(4, 8, 4, 1, 0, bias=False), nn_.BatchNorm2d(8), nn_.ReLU(True),
        nn_.ConvTranspose2d(8, 4, 4, 2, 1, bias=False), nn_.BatchNorm2d(4), nn_.ReLU(True),
        nn_.ConvTranspose2d(4, 1, 4, 2, 1, bias=False), nn_.Tanh())
    discriminator = nn_.Sequential(
        nn_.Conv2d(1, 4, 4, 2, 1, bias=False), nn_.LeakyReLU(0.2, inplace=True),
        nn_.Conv2d(4, 8, 4, 2, 1, bias=False), nn_.BatchNorm2d(8), nn_.LeakyReLU(0.2, True),
        nn_.Conv2d(8, 1, 4, 1, 0, bias=False), nn_.Sigmoid())
    return generator, discriminator


def _weights_init(lib):
    def init(m):
        name = type(m).__name__
        if name.find("Conv") != -1:
            lib.nn.init.normal_(m.weight, 0.0, 0.02)
        elif name.find("BatchNorm") != -1:
            lib.nn.init.normal_(m.weight, 1.0, 0.02)
            lib.nn.init.constant_(m.bias, 0)
    return init


def test_dcgan_training_matches_torch():
    nets_t, nets_o = _dcgan(torch), _dcgan(minigrad)
    for t, o in zip(nets_t, nets_o):
        t.double().apply(_weights_init(torch))
        o.double().apply(_weights_init(minigrad))
        copy_weights(t, o)
    (g_t, d_t), (g_o, d_o) = nets_t, nets_o
    libs = [(torch, g_t, d_t, torch.nn.BCELoss()), (minigrad, g_o, d_o, nn.BCELoss())]
    opts = [(lib.optim.Adam(d.parameters(), lr=2e-3, betas=(0.5, 0.999)),
             lib.optim.Adam(g.parameters(), lr=2e-3, betas=(0.5, 0.999)))
            for lib, g, d, _ in libs]
    for step in range(3):
        real = np.tanh(RNG.standard_normal((4, 1, 16, 16)))
        noise = RNG.standard_normal((4, 4, 1, 1))
        errors = []
        for (lib, g, d, criterion), (opt_d, opt_g) in zip(libs, opts):
            d.zero_grad()
            label = lib.full((4,), 1.0, dtype=lib.float64)
            err_real = criterion(d(lib.tensor(real)).view(-1), label)
            err_real.backward()
            fake = g(lib.tensor(noise))
            err_fake = criterion(d(fake.detach()).view(-1), lib.full((4,), 0.0,
                                                                      dtype=lib.float64))
            err_fake.backward()
            opt_d.step()
            g.zero_grad()
            err_g = criterion(d(fake).view(-1), label)
            err_g.backward()
            opt_g.step()
            errors.append([err_real.item(), err_fake.item(), err_g.item()])
        np.testing.assert_allclose(errors[1], errors[0], rtol=1e-8, err_msg=f"step {step}")
    _assert_same_weights(g_o, g_t, rtol=1e-7)
    _assert_same_weights(d_o, d_t, rtol=1e-7)


def _language_model(lib):
    class RNNModel(lib.nn.Module):
        def __init__(self, ntoken=11, ninp=6, nhid=8, nlayers=2):
            super().__init__()
            self.drop = lib.nn.Dropout(0.0)
            self.encoder = lib.nn.Embedding(ntoken, ninp)
            self.rnn = lib.nn.LSTM(ninp, nhid, nlayers)
            self.decoder = lib.nn.Linear(nhid, ntoken)
            self.nlayers, self.nhid = nlayers, nhid

        def forward(self, input, hidden):
            emb = self.drop(self.encoder(input))
            output, hidden = self.rnn(emb, hidden)
            decoded = self.decoder(self.drop(output)).view(-1, 11)
            return lib.nn.functional.log_softmax(decoded, dim=1), hidden

        def init_hidden(self, bsz):
            zeros = lib.zeros(self.nlayers, bsz, self.nhid, dtype=lib.float64)
            return (zeros, zeros)

    return RNNModel()


def test_word_language_model_training_matches_torch():
    theirs, ours = _language_model(torch).double(), _language_model(minigrad).double()
    copy_weights(theirs, ours)
    corpus = RNG.integers(0, 11, (25, 3))
    hidden = [m.init_hidden(3) for m in (theirs, ours)]
    lr = 5.0
    for i in range(0, 20, 5):
        losses = []
        for k, (lib, model) in enumerate(((torch, theirs), (minigrad, ours))):
            data = lib.tensor(corpus[i:i + 5])
            targets = lib.tensor(corpus[i + 1:i + 6]).reshape(-1)
            hidden[k] = tuple(h.detach() for h in hidden[k])  # repackage_hidden
            model.zero_grad()
            output, hidden[k] = model(data, hidden[k])
            loss = lib.nn.NLLLoss()(output, targets)
            loss.backward()
            lib.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
            with lib.no_grad():
                for p in model.parameters():
                    p.add_(p.grad * -lr)
            losses.append(loss.item())
        np.testing.assert_allclose(losses[1], losses[0], rtol=1e-9)
    _assert_same_weights(ours, theirs)


def _mnist_net(lib):
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = lib.nn.Conv2d(1, 4, 3, 1)
            self.conv2 = lib.nn.Conv2d(4, 6, 3, 1)
            self.fc1 = lib.nn.Linear(6 * 4 * 4, 10)

        def forward(self, x):
            x = lib.nn.functional.relu(self.conv1(x))
            x = lib.nn.functional.max_pool2d(lib.nn.functional.relu(self.conv2(x)), 2)
            return lib.nn.functional.log_softmax(self.fc1(lib.flatten(x, 1)), dim=1)

    return Net()


def test_mnist_example_loop_with_adadelta_and_steplr_matches_torch():
    theirs, ours = _mnist_net(torch).double(), _mnist_net(minigrad).double()
    copy_weights(theirs, ours)
    runs = []
    for lib, model in ((torch, theirs), (minigrad, ours)):
        optimizer = lib.optim.Adadelta(model.parameters(), lr=1.0)
        scheduler = lib.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
        rng = np.random.default_rng(3)
        history = []
        for epoch in range(3):
            for _ in range(2):
                data = lib.tensor(rng.standard_normal((5, 1, 12, 12)))
                target = lib.tensor(rng.integers(0, 10, 5))
                optimizer.zero_grad()
                loss = lib.nn.functional.nll_loss(model(data), target)
                loss.backward()
                optimizer.step()
                history.append(loss.item())
            scheduler.step()
            history.append(scheduler.get_last_lr()[0])
        runs.append(history)
    np.testing.assert_allclose(runs[1], runs[0], rtol=1e-9)
    _assert_same_weights(ours, theirs)
