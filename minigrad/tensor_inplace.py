"""The in-place methods of Tensor (``add_``, ``x += y``, ``copy_``, ``fill_``, ...), each
a call of `minigrad.ops.inplace` or of one of its helpers.

``Tensor`` inherits them through `minigrad.tensor_methods.TensorMethods`; they write into
the tensor's memory and, in grad mode, record the op (see `minigrad.ops.inplace`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import type_objects
from .tensor_conversions import TensorConversions

# Set by tensor.py with tensor_methods.ops: the same back-edge (the methods call the ops,
# and the ops build on Tensor).
ops: Any = None


class TensorInPlace(TensorConversions):
    """In-place methods and augmented assignments of `Tensor`."""

    __slots__ = ()

    def add_(self, other: Any, *, alpha: float = 1) -> "Tensor":
        return ops.inplace(self, "add_", ops.add, other if alpha == 1 else other * alpha)

    def sub_(self, other: Any, *, alpha: float = 1) -> "Tensor":
        return ops.inplace(self, "sub_", ops.sub, other if alpha == 1 else other * alpha)

    def mul_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "mul_", ops.mul, other)

    def div_(self, other: Any, *, rounding_mode: str | None = None) -> "Tensor":
        return ops.inplace(self, "div_", lambda x, o: ops.arithmetic.div(
            x, o, rounding_mode=rounding_mode), other)

    def floor_divide_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "floor_divide_", ops.arithmetic.floor_divide, other)

    def remainder_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "remainder_", ops.arithmetic.remainder, other)

    def bitwise_and_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "bitwise_and_", lambda x, o: x & o, other)

    def bitwise_or_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "bitwise_or_", lambda x, o: x | o, other)

    def bitwise_xor_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "bitwise_xor_", lambda x, o: x ^ o, other)

    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":
        return ops.inplace(self, "clamp_", lambda x, _: ops.clamp(x, min, max), None)

    def copy_(self, src: Any) -> "Tensor":
        return ops.copy_(self, src)

    def fill_(self, value: Any) -> "Tensor":
        return ops.fill_(self, value)

    def zero_(self) -> "Tensor":
        return self.fill_(0)

    def abs_(self) -> "Tensor":
        return ops.inplace(self, "abs_", lambda x, _: ops.abs(x), None)

    def neg_(self) -> "Tensor":
        return ops.inplace(self, "neg_", lambda x, _: ops.neg(x), None)

    def conj_physical_(self) -> "Tensor":
        """Conjugate in place: the values stay, as every minigrad dtype is real."""
        return ops.inplace(self, "conj_physical_", lambda x, _: ops.clone(x), None)

    def exp_(self) -> "Tensor":
        return ops.inplace(self, "exp_", lambda x, _: ops.exp(x), None)

    def log_(self) -> "Tensor":
        return ops.inplace(self, "log_", lambda x, _: ops.log(x), None)

    def sqrt_(self) -> "Tensor":
        return ops.inplace(self, "sqrt_", lambda x, _: ops.sqrt(x), None)

    def pow_(self, exponent: Any) -> "Tensor":
        return ops.inplace(self, "pow_", ops.pow, exponent)

    def sigmoid_(self) -> "Tensor":
        return ops.inplace(self, "sigmoid_", lambda x, _: ops.sigmoid(x), None)

    def tanh_(self) -> "Tensor":
        return ops.inplace(self, "tanh_", lambda x, _: ops.tanh(x), None)

    def relu_(self) -> "Tensor":
        return ops.inplace(self, "relu_", lambda x, _: ops.relu(x), None)

    def cumsum_(self, dim: int, *, dtype: Any = None) -> "Tensor":
        return ops.inplace(self, "cumsum_", lambda x, _: ops.cumsum(x, dim, dtype=dtype), None)

    def unsqueeze_(self, dim: int) -> "Tensor":
        return ops.restride_(self, "unsqueeze_", lambda x: ops.unsqueeze(x, dim))

    def squeeze_(self, dim: Any = None) -> "Tensor":
        return ops.restride_(self, "squeeze_", lambda x: ops.squeeze(x, dim))

    def transpose_(self, dim0: int, dim1: int) -> "Tensor":
        return ops.restride_(self, "transpose_", lambda x: ops.transpose(x, dim0, dim1))

    def t_(self) -> "Tensor":
        return ops.restride_(self, "t_", lambda x: x.t())

    def as_strided_(self, size: Any, stride: Any, storage_offset: int | None = None
                    ) -> "Tensor":
        """This tensor made the view ``as_strided(size, stride, storage_offset)`` of its
        own storage."""
        return ops.strided_view(self, size, stride, storage_offset, first_position=1,
                                in_place=True)

    def resize_(self, *size: Any, memory_format: Any = None) -> "Tensor":
        """This tensor given shape ``size``, contiguous, holding its first elements in
        memory order (and zeros past them, where PyTorch leaves memory uninitialised).

        Shrinking (or keeping the number of elements of a contiguous tensor) keeps
        sharing memory with the tensors that share it; growing makes a new array,
        which, unlike PyTorch's grown storage, the old views do not see. A tensor that
        requires grad cannot be resized (``RuntimeError``, as in PyTorch), and only the
        contiguous memory format is offered.
        """
        from .internal import array_of, replace_array  # they build on Tensor
        shape = ops._util.size_arg("resize_", size)
        if self.requires_grad:
            raise RuntimeError(f"resize_: cannot resize variables that require grad (a "
                               f"tensor of shape {tuple(self.shape)} to {list(shape)})")
        if memory_format not in (None, type_objects.contiguous_format):
            raise NotImplementedError(f"resize_: memory_format={memory_format} is not "
                                      "supported, only the contiguous format")
        old = array_of(self)
        count = int(np.prod(shape))
        if old.flags.c_contiguous and count <= old.size:
            new = old.reshape(-1)[:count].reshape(shape)
        else:
            new = np.zeros(shape, old.dtype)
            kept = min(count, old.size)
            new.reshape(-1)[:kept] = old.ravel(order="K")[:kept]
        replace_array(self, new)
        return self

    def resize_as_(self, the_template: "Tensor", *, memory_format: Any = None) -> "Tensor":
        """`resize_` to ``the_template``'s shape."""
        from .tensor import Tensor
        if not isinstance(the_template, Tensor):
            raise TypeError(f"resize_as_(): argument 'the_template' (position 1) must be "
                            f"Tensor, not {type(the_template).__name__}")
        return self.resize_(the_template.shape, memory_format=memory_format)

    swapaxes_ = transpose_
    swapdims_ = transpose_

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_
    __ifloordiv__ = floor_divide_
    __imod__ = remainder_
    __ipow__ = pow_
    __iand__ = bitwise_and_
    __ior__ = bitwise_or_
    __ixor__ = bitwise_xor_
