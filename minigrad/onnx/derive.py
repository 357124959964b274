"""Constants that the forward pass computed from the data outside the graph.

A few functions compute a helper array straight from a tensor's values, without a graph
node, because no gradient flows through it: ``softmax``, ``log_softmax`` and ``logsumexp``
subtract the maximum (a shift that cancels out), and ``leaky_relu`` and ``std`` choose with
a mask such as ``x > 0``; ``max(x, dim)`` gathers at the argmax. In a trace those arrays
look like constants, and baking them into the file would be wrong for any other input.

``recognise`` finds them: an array equal to the maximum of a tensor the same step reads,
over the dims where the array has size 1, becomes ReduceMax of that tensor; a bool array
equal to a comparison of such a tensor with 0 becomes Greater/Less/... of it; an index
array equal to its argmax or argmin along a dim becomes ArgMax/ArgMin. Any other
constant that changes with the input is caught by the second trace (see ``consistency``)
and refused.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..internal import array_of
from .builder import GraphBuilder
from .trace import Constant, Step, Value

# (NumPy comparison, ONNX operator), tried in this order
_COMPARISONS = ((np.greater, "Greater"), (np.less, "Less"),
                (np.greater_equal, "GreaterOrEqual"), (np.less_equal, "LessOrEqual"))

Recipe = Callable[[GraphBuilder], str]


def _array(arg: Any) -> np.ndarray | None:
    if isinstance(arg, Constant) and arg.key is None:
        return arg.array
    return arg if isinstance(arg, np.ndarray) else None


def _identity(arg: Any) -> int:
    return id(arg.tensor) if isinstance(arg, Constant) else id(arg)


def _max_recipe(array: np.ndarray, value: Value) -> Recipe | None:
    data = array_of(value.tensor)
    if array.dtype.kind != "f" or array.ndim != data.ndim or data.size == 0:
        return None
    if any(a not in (1, d) for a, d in zip(array.shape, data.shape)):
        return None
    axes = tuple(i for i, (a, d) in enumerate(zip(array.shape, data.shape)) if a == 1 and d != 1)
    if not axes or not np.array_equal(array, np.max(data, axis=axes, keepdims=True)):
        return None
    return lambda g: g.reduce("ReduceMax", g.name(value), axes, keepdims=True)


def _mask_recipe(array: np.ndarray, value: Value) -> Recipe | None:
    data = array_of(value.tensor)
    if array.dtype != np.bool_ or array.shape != data.shape:
        return None
    for compare, op_type in _COMPARISONS:
        if np.array_equal(array, compare(data, 0)):
            return lambda g, op_type=op_type: g.op(
                op_type, [g.name(value), g.constant(0, value.dtype, "zero")])
    return None


def _arg_recipe(array: np.ndarray, value: Value) -> Recipe | None:
    """An index array that is the argmax (or argmin) of ``value`` along one dim, as
    ``max(x, dim)`` gathers with."""
    data = array_of(value.tensor)
    if array.dtype.kind not in "iu" or array.ndim != data.ndim or data.size == 0:
        return None
    for dim in range(data.ndim):
        if array.shape != data.shape[:dim] + (1,) + data.shape[dim + 1:]:
            continue
        for find, op_type in ((np.argmax, "ArgMax"), (np.argmin, "ArgMin")):
            if np.array_equal(array, find(data, axis=dim, keepdims=True)):
                return lambda g, op_type=op_type, dim=dim: g.op(
                    op_type, [g.name(value)], axis=dim, keepdims=1, select_last_index=0)
    return None


def recognise(step: Step, known: set[int]) -> dict[int, Recipe]:
    """Recipes for the constants of ``step`` that are computed from its tensor arguments,
    keyed by the identity of the constant; ``known`` holds those recognised earlier."""
    values = [a for a in step.args if isinstance(a, Value) and a.tensor is not None]
    found: dict[int, Recipe] = {}
    for arg in step.args:
        array = _array(arg)
        if array is None or _identity(arg) in known:
            continue
        for value in values:
            recipe = (_max_recipe(array, value) or _mask_recipe(array, value)
                      or _arg_recipe(array, value))
            if recipe is not None:
                found[_identity(arg)] = recipe
                break
    return found


def emit(g: GraphBuilder, step: Step) -> None:
    """Write the recognised constants of ``step`` into the graph (once each)."""
    for identity, recipe in recognise(step, set(g.derived)).items():
        g.derived[identity] = recipe(g)
