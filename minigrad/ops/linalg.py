"""Linear algebra: the matmul primitive, for 2-D and batched inputs with broadcasting, and
the products built on it (``mm``, ``bmm``, ``mv``, ``dot``, ``inner``, ``outer``, ``addmm``
and friends); ``cross``; the inverse, det and cholesky primitives, and ``solve``, ``logdet``,
``slogdet`` and ``matrix_power`` built on them."""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..autograd.function import Function, register
from ..internal import named
from ..tensor import Tensor
from .. import return_types
from ..internal import array_of, wrap
from . import broadcasting, elementwise, movement
from .broadcasting import sum_to, sum_to_array
from ._util import (as_tensor, broadcast_shape, check_same_dtype, normalize_dim, tensor_arg,
                    type_name)
from .selection import locally_constant, where
from .out_argument import takes_out


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


@takes_out("same")
def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with NumPy's rules: 1-D operands are promoted to a row or column and
    the added dim is removed afterwards; batch dims broadcast.

    Both operands must have the same dtype: as in PyTorch, matmul does not promote (a
    float64 array meeting a float32 weight raises instead of silently computing in float64).
    """
    if not all(isinstance(v, (Tensor, np.ndarray)) for v in (a, b)):
        raise TypeError(f"matmul: unsupported operand types {type_name(a)} and {type_name(b)}")
    a, b = as_tensor(a, "matmul"), as_tensor(b, "matmul")
    check_same_dtype("matmul", a, other=b)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"matmul: both arguments need at least 1 dimension, got shapes "
                           f"{tuple(a.shape)} and {tuple(b.shape)}")
    # PyTorch has no bool kernel for any of its products (a dot always runs one; the
    # others not when an operand is empty)
    if a.dtype == np.bool_ and ((a.ndim == 1 and b.ndim == 1) or (a.numel() and b.numel())):
        kernel = _BOOL_KERNELS.get((a.ndim, b.ndim), "bmm")
        raise NotImplementedError(f"matmul: \"{kernel}\" not implemented for 'Bool' (shapes "
                                  f"{tuple(a.shape)} and {tuple(b.shape)})")
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
    name = _MATMUL_NAMES.get((a.ndim, b.ndim))
    return named(out, name) if name else out


# the kernel PyTorch's matmul names when it refuses bool operands of these ranks
_BOOL_KERNELS = {(1, 1): "dot", (2, 1): "addmv_impl_cpu", (2, 2): "addmm_impl_cpu_",
                 (1, 2): "addmm_impl_cpu_"}
# what PyTorch's matmul calls for these ranks, and so prints as grad_fn
_MATMUL_NAMES = {(2, 2): "MmBackward0", (1, 1): "DotBackward0", (2, 1): "MvBackward0"}


@takes_out("same")
def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """The product of two matrices, (n, m) @ (m, p); no broadcasting."""
    input, mat2 = tensor_arg("mm", input, "input", 1), tensor_arg("mm", mat2, "mat2", 2)
    for name, t in (("self", input), ("mat2", mat2)):
        if t.ndim != 2:
            raise RuntimeError(f"mm: {name} must be a matrix, got shape {tuple(t.shape)}")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mm: mat1 and mat2 shapes cannot be multiplied "
                           f"({input.shape[0]}x{input.shape[1]} and "
                           f"{mat2.shape[0]}x{mat2.shape[1]})")
    return matmul(input, mat2)


@takes_out("same")
def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product, (b, n, m) @ (b, m, p); no broadcasting."""
    input, mat2 = tensor_arg("bmm", input, "input", 1), tensor_arg("bmm", mat2, "mat2", 2)
    for name, t in (("batch1", input), ("batch2", mat2)):
        if t.ndim != 3:
            raise RuntimeError(f"bmm: {name} must be a 3D tensor, got shape "
                               f"{tuple(t.shape)}")
    expected = [input.shape[0], input.shape[2]]
    if list(mat2.shape[:2]) != expected:
        raise RuntimeError(f"bmm: Expected size for first two dimensions of batch2 tensor to "
                           f"be: {expected} but got: {list(mat2.shape[:2])}.")
    return matmul(input, mat2)


@takes_out("same")
def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """The inner product of two 1-d tensors of the same length."""
    input, tensor = tensor_arg("dot", input, "input", 1), tensor_arg("dot", tensor, "tensor", 2)
    return _inner_product("dot", input, tensor)


@takes_out("same")
def vdot(input: Tensor, other: Tensor) -> Tensor:
    """`dot` (minigrad's tensors are real, so no conjugate is taken)."""
    input, other = tensor_arg("vdot", input, "input", 1), tensor_arg("vdot", other, "other", 2)
    return _inner_product("vdot", input, other)


def _inner_product(op: str, input: Tensor, tensor: Tensor) -> Tensor:
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"{op}: 1D tensors expected, but got {input.ndim}D and "
                           f"{tensor.ndim}D tensors")
    if input.shape != tensor.shape:
        raise RuntimeError(f"{op}: inconsistent tensor size, expected tensor "
                           f"[{input.shape[0]}] and src [{tensor.shape[0]}] to have the same "
                           "number of elements")
    return matmul(input, tensor)


@takes_out()
def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """The outer product of two 1-D tensors: ``out[i, j] = input[i] * vec2[j]`` (dtypes
    promote, as in PyTorch)."""
    for name, t in (("self", input), ("vec2", vec2)):
        if tensor_arg("outer", t, name).ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D "
                               f"(shape {tuple(t.shape)})")
    return movement.unsqueeze(input, 1) * movement.unsqueeze(vec2, 0)


@takes_out("same", autograd="record")
def inner(input: Tensor, other: Tensor) -> Tensor:
    """The sum of products over the last dims: ``out[i.., j..] = sum_k input[i.., k] *
    other[j.., k]``; a 0-d operand multiplies."""
    tensor_arg("inner", input, "input"), tensor_arg("inner", other, "other")
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(input.shape)} and {list(other.shape)}")
    a = movement.reshape(input, (math.prod(input.shape[:-1]), input.shape[-1]))
    b = movement.reshape(other, (math.prod(other.shape[:-1]), other.shape[-1]))
    out = matmul(a, movement.transpose(b, 0, 1))
    return movement.reshape(out, tuple(input.shape[:-1]) + tuple(other.shape[:-1]))


@takes_out("same")
def mv(input: Tensor, vec: Tensor) -> Tensor:
    """The product of a matrix (n, m) and a vector (m,)."""
    tensor_arg("mv", input, "input"), tensor_arg("mv", vec, "vec")
    if input.ndim == 0:  # PyTorch reads its dim 0 first
        raise IndexError(f"mv: Dimension specified as 0 but tensor has no dimensions (input "
                         f"of shape {tuple(input.shape)})")
    if input.ndim != 2 or vec.ndim != 1 or input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"mv: size mismatch, got input {tuple(input.shape)}, vec "
                           f"{tuple(vec.shape)} (expected a matrix and a vector of its "
                           f"column count)")
    _same_dtype("mv", input, vec)
    return matmul(input, vec)


def _same_dtype(op: str, *tensors: Tensor) -> None:
    if len({t.dtype for t in tensors}) > 1:
        listed = ", ".join(str(t.dtype) for t in tensors)
        raise RuntimeError(f"{op}: input tensors must have the same dtype, but got {listed}")


def _add_product(op: str, input: Tensor, multiply: Any, a: Tensor, b: Tensor, beta: Any,
                 alpha: Any) -> Tensor:
    """``beta * input + alpha * multiply(a, b)``, ``input`` broadcast to the product's
    shape; as in PyTorch, with ``beta=0`` the input's values (even NaN) are ignored."""
    for name, t in (("input", input), ("mat1", a), ("mat2", b)):
        tensor_arg(op, t, name)
    _same_dtype(op, input, a, b)
    return _scaled_sum(op, input, multiply(a, b), beta, alpha)


def _scaled_sum(op: str, input: Tensor, product: Tensor, beta: Any, alpha: Any) -> Tensor:
    """``beta * input + alpha * product``, the shared end of ``addmm`` and its siblings."""
    try:
        fits = np.broadcast_shapes(input.shape, product.shape) == tuple(product.shape)
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"{op}: the input of shape {tuple(input.shape)} cannot be "
                           f"broadcast to the product's shape {tuple(product.shape)}")
    scaled = product if alpha == 1 else product * alpha
    if beta == 0:  # input takes no part, but still gets its (zero) gradient
        return scaled + locally_constant(input, np.zeros(input.shape, input.dtype))
    return (input if beta == 1 else input * beta) + scaled


@takes_out("same")
def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1,
          alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``, with ``input`` broadcast to (n, p)."""
    return _add_product("addmm", input, mm, mat1, mat2, beta, alpha)


@takes_out("same")
def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1,
          alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``."""
    return _add_product("addmv", input, mv, mat, vec, beta, alpha)


@takes_out()
def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``, with ``input`` broadcast to
    ``(len(vec1), len(vec2))``; dtypes promote, as in PyTorch."""
    for name, t in (("input", input), ("vec1", vec1), ("vec2", vec2)):
        if tensor_arg("addr", t, name).ndim != 1 and name != "input":
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {t.ndim}-D")
    if all(t.dtype.kind in "biu" for t in (input, vec1, vec2)):
        for name, value in (("beta", beta), ("alpha", alpha)):
            if isinstance(value, float):
                raise RuntimeError(f"For integral input tensors, argument {name} must not be "
                                   "a floating point number.")
    return _scaled_sum("addr", input, outer(vec1, vec2), beta, alpha)


@takes_out("same")
def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
            alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (batch1 @ batch2)`` for batches of matrices."""
    return _add_product("baddbmm", input, bmm, batch1, batch2, beta, alpha)


@takes_out("same", resize_warns=False)
def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
           alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``."""
    return _add_product("addbmm", input, lambda a, b: broadcasting.sum(bmm(a, b), 0),
                        batch1, batch2, beta, alpha)


@takes_out("same")
def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (the inputs broadcast). Without
    ``dim``, the first dim of size 3, as ``torch.cross`` (which warns about it)."""
    tensor_arg("cross", input, "input"), tensor_arg("cross", other, "other")
    if input.dtype != other.dtype:
        raise RuntimeError(f"cross: expected both inputs to have the same dtype, got "
                           f"{input.dtype} and {other.dtype}")
    shape = broadcast_shape("cross", input.shape, other.shape)
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\n"
                      "Please either pass the dim explicitly or simply use "
                      "torch.linalg.cross.", UserWarning, stacklevel=2)
        dim = next((d for d, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise RuntimeError(f"no dimension of size 3 in input (shape {tuple(shape)})")
    d = normalize_dim(dim, len(shape), "cross")
    a, b = movement.expand(input, shape), movement.expand(other, shape)
    if input.ndim != other.ndim or shape[d] != 3 or input.shape[d] != other.shape[d]:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{tuple(input.shape)} and {tuple(other.shape)}")
    x = [movement.narrow(a, d, i, 1) for i in range(3)]
    y = [movement.narrow(b, d, i, 1) for i in range(3)]
    return movement.cat([x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2],
                         x[0] * y[1] - x[1] * y[0]], d)


class LinAlgError(RuntimeError):
    """A matrix that the operation cannot work with (a singular matrix for ``inv``), as
    PyTorch's ``torch.linalg.LinAlgError``."""


class _Factorization(Function):
    """Shared forward of inverse and cholesky: NumPy's routine on each matrix, its
    LinAlgError raised as minigrad's with ``failure``; the output is saved."""

    compute = staticmethod(np.linalg.inv)
    failure = ""

    @classmethod
    def forward(cls, ctx, x):
        try:
            out = cls.compute(x)
        except np.linalg.LinAlgError:
            raise LinAlgError(f"{cls.failure} (shape {x.shape})") from None
        ctx.save_for_backward(out)
        return out


@register("inverse")
class Inverse(_Factorization):
    """z = x^-1 for each square matrix in the last two dims.  dz/dx: -z^T g z^T."""

    compute = staticmethod(np.linalg.inv)
    failure = ("linalg.inv: the inversion could not be completed because the input matrix "
               "is singular")

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        zt = movement.transpose(z, -1, -2)
        return -MatMul.apply(MatMul.apply(zt, g), zt)


def _square_float(op: str, A: Any) -> Tensor:
    A = tensor_arg(op, A, "A")
    if A.dtype.kind != "f":
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got "
                           f"{A.dtype}")
    if A.dtype == np.float16:
        raise RuntimeError(f"{op}: Low precision dtypes not supported. Got Half")
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but got shape "
                           f"{tuple(A.shape)}")
    return A


@takes_out("same")
def inv(A: Tensor) -> Tensor:
    """The inverse of each square matrix in the last two dims (``LinAlgError``, a
    ``RuntimeError``, for a singular one)."""
    return Inverse.apply(_square_float("linalg.inv", A))


@takes_out("same")
def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """``X`` with ``A X = B`` (``X A = B`` with ``left=False``). ``B`` is a vector, or a
    batch of vectors, when it has one dim less than ``A`` and ``A``'s batch shape; its
    batch dims broadcast with ``A``'s otherwise."""
    A = _square_float("linalg.solve", A)
    B = tensor_arg("linalg.solve", B, "B")
    if B.dtype != A.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but "
                           f"found A of type {A.dtype} and B of type {B.dtype} instead")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    Bm = movement.unsqueeze(B, -1) if vector else B
    rows = Bm.shape[-2] if left else Bm.shape[-1]
    if (vector and not left) or rows != A.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX' if left else 'XA'} = B ({tuple(A.shape)} and "
                           f"{tuple(B.shape)})")
    X = matmul(inv(A), Bm) if left else matmul(Bm, inv(A))
    return movement.squeeze(X, -1) if vector else X


@register("det")
class Det(Function):
    """z = det(x) for each square matrix in the last two dims.  dz/dx = z x^-T where x is
    invertible, the transposed adjugate (from an SVD, held constant) where it is not."""

    @staticmethod
    def forward(ctx, x):
        out = np.asarray(np.linalg.det(x), dtype=x.dtype)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, z = ctx.saved_tensors
        scale = movement.unsqueeze(movement.unsqueeze(g * z, -1), -1)
        singular = np.asarray(array_of(z) == 0)
        if not singular.any():
            return scale * movement.transpose(Inverse.apply(x), -1, -2)
        gz = movement.unsqueeze(movement.unsqueeze(g, -1), -1)
        return gz * locally_constant(x, _adjugate_t(array_of(x)))


def svd_or_nan(a: np.ndarray, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    """``np.linalg.svd`` of each matrix, NaN for a matrix holding an inf or a NaN (as
    PyTorch gives; LAPACK may never return on one, or fail to converge)."""
    bad = ~np.isfinite(a).all(axis=(-2, -1))
    if not bad.any():
        return np.linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)
    parts = np.linalg.svd(np.where(bad[..., None, None], 0, a), full_matrices=full_matrices,
                          compute_uv=compute_uv)
    parts = (parts,) if not compute_uv else tuple(parts)
    marked = tuple(np.where(bad.reshape(bad.shape + (1,) * (p.ndim - bad.ndim)), np.nan, p)
                   .astype(p.dtype) for p in parts)
    return marked if compute_uv else marked[0]


def _adjugate_t(a: np.ndarray) -> np.ndarray:
    """The transposed adjugate (the cofactor matrix, det's gradient) of each matrix, from
    its SVD ``u diag(s) vh``: ``det(u) det(vh) u diag(prod of the other s) vh``."""
    u, s, vh = svd_or_nan(a)
    n = s.shape[-1]
    others = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(n)], -1)
    sign = (np.linalg.det(u) * np.linalg.det(vh))[..., None, None]
    return (sign * (u * others[..., None, :]) @ vh).astype(a.dtype)


@takes_out("same")
def det(A: Tensor) -> Tensor:
    """The determinant of each square matrix in the last two dims."""
    return Det.apply(_square_float("linalg.det", A))


def logdet(A: Tensor) -> Tensor:
    """``log(det(A))``: NaN where the determinant is negative, -inf where it is 0."""
    return elementwise.log(det(A))


@takes_out("same")
def slogdet(A: Tensor) -> return_types.slogdet:
    """``(sign, logabsdet)``: the sign of the determinant (-1, 0 or 1, gradient 0) and
    the log of its absolute value."""
    d = det(_square_float("linalg.slogdet", A))
    sign = locally_constant(d, np.sign(array_of(d)))  # in the graph, as PyTorch's
    return return_types.slogdet(sign, elementwise.log(elementwise.abs(d)))


@register("cholesky")
class Cholesky(_Factorization):
    """z = L, the lower-triangular factor with L L^T = x.  dz/dx (PyTorch's rule):
    L^-T P L^-1 with P = tril(L^T g), its strictly lower part mirrored and halved."""

    compute = staticmethod(np.linalg.cholesky)
    failure = ("linalg.cholesky: The factorization could not be completed because the input "
               "is not positive-definite")

    @staticmethod
    def backward(ctx, g):
        (L,) = ctx.saved_tensors
        Lt = movement.transpose(L, -1, -2)
        p = _lower(MatMul.apply(Lt, g), 0)
        p = (p + movement.transpose(_lower(p, -1), -1, -2)) * 0.5
        Linv = Inverse.apply(L)
        return MatMul.apply(MatMul.apply(movement.transpose(Linv, -1, -2), p), Linv)


def _lower(x: Tensor, diagonal: int) -> Tensor:
    rows, cols = x.shape[-2:]
    keep = np.tril(np.ones((rows, cols), dtype=bool), diagonal)
    return where(wrap(keep), x, wrap(np.zeros((), x.dtype)))


@takes_out("same")
def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """The Cholesky factor of each symmetric positive-definite matrix: lower ``L`` with
    ``A = L L^T`` (or upper ``U = L^T`` with ``upper=True``); ``LinAlgError`` (a
    ``RuntimeError``) if a matrix is not positive-definite. Only the lower triangle of
    ``A`` is read."""
    L = Cholesky.apply(_square_float("linalg.cholesky", A))
    return movement.transpose(L, -1, -2) if upper else L
