"""Coverage by construction: every registered primitive passes gradcheck (and gradgradcheck
where its spec says so) on inputs drawn by hypothesis.

The list of primitives comes from the registry, not from this file: a primitive added
without an entry in tests/primitive_specs.py fails ``test_primitive_has_a_spec`` and
``test_gradients_match_finite_differences``.
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest
from hypothesis import given

import minigrad
from minigrad.autograd import Node, primitives
from minigrad.testing import gradcheck, gradgradcheck

from primitive_specs import SPECS, Case


def _import_all_of_minigrad() -> None:
    """Import every module of the package, so every primitive it defines is registered
    (some live in modules that ``import minigrad`` alone does not load)."""
    for module in pkgutil.walk_packages(minigrad.__path__, "minigrad."):
        try:
            importlib.import_module(module.name)
        except Exception:  # an optional dependency (graphviz, ...) is missing
            pass


_import_all_of_minigrad()
PRIMITIVES = sorted(primitives())


def _graph_names(outputs) -> set[str]:
    outputs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
    stack = [o.grad_fn for o in outputs if o.grad_fn is not None]
    seen, names = set(), set()
    while stack:
        node = stack.pop()
        if id(node) in seen or not isinstance(node, Node):
            continue
        seen.add(id(node))
        names.add(node.function.name)
        stack.extend(e[0] for e in node.next_edges if e is not None)
    return names


def test_the_registry_lists_the_core_primitives():
    core = {"add", "sub", "mul", "div", "pow", "neg", "exp", "log", "sqrt", "sin", "cos",
            "tanh", "sigmoid", "relu", "abs", "maximum", "minimum", "clamp", "where", "sum",
            "amax", "amin", "matmul", "reshape", "permute", "expand", "cat", "pad",
            "getitem", "index_add_at", "setitem", "gather", "scatter_add", "cast", "clone"}
    assert core <= set(PRIMITIVES), sorted(core - set(PRIMITIVES))


def test_every_spec_names_a_registered_primitive():
    # A spec left behind by a renamed or removed primitive would test nothing.
    assert sorted(set(SPECS) - set(PRIMITIVES)) == []


@pytest.mark.parametrize("name", PRIMITIVES)
def test_primitive_has_a_spec(name):
    assert name in SPECS, (f"primitive {name!r} has no entry in tests/primitive_specs.py: "
                           "add a strategy that draws valid inputs for it")


@pytest.mark.parametrize("name", PRIMITIVES)
def test_gradients_match_finite_differences(name):
    spec = SPECS.get(name)
    if spec is None:
        pytest.fail(f"primitive {name!r} has no entry in tests/primitive_specs.py")

    @given(case=spec.cases)
    def check(case: Case) -> None:
        out = case.fn(*case.inputs)
        # The case must really run this primitive, or the check proves nothing about it.
        assert name in _graph_names(out), (name, case)
        assert gradcheck(case.fn, case.inputs, **case.check)
        if spec.second_order:
            assert gradgradcheck(case.fn, case.inputs, **case.check)

    check()
