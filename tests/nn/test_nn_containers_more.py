"""ModuleDict, ParameterList, ParameterDict, Unflatten, Module.to(device) and the device
and dtype arguments of layers, compared with PyTorch where it matters."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.optim as optim

torch = pytest.importorskip("torch")


def test_module_dict_registers_and_behaves_like_a_dict():
    heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Linear(4, 2)})
    heads["extra"] = nn.ReLU()
    assert list(heads) == ["cls", "box", "extra"] and len(heads) == 3 and "box" in heads
    assert [n for n, _ in heads.named_parameters()] == ["cls.weight", "cls.bias",
                                                        "box.weight", "box.bias"]
    assert heads.pop("extra").__class__ is nn.ReLU and list(heads.keys()) == ["cls", "box"]
    heads.update([("more", nn.Tanh())])
    assert [type(m).__name__ for m in heads.values()] == ["Linear", "Linear", "Tanh"]
    ref = torch.nn.ModuleDict({"a": torch.nn.Linear(2, 2)})
    assert repr(nn.ModuleDict({"a": nn.Linear(2, 2)})) == repr(ref)


def test_parameter_list_and_dict_register_their_entries():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.ws = nn.ParameterList([minigrad.ones(2), nn.Parameter(minigrad.zeros(3))])
            self.named = nn.ParameterDict({"scale": minigrad.ones(1)})

        def forward(self, x):
            return (x * self.ws[0]).sum() + self.ws[1].sum() * self.named["scale"]

    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["ws.0", "ws.1", "named.scale"]
    assert all(isinstance(p, nn.Parameter) for p in net.parameters())  # tensors promoted
    net.ws.append(minigrad.ones(4))
    assert len(net.ws) == 3 and net.ws[-1].shape == (4,)
    assert [p.shape for p in net.ws[1:]] == [(3,), (4,)]
    net(minigrad.ones(2)).sum().backward()
    np.testing.assert_array_equal(net.ws[0].grad.numpy(), [1.0, 1.0])
    assert list(net.state_dict()) == ["ws.0", "ws.1", "ws.2", "named.scale"]  # module order
    assert "scale" in net.named and list(net.named.keys()) == ["scale"]
    with pytest.raises(IndexError):
        net.ws[5]


def test_unflatten_matches_torch():
    x = np.arange(24.0).reshape(2, 12)
    for dim, sizes in [(1, (3, 4)), (-1, (2, -1, 3)), (0, (1, 2))]:
        ours_y = nn.Unflatten(dim, sizes)(minigrad.tensor(x))
        theirs_y = torch.nn.Unflatten(dim, sizes)(torch.tensor(x))
        np.testing.assert_array_equal(ours_y.numpy(), theirs_y.numpy())
    assert repr(nn.Unflatten(1, (2, 3))) == repr(torch.nn.Unflatten(1, (2, 3)))
    with pytest.raises(RuntimeError, match="does not match"):
        nn.Unflatten(1, (5, 3))(minigrad.zeros(2, 12))
    model = nn.Sequential(nn.Flatten(), nn.Unflatten(1, (3, 4)))
    assert model(minigrad.zeros(2, 3, 4)).shape == (2, 3, 4)


def test_module_to_device_and_dtype_like_torch():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    opt = optim.SGD(model.parameters(), lr=0.1)
    assert model.to("cpu") is model and model.to("cpu:0") is model and model.cpu() is model
    model.to("cpu", minigrad.float64)
    assert all(p.dtype == np.float64 for p in model.parameters())
    assert model[1].running_mean.dtype == np.float64
    assert model[1].num_batches_tracked.dtype == np.int64  # integer buffers stay
    assert opt.param_groups[0]["params"][0] is model[0].weight  # same Parameter objects
    model.to(dtype=minigrad.float32, device=torch.device("cpu"), non_blocking=True)
    assert model[0].weight.dtype == np.float32
    model.to(minigrad.zeros(1, dtype=np.float64))
    assert model[0].bias.dtype == np.float64
    for device in ("cuda", "cuda:0", "mps", torch.device("meta")):
        with pytest.raises(RuntimeError, match="CPU only"):
            model.to(device)
    with pytest.raises(RuntimeError):
        model.cuda()
    with pytest.raises(TypeError, match="floating point"):
        model.to(minigrad.int64)


def test_layers_accept_device_and_dtype():
    layer = nn.Linear(2, 3, device="cpu", dtype=minigrad.float64)
    assert layer.weight.dtype == np.float64
    assert nn.Conv2d(1, 2, 3, device="cpu").weight.dtype == np.float32
    assert nn.LayerNorm(4, dtype=minigrad.float64).weight.dtype == np.float64
    assert nn.Embedding(4, 2, dtype=minigrad.float64).weight.dtype == np.float64
    with pytest.raises(RuntimeError, match="CPU only"):
        nn.Linear(2, 3, device="cuda")


def test_zero_grad_set_to_false_detaches_and_zeroes_in_place():
    layer = nn.Linear(2, 1)
    layer(minigrad.ones(1, 2)).sum().backward()
    grad = layer.weight.grad
    layer.zero_grad(set_to_none=False)
    assert layer.weight.grad is grad and not grad.numpy().any()
    layer.zero_grad()
    assert layer.weight.grad is None


@pytest.mark.parametrize("build", [
    lambda lib: lib.nn.ParameterList([lib.nn.Parameter(lib.ones(1)),
                                      lib.nn.Parameter(lib.ones(2, 3, dtype=lib.float64)),
                                      "not a tensor"]),
    lambda lib: lib.nn.ParameterList([lib.nn.Parameter(lib.ones(4))]),
    lambda lib: lib.nn.ParameterList(),
    lambda lib: lib.nn.ParameterDict({"a": lib.nn.Parameter(lib.ones(1)),
                                      "b": lib.ones(2, 2, dtype=lib.float64)}),
    lambda lib: lib.nn.Sequential(lib.nn.ParameterList([lib.nn.Parameter(lib.ones(1))]),
                                  lib.nn.ParameterDict({"w": lib.ones(3, 1)})),
])
def test_parameter_container_reprs_match_torch(build):
    """Torch's layout, quirks included: one line when there is one entry, a four-space
    indent otherwise, sizes as 2x3, dtypes in a list and legacy type names in a dict."""
    assert repr(build(minigrad)) == repr(build(torch)).replace("torch.", "minigrad.")
