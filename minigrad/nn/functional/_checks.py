"""Argument checks shared by the layer functions: tensors, not other arrays, and one dtype
(PyTorch refuses to mix a float64 input with float32 weights rather than promote)."""
from __future__ import annotations

from typing import Any

from ...tensor import Tensor


def check_tensor(value: Any, name: str, op: str, position: int) -> None:
    """PyTorch's ``TypeError`` for an argument that is not a minigrad Tensor (a NumPy
    array, a torch tensor, a list)."""
    if not isinstance(value, Tensor):
        kind = f"{type(value).__module__}.{type(value).__name__}".replace("builtins.", "")
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, not "
                        f"{kind}")


def check_same_dtype(op: str, input: Tensor, **others: Tensor | None) -> None:
    """``RuntimeError`` naming both dtypes when a weight's dtype differs from the input's."""
    for name, other in others.items():
        if other is not None and other.dtype != input.dtype:
            raise RuntimeError(f"{op}: expected the input and {name} to have the same dtype, "
                               f"but got input of dtype {input.dtype} and {name} of dtype "
                               f"{other.dtype} (cast one, e.g. with .float() or "
                               f"model.double())")
