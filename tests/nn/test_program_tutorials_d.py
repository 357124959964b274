"""Small versions of PyTorch tutorial programs (part d), each written once as a function
of ``lib`` (minigrad or torch): what they print and compute must agree.

15. "Learning PyTorch with Examples": the third-order polynomial fit of sin(x) with raw
    tensors (``torch.full((), ...)`` scalars and hand-written gradients), with autograd,
    with ``nn.Sequential(Linear(3, 1), Flatten(0, 1))`` and a manual
    ``param -= learning_rate * param.grad`` step, with RMSprop, as an ``nn.Module`` of
    scalar Parameters, and as the DynamicNet whose depth is drawn at every step.
In float64 the numbers agree to rounding; the tutorial's float32 agrees to float32
rounding (PyTorch and NumPy add up 2000 values in different orders).
"""
import math
import random

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")
from test_program_tutorials_a import _assert_same  # noqa: E402

def _data(lib, dtype):
    x = lib.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    return x, lib.sin(x)

def _tensors_and_autograd(lib, dtype):
    x, y = _data(lib, dtype)
    a, b, c, d = (lib.full((), v, dtype=dtype) for v in (0.1, -0.2, 0.3, 0.05))
    learning_rate = 1e-6
    losses = []
    for t in range(60):  # hand-written gradients
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum().item()
        losses.append(loss)
        grad_y_pred = 2.0 * (y_pred - y)
        a -= learning_rate * grad_y_pred.sum()
        b -= learning_rate * (grad_y_pred * x).sum()
        c -= learning_rate * (grad_y_pred * x ** 2).sum()
        d -= learning_rate * (grad_y_pred * x ** 3).sum()
    weights = [lib.tensor(v.item(), dtype=dtype, requires_grad=True) for v in (a, b, c, d)]
    a, b, c, d = weights
    for t in range(60):  # autograd
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with lib.no_grad():
            for w in weights:
                w -= learning_rate * w.grad
                w.grad = None
    # (the tutorial prints every digit; sums of 2000 values end in different last bits)
    text = f'Result: y = {a.item():.12f} + {b.item():.12f} x + {c.item():.12f} x^2 + ' \
           f'{d.item():.12f} x^3'
    return losses, weights, text

def _nn_and_optim(lib, dtype):
    x, y = _data(lib, dtype)
    p = lib.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    model = lib.nn.Sequential(lib.nn.Linear(3, 1), lib.nn.Flatten(0, 1)).to(dtype)
    with lib.no_grad():
        model[0].weight.copy_(lib.tensor([[0.1, -0.2, 0.3]]))
        model[0].bias.fill_(0.05)
    loss_fn = lib.nn.MSELoss(reduction='sum')
    learning_rate, losses = 1e-6, []
    for t in range(100):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        losses.append(loss.item())
        model.zero_grad()
        loss.backward()
        with lib.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad
    linear_layer = model[0]
    text = (f'Result: y = {linear_layer.bias.item():.5f} + '
            f'{linear_layer.weight[:, 0].item():.5f} x + '
            f'{linear_layer.weight[:, 1].item():.5f} x^2 + '
            f'{linear_layer.weight[:, 2].item():.5f} x^3')
    optimizer = lib.optim.RMSprop(model.parameters(), lr=1e-3)
    for t in range(100):
        loss = loss_fn(model(xx), y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses, list(model.parameters()), (text, str(model), xx.shape)

def _modules(lib, dtype):
    x, y = _data(lib, dtype)
    class Polynomial3(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = lib.nn.Parameter(lib.tensor(0.1, dtype=dtype))
            self.b = lib.nn.Parameter(lib.tensor(-0.2, dtype=dtype))
            self.c = lib.nn.Parameter(lib.tensor(0.3, dtype=dtype))
            self.d = lib.nn.Parameter(lib.tensor(0.05, dtype=dtype))
        def forward(self, x):
            return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        def string(self):
            return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + ' \
                   f'{self.d.item()} x^3'
    class DynamicNet(Polynomial3):
        def __init__(self):
            super().__init__()
            self.e = lib.nn.Parameter(lib.tensor(0.01, dtype=dtype))
        def forward(self, x):
            y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
            for exp in range(4, random.randint(4, 6)):
                y = y + self.e * x ** exp
            return y
    losses, results = [], []
    for model, lr in ((Polynomial3(), 1e-6), (DynamicNet(), 1e-8)):
        random.seed(0)
        criterion = lib.nn.MSELoss(reduction='sum')
        optimizer = lib.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        for t in range(60):
            loss = criterion(model(x), y)
            losses.append(loss.item())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        results += list(model.parameters())
    names = [name for name, _ in model.named_parameters()]
    return losses, results, (str(model), names)

@pytest.mark.parametrize("program", [_tensors_and_autograd, _nn_and_optim, _modules])
@pytest.mark.parametrize("dtype, rtol", [("float64", 1e-10), ("float32", 2e-4)])
def test_learning_pytorch_with_examples_matches_torch(program, dtype, rtol):
    theirs = program(torch, getattr(torch, dtype))
    ours = program(minigrad, getattr(minigrad, dtype))
    np.testing.assert_allclose(ours[0], theirs[0], rtol=rtol)
    _assert_same(ours[1], theirs[1], rtol=rtol, atol=rtol)
    if dtype == "float64":  # (float32 rounding may move the printed digits)
        assert ours[2] == theirs[2]
