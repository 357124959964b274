"""minigrad/autograd/graph.py: saved_tensors_hooks, save_on_cpu and
disable_saved_tensors_hooks, each program run in minigrad and in PyTorch: which tensors
are packed, the gradients when the hooks change or copy them, and the errors."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad

torch = pytest.importorskip("torch")

X = np.array([0.5, -1.25, 2.0])
Y = np.array([1.5, 0.75, -0.5])
A = np.arange(6.0).reshape(2, 3) / 4 - 0.6
B = np.arange(12.0).reshape(3, 4) / 5 - 1.0


def packed(lib, program):
    """Run ``program(lib)`` with counting hooks: what each pack got, and the results."""
    seen = []

    def pack(t):
        seen.append((tuple(t.shape), t.requires_grad, t.grad_fn is not None))
        return t

    with lib.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = program(lib)
    return seen, out


def mlp(lib):
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))
    rng = np.random.default_rng(3)
    with lib.no_grad():
        for p in model.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)), dtype=lib.float32))
    return model(lib.tensor(A, dtype=lib.float32))


# Programs whose saved sets are the same in both libraries (see the report for others).
PROGRAMS = {
    "mul": lambda lib: lib.tensor(X, requires_grad=True) * lib.tensor(Y, requires_grad=True),
    "mul, one operand requires grad": lambda lib: lib.tensor(X, requires_grad=True)
    * lib.tensor(Y),
    "mul, no operand requires grad": lambda lib: lib.tensor(X) * lib.tensor(Y),
    "exp": lambda lib: lib.tensor(X, requires_grad=True).exp(),
    "sin": lambda lib: lib.tensor(X, requires_grad=True).sin(),
    "tanh then sigmoid": lambda lib: lib.tensor(X, requires_grad=True).tanh().sigmoid(),
    "div": lambda lib: lib.tensor(X, requires_grad=True) / lib.tensor(Y, requires_grad=True),
    "add and sum": lambda lib: (lib.tensor(X, requires_grad=True) + lib.tensor(Y)).sum(),
    "matmul, one operand requires grad": lambda lib: lib.tensor(A, requires_grad=True)
    @ lib.tensor(B),
    "relu": lambda lib: lib.tensor(X, requires_grad=True).relu(),
    "small MLP": mlp,
    "conv2d": lambda lib: lib.nn.functional.conv2d(
        lib.tensor(np.arange(25.0).reshape(1, 1, 5, 5)),
        lib.tensor(np.ones((2, 1, 3, 3)), requires_grad=True)),
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_the_same_tensors_are_packed_as_in_pytorch(name):
    mine, _ = packed(minigrad, PROGRAMS[name])
    theirs, _ = packed(torch, PROGRAMS[name])
    assert sorted(mine) == sorted(theirs)


def test_matmul_packs_both_operands_as_pytorch():
    def program(lib):
        return lib.tensor(A, requires_grad=True) @ lib.tensor(B, requires_grad=True)
    mine, _ = packed(minigrad, program)
    theirs, _ = packed(torch, program)
    assert sorted(mine) == sorted(theirs) and len(mine) == 2


def test_nothing_is_packed_without_grad_mode():
    def program(lib):
        with lib.no_grad():
            return lib.tensor(X, requires_grad=True).exp()
    assert packed(minigrad, program)[0] == packed(torch, program)[0] == []


def gradient_with_hooks(lib, pack, unpack, values=X):
    x = lib.tensor(values, requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = (x * x).exp().sum()
    y.backward()
    return x.grad.numpy()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=5),
       st.sampled_from(["multiply", "copy", "add", "identity"]))
def test_gradients_with_hooks_that_change_or_copy_the_saved_tensors(values, kind):
    hooks = {"multiply": (lambda t: t * 2, lambda t: t),
             "copy": (lambda t: t.detach().clone(), lambda t: t.clone()),
             "add": (lambda t: ("kept", t), lambda p: p[1] + 1),
             "identity": (lambda t: t, lambda t: t)}[kind]
    values = np.array(values)
    mine = gradient_with_hooks(minigrad, *hooks, values=values)
    theirs = gradient_with_hooks(torch, *hooks, values=values)
    np.testing.assert_allclose(mine, theirs, rtol=1e-12)


def nested(lib):
    """Inner hooks win; hooks saved with a node run after their context has exited."""
    graph = lib.autograd.graph
    x = lib.tensor(X, requires_grad=True)
    with graph.saved_tensors_hooks(lambda t: ("outer", t), lambda p: p[1] * 10):
        with graph.saved_tensors_hooks(lambda t: ("inner", t), lambda p: p[1] * 3):
            inner = x.exp().sum()
        outer = x.exp().sum()
    plain = x.exp().sum()
    return [lib.autograd.grad(y, x)[0].numpy() for y in (inner, outer, plain)]


def test_nested_hooks_and_hooks_kept_after_the_context_exits():
    for mine, theirs in zip(nested(minigrad), nested(torch)):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)


def second_derivative(lib):
    x = lib.tensor(X, requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(lambda t: t.detach().clone(), lambda t: t):
        y = (x ** 3 * x.sin()).sum()
    (g,) = lib.autograd.grad(y, x, create_graph=True)
    (gg,) = lib.autograd.grad((g * g).sum(), x)
    return g.detach().numpy(), gg.numpy()


def test_unpacked_tensors_stay_in_the_graph_for_double_backward():
    for mine, theirs in zip(second_derivative(minigrad), second_derivative(torch)):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)


def unrelated_unpack(lib):
    """The unpacked tensor's own graph is ignored: its values take the saved one's place."""
    x, w = lib.tensor(X, requires_grad=True), lib.tensor(Y, requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: w * t.detach()):
        (x * x).sum().backward()
    return x.grad.numpy(), w.grad


def test_an_unpacked_tensor_from_another_graph_takes_the_saved_tensors_place():
    mine, theirs = unrelated_unpack(minigrad), unrelated_unpack(torch)
    np.testing.assert_allclose(mine[0], theirs[0], rtol=1e-12)
    assert mine[1] is None and theirs[1] is None


def saved_then_modified(lib, pack):
    """With hooks there is no version check: backward reads what unpack returns."""
    x = lib.tensor(X, requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        c = x * 1
        y = (c * c).sum()
    c.add_(1)
    y.backward()
    return x.grad.numpy()


@pytest.mark.parametrize("pack", [lambda t: t, lambda t: t.clone()], ids=["same", "copy"])
def test_in_place_change_after_packing(pack):
    np.testing.assert_allclose(saved_then_modified(minigrad, pack),
                               saved_then_modified(torch, pack), rtol=1e-12)


def custom_function(lib):
    class Product(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            return x * w

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            return g * w, g * x

    unpacks = []
    x, w = lib.tensor(X, requires_grad=True), lib.tensor(Y)
    with lib.autograd.graph.saved_tensors_hooks(
            lambda t: (t.requires_grad, t * 2), lambda p: unpacks.append(p[0]) or p[1]):
        y = Product.apply(x, w).sum()
    y.backward(retain_graph=True)
    y.backward()
    return x.grad.numpy(), unpacks


def test_a_custom_functions_saved_tensors_are_packed_and_unpacked_per_backward():
    mine, theirs = custom_function(minigrad), custom_function(torch)
    np.testing.assert_allclose(mine[0], theirs[0], rtol=1e-12)
    assert mine[1] == theirs[1] == [True, False, True, False]


@pytest.mark.parametrize("lib", [minigrad, torch], ids=["minigrad", "torch"])
def test_save_on_cpu_is_an_identity(lib):
    x = lib.tensor(X, requires_grad=True)
    with lib.autograd.graph.save_on_cpu(pin_memory=False):
        (x.exp() * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(X) * (1 + X), rtol=1e-12)
    assert isinstance(lib.autograd.graph.save_on_cpu(),
                      lib.autograd.graph.saved_tensors_hooks)


def test_signatures_match_pytorch():
    import inspect
    for name in ["saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks"]:
        mine = inspect.signature(getattr(minigrad.autograd.graph, name))
        theirs = inspect.signature(getattr(torch.autograd.graph, name))
        assert list(mine.parameters) == list(theirs.parameters), name
        assert [p.default for p in mine.parameters.values()] == \
            [p.default for p in theirs.parameters.values()], name


def outcome(program, lib):
    try:
        program(lib)
    except Exception as error:  # noqa: BLE001  (the type is what is compared)
        return type(error), str(error)
    return None, ""


def unpack_returns(value):
    def program(lib):
        x = lib.tensor(X, requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: value):
            y = x.exp().sum()
        y.backward()
    return program


def pack_modifies_in_place(lib):
    x = lib.tensor(X, requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(lambda t: t.add_(1), lambda t: t):
        (x * 1).exp()


def enter_inside_disable(lib):
    graph = lib.autograd.graph
    with graph.disable_saved_tensors_hooks("hooks are off here"):
        with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            pass


def disable_inside_hooks(lib):
    graph = lib.autograd.graph
    with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        with graph.disable_saved_tensors_hooks("hooks are off here"):
            pass


def nested_disable(lib):
    graph = lib.autograd.graph
    with graph.disable_saved_tensors_hooks("outer message"):
        with graph.disable_saved_tensors_hooks("inner message"):
            pass
        with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            pass


def disable_as_decorator(lib):
    graph = lib.autograd.graph

    @graph.disable_saved_tensors_hooks("decorated")
    def f():
        with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            pass
    f()


def not_callable(lib):
    x = lib.tensor(X, requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(1, 2):
        x.exp().sum().backward()


def pack_raises(lib):
    x = lib.tensor(X, requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(lambda t: 1 / 0, lambda t: t):
        x.exp()


def enabled_again_after_disable(lib):
    graph = lib.autograd.graph
    with graph.disable_saved_tensors_hooks("off"):
        pass
    x = lib.tensor(X, requires_grad=True)
    with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        x.exp().sum().backward()


ERRORS = {"unpack returns an int": unpack_returns(5), "unpack returns None": unpack_returns(None),
          "pack modifies in place": pack_modifies_in_place,
          "hooks inside disable": enter_inside_disable,
          "disable inside hooks": disable_inside_hooks, "nested disable": nested_disable,
          "disable as a decorator": disable_as_decorator, "hooks not callable": not_callable,
          "pack raises": pack_raises, "enabled again": enabled_again_after_disable}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_as_pytorch(name):
    mine, theirs = outcome(ERRORS[name], minigrad), outcome(ERRORS[name], torch)
    assert mine[0] is theirs[0], (mine, theirs)
    if "disable" in name or "unpack returns" in name:
        assert mine[1] == theirs[1]  # the user's message, or the unpack type message
