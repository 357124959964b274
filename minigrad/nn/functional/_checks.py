"""Argument checks shared by the layer functions: tensors, not other arrays, and one dtype
(PyTorch refuses to mix a float64 input with float32 weights rather than promote)."""
from __future__ import annotations

from typing import Any

from ...ops._util import check_same_dtype  # noqa: F401  (shared with matmul)
from ...tensor import Tensor


def check_tensor(value: Any, name: str, op: str, position: int) -> None:
    """PyTorch's ``TypeError`` for an argument that is not a minigrad Tensor (a NumPy
    array, a torch tensor, a list)."""
    if not isinstance(value, Tensor):
        kind = f"{type(value).__module__}.{type(value).__name__}".replace("builtins.", "")
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, not "
                        f"{kind}")
