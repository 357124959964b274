"""Module: registration, naming, state dicts, hooks, modes, repr and scope recording."""
import copy
import re

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.autograd import scope


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.register_buffer("steps", minigrad.zeros(1))
        self.register_buffer("cache", minigrad.zeros(2), persistent=False)

    def forward(self, x):
        return self.fc(x).relu()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), Block())
        self.scale = nn.Parameter(minigrad.ones(1))
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.features(x)) * self.scale


def test_parameters_register_on_assignment_with_dotted_names():
    net = Net()
    names = [name for name, _ in net.named_parameters()]
    assert names == ["scale", "features.0.weight", "features.0.bias", "features.2.fc.weight",
                     "features.2.fc.bias", "head.weight", "head.bias"]
    assert len(list(net.parameters())) == 7
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert all(isinstance(p, nn.Parameter) for p in net.parameters())


def test_children_and_modules_walk_the_tree_in_order():
    net = Net()
    assert [n for n, _ in net.named_children()] == ["features", "head"]
    assert list(net.children()) == [net.features, net.head]
    assert [n for n, _ in net.named_modules()] == [
        "", "features", "features.0", "features.1", "features.2", "features.2.fc", "head"]
    assert next(iter(net.modules())) is net
    assert net.get_submodule("features.2.fc") is net.features[2].fc


def test_shared_parameter_and_module_are_listed_once():
    net = nn.Module()
    shared = nn.Linear(2, 2)
    net.a, net.b = shared, shared
    assert len(list(net.parameters())) == 2
    assert [n for n, _ in net.named_modules()] == ["", "a"]
    assert list(net.state_dict()) == ["a.weight", "a.bias", "b.weight", "b.bias"]


def test_buffers_are_state_but_not_parameters():
    block = Block()
    assert "steps" not in dict(block.named_parameters())
    assert [n for n, _ in block.named_buffers()] == ["steps", "cache"]
    assert list(block.state_dict()) == ["steps", "fc.weight", "fc.bias"]  # cache: not persistent


def test_assignment_rules():
    m = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="weight"):
        m.weight = minigrad.zeros(2, 2)  # a plain tensor cannot take a parameter's place
    m.weight = None
    assert "weight" not in dict(m.named_parameters())
    block = Block()
    block.steps = minigrad.ones(1)  # a buffer can be replaced by a tensor
    assert block.state_dict()["steps"].item() == 1
    with pytest.raises(TypeError, match="steps"):
        block.steps = 3.0
    m.plain = minigrad.zeros(1)  # a tensor that is not a Parameter is a plain attribute
    assert "plain" not in dict(m.named_parameters()) and "plain" not in dict(m.named_buffers())


def test_reassigning_keeps_the_order_and_delattr_removes():
    net = Net()
    net.features = nn.Identity()
    assert [n for n, _ in net.named_children()] == ["features", "head"]
    del net.head
    assert [n for n, _ in net.named_children()] == ["features"]
    with pytest.raises(AttributeError, match="head"):
        net.head


def test_assigning_before_init_fails_clearly():
    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(minigrad.zeros(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Bad()


def test_register_buffer_and_parameter_validate_names_and_types():
    m = nn.Module()
    with pytest.raises(KeyError):
        m.register_buffer("a.b", minigrad.zeros(1))
    with pytest.raises(TypeError):
        m.register_buffer("x", np.zeros(1))
    with pytest.raises(TypeError):
        m.register_parameter("w", minigrad.zeros(1))
    with pytest.raises(KeyError):
        m.register_parameter("forward", nn.Parameter(minigrad.zeros(1)))


def test_forward_is_required():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(minigrad.zeros(1))


# --- state dicts ---------------------------------------------------------------------------
def test_state_dict_is_detached_and_shares_memory():
    net = Net()
    sd = net.state_dict()
    assert list(sd)[:2] == ["scale", "features.0.weight"]
    w = sd["head.weight"]
    assert not w.requires_grad and w.grad_fn is None
    assert np.shares_memory(w.detach().numpy(), net.head.weight.detach().numpy())
    assert net.state_dict(keep_vars=True)["head.weight"] is net.head.weight


def test_load_state_dict_round_trip_gives_the_same_outputs():
    minigrad.manual_seed(0)
    a, b = Net(), Net()
    x = minigrad.randn(5, 3)
    assert not np.allclose(a(x).detach().numpy(), b(x).detach().numpy())
    result = b.load_state_dict(a.state_dict())
    assert result == ([], []) and result.missing_keys == [] and result.unexpected_keys == []
    np.testing.assert_array_equal(a(x).detach().numpy(), b(x).detach().numpy())
    assert not np.shares_memory(a.head.weight.detach().numpy(), b.head.weight.detach().numpy())


def test_load_state_dict_result_prints_as_pytorchs():
    m = nn.Linear(2, 3)
    assert repr(m.load_state_dict(m.state_dict())) == "<All keys matched successfully>"
    assert str(m.load_state_dict(m.state_dict())) == "<All keys matched successfully>"
    partial = m.load_state_dict({"weight": minigrad.zeros(3, 2)}, strict=False)
    assert repr(partial) == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])"


def test_load_state_dict_keeps_dtype_and_parameter_identity():
    m = nn.Linear(2, 3)
    weight = m.weight
    m.load_state_dict({"weight": np.ones((3, 2), dtype=np.float64), "bias": [1.0, 2.0, 3.0]})
    assert m.weight is weight and m.weight.dtype == np.float32
    np.testing.assert_array_equal(m.bias.detach().numpy(), [1, 2, 3])


def test_strict_key_mismatch_lists_missing_and_unexpected_keys():
    net = Net()
    sd = net.state_dict()
    del sd["head.bias"]
    sd["head.extra"] = minigrad.zeros(1)
    before = net.head.weight.detach().numpy().copy()
    sd["head.weight"] = minigrad.zeros(2, 4)
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(sd)
    assert "head.bias" in str(info.value) and "head.extra" in str(info.value)
    np.testing.assert_array_equal(net.head.weight.detach().numpy(), before)  # nothing was copied
    result = net.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["head.bias"] and result.unexpected_keys == ["head.extra"]
    np.testing.assert_array_equal(net.head.weight.detach().numpy(), 0)


@pytest.mark.parametrize("strict", [True, False])
def test_shape_mismatch_names_the_key_and_both_shapes(strict):
    m = nn.Linear(2, 3)
    sd = m.state_dict()
    sd["weight"] = minigrad.zeros(3, 5)
    with pytest.raises(RuntimeError, match=r"weight.*\(3, 5\).*\(3, 2\)"):
        m.load_state_dict(sd, strict=strict)


# --- modes, gradients, hooks ----------------------------------------------------------------
def test_train_and_eval_are_recursive():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError):
        net.train("no")


def test_zero_grad_sets_to_none_or_zero_in_place():
    net = Net()
    net(minigrad.randn(2, 3)).sum().backward()
    grad = net.head.weight.grad
    net.zero_grad(set_to_none=False)
    assert net.head.weight.grad is grad and not grad.numpy().any()
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_requires_grad_freezes_parameters():
    net = Net().requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_apply_visits_children_before_parents():
    net = Net()
    seen = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Linear", "ReLU", "Linear", "Block", "Sequential", "Linear", "Net"]


def test_forward_hooks_can_replace_input_and_output_and_be_removed():
    m = nn.Identity()
    x = minigrad.tensor([1.0, 2.0])
    calls = []
    pre = m.register_forward_pre_hook(lambda mod, args: (args[0] * 10,))
    post = m.register_forward_hook(lambda mod, args, out: calls.append(out.tolist()) or out + 1)
    assert m(x).tolist() == [11.0, 21.0]
    assert calls == [[10.0, 20.0]]
    pre.remove()
    assert m(x).tolist() == [2.0, 3.0]
    post.remove()
    assert m(x) is x


def test_to_double_keeps_parameter_objects():
    net = Net()
    weight = net.head.weight
    net.double()
    assert net.head.weight is weight and weight.dtype == np.float64
    assert net.features[2].steps.dtype == np.float64
    assert net(minigrad.randn(2, 3, dtype=np.float64)).dtype == np.float64
    assert net.float().head.weight.dtype == np.float32


def test_deepcopy_is_independent():
    net = Net()
    twin = copy.deepcopy(net)
    with minigrad.no_grad():
        twin.head.weight.add_(1.0)
    assert not np.allclose(twin.head.weight.detach().numpy(), net.head.weight.detach().numpy())
    assert isinstance(twin.head.weight, nn.Parameter)


def test_nodes_record_the_path_of_modules_that_made_them():
    net = Net()
    x = minigrad.randn(2, 3, requires_grad=True)
    assert net(x).grad_fn.scope == ()  # scopes are recorded only with details on
    with minigrad.autograd.record_details():
        out = net(x)
        fc_out = net.features[2].fc(x)
    assert out.grad_fn.scope == (net,)  # the final `* scale` runs in Net.forward
    assert fc_out.grad_fn.scope == (net.features[2].fc,)
    nested = []
    net.features[2].fc.register_forward_hook(
        lambda mod, args, out: nested.append(out.grad_fn.scope))
    with minigrad.autograd.record_details():
        net(x)
    assert nested == [(net, net.features, net.features[2], net.features[2].fc)]
    assert scope.current() == ()


def test_scope_is_left_even_when_forward_raises():
    with pytest.raises(RuntimeError):
        nn.Linear(3, 2)(minigrad.zeros(1, 4))
    assert scope.current() == ()


# --- repr -----------------------------------------------------------------------------------
def test_repr_prints_the_tree_like_pytorch():
    torch = pytest.importorskip("torch")
    tnn = torch.nn

    def build(lib):
        return lib.Sequential(
            lib.Conv2d(1, 6, 5, padding=2), lib.BatchNorm2d(6), lib.ReLU(), lib.MaxPool2d(2),
            lib.Conv2d(6, 16, 3, stride=2, bias=False, groups=2), lib.AvgPool2d(2),
            lib.AdaptiveAvgPool2d(1), lib.Flatten(),
            lib.Sequential(lib.Linear(16, 8), lib.GELU(), lib.Dropout(0.25)),
            lib.LeakyReLU(0.2), lib.Linear(8, 4, bias=False), lib.Tanh(), lib.Sigmoid(),
            lib.Softmax(dim=1), lib.Identity(), lib.BatchNorm1d(4, momentum=None))

    # Older PyTorch prints no "bias=" for BatchNorm; compare without it.
    def text(model):
        return re.sub(r", bias=\w+(?=, track)", "", repr(model))

    assert text(build(nn)) == text(build(tnn))
    assert repr(nn.CrossEntropyLoss()) == repr(tnn.CrossEntropyLoss())
    assert repr(nn.ModuleList([nn.ReLU(), nn.Tanh()])) == repr(tnn.ModuleList([tnn.ReLU(),
                                                                              tnn.Tanh()]))


def test_repr_of_a_custom_module():
    class Custom(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Sequential(nn.ReLU())

        def extra_repr(self):
            return "size=3"

    assert repr(Custom()) == "Custom(\n  size=3\n  (inner): Sequential(\n    (0): ReLU()\n  )\n)"


def test_state_dict_is_an_ordered_dict_and_get_parameter_finds_by_path():
    from collections import OrderedDict
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    state = model.state_dict()
    assert type(state) is OrderedDict and list(state) == ["0.weight", "0.bias", "2.weight",
                                                          "2.bias"]
    assert model.get_parameter("2.bias") is model[2].bias
    assert model.get_parameter("0.weight") is model[0].weight
    with pytest.raises(AttributeError):
        model.get_parameter("0.nope")


@pytest.mark.parametrize("dst", ["float64", "torch.DoubleTensor", "torch.FloatTensor", "half"])
def test_module_type_casts_every_parameter_and_buffer_as_torch(dst):
    torch = pytest.importorskip("torch")
    dtypes = []
    for lib in (minigrad, torch):
        layer = lib.nn.Linear(2, 2)
        layer.register_buffer("steps", lib.tensor([1, 2]))
        if dst == "half":
            assert layer.half() is layer
        else:
            target = getattr(lib, dst) if "." not in dst else dst
            assert layer.type(target) is layer
        dtypes.append([str(t.dtype).replace("torch.", "") for t in
                       (layer.weight, layer.bias, layer.steps)])
        assert layer.share_memory() is layer
    assert dtypes[0] == dtypes[1]


def test_torch_nn_modules_paths_name_the_same_classes():
    from minigrad.nn.modules.linear import Linear
    from minigrad.nn.modules.loss import _Loss
    import minigrad.nn.modules.transformer as transformer
    assert Linear is minigrad.nn.Linear and issubclass(minigrad.nn.MSELoss, _Loss)
    assert transformer.TransformerEncoderLayer is minigrad.nn.TransformerEncoderLayer
    assert minigrad.nn.modules.batchnorm.BatchNorm2d is minigrad.nn.BatchNorm2d
    assert minigrad.nn.modules.sparse.Embedding is minigrad.nn.Embedding
    assert minigrad.nn.modules.Module is minigrad.nn.Module
