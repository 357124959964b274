"""Linear algebra: the matmul primitive, for 2-D and batched inputs with broadcasting."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function, register
from ..tensor import Tensor
from . import movement
from .broadcasting import sum_to, sum_to_array
from ._util import as_tensor, broadcast_shape, check_same_dtype, type_name
from .inplace import write_out


@register("matmul")
class MatMul(Function):
    """z = x @ y over the last two dims.  dz/dx = g @ y^T, dz/dy = x^T @ g (summed over
    broadcast batch dims)."""

    @staticmethod
    def forward(ctx, x, y):
        needs_x, needs_y = ctx.needs_input_grad  # keep only what a needed gradient reads
        ctx.save_for_backward(x if needs_y else None, y if needs_x else None)
        ctx.shapes = x.shape, y.shape
        return np.matmul(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        (x_shape, y_shape), gx, gy = ctx.shapes, None, None
        if ctx.needs_input_grad[0]:
            gx = sum_to(MatMul.apply(g, movement.transpose(y, -1, -2)), x_shape)
        if ctx.needs_input_grad[1]:
            gy = sum_to(MatMul.apply(movement.transpose(x, -1, -2), g), y_shape)
        return gx, gy

    @staticmethod
    def backward_arrays(ctx, g):
        x, y = ctx.saved_arrays
        (x_shape, y_shape), gx, gy = ctx.shapes, None, None
        if ctx.needs_input_grad[0]:
            gx = sum_to_array(g @ np.swapaxes(y, -1, -2), x_shape)
        if ctx.needs_input_grad[1]:
            gy = sum_to_array(np.swapaxes(x, -1, -2) @ g, y_shape)
        return gx, gy


def matmul(a: Any, b: Any, *, out: Tensor | None = None) -> Tensor:
    """Matrix product with NumPy's rules: 1-D operands are promoted to a row or column and
    the added dim is removed afterwards; batch dims broadcast. Written into ``out`` if
    given.

    Both operands must have the same dtype: as in PyTorch, matmul does not promote (a
    float64 array meeting a float32 weight raises instead of silently computing in float64).
    """
    return write_out("matmul", _matmul(a, b), out)


def _matmul(a: Any, b: Any) -> Tensor:
    if not all(isinstance(v, (Tensor, np.ndarray)) for v in (a, b)):
        raise TypeError(f"matmul: unsupported operand types {type_name(a)} and {type_name(b)}")
    a, b = as_tensor(a, "matmul"), as_tensor(b, "matmul")
    check_same_dtype("matmul", a, other=b)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"matmul: both arguments need at least 1 dimension, got shapes "
                           f"{tuple(a.shape)} and {tuple(b.shape)}")
    inner_a, inner_b = a.shape[-1], b.shape[0] if b.ndim == 1 else b.shape[-2]
    if inner_a != inner_b:
        raise RuntimeError(f"matmul: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be "
                           f"multiplied ({inner_a} != {inner_b})")
    broadcast_shape("matmul", a.shape[:-2], b.shape[:-2])
    x = movement.unsqueeze(a, 0) if a.ndim == 1 else a
    y = movement.unsqueeze(b, -1) if b.ndim == 1 else b
    out = MatMul.apply(x, y)
    if b.ndim == 1:
        out = movement.squeeze(out, -1)
    if a.ndim == 1:
        out = movement.squeeze(out, -2 if b.ndim > 1 else -1)
    return out


def mm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The product of two matrices, (n, m) @ (m, p); no broadcasting."""
    for name, t in (("self", input), ("mat2", mat2)):
        if t.ndim != 2:
            raise RuntimeError(f"mm: {name} must be a matrix, got shape {tuple(t.shape)}")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mm: mat1 and mat2 shapes cannot be multiplied "
                           f"({input.shape[0]}x{input.shape[1]} and "
                           f"{mat2.shape[0]}x{mat2.shape[1]})")
    return matmul(input, mat2, out=out)


def bmm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Batched matrix product, (b, n, m) @ (b, m, p); no broadcasting."""
    for name, t in (("batch1", input), ("batch2", mat2)):
        if t.ndim != 3:
            raise RuntimeError(f"bmm: {name} must be a 3D tensor, got shape "
                               f"{tuple(t.shape)}")
    expected = [input.shape[0], input.shape[2]]
    if list(mat2.shape[:2]) != expected:
        raise RuntimeError(f"bmm: Expected size for first two dimensions of batch2 tensor to "
                           f"be: {expected} but got: {list(mat2.shape[:2])}.")
    return matmul(input, mat2, out=out)


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """The inner product of two 1-d tensors of the same length."""
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"dot: 1D tensors expected, but got {input.ndim}D and "
                           f"{tensor.ndim}D tensors")
    if input.shape != tensor.shape:
        raise RuntimeError(f"dot: inconsistent tensor size, expected tensor "
                           f"[{input.shape[0]}] and src [{tensor.shape[0]}] to have the same "
                           "number of elements")
    return matmul(input, tensor)
