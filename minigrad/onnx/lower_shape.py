"""Lowerings of the movement and indexing primitives: reshape, permute, expand, cat, pad,
getitem with constant indices, gather.

Shapes recorded in a trace are concrete numbers. Where a dim follows a dynamic axis
(``Value.dynamic``), reshape writes 0 (copy the input's size) or -1 (infer it) instead, so
the file runs at any batch size.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .builder import INT64_MAX, INT64_MIN, GraphBuilder
from .errors import UnsupportedOperatorError
from .table import lowers
from .trace import Step


def _unsupported(step: Step, what: str) -> UnsupportedOperatorError:
    return UnsupportedOperatorError(f"{step.op}: {what}")


@lowers("reshape", varying=(1,))
def lower_reshape(g: GraphBuilder, step: Step) -> None:
    """Reshape(x, shape): static dims as numbers; a dynamic dim that keeps the input's size
    at the same position is 0, and at most one other dynamic dim is -1."""
    x, out = step.args[0], step.outputs[0]
    target = []
    for j, (size, dynamic) in enumerate(zip(out.shape, out.dynamic or (False,) * len(out.shape))):
        if not dynamic:
            target.append(size)
        elif (j < len(x.shape) and x.dynamic[j] and x.shape[j] == size
              and math.prod(x.shape[:j]) == math.prod(out.shape[:j])):
            target.append(0)
        else:
            target.append(-1)
    if target.count(-1) > 1:
        raise _unsupported(step, f"a reshape from {list(x.shape)} to {list(out.shape)} mixes "
                           "dynamic axes in a way one ONNX Reshape cannot express")
    g.op("Reshape", [g.name(x), g.ints(target, "shape")], step.out())


@lowers("permute")
def lower_permute(g: GraphBuilder, step: Step) -> None:
    """Transpose(x, perm=dims)."""
    g.op("Transpose", [g.name(step.args[0])], step.out(), perm=list(step.args[1]))


@lowers("expand", varying=(1,))
def lower_expand(g: GraphBuilder, step: Step) -> None:
    """Expand(x, shape); a dynamic dim is 1 there (Expand keeps the input's size)."""
    x, out = step.args[0], step.outputs[0]
    lead = len(out.shape) - len(x.shape)
    target = []
    for j, size in enumerate(out.shape):
        if out.dynamic and out.dynamic[j]:
            if j < lead or not x.dynamic[j - lead]:
                raise _unsupported(step, f"expanding {list(x.shape)} to {list(out.shape)} "
                                   "grows a dim to the size of a dynamic axis")
            size = 1
        target.append(size)
    g.op("Expand", [g.name(x), g.ints(target, "shape")], step.out())


@lowers("cat")
def lower_cat(g: GraphBuilder, step: Step) -> None:
    """Concat(*inputs, axis=dim)."""
    g.op("Concat", [g.name(a) for a in step.args], step.out(), axis=int(step.kwargs.get("dim", 0)))


@lowers("pad")
def lower_pad(g: GraphBuilder, step: Step) -> None:
    """Pad(x, pads=[begins..., ends...], value) in constant mode."""
    x, widths = step.args[0], step.args[1]
    value = step.kwargs.get("value", step.args[2] if len(step.args) > 2 else 0.0)
    pads = [lo for lo, _ in widths] + [hi for _, hi in widths]
    fill = g.constant(value, step.outputs[0].dtype, "pad_value")
    g.op("Pad", [g.name(x), g.ints(pads, "pads"), fill], step.out(), mode="constant")


@lowers("gather")
def lower_gather(g: GraphBuilder, step: Step) -> None:
    """GatherElements(x, index, axis=dim): a constant index, or the ArgMax/ArgMin that
    ``max(x, dim)`` gathers at (see ``derive``)."""
    x, dim, index = step.args
    name = g.derived.get(id(index)) or g.initializer(np.asarray(index, np.int64), hint="index")
    g.op("GatherElements", [g.name(x), name], step.out(), axis=int(dim))


# --- getitem -------------------------------------------------------------------------------
@lowers("getitem")
def lower_getitem(g: GraphBuilder, step: Step) -> None:
    """x[index] with a constant index: slices -> Slice, ints -> Gather with a scalar index
    (which drops the dim), None -> Unsqueeze, then at most one integer array (or 1-D bool
    mask) -> Gather along its dim."""
    x, key = step.args[0], step.args[1]
    name, ndim = g.name(x), len(x.shape)
    basic = _expand_ellipsis(tuple(getattr(key, "basic", ())), ndim)
    axis = 0
    for item in basic:
        if item is None:
            name = g.op("Unsqueeze", [name, g.ints([axis], "axes")])
            axis += 1
        elif isinstance(item, slice):
            if item != slice(None):
                name = _slice(g, name, axis, item)
            axis += 1
        else:
            name = g.op("Gather", [name, g.constant(int(item), np.int64, "index")], axis=axis)
    name = _advanced(g, step, name, tuple(getattr(key, "advanced", ())))
    g.op("Identity", [name], step.out())


def _expand_ellipsis(basic: tuple, ndim: int) -> tuple:
    consumed = sum(1 for item in basic if item is not None and item is not Ellipsis)
    out: list[Any] = []
    for item in basic:
        if item is Ellipsis:
            out.extend([slice(None)] * (ndim - consumed))
            consumed = ndim  # a second Ellipsis (not allowed by NumPy) would add nothing
        else:
            out.append(item)
    return tuple(out)


def _slice(g: GraphBuilder, name: str, axis: int, item: slice) -> str:
    step = 1 if item.step is None else int(item.step)
    start = item.start if item.start is not None else (0 if step > 0 else INT64_MAX)
    stop = item.stop if item.stop is not None else (INT64_MAX if step > 0 else INT64_MIN)
    return g.op("Slice", [name, g.ints([start], "starts"), g.ints([stop], "ends"),
                          g.ints([axis], "axes"), g.ints([step], "steps")])


def _advanced(g: GraphBuilder, step: Step, name: str, items: tuple) -> str:
    arrays = [(i, item) for i, item in enumerate(items) if isinstance(item, np.ndarray)]
    if not arrays:
        return name
    if len(arrays) > 1 or any(not isinstance(i, (slice, np.ndarray)) for i in items):
        raise _unsupported(step, "indexing with more than one index array is not exportable "
                           "(one integer array or 1-D bool mask is)")
    position, index = arrays[0]
    if index.dtype == np.bool_:
        if index.ndim != 1:
            raise _unsupported(step, f"a {index.ndim}-D bool mask is not exportable (its "
                               "result's shape depends on the values)")
        index = np.flatnonzero(index)
    axis = sum(1 for item in items[:position])
    return g.op("Gather", [name, g.initializer(index.astype(np.int64), hint="index")], axis=axis)
