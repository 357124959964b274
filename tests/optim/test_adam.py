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


# --- Adam's relatives, Adagrad and Adadelta against torch.optim --------------------------
OTHER_CASES = [
    ("Adamax", dict(lr=0.05)),
    ("Adamax", dict(lr=0.05, betas=(0.8, 0.95), eps=1e-3, weight_decay=0.1, maximize=True)),
    ("NAdam", dict(lr=0.05)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.05)),
    ("RAdam", dict(lr=0.05, betas=(0.9, 0.5), weight_decay=0.1)),
    ("RAdam", dict(lr=0.05, betas=(0.9, 0.6), weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.5,
                     eps=1e-3, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.7, eps=1e-3, weight_decay=0.1, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.08), maximize=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.1, lambd=0.01, alpha=0.5, t0=3, weight_decay=0.1, maximize=True)),
]


@pytest.mark.parametrize("name, kwargs", OTHER_CASES)
def test_other_optimizers_match_torch(name, kwargs, assert_matches_torch):
    assert_matches_torch(name, kwargs, steps=12)


@pytest.mark.parametrize("name", ["Adamax", "NAdam", "RAdam", "Adagrad", "Adadelta", "Rprop",
                                  "ASGD"])
def test_other_optimizers_state_dict_round_trip_and_float32(name):
    p = minigrad.tensor([1.0, -2.0, 0.5], requires_grad=True)
    opt = getattr(optim, name)([p], lr=0.1)
    for g in ([1.0, 2.0, -1.0], [0.5, -1.0, 2.0]):
        p.grad = minigrad.tensor(g)
        opt.step()
    assert p.dtype == np.float32
    q = minigrad.tensor(p.detach().numpy().copy(), requires_grad=True)
    other = getattr(optim, name)([q], lr=0.1)
    other.load_state_dict(opt.state_dict())
    p.grad, q.grad = minigrad.tensor([0.3, 0.3, 0.3]), minigrad.tensor([0.3, 0.3, 0.3])
    opt.step(), other.step()
    np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_other_optimizers_reject_bad_options_like_torch():
    p = minigrad.zeros(2, requires_grad=True)
    for name, kwargs in [("Adagrad", dict(lr_decay=-1)), ("Adadelta", dict(rho=1.5)),
                         ("Adamax", dict(betas=(1.0, 0.9))), ("NAdam", dict(momentum_decay=-1)),
                         ("RAdam", dict(eps=-1)), ("Adagrad", dict(lr=-0.1)),
                         ("Rprop", dict(etas=(1.2, 0.5))), ("ASGD", dict(weight_decay=-1))]:
        with pytest.raises(ValueError, match="Invalid"):
            getattr(optim, name)([p], **kwargs)
