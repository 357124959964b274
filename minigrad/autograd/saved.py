"""Values a node keeps for backward, and the check that they were not changed since.

``ctx.save_for_backward(x, out)`` in a forward hands over arrays; ``Function.apply`` then
works out what each one is (an input tensor, an output of the node, or a constant) and
keeps a `SavedValue` for it, together with the version its tensor had. At backward,
``unpack`` checks that version first: an in-place change to a saved tensor since the
forward makes backward raise instead of computing a gradient from the wrong values.

A saved input comes back as the tensor itself, connected to the graph, so a backward rule
written with minigrad ops stays differentiable. If an in-place op in grad mode has since
given that tensor a new array and node (see ``ops/inplace.py``), a stand-in tensor with
the saved array and node is made instead.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor

CONSTANT = -1  # output_nr of a saved value that is not connected to the graph


class SavedValue:
    """One saved value: the array as it was, its place in the graph, and its version."""

    __slots__ = ("array", "tensor", "grad_fn", "output_nr", "version", "expected")

    def __init__(self, array: np.ndarray, version: Any, tensor: Tensor | None = None,
                 grad_fn: Any = None, output_nr: int = CONSTANT) -> None:
        self.array, self.tensor, self.grad_fn, self.output_nr = array, tensor, grad_fn, output_nr
        self.version = version
        self.expected = version.value if version is not None else 0


def save(values: tuple, args: tuple, raw: list, outs: list) -> tuple:
    """A SavedValue for each of ``values`` (what forward passed to ``save_for_backward``).

    Outputs are matched against what forward returned (``raw``), since a 0-d result may
    be a NumPy scalar that ``apply`` had to turn into an array. An output is kept as an
    array with its output number, so the node does not reference its own outputs.
    """
    saved = []
    for value in values:
        if value is None:
            saved.append(None)
            continue
        saved.append(_find(value, args, raw, outs))
    return tuple(saved)


def _find(value: Any, args: tuple, raw: list, outs: list) -> SavedValue:
    if isinstance(value, Tensor):
        return _input(value)
    for arg in args:
        if isinstance(arg, Tensor) and arg._data is value:
            return _input(arg)
    for i, (returned, out) in enumerate(zip(raw, outs)):
        if returned is value:
            return SavedValue(out._data, out._get_version(),
                              output_nr=i if out._grad_fn is not None else CONSTANT)
    return SavedValue(np.asarray(value), None)


def _input(t: Tensor) -> SavedValue:
    return SavedValue(t._data, t._get_version(), tensor=t, grad_fn=t._grad_fn,
                      output_nr=t._output_nr)


def check_version(node: Any, saved: SavedValue) -> None:
    """Raise if the saved tensor was modified in place after it was saved."""
    if saved.version is not None and saved.version.value != saved.expected:
        shape = list(saved.array.shape if saved.tensor is None else saved.tensor.shape)
        raise RuntimeError(
            f"{node.name()}: one of the variables needed for gradient computation has been "
            f"modified by an inplace operation: [tensor of shape {shape}, dtype "
            f"{saved.array.dtype}] is at version {saved.version.value}; expected version "
            f"{saved.expected} instead.")


def unpack(node: Any, saved: SavedValue | None) -> Tensor | None:
    """The saved value as a tensor connected to the graph (see the module docstring)."""
    if saved is None:
        return None
    check_version(node, saved)
    tensor = saved.tensor
    if tensor is not None:
        if tensor._grad_fn is saved.grad_fn:  # (``.data = ...`` swaps arrays untracked)
            return tensor
        replica = Tensor._wrap(saved.array, saved.grad_fn, saved.output_nr)
    elif saved.output_nr != CONSTANT:
        replica = Tensor._wrap(saved.array, node, saved.output_nr)
    else:
        return Tensor._wrap(saved.array)
    replica._version = saved.version
    return replica


def unpack_array(node: Any, saved: SavedValue | None) -> np.ndarray | None:
    """The saved value as an array, for rules that run on arrays."""
    if saved is None:
        return None
    check_version(node, saved)
    tensor = saved.tensor
    if tensor is not None and tensor._grad_fn is saved.grad_fn:
        return tensor._data
    return saved.array
