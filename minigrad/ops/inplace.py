"""In-place updates: ``add_``, ``mul_``, ``x[i] = v`` and friends, as PyTorch does them.

An in-place op always writes into the tensor's memory, so the base of a view and every
other view of it see the new values, and it bumps the version counter they share: a node
that saved one of them refuses to run backward.

In grad mode it is also recorded. The result is computed out of place from a copy of the
old values (``clone``, so no saved value is overwritten), written into the memory, and
the tensor takes the result's node. If the tensor is a view, its base gets a
``copy_slices`` node: the base with the view's region replaced, whose backward sends the
region's gradient to the in-place op and the rest to the base's old history.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..autograd.function import Function, register
from ..autograd.grad_mode import is_grad_enabled, no_grad
from ..autograd import views
from ..internal import (adopt_history, array_of, mark_modified, replace_array, view_of,
                        wrap)
from ..tensor import Tensor
from . import elementwise, indexing
from ._util import writable_twin


@register("copy_slices")
class CopySlices(Function):
    """z = base with the region that ``path`` selects replaced by ``value`` (an in-place op
    on a view already wrote it).  dz/dbase = g with the region zeroed; dz/dvalue = g's
    region."""

    @staticmethod
    def forward(ctx, base, value, path):
        ctx.path = path
        ctx.shape = base.shape
        return base

    @staticmethod
    def backward(ctx, g):
        outside = np.ones(ctx.shape, dtype=g.dtype)
        region = views.follow_array(outside, ctx.path)
        if _overlaps(region):  # PyTorch writes the region's gradient, and refuses
            raise RuntimeError(_OVERLAP_MESSAGE.format(op="CopySlices"))
        region[...] = 0
        g_base = g * wrap(outside) if ctx.needs_input_grad[0] else None
        g_value = views.follow(g, ctx.path) if ctx.needs_input_grad[1] else None
        return g_base, g_value, None


def _records(self: Tensor, other: Any, op: str) -> bool:
    wants = self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)
    if not (wants and is_grad_enabled()):
        return False
    viewed = view_of(self)
    if self.is_leaf and self.requires_grad:
        raise RuntimeError(f"{op}: a leaf Variable that requires grad is being used in an "
                           "in-place operation; wrap it in `with minigrad.no_grad():` (as "
                           "optimizers do) or work on a clone")
    if viewed is not None and viewed[0].is_leaf and viewed[0].requires_grad:
        raise RuntimeError(f"{op}: a view of a leaf Variable that requires grad is being "
                           "used in an in-place operation")
    if viewed is not None:
        views.check_writable_in_grad_mode(self, op)
    return True


# PyTorch checks for overlapping memory in arithmetic and copies, not in fills.
# (and in index_put_, advanced setitem, where it only warns).
_OVERLAP_ALLOWED = {"fill_", "zero_", "index_put_"}


_OVERLAP_MESSAGE = ("{op}: unsupported operation: more than one element of the written-to "
                    "tensor refers to a single memory location (an expanded tensor). Please "
                    "clone() the tensor before performing the operation.")


def _overlaps(array: np.ndarray) -> bool:
    """Whether several elements of ``array`` share memory (a stride 0 over 2+ items)."""
    return array.size > 0 and any(stride == 0 and n > 1
                                  for stride, n in zip(array.strides, array.shape))


def _writable(t: Tensor, op: str) -> np.ndarray:
    """The array of ``t``, ready to be written into (the same memory, for views)."""
    array = array_of(t)
    if _overlaps(array) and op not in _OVERLAP_ALLOWED:
        raise RuntimeError(_OVERLAP_MESSAGE.format(op=op))
    if array.flags.writeable:
        return array
    twin = writable_twin(array)  # an expanded view: NumPy marks it read-only, memory is not
    if twin is not None:
        return twin
    array = array.copy()  # a read-only array handed in from NumPy: give it its own memory
    replace_array(t, array)
    return array


def _write(self: Tensor, op: str, values: np.ndarray) -> None:
    if values.shape != self.shape:
        raise RuntimeError(f"{op}: output with shape {list(self.shape)} doesn't match the "
                           f"broadcast shape {list(values.shape)}")
    if not np.can_cast(values.dtype, self.dtype, "same_kind"):
        raise RuntimeError(f"{op}: result type {values.dtype} can't be cast to the desired "
                           f"output type {self.dtype}")
    np.copyto(_writable(self, op), values, casting="unsafe")
    mark_modified(self)


def inplace(self: Tensor, op: str, compute: Callable[[Tensor, Any], Tensor], other: Any,
            store: Callable[[np.ndarray], None] | None = None) -> Tensor:
    """Apply ``compute(self, other)`` and store the result in ``self`` (by ``store``, if
    given, when recorded: for a write that touches only part of the memory)."""
    if not _records(self, other, op):
        _writable(self, op)
        with no_grad():
            out = compute(self, other)
        _write(self, op, array_of(out))
        return self
    out = compute(elementwise.clone(self), other)
    if out.dtype != self.dtype:
        out = out.to(self.dtype)
    (store or (lambda values: _write(self, op, values)))(array_of(out))
    adopt_history(self, out)
    viewed = view_of(self)
    if viewed is not None:
        base, path = viewed
        adopt_history(base, CopySlices.apply(base, self, path))
    return self


def setitem_(self: Tensor, index: Any, value: Any) -> None:
    """``self[index] = value``."""
    records = _records(self, value, "setitem")  # PyTorch checks this before the index
    key, value = indexing.prepare_setitem(self, index, value)
    op = "index_put_" if key.advanced else "setitem"

    def store(_result: np.ndarray) -> None:
        # Only the indexed elements: on an expanded tensor the whole result would
        # write each memory location once per element that shares it.
        indexing.write(_writable(self, op), key, array_of(value))
        mark_modified(self)

    if not records:
        store(array_of(self))
        return
    inplace(self, op, lambda old, v: indexing.setitem(old, key, v), value, store)
