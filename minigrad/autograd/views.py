"""Views: tensors that share memory with the tensor they were taken from.

A primitive declared with ``is_view = True`` (reshape, permute, expand, basic indexing)
whose forward returns an array sharing memory with its input makes a *view*, as PyTorch
does. The view keeps

* ``_base``: the tensor that owns the memory (for a view of a view, the first base),
* ``_view_path``: the view primitives, with their arguments, that lead from the base to it,

and shares the base's version counter, so an in-place change through the base or any of
its views is seen by every node that saved one of them.

An in-place op on a view writes into the shared memory; ``ops/inplace.py`` then gives the
base a ``copy_slices`` node, so gradients reaching the base flow to the written region
through the in-place op. A view whose base was changed behind its back (through the base
or a sibling view) gets its history made again from the base's on its next use
(`refresh`), just as its values already changed.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from . import grad_mode
from .grad_mode import enable_grad


# Why a view may not be written in place in grad mode (PyTorch's rules), by flag.
MULTI_OUTPUT = "multi"  # one of several views made together (split, chunk, unbind)
NO_GRAD = "no_grad"     # made under no_grad


def link(out: Tensor, source: Tensor, function: type, extra: tuple, kwargs: dict) -> None:
    """Make ``out`` a view of ``source``'s base if its array shares ``source``'s memory."""
    if _owner(out._data) is not _owner(source._data):
        return
    step = (function, extra, kwargs)
    if source._base is None:
        out._base, out._view_path = source, (step,)
    else:
        out._base, out._view_path = source._base, source._view_path + (step,)
        out._view_kind = source._view_kind
    version = out._version = out._base._get_version()
    out._view_version = version.value
    if not grad_mode.is_grad_enabled():
        out._view_kind = NO_GRAD
        # As PyTorch: of a tensor that requires grad, a leaf that requires grad; the
        # gradients reaching it stop there.
        out._requires_grad = source._requires_grad


def mark_multi_output(outputs: tuple) -> tuple:
    """Flag views made together (``split``): PyTorch refuses in-place ops on them."""
    for out in outputs:
        if out._base is not None and out._view_kind is None:
            out._view_kind = MULTI_OUTPUT
    return outputs


def check_writable_in_grad_mode(view: Tensor, op: str) -> None:
    """Raise, as PyTorch does, for views whose in-place change cannot be recorded."""
    if view._view_kind == MULTI_OUTPUT:
        raise RuntimeError(
            f"{op}: this view is one of the outputs of a function that returns multiple "
            "views (split, chunk, unbind), and is being modified inplace. Such functions "
            "do not allow the output views to be modified inplace. You should replace the "
            "inplace operation by an out-of-place one.")
    if view._view_kind == NO_GRAD:
        raise RuntimeError(
            f"{op}: a view was created in no_grad mode and is being modified inplace with "
            "grad mode enabled. Move both the view and the inplace either inside the "
            "no_grad block (if you don't want the inplace to be tracked) or both outside.")


def _owner(array: np.ndarray) -> np.ndarray:
    """The array that owns the memory ``array`` looks into."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def refresh(view: Tensor, recording: bool = False) -> None:
    """Remake ``view``'s history from its base's if the base changed since it was made.

    ``recording``: the view is about to be used by an op that records. Views made by
    split/chunk/unbind or under no_grad are then refused once their memory changed in
    place, as in PyTorch; until that use they stay marked as out of date.
    """
    if view._view_version == view._version.value:
        return
    if recording and view._view_kind is not None:
        raise RuntimeError(_STALE[view._view_kind])
    if view._view_kind == NO_GRAD:  # it has no history to remake
        return
    if view._view_kind is None:
        view._view_version = view._version.value
    base = view._base
    if not base._requires_grad:
        return
    with enable_grad():
        fresh = follow(base, view._view_path)
    view._grad_fn, view._output_nr, view._requires_grad = (
        fresh._grad_fn, fresh._output_nr, fresh._requires_grad)


_STALE = {
    MULTI_OUTPUT: "This view is one of the outputs of a function that returns multiple "
                  "views (split, chunk, unbind), and its base or another view of its base "
                  "has been modified inplace. Such functions do not allow the output views "
                  "to be modified inplace. You should replace the inplace operation by an "
                  "out-of-place one.",
    NO_GRAD: "A view was created in no_grad mode and its base or another view of its base "
             "has been modified inplace with grad mode enabled; this use is ambiguous and "
             "forbidden. Make the view and the inplace either both inside the no_grad "
             "block or both outside.",
}


def follow(tensor: Tensor, path: tuple) -> Tensor:
    """Apply the view steps of ``path`` to ``tensor`` (differentiably)."""
    for function, extra, kwargs in path:
        tensor = function.apply(tensor, *extra, **kwargs)
    return tensor


def follow_array(array: np.ndarray, path: tuple) -> np.ndarray:
    """Apply the view steps of ``path`` to an array: a view of it (writes go through)."""
    from .function import Node

    for function, extra, kwargs in path:
        array = function.forward(Node(function), array, *extra, **kwargs)
    return array


def mark_synced(view: Any) -> None:
    """The view's history is up to date with its base's (after an in-place op on it)."""
    view._view_version = view._version.value
