"""Learning-rate schedules: closed forms by hand, and agreement with torch's schedules."""
import math

import numpy as np
import pytest

import minigrad
import minigrad.optim as optim
from minigrad.optim import lr_scheduler
from minigrad.serialization import load, save

LRS = [0.1, 0.02]                # two parameter groups with different starting rates


def _optimizer(lrs=LRS):
    groups = [{"params": [minigrad.zeros(2, requires_grad=True)], "lr": lr} for lr in lrs]
    return optim.SGD(groups, lr=1.0, momentum=0.9)


def _history(scheduler, epochs):
    """The rates after construction, then after each of ``epochs`` steps."""
    rates = [scheduler.get_last_lr()]
    for _ in range(epochs):
        scheduler.optimizer.step()
        scheduler.step()
        rates.append(scheduler.get_last_lr())
    return rates


def _closed(epochs, rule):
    return [[rule(base, t) for base in LRS] for t in range(epochs + 1)]


CASES = {
    "StepLR": (dict(step_size=3, gamma=0.5),
               lambda base, t: base * 0.5 ** (t // 3)),
    "MultiStepLR": (dict(milestones=[2, 5, 5, 9], gamma=0.1),
                    lambda base, t: base * 0.1 ** sum(m <= t for m in [2, 5, 5, 9])),
    "ExponentialLR": (dict(gamma=0.9), lambda base, t: base * 0.9 ** t),
    "CosineAnnealingLR": (dict(T_max=7, eta_min=0.001),
                          lambda base, t: 0.001 + (base - 0.001)
                          * (1 + math.cos(math.pi * t / 7)) / 2),
}


@pytest.mark.parametrize("name", CASES)
def test_follows_closed_form(name):
    kwargs, rule = CASES[name]
    scheduler = getattr(lr_scheduler, name)(_optimizer(), **kwargs)
    # 25 epochs takes the cosine past T_max, through its trough and back up.
    np.testing.assert_allclose(_history(scheduler, 25), _closed(25, rule), rtol=1e-12)


@pytest.mark.parametrize("name", CASES)
def test_matches_torch(name):
    torch = pytest.importorskip("torch")
    kwargs, _ = CASES[name]
    ours = getattr(lr_scheduler, name)(_optimizer(), **kwargs)
    params = [torch.zeros(2, requires_grad=True) for _ in LRS]
    torch_opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, LRS)],
                                lr=1.0, momentum=0.9)
    theirs = getattr(torch.optim.lr_scheduler, name)(torch_opt, **kwargs)
    np.testing.assert_allclose(_history(ours, 30), _history(theirs, 30), rtol=1e-12)


def test_two_schedules_chain_like_torch():
    torch = pytest.importorskip("torch")
    opt = _optimizer()
    ours = [lr_scheduler.StepLR(opt, 4, 0.5), lr_scheduler.ExponentialLR(opt, 0.9)]
    torch_opt = torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)], "lr": lr}
                                 for lr in LRS], lr=1.0)
    theirs = [torch.optim.lr_scheduler.StepLR(torch_opt, 4, 0.5),
              torch.optim.lr_scheduler.ExponentialLR(torch_opt, 0.9)]
    for _ in range(10):
        torch_opt.step()
        for a, b in zip(ours, theirs):
            a.step()
            b.step()
        np.testing.assert_allclose(ours[1].get_last_lr(), theirs[1].get_last_lr(),
                                   rtol=1e-12)
    # Each step multiplies by 0.9, and by 0.5 more at epochs 4 and 8.
    np.testing.assert_allclose(ours[1].get_last_lr(), [lr * 0.9 ** 10 * 0.25 for lr in LRS])


def test_construction_records_initial_lr_and_keeps_it():
    opt = _optimizer()
    scheduler = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    assert [g["initial_lr"] for g in opt.param_groups] == LRS
    assert scheduler.base_lrs == LRS and scheduler.last_epoch == 0
    assert scheduler.get_last_lr() == LRS                    # step 0 changes nothing
    scheduler.step()
    assert [g["lr"] for g in opt.param_groups] == [lr * 0.5 for lr in LRS]
    assert [g["initial_lr"] for g in opt.param_groups] == LRS


def test_rate_drives_the_optimizer():
    w = minigrad.tensor([0.0], requires_grad=True)
    opt = optim.SGD([w], lr=1.0)
    scheduler = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        w.grad = minigrad.tensor([1.0])
        opt.step()
        scheduler.step()
    np.testing.assert_allclose(w.detach().numpy(), [-(1.0 + 0.5 + 0.25)])


@pytest.mark.parametrize("through_file", [False, True], ids=["in-memory", "file"])
@pytest.mark.parametrize("name", CASES)
def test_state_dict_round_trip(name, through_file, tmp_path):
    kwargs, _ = CASES[name]
    opt_a = _optimizer()
    a = getattr(lr_scheduler, name)(opt_a, **kwargs)
    _history(a, 4)
    state = a.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 4
    if through_file:
        save(state, tmp_path / "sched.npz")
        state = load(tmp_path / "sched.npz")

    opt_b = _optimizer()
    opt_b.load_state_dict(opt_a.state_dict())
    b = getattr(lr_scheduler, name)(opt_b, **kwargs)
    b.load_state_dict(state)
    assert b.get_last_lr() == a.get_last_lr()
    assert _history(b, 8) == _history(a, 8)


def test_resume_needs_initial_lr():
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(_optimizer(), step_size=2, last_epoch=5)


def test_resume_from_last_epoch():
    """As PyTorch 2.13: resuming leaves the rates as they are (step 0 is in initial mode)
    and the next steps chain from them."""
    opt = _optimizer()
    for group in opt.param_groups:
        group["initial_lr"] = group["lr"]
    scheduler = lr_scheduler.CosineAnnealingLR(opt, T_max=10, last_epoch=4)
    assert scheduler.last_epoch == 5
    np.testing.assert_allclose(scheduler.get_last_lr(), LRS, rtol=1e-12)
    scheduler.step()
    ratio = (1 + math.cos(math.pi * 6 / 10)) / (1 + math.cos(math.pi * 5 / 10))
    np.testing.assert_allclose(scheduler.get_last_lr(), [lr * ratio for lr in LRS], rtol=1e-12)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="step_size must be positive, got 0"):
        lr_scheduler.StepLR(_optimizer(), step_size=0)
    with pytest.raises(ValueError, match="T_max must be positive, got 0"):
        lr_scheduler.CosineAnnealingLR(_optimizer(), T_max=0)
    with pytest.raises(TypeError, match="expected an Optimizer"):
        lr_scheduler.ExponentialLR([0.1], gamma=0.5)
