"""The second trace: which dims follow the dynamic axes, and which constants are not.

``export`` runs the model twice: on the example inputs, and on a probe of random values
whose dynamic axes are one longer. The two graphs must have the same steps. A dim whose
size differs between them follows a dynamic axis (``Value.dynamic``). A constant or a
plain argument (a stride, a slice bound) must be the same in both; one that differs was
computed from the input's values or sizes outside the graph, and a file holding the first
run's number would be wrong for other inputs, so the export is refused.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..internal import array_of, wrap
from ..tensor import Tensor
from .derive import recognise
from .errors import UnsupportedOperatorError
from .table import LOWERINGS
from .trace import Constant, Step, Trace, Value


def probe(inputs: list[Tensor], axes: dict[int, dict[int, str]], seed: int = 0) -> list[Tensor]:
    """Random inputs like ``inputs`` (same mean and spread), each dynamic axis one longer."""
    rng = np.random.default_rng(seed)
    probes = []
    for i, x in enumerate(inputs):
        data = array_of(x)
        shape = tuple(n + 1 if d in axes.get(i, {}) else n for d, n in enumerate(data.shape))
        spread = float(np.std(data)) if data.size else 1.0
        centre = float(np.mean(data)) if data.size else 0.0
        values = rng.standard_normal(shape) * (spread or 1.0) + centre
        probes.append(wrap(values.astype(data.dtype)))
    return probes


def mark_dynamic(first: Trace, second: Trace, where: Any) -> None:
    """Check that the traces match step by step and set ``dynamic`` on every Value of
    ``first``; ``where(step)`` names a step's module for error messages."""
    if [s.op for s in first.steps] != [s.op for s in second.steps]:
        raise UnsupportedOperatorError(
            "the model runs different primitives on inputs of other values or sizes "
            "(Python control flow on the data?); such a graph has no single ONNX form")
    for a, b in zip(first.inputs, second.inputs):
        a.dynamic = _differs(a.shape, b.shape)
    known_first: set[int] = set()
    known_second: set[int] = set()
    for s1, s2 in zip(first.steps, second.steps):
        for v1, v2 in zip(s1.outputs, s2.outputs):
            v1.dynamic = _differs(v1.shape, v2.shape)
        s1.probe_args = s2.args
        if s1.edges != s2.edges:
            raise UnsupportedOperatorError(f"{s1.op}{where(s1)}: its inputs come from other "
                                           "steps on other input values")
        derived_first = set(recognise(s1, known_first))
        derived_second = set(recognise(s2, known_second))
        known_first |= derived_first
        known_second |= derived_second
        _compare_arguments(s1, s2, known_first, known_second, where)
    for o1, o2 in zip(first.outputs, second.outputs):
        if isinstance(o1, Constant) and not _same(o1.array, o2.array):
            raise UnsupportedOperatorError("an output of the model does not depend on the graph "
                                           "inputs but changes with them")


def _differs(a: tuple, b: tuple) -> tuple[bool, ...]:
    return tuple(x != y for x, y in zip(a, b))


def _identity(arg: Any) -> int:
    return id(arg.tensor) if isinstance(arg, Constant) else id(arg)


def _compare_arguments(s1: Step, s2: Step, known1: set, known2: set, where: Any) -> None:
    varying = getattr(LOWERINGS.get(s1.op), "varying", frozenset())
    pairs = list(enumerate(zip(s1.args, s2.args))) + \
        [(k, (v, s2.kwargs.get(k))) for k, v in s1.kwargs.items()]
    for position, (a, b) in pairs:
        if isinstance(a, Value) or position in varying:
            continue
        if isinstance(a, Constant) and a.key is not None:
            continue  # a parameter or buffer: the same tensor in both runs
        if (_identity(a) in known1) and (_identity(b) in known2):
            continue
        if _same(a.array if isinstance(a, Constant) else a,
                 b.array if isinstance(b, Constant) else b):
            continue
        what = "a constant tensor" if isinstance(a, (Constant, np.ndarray)) else \
            f"its argument {position} ({_short(a)} here, {_short(b)} in a run at other sizes)"
        raise UnsupportedOperatorError(
            f"{s1.op}{where(s1)}: {what} changes with the input's values or sizes; it was "
            "computed outside the graph (from .item(), .numpy(), a shape, or a comparison "
            "the exporter does not recognise), so no fixed ONNX graph reproduces it")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype == b.dtype and \
            bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if hasattr(a, "basic") and hasattr(a, "advanced"):  # an index key
        return type(a) is type(b) and _same(a.basic, b.basic) and _same(a.advanced, b.advanced)
    try:
        return bool(a == b)
    except Exception:
        return a is b


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
