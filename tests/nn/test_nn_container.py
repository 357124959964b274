"""Sequential and ModuleList."""
from collections import OrderedDict

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn


def make():
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))


def test_sequential_applies_modules_in_order():
    model = make()
    x = minigrad.randn(5, 4)
    expected = model[2](model[1](model[0](x)))
    np.testing.assert_array_equal(model(x).detach().numpy(), expected.detach().numpy())


def test_sequential_indexing_slicing_len_iter():
    model = make()
    assert len(model) == 3
    assert model[-1] is model[2] and isinstance(model[1], nn.ReLU)
    head = model[1:]
    assert isinstance(head, nn.Sequential) and len(head) == 2
    assert head[1] is model[2]  # the same module, not a copy
    assert [n for n, _ in head.named_parameters()] == ["2.weight", "2.bias"]  # names kept
    assert list(model) == [model[0], model[1], model[2]]
    with pytest.raises(IndexError, match="out of range"):
        model[3]


def test_sequential_append_setitem_delitem_insert():
    model = make()
    model.append(nn.Tanh())
    assert len(model) == 4 and isinstance(model[3], nn.Tanh)
    model[1] = nn.Sigmoid()
    assert isinstance(model[1], nn.Sigmoid)
    del model[1]
    assert [n for n, _ in model.named_children()] == ["0", "1", "2"]
    assert isinstance(model[2], nn.Tanh)
    model.insert(0, nn.Identity())
    assert isinstance(model[0], nn.Identity) and len(model) == 4


def test_sequential_from_ordered_dict_keeps_names():
    model = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert [n for n, _ in model.named_parameters()] == ["fc.weight", "fc.bias"]
    assert model[0] is model.fc
    model[1] = nn.Tanh()
    assert isinstance(model.act, nn.Tanh)


def test_module_list_registers_its_modules():
    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    net = Stack()
    assert len(list(net.parameters())) == 6
    assert [n for n, _ in net.named_parameters()][:2] == ["layers.0.weight", "layers.0.bias"]
    net.layers.append(nn.Linear(2, 2))
    net.layers.extend([nn.ReLU()])
    net.layers += [nn.Tanh()]
    assert len(net.layers) == 6 and isinstance(net.layers[-1], nn.Tanh)
    assert isinstance(net.layers[:2], nn.ModuleList)
    assert net(minigrad.randn(1, 2)).shape == (1, 2)


@pytest.mark.parametrize("make", [
    lambda nn: nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.Tanh(), nn.ReLU(), nn.ReLU()]),
    lambda nn: nn.ModuleList([nn.Sequential(nn.ReLU(), nn.Linear(2, 2)) for _ in range(3)]),
    lambda nn: nn.ModuleList(), lambda nn: nn.ModuleList([nn.Linear(2, 2)]),
    lambda nn: nn.Sequential(nn.ReLU(), nn.ReLU()),
    lambda nn: nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8), 2),
], ids=["runs", "nested", "empty", "one", "Sequential does not fold", "TransformerEncoder"])
def test_modules_print_as_pytorchs(make):
    # a ModuleList folds a run of modules that print alike: "(0-5): 6 x Layer(...)"
    torch = pytest.importorskip("torch")
    assert repr(make(nn)) == repr(make(torch.nn))
