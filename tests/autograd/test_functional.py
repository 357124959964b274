"""minigrad/autograd/functional.py: vjp, jvp, jacobian, hessian, vhp and hvp against
PyTorch (values, result structure, requires_grad, errors and their messages), against
central differences and analytic derivatives, and differentiated a second time."""
from __future__ import annotations

import re

import numpy as np
import pytest

import minigrad
from minigrad.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp
from minigrad.testing.gradcheck import numerical_jacobians

torch = pytest.importorskip("torch")
from differential import MINE, compare, f64  # noqa: E402  (needs torch)

A = np.array([0.3, -1.2, 0.8])
B = np.array([0.5, -0.7])
M = np.array([[2.0, -1.0, 0.5], [0.3, 1.5, -0.2], [-0.4, 0.6, 1.1]])


# --- the functions differentiated: written once, for either library ---------------------------
def one_to_one(lib):
    return lambda x: x.exp() * x.sum()


def two_to_two(lib):
    return lambda x, y: (x * y.sum(), (x ** 2).sum() * y.tanh())


def scalar_of_one(lib):
    return lambda x: (x ** 3).sum() * x.prod()


def scalar_of_two(lib):
    return lambda x, y: (x ** 3).sum() * y.sin().sum() + (x * x).sum()


def ignores_second(lib):  # the output does not depend on y
    return lambda x, y: (x ** 3).sum()


def linear_in_second(lib):  # the gradient with respect to y does not depend on the inputs
    return lambda x, y: (x ** 3).sum() + y.sum()


def constant(lib):  # no output depends on any input
    return lambda x: lib.ones(2, dtype=lib.float64)


SINGLE = ((one_to_one, (A,)), (two_to_two, (A, B)), (ignores_second, (A, B)), (constant, (A,)))
SCALAR = ((scalar_of_one, (A,)), (scalar_of_two, (A, B)), (ignores_second, (A, B)),
          (linear_in_second, (A, B)))


def call(name, make_func, arrays, with_v=False, tuple_inputs=None, **kwargs):
    """A program: ``lib.autograd.functional.<name>`` of ``make_func`` at ``arrays`` (a tuple
    of inputs when there are several, a single tensor otherwise)."""
    def program(lib):
        inputs = tuple(f64(lib, a) for a in arrays)
        packed = inputs if (len(inputs) > 1 if tuple_inputs is None else tuple_inputs) \
            else inputs[0]
        args = [make_func(lib), packed]
        if with_v:  # shaped as the outputs for vjp, as the inputs otherwise
            like = make_func(lib)(*inputs) if name == "vjp" else packed
            args.append(_like(lib, like))
        return getattr(lib.autograd.functional, name)(*args, **kwargs)
    return program


def _like(lib, tensors):
    if isinstance(tensors, tuple):
        return tuple(_like(lib, t) for t in tensors)
    return f64(lib, np.linspace(-1, 2, tensors.numel()).reshape(tuple(tensors.shape)))


def vjp_of(lib, func, inputs, v=None):
    return lib.autograd.functional.vjp(func, inputs, v)


# --- values and structure --------------------------------------------------------------------
CASES = [(name, f, arrays) for name in ("vjp", "jvp", "jacobian") for f, arrays in SINGLE] + \
    [(name, f, arrays) for name in ("vhp", "hvp", "hessian") for f, arrays in SCALAR]
STRICT_REFUSES = (ignores_second, constant, linear_in_second)


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("name,make_func,arrays", CASES,
                         ids=[f"{n}-{f.__name__}" for n, f, _ in CASES])
def test_derivatives_match_pytorch(name, make_func, arrays, strict, create_graph):
    error = compare(call(name, make_func, arrays, with_v=name not in ("jacobian", "hessian"),
                         strict=strict, create_graph=create_graph),
                    f"{name}({make_func.__name__}, strict={strict})")
    assert (error is not None) == (strict and make_func in STRICT_REFUSES)


@pytest.mark.parametrize("name", ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"])
def test_a_one_element_tuple_of_inputs_gives_tuples(name):
    func = scalar_of_one if name in ("hessian", "vhp", "hvp") else one_to_one
    compare(call(name, func, (A,), with_v=name not in ("jacobian", "hessian"),
                 tuple_inputs=True), name)
    result = call(name, func, (A,), with_v=name not in ("jacobian", "hessian"),
                  tuple_inputs=True)(minigrad)
    derivative = result if name in ("jacobian", "hessian") else result[1]
    if name == "jvp":  # shaped as the output, a single tensor
        assert isinstance(derivative, minigrad.Tensor)
    else:
        assert isinstance(derivative, tuple) and len(derivative) == 1


def test_nested_structure_of_a_jacobian_and_a_hessian():
    jac = call("jacobian", two_to_two, (A, B))(MINE)
    assert [[tuple(j.shape) for j in row] for row in jac] == [[(3, 3), (3, 2)], [(2, 3), (2, 2)]]
    hess = call("hessian", scalar_of_two, (A, B))(MINE)
    assert [[tuple(h.shape) for h in row] for row in hess] == [[(3, 3), (3, 2)], [(2, 3), (2, 2)]]


def test_vectorize_and_forward_mode_give_the_same_jacobian_as_pytorch():
    compare(call("jacobian", two_to_two, (A, B), vectorize=True), "vectorize")
    compare(call("jacobian", two_to_two, (A, B), vectorize=True, strategy="forward-mode"),
            "forward-mode")
    # PyTorch's forward-mode Hessian keeps a graph it was not asked for; values only here.
    forward_over_reverse = call("hessian", scalar_of_two, (A, B), vectorize=True,
                                outer_jacobian_strategy="forward-mode")
    compare(lambda lib: tuple(tuple(h.detach() for h in row)
                              for row in forward_over_reverse(lib)), "forward-over-reverse")
    assert not forward_over_reverse(minigrad)[0][0].requires_grad


def test_scalar_functions_need_no_v():
    compare(lambda lib: vjp_of(lib, lambda x: (x * x).sum(), f64(lib, A)), "vjp")
    compare(lambda lib: lib.autograd.functional.jvp(lambda x: x.sin() * 3, f64(lib, 0.7)), "jvp")
    compare(lambda lib: lib.autograd.functional.hvp(lambda x: x.sin(), f64(lib, [0.7])), "hvp")


def test_float32_stays_float32():
    def program(lib):
        x = lib.tensor(A.astype(np.float32))
        return (lib.autograd.functional.jacobian(lambda t: t.sin(), x),
                lib.autograd.functional.hessian(lambda t: (t ** 3).sum(), x))
    compare(program, "float32", rtol=1e-6, atol=1e-6)


# --- errors ------------------------------------------------------------------------------------
def _normalised(message):
    """PyTorch's message as minigrad writes it: minigrad's names, and torch's typo fixed."""
    return message.replace("torch.", "minigrad.").replace("isonly", "is only")


BAD_CALLS = {
    "v missing for a vector output": lambda lib: vjp_of(lib, lambda x: x * 2, f64(lib, A)),
    "v missing for a vector input": lambda lib: lib.autograd.functional.jvp(
        lambda x: x * 2, f64(lib, A)),
    "v of the wrong size": lambda lib: vjp_of(lib, lambda x: x * 2, f64(lib, A), f64(lib, B)),
    "v entry of the wrong size": lambda lib: lib.autograd.functional.jvp(
        lambda x, y: x * y.sum(), (f64(lib, A), f64(lib, B)), (f64(lib, A), f64(lib, A))),
    "v tuple too short": lambda lib: lib.autograd.functional.hvp(
        lambda x, y: (x * y.sum()).sum(), (f64(lib, A), f64(lib, B)), (f64(lib, A),)),
    "v tuple for one output": lambda lib: vjp_of(
        lib, lambda x: x * 2, f64(lib, A), (f64(lib, A), f64(lib, A))),
    "inputs a list": lambda lib: lib.autograd.functional.jacobian(
        lambda x: x, [f64(lib, A)]),
    "inputs a number": lambda lib: lib.autograd.functional.hessian(lambda x: x, 3.0),
    "output a number": lambda lib: vjp_of(lib, lambda x: 3, f64(lib, A)),
    "output tuple with a number": lambda lib: lib.autograd.functional.jvp(
        lambda x: (x, 3), f64(lib, A), f64(lib, A)),
    "hessian of a vector": lambda lib: lib.autograd.functional.hessian(
        lambda x: x ** 3, f64(lib, A)),
    "hessian of a tuple": lambda lib: lib.autograd.functional.hessian(
        lambda x: ((x ** 3).sum(),), f64(lib, A)),
    "vhp of a vector": lambda lib: lib.autograd.functional.vhp(
        lambda x: x ** 3, f64(lib, A), f64(lib, A)),
    "hvp of a tuple": lambda lib: lib.autograd.functional.hvp(
        lambda x: ((x ** 3).sum(),), f64(lib, A), f64(lib, A)),
    "unknown strategy": lambda lib: lib.autograd.functional.jacobian(
        lambda x: x, f64(lib, A), strategy="sideways"),
    "unknown hessian strategy": lambda lib: lib.autograd.functional.hessian(
        lambda x: x.sum(), f64(lib, A), outer_jacobian_strategy="sideways"),
    "forward mode without vectorize": lambda lib: lib.autograd.functional.jacobian(
        lambda x: x, f64(lib, A), strategy="forward-mode"),
    "forward mode with create_graph": lambda lib: lib.autograd.functional.jacobian(
        lambda x: x, f64(lib, A), strategy="forward-mode", vectorize=True, create_graph=True),
    "forward mode with strict": lambda lib: lib.autograd.functional.jacobian(
        lambda x: x, f64(lib, A), strategy="forward-mode", vectorize=True, strict=True),
    "vectorize with strict": lambda lib: lib.autograd.functional.jacobian(
        lambda x: x * 2, f64(lib, A), vectorize=True, strict=True),
    "strict: an output without a graph": lambda lib: lib.autograd.functional.vjp(
        lambda x: x.detach() * 2, f64(lib, A), f64(lib, A), strict=True),
    "strict: an unused input": lambda lib: lib.autograd.functional.jacobian(
        lambda x, y: x * 2, (f64(lib, A), f64(lib, B)), strict=True),
    "strict: a linear function's hessian": lambda lib: lib.autograd.functional.hessian(
        lambda x, y: (x ** 3).sum() + y.sum(), (f64(lib, A), f64(lib, B)), strict=True),
    "strict with create_graph: a constant jacobian": lambda lib: lib.autograd.functional.vjp(
        lambda x: x * 2, f64(lib, A), f64(lib, A), create_graph=True, strict=True),
    "strict: jvp through an unused input": lambda lib: lib.autograd.functional.jvp(
        lambda x, y: x * 2, (f64(lib, A), f64(lib, B)), (f64(lib, A), f64(lib, B)),
        strict=True),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_bad_calls_raise_what_pytorch_raises_with_its_words(case):
    theirs = compare(BAD_CALLS[case], case)
    assert theirs is not None, f"{case}: PyTorch accepted it"
    with pytest.raises(type(theirs)) as mine:
        BAD_CALLS[case](minigrad)
    first = re.split(r"(?<=[.)])\s|\. Hint", _normalised(str(theirs)))[0].rstrip(".")
    first = first.split(" but got ")[0]  # minigrad also names what was passed
    assert first in str(mine.value), (str(theirs), str(mine.value))
    assert re.match(r"(minigrad\.autograd\.functional\.)?(vjp|jvp|jacobian|hessian|vhp|hvp):",
                    str(mine.value)), f"the message names no function: {mine.value}"


# --- against numbers that do not come from minigrad's backward -----------------------------------
def test_jacobian_matches_central_differences():
    def func(x, y):
        return ((x[:, None] * y).sin() @ y.exp(), (x * x).sum() * y.prod())
    x = minigrad.tensor(A, dtype=minigrad.float64, requires_grad=True)
    y = minigrad.tensor(np.array([0.4, -0.9, 1.3]), dtype=minigrad.float64, requires_grad=True)
    numerical = numerical_jacobians(func, [x, y], eps=1e-6)
    jac = jacobian(func, (x, y))
    for o in range(2):
        for i in range(2):
            got = jac[o][i].numpy().reshape(numerical[o][i].shape)
            np.testing.assert_allclose(got, numerical[o][i], rtol=1e-7, atol=1e-8)


def test_hessian_and_products_match_the_analytic_hessian():
    x = minigrad.tensor(A, dtype=minigrad.float64)
    v = minigrad.tensor(np.array([1.0, -2.0, 0.5]), dtype=minigrad.float64)

    def quadratic(t):  # t.M t / 2 + sum(sin t): H = (M + M^T) / 2 - diag(sin t)
        return (t @ (minigrad.tensor(M) @ t)) / 2 + t.sin().sum()
    expected = (M + M.T) / 2 - np.diag(np.sin(A))
    np.testing.assert_allclose(hessian(quadratic, x).numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(hvp(quadratic, x, v)[1].numpy(), expected @ v.numpy(), rtol=1e-12)
    np.testing.assert_allclose(vhp(quadratic, x, v)[1].numpy(), v.numpy() @ expected,
                               rtol=1e-12)
    value, product = jvp(lambda t: minigrad.tensor(M) @ t.exp(), x, v)
    np.testing.assert_allclose(product.numpy(), M @ (np.exp(A) * v.numpy()), rtol=1e-12)
    np.testing.assert_allclose(value.numpy(), M @ np.exp(A), rtol=1e-12)


# --- create_graph: the results can be differentiated again -------------------------------------
@pytest.mark.parametrize("name", ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"])
def test_create_graph_results_differentiate_like_pytorchs(name):
    def program(lib):
        x = f64(lib, A, requires_grad=True)
        v = f64(lib, [1.0, -2.0, 0.5])
        fn = getattr(lib.autograd.functional, name)
        func = (lambda t: (t ** 3).sum() * t.sin().sum()) if name in ("hessian", "vhp", "hvp") \
            else (lambda t: t.exp() * (t ** 2).sum())
        result = fn(func, x, create_graph=True) if name in ("jacobian", "hessian") \
            else fn(func, x, v, create_graph=True)[1]
        (result * lib.arange(result.numel(), dtype=lib.float64).reshape(result.shape)).sum() \
            .backward()
        return result, x.grad
    compare(program, name)


def test_without_create_graph_the_inputs_are_left_alone():
    x = minigrad.tensor(A, requires_grad=True)
    with minigrad.no_grad():
        jac = jacobian(lambda t: t * t, x)
    assert not jac.requires_grad and x.grad is None
    np.testing.assert_allclose(jac.numpy(), np.diag(2 * A.astype(np.float32)), rtol=1e-6)
    seen = []
    vjp(lambda t: seen.append(t) or t.sum(), x)
    assert seen[0] is not x and seen[0].requires_grad
