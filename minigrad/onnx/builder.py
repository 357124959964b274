"""The ONNX graph under construction: nodes, initializers and the names that join them.

Lowerings talk to a `GraphBuilder`: ``g.name(arg)`` is the ONNX name of a step's
argument (a computed value, or an initializer made on first use for a constant), and
``g.op("Conv", [x, w], out, strides=[1, 1])`` appends a node.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .errors import OnnxExporterError
from .trace import Constant, Step, Value

INT64_MAX = np.iinfo(np.int64).max
INT64_MIN = np.iinfo(np.int64).min


class GraphBuilder:
    """Collects ONNX nodes and initializers for one export."""

    def __init__(self, opset: int) -> None:
        self.opset = opset
        self.nodes: list = []
        self.initializers: dict[str, np.ndarray] = {}
        self.produced: set[str] = set()
        self.derived: dict[int, str] = {}  # id(constant tensor) -> value computed for it
        self._constant_names: dict[int, str] = {}
        self._kept: list = []  # arrays named by id stay alive, so no id is reused
        self._counter = 0
        self.step: Step | None = None  # the step being lowered (names the ONNX nodes)
        self.scope_name = ""

    # --- names ---------------------------------------------------------------------------
    def fresh(self, hint: str) -> str:
        self._counter += 1
        return f"{hint}_t{self._counter}"

    def name(self, arg: Any) -> str:
        """The ONNX name of a step argument: a Value, a Constant, an array or None (absent).

        A constant the graph computes (see ``derive``) is that computation's output."""
        if arg is None:
            return ""
        if isinstance(arg, Value):
            if arg.name not in self.produced:
                raise OnnxExporterError(f"minigrad.onnx.export: {arg.name} is used but was not "
                                        "lowered (it has no ONNX equivalent)")
            return arg.name
        if isinstance(arg, Constant):
            if id(arg.tensor) in self.derived:
                return self.derived[id(arg.tensor)]
            return self.initializer(arg.array, arg.key)
        if isinstance(arg, np.ndarray):  # an array argument, such as where's condition
            return self.derived.get(id(arg)) or self.initializer(arg)
        raise TypeError(f"GraphBuilder.name: expected a Value, Constant or array, got "
                        f"{type(arg).__name__}")

    def initializer(self, array: np.ndarray, key: str | None = None,
                    hint: str = "const") -> str:
        """An initializer holding ``array`` (once per array object), named ``key`` if given."""
        if id(array) in self._constant_names and key is None:
            return self._constant_names[id(array)]
        name = key if key is not None else self.fresh(hint)
        if name not in self.initializers:
            self.initializers[name] = np.require(array, requirements="C")
            self.produced.add(name)
        self._constant_names[id(array)] = name
        self._kept.append(array)
        return name

    def constant(self, value: Any, dtype: Any, hint: str = "const") -> str:
        """A new initializer with ``value`` converted to ``dtype``."""
        array = np.asarray(value, dtype=dtype)
        name = self.fresh(hint)
        self.initializers[name] = array
        self.produced.add(name)
        return name

    def ints(self, values: Sequence[int], hint: str = "ints") -> str:
        """A 1-D int64 initializer (shapes, axes, pads, slice bounds)."""
        return self.constant([int(v) for v in values], np.int64, hint)

    # --- nodes ---------------------------------------------------------------------------
    def op(self, op_type: str, inputs: Sequence[str], outputs: str | Sequence[str] | None = None,
           **attrs: Any) -> str | list[str]:
        """Append a node; returns its output name (or names, when several are given)."""
        from onnx import helper

        single = outputs is None or isinstance(outputs, str)
        names = [outputs or self.fresh(op_type.lower())] if single else list(outputs)
        attrs = {k: v for k, v in attrs.items() if v is not None}
        node_name = f"{self.scope_name}/{op_type}_{len(self.nodes)}"
        self.nodes.append(helper.make_node(op_type, list(inputs), names, name=node_name,
                                           **attrs))
        self.produced.update(names)
        return names[0] if single else names

    def reduce(self, op_type: str, x: str, axes: Sequence[int], out: str | None = None,
               keepdims: bool = True) -> str:
        """ReduceSum/Max/Min/Mean over ``axes``: axes are an input from opset 13 (ReduceSum)
        or 18 (the others), an attribute before."""
        as_input = self.opset >= (13 if op_type == "ReduceSum" else 18)
        if as_input:
            return self.op(op_type, [x, self.ints(axes, "axes")], out, keepdims=int(keepdims))
        return self.op(op_type, [x], out, axes=list(axes), keepdims=int(keepdims))
