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

Inside ``saved_tensors_hooks`` (``graph.py``) a value is packed when it is saved and
unpacked when it is read: see `pack` and `unpack_packed`, the only two places that know.
"""
from __future__ import annotations

from typing import Any

import weakref

import numpy as np

from ..tensor import Tensor
from . import graph

CONSTANT = -1  # output_nr of a saved value that is not connected to the graph


class SavedValue:
    """One saved value: the array as it was, its place in the graph, and its version."""

    __slots__ = ("array", "tensor", "grad_fn", "output_nr", "version", "expected", "packed",
                 "unpack_hook")

    def __init__(self, array: np.ndarray, version: Any, tensor: Tensor | None = None,
                 grad_fn: Any = None, output_nr: int = CONSTANT) -> None:
        self.array, self.tensor, self.grad_fn, self.output_nr = array, tensor, grad_fn, output_nr
        self.version = version
        self.expected = version.value if version is not None else 0
        self.unpack_hook: Any = None  # set, with ``packed``, by saved_tensors_hooks


def save(values: tuple, args: tuple, raw: list, outs: list) -> tuple:
    """A SavedValue for each of ``values`` (what forward passed to ``save_for_backward``).

    Outputs are matched against what forward returned (``raw``), since a 0-d result may
    be a NumPy scalar that ``apply`` had to turn into an array. An output is kept as an
    array with its output number, so the node does not reference its own outputs.
    """
    hooks = graph.current_hooks()
    saved = []
    for value in values:
        if value is None:
            saved.append(None)
            continue
        found, tensor = _find(value, args, raw, outs)
        saved.append(found if hooks is None else pack(found, tensor, *hooks))
    return tuple(saved)


def _find(value: Any, args: tuple, raw: list, outs: list) -> tuple[SavedValue, Tensor | None]:
    """The SavedValue for ``value``, and the input or output tensor it is (None if neither)."""
    if isinstance(value, Tensor):
        return _input(value), value
    for arg in args:
        if isinstance(arg, Tensor) and arg._data is value:
            return _input(arg), arg
    for i, (returned, out) in enumerate(zip(raw, outs)):
        if returned is value:
            return SavedValue(out._data, out._get_version(),
                              output_nr=i if out._grad_fn is not None else CONSTANT), out
    return SavedValue(np.asarray(value), None), None


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


def pack(saved: SavedValue, tensor: Tensor | None, pack_hook: Any,
         unpack_hook: Any) -> SavedValue:
    """Hand the saved tensor to ``pack_hook`` and keep what it returns instead.

    Only where the tensor sits in the graph is kept beside it: the node and output number
    of a non-leaf, the ``AccumulateGrad`` of a leaf (so ``unpack_packed`` can connect the
    unpacked values there), nothing for a tensor outside the graph. As in PyTorch, a packed
    value has no version check.
    """
    if tensor is None:
        tensor = Tensor._wrap(saved.array)
    before = tensor._get_version().value
    packed = pack_hook(tensor)
    if tensor._get_version().value != before:
        raise RuntimeError(
            "saved_tensors_hooks: the pack hook modified its input in place (a tensor of "
            f"shape {list(tensor.shape)}); a pack hook must leave the tensor it is given as "
            "it is")
    result = SavedValue(None, None, output_nr=saved.output_nr)  # an output, or a constant
    if saved.tensor is not None:  # an input
        result.grad_fn, result.output_nr = saved.grad_fn, saved.output_nr
        accumulator = saved.tensor._accumulator
        if saved.grad_fn is None and accumulator is not None and saved.tensor._requires_grad:
            result.grad_fn, result.output_nr = accumulator(), 0  # a leaf that requires grad
        elif saved.grad_fn is None:
            result.output_nr = CONSTANT
    result.packed, result.unpack_hook = packed, unpack_hook
    return result


def unpack_packed(node: Any, saved: SavedValue) -> Tensor:
    """Call the unpack hook and put its values where the saved tensor was in the graph."""
    unpacked = saved.unpack_hook(saved.packed)
    if not isinstance(unpacked, Tensor):
        raise TypeError("Output of saved tensor unpack_hook expected to be a Tensor but got "
                        f"result of type {type(unpacked).__name__}")
    from .function import AccumulateGrad  # (function.py imports this module)

    edge = saved.grad_fn
    if edge is None and saved.output_nr != CONSTANT:
        return Tensor._wrap(unpacked._data, node, saved.output_nr)  # an output of ``node``
    if edge is None:
        return Tensor._wrap(unpacked._data)
    if not isinstance(edge, AccumulateGrad):
        if unpacked._grad_fn is edge and unpacked._output_nr == saved.output_nr:
            return unpacked
        return Tensor._wrap(unpacked._data, edge, saved.output_nr)
    if unpacked._grad_fn is None and unpacked._accumulator is not None \
            and unpacked._accumulator() is edge:
        return unpacked  # the leaf itself
    replica = Tensor._wrap(unpacked._data)  # stands for the leaf: its gradient goes there
    replica._requires_grad, replica._accumulator = True, weakref.ref(edge)
    return replica


def unpack(node: Any, saved: SavedValue | None) -> Tensor | None:
    """The saved value as a tensor connected to the graph (see the module docstring)."""
    if saved is None:
        return None
    if saved.unpack_hook is not None:
        return unpack_packed(node, saved)
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
    if saved.unpack_hook is not None:
        return unpack_packed(node, saved)._data
    check_version(node, saved)
    tensor = saved.tensor
    if tensor is not None and tensor._grad_fn is saved.grad_fn:
        return tensor._data
    return saved.array
