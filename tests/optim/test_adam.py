"""Adam and AdamW: hand-computed steps, and agreement with torch.optim."""
import math

import numpy as np
import pytest

import minigrad
import minigrad.optim as optim


def _run(opt_class, grads, p0, **kwargs):
    p = minigrad.tensor(p0, dtype=np.float64, requires_grad=True)
    opt = opt_class([p], **kwargs)
    values = []
    for g in grads:
        p.grad = minigrad.tensor(g, dtype=np.float64)
        opt.step()
        values.append(p.detach().numpy().copy())
    return values


def test_first_step_moves_by_lr():
    # With bias correction the first Adam step is lr * g / (|g| + eps'), i.e. about lr.
    got = _run(optim.Adam, [[4.0, -0.5]], [1.0, 1.0], lr=0.1, eps=0.0)
    np.testing.assert_allclose(got[0], [0.9, 1.1], rtol=1e-12)


def test_three_steps_by_hand():
    grads = [np.array([1.0, -2.0]), np.array([0.5, 0.5]), np.array([-1.0, 3.0])]
    p = np.array([0.5, -0.5])
    lr, b1, b2, eps, wd = 0.01, 0.8, 0.9, 1e-6, 0.1
    got = _run(optim.Adam, grads, p, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)
    m = v = np.zeros(2)
    for t, g in enumerate(grads, start=1):
        g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        np.testing.assert_allclose(got[t - 1], p, rtol=1e-12)


def test_amsgrad_uses_largest_second_moment():
    # A big gradient, then small ones: AMSGrad keeps dividing by the big moment.
    grads = [[10.0], [0.1], [0.1]]
    lr, b1, b2 = 0.1, 0.0, 0.5          # beta1 = 0: the first moment is the gradient
    got = _run(optim.Adam, grads, [0.0], lr=lr, betas=(b1, b2), eps=0.0, amsgrad=True)
    v1 = 0.5 * 100.0                    # 50
    v2 = 0.5 * v1 + 0.5 * 0.01          # 25.005, but the maximum stays 50
    p1 = -lr * 10.0 / math.sqrt(v1 / 0.5)
    p2 = p1 - lr * 0.1 / math.sqrt(v1 / 0.75)
    p3 = p2 - lr * 0.1 / math.sqrt(v1 / 0.875)
    assert v2 < v1
    np.testing.assert_allclose(np.ravel(got), [p1, p2, p3], rtol=1e-12)


def test_adamw_decays_before_the_adam_step():
    grads = [np.array([1.0, -2.0]), np.array([0.5, 0.5])]
    p = np.array([0.5, -0.5])
    lr, wd, eps = 0.1, 0.5, 1e-8
    got = _run(optim.AdamW, grads, p, lr=lr, weight_decay=wd, eps=eps)
    m = v = np.zeros(2)
    for t, g in enumerate(grads, start=1):
        p = p * (1 - lr * wd)            # decoupled: the gradient is left alone
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g ** 2
        p = p - lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + eps)
        np.testing.assert_allclose(got[t - 1], p, rtol=1e-12)


def test_defaults():
    p = minigrad.zeros(1, requires_grad=True)
    adam, adamw = optim.Adam([p]), optim.AdamW([p])
    assert adam.defaults["lr"] == 1e-3 and adam.defaults["weight_decay"] == 0
    assert adamw.defaults["weight_decay"] == 1e-2
    assert adam.defaults["betas"] == (0.9, 0.999) and adam.defaults["eps"] == 1e-8


@pytest.mark.parametrize("opt_class", [optim.Adam, optim.AdamW])
def test_invalid_options(opt_class):
    p = minigrad.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        opt_class([p], lr=-1)
    with pytest.raises(ValueError, match="Invalid epsilon value: -1e-08"):
        opt_class([p], eps=-1e-8)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 0: 1.0"):
        opt_class([p], betas=(1.0, 0.999))
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: -0.1"):
        opt_class([p], betas=(0.9, -0.1))
    with pytest.raises(ValueError, match="Invalid weight_decay value: -1"):
        opt_class([p], weight_decay=-1)


ADAM_CASES = [
    dict(lr=0.01),
    dict(lr=0.01, betas=(0.8, 0.95), eps=1e-6),
    dict(lr=0.01, weight_decay=0.1),
    dict(lr=0.01, amsgrad=True),
    dict(lr=0.01, amsgrad=True, weight_decay=0.1),
    dict(lr=0.01, maximize=True, weight_decay=0.1),
]


@pytest.mark.parametrize("kwargs", ADAM_CASES, ids=str)
@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_matches_torch(name, kwargs, assert_matches_torch):
    assert_matches_torch(name, kwargs)
