"""The small internal API that minigrad's own packages use to reach behind a Tensor.

``tensor.py`` and ``autograd/`` own a tensor's private state. Everything else (ops,
nn, optim, data, testing, serialization, viz) goes through these functions, so the
state can change shape without the rest of the package noticing. They are also what you
use to write a primitive's helpers or an optimizer of your own.

* `wrap` makes a tensor around an array, without copying and outside the graph.
* `new_array` turns user data into a new array with ``minigrad.tensor``'s dtype rules.
* `array_of` is the array behind a tensor (no copy, no checks).
* `mark_modified` records that the tensor's array was written in place, so a graph
  node that saved the old values refuses to run backward.
* `replace_array` gives a tensor a new array (``load_state_dict``, ``.data = ...``).
* `named` gives the node that made a tensor the name PyTorch prints for it, when the
  tensor ends a composite (``F.mse_loss`` prints as ``grad_fn=<MseLossBackward0>``).
* `adopt_history` gives a tensor the node of a result whose values were written
  into it: how an in-place op (``y.mul_(2)``) is recorded in grad mode;
  `view_of` says whose memory a view shares, for in-place ops on views.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import Tensor
from .tensor_args import to_array as _to_array

__all__ = ["wrap", "new_array", "array_of", "mark_modified", "replace_array", "adopt_history",
           "view_of", "named"]


def wrap(array: np.ndarray) -> Tensor:
    """A tensor around ``array`` (shared, not copied) that is not part of any graph.

    Parameters
    ----------
    array : numpy.ndarray
        Used as it is: its dtype is kept, and later writes to it show in the tensor. A
        NumPy scalar (what a ufunc returns for 0-d operands) becomes a 0-d array, so the
        tensor can be written in place.
    """
    if type(array) is not np.ndarray:
        array = np.asarray(array)
    return Tensor._wrap(array)


def new_array(data: Any, dtype: Any = None) -> np.ndarray:
    """User data (numbers, nested lists, an ndarray, a tensor) as a new array.

    Parameters
    ----------
    data : array_like
    dtype : numpy dtype, optional
        Without it, Python floats take the default dtype, ints int64, bools bool, and an
        ndarray or tensor keeps its dtype (``minigrad.tensor``'s rules; the legacy
        ``Tensor(list)`` constructor makes every number a float).
    """
    return _to_array(data, dtype)


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


def adopt_history(tensor: Tensor, result: Tensor) -> Tensor:
    """Record that ``tensor`` now holds ``result``: it takes ``result``'s node, and keeps
    its own array (into which the caller has written ``result``'s values) and version
    counter. This is how an in-place op (``y.mul_(2)``) is recorded in grad mode.
    Returns ``tensor``.
    """
    tensor._adopt_history(result)
    return tensor


def view_of(tensor: Tensor) -> tuple[Tensor, tuple] | None:
    """``(base, path)`` if ``tensor`` is a view (see ``autograd/views.py``), else None."""
    if tensor._base is None:
        return None
    return tensor._base, tensor._view_path


def named(t: Tensor, name: str) -> Tensor:
    """``t``, its node renamed ``name`` (as PyTorch prints ``grad_fn``); for the result of a
    composite function, made by a fresh node. A tensor without a node is left alone.

    Examples
    --------
    >>> return named(total / count, "MeanBackward0")
    """
    node = t._grad_fn
    if node is not None and hasattr(node, "function"):
        node.torch_name = name
    return t
