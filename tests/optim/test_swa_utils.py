"""optim.swa_utils against torch.optim.swa_utils: the averaged parameters and buffers,
n_averaged and the state_dict keys of AveragedModel (SWA and EMA), SWALR's rates over
the ramp and after it, and update_bn's recomputed statistics."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad.optim import swa_utils

torch = pytest.importorskip("torch")


def _nets(seed=0):
    """The same small net (Linear, BatchNorm1d, Linear) in both libraries, float64."""
    def build(lib):
        return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.ReLU(),
                                 lib.nn.Linear(4, 2)).double()
    mine, reference = build(minigrad), build(torch)
    rng = np.random.default_rng(seed)
    for (name, p), q in zip(mine.named_parameters(), reference.parameters()):
        values = rng.standard_normal(tuple(p.shape))
        with minigrad.no_grad():
            p.copy_(minigrad.tensor(values))
        with torch.no_grad():
            q.copy_(torch.tensor(values))
    return mine, reference


def _step_both(mine, reference, seed):
    """Train both nets one SGD step on the same batch (changes weights and BN stats)."""
    x = np.random.default_rng(seed).standard_normal((5, 3))
    for lib, net in ((minigrad, mine), (torch, reference)):
        net.train()
        opt = lib.optim.SGD(net.parameters(), lr=0.1)
        opt.zero_grad()
        net(lib.tensor(x)).pow(2).sum().backward()
        opt.step()


def _assert_same_state(mine, reference):
    ours, theirs = mine.state_dict(), reference.state_dict()
    assert list(ours) == list(theirs)
    for key in ours:
        np.testing.assert_allclose(np.asarray(ours[key].numpy(), dtype=float),
                                   theirs[key].numpy().astype(float), rtol=1e-10, atol=1e-12,
                                   err_msg=key)


@pytest.mark.parametrize("kind", ["swa", "ema", "ema multi", "swa buffers"])
def test_averaged_model_follows_torch(kind):
    mine, reference = _nets()
    options = {
        "swa": ({}, {}),
        "ema": ({"avg_fn": swa_utils.get_ema_avg_fn(0.9)},
                {"avg_fn": torch.optim.swa_utils.get_ema_avg_fn(0.9)}),
        "ema multi": ({"multi_avg_fn": swa_utils.get_ema_multi_avg_fn(0.8)},
                      {"multi_avg_fn": torch.optim.swa_utils.get_ema_multi_avg_fn(0.8)}),
        "swa buffers": ({"use_buffers": True}, {"use_buffers": True}),
    }[kind]
    averaged = swa_utils.AveragedModel(mine, **options[0])
    their_averaged = torch.optim.swa_utils.AveragedModel(reference, **options[1])
    for step in range(4):
        _step_both(mine, reference, step)
        averaged.update_parameters(mine)
        their_averaged.update_parameters(reference)
        _assert_same_state(averaged, their_averaged)
    x = np.random.default_rng(9).standard_normal((2, 3))
    averaged.eval(), their_averaged.eval()
    np.testing.assert_allclose(averaged(minigrad.tensor(x)).detach().numpy(),
                               their_averaged(torch.tensor(x)).detach().numpy(), rtol=1e-9,
                               atol=1e-12)


def test_averaged_model_refuses_two_averaging_functions():
    mine, _ = _nets()
    with pytest.raises(AssertionError):
        swa_utils.AveragedModel(mine, avg_fn=swa_utils.get_swa_avg_fn(),
                                multi_avg_fn=swa_utils.get_swa_multi_avg_fn())
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError):
            swa_utils.get_ema_avg_fn(bad)
        with pytest.raises(ValueError):
            torch.optim.swa_utils.get_ema_avg_fn(bad)


@pytest.mark.parametrize("anneal_epochs, strategy", [(3, "cos"), (4, "linear"), (0, "cos"),
                                                     (1, "linear")])
def test_swalr_rates_match_torch(anneal_epochs, strategy):
    rates = []
    for lib in (minigrad, torch):
        params = [lib.zeros(2, requires_grad=True), lib.zeros(1, requires_grad=True)]
        opt = lib.optim.SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.3}],
                            lr=0.5)
        schedule = lib.optim.swa_utils.SWALR(opt, swa_lr=[0.05, 0.01],
                                             anneal_epochs=anneal_epochs,
                                             anneal_strategy=strategy)
        seen = [schedule.get_last_lr()]
        for _ in range(6):
            opt.step()
            schedule.step()
            seen.append(schedule.get_last_lr())
        rates.append(seen)
    np.testing.assert_allclose(rates[0], rates[1], rtol=1e-12)


def test_swalr_refuses_what_torch_refuses():
    for kwargs in ({"anneal_strategy": "step"}, {"anneal_epochs": -1},
                   {"anneal_epochs": 2.5}, {"swa_lr": [0.1, 0.2]}):
        for lib in (minigrad, torch):
            opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=0.1)
            args = {"swa_lr": 0.05, **kwargs}
            with pytest.raises(ValueError):
                lib.optim.swa_utils.SWALR(opt, **args)


def test_update_bn_recomputes_statistics_as_torch():
    mine, reference = _nets()
    _step_both(mine, reference, 1)
    batches = [np.random.default_rng(i).standard_normal((4, 3)) for i in range(3)]
    for lib, net in ((minigrad, mine), (torch, reference)):
        net.eval()
        lib.optim.swa_utils.update_bn([(lib.tensor(b), 0) for b in batches], net)
        assert not net.training
        assert net[1].momentum == 0.1
    _assert_same_state(mine, reference)
