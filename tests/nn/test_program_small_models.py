"""Small-model programs of pytorch/examples, in small versions, run in minigrad and in
PyTorch from one source (each builder takes ``lib``) and from the same initial weights:

* regression: polynomial features ``cat([x ** i ...], 1)``, ``Linear(4, 1)``,
  ``smooth_l1_loss``, hand-written SGD through ``param.data.add_(-0.1 * param.grad)``,
  the stop criterion on ``.item()`` and the ``poly_desc`` / log strings (a format spec
  applied to 0-d tensors);
* mnist_forward_forward: a ``nn.Linear`` subclass with its own Adam and its own
  ``train(x_pos, x_neg)``, layer-wise goodness ``pow(2).mean(1)``, the softplus written
  ``log1p(exp(...))`` and ``log(1 + exp(...))``, labels overlaid on the inputs by
  indexing (``x_[range(n), y] = x.max()``), negative labels drawn by indexing a list
  tensor, ``predict`` with ``sum()`` of per-layer goodness, ``eq(y).float().mean()``;
  plus the random-index calls it relies on (``randint``, ``randperm``);
* siamese_network: a small CNN twin (Conv2d, BatchNorm2d, ReLU(inplace), MaxPool2d,
  AdaptiveAvgPool2d) cut with ``Sequential(*list(children())[:-1])``, ``cat`` of the two
  embeddings, Linear head, Sigmoid and BCELoss, ``xavier_uniform_`` and
  ``bias.data.fill_(0.01)`` through ``apply``, a ``Dataset`` / ``DataLoader`` pairing
  images with Python's ``random``, Adadelta with StepLR, and the evaluation with
  ``where(outputs > 0.5, 1, 0)``.

Compared: losses at every step, outputs, final weights, dtypes, shapes and log strings.
float64 runs at rtol 1e-8; float32 runs more loosely (summation order), said per test.
"""
import random

import numpy as np
import pytest

import minigrad
from nn_oracle import (assert_same_state, copy_weights, dtype_name,
                       seeded_libraries)  # noqa: F401  (a fixture, used by name)

torch = pytest.importorskip("torch")

LIBS = (torch, minigrad)
pytestmark = pytest.mark.usefixtures("seeded_libraries")


# --------------------------------------------------------------------------------------
# regression
# --------------------------------------------------------------------------------------
DEGREE = 4


def _regression(lib, np_dtype, max_batches, seed=5):
    """main.py of regression; the random draws come from NumPy so both runs see them."""
    rng = np.random.default_rng(seed)
    w_target = lib.tensor((rng.standard_normal((DEGREE, 1)) * 5).astype(np_dtype))
    b_target = lib.tensor((rng.standard_normal(1) * 5).astype(np_dtype))

    def make_features(x):
        x = x.unsqueeze(1)
        return lib.cat([x ** i for i in range(1, DEGREE + 1)], 1)

    def f(x):
        return x.mm(w_target) + b_target.item()

    def poly_desc(W, b):
        result = "y = "
        for i, w in enumerate(W):
            result += "{:+.2f} x^{} ".format(w, i + 1)
        result += "{:+.2f}".format(b[0])
        return result

    fc = lib.nn.Linear(w_target.size(0), 1)
    if np_dtype == np.float64:
        fc = fc.double()
    return fc, make_features, f, poly_desc, w_target, b_target, rng


def _run_regression(lib, fc, make_features, f, poly_desc, w_target, b_target, rng,
                    max_batches, threshold, np_dtype):
    F = lib.nn.functional
    losses, shapes = [], None
    for batch_idx in range(1, max_batches + 1):
        batch_x = make_features(lib.tensor(rng.standard_normal(32).astype(np_dtype)))
        batch_y = f(batch_x)
        fc.zero_grad()
        output = F.smooth_l1_loss(fc(batch_x), batch_y)
        loss = output.item()
        output.backward()
        for param in fc.parameters():
            param.data.add_(-0.1 * param.grad)
        losses.append(loss)
        if shapes is None:
            shapes = [(tuple(t.shape), dtype_name(t.dtype))
                      for t in (batch_x, batch_y, output, fc.weight.grad)]
        if loss < threshold:
            break
    lines = ["Loss: {:.6f} after {} batches".format(loss, batch_idx),
             "==> Learned function:\t" + poly_desc(fc.weight.view(-1), fc.bias),
             "==> Actual function:\t" + poly_desc(w_target.view(-1), b_target)]
    return losses, shapes, lines, batch_idx


def _both_regressions(np_dtype, max_batches, threshold):
    torch.manual_seed(0)  # the initial weights (copied into minigrad's layer)
    built = [_regression(lib, np_dtype, max_batches) for lib in LIBS]
    copy_weights(built[0][0], built[1][0])
    runs = [_run_regression(lib, *b, max_batches=max_batches, threshold=threshold,
                            np_dtype=np_dtype) for lib, b in zip(LIBS, built)]
    return built, runs


def test_regression_manual_sgd_float64_matches_torch():
    """150 batches of the program's SGD (its step size makes long runs chaotic: past
    ~300 batches even one-ulp differences grow, so the run stops well before)."""
    (b_t, b_o), (run_t, run_o) = _both_regressions(np.float64, 150, threshold=-1.0)
    np.testing.assert_allclose(run_o[0], run_t[0], rtol=1e-8)
    assert run_o[1] == run_t[1]
    assert run_o[1][0] == ((32, DEGREE), "float64")
    assert run_o[2] == run_t[2]
    assert_same_state(b_o[0], b_t[0])


def test_regression_until_stop_criterion_float32_matches_torch():
    """The program's own dtype (float32) and its loop until ``loss < threshold``. The
    threshold is 1.0 rather than 1e-3: reaching 1e-3 takes ~700 chaotic batches in which
    float32 rounding differences (even between two PyTorch runs) grow to O(1). Here
    losses agree to rtol 1e-5, the stop batch (loss margin ~0.05) and the printed
    polynomials (two decimals) are identical."""
    (b_t, b_o), (run_t, run_o) = _both_regressions(np.float32, 250, threshold=1.0)
    assert run_t[3] < 250  # the torch run did stop on the criterion
    assert run_o[3] == run_t[3]
    np.testing.assert_allclose(run_o[0], run_t[0], rtol=1e-5)
    assert run_o[1] == run_t[1]
    assert run_o[1][0] == ((32, DEGREE), "float32")
    assert run_o[2][1:] == run_t[2][1:]
    assert run_o[2][0].split(" after ")[1] == run_t[2][0].split(" after ")[1]
    assert_same_state(b_o[0], b_t[0], rtol=1e-5, atol=1e-6)


def test_regression_format_of_tensors_matches_torch():
    """poly_desc formats 0-d tensors; a tensor with more than one element refuses."""
    for spec in ("{:+.2f}", "{:.6f}", "{}", "{:e}"):
        texts = [spec.format(lib.tensor(-1.23456789, dtype=lib.float64)) for lib in LIBS]
        assert texts[1] == texts[0], spec
    for lib in LIBS:
        with pytest.raises(TypeError):
            "{:+.2f}".format(lib.tensor([1.0, 2.0]))


# --------------------------------------------------------------------------------------
# mnist_forward_forward
# --------------------------------------------------------------------------------------
CLASSES = 10


def _forward_forward(lib, log, lr=0.03, threshold=2.0, epochs=4, softplus="log1p",
                     dtype=None):
    device = lib.device("cpu")

    def overlay_y_on_x(x, y, classes=CLASSES):
        x_ = x.clone()
        x_[:, :classes] *= 0.0
        x_[range(x.shape[0]), y] = x.max()
        return x_

    def get_y_neg(y, draws):
        y_neg = y.clone()
        for idx, y_samp in enumerate(y):
            allowed_indices = list(range(CLASSES))
            allowed_indices.remove(y_samp.item())
            y_neg[idx] = lib.tensor(allowed_indices)[lib.tensor([int(draws[idx])])].item()
        return y_neg.to(device)

    class Layer(lib.nn.Linear):
        def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
            super().__init__(in_features, out_features, bias, device, dtype)
            self.relu = lib.nn.ReLU()
            self.opt = lib.optim.Adam(self.parameters(), lr=lr)
            self.threshold = threshold
            self.num_epochs = epochs

        def forward(self, x):
            x_direction = x / (x.norm(2, 1, keepdim=True) + 1e-4)
            return self.relu(lib.mm(x_direction, self.weight.T) + self.bias.unsqueeze(0))

        def train(self, x_pos, x_neg):
            for i in range(self.num_epochs):
                g_pos = self.forward(x_pos).pow(2).mean(1)
                g_neg = self.forward(x_neg).pow(2).mean(1)
                z = lib.cat([-g_pos + self.threshold, g_neg - self.threshold])
                if softplus == "log1p":
                    loss = lib.log1p(lib.exp(z)).mean()
                else:
                    loss = lib.log(1 + lib.exp(z)).mean()
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                log.append(loss.item())
            return self.forward(x_pos).detach(), self.forward(x_neg).detach()

    class Net(lib.nn.Module):
        def __init__(self, dims):
            super().__init__()
            self.layers = []
            for d in range(len(dims) - 1):
                self.layers = self.layers + [
                    Layer(dims[d], dims[d + 1], dtype=dtype).to(device)]

        def predict(self, x):
            goodness_per_label = []
            for label in range(CLASSES):
                h = overlay_y_on_x(x, label)
                goodness = []
                for layer in self.layers:
                    h = layer(h)
                    goodness = goodness + [h.pow(2).mean(1)]
                goodness_per_label += [sum(goodness).unsqueeze(1)]
            goodness_per_label = lib.cat(goodness_per_label, 1)
            return goodness_per_label.argmax(1)

        def train(self, x_pos, x_neg):
            h_pos, h_neg = x_pos, x_neg
            for layer in self.layers:
                h_pos, h_neg = layer.train(h_pos, h_neg)

    return Net, overlay_y_on_x, get_y_neg


def _run_forward_forward(softplus, np_dtype, features=14, n=20):
    rng = np.random.default_rng(8)
    images = rng.standard_normal((n, features)).astype(np_dtype)
    labels = rng.integers(0, CLASSES, n)
    draws = rng.integers(0, CLASSES - 1, n)
    logs = ([], [])
    programs = [_forward_forward(lib, log, softplus=softplus,
                                 dtype=lib.float64 if np_dtype == np.float64 else None)
                for lib, log in zip(LIBS, logs)]
    nets = [program[0]([features, 9, 7]) for program in programs]
    for theirs, ours in zip(nets[0].layers, nets[1].layers):
        copy_weights(theirs, ours)
    results = []
    for lib, (_, overlay, get_y_neg), net, log in zip(LIBS, programs, nets, logs):
        x, y = lib.tensor(images), lib.tensor(labels)
        x_pos = overlay(x, y)
        y_neg = get_y_neg(y, draws)
        x_neg = overlay(x, y_neg)
        net.train(x_pos, x_neg)
        prediction = net.predict(x)
        error = 1.0 - prediction.eq(y).float().mean().item()
        results.append(dict(
            log=log, x_pos=x_pos.numpy(), x_neg=x_neg.numpy(), y_neg=y_neg.tolist(),
            prediction=prediction.tolist(), error=error,
            kinds=(dtype_name(x_pos.dtype), dtype_name(prediction.dtype),
                   tuple(prediction.shape), dtype_name(y_neg.dtype), type(error)),
            state=list(net.state_dict())))
    return nets, results


@pytest.mark.parametrize("softplus", ["log1p", "log_one_plus"])
def test_forward_forward_float64_matches_torch(softplus):
    nets, (theirs, ours) = _run_forward_forward(softplus, np.float64)
    assert ours["y_neg"] == theirs["y_neg"]
    np.testing.assert_array_equal(ours["x_pos"], theirs["x_pos"])
    np.testing.assert_array_equal(ours["x_neg"], theirs["x_neg"])
    assert len(ours["log"]) == len(theirs["log"]) == 8
    np.testing.assert_allclose(ours["log"], theirs["log"], rtol=1e-8)
    assert ours["prediction"] == theirs["prediction"]
    assert ours["error"] == theirs["error"]
    assert ours["kinds"] == theirs["kinds"]
    assert ours["state"] == theirs["state"] == []  # the layers live in a plain list
    for layer_t, layer_o in zip(*(net.layers for net in nets)):
        assert_same_state(layer_o, layer_t)


def test_forward_forward_float32_matches_torch():
    """Default dtype (float32, as the program runs): losses to rtol 1e-5, dtypes exact."""
    nets, (theirs, ours) = _run_forward_forward("log1p", np.float32)
    np.testing.assert_allclose(ours["log"], theirs["log"], rtol=1e-5)
    assert ours["kinds"] == theirs["kinds"]
    assert ours["kinds"][0] == "float32"
    for layer_t, layer_o in zip(*(net.layers for net in nets)):
        assert_same_state(layer_o, layer_t, rtol=1e-4, atol=1e-6)


def test_forward_forward_random_index_calls_match_torch_in_kind():
    """randint(n, size=(1,)) indexing a list tensor, and randperm: the draws differ
    between libraries, but shapes, dtypes, ranges and the indexing result do not."""
    for lib in LIBS:
        lib.manual_seed(3)
        allowed = lib.tensor([0, 2, 3, 5, 9])
        index = lib.randint(len(allowed), size=(1,))
        assert tuple(index.shape) == (1,) and dtype_name(index.dtype) == "int64"
        picked = allowed[index]
        assert tuple(picked.shape) == (1,) and type(picked.item()) is int
        assert picked.item() in (0, 2, 3, 5, 9)
        draws = lib.randint(3, 7, (200,))
        assert set(draws.tolist()) == {3, 4, 5, 6}
        perm = lib.randperm(12)
        assert dtype_name(perm.dtype) == "int64"
        assert sorted(perm.tolist()) == list(range(12))
        lib.manual_seed(3)
        assert lib.randint(len(allowed), size=(1,)).tolist() == index.tolist()


# --------------------------------------------------------------------------------------
# siamese_network
# --------------------------------------------------------------------------------------
def _siamese(lib):
    nn = lib.nn

    class Backbone(nn.Module):  # a tiny stand-in for resnet18's children
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 4, kernel_size=3, stride=1, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(4)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.conv2 = nn.Conv2d(4, 6, 3)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(6, 100)

    class SiameseNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.resnet = Backbone()
            self.resnet.conv1 = nn.Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1),
                                          padding=(1, 1), bias=False)
            self.fc_in_features = self.resnet.fc.in_features
            self.resnet = nn.Sequential(*(list(self.resnet.children())[:-1]))
            self.fc = nn.Sequential(nn.Linear(self.fc_in_features * 2, 5),
                                    nn.ReLU(inplace=True), nn.Linear(5, 1))
            self.sigmoid = nn.Sigmoid()
            self.resnet.apply(self.init_weights)
            self.fc.apply(self.init_weights)

        def init_weights(self, m):
            if isinstance(m, nn.Linear):
                lib.nn.init.xavier_uniform_(m.weight)
                m.bias.data.fill_(0.01)

        def forward_once(self, x):
            output = self.resnet(x)
            return output.view(output.size()[0], -1)

        def forward(self, input1, input2):
            output = lib.cat((self.forward_once(input1), self.forward_once(input2)), 1)
            return self.sigmoid(self.fc(output))

    class PairDataset(lib.utils.data.Dataset):
        def __init__(self, images, labels, dtype):
            super().__init__()
            self.data = lib.tensor(images).unsqueeze(1).clone()
            self.targets = lib.tensor(labels)
            self.dtype = dtype
            np_arr = np.array(self.targets.clone(), dtype=None, copy=None)
            self.grouped_examples = {i: np.where(np_arr == i)[0] for i in range(3)}

        def __len__(self):
            return self.data.shape[0]

        def __getitem__(self, index):
            group = random.randint(0, 2)
            first = self.grouped_examples[group]
            image_1 = self.data[first[random.randint(0, first.shape[0] - 1)]].clone()
            if index % 2 == 0:
                second, target = first, lib.tensor(1, dtype=lib.float)
            else:
                other = (group + 1 + random.randint(0, 1)) % 3
                second, target = self.grouped_examples[other], lib.tensor(0, dtype=lib.float)
            image_2 = self.data[second[random.randint(0, second.shape[0] - 1)]].clone()
            return (image_1.to(self.dtype) / 255., image_2.to(self.dtype) / 255.,
                    target.to(self.dtype))

    return SiameseNetwork, PairDataset


def _run_siamese(np_dtype, epochs=2):
    rng = np.random.default_rng(4)
    images = rng.integers(0, 256, (26, 8, 8)).astype(np.uint8)
    labels = np.arange(26) % 3
    programs = [_siamese(lib) for lib in LIBS]
    models = [program[0]() for program in programs]
    if np_dtype == np.float64:
        models = [model.double() for model in models]
    copy_weights(models[0], models[1])
    runs = []
    for lib, (_, PairDataset), model in zip(LIBS, programs, models):
        random.seed(12)
        dtype = lib.float64 if np_dtype == np.float64 else lib.float32
        loader = lib.utils.data.DataLoader(PairDataset(images, labels, dtype), batch_size=8)
        optimizer = lib.optim.Adadelta(model.parameters(), lr=1.0)
        scheduler = lib.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
        criterion = lib.nn.BCELoss()
        losses, lines, kinds = [], [], []
        for epoch in range(1, epochs + 1):
            model.train()
            for batch_idx, (images_1, images_2, targets) in enumerate(loader):
                optimizer.zero_grad()
                outputs = model(images_1, images_2).squeeze()
                loss = criterion(outputs, targets)
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
                lines.append("Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}".format(
                    epoch, batch_idx * len(images_1), len(loader.dataset),
                    100. * batch_idx / len(loader), loss.item()))
                kinds.append((tuple(images_1.shape), dtype_name(images_1.dtype),
                               tuple(outputs.shape), dtype_name(targets.dtype)))
            model.eval()
            test_loss, correct = 0, 0
            with lib.no_grad():
                for images_1, images_2, targets in loader:
                    outputs = model(images_1, images_2).squeeze()
                    test_loss += criterion(outputs, targets).sum().item()
                    pred = lib.where(outputs > 0.5, 1, 0)
                    correct += pred.eq(targets.view_as(pred)).sum().item()
                    kinds.append((dtype_name(pred.dtype), pred.tolist()))
                    losses.append(outputs.numpy().copy())
            test_loss /= len(loader.dataset)
            lines.append("Test set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)".format(
                test_loss, correct, len(loader.dataset),
                100. * correct / len(loader.dataset)))
            scheduler.step()
        runs.append((losses, lines, kinds))
    return models, runs


def _assert_losses_close(ours, theirs, rtol, atol=0.0):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def test_siamese_network_float64_matches_torch():
    (theirs, ours), (run_t, run_o) = _run_siamese(np.float64)
    _assert_losses_close(run_o[0], run_t[0], rtol=1e-8, atol=1e-14)
    assert run_o[1] == run_t[1]
    assert run_o[2] == run_t[2]
    assert run_o[2][0] == ((8, 1, 8, 8), "float64", (8,), "float64")
    assert_same_state(ours, theirs)


def test_siamese_network_float32_matches_torch():
    """As the program runs it (float32): losses to rtol 1e-5, log lines and dtypes
    identical (two checkpoints of 6 decimals; the values differ by ~1e-7)."""
    (theirs, ours), (run_t, run_o) = _run_siamese(np.float32, epochs=1)
    _assert_losses_close(run_o[0], run_t[0], rtol=1e-5, atol=1e-7)
    assert run_o[1] == run_t[1]
    assert run_o[2] == run_t[2]
    assert run_o[2][0] == ((8, 1, 8, 8), "float32", (8,), "float32")
    assert_same_state(ours, theirs, rtol=1e-4, atol=1e-6)


def test_siamese_init_weights_through_apply_matches_torch_in_distribution():
    """xavier_uniform_ draws differ between libraries; both must stay inside
    gain * sqrt(6 / (fan_in + fan_out)), fill the range, and leave biases at 0.01."""
    for lib in LIBS:
        lib.manual_seed(0)
        layer = lib.nn.Linear(300, 200)
        model = lib.nn.Sequential(layer, lib.nn.ReLU(inplace=True))

        def init(m):
            if isinstance(m, lib.nn.Linear):
                lib.nn.init.xavier_uniform_(m.weight)
                m.bias.data.fill_(0.01)

        assert model.apply(init) is model
        bound = np.sqrt(6.0 / (300 + 200))
        weight = layer.weight.detach().numpy()
        assert np.abs(weight).max() <= bound, lib.__name__
        assert np.abs(weight).max() > 0.99 * bound, lib.__name__
        assert abs(weight.std() - bound / np.sqrt(3)) < 0.01 * bound, lib.__name__
        assert layer.weight.requires_grad and layer.bias.requires_grad
        np.testing.assert_array_equal(layer.bias.detach().numpy(),
                                      np.full(200, 0.01, np.float32))
        assert dtype_name(layer.weight.dtype) == "float32"
