"""The structural, indexing and linear-algebra methods of Tensor (diagonals, products,
``index_add_`` and friends, ``movedim``, cumulative ops and statistics), each a call of
one function of ``minigrad.ops``; `TensorMethods` inherits them.
"""
from __future__ import annotations

from typing import Any, Sequence

from .tensor_math import wanting_grad

# Set by tensor.py once the primitives can be imported, as for tensor_methods.
ops: Any = None


class StructureMethods:
    """Diagonals, products, index-tensor indexing, dim moves, splits and statistics."""

    __slots__ = ()

    # --- diagonals, triangles and products ----------------------------------------------
    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> "Tensor":
        return ops.diagonal(self, offset, dim1, dim2)

    def diag(self, diagonal: int = 0) -> "Tensor":
        return ops.diag(self, diagonal)

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> "Tensor":
        return ops.diag_embed(self, offset, dim1, dim2)

    def diagflat(self, offset: int = 0) -> "Tensor":
        return ops.diagflat(self, offset)

    def trace(self) -> "Tensor":
        return ops.trace(self)

    def tril(self, diagonal: int = 0) -> "Tensor":
        return ops.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> "Tensor":
        return ops.triu(self, diagonal)

    def tril_(self, diagonal: int = 0) -> "Tensor":
        return ops.inplace(self, "tril_", lambda x, _: ops.tril(x, diagonal), None)

    def triu_(self, diagonal: int = 0) -> "Tensor":
        return ops.inplace(self, "triu_", lambda x, _: ops.triu(x, diagonal), None)

    def outer(self, vec2: "Tensor") -> "Tensor":
        return ops.outer(self, vec2)

    ger = outer

    def inner(self, other: "Tensor") -> "Tensor":
        return ops.inner(self, other)

    def mv(self, vec: "Tensor") -> "Tensor":
        return ops.mv(self, vec)

    def cross(self, other: "Tensor", dim: int | None = None) -> "Tensor":
        return ops.cross(self, other, dim)

    def addmm(self, mat1: "Tensor", mat2: "Tensor", *, beta: Any = 1,
              alpha: Any = 1) -> "Tensor":
        return ops.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def inverse(self) -> "Tensor":
        return ops.inv(self)

    def cholesky(self, upper: bool = False) -> "Tensor":
        return ops.cholesky(self, upper=upper)

    def cholesky_solve(self, input2: "Tensor", upper: bool = False) -> "Tensor":
        return ops.cholesky_solve(self, input2, upper)

    def cholesky_inverse(self, upper: bool = False) -> "Tensor":
        return ops.cholesky_inverse(self, upper)

    def lu(self, pivot: bool = True, get_infos: bool = False) -> Any:
        return ops.lu(self, pivot, get_infos)

    def lu_solve(self, LU_data: "Tensor", LU_pivots: "Tensor") -> "Tensor":
        return ops.lu_solve(self, LU_data, LU_pivots)

    def triangular_solve(self, A: "Tensor", upper: bool = True, transpose: bool = False,
                         unitriangular: bool = False) -> Any:
        return ops.triangular_solve(self, A, upper, transpose, unitriangular)

    def det(self) -> "Tensor":
        return ops.det(self)

    def logdet(self) -> "Tensor":
        return ops.logdet(self)

    def slogdet(self) -> Any:
        return ops.slogdet(self)

    def qr(self, some: bool = True) -> Any:
        return ops.qr(self, some)

    def geqrf(self) -> Any:
        return ops.geqrf(self)

    def orgqr(self, input2: "Tensor") -> "Tensor":
        return ops.orgqr(self, input2)

    def ormqr(self, input2: "Tensor", input3: "Tensor", left: bool = True,
              transpose: bool = False) -> "Tensor":
        return ops.ormqr(self, input2, input3, left, transpose)

    def svd(self, some: bool = True, compute_uv: bool = True) -> Any:
        return ops.svd(self, some, compute_uv)

    def pinverse(self, rcond: float = 1e-15) -> "Tensor":
        return ops.pinverse(self, rcond)

    def matrix_exp(self) -> "Tensor":
        return ops.matrix_exp(self)

    def addmv(self, mat: "Tensor", vec: "Tensor", *, beta: Any = 1,
              alpha: Any = 1) -> "Tensor":
        return ops.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def addr(self, vec1: "Tensor", vec2: "Tensor", *, beta: Any = 1,
             alpha: Any = 1) -> "Tensor":
        return ops.addr(self, vec1, vec2, beta=beta, alpha=alpha)

    def baddbmm(self, batch1: "Tensor", batch2: "Tensor", *, beta: Any = 1,
                alpha: Any = 1) -> "Tensor":
        return ops.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def addbmm(self, batch1: "Tensor", batch2: "Tensor", *, beta: Any = 1,
               alpha: Any = 1) -> "Tensor":
        return ops.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def addmm_(self, mat1: "Tensor", mat2: "Tensor", *, beta: Any = 1,
               alpha: Any = 1) -> "Tensor":
        return _add_product_(self, "addmm_", ops.addmm, mat1, mat2, beta, alpha)

    def addr_(self, vec1: "Tensor", vec2: "Tensor", *, beta: Any = 1,
              alpha: Any = 1) -> "Tensor":
        return _add_product_(self, "addr_", ops.addr, vec1, vec2, beta, alpha)

    def addmv_(self, mat: "Tensor", vec: "Tensor", *, beta: Any = 1,
               alpha: Any = 1) -> "Tensor":
        return _add_product_(self, "addmv_", ops.addmv, mat, vec, beta, alpha)

    def baddbmm_(self, batch1: "Tensor", batch2: "Tensor", *, beta: Any = 1,
                 alpha: Any = 1) -> "Tensor":
        return _add_product_(self, "baddbmm_", ops.baddbmm, batch1, batch2, beta, alpha)

    def addbmm_(self, batch1: "Tensor", batch2: "Tensor", *, beta: Any = 1,
                alpha: Any = 1) -> "Tensor":
        return _add_product_(self, "addbmm_", ops.addbmm, batch1, batch2, beta, alpha)

    # --- indexing by index tensors ------------------------------------------------------
    def index_select(self, dim: int, index: "Tensor") -> "Tensor":
        return ops.index_select(self, dim, index)

    def take_along_dim(self, indices: "Tensor", dim: int | None = None) -> "Tensor":
        return ops.take_along_dim(self, indices, dim)

    def masked_select(self, mask: "Tensor") -> "Tensor":
        return ops.masked_select(self, mask)

    def take(self, index: "Tensor") -> "Tensor":
        return ops.take(self, index)

    def scatter(self, dim: int, index: "Tensor", src: Any = None, *, value: Any = None,
                reduce: str | None = None) -> "Tensor":
        return ops.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_(self, dim: int, index: "Tensor", src: Any = None, *, value: Any = None,
                 reduce: str | None = None) -> "Tensor":
        return ops.inplace(self, "scatter_", lambda x, s: ops.scatter(
            x, dim, index, s, value=value, reduce=reduce), src)

    def scatter_add(self, dim: int, index: "Tensor", src: "Tensor") -> "Tensor":
        return ops.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim: int, index: "Tensor", src: "Tensor") -> "Tensor":
        return ops.inplace(self, "scatter_add_",
                           lambda x, s: ops.scatter_add(x, dim, index, s), src)

    def scatter_reduce(self, dim: int, index: "Tensor", src: "Tensor", reduce: str, *,
                       include_self: bool = True) -> "Tensor":
        return ops.scatter_reduce(self, dim, index, src, reduce, include_self=include_self)

    def scatter_reduce_(self, dim: int, index: "Tensor", src: "Tensor", reduce: str, *,
                        include_self: bool = True) -> "Tensor":
        return ops.inplace(self, "scatter_reduce_", lambda x, s: ops.scatter_reduce(
            x, dim, index, s, reduce, include_self=include_self), src)

    def index_add(self, dim: int, index: "Tensor", source: "Tensor", *,
                  alpha: Any = 1) -> "Tensor":
        return ops.index_add(self, dim, index, source, alpha=alpha)

    def index_add_(self, dim: int, index: "Tensor", source: "Tensor", *,
                   alpha: Any = 1) -> "Tensor":
        return ops.inplace(self, "index_add_", lambda x, s: ops.index_add(
            x, dim, index, s, alpha=alpha), source)

    def index_reduce(self, dim: int, index: "Tensor", source: "Tensor", reduce: str, *,
                     include_self: bool = True) -> "Tensor":
        return ops.index_reduce(self, dim, index, source, reduce, include_self=include_self)

    def index_reduce_(self, dim: int, index: "Tensor", source: "Tensor", reduce: str, *,
                      include_self: bool = True) -> "Tensor":
        return ops.inplace(self, "index_reduce_", lambda x, s: ops.index_reduce(
            x, dim, index, s, reduce, include_self=include_self), source)

    def index_copy(self, dim: int, index: "Tensor", source: "Tensor") -> "Tensor":
        return ops.index_copy(self, dim, index, source)

    def index_copy_(self, dim: int, index: "Tensor", source: "Tensor") -> "Tensor":
        return ops.inplace(self, "index_copy_",
                           lambda x, s: ops.index_copy(x, dim, index, s), source)

    def index_fill(self, dim: int, index: "Tensor", value: Any) -> "Tensor":
        return ops.index_fill(self, dim, index, value)

    def index_fill_(self, dim: int, index: "Tensor", value: Any) -> "Tensor":
        return ops.inplace(self, "index_fill_",
                           lambda x, v: ops.index_fill(x, dim, index, v), value)

    def index_put(self, indices: Any, values: "Tensor", accumulate: bool = False) -> "Tensor":
        return ops.index_put(self, indices, values, accumulate)

    def index_put_(self, indices: Any, values: "Tensor", accumulate: bool = False) -> "Tensor":
        return ops.index_put_(self, indices, values, accumulate)

    def fill_diagonal_(self, fill_value: Any, wrap: bool = False) -> "Tensor":
        return ops.fill_diagonal_(self, fill_value, wrap)

    def cumprod_(self, dim: int, *, dtype: Any = None) -> "Tensor":
        return ops.inplace(self, "cumprod_", lambda x, _: ops.cumprod(x, dim, dtype=dtype),
                           None)

    def put(self, index: "Tensor", source: "Tensor", accumulate: bool = False) -> "Tensor":
        return ops.put(self, index, source, accumulate)

    def put_(self, index: "Tensor", source: "Tensor", accumulate: bool = False) -> "Tensor":
        return ops.inplace(self, "put_", lambda x, s: ops.put(x, index, s, accumulate), source)

    def masked_scatter(self, mask: "Tensor", source: "Tensor") -> "Tensor":
        return ops.masked_scatter(self, mask, source)

    def masked_scatter_(self, mask: "Tensor", source: "Tensor") -> "Tensor":
        return ops.inplace(self, "masked_scatter_",
                           lambda x, s: ops.masked_scatter(x, mask, s), source)

    def narrow_copy(self, dim: int, start: int, length: int) -> "Tensor":
        return ops.narrow_copy(self, dim, start, length)

    def select_scatter(self, src: "Tensor", dim: int, index: int) -> "Tensor":
        return ops.select_scatter(self, src, dim, index)

    def slice_scatter(self, src: "Tensor", dim: int = 0, start: int | None = None,
                      end: int | None = None, step: int = 1) -> "Tensor":
        return ops.slice_scatter(self, src, dim, start, end, step)

    def diagonal_scatter(self, src: "Tensor", offset: int = 0, dim1: int = 0,
                         dim2: int = 1) -> "Tensor":
        return ops.diagonal_scatter(self, src, offset, dim1, dim2)

    def histc(self, bins: int = 100, min: float = 0, max: float = 0) -> "Tensor":
        return ops.histc(self, bins, min, max)

    def histogram(self, bins: Any = 100, *, range: Any = None, weight: Any = None,
                  density: bool = False) -> Any:
        return ops.histogram(self, bins, range=range, weight=weight, density=density)

    def repeat_interleave(self, repeats: Any, dim: int | None = None, *,
                          output_size: int | None = None) -> "Tensor":
        return ops.repeat_interleave(self, repeats, dim, output_size=output_size)

    # --- moving dims and splitting ------------------------------------------------------
    def movedim(self, source: Any, destination: Any) -> "Tensor":
        return ops.movedim(self, source, destination)

    moveaxis = movedim

    def swapaxes(self, axis0: int, axis1: int) -> "Tensor":
        return ops.swapaxes(self, axis0, axis1)

    def swapdims(self, dim0: int, dim1: int) -> "Tensor":
        return ops.swapdims(self, dim0, dim1)

    def unfold(self, dimension: int, size: int, step: int) -> "Tensor":
        return ops.sliding_windows(self, dimension, size, step)

    def tensor_split(self, indices_or_sections: Any = None, dim: int = 0, *,
                     sections: int | None = None, indices: Any = None,
                     tensor_indices_or_sections: Any = None) -> tuple["Tensor", ...]:
        return ops.tensor_split(self, indices_or_sections, dim, sections=sections,
                                indices=indices,
                                tensor_indices_or_sections=tensor_indices_or_sections)

    def split_with_sizes(self, split_sizes: Sequence[int], dim: int = 0
                         ) -> tuple["Tensor", ...]:
        return ops.split_with_sizes(self, split_sizes, dim)

    # PyTorch's "unsafe" spellings only skip its checks of later in-place use of the pieces
    def unsafe_chunk(self, chunks: int, dim: int = 0) -> tuple["Tensor", ...]:
        return self.chunk(chunks, dim)

    def unsafe_split(self, split_size: int, dim: int = 0) -> tuple["Tensor", ...]:
        return self.split(split_size, dim)

    def unsafe_split_with_sizes(self, split_sizes: Sequence[int], dim: int = 0
                                ) -> tuple["Tensor", ...]:
        return ops.split_with_sizes(self, split_sizes, dim)

    def hsplit(self, indices_or_sections: Any) -> tuple["Tensor", ...]:
        return ops.hsplit(self, indices_or_sections)

    def vsplit(self, indices_or_sections: Any) -> tuple["Tensor", ...]:
        return ops.vsplit(self, indices_or_sections)

    def dsplit(self, indices_or_sections: Any) -> tuple["Tensor", ...]:
        return ops.dsplit(self, indices_or_sections)

    # --- transposes of matrices ---------------------------------------------------------
    def adjoint(self) -> "Tensor":
        return ops.adjoint(self)

    @property
    def mH(self) -> "Tensor":
        if self.ndim == 0:
            return ops.layout.transposed_0d(self, "Tensor.mH")
        return ops.adjoint(self)

    @property
    def H(self) -> "Tensor":
        """The conjugate transpose of a matrix (2-D only; ``mH`` takes batches)."""
        if self.ndim == 0:
            return ops.layout.transposed_0d(self, "Tensor.H")
        if self.ndim != 2:
            extra = " For batches of matrices, consider using tensor.mH" if self.ndim > 2 \
                else ""
            raise RuntimeError("tensor.H is only supported on matrices (2-D tensors). Got "
                               f"{self.ndim}-D tensor.{extra}")
        return ops.adjoint(self)

    def renorm(self, p: float, dim: int, maxnorm: float) -> "Tensor":
        return ops.renorm(self, p, dim, maxnorm)

    def renorm_(self, p: float, dim: int, maxnorm: float) -> "Tensor":
        return ops.inplace(self, "renorm_", lambda x, _: ops.renorm(x, p, dim, maxnorm), None)

    def angle(self) -> "Tensor":
        return ops.angle(self)

    def vdot(self, other: "Tensor") -> "Tensor":
        return ops.vdot(self, other)

    def is_nonzero(self) -> bool:
        return ops.is_nonzero(self)

    # --- cumulative ops and statistics --------------------------------------------------
    def cumprod(self, dim: int, *, dtype: Any = None) -> "Tensor":
        return ops.cumprod(self, dim, dtype=dtype)

    def cummax(self, dim: int) -> Any:
        return ops.cummax(self, dim)

    def cummin(self, dim: int) -> Any:
        return ops.cummin(self, dim)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None,
             append: Any = None) -> "Tensor":
        return ops.diff(self, n, dim, prepend, append)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False,
             dtype: Any = None) -> "Tensor":
        return ops.norm(self, p, dim, keepdim, dtype)

    def count_nonzero(self, dim: Any = None) -> "Tensor":
        return ops.count_nonzero(self, dim)

    def bincount(self, weights: Any = None, minlength: int = 0) -> "Tensor":
        return ops.bincount(self, weights, minlength)

    def median(self, dim: int | None = None, keepdim: bool = False) -> Any:
        return ops.median(self, dim, keepdim)

    def nanmedian(self, dim: int | None = None, keepdim: bool = False) -> Any:
        return ops.nanmedian(self, dim, keepdim)

    def mode(self, dim: int = -1, keepdim: bool = False) -> Any:
        return ops.mode(self, dim, keepdim)

    def nansum(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> "Tensor":
        return ops.nansum(self, dim, keepdim, dtype=dtype)

    def nanmean(self, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> "Tensor":
        return ops.nanmean(self, dim, keepdim, dtype=dtype)

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False) -> Any:
        return ops.kthvalue(self, k, dim, keepdim)

    def quantile(self, q: Any, dim: int | None = None, keepdim: bool = False, *,
                 interpolation: str = "linear") -> "Tensor":
        return ops.quantile(self, q, dim, keepdim, interpolation=interpolation)

    def nanquantile(self, q: Any, dim: int | None = None, keepdim: bool = False, *,
                    interpolation: str = "linear") -> "Tensor":
        return ops.nanquantile(self, q, dim, keepdim, interpolation=interpolation)

    def argwhere(self) -> "Tensor":
        return ops.argwhere(self)

    # --- rotating, flipping and Kronecker products ----------------------------------------
    def rot90(self, k: int = 1, dims: Sequence[int] = (0, 1)) -> "Tensor":
        return ops.rot90(self, k, dims)

    def fliplr(self) -> "Tensor":
        return ops.fliplr(self)

    def flipud(self) -> "Tensor":
        return ops.flipud(self)

    def kron(self, other: "Tensor") -> "Tensor":
        return ops.kron(self, other)

    def logcumsumexp(self, dim: int) -> "Tensor":
        return ops.logcumsumexp(self, dim)

    def aminmax(self, *, dim: int | None = None, keepdim: bool = False) -> Any:
        return ops.aminmax(self, dim=dim, keepdim=keepdim)

    def dist(self, other: "Tensor", p: float = 2) -> "Tensor":
        return ops.dist(self, other, p)

    def cov(self, *, correction: int = 1, fweights: Any = None, aweights: Any = None
            ) -> "Tensor":
        return ops.cov(self, correction=correction, fweights=fweights, aweights=aweights)

    def corrcoef(self) -> "Tensor":
        return ops.corrcoef(self)

    def matrix_power(self, n: int) -> "Tensor":
        return ops.matrix_power(self, n)

    def msort(self) -> "Tensor":
        return ops.msort(self)

    def ravel(self) -> "Tensor":
        return ops.ravel(self)


def _add_product_(self: Any, op: str, product: Any, a: Any, b: Any, beta: Any,
                  alpha: Any) -> Any:
    """``self = beta * self + alpha * product(a, b)`` in place (addmm_ and its kin)."""
    return ops.inplace(self, op, lambda x, _: product(x, a, b, beta=beta, alpha=alpha),
                       wanting_grad(a, b))
