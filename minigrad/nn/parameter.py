"""Parameter: a tensor that a Module registers as one of its learnable weights."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..internal import array_of
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad and that a Module lists in ``parameters()``.

    Parameters
    ----------
    data : Tensor or array_like, optional
        A Tensor is shared, not copied (as in PyTorch). Other data is converted as by
        ``minigrad.tensor``: floats become float32, a float64 ndarray stays float64.
        None gives an empty float32 parameter.
    requires_grad : bool
        True by default.

    Examples
    --------
    >>> w = Parameter(minigrad.zeros(3, 2))
    >>> w.requires_grad, w.is_leaf
    (True, True)
    """

    __slots__ = ()

    def __new__(cls, data: Any = None, requires_grad: bool = True) -> "Parameter":
        if data is None:
            base = Tensor(np.empty((0,), dtype=get_default_dtype()))
        elif isinstance(data, Tensor):
            base = data.detach()  # the same storage and version counter
        else:
            base = Tensor(data)
        base.__class__ = cls  # same memory layout: Parameter adds no slots
        return base

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        self.requires_grad = requires_grad

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict) -> "Parameter":
        copy = Parameter(array_of(self).copy(), self.requires_grad)
        if self.grad is not None:
            copy.grad = Tensor(array_of(self.grad))
        memo[id(self)] = copy
        return copy


class _BufferType(type):
    """``isinstance(t, Buffer)``: whether ``t`` is a tensor made by ``Buffer``."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and getattr(obj, "_is_buffer", False)


class Buffer(metaclass=_BufferType):
    """A tensor that a Module registers as a buffer when it is assigned to an attribute,
    as ``register_buffer`` does (PyTorch's ``nn.Buffer``). ``Buffer(data)`` returns a
    Tensor, marked so that ``isinstance(t, Buffer)`` holds."""

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> Tensor:
        """The marked tensor.

        Parameters
        ----------
        data : Tensor, optional
            The buffer's values (shared, detached from any graph); None gives an empty
            float32 tensor.
        persistent : bool
            Whether the buffer is part of ``state_dict()``.
        """
        if data is None:
            data = Tensor(np.empty((0,), dtype=get_default_dtype()))
        if not isinstance(data, Tensor):
            raise TypeError(f"Buffer: data must be a Tensor, got {type(data).__name__}")
        buffer = data.detach().requires_grad_(data.requires_grad)
        buffer._is_buffer, buffer.persistent = True, persistent
        return buffer
