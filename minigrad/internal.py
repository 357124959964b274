"""The small internal API that minigrad's own packages use to reach behind a Tensor.

``tensor.py`` and ``autograd/`` own a tensor's private state. Everything else (ops,
nn, optim, data, testing, serialization, viz) goes through these four functions, so the
state can change shape without the rest of the package noticing. They are also what you
use to write a primitive's helpers or an optimizer of your own.

* :func:`wrap` makes a tensor around an array, without copying and outside the graph.
* :func:`array_of` is the array behind a tensor (no copy, no checks).
* :func:`mark_modified` records that the tensor's array was written in place, so a graph
  node that saved the old values refuses to run backward.
* :func:`replace_array` gives a tensor a new array (``load_state_dict``, ``.data = ...``).
* :func:`adopt_result` makes a tensor stand for the result of an operation recorded in
  the graph: how an in-place op (``y.mul_(2)``) is recorded in grad mode.
"""
from __future__ import annotations

import numpy as np

from .tensor import Tensor

__all__ = ["wrap", "array_of", "mark_modified", "replace_array", "adopt_result"]


def wrap(array: np.ndarray) -> Tensor:
    """A tensor around ``array`` (shared, not copied) that is not part of any graph.

    Parameters
    ----------
    array : numpy.ndarray
        Used as it is: its dtype is kept, and later writes to it show in the tensor.
    """
    return Tensor._wrap(array)


def array_of(tensor: Tensor) -> np.ndarray:
    """The ndarray behind ``tensor``, shared, whether or not it requires grad."""
    return tensor._data


def mark_modified(tensor: Tensor) -> None:
    """Record an in-place write into ``array_of(tensor)``.

    Its version counter goes up, so a node that saved the old values raises at backward
    instead of computing a wrong gradient.
    """
    tensor._bump_version()


def replace_array(tensor: Tensor, array: np.ndarray, tracked: bool = True) -> None:
    """Give ``tensor`` a new array of the same shape.

    With ``tracked`` (the default) this counts as an in-place change. ``tracked=False`` is
    for a swap that is undone before anything reads the values again (gradcheck's
    perturbations).
    """
    tensor._data = array
    if tracked:
        tensor._bump_version()


def adopt_result(tensor: Tensor, result: Tensor) -> Tensor:
    """Make ``tensor`` stand for ``result``: its array, its node and its version counter.

    The old array is left as it was, so nodes that saved it still see the values they
    saved. Returns ``tensor``.
    """
    tensor._adopt(result)
    return tensor
