"""SGD: hand-computed steps, PyTorch's update rule, and its Nesterov validation."""
import numpy as np
import pytest

import minigrad
import minigrad.optim as optim


def _steps(opt, param, grads):
    """Apply one optimizer step per gradient; return the parameter after each step."""
    values = []
    for g in grads:
        param.grad = minigrad.tensor(g, dtype=np.float64)
        opt.step()
        values.append(param.detach().numpy().copy())
    return values


def test_plain_steps_by_hand():
    p = minigrad.tensor([1.0, -2.0], dtype=np.float64, requires_grad=True)
    got = _steps(optim.SGD([p], lr=0.1), p, [[0.5, 1.0], [0.5, 1.0], [-1.0, 0.0]])
    np.testing.assert_allclose(got, [[0.95, -2.1], [0.9, -2.2], [1.0, -2.2]])


def test_momentum_dampening_weight_decay_by_hand():
    p0 = np.array([1.0, -2.0])
    g = [np.array([0.5, 1.0]), np.array([-0.25, 2.0]), np.array([1.0, 1.0])]
    lr, mu, damp, wd = 0.1, 0.9, 0.3, 0.01
    p = minigrad.tensor(p0, requires_grad=True)
    got = _steps(optim.SGD([p], lr, momentum=mu, dampening=damp, weight_decay=wd), p, g)

    d1 = g[0] + wd * p0
    buf = d1                                  # the first step copies, without dampening
    p1 = p0 - lr * buf
    d2 = g[1] + wd * p1
    buf = mu * buf + (1 - damp) * d2
    p2 = p1 - lr * buf
    d3 = g[2] + wd * p2
    buf = mu * buf + (1 - damp) * d3
    p3 = p2 - lr * buf
    np.testing.assert_allclose(got, [p1, p2, p3], rtol=1e-12)


def test_nesterov_by_hand():
    p0 = np.array([3.0])
    lr, mu = 0.5, 0.5
    p = minigrad.tensor(p0, requires_grad=True)
    got = _steps(optim.SGD([p], lr, momentum=mu, nesterov=True), p, [[2.0], [2.0]])
    # step 1: buf = 2, d = 2 + 0.5*2 = 3, p = 3 - 1.5 = 1.5
    # step 2: buf = 0.5*2 + 2 = 3, d = 2 + 0.5*3 = 3.5, p = 1.5 - 1.75 = -0.25
    np.testing.assert_allclose(got, [[1.5], [-0.25]])


def test_gradient_from_backward():
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.25)
    (w * w).sum().backward()          # grad = 2w = [2, 4]
    opt.step()
    np.testing.assert_allclose(w.detach().numpy(), [0.5, 1.0])
    assert w.dtype == np.float32


@pytest.mark.parametrize("kwargs", [
    dict(momentum=0.9, nesterov=True, dampening=0.1),
    dict(momentum=0.0, nesterov=True),
    dict(momentum=0.5, nesterov=True, dampening=0.5),
])
def test_nesterov_validation(kwargs):
    p = minigrad.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum and zero "
                                         "dampening"):
        optim.SGD([p], lr=0.1, **kwargs)


def test_invalid_options():
    p = minigrad.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.SGD([p], lr=-1)
    with pytest.raises(ValueError, match="Invalid momentum value: -0.5"):
        optim.SGD([p], lr=0.1, momentum=-0.5)
    with pytest.raises(ValueError, match="Invalid weight_decay value: -0.1"):
        optim.SGD([p], lr=0.1, weight_decay=-0.1)


def test_lr_defaults_to_torchs_1e_3():
    p = minigrad.zeros(2, requires_grad=True)
    assert optim.SGD([p]).param_groups[0]["lr"] == 1e-3   # PyTorch 2.x's default
    opt = optim.SGD([{"params": [p], "lr": 0.5}])   # given in the group instead
    assert opt.param_groups[0]["lr"] == 0.5


SGD_CASES = [
    dict(lr=0.1),
    dict(lr=0.1, weight_decay=0.05),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.1, momentum=0.9, dampening=0.3),
    dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.05),
    dict(lr=0.1, momentum=0.8, nesterov=True),
    dict(lr=0.1, momentum=0.8, nesterov=True, weight_decay=0.05),
    dict(lr=0.1, momentum=0.9, maximize=True, weight_decay=0.05),
]


@pytest.mark.parametrize("kwargs", SGD_CASES, ids=str)
def test_matches_torch(kwargs, assert_matches_torch):
    assert_matches_torch("SGD", kwargs)
