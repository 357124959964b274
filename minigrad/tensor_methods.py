"""The operators and math methods of Tensor, each a call of one function of ``minigrad.ops``.

``Tensor`` inherits them from `TensorMethods`; they are written out one by one
(no generated methods), so every operation is found by searching for its name.
"""
from __future__ import annotations

from typing import Any, Iterator, Sequence

import numpy as np

from .dtypes import is_dtype, is_number
from .tensor_inplace import TensorInPlace
from .tensor_math import TensorMath
from .tensor_sparse import SparseMethods
from .tensor_structure import StructureMethods

# Set by tensor.py once the primitives can be imported: the one back-edge of the package
# (Tensor's operators call the ops, and the ops build on Tensor).
ops: Any = None


class TensorMethods(TensorInPlace, TensorMath, StructureMethods, SparseMethods):
    """Operators, math, reductions and movement methods of `Tensor` (the in-place ones
    come from `TensorInPlace`, the further math functions from `TensorMath`, the
    structural ones from `StructureMethods`)."""

    __slots__ = ()

    # --- arithmetic -------------------------------------------------------------------
    def __add__(self, other: Any) -> "Tensor":
        return ops.add(self, other)

    def __radd__(self, other: Any) -> "Tensor":
        # ``2 + x``: as in PyTorch, the tensor is the node's first input
        return ops.add(self, other) if is_number(other) else ops.add(other, self)

    def __sub__(self, other: Any) -> "Tensor":
        return ops.sub(self, other)

    def __rsub__(self, other: Any) -> "Tensor":
        return ops.sub(other, self)

    def __mul__(self, other: Any) -> "Tensor":
        return ops.mul(self, other)

    def __rmul__(self, other: Any) -> "Tensor":
        # ``2 * x``: as in PyTorch, the tensor is the node's first input
        return ops.mul(self, other) if is_number(other) else ops.mul(other, self)

    def __truediv__(self, other: Any) -> "Tensor":
        return ops.div(self, other)

    def __rtruediv__(self, other: Any) -> "Tensor":
        return ops.div(other, self)

    def __pow__(self, other: Any) -> "Tensor":
        return ops.pow(self, other)

    def __rpow__(self, other: Any) -> "Tensor":
        return ops.pow(other, self)

    def __matmul__(self, other: Any) -> "Tensor":
        return ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> "Tensor":
        return ops.matmul(other, self)

    def __neg__(self) -> "Tensor":
        return ops.neg(self)

    def __abs__(self) -> "Tensor":
        return ops.abs(self)

    def __pos__(self) -> "Tensor":
        return self

    # --- comparisons and logic (no gradient) ---------------------------------------------
    def __eq__(self, other: Any) -> "Tensor":  # type: ignore[override]
        if not ops.is_operand(other):  # tensor == None is False, as in PyTorch
            return NotImplemented
        return ops.compare(np.equal, self, other)

    def __ne__(self, other: Any) -> "Tensor":  # type: ignore[override]
        if not ops.is_operand(other):
            return NotImplemented
        return ops.compare(np.not_equal, self, other)

    def __lt__(self, other: Any) -> "Tensor":
        return ops.compare(np.less, self, other)

    def __le__(self, other: Any) -> "Tensor":
        return ops.compare(np.less_equal, self, other)

    def __gt__(self, other: Any) -> "Tensor":
        return ops.compare(np.greater, self, other)

    def __ge__(self, other: Any) -> "Tensor":
        return ops.compare(np.greater_equal, self, other)

    def __and__(self, other: Any) -> "Tensor":
        return ops.bitwise(np.bitwise_and, self, other)

    def __or__(self, other: Any) -> "Tensor":
        return ops.bitwise(np.bitwise_or, self, other)

    def __xor__(self, other: Any) -> "Tensor":
        return ops.bitwise(np.bitwise_xor, self, other)

    def __invert__(self) -> "Tensor":
        if self.dtype.kind == "f":
            raise TypeError(f"bitwise_not: ~ (operator.invert) is only implemented on "
                            f"integer and Boolean-type tensors, got {self.dtype}")
        return ops.bitwise_not(self)

    # --- indexing -----------------------------------------------------------------------
    def __getitem__(self, index: Any) -> "Tensor":
        return ops.getitem(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        ops.setitem_(self, index, value)

    def __iter__(self) -> Iterator["Tensor"]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    # --- math methods -------------------------------------------------------------------
    def exp(self) -> "Tensor":
        return ops.exp(self)

    def log(self) -> "Tensor":
        return ops.log(self)

    def sqrt(self) -> "Tensor":
        return ops.sqrt(self)

    def sin(self) -> "Tensor":
        return ops.sin(self)

    def cos(self) -> "Tensor":
        return ops.cos(self)

    def tanh(self) -> "Tensor":
        return ops.tanh(self)

    def sigmoid(self) -> "Tensor":
        return ops.sigmoid(self)

    def relu(self) -> "Tensor":
        return ops.relu(self)

    def abs(self) -> "Tensor":
        return ops.abs(self)

    def neg(self) -> "Tensor":
        return ops.neg(self)

    def pow(self, exponent: Any) -> "Tensor":
        return ops.pow(self, exponent)

    def maximum(self, other: Any) -> "Tensor":
        return ops.maximum(self, other)

    def minimum(self, other: Any) -> "Tensor":
        return ops.minimum(self, other)

    def clamp(self, min: Any = None, max: Any = None) -> "Tensor":
        return ops.clamp(self, min, max)

    clip = clamp

    def matmul(self, other: Any) -> "Tensor":
        return ops.matmul(self, other)

    # --- reductions ---------------------------------------------------------------------
    def sum(self, dim: Any = None, keepdim: bool = False, *,
            dtype: Any = None) -> "Tensor":
        return ops.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim: Any = None, keepdim: bool = False, *,
             dtype: Any = None) -> "Tensor":
        return ops.mean(self, dim, keepdim, dtype=dtype)

    def var(self, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,
            correction: int | None = None) -> "Tensor":
        return ops.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,
            correction: int | None = None) -> "Tensor":
        return ops.std(self, dim, unbiased, keepdim, correction=correction)

    def prod(self, dim: int | None = None, keepdim: bool = False, *,
             dtype: Any = None) -> "Tensor":
        return ops.prod(self, dim, keepdim, dtype=dtype)

    def amax(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return ops.amax(self, dim, keepdim)

    def amin(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return ops.amin(self, dim, keepdim)

    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        return ops.max(self, dim, keepdim)

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        return ops.min(self, dim, keepdim)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return ops.argmax(self, dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return ops.argmin(self, dim, keepdim)

    def logsumexp(self, dim: Any, keepdim: bool = False) -> "Tensor":
        return ops.logsumexp(self, dim, keepdim)

    def softmax(self, dim: int, dtype: Any = None) -> "Tensor":
        return ops.softmax(self, dim, dtype)

    def log_softmax(self, dim: int, dtype: Any = None) -> "Tensor":
        return ops.log_softmax(self, dim, dtype)

    # --- movement -----------------------------------------------------------------------
    def reshape(self, *sizes: Any, shape: Any = None) -> "Tensor":
        return ops.reshape(self, ops.sizes_arg("reshape", "shape", sizes, shape))

    def view(self, *sizes: Any, size: Any = None, dtype: Any = None) -> "Tensor":
        """The same elements in a new shape, sharing memory (``view(2, 3)``), or the same
        memory read as another dtype (``view(minigrad.int32)``), as in PyTorch."""
        if dtype is None and len(sizes) == 1 and is_dtype(sizes[0]):
            dtype, sizes = sizes[0], ()
        if dtype is not None:
            if sizes or size is not None:
                raise TypeError("view() takes either a dtype or a size, not both")
            return ops.view_dtype(self, dtype)
        return ops.view(self, ops.sizes_arg("view", "size", sizes, size))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        return ops.flatten(self, start_dim, end_dim)

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        return ops.transpose(self, dim0, dim1)



    def permute(self, *order: Any, dims: Any = None) -> "Tensor":
        return ops.permute(self, ops.sizes_arg("permute", "dims", order, dims))

    @property
    def T(self) -> "Tensor":
        return ops.layout.reversed_dims(self)

    @property
    def mT(self) -> "Tensor":
        return ops.layout.matrix_transpose(self)

    def squeeze(self, dim: Any = None) -> "Tensor":
        return ops.squeeze(self, dim)

    def unsqueeze(self, dim: int) -> "Tensor":
        return ops.unsqueeze(self, dim)

    def expand(self, *sizes: Any, size: Any = None) -> "Tensor":
        return ops.expand(self, ops.sizes_arg("expand", "size", sizes, size))

    def broadcast_to(self, shape: Sequence[int]) -> "Tensor":
        return ops.expand(self, tuple(shape))

    def expand_as(self, other: "Tensor") -> "Tensor":
        return ops.expand(self, other.shape)

    def as_strided(self, size: Sequence[int], stride: Sequence[int],
                   storage_offset: int | None = None) -> "Tensor":
        """A view of this tensor's storage with ``size``, ``stride`` and
        ``storage_offset`` in elements (see `minigrad.ops.strided.as_strided`)."""
        return ops.strided_view(self, size, stride, storage_offset, first_position=1)

    def split(self, split_size_or_sections: Any, dim: int = 0) -> tuple["Tensor", ...]:
        return ops.split(self, split_size_or_sections, dim)

    def narrow(self, dim: int, start: int, length: int) -> "Tensor":
        return ops.narrow(self, dim, start, length)

    def unbind(self, dim: int = 0) -> tuple["Tensor", ...]:
        return ops.unbind(self, dim)

    def select(self, dim: int, index: int) -> "Tensor":
        return ops.select(self, dim, index)

    def chunk(self, chunks: int, dim: int = 0) -> tuple["Tensor", ...]:
        return ops.chunk(self, chunks, dim)

    def gather(self, dim: int, index: Any, *, sparse_grad: bool = False) -> "Tensor":
        return ops.gather(self, dim, index, sparse_grad=sparse_grad)

    def unflatten(self, dim: int, sizes: Sequence[int]) -> "Tensor":
        return ops.unflatten(self, dim, sizes)

    def view_as(self, other: "Tensor") -> "Tensor":
        return ops.reshape(self, other.shape)

    def reshape_as(self, other: "Tensor") -> "Tensor":
        return ops.reshape(self, other.shape)

    def t(self) -> "Tensor":
        return ops.t(self)

    def flip(self, *order: Any, dims: Any = None) -> "Tensor":
        return ops.flip(self, ops.sizes_arg("flip", "dims", order, dims))

    def roll(self, shifts: Any, dims: Any = None) -> "Tensor":
        return ops.roll(self, shifts, dims)

    def repeat(self, *sizes: Any, repeats: Any = None) -> "Tensor":
        return ops.repeat(self, ops.sizes_arg("repeat", "repeats", sizes, repeats))

    def tile(self, *sizes: Any, dims: Any = None) -> "Tensor":
        return ops.tile(self, ops.sizes_arg("tile", "dims", sizes, dims))

    # --- arithmetic with PyTorch's method signatures ---------------------------------------
    def add(self, other: Any, *, alpha: Any = 1) -> "Tensor":
        return ops.arithmetic.add(self, other, alpha=alpha)

    def sub(self, other: Any, *, alpha: Any = 1) -> "Tensor":
        return ops.arithmetic.sub(self, other, alpha=alpha)

    def mul(self, other: Any) -> "Tensor":
        return ops.mul(self, other)

    def div(self, other: Any, *, rounding_mode: str | None = None) -> "Tensor":
        return ops.arithmetic.div(self, other, rounding_mode=rounding_mode)

    def true_divide(self, other: Any) -> "Tensor":
        return ops.div(self, other)

    def floor_divide(self, other: Any) -> "Tensor":
        return ops.arithmetic.floor_divide(self, other)

    def remainder(self, other: Any) -> "Tensor":
        return ops.arithmetic.remainder(self, other)

    def __floordiv__(self, other: Any) -> "Tensor":
        return ops.arithmetic.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> "Tensor":
        return ops.arithmetic.floor_divide(other, self)

    def __mod__(self, other: Any) -> "Tensor":
        return ops.arithmetic.remainder(self, other)

    def __rmod__(self, other: Any) -> "Tensor":
        return ops.arithmetic.remainder(other, self)

    def square(self) -> "Tensor":
        return ops.arithmetic.square(self)

    def mm(self, mat2: "Tensor") -> "Tensor":
        return ops.mm(self, mat2)

    def bmm(self, mat2: "Tensor") -> "Tensor":
        return ops.bmm(self, mat2)

    def cumsum(self, dim: int, *, dtype: Any = None) -> "Tensor":
        return ops.cumsum(self, dim, dtype=dtype)

    # --- comparisons, tests and masks -----------------------------------------------------
    def where(self, condition: Any, other: Any) -> "Tensor":
        return ops.where(condition, self, other)

    def eq(self, other: Any) -> "Tensor":
        return ops.eq(self, other)

    def ne(self, other: Any) -> "Tensor":
        return ops.ne(self, other)

    def lt(self, other: Any) -> "Tensor":
        return ops.lt(self, other)

    def le(self, other: Any) -> "Tensor":
        return ops.le(self, other)

    def gt(self, other: Any) -> "Tensor":
        return ops.gt(self, other)

    def ge(self, other: Any) -> "Tensor":
        return ops.ge(self, other)

    def isnan(self) -> "Tensor":
        return ops.isnan(self)

    def isinf(self) -> "Tensor":
        return ops.isinf(self)

    def isfinite(self) -> "Tensor":
        return ops.isfinite(self)

    def all(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return ops.all(self, dim, keepdim)

    def any(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return ops.any(self, dim, keepdim)

    def masked_fill(self, mask: "Tensor", value: Any) -> "Tensor":
        return ops.masked_fill(self, mask, value)

    def masked_fill_(self, mask: "Tensor", value: Any) -> "Tensor":
        return ops.inplace(self, "masked_fill_", lambda x, _: ops.masked_fill(x, mask, value),
                           value)

    # --- sorting ----------------------------------------------------------------------
    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        return ops.sort(self, dim, descending, stable)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        return ops.argsort(self, dim, descending, stable)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
        return ops.topk(self, k, dim, largest, sorted)

    def unique(self, sorted: bool = True, return_inverse: bool = False,
               return_counts: bool = False, dim: int | None = None) -> Any:
        return ops.unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False,
                           dim: int | None = None) -> Any:
        return ops.unique_consecutive(self, return_inverse, return_counts, dim)

    def sum_to_size(self, *size: Any) -> "Tensor":
        shape = tuple(size[0]) if len(size) == 1 and not isinstance(size[0], int) else size
        return ops.sum_to(self, tuple(shape))

    def nonzero(self, *, as_tuple: bool = False) -> Any:
        return ops.nonzero(self, as_tuple=as_tuple)

    def nonzero_static(self, *, size: int, fill_value: int = -1) -> "Tensor":
        return ops.nonzero_static(self, size=size, fill_value=fill_value)

    def isclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> "Tensor":
        return ops.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                 equal_nan: bool = False) -> bool:
        return ops.allclose(self, other, rtol, atol, equal_nan)

    def equal(self, other: "Tensor") -> bool:
        return ops.equal(self, other)

    def dot(self, other: "Tensor") -> "Tensor":
        return ops.dot(self, other)

    def round(self, *, decimals: int = 0) -> "Tensor":
        return ops.round(self, decimals=decimals)

    def floor(self) -> "Tensor":
        return ops.floor(self)

    def ceil(self) -> "Tensor":
        return ops.ceil(self)

    def trunc(self) -> "Tensor":
        return ops.trunc(self)

    def sign(self) -> "Tensor":
        return ops.sign(self)

