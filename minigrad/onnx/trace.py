"""Run a model once and read the graph it leaves behind as a list of steps.

A step is one graph node in topological order: its primitive's registry name, its
arguments (each a `Value` made by an earlier step or a graph input, a
`Constant`, or a plain Python object such as a stride), and its output values.

Tensors that are not computed in the graph become constants. A parameter or buffer of the
model is a constant named by its state-dict key; anything else (a number in ``x * 2``, a
mask) is an anonymous constant.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..autograd import enable_grad
from ..autograd.details import record_details
from ..autograd.function import Node
from ..internal import array_of
from ..tensor import Tensor
from .errors import OnnxExporterError


@dataclass(eq=False)
class Value:
    """A tensor computed by the graph (or fed into it): ``shape`` in this trace,
    ``dynamic`` marks the dims whose size follows a dynamic axis."""

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    dynamic: tuple[bool, ...] = ()
    tensor: Any = None  # the live tensor of this trace, when known (for derived constants)


@dataclass(eq=False)
class Constant:
    """A tensor used by the graph but not computed in it; ``key`` is its state-dict key
    when it is a parameter or buffer of the model."""

    tensor: Tensor
    key: str | None = None

    @property
    def array(self) -> np.ndarray:
        return array_of(self.tensor)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.tensor.shape)

    @property
    def dtype(self) -> np.dtype:
        return self.tensor.dtype

    @property
    def dynamic(self) -> tuple[bool, ...]:
        return (False,) * len(self.shape)


@dataclass(eq=False)
class Step:
    """One primitive call of the recorded forward pass."""

    op: str
    args: list
    kwargs: dict
    outputs: list[Value]
    scope: tuple
    index: int
    edges: list = field(default_factory=list)  # per arg: (step index, output) or None
    pads: Any = None  # (input, [top, left, bottom, right]) when a pad step folds in here
    probe_args: list = field(default_factory=list)  # the args in the run at other sizes

    def out(self, k: int = 0) -> str:
        return self.outputs[k].name


@dataclass
class Trace:
    """The steps of one forward pass, its graph inputs and its outputs (Values)."""

    steps: list[Step]
    inputs: list[Value]
    outputs: list[Value | Constant]


def run(model: Any, inputs: list[Tensor]) -> tuple[list[Tensor], list[Tensor]]:
    """Call ``model`` on leaf copies of ``inputs`` that require grad, recording details.

    Returns the traced inputs and the outputs (a flat list of tensors).
    """
    traced = [x.detach().requires_grad_(True) for x in inputs]
    with enable_grad(), record_details():
        result = model(*traced)
    outputs = list(result) if isinstance(result, (tuple, list)) else [result]
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            raise OnnxExporterError(f"minigrad.onnx.export: the model must return a Tensor or "
                                    f"a tuple of Tensors, got {type(out).__name__} at output {i}")
    return traced, outputs


def topological(outputs: list[Tensor]) -> list[Node]:
    """The graph nodes behind ``outputs``, each after the nodes it reads (iterative DFS)."""
    order: list[Node] = []
    seen: set[int] = set()
    stack = [(out.grad_fn, False) for out in reversed(outputs) if isinstance(out.grad_fn, Node)]
    while stack:
        node, finished = stack.pop()
        if finished:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for edge in reversed(node.next_edges):
            if edge is not None and isinstance(edge[0], Node) and id(edge[0]) not in seen:
                stack.append((edge[0], False))
    return order


def node_inputs(node: Node) -> tuple:
    """The arguments ``node`` was called with (recorded inside ``record_details``)."""
    inputs = getattr(node, "inputs", None)
    if inputs is None or len(inputs) != len(node.next_edges):
        raise OnnxExporterError(f"minigrad.onnx.export: the {node.function.name} node has no "
                                "recorded inputs (it was made outside record_details)")
    return tuple(inputs)


def read(nodes: list[Node], inputs: list[Tensor], outputs: list[Tensor],
         names: dict[int, str]) -> Trace:
    """Turn recorded nodes into steps. ``names`` maps id(parameter or buffer) to its key."""
    by_node: dict[int, Step] = {}
    graph_inputs = [Value(f"input_{i}", tuple(x.shape), x.dtype, tensor=x)
                    for i, x in enumerate(inputs)]
    input_ids = {id(x): v for x, v in zip(inputs, graph_inputs)}
    positions = {id(x): i for i, x in enumerate(inputs)}
    constants: dict[int, Constant] = {}

    def constant(t: Tensor) -> Constant:
        if id(t) not in constants:
            constants[id(t)] = Constant(t, names.get(id(t)))
        return constants[id(t)]

    def argument(arg: Any, edge: Any) -> tuple[Any, Any]:
        if not isinstance(arg, Tensor):
            return arg, None
        if edge is not None and isinstance(edge[0], Node):
            producer = by_node[id(edge[0])]
            return producer.outputs[edge[1]], (producer.index, edge[1])
        if id(arg) in input_ids:
            return input_ids[id(arg)], ("input", positions[id(arg)])
        return constant(arg), None

    steps = []
    for index, node in enumerate(nodes):
        # the registry name ("conv2d"), not node.name() (ConvBackward0); a Function that
        # was never registered goes by its class name (and has no lowering)
        op = node.function.name or node.function.__name__
        outs = [Value(f"{op}_{index}" + (f"_{k}" if k else ""), tuple(shape), dtype)
                for k, (shape, dtype) in enumerate(node.output_meta)]
        for k, tensor in enumerate(node.outputs()):
            outs[k].tensor = tensor
        pairs = [argument(a, e) for a, e in zip(node_inputs(node), node.next_edges)]
        step = Step(op, [p[0] for p in pairs], dict(node.kwargs), outs,
                    tuple(node.scope), index, [p[1] for p in pairs])
        by_node[id(node)] = step
        steps.append(step)
    return Trace(steps, graph_inputs, [_output(t, by_node, input_ids, constant)
                                       for t in outputs])


def _output(t: Tensor, by_node: dict, input_ids: dict, constant: Any) -> Value | Constant:
    node = t.grad_fn
    if isinstance(node, Node):
        k = next(i for i, o in enumerate(node.outputs()) if o is t)
        return by_node[id(node)].outputs[k]
    return input_ids.get(id(t)) or constant(t)
