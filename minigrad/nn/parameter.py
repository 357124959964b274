"""Parameter: a tensor that a Module registers as one of its learnable weights."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
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

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty((0,), dtype=get_default_dtype())
        if isinstance(data, Tensor):
            self._data = data._data
            self._version = data._get_version()  # the same storage, like detach()
        else:
            super().__init__(data)
        self.requires_grad = requires_grad

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict) -> "Parameter":
        copy = Parameter(np.array(self._data, copy=True), self.requires_grad)
        if self.grad is not None:
            copy.grad = Tensor(self.grad._data)
        memo[id(self)] = copy
        return copy
