"""RMSprop: hand-computed steps, and agreement with torch.optim."""
import numpy as np
import pytest

import minigrad
import minigrad.optim as optim


def _run(grads, p0, **kwargs):
    p = minigrad.tensor(p0, dtype=np.float64, requires_grad=True)
    opt = optim.RMSprop([p], **kwargs)
    values = []
    for g in grads:
        p.grad = minigrad.tensor(g, dtype=np.float64)
        opt.step()
        values.append(p.detach().numpy().copy())
    return values


GRADS = [np.array([1.0, -2.0]), np.array([0.5, 0.5]), np.array([-1.0, 3.0])]
P0 = np.array([0.5, -0.5])


def test_plain_by_hand():
    lr, alpha, eps = 0.01, 0.9, 1e-8
    got = _run(GRADS, P0, lr=lr, alpha=alpha, eps=eps)
    p, s = P0, np.zeros(2)
    for step, g in enumerate(GRADS):
        s = alpha * s + (1 - alpha) * g ** 2
        p = p - lr * g / (np.sqrt(s) + eps)
        np.testing.assert_allclose(got[step], p, rtol=1e-12)


def test_first_step_value():
    # s = 0.01 * 4 = 0.04, sqrt = 0.2, step = 0.01 * 2 / 0.2 = 0.1
    got = _run([[2.0]], [1.0], lr=0.01, eps=0.0)
    np.testing.assert_allclose(got[0], [0.9], rtol=1e-12)


def test_centered_momentum_weight_decay_by_hand():
    lr, alpha, eps, mu, wd = 0.01, 0.9, 1e-6, 0.5, 0.1
    got = _run(GRADS, P0, lr=lr, alpha=alpha, eps=eps, momentum=mu, weight_decay=wd,
               centered=True)
    p, s, a, b = P0, np.zeros(2), np.zeros(2), np.zeros(2)
    for step, g in enumerate(GRADS):
        g = g + wd * p
        s = alpha * s + (1 - alpha) * g ** 2
        a = alpha * a + (1 - alpha) * g
        b = mu * b + g / (np.sqrt(s - a ** 2) + eps)
        p = p - lr * b
        np.testing.assert_allclose(got[step], p, rtol=1e-12)


def test_defaults_and_invalid_options():
    p = minigrad.zeros(2, requires_grad=True)
    opt = optim.RMSprop([p])
    assert (opt.defaults["lr"], opt.defaults["alpha"], opt.defaults["eps"]) == (1e-2, 0.99, 1e-8)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.RMSprop([p], lr=-1)
    with pytest.raises(ValueError, match="Invalid alpha value: -0.5"):
        optim.RMSprop([p], alpha=-0.5)
    with pytest.raises(ValueError, match="Invalid epsilon value: -1"):
        optim.RMSprop([p], eps=-1)
    with pytest.raises(ValueError, match="Invalid momentum value: -1"):
        optim.RMSprop([p], momentum=-1)


RMSPROP_CASES = [
    dict(lr=0.01),
    dict(lr=0.01, alpha=0.9, eps=1e-6),
    dict(lr=0.01, weight_decay=0.1),
    dict(lr=0.01, momentum=0.9),
    dict(lr=0.01, centered=True),
    dict(lr=0.01, centered=True, momentum=0.9, weight_decay=0.1),
    dict(lr=0.01, momentum=0.5, maximize=True),
]


@pytest.mark.parametrize("kwargs", RMSPROP_CASES, ids=str)
def test_matches_torch(kwargs, assert_matches_torch):
    assert_matches_torch("RMSprop", kwargs)
