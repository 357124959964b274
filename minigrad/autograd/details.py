"""Details of each graph node that only drawings and exporters need, recorded on request.

An ordinary forward records what backward needs and nothing more. Inside
``with record_details():`` every node also keeps

* ``node.inputs``: the arguments of the call as given (tensors included),
* ``node.kwargs``: its keyword arguments,
* ``node.scope``: the ``nn.Module`` path it ran in (outermost first),

which ``minigrad.viz`` uses for module clusters and op attributes, and the ONNX exporter
for the graph it writes. Outside, those are ``()``, ``{}`` and ``()``.
"""
from __future__ import annotations

import inspect
import weakref
from typing import Any

import numpy as np

_depth = 0


def enabled() -> bool:
    """Whether nodes made now record their details."""
    return _depth > 0


class record_details:
    """Context manager: nodes made inside keep their inputs, keyword arguments and scope.

    Examples
    --------
    >>> with record_details():
    ...     y = model(x)
    >>> minigrad.viz.draw_graph(y)   # with module clusters and op attributes
    """

    def __enter__(self) -> "record_details":
        global _depth
        _depth += 1
        return self

    def __exit__(self, *exc: Any) -> None:
        global _depth
        _depth -= 1


def record(node: Any, args: tuple, kwargs: dict, outputs: list) -> None:
    """Keep a node's inputs, keyword arguments, scope and (weakly) its outputs."""
    from . import scope

    node.inputs, node.kwargs, node.scope = args, kwargs, scope.current()
    node._output_refs = tuple(weakref.ref(t) for t in outputs)


def attributes(node: Any) -> dict[str, Any]:
    """Non-tensor arguments of a recorded call that differ from ``forward``'s defaults."""
    try:
        params = list(inspect.signature(node.function.forward).parameters.values())[1:]
    except (TypeError, ValueError):
        return {}
    given = [(p, v) for p, v in zip(params, node.inputs)]
    given += [(p, node.kwargs[p.name]) for p in params if p.name in node.kwargs]
    found: dict[str, Any] = {}
    for param, value in given:
        if isinstance(value, np.ndarray) or hasattr(value, "grad_fn"):
            continue  # tensors and arrays are inputs, not attributes
        if param.default is not inspect.Parameter.empty and _same(value, param.default):
            continue
        found[param.name] = value
    return found


def input_meta(node: Any) -> tuple:
    """(shape, dtype) per positional input: from the recorded inputs when there are some,
    else from the edges (an input without an edge is then unknown: None)."""
    if node.inputs:
        return tuple((a.shape, a.dtype) if hasattr(a, "grad_fn") else None for a in node.inputs)
    return tuple(None if edge is None else _edge_meta(edge) for edge in node.next_edges)


def _edge_meta(edge: tuple) -> tuple:
    target, nr = edge
    if hasattr(target, "variable"):
        return target.variable.shape, target.variable.dtype
    return target.output_meta[nr]


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return False
