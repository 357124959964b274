"""What every optimizer shares: parameter groups, zero_grad, skipping, versions, dtypes,
closures and state dicts."""
import numpy as np
import pytest

import minigrad
import minigrad.optim as optim
from minigrad.serialization import load, save

ALL = [
    (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (optim.Adam, dict(lr=0.01, amsgrad=True, weight_decay=0.01)),
    (optim.AdamW, dict(lr=0.01)),
    (optim.RMSprop, dict(lr=0.01, momentum=0.5, centered=True)),
]
IDS = [cls.__name__ for cls, _ in ALL]


def _params(seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return [minigrad.tensor(rng.standard_normal(s), dtype=dtype, requires_grad=True)
            for s in [(4, 3), (3,)]]


def _set_grads(params, step, dtype=np.float32):
    rng = np.random.default_rng(100 + step)
    for p in params:
        p.grad = minigrad.tensor(rng.standard_normal(p.shape), dtype=dtype)


# --- construction ------------------------------------------------------------------------
def test_param_groups_with_different_lr():
    a = minigrad.tensor([1.0, 1.0], requires_grad=True)
    b = minigrad.tensor([1.0], requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.01}], lr=0.1, momentum=0.5)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01]
    assert [g["momentum"] for g in opt.param_groups] == [0.5, 0.5]   # the default
    a.grad = minigrad.tensor([1.0, 2.0])
    b.grad = minigrad.tensor([3.0])
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), [0.9, 0.8], rtol=1e-6)
    np.testing.assert_allclose(b.detach().numpy(), [0.97], rtol=1e-6)


def test_add_param_group_validates_and_uses_defaults():
    a, b = minigrad.zeros(2, requires_grad=True), minigrad.zeros(2, requires_grad=True)
    opt = optim.Adam([a], lr=0.5)
    opt.add_param_group({"params": b, "betas": (0.5, 0.5)})      # a bare tensor is accepted
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["params"] == [b]
    with pytest.raises(ValueError, match="Invalid learning rate: -2"):
        opt.add_param_group({"params": [minigrad.zeros(1, requires_grad=True)], "lr": -2})
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})


def test_params_can_be_a_generator():
    params = _params()
    opt = optim.SGD((p for p in params), lr=0.1)
    assert opt.param_groups[0]["params"] == params


def test_bad_params():
    p = minigrad.zeros(2, requires_grad=True)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts, but got a Tensor"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam([])
    with pytest.raises(ValueError, match="non-leaf"):
        optim.Adam([p * 2])
    with pytest.raises(TypeError, match="floating point"):
        optim.Adam([minigrad.tensor([1, 2])])
    with pytest.warns(UserWarning, match="duplicate parameters"):  # as torch: kept, warned
        assert len(optim.Adam([p, p]).param_groups[0]["params"]) == 2
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        optim.Adam([np.zeros(2)])


# --- zero_grad and step ------------------------------------------------------------------
def test_zero_grad_to_none_and_to_zeros():
    params = _params()
    opt = optim.SGD(params, lr=0.1)
    _set_grads(params, 0)
    opt.zero_grad()
    assert all(p.grad is None for p in params)
    _set_grads(params, 0)
    opt.zero_grad(set_to_none=False)
    for p in params:
        assert p.grad.dtype == np.float32 and p.grad.shape == p.shape
        assert not p.grad.numpy().any()


def test_zero_grad_then_backward_accumulates_from_zero():
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    (w * 3).sum().backward()
    opt.zero_grad(set_to_none=False)
    (w * w).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [2.0, 4.0])


@pytest.mark.parametrize("cls,kwargs", ALL, ids=IDS)
def test_params_without_grad_are_skipped(cls, kwargs):
    params = _params()
    before = params[1].detach().numpy().copy()
    opt = cls(params, **kwargs)
    params[0].grad = minigrad.ones(4, 3)
    opt.step()
    np.testing.assert_array_equal(params[1].detach().numpy(), before)
    assert params[1] not in opt.state


@pytest.mark.parametrize("cls,kwargs", ALL, ids=IDS)
def test_step_bumps_version_so_stale_graphs_refuse_backward(cls, kwargs):
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    opt = cls([w], **kwargs)
    y = (w * w).sum()             # mul saves w for backward
    w.grad = minigrad.ones(2)
    version = w._version.value
    opt.step()
    assert w._version.value > version
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


@pytest.mark.parametrize("cls,kwargs", ALL, ids=IDS)
def test_float32_stays_float32_and_updates_in_place(cls, kwargs):
    params = _params()
    arrays = [p._data for p in params]
    opt = cls(params, **kwargs)
    for step in range(3):
        _set_grads(params, step)
        opt.step()
    for p, array in zip(params, arrays):
        assert p.dtype == np.float32 and p._data is array
        assert all(v.dtype == np.float32 for v in opt.state[p].values()
                   if isinstance(v, minigrad.Tensor))


def test_read_only_parameter_array_is_replaced_not_crashed():
    p = minigrad.Tensor._wrap(np.broadcast_to(np.float32(1.0), (3,)))
    p.requires_grad = True
    opt = optim.SGD([p], lr=0.5)
    p.grad = minigrad.ones(3)
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [0.5, 0.5, 0.5])


def test_step_with_closure_returns_loss_and_uses_its_gradients():
    w = minigrad.tensor([3.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with minigrad.no_grad():       # the closure re-enables gradients itself
        loss = opt.step(closure)
    assert loss.item() == pytest.approx(9.0)
    np.testing.assert_allclose(w.detach().numpy(), [3.0 - 0.1 * 6.0], rtol=1e-6)


def test_repr_lists_groups():
    opt = optim.SGD(_params(), lr=0.1, momentum=0.9)
    text = repr(opt)
    assert text.startswith("SGD (") and "Parameter Group 0" in text and "momentum: 0.9" in text


# --- state dicts -------------------------------------------------------------------------
def _train(opt, params, steps, first):
    for step in range(first, first + steps):
        _set_grads(params, step)
        opt.step()


@pytest.mark.parametrize("through_file", [False, True], ids=["in-memory", "file"])
@pytest.mark.parametrize("cls,kwargs", ALL, ids=IDS)
def test_state_dict_round_trip_gives_identical_steps(cls, kwargs, through_file, tmp_path):
    params_a = _params()
    opt_a = cls(params_a, **kwargs)
    _train(opt_a, params_a, 3, first=0)

    state = opt_a.state_dict()
    if through_file:
        save(state, tmp_path / "opt.npz")
        state = load(tmp_path / "opt.npz")
    params_b = [minigrad.tensor(p.detach().numpy().copy(), requires_grad=True) for p in params_a]
    opt_b = cls(params_b, lr=123.0)          # options come from the state dict
    opt_b.load_state_dict(state)
    assert opt_b.param_groups[0]["lr"] == kwargs["lr"]

    _train(opt_a, params_a, 3, first=3)
    _train(opt_b, params_b, 3, first=3)
    for a, b in zip(params_a, params_b):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_state_dict_layout_live_state_and_copying_load():
    params = _params()
    extra = minigrad.zeros(2, requires_grad=True)
    opt = optim.SGD([{"params": params}, {"params": [extra], "lr": 0.5}], lr=0.1,
                    momentum=0.9)
    _set_grads(params, 0)
    opt.step()
    state = opt.state_dict()
    assert [g["params"] for g in state["param_groups"]] == [[0, 1], [2]]
    assert state["param_groups"][1]["lr"] == 0.5
    assert sorted(state["state"]) == [0, 1]                  # no state for the unused one
    buf = state["state"][0]["momentum_buffer"]
    assert isinstance(buf, minigrad.Tensor)
    snapshot = buf.numpy().copy()
    _set_grads(params, 1)
    opt.step()
    # the optimizer's own tensor, as in torch: the next step changes it
    assert buf is opt.state[params[0]]["momentum_buffer"]
    assert not np.array_equal(buf.numpy(), snapshot)
    restored = optim.SGD(_params(), lr=0.1, momentum=0.9)
    restored.add_param_group({"params": [minigrad.zeros(2, requires_grad=True)], "lr": 0.5})
    restored.load_state_dict(opt.state_dict())
    loaded = restored.state[restored.param_groups[0]["params"][0]]["momentum_buffer"]
    assert loaded is not buf                                 # loading copies
    np.testing.assert_array_equal(loaded.numpy(), buf.numpy())


def test_load_state_dict_mismatch_errors():
    params = _params()
    opt = optim.Adam(params, lr=0.1)
    state = opt.state_dict()
    with pytest.raises(ValueError, match="2 parameters in the state dict, but 1"):
        optim.Adam(params[:1]).load_state_dict(state)
    two_groups = optim.Adam([{"params": params[:1]}, {"params": params[1:]}])
    with pytest.raises(ValueError, match="1 parameter groups, but the optimizer has 2"):
        two_groups.load_state_dict(state)
    _set_grads(params, 0)
    opt.step()
    state = opt.state_dict()
    swapped = optim.Adam(params[::-1])
    with pytest.raises(ValueError, match=r"exp_avg.*shape \(4, 3\).*shape \(3,\)"):
        swapped.load_state_dict(state)


def test_load_state_dict_casts_to_parameter_dtype():
    params64 = _params(dtype=np.float64)
    opt64 = optim.Adam(params64)
    _set_grads(params64, 0, dtype=np.float64)
    opt64.step()
    params32 = _params()
    opt32 = optim.Adam(params32)
    opt32.load_state_dict(opt64.state_dict())
    assert opt32.state[params32[0]]["exp_avg"].dtype == np.float32
    assert opt32.state[params32[0]]["step"] == 1


@pytest.mark.parametrize("make", [
    lambda optim, w: optim.SGD([w], lr=0.1), lambda optim, w: optim.SGD([w], 0.1, 0.9),
    lambda optim, w: optim.Adam([w]), lambda optim, w: optim.AdamW([w]),
    lambda optim, w: optim.RMSprop([w]), lambda optim, w: optim.Adagrad([w]),
    lambda optim, w: optim.Adadelta([w]), lambda optim, w: optim.Adamax([w]),
    lambda optim, w: optim.NAdam([w]), lambda optim, w: optim.RAdam([w]),
    lambda optim, w: optim.Rprop([w]), lambda optim, w: optim.ASGD([w]),
], ids=["SGD", "SGD momentum", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax",
        "NAdam", "RAdam", "Rprop", "ASGD"])
def test_optimizers_print_and_keep_defaults_as_pytorchs(make):
    # print(optimizer) shows PyTorch's defaults: ints where its signature has 0, every key
    torch = pytest.importorskip("torch")
    ours = make(minigrad.optim, minigrad.ones(2, requires_grad=True))
    theirs = make(torch.optim, torch.ones(2, requires_grad=True))
    assert repr(ours) == repr(theirs)
    assert ours.defaults == theirs.defaults
    assert list(ours.defaults) == list(theirs.defaults)


@pytest.mark.parametrize("name", ["Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "NAdam",
                                  "RAdam", "Adamax"])
def test_step_is_a_float32_tensor_in_the_state_as_pytorch(name):
    torch = pytest.importorskip("torch")
    steps = []
    for lib in (minigrad, torch):
        w = lib.ones(2, requires_grad=True)
        opt = getattr(lib.optim, name)([w])
        for _ in range(2):
            w.grad = lib.ones(2)
            opt.step()
        step = opt.state_dict()["state"][0]["step"]
        steps.append((type(step).__name__, str(step.dtype).split(".")[-1], tuple(step.shape),
                      float(step)))
    assert steps[0] == steps[1]


def test_a_state_dict_with_tensor_steps_loads_and_continues():
    w = minigrad.ones(2, requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    for _ in range(2):
        w.grad = minigrad.ones(2)
        opt.step()
    again = optim.Adam([minigrad.ones(2, requires_grad=True)], lr=0.1)
    again.load_state_dict(opt.state_dict())
    (p,) = again.param_groups[0]["params"]
    assert again.state[p]["step"].dtype == np.float32 and float(again.state[p]["step"]) == 2
    p.grad = minigrad.ones(2)
    again.step()
    assert float(again.state[p]["step"]) == 3
