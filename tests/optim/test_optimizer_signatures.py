"""Every optimizer takes PyTorch's full constructor signature (foreach, fused, capturable,
differentiable included) and builds the same defaults and parameter-group keys."""
import inspect

import pytest

import minigrad
import minigrad.optim as optim

torch = pytest.importorskip("torch")

NAMES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam",
         "RAdam", "ASGD", "Rprop", "LBFGS", "Adafactor", "SparseAdam"]


def _shape_of(signature):
    """Names, kinds and defaults of the parameters (annotations are spelled differently)."""
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


@pytest.mark.parametrize("name", NAMES)
def test_constructor_signature_matches_torch(name):
    ours = inspect.signature(getattr(optim, name))
    theirs = inspect.signature(getattr(torch.optim, name))
    assert _shape_of(ours) == _shape_of(theirs)


def _pair(name, **options):
    mine = minigrad.zeros(3, 2, requires_grad=True)
    ref = torch.zeros(3, 2, requires_grad=True)
    return getattr(optim, name)([mine], **options), getattr(torch.optim, name)([ref], **options)


@pytest.mark.parametrize("name", NAMES)
def test_defaults_and_group_keys_match_torch(name):
    ours, theirs = _pair(name, **({"lr": 0.1} if name == "SGD" else {}))
    assert ours.defaults == theirs.defaults
    assert list(ours.defaults) == list(theirs.defaults)
    assert list(ours.param_groups[0]) == list(theirs.param_groups[0])
    assert ({k: v for k, v in ours.param_groups[0].items() if k != "params"}
            == {k: v for k, v in theirs.param_groups[0].items() if k != "params"})
    assert (list(ours.state_dict()["param_groups"][0])
            == list(theirs.state_dict()["param_groups"][0]))


@pytest.mark.parametrize("name", ["SGD", "Adam", "Adagrad", "RMSprop"])
def test_group_keys_follow_the_given_group_order(name):
    mine, ref = minigrad.zeros(2, requires_grad=True), torch.zeros(2, requires_grad=True)
    ours = getattr(optim, name)([{"lr": 0.5, "params": [mine]}])
    theirs = getattr(torch.optim, name)([{"lr": 0.5, "params": [ref]}])
    assert list(ours.param_groups[0]) == list(theirs.param_groups[0])


@pytest.mark.parametrize("name, options", [
    ("SGD", dict(lr=0.1, foreach=True, differentiable=False, fused=None)),
    ("Adam", dict(foreach=False, capturable=True, differentiable=False, fused=None)),
    ("AdamW", dict(foreach=True, capturable=False, fused=None)),
    ("RMSprop", dict(foreach=True, capturable=False, differentiable=False)),
    ("Adagrad", dict(foreach=False, differentiable=False, fused=None)),
    ("Adadelta", dict(foreach=True, capturable=False, differentiable=False)),
    ("Adamax", dict(foreach=True, capturable=False, differentiable=False)),
    ("NAdam", dict(foreach=True, capturable=False, differentiable=False)),
    ("RAdam", dict(foreach=True, capturable=False, differentiable=False)),
    ("ASGD", dict(foreach=True, capturable=False, differentiable=False)),
    ("Rprop", dict(foreach=True, capturable=False, differentiable=False)),
    ("Adafactor", dict(foreach=True)),
])
def test_implementation_flags_are_stored_as_given(name, options):
    ours, theirs = _pair(name, **options)
    for key in options:
        assert ours.param_groups[0][key] == theirs.param_groups[0][key]
