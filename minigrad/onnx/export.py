"""``minigrad.onnx.export``: run a model, read its graph, write an ONNX file.

1. The model is put in eval mode (a warning says so when it was training) and run twice
   with node details recorded: on the example inputs, and on random inputs whose dynamic
   axes are one longer (see ``consistency``).
2. Each step is lowered through the table (``table.LOWERINGS``), or a whole module call
   through ``modules``; parameters and buffers become initializers named by their
   state-dict keys.
3. ``onnx.checker`` checks the model, and only then is the file written (atomically when
   ``f`` is a path). Any error leaves ``f`` untouched.
"""
from __future__ import annotations

import os
import warnings
from typing import IO, Any, Mapping, Sequence

import numpy as np

from ..tensor import Tensor
from . import consistency, derive, modules, trace
from . import lower_conv, lower_math, lower_shape  # noqa: F401  (they fill the table)
from .builder import GraphBuilder
from .fold_pads import fold_pads
from .errors import OnnxExporterError, UnsupportedOperatorError
from .table import LOWERINGS, NOT_EXPORTABLE, support

DEFAULT_OPSET = 18
MIN_OPSET = 13


def export(model: Any, args: Any, f: str | os.PathLike | IO[bytes],
           input_names: Sequence[str] | None = None,
           output_names: Sequence[str] | None = None,
           dynamic_axes: Mapping[str, Any] | None = None,
           opset_version: int | None = None) -> Any:
    """Export ``model`` to ONNX, as ``torch.onnx.export`` does.

    Parameters
    ----------
    model : nn.Module or callable
        Run on ``args``. It is exported in eval mode: a model in training mode is switched
        to eval for the export (with a warning) and switched back afterwards.
    args : Tensor or tuple of Tensors
        Example inputs (floating point); they fix every size that is not dynamic.
    f : str, os.PathLike or binary file object
        Where the ``.onnx`` model is written. Nothing is written if the export fails.
    input_names, output_names : sequence of str, optional
        Names of the graph's inputs and outputs; ``input``/``output`` (or ``input_0``,
        ``input_1``, ... for several) by default.
    dynamic_axes : dict, optional
        ``{name: {axis: "symbol"}}`` or ``{name: [axis, ...]}``: input (or output) axes
        whose size may change, e.g. ``{"input": {0: "batch"}}``.
    opset_version : int, optional
        ONNX opset to target, 13 or newer; 18 by default.

    Returns
    -------
    onnx.ModelProto
        The model that was written.

    Raises
    ------
    UnsupportedOperatorError
        A primitive without an ONNX lowering (the message names it and its module), or a
        value computed outside the graph that changes with the input.
    ImportError
        Without the ``onnx`` package (``pip install minigrad[onnx]``).
    """
    onnx = _require_onnx()
    opset = _opset(opset_version, onnx)
    inputs = _as_inputs(args)
    input_names = _names(input_names, len(inputs), "input")
    paths = {id(m): p for p, m in _named_modules(model)}
    keys = _state_keys(model)
    with _eval_mode(model):
        first = _trace(model, inputs, keys)
        output_names = _names(output_names, len(first.outputs), "output")
        axes = _dynamic_axes(dynamic_axes, input_names, output_names, inputs)
        where = _where(paths)
        _check_supported(first, where)
        second = _trace(model, consistency.probe(inputs, axes), keys)
        try:
            consistency.mark_dynamic(first, second, where)
        except UnsupportedOperatorError as err:
            raise UnsupportedOperatorError(f"minigrad.onnx.export: {err}; nothing was "
                                           "written") from None
        proto = _build(first, input_names, output_names, axes, opset, keys, where)
    onnx.checker.check_model(proto, full_check=True)
    _write(proto.SerializeToString(), f)
    return proto


# --- arguments --------------------------------------------------------------------------
def _require_onnx() -> Any:
    try:
        import onnx
    except ImportError as err:
        raise ModuleNotFoundError("minigrad.onnx.export needs the onnx package: pip install "
                                  "\"minigrad[onnx]\" (or pip install onnx)", name="onnx") from err
    return onnx


def _opset(opset_version: int | None, onnx: Any) -> int:
    newest = onnx.defs.onnx_opset_version()
    opset = DEFAULT_OPSET if opset_version is None else int(opset_version)
    if not MIN_OPSET <= opset <= newest:
        raise ValueError(f"minigrad.onnx.export: opset_version must be between {MIN_OPSET} and "
                         f"{newest} (the newest this onnx package knows), got {opset_version}")
    return opset


def _as_inputs(args: Any) -> list[Tensor]:
    items = list(args) if isinstance(args, (tuple, list)) else [args]
    inputs = []
    for i, item in enumerate(items):
        if isinstance(item, np.ndarray):
            from ..internal import wrap
            item = wrap(item)
        if not isinstance(item, Tensor) or item.dtype.kind != "f":
            kind = item.dtype if isinstance(item, Tensor) else type(item).__name__
            raise TypeError(f"minigrad.onnx.export: args must be floating-point Tensors, got "
                            f"{kind} at position {i}")
        inputs.append(item)
    return inputs


def _names(names: Sequence[str] | None, count: int, stem: str) -> list[str]:
    if names is None:
        return [stem] if count == 1 else [f"{stem}_{i}" for i in range(count)]
    names = list(names)
    if len(names) != count or len(set(names)) != count:
        raise ValueError(f"minigrad.onnx.export: expected {count} distinct {stem} names, got "
                         f"{names}")
    return names


def _dynamic_axes(dynamic_axes: Mapping[str, Any] | None, input_names: list[str],
                  output_names: list[str], inputs: list[Tensor]) -> dict:
    """{input index: {axis: symbol}}; output entries are kept under their names."""
    found: dict[Any, dict[int, str]] = {}
    for name, axes in (dynamic_axes or {}).items():
        if name not in input_names and name not in output_names:
            raise ValueError(f"minigrad.onnx.export: dynamic_axes names {name!r}, which is "
                             f"neither an input ({input_names}) nor an output ({output_names})")
        if not isinstance(axes, Mapping):
            axes = {int(a): f"{name}_dynamic_axes_{i + 1}" for i, a in enumerate(axes)}
        key = input_names.index(name) if name in input_names else name
        ndim = inputs[key].ndim if isinstance(key, int) else None
        for axis in axes:
            if ndim is not None and not 0 <= int(axis) < ndim:
                raise ValueError(f"minigrad.onnx.export: dynamic axis {axis} of {name!r} is out "
                                 f"of range for an input of shape {tuple(inputs[key].shape)}")
        found[key] = {int(a): str(s) for a, s in axes.items()}
    return found


# --- model state ------------------------------------------------------------------------
def _named_modules(model: Any) -> list:
    return list(model.named_modules()) if hasattr(model, "named_modules") else []


def _state_keys(model: Any) -> dict[int, str]:
    """id(parameter or buffer) -> its state-dict key (the first, for a shared one)."""
    keys: dict[int, str] = {}
    for table in ("named_parameters", "named_buffers"):
        for name, t in (getattr(model, table)() if hasattr(model, table) else ()):
            keys.setdefault(id(t), name)
    return keys


class _eval_mode:
    """Every module in eval mode inside; each gets its own mode back afterwards."""

    def __init__(self, model: Any) -> None:
        self.modes = [(m, m.training) for _, m in _named_modules(model)]

    def __enter__(self) -> None:
        if any(training for _, training in self.modes[:1]):
            warnings.warn("minigrad.onnx.export: the model is in training mode; it is exported "
                          "in eval mode (dropout off, batch norm with its running statistics)",
                          UserWarning, stacklevel=3)
        for module, _ in self.modes:
            module.training = False

    def __exit__(self, *exc: Any) -> None:
        for module, training in self.modes:
            module.training = training


def _trace(model: Any, inputs: list[Tensor], keys: dict[int, str]) -> trace.Trace:
    traced, outputs = trace.run(model, inputs)
    return trace.read(trace.topological(outputs), traced, outputs, keys)


def _where(paths: dict[int, str]) -> Any:
    """``where(step)``: the module a step ran in, for error messages; ``where.path(step)``:
    its path as ONNX node names show it (``/features/0``, as torch does)."""
    def where(step: trace.Step) -> str:
        if not step.scope:
            return " (outside any module)"
        module = step.scope[-1]
        path = paths.get(id(module), "?")
        return f" (in module {path or '<root>'!r}, {type(module).__name__})"

    def path(step: trace.Step) -> str:
        found = paths.get(id(step.scope[-1]), "") if step.scope else ""
        return "/" + found.replace(".", "/") if found else ""

    where.path = path
    return where


# --- building ---------------------------------------------------------------------------
def _build(first: trace.Trace, input_names: list[str], output_names: list[str], axes: dict,
           opset: int, keys: dict[int, str], where: Any) -> Any:
    g = GraphBuilder(opset)
    for value, name in zip(first.inputs, input_names):
        value.name = name
        g.produced.add(name)
    _name_outputs(first, output_names)
    calls = modules.find_calls(first.steps, first.outputs)
    inside = {id(s) for call, _ in calls.values() for s in call.steps}
    folded = fold_pads(first.steps, first.outputs)
    for step in first.steps:
        g.scope_name = where.path(step)
        if step.index in calls:
            call, lower = calls[step.index]
            lower(g, call, keys)
        elif id(step) not in inside and step.index not in folded:
            _lower(g, step, where)
    outputs = [_output_name(g, value, name) for value, name in zip(first.outputs, output_names)]
    return _model(g, first, outputs, axes)


def _name_outputs(first: trace.Trace, output_names: list[str]) -> None:
    """Give each output value its output name (a value that is an input, a constant or an
    earlier output keeps its name and gets an Identity in ``_output_name``)."""
    taken = {id(v) for v in first.inputs}
    for value, name in zip(first.outputs, output_names):
        if isinstance(value, trace.Value) and id(value) not in taken:
            value.name = name
            taken.add(id(value))


def _output_name(g: GraphBuilder, value: Any, name: str) -> str:
    if getattr(value, "name", None) != name:
        g.scope_name = ""
        g.op("Identity", [g.name(value)], name)
    return name


def _check_supported(first: trace.Trace, where: Any) -> None:
    """Refuse the first step whose primitive has no lowering, naming it and its module."""
    for step in first.steps:
        if step.op not in LOWERINGS:
            reason = NOT_EXPORTABLE.get(step.op, "no ONNX lowering")
            raise UnsupportedOperatorError(f"minigrad.onnx.export: primitive {step.op!r}"
                                           f"{where(step)} cannot be exported to ONNX "
                                           f"({reason}); nothing was written")


def _lower(g: GraphBuilder, step: trace.Step, where: Any) -> None:
    derive.emit(g, step)
    try:
        LOWERINGS[step.op](g, step)
    except UnsupportedOperatorError as err:
        raise UnsupportedOperatorError(f"minigrad.onnx.export: {err}{where(step)}; nothing "
                                       "was written") from None


def _model(g: GraphBuilder, first: trace.Trace, outputs: list[str], axes: dict) -> Any:
    from onnx import helper, numpy_helper

    symbols = _symbols(first, axes)
    graph_inputs = [_value_info(helper, v.name, v, symbols) for v in first.inputs]
    graph_outputs = []
    for i, (value, name) in enumerate(zip(first.outputs, outputs)):
        graph_outputs.append(_value_info(helper, name, value, symbols, axes.get(name, {})))
    initializers = [numpy_helper.from_array(array, name) for name, array in g.initializers.items()]
    graph = helper.make_graph(g.nodes, "minigrad", graph_inputs, graph_outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", g.opset)],
                              producer_name="minigrad")
    model.ir_version = min(model.ir_version, 9)  # readable by ONNX Runtime 1.16 and newer
    return model


def _symbols(first: trace.Trace, axes: dict) -> dict[tuple[int, int], str]:
    """(size in this trace, size in the probe) of each named input axis -> its symbol."""
    symbols = {}
    for i, value in enumerate(first.inputs):
        for axis, symbol in axes.get(i, {}).items():
            symbols[(value.shape[axis], value.shape[axis] + 1)] = symbol
    return symbols


def _value_info(helper: Any, name: str, value: Any, symbols: dict,
                named: dict[int, str] | None = None) -> Any:
    array = value.array if isinstance(value, trace.Constant) else None
    shape = array.shape if array is not None else value.shape
    dtype = array.dtype if array is not None else value.dtype
    dynamic = getattr(value, "dynamic", ()) or (False,) * len(shape)
    dims = []
    for axis, (size, varies) in enumerate(zip(shape, dynamic)):
        if not varies:
            dims.append(int(size))
        else:
            dims.append((named or {}).get(axis) or symbols.get((size, size + 1))
                        or f"{name}_dim{axis}")
    return helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(np.dtype(dtype)),
                                         dims)


def _write(data: bytes, f: Any) -> None:
    if isinstance(f, (str, os.PathLike)):
        from ..serialization import atomic_write
        atomic_write(f, lambda handle: handle.write(data))
    else:
        f.write(data)


__all__ = ["export", "support", "OnnxExporterError", "UnsupportedOperatorError"]
