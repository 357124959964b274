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
from ..autograd.forward_ad import carry_tangent
from ..internal import adopt_history, array_of, mark_modified, replace_array, view_of, wrap
from ..tensor import Tensor
from ..tensor_args import checked_cast
from ..dtypes import can_cast, is_number
from . import elementwise, indexing
from ._util import OVERLAP_MESSAGE, overlaps, type_name, writable


@register("copy_slices")
class CopySlices(Function):
    """z = base with the region that ``path`` selects replaced by ``value`` (an in-place op
    on a view already wrote it).  dz/dbase = g with the region zeroed; dz/dvalue = g's
    region."""

    @staticmethod
    def forward(ctx, base, value, path):
        ctx.path = path
        ctx.shape = base.shape
        # as_strided reads memory, not indices: the path is replayed on arrays laid out
        # as the base is (dims in the order of its strides), else it would pick others
        storage = any(step[0].name == "as_strided" for step in path)
        ctx.order = tuple(np.argsort(base.strides, kind="stable")[::-1]) if storage else None
        return base

    @staticmethod
    def backward(ctx, g):
        outside = _laid_out_as_base(np.ones(ctx.shape, dtype=g.dtype), ctx.order)
        region = views.follow_array(outside, ctx.path)
        if overlaps(region):  # PyTorch writes the region's gradient, and refuses
            raise RuntimeError(OVERLAP_MESSAGE.format(op="CopySlices"))
        region[...] = 0
        g_base = g * wrap(outside) if ctx.needs_input_grad[0] else None
        g_value = None
        if ctx.needs_input_grad[1]:
            g_value = views.follow(_laid_out_as_base(g, ctx.order), ctx.path)
        return g_base, g_value, None


def _laid_out_as_base(x: Any, order: tuple | None) -> Any:
    """``x`` (an array or a tensor) copied so that its dims lie in memory in ``order``
    (outermost first), the base's order, whatever its own layout (a gradient may be a
    transposed view); as it is when there is no order to follow."""
    if order is None:
        return x
    inverse = tuple(np.argsort(order))
    if isinstance(x, np.ndarray):
        return np.ascontiguousarray(x.transpose(order)).transpose(inverse)
    from .movement import permute
    return permute(elementwise.clone(permute(x, order)), inverse)


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


def _writable(t: Tensor, op: str) -> np.ndarray:
    """The array of ``t``, ready to be written into by ``op``."""
    return writable(t, op, shared_ok=op in _OVERLAP_ALLOWED)


# Copies and fills convert to the tensor's dtype (float to int truncates, as in PyTorch);
# arithmetic refuses a result that would need a cast to a lower kind (float into int).
_CONVERTING = {"copy_", "fill_"}


def _check_cast(self: Tensor, op: str, dtype: np.dtype) -> None:
    if op not in _CONVERTING and not can_cast(dtype, self.dtype):  # PyTorch's categories
        raise RuntimeError(f"{op}: result type {dtype} can't be cast to the desired "
                           f"output type {self.dtype}")


def _write(self: Tensor, op: str, values: np.ndarray) -> None:
    if values.shape != self.shape:
        raise RuntimeError(f"{op}: output with shape {list(self.shape)} doesn't match the "
                           f"broadcast shape {list(values.shape)}")
    _check_cast(self, op, values.dtype)
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
        carry_tangent(out, self)
        return self
    out = compute(elementwise.clone(self), other)
    if out.dtype != self.dtype:
        _check_cast(self, op, out.dtype)
        out = out.to(self.dtype)
    (store or (lambda values: _write(self, op, values)))(array_of(out))
    adopt_history(self, out)
    carry_tangent(out, self)
    viewed = view_of(self)
    if viewed is not None:
        base, path = viewed
        adopt_history(base, CopySlices.apply(base, self, path))
    return self


def restride_(self: Tensor, op: str, compute: Callable[[Tensor], Tensor]) -> Tensor:
    """An in-place change of shape or strides (``unsqueeze_``, ``t_``, ...): ``self`` takes
    the view ``compute(self)`` of its own memory, a new version, and in grad mode the
    view's node, as PyTorch records it."""
    records = _records(self, None, op)
    if records and view_of(self) is not None:
        raise RuntimeError(f"{op}: changing the shape of a view in place is not supported "
                           "while recording gradients; use the out-of-place "
                           f"{op.rstrip('_')}")
    if records:
        out = compute(self)
    else:
        with no_grad():
            out = compute(self)
    replace_array(self, array_of(out))
    if records:
        adopt_history(self, out)
    return self


def copy_(self: Tensor, src: Any) -> Tensor:
    """``self.copy_(src)``: ``src`` (a Tensor or a number) broadcast to ``self``'s shape
    and converted to its dtype, as PyTorch's copy (a float copied into an int tensor is
    truncated)."""
    if not isinstance(src, Tensor) and not is_number(src):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not "
                        f"{type_name(src)}")
    return inplace(self, "copy_", lambda x, s: elementwise.where(True, s, x), src)


def fill_(self: Tensor, value: Any) -> Tensor:
    """``self.fill_(value)``: every element set to ``value`` (a number or a 0-d Tensor),
    converted to ``self``'s dtype."""
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                           f"with {value.ndim} dimensions.")
    if not isinstance(value, Tensor) and not is_number(value):
        raise TypeError(f"fill_(): argument 'value' (position 1) must be Number, not "
                        f"{type_name(value)}")
    if not isinstance(value, Tensor):
        checked_cast("fill_", value, self.dtype)  # PyTorch's RuntimeError on overflow
    return inplace(self, "fill_", lambda x, v: elementwise.where(True, v, x), value)


def setitem_(self: Tensor, index: Any, value: Any) -> None:
    """``self[index] = value``."""
    # PyTorch refuses a leaf that requires grad before it reads an advanced index
    # (index_put_), but only after it has made the view of a basic one.
    if indexing.is_advanced(self, index):
        records = _records(self, value, "setitem")
        key, value = indexing.prepare_setitem(self, index, value)
    else:
        key, value = indexing.prepare_setitem(self, index, value)
        records = _records(self, value, "setitem")
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
