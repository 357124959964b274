"""A PyTorch-style program (device boilerplate, DataLoader with workers, hand-written SGD,
an evaluation loop with ``eq(...).sum().item()``, ``f"{loss:.4f}"`` logging, printing)
runs unchanged on minigrad and on PyTorch from the same weights, with the same results."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad


def program(lib, weights, X, y):
    """The same source for both libraries: ``lib`` is ``minigrad`` or ``torch``."""
    nn, F = lib.nn, lib.nn.functional
    DataLoader, TensorDataset = lib.utils.data.DataLoader, lib.utils.data.TensorDataset
    acc = lib.accelerator.current_accelerator() if lib.accelerator.is_available() else None
    device = lib.device(acc.type if acc is not None else "cpu")
    device = lib.device("cuda" if lib.cuda.is_available() else device)

    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    with lib.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(lib.from_numpy(w))
    data = TensorDataset(lib.tensor(X, device=device), lib.from_numpy(y).to(device))
    loader = DataLoader(data, batch_size=16, shuffle=False, num_workers=0, pin_memory=False,
                        drop_last=False)
    log, losses, lr = [], [], 0.1
    for epoch in range(3):
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device, non_blocking=True)
            loss = F.cross_entropy(model(xb), yb)
            model.zero_grad()
            loss.backward()
            with lib.no_grad():
                for p in model.parameters():
                    p.sub_(p.grad, alpha=lr)
            log.append(f"epoch {epoch} loss {loss:.4f}")
            losses.append(loss.item())
        correct = total = 0
        with lib.no_grad():
            for xb, yb in loader:
                predicted = lib.argmax(model(xb.cpu()), dim=1)
                correct += predicted.eq(yb).sum().item()
                total += yb.size(0)
        classes = ("a", "b", "c")
        log.append(f"accuracy {correct}/{total} first={classes[predicted[0]]}")
    out = model(lib.tensor(X[:2]))
    return log, out.detach().cpu().numpy(), out.shape, out.argmax(1).tolist(), losses


def test_the_program_gives_torchs_results():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((8, 4)).astype(np.float32) * 0.5,
               rng.standard_normal(8).astype(np.float32) * 0.1,
               rng.standard_normal((3, 8)).astype(np.float32) * 0.5,
               rng.standard_normal(3).astype(np.float32) * 0.1]
    X = rng.standard_normal((50, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0.5)
    ours = program(minigrad, [w.copy() for w in weights], X, y)
    theirs = program(torch, [w.copy() for w in weights], X, y)
    assert ours[0] == theirs[0]  # every logged line, to the printed digits
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5, atol=1e-6)
    assert repr(ours[2]) == repr(theirs[2]).replace("torch", "minigrad")
    assert ours[3] == theirs[3]
    np.testing.assert_allclose(ours[4], theirs[4], rtol=1e-5)


def nn_really(lib, x_train, y_train, weights0):
    """The start of "What is torch.nn really?": logistic regression written by hand."""
    import math

    x_train, y_train = map(lib.tensor, (x_train, y_train))
    n, c = x_train.shape
    weights = lib.from_numpy(weights0.copy()) / math.sqrt(c)
    weights.requires_grad_()
    bias = lib.zeros(3, requires_grad=True)

    def log_softmax(x):
        return x - x.exp().sum(-1).log().unsqueeze(-1)

    def model(xb):
        return log_softmax(xb @ weights + bias)

    def nll(input, target):
        return -input[range(target.shape[0]), target].mean()

    def accuracy(out, yb):
        preds = lib.argmax(out, dim=1)
        return (preds == yb).float().mean()

    log = [str(x_train.shape), f"{y_train.min()} {y_train.max()}"]
    train_dl = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(x_train, y_train),
                                         batch_size=8)
    for epoch in range(2):
        for xb, yb in train_dl:
            loss = nll(model(xb), yb)
            loss.backward()
            with lib.no_grad():
                weights -= weights.grad * 0.5
                bias -= bias.grad * 0.5
                weights.grad.zero_()
                bias.grad.zero_()
        log.append(f"{nll(model(x_train), y_train):.4f} {accuracy(model(x_train), y_train):.4f}")
    total = sum(nll(model(xb), yb) for xb, yb in train_dl) / len(train_dl)
    return log, total.item(), weights.detach().numpy().copy()


def test_what_is_nn_really_gives_torchs_results():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((40, 5)).astype(np.float32)
    y = np.argmax(x[:, :3] + 0.3 * rng.standard_normal((40, 3)), axis=1).astype(np.int64)
    w = rng.standard_normal((5, 3)).astype(np.float32)
    ours, theirs = nn_really(minigrad, x, y, w), nn_really(torch, x, y, w)
    assert ours[0] == [line.replace("torch", "minigrad") for line in theirs[0]]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-5, atol=1e-6)
