"""Size: the shape of a tensor, a tuple that prints as ``minigrad.Size([2, 3])``."""
from __future__ import annotations

from typing import Any

import numpy as np


class Size(tuple):
    """The shape of a tensor: a tuple of ints, as returned by ``x.shape`` and ``x.size()``.

    It compares equal to the plain tuple with the same entries, slices and ``+`` give a
    Size again, and ``numel()`` is the product of the entries.

    Examples
    --------
    >>> minigrad.zeros(2, 3).shape
    minigrad.Size([2, 3])
    >>> minigrad.Size([2, 3]).numel()
    6
    """

    __slots__ = ()

    def __new__(cls, sizes: Any = ()) -> "Size":
        sizes = tuple(sizes)
        for s in sizes:
            if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
                raise TypeError(f"Size: expected a sequence of ints, but got an element of "
                                f"type {type(s).__name__}")
        return super().__new__(cls, (int(s) for s in sizes))

    def numel(self) -> int:
        """The number of elements of a tensor of this shape."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, index: Any) -> Any:
        item = super().__getitem__(index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other: Any) -> "Size":
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other: Any) -> "Size":
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(other) + tuple(self))

    def __repr__(self) -> str:
        return f"minigrad.Size({list(self)})"

    __str__ = __repr__

    def __reduce__(self) -> tuple:
        return Size, (tuple(self),)
