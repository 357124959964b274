"""Lowerings of whole module calls, where ONNX has one operator for what minigrad computes
with several primitives.

``nn.BatchNorm1d``/``nn.BatchNorm2d`` in eval mode, with running statistics, become one
BatchNormalization whose inputs are the module's own parameters and buffers (named by
their state-dict keys). In eval, ``batch_norm`` computes ``(x - mean) / sqrt(var + eps)``
from the buffers outside the graph, so without this the statistics would reach the file
only as an anonymous, pre-computed constant.

A module call is lowered as a whole when every step made inside it (its scope ends with
the module) reads one value from outside and one of its values is read outside.
Otherwise its steps are lowered one by one, which computes the same numbers.
"""
from __future__ import annotations

from typing import Any, Callable

from ..internal import array_of
from .builder import GraphBuilder
from .trace import Step, Value


class ModuleCall:
    """The steps of one call of a module, its one input value and its one output value."""

    def __init__(self, module: Any, steps: list[Step], input: Value, output: Value) -> None:
        self.module, self.steps, self.input, self.output = module, steps, input, output


def _batch_norm(g: GraphBuilder, call: ModuleCall, keys: dict[int, str]) -> None:
    m = call.module
    dtype = call.output.dtype
    channels = m.num_features

    def tensor_or(value: Any, fill: float) -> str:
        if value is not None:
            return g.initializer(array_of(value), keys.get(id(value)))
        return g.constant([fill] * channels, dtype, "bn_default")

    g.op("BatchNormalization",
         [g.name(call.input), tensor_or(m.weight, 1.0), tensor_or(m.bias, 0.0),
          g.initializer(array_of(m.running_mean), keys.get(id(m.running_mean))),
          g.initializer(array_of(m.running_var), keys.get(id(m.running_var)))],
         call.output.name, epsilon=float(m.eps))


def _is_eval_batch_norm(module: Any, steps: list[Step]) -> bool:
    return (not module.training and module.running_mean is not None
            and all(s.op in ("sub", "div", "mul", "add", "reshape") for s in steps))


def _lowering(module: Any) -> Callable | None:
    from ..nn import BatchNorm1d, BatchNorm2d

    if isinstance(module, (BatchNorm1d, BatchNorm2d)):
        return _batch_norm
    return None


def find_calls(steps: list[Step], outputs: list) -> dict[int, tuple[ModuleCall, Callable]]:
    """Module calls that lower as a whole, keyed by the index of their last step."""
    groups: dict[int, list[Step]] = {}
    for step in steps:
        if step.scope and _lowering(step.scope[-1]) is not None:
            groups.setdefault(id(step.scope), []).append(step)
    found = {}
    for members in groups.values():
        module = members[-1].scope[-1]
        call = _as_call(module, members, steps, outputs)
        if call is not None and _is_eval_batch_norm(module, members):
            found[members[-1].index] = (call, _lowering(module))
    return found


def _as_call(module: Any, members: list[Step], steps: list[Step],
             outputs: list) -> ModuleCall | None:
    inside = {id(v) for s in members for v in s.outputs}
    inputs = {id(a): a for s in members for a in s.args
              if isinstance(a, Value) and id(a) not in inside}
    member_ids = {id(s) for s in members}
    read_outside = {id(a): a for s in steps if id(s) not in member_ids for a in s.args
                    if isinstance(a, Value) and id(a) in inside}
    read_outside.update({id(o): o for o in outputs if id(o) in inside})
    if len(inputs) != 1 or len(read_outside) != 1:
        return None
    (output,) = read_outside.values()
    if output is not members[-1].outputs[0]:
        return None
    return ModuleCall(module, members, next(iter(inputs.values())), output)
