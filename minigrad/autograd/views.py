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
from .grad_mode import enable_grad


def link(out: Tensor, source: Tensor, function: type, extra: tuple, kwargs: dict) -> None:
    """Make ``out`` a view of ``source``'s base if its array shares ``source``'s memory."""
    if _owner(out._data) is not _owner(source._data):
        return
    step = (function, extra, kwargs)
    if source._base is None:
        out._base, out._view_path = source, (step,)
    else:
        out._base, out._view_path = source._base, source._view_path + (step,)
    version = out._version = out._base._get_version()
    out._view_version = version.value


def _owner(array: np.ndarray) -> np.ndarray:
    """The array that owns the memory ``array`` looks into."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def refresh(view: Tensor) -> None:
    """Remake ``view``'s history from its base's if the base changed since it was made."""
    if view._view_version == view._version.value:
        return
    base = view._base
    view._view_version = view._version.value
    if not base._requires_grad:
        return
    with enable_grad():
        fresh = follow(base, view._view_path)
    view._grad_fn, view._output_nr, view._requires_grad = (
        fresh._grad_fn, fresh._output_nr, fresh._requires_grad)


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
