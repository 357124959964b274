"""Argument checks shared by the layer functions: tensors, not other arrays, and one dtype
(PyTorch refuses to mix a float64 input with float32 weights rather than promote)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ...dtypes import is_number, scalar_type_name
from ...ops._util import check_same_dtype  # noqa: F401  (shared with matmul)
from ...tensor import Tensor
from ...tensor_args import type_name


def check_tensor(value: Any, name: str, op: str, position: int) -> None:
    """PyTorch's ``TypeError`` for an argument that is not a minigrad Tensor (a NumPy
    array, a torch tensor, a list)."""
    if not isinstance(value, Tensor):
        kind = f"{type(value).__module__}.{type(value).__name__}".replace("builtins.", "")
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, not "
                        f"{kind}")


def number_arg(op: str, value: Any, name: str, position: int) -> Any:
    """``value`` as a Python number, for an argument PyTorch types ``Number`` (a slope, a
    bound, a threshold): a number, or a 0-d Tensor read with ``item()``. Anything else (a
    Tensor with dims, a string) is PyTorch's ``TypeError``, so that a tensor of slopes is
    never silently applied elementwise.

    Examples
    --------
    >>> number_arg("elu", 1.0, "alpha", 2)
    1.0
    """
    if isinstance(value, Tensor) and value.ndim == 0:
        return value.item()
    if isinstance(value, Tensor) or not is_number(value):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Number, "
                        f"not {type_name(value)}")
    if isinstance(value, (bool, np.bool_)):
        return int(value)  # PyTorch reads True as 1
    return value.item() if isinstance(value, np.generic) else value


def float_kernel_input(input: Any, op: str, kernel: str) -> Tensor:
    """``input`` if it is a floating-point Tensor; an integer or bool one is PyTorch's
    ``NotImplementedError``, which names the CPU ``kernel`` and PyTorch's scalar type
    (``"GeluKernelImpl" not implemented for 'Long'``) rather than computing in float."""
    check_tensor(input, "input", op, 1)
    if input.dtype.kind != "f":
        raise NotImplementedError(f"{op}: \"{kernel}\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}' (input of shape "
                                  f"{tuple(input.shape)}); convert it with .float()")
    return input


def check_dtype(op: str, expected: Any, found: Any, name: str) -> None:
    """PyTorch's ``RuntimeError`` "expected scalar type Float but found Double" when the
    dtype of ``name`` is not ``expected`` (class weights, class-index targets)."""
    if np.dtype(found) != np.dtype(expected):
        raise RuntimeError(f"{op}: expected scalar type {scalar_type_name(expected)} but "
                           f"found {scalar_type_name(found)} (the dtype of {name})")
