"""The schedules added for PyTorch programs, against torch.optim.lr_scheduler over many
epochs (rates, momentum cycling, plateau detection, composition), and their state dicts."""
import math
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.optim as optim
from minigrad.optim import lr_scheduler
from minigrad.serialization import load, save

torch = pytest.importorskip("torch")
LRS = [0.1, 0.02]


def _pair(kind="SGD", **kwargs):
    """The same two-group optimizer in minigrad and in torch."""
    ours = getattr(optim, kind)([{"params": [minigrad.zeros(2, requires_grad=True)], "lr": lr}
                                 for lr in LRS], **kwargs)
    theirs = getattr(torch.optim, kind)([{"params": [torch.zeros(2, requires_grad=True)],
                                          "lr": lr} for lr in LRS], **kwargs)
    return ours, theirs


def _run(scheduler, epochs, watch=("lr",), metrics=None):
    """Per epoch: every group's watched values, after stepping optimizer then schedule."""
    opt = scheduler.optimizer
    rows = [[g[k] if k != "beta1" else g["betas"][0] for g in opt.param_groups for k in watch]]
    for epoch in range(epochs):
        opt.step()
        scheduler.step() if metrics is None else scheduler.step(metrics[epoch])
        rows.append([g[k] if k != "beta1" else g["betas"][0]
                     for g in opt.param_groups for k in watch])
        assert scheduler.get_last_lr() == [g["lr"] for g in opt.param_groups]
    return rows


CASES = {
    "LambdaLR": dict(lr_lambda=lambda epoch: 0.95 ** epoch * (1 + epoch % 3)),
    "MultiplicativeLR": dict(lr_lambda=lambda epoch: 0.9 if epoch % 2 else 1.05),
    "ConstantLR": dict(factor=0.25, total_iters=7),
    "LinearLR": dict(start_factor=0.1, end_factor=0.9, total_iters=9),
    "PolynomialLR": dict(total_iters=12, power=2.0),
    "CosineAnnealingLR": dict(T_max=6, eta_min=0.001),
}


@pytest.mark.parametrize("name", CASES)
def test_schedules_match_torch_over_many_epochs(name):
    ours_opt, torch_opt = _pair(momentum=0.9)
    ours = getattr(lr_scheduler, name)(ours_opt, **CASES[name])
    theirs = getattr(torch.optim.lr_scheduler, name)(torch_opt, **CASES[name])
    np.testing.assert_allclose(_run(ours, 40), _run(theirs, 40), rtol=1e-12)


@pytest.mark.parametrize("kind, kwargs", [("SGD", dict(momentum=0.9)), ("Adam", {})])
@pytest.mark.parametrize("options", [
    dict(max_lr=0.5, total_steps=30),
    dict(max_lr=[0.5, 0.2], epochs=3, steps_per_epoch=10, anneal_strategy="linear",
         pct_start=0.4, div_factor=10.0, final_div_factor=100.0),
    dict(max_lr=0.5, total_steps=30, three_phase=True, base_momentum=0.8, max_momentum=0.9),
])
def test_one_cycle_matches_torch_including_momentum(kind, kwargs, options):
    ours_opt, torch_opt = _pair(kind, **kwargs)
    ours = lr_scheduler.OneCycleLR(ours_opt, **options)
    theirs = torch.optim.lr_scheduler.OneCycleLR(torch_opt, **options)
    watch = ("lr", "momentum" if kind == "SGD" else "beta1")
    np.testing.assert_allclose(_run(ours, 29, watch), _run(theirs, 29, watch), rtol=1e-12)
    with pytest.raises(ValueError, match="Tried to step 31 times|tried to step 31 times"):
        ours.step(), ours.step()


@pytest.mark.parametrize("options", [
    dict(), dict(mode="max", factor=0.5, patience=2, threshold=0.05, cooldown=2),
    dict(patience=1, threshold_mode="abs", threshold=0.1, min_lr=[0.05, 0.001]),
])
def test_reduce_on_plateau_matches_torch(options):
    rng = np.random.default_rng(0)
    metrics = list(np.concatenate([np.linspace(1.0, 0.5, 6), 0.5 + rng.random(30) * 0.05]))
    ours_opt, torch_opt = _pair()
    ours = lr_scheduler.ReduceLROnPlateau(ours_opt, **options)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(torch_opt, **options)
    ours_rates = _run(ours, 36, metrics=[minigrad.tensor(m) for m in metrics])
    their_rates = _run(theirs, 36, metrics=metrics)
    np.testing.assert_allclose(ours_rates, their_rates, rtol=1e-12)
    assert ours_rates[-1] != ours_rates[0]  # it did reduce


def _sequential(module, opt):
    warmup = module.LinearLR(opt, start_factor=0.1, total_iters=4)
    decay = module.ExponentialLR(opt, gamma=0.8)
    steps = module.StepLR(opt, step_size=3, gamma=0.5)
    return module.SequentialLR(opt, [warmup, decay, steps], milestones=[5, 11])


def test_sequential_and_chained_match_torch():
    ours_opt, torch_opt = _pair()
    np.testing.assert_allclose(_run(_sequential(lr_scheduler, ours_opt), 25),
                               _run(_sequential(torch.optim.lr_scheduler, torch_opt), 25),
                               rtol=1e-12)
    ours_opt, torch_opt = _pair()
    chained = [lr_scheduler.ConstantLR(ours_opt, factor=0.5, total_iters=3),
               lr_scheduler.ExponentialLR(ours_opt, gamma=0.9)]
    torch_chained = [torch.optim.lr_scheduler.ConstantLR(torch_opt, factor=0.5, total_iters=3),
                     torch.optim.lr_scheduler.ExponentialLR(torch_opt, gamma=0.9)]
    np.testing.assert_allclose(
        _run(lr_scheduler.ChainedScheduler(chained), 10),
        _run(torch.optim.lr_scheduler.ChainedScheduler(torch_chained), 10), rtol=1e-12)


def test_step_with_an_epoch_uses_the_closed_form_and_warns_like_torch():
    ours_opt, torch_opt = _pair()
    ours = lr_scheduler.StepLR(ours_opt, step_size=3, gamma=0.5)
    theirs = torch.optim.lr_scheduler.StepLR(torch_opt, step_size=3, gamma=0.5)
    for epoch in (7, 2, 9):
        with pytest.warns(UserWarning, match="epoch parameter"):
            ours.step(epoch)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs.step(epoch)
        np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-12)


@pytest.mark.parametrize("make", [
    lambda opt: lr_scheduler.LinearLR(opt, start_factor=0.2, total_iters=5),
    lambda opt: lr_scheduler.OneCycleLR(opt, max_lr=0.3, total_steps=20),
    lambda opt: lr_scheduler.ReduceLROnPlateau(opt, patience=0),
    lambda opt: _sequential(lr_scheduler, opt),
    lambda opt: lr_scheduler.LambdaLR(opt, lambda e: 1 / (1 + e)),
])
def test_state_dict_round_trip_through_a_file(make, tmp_path):
    opt_a, _ = _pair(momentum=0.9)
    a = make(opt_a)
    plateau = isinstance(a, lr_scheduler.ReduceLROnPlateau)
    _run(a, 4, metrics=[1.0] * 4 if plateau else None)
    save(a.state_dict(), tmp_path / "sched.npz")
    opt_b, _ = _pair(momentum=0.9)
    b = make(opt_b)  # as PyTorch advises: the schedule first, then the optimizer's state
    opt_b.load_state_dict(opt_a.state_dict())
    b.load_state_dict(load(tmp_path / "sched.npz"))
    assert b.get_last_lr() == a.get_last_lr()
    more = [1.0] * 6 if plateau else None
    assert _run(b, 6, metrics=more) == _run(a, 6, metrics=more)


def test_lambda_state_dict_keeps_callable_objects_state():
    class Decay:
        def __init__(self):
            self.rate = 0.5

        def __call__(self, epoch):
            return self.rate ** epoch

    opt, _ = _pair()
    schedule = lr_scheduler.LambdaLR(opt, [Decay(), lambda e: 1.0])
    state = schedule.state_dict()
    assert state["lr_lambdas"] == [{"rate": 0.5}, None]
    other = lr_scheduler.LambdaLR(_pair()[0], [Decay(), lambda e: 1.0])
    state["lr_lambdas"][0]["rate"] = 0.25
    other.load_state_dict(state)
    assert other.lr_lambdas[0].rate == 0.25


def test_invalid_arguments_raise_like_torch():
    opt, _ = _pair()
    with pytest.raises(ValueError, match="between 0 and 1"):
        lr_scheduler.ConstantLR(opt, factor=1.5)
    with pytest.raises(ValueError, match="greater than 0"):
        lr_scheduler.LinearLR(opt, start_factor=0)
    with pytest.raises(ValueError, match="expected 2 values"):
        lr_scheduler.LambdaLR(opt, [lambda e: 1.0])
    with pytest.raises(ValueError, match="total_steps OR"):
        lr_scheduler.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="Factor should be < 1.0|factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=2.0)
    with pytest.raises(ValueError, match="mode bogus is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="bogus")
    with pytest.raises(ValueError, match="one more than the number of milestone"):
        lr_scheduler.SequentialLR(opt, [lr_scheduler.ExponentialLR(opt, 0.9)], milestones=[3])
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.OneCycleLR(optim.Adagrad([minigrad.zeros(1, requires_grad=True)]),
                                max_lr=0.1, total_steps=10)
    assert math.isfinite(lr_scheduler.ReduceLROnPlateau(opt).eps)


@pytest.mark.parametrize("kwargs", [dict(T_0=5), dict(T_0=3, T_mult=2, eta_min=0.001)])
def test_warm_restarts_match_torch_per_epoch_and_per_batch(kwargs):
    ours_opt, torch_opt = _pair()
    ours = lr_scheduler.CosineAnnealingWarmRestarts(ours_opt, **kwargs)
    theirs = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(torch_opt, **kwargs)
    np.testing.assert_allclose(_run(ours, 30), _run(theirs, 30), rtol=1e-12)
    for epoch in np.arange(0, 12, 0.25):  # scheduler.step(epoch + i / iters), as in its docs
        ours.step(float(epoch))
        theirs.step(float(epoch))
        np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-12)


@pytest.mark.parametrize("kind, kwargs", [
    ("SGD", dict(base_lr=0.01, max_lr=0.1, step_size_up=4)),
    ("SGD", dict(base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=3, step_size_down=5,
                 mode="triangular2")),
    ("Adam", dict(base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range", gamma=0.95)),
    ("SGD", dict(base_lr=0.01, max_lr=0.1, step_size_up=2, cycle_momentum=False,
                 scale_fn=lambda x: 1 / x, scale_mode="cycle")),
])
def test_cyclic_matches_torch(kind, kwargs):
    extra = dict(momentum=0.9) if kind == "SGD" else {}
    ours_opt, torch_opt = _pair(kind, **extra)
    ours = lr_scheduler.CyclicLR(ours_opt, **kwargs)
    theirs = torch.optim.lr_scheduler.CyclicLR(torch_opt, **kwargs)
    watch = ("lr", "momentum" if kind == "SGD" else "beta1")
    np.testing.assert_allclose(_run(ours, 30, watch), _run(theirs, 30, watch), rtol=1e-12)
