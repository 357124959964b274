"""In-place updates: ``add_``, ``mul_``, ``x[i] = v`` and friends.

Outside the graph (under ``no_grad``, or on tensors that need no gradient) they write into
the array and bump the tensor's version, so a graph node that saved the old values refuses
to run backward. Inside the graph the out-of-place result takes over the tensor, as
PyTorch does; the old array is left untouched for the nodes that saved it.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..autograd.grad_mode import is_grad_enabled, no_grad
from ..internal import adopt_result, array_of, mark_modified, replace_array
from ..tensor import Tensor
from . import indexing


def _records(self: Tensor, other: Any, op: str) -> bool:
    wants = self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)
    if wants and is_grad_enabled() and self.is_leaf and self.requires_grad:
        raise RuntimeError(f"{op}: a leaf tensor that requires grad is being used in an "
                           "in-place operation; wrap it in `with minigrad.no_grad():` (as "
                           "optimizers do) or work on a clone")
    return wants and is_grad_enabled()


def _write(self: Tensor, op: str, values: np.ndarray) -> Tensor:
    if values.shape != self.shape:
        raise RuntimeError(f"{op}: output with shape {list(self.shape)} doesn't match the "
                           f"broadcast shape {list(values.shape)}")
    array = _writable(self)
    np.copyto(array, values, casting="same_kind")
    mark_modified(self)
    return self


def inplace(self: Tensor, op: str, compute: Callable[[Tensor, Any], Tensor], other: Any) -> Tensor:
    """Apply ``compute(self, other)`` and store the result in ``self``."""
    if _records(self, other, op):
        out = compute(self, other)
        if out.shape != self.shape:
            raise RuntimeError(f"{op}: output with shape {list(self.shape)} doesn't match "
                               f"the broadcast shape {list(out.shape)}")
        return adopt_result(self, out.to(self.dtype))
    with no_grad():
        out = compute(self, other)
    return _write(self, op, array_of(out))


def setitem_(self: Tensor, index: Any, value: Any) -> None:
    """``self[index] = value``."""
    if _records(self, value, "setitem"):
        adopt_result(self, indexing.setitem(self, index, value))
        return
    key, value = indexing.prepare_setitem(self, index, value)
    indexing.write(_writable(self), key, array_of(value))
    mark_modified(self)


def _writable(t: Tensor) -> np.ndarray:
    """The array of ``t``, first given its own memory if it is a read-only view (expand)."""
    array = array_of(t)
    if not array.flags.writeable:
        array = array.copy()
        replace_array(t, array)
    return array
