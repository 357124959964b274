"""Tensor methods of the sparse COO layout (see ``sparse_tensors.py``): converting to and
from it, and reading a sparse tensor's coordinates and values."""
from __future__ import annotations

from typing import Any


def _layout_name(t: Any) -> str:
    return "Strided" if t._sparse is None else "SparseCOO"


class SparseMethods:
    """``to_sparse``, ``to_dense``, ``coalesce``, ``indices``, ``values`` and friends."""

    _sparse: Any = None  # the COO record of a sparse tensor

    @property
    def is_sparse(self) -> bool:
        """Whether the tensor has the sparse COO layout."""
        return self._sparse is not None

    def to_sparse(self, sparse_dim: int | None = None, *, layout: Any = None) -> Any:
        """This tensor in the sparse COO layout: the coordinates of its non-zero entries
        (with ``sparse_dim`` < ndim, of its slices holding a non-zero), coalesced. A sparse
        tensor comes back as it is."""
        from . import sparse_tensors
        from .type_objects import sparse_coo as coo_layout
        if layout is not None and layout is not coo_layout:
            raise NotImplementedError(f"to_sparse: layout {layout} is not supported; minigrad "
                                      "has the sparse COO layout only")
        if self._sparse is not None:
            return self
        if self.requires_grad:
            raise NotImplementedError("to_sparse: sparse tensors do not take part in autograd "
                                      "in minigrad (this tensor requires grad)")
        return sparse_tensors.from_dense(self, sparse_dim)

    def to_sparse_coo(self) -> Any:
        return self.to_sparse()

    def to_dense(self, dtype: Any = None, *, masked_grad: bool | None = None) -> Any:
        """The dense tensor: the sum of the values at each coordinate, zero elsewhere. A
        dense tensor comes back as it is."""
        if self._sparse is None:
            return self if dtype is None else self.to(dtype)
        from .internal import array_of, wrap
        dense = wrap(array_of(self).copy())
        return dense if dtype is None else dense.to(dtype)

    def coalesce(self) -> Any:
        """The same tensor with its coordinates sorted and each one once (duplicates
        added up)."""
        from . import sparse_tensors
        record = self._check_sparse("coalesce")
        if record.coalesced:
            return self
        merged = sparse_tensors.coalesce(record, tuple(self.shape))
        return sparse_tensors.make(merged.indices, merged.values, tuple(self.shape), True)

    def is_coalesced(self) -> bool:
        return self._check_sparse("is_coalesced").coalesced

    def indices(self) -> Any:
        """The (sparse_dim, nnz) int64 coordinates of a coalesced sparse tensor."""
        return self._coalesced_part("indices")

    def values(self) -> Any:
        """The (nnz, *dense dims) values of a coalesced sparse tensor (read-only)."""
        return self._coalesced_part("values")

    def _indices(self) -> Any:
        from .internal import wrap
        return wrap(self._check_sparse("_indices").indices)

    def _values(self) -> Any:
        from .internal import wrap
        return wrap(self._check_sparse("_values").values)

    def _nnz(self) -> int:
        if self._sparse is None:
            raise NotImplementedError("Could not run 'aten::_nnz' with arguments from the "
                                      "'CPU' backend (a dense tensor has no nnz)")
        return int(self._sparse.indices.shape[1])

    def sparse_dim(self) -> int:
        return 0 if self._sparse is None else len(self._sparse.indices)

    def dense_dim(self) -> int:
        return self.ndim - self.sparse_dim()

    def _check_sparse(self, op: str) -> Any:
        if self._sparse is None:
            raise RuntimeError(f"{op} expected sparse coordinate tensor layout but got "
                               f"{_layout_name(self)}")
        return self._sparse

    def _coalesced_part(self, part: str) -> Any:
        from .internal import wrap
        if self._sparse is None:
            kind = "sparse coordinate tensor" if part == "indices" else "sparse tensor"
            raise RuntimeError(f"{part} expected {kind} layout but got Strided")
        if not self._sparse.coalesced:
            raise RuntimeError(f"Cannot get {part} on an uncoalesced tensor, please call "
                               ".coalesce() first")
        return wrap(getattr(self._sparse, part))
