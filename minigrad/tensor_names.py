"""Tensor methods under PyTorch's other names, and operators: ``multiply``, ``divide``,
``subtract``, ``greater`` ... ``not_equal``, the ``bitwise_*`` methods, in-place
comparisons (``lt_``, ...) and the in-place and reflected operators (``**=``, ``&=``,
``True & t``, ...), each a call of one function of ``minigrad.ops``.

``Tensor`` inherits them through `TensorMath`; they are written out one by one, so that
every method is found by searching for its name.
"""
from __future__ import annotations

from typing import Any

import numpy as np

# Set by tensor.py once the primitives can be imported, as for tensor_methods.py.
ops: Any = None


class TensorNames:
    """PyTorch's other names of Tensor methods, the bitwise methods, in-place comparisons,
    and operators."""

    __slots__ = ()

    def bitwise_and(self, other: Any) -> "Tensor":
        return ops.bitwise_and(self, other)

    def bitwise_or(self, other: Any) -> "Tensor":
        return ops.bitwise_or(self, other)

    def bitwise_xor(self, other: Any) -> "Tensor":
        return ops.bitwise_xor(self, other)

    def bitwise_not(self) -> "Tensor":
        return ops.bitwise_not(self)

    def bitwise_not_(self) -> "Tensor":
        return ops.inplace(self, "bitwise_not_", lambda x, _: ops.bitwise_not(x), None)

    # --- PyTorch's longer names of arithmetic and comparisons --------------------------
    def multiply(self, other: Any) -> "Tensor":
        return ops.mul(self, other)

    def multiply_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "multiply_", ops.mul, other)

    def divide(self, other: Any, *, rounding_mode: str | None = None) -> "Tensor":
        return ops.arithmetic.div(self, other, rounding_mode=rounding_mode)

    def divide_(self, other: Any, *, rounding_mode: str | None = None) -> "Tensor":
        return ops.inplace(self, "divide_", lambda x, o: ops.arithmetic.div(
            x, o, rounding_mode=rounding_mode), other)

    def subtract(self, other: Any, *, alpha: Any = 1) -> "Tensor":
        return ops.arithmetic.sub(self, other, alpha=alpha)

    def subtract_(self, other: Any, *, alpha: Any = 1) -> "Tensor":
        return ops.inplace(self, "subtract_", lambda x, o: ops.arithmetic.sub(
            x, o, alpha=alpha), other)

    def greater(self, other: Any) -> "Tensor":
        return ops.gt(self, other)

    def greater_equal(self, other: Any) -> "Tensor":
        return ops.ge(self, other)

    def less(self, other: Any) -> "Tensor":
        return ops.lt(self, other)

    def less_equal(self, other: Any) -> "Tensor":
        return ops.le(self, other)

    def not_equal(self, other: Any) -> "Tensor":
        return ops.ne(self, other)

    # --- in-place comparisons: 1 or 0 in the tensor's own dtype -------------------------
    def eq_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "eq_", ops.eq, other)

    def ne_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "ne_", ops.ne, other)

    def lt_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "lt_", ops.lt, other)

    def le_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "le_", ops.le, other)

    def gt_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "gt_", ops.gt, other)

    def ge_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "ge_", ops.ge, other)

    not_equal_ = ne_
    less_ = lt_
    less_equal_ = le_
    greater_ = gt_
    greater_equal_ = ge_

    # --- in-place and reflected operators not in TensorMethods --------------------------
    def __rand__(self, other: Any) -> "Tensor":
        return ops.bitwise_and(other, self)

    def __ror__(self, other: Any) -> "Tensor":
        return ops.bitwise_or(other, self)

    def __rxor__(self, other: Any) -> "Tensor":
        return ops.bitwise_xor(other, self)

    # --- shifts (integers; no gradient) ------------------------------------------------
    def bitwise_left_shift(self, other: Any) -> "Tensor":
        return ops.bitwise_left_shift(self, other)

    def bitwise_right_shift(self, other: Any) -> "Tensor":
        return ops.bitwise_right_shift(self, other)

    def bitwise_left_shift_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "bitwise_left_shift_", ops.bitwise_left_shift, other)

    def bitwise_right_shift_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "bitwise_right_shift_", ops.bitwise_right_shift, other)

    def __lshift__(self, other: Any) -> "Tensor":
        return ops.bitwise_left_shift(self, other)

    def __rlshift__(self, other: Any) -> "Tensor":
        return ops.bitwise_left_shift(other, self)

    def __rshift__(self, other: Any) -> "Tensor":
        return ops.bitwise_right_shift(self, other)

    def __rrshift__(self, other: Any) -> "Tensor":
        return ops.bitwise_right_shift(other, self)

    def is_signed(self) -> bool:
        return self.dtype.kind in "if"

    def __contains__(self, element: Any) -> bool:
        """``element in t``: whether any element equals it, as PyTorch."""
        if not (isinstance(element, TensorNames) or
                isinstance(element, (bool, int, float, np.number))):
            raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you "
                               f"passed in a {type(element)}.")
        return bool(ops.eq(self, element).any())
