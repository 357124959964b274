"""Sparse COO tensors (``layout=minigrad.sparse_coo``): a list of coordinates and the
values at them, as PyTorch's ``torch.sparse_coo_tensor`` makes.

A sparse tensor here is a `Tensor` that carries a `COO` record (its ``indices``, of
shape (sparse_dim, nnz), its ``values``, of shape (nnz, *dense dims), and whether it is
coalesced) next to the dense array those describe. Duplicate coordinates add up, so the
dense array is what every product computes with: ``sparse @ dense`` is the matrix product
of the dense arrays, and gradients reach the dense operand as usual. Only the memory
saving is missing, which is why minigrad keeps it simple this way.

Which operations take a sparse operand, and what they give, follows PyTorch
(`dispatch`, called by `Function.apply` once a sparse tensor exists):

* products (``mm``, ``matmul``, ``@``, ``spmm``, ``addmm``) with one sparse operand: dense;
* ``dense + sparse``: dense; ``sparse + sparse``: sparse, the coordinates of both, not
  coalesced; ``sparse + dense`` raises, as there;
* ``sparse * number``, ``sparse / number``, ``sparse * dense``, ``-sparse``, a dtype
  cast, ``clone``: sparse, the same coordinates; ``sparse * sparse``: sparse, PyTorch's
  walk of one operand's entries looked up in the other;
* ``t``/``transpose``/``permute``: sparse, coordinates permuted (not coalesced);
* ``sum`` over every dim: a dense number; over some dims: sparse;
* the elementwise functions that keep zero at zero (``sqrt``, ``abs``, ``sin``, ...):
  sparse, on the coalesced coordinates.

Anything else raises ``NotImplementedError`` naming the operation, as PyTorch's
"Could not run ... with arguments from the 'SparseCPU' backend". Documented
differences: coordinates are always checked against the size (PyTorch checks only with
``check_invariants=True``); sparse tensors do not take part in autograd
(``requires_grad=True`` on one raises ``NotImplementedError``); and ``values()`` is not a
view, so an in-place change of it does not reach the sparse tensor.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .autograd import function
from .internal import array_of, replace_array, wrap
from .tensor import Tensor
from .creation import tensor as _values_tensor


class COO:
    """The coordinates (int64, (sparse_dim, nnz)) and values ((nnz, *dense dims)) of a
    sparse tensor, and whether they are coalesced (sorted, no coordinate twice)."""

    __slots__ = ("indices", "values", "coalesced")

    def __init__(self, indices: np.ndarray, values: np.ndarray, coalesced: bool) -> None:
        self.indices, self.values, self.coalesced = indices, values, coalesced
        self.values.flags.writeable = False  # writes could not reach the dense array


def record(t: Any) -> COO | None:
    """The `COO` record of a sparse tensor; None for anything else."""
    return getattr(t, "_sparse", None) if isinstance(t, Tensor) else None


def make(indices: np.ndarray, values: np.ndarray, size: tuple, coalesced: bool) -> Tensor:
    """A sparse tensor of ``size`` from checked ``indices`` and ``values``."""
    coo = COO(indices, values, coalesced)
    return _attach(wrap(_dense(coo, size)), coo)


def _tag(t: Tensor, coo: COO) -> Tensor:
    """Make the result ``t`` of an operation the sparse tensor of ``coo``: its dense array
    becomes the one ``coo`` describes (the values added up in PyTorch's coalesce order,
    so that later dense computations see the same rounding)."""
    if t.requires_grad:
        raise NotImplementedError("sparse tensors do not take part in autograd in minigrad "
                                  "(a sparse result would need a gradient here)")
    replace_array(t, _dense(coo, tuple(t.shape)), tracked=False)
    return _attach(t, coo)


def _dense(coo: COO, shape: tuple) -> np.ndarray:
    """The dense array of ``coo``: the sum of the values at each coordinate."""
    dense = np.zeros(shape, coo.values.dtype)
    if len(coo.indices):
        np.add.at(dense, tuple(coo.indices), coo.values)
    else:  # no sparse dims: every entry is the whole tensor
        dense[...] = coo.values.sum(axis=0, dtype=coo.values.dtype)
    return dense


def _attach(t: Tensor, coo: COO) -> Tensor:
    t._sparse = coo
    function.layout_dispatch = dispatch  # from now on, apply asks dispatch
    return t


def sparse_coo_tensor(indices: Any, values: Any, size: Any = None, *, dtype: Any = None,
                      device: Any = None, pin_memory: bool = False,
                      requires_grad: bool = False, check_invariants: bool | None = None,
                      is_coalesced: bool | None = None) -> Tensor:
    """A sparse COO tensor with ``values[k]`` at coordinate ``indices[:, k]``.

    Parameters
    ----------
    indices : array_like
        (sparse_dim, nnz) integer coordinates; a coordinate given twice adds up.
    values : array_like
        (nnz, *dense dims) values; their dtype is inferred as `minigrad.tensor` does.
    size : sequence of ints, optional
        The shape; by default one more than the largest coordinate in each sparse dim,
        followed by the values' dense dims.
    dtype : dtype, optional
        The values' dtype.
    device, pin_memory, check_invariants : optional
        PyTorch's arguments; the CPU only. Coordinates are always checked.
    requires_grad : bool
        Must be False: sparse tensors do not take part in autograd in minigrad.
    is_coalesced : bool, optional
        Whether the coordinates are known to be sorted and unique.

    Returns
    -------
    Tensor
        With ``layout`` ``minigrad.sparse_coo``.
    """
    from .devices import check_device
    if device is not None:
        check_device(device, "sparse_coo_tensor")
    if requires_grad:
        raise NotImplementedError("sparse_coo_tensor: sparse tensors do not take part in "
                                  "autograd in minigrad (requires_grad=True)")
    coords = np.asarray(array_of(indices) if isinstance(indices, Tensor) else indices)
    if coords.ndim != 2:
        raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(coords.shape)}")
    coords = coords.astype(np.int64)
    vals = array_of(_values_tensor(values, dtype=dtype)).copy()
    if vals.ndim == 0:
        raise RuntimeError("sparse_coo_tensor: values must have at least one dim (nnz, ...)")
    if coords.shape[1] != vals.shape[0]:
        raise RuntimeError(f"indices and values must have same nnz, but got nnz from "
                           f"indices: {coords.shape[1]}, nnz from values: {vals.shape[0]}")
    size = _size(coords, vals, size)
    _check_coordinates(coords, size)
    coalesced = bool(is_coalesced) if is_coalesced is not None else coords.shape[1] <= 1
    return make(coords, vals, size, coalesced)


def _size(coords: np.ndarray, vals: np.ndarray, size: Any) -> tuple:
    if size is None:
        largest = coords.max(axis=1) + 1 if coords.shape[1] else np.zeros(len(coords), int)
        return tuple(int(n) for n in largest) + vals.shape[1:]
    size = tuple(int(n) for n in size)
    if len(size) != len(coords) + vals.ndim - 1 or size[len(coords):] != vals.shape[1:]:
        raise RuntimeError(f"sparse_coo_tensor: size {list(size)} does not fit indices of "
                           f"sparse_dim {len(coords)} and values of shape {list(vals.shape)}")
    return size


def _check_coordinates(coords: np.ndarray, size: tuple) -> None:
    for dim, row in enumerate(coords):
        if row.size and (row.min() < 0 or row.max() >= size[dim]):
            bad = row.min() if row.min() < 0 else row.max()
            raise RuntimeError(f"size is inconsistent with indices: for dim {dim}, size is "
                               f"{size[dim]} but found index {bad}")


def from_dense(t: Tensor, sparse_dim: int | None = None) -> Tensor:
    """``t.to_sparse(sparse_dim)``: the coordinates of its non-zero entries (of its rows
    with a non-zero value, for fewer sparse dims than dims), coalesced."""
    a = array_of(t)
    sparse_dim = a.ndim if sparse_dim is None else int(sparse_dim)
    if sparse_dim == 0 and a.ndim:
        raise RuntimeError("dense_to_sparse: sparse_dim argument must be in >0 when "
                           "self.dim()>0")
    if not 0 <= sparse_dim <= a.ndim:
        raise RuntimeError(f"to_sparse: sparse_dim argument must be in [0, {a.ndim}], but got "
                           f"{sparse_dim}")
    if sparse_dim == 0:
        return make(np.zeros((0, 1), np.int64), a[None].copy(), a.shape, True)
    nonzero = a != 0
    if sparse_dim < a.ndim:
        nonzero = nonzero.any(axis=tuple(range(sparse_dim, a.ndim)))
    coords = np.array(np.nonzero(nonzero), np.int64).reshape(sparse_dim, -1)
    return make(coords, a[tuple(coords)].copy(), a.shape, True)


def coalesce(coo: COO, shape: tuple) -> COO:
    """The same entries sorted by coordinate, duplicates added up."""
    if coo.coalesced:
        return coo
    unique, where = np.unique(_keys(coo.indices, shape), return_inverse=True)
    values = np.zeros((len(unique),) + coo.values.shape[1:], coo.values.dtype)
    np.add.at(values, where.reshape(-1), coo.values)
    coords = np.array(np.unravel_index(unique, shape[:len(coo.indices)]), np.int64)
    return COO(coords.reshape(len(coo.indices), -1), values, True)


# --- operations on sparse operands -------------------------------------------------------
def dispatch(cls: type, args: tuple, kwargs: dict, run: Callable[[], Any]) -> Any:
    """Run primitive ``cls`` on ``args`` (``run()`` computes the dense result) as PyTorch
    does with sparse operands: the result dense or sparse, or NotImplementedError."""
    if cls.name is None or not any(record(a) is not None for a in args):
        return run()  # a user's Function sees the tensors as they are
    rule = _RULES.get(cls.name)
    if rule is None and cls.name in _ZERO_PRESERVING:
        rule = _same_coordinates
    if rule is None:
        raise NotImplementedError(
            f"Could not run 'aten::{cls.name}' with arguments from the 'SparseCPU' backend: "
            f"minigrad's sparse tensors support products, sums, adds and elementwise "
            f"functions that keep zero at zero; call .to_dense() first")
    return rule(cls.name, args, kwargs, run)


def _product(name: str, args: tuple, kwargs: dict, run: Callable[[], Any]) -> Tensor:
    if all(record(a) is not None for a in args[:2]):
        raise NotImplementedError("matmul: a product of two sparse tensors is not supported "
                                  "in minigrad; call .to_dense() on one of them")
    return run()


def _addition(name: str, args: tuple, kwargs: dict, run: Callable[[], Any]) -> Tensor:
    """dense + sparse: dense; sparse + sparse: PyTorch's merge of the two entry lists."""
    x, y = args[:2]
    if record(x) is None:
        return run()
    if record(y) is None:
        raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) "
                           "instead.")
    out = run()
    a, b = record(x), record(y)
    b_values = b.values if name == "add" else -b.values
    coords, values = _merge(a.indices, a.values, b.indices, b_values, tuple(x.shape))
    return _tag(out, COO(coords, values.astype(out.dtype), a.coalesced and b.coalesced))


def _merge(a_coords: np.ndarray, a_values: np.ndarray, b_coords: np.ndarray,
           b_values: np.ndarray, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
    """The entries of a and b in one list, as merging two sorted lists: the lower
    coordinate goes first, and two equal ones become one entry holding their sum. (For
    coalesced inputs this is their coalesced sum; PyTorch walks uncoalesced ones the
    same way.)"""
    a_keys, b_keys = _keys(a_coords, shape), _keys(b_coords, shape)
    picks, i, j = [], 0, 0  # (source, index) or ("both", (i, j))
    while i < len(a_keys) or j < len(b_keys):
        if j == len(b_keys) or i < len(a_keys) and a_keys[i] < b_keys[j]:
            picks.append((a_coords[:, i], a_values[i]))
            i += 1
        elif i == len(a_keys) or b_keys[j] < a_keys[i]:
            picks.append((b_coords[:, j], b_values[j]))
            j += 1
        else:
            picks.append((a_coords[:, i], a_values[i] + b_values[j]))
            i, j = i + 1, j + 1
    if not picks:
        return a_coords[:, :0], np.concatenate([a_values, b_values])[:0]
    return (np.stack([c for c, _ in picks], axis=1),
            np.stack([np.asarray(v) for _, v in picks]))


def _scaling(name: str, args: tuple, kwargs: dict, run: Callable[[], Any]) -> Tensor:
    """sparse * or / a number, and sparse * dense: the same coordinates, each value
    scaled; sparse * sparse: the coordinates both have (coalesced)."""
    x, y = args[:2]
    sparse, other = (x, y) if record(x) is not None else (y, x)
    if name == "div" and x is not sparse:
        raise NotImplementedError("div: dividing by a sparse tensor is not supported")
    out = run()
    coo = record(sparse)
    if record(other) is not None:
        return _product_of_sparse(name, coo, record(other), tuple(out.shape), out)
    factor = array_of(other) if isinstance(other, Tensor) else np.asarray(other)
    if factor.ndim:
        if name != "mul":
            raise NotImplementedError("div: a sparse tensor can only be divided by a number "
                                      "in minigrad")
        factor = np.broadcast_to(factor, out.shape)[tuple(coo.indices)]
        factor = factor.reshape(factor.shape + (1,) * (coo.values.ndim - factor.ndim))
    values = coo.values * factor if name == "mul" else coo.values / factor
    return _tag(out, COO(coo.indices, values.astype(out.dtype), coo.coalesced))


def _product_of_sparse(name: str, a: COO, b: COO, shape: tuple, out: Tensor) -> Tensor:
    """PyTorch's sparse * sparse: one operand is looked up (coalesced) while the entries
    of the other are walked in their order. A coalesced operand is looked up; of two
    uncoalesced ones, the one with more entries (the first on a tie). Of two coalesced
    operands the common coordinates are kept, else every walked entry (times 0 where
    the other has none)."""
    if name != "mul":
        raise NotImplementedError("div: a sparse tensor can only be divided by a number in "
                                  "minigrad")
    if a.coalesced != b.coalesced:
        looked_up, walked = (a, b) if a.coalesced else (b, a)
    elif a.coalesced:
        looked_up, walked = b, a
    else:
        small_first = a.indices.shape[1] < b.indices.shape[1]
        looked_up, walked = (b, a) if small_first else (a, b)
    if not looked_up.indices.shape[1] or not walked.indices.shape[1]:
        return _tag(out, COO(a.indices[:, :0], a.values[:0].astype(out.dtype), True))
    looked_up = coalesce(looked_up, shape)
    keys = [_keys(c.indices, shape) for c in (looked_up, walked)]
    where = np.minimum(np.searchsorted(keys[0], keys[1]), max(len(keys[0]) - 1, 0))
    hit = (keys[0][where] == keys[1]) if len(keys[0]) else np.zeros(len(keys[1]), bool)
    found = np.zeros_like(walked.values)
    found[hit] = looked_up.values[where[hit]]
    values = (walked.values * found).astype(out.dtype)
    if walked.coalesced:  # both coalesced: the common coordinates only
        return _tag(out, COO(walked.indices[:, hit], values[hit], True))
    return _tag(out, COO(walked.indices, values, False))  # every walked entry, 0 if unmatched


def _keys(coords: np.ndarray, shape: tuple) -> np.ndarray:
    """Each coordinate as one number, in the order of sorted coordinates."""
    if not coords.shape[1]:
        return np.zeros(0, np.int64)
    return np.ravel_multi_index(tuple(coords), shape[:len(coords)])


def _same_coordinates(name: str, args: tuple, kwargs: dict, run: Callable[[], Any]) -> Tensor:
    """A zero-preserving elementwise result: sparse on the coalesced coordinates."""
    out = run()
    coo = coalesce(record(args[0]), tuple(args[0].shape))
    return _tag(out, COO(coo.indices, array_of(out)[tuple(coo.indices)].copy(), True))


def _keep_coordinates(name: str, args: tuple, kwargs: dict, run: Callable[[], Any]) -> Tensor:
    """clone, casts and negation: the same coordinates, their values through the op."""
    out = run()
    coo = record(args[0])
    values = coo.values.astype(out.dtype)
    if name == "neg":
        values = -values
    return _tag(out, COO(coo.indices, values, coo.coalesced))


def _permutation(name: str, args: tuple, kwargs: dict, run: Callable[[], Any]) -> Tensor:
    x, dims = args[:2]
    coo = record(x)
    sparse_dim = len(coo.indices)
    if sorted(dims[:sparse_dim]) != list(range(sparse_dim)):
        raise NotImplementedError("permute: moving dense dims of a hybrid sparse tensor is "
                                  "not supported in minigrad")
    return _tag(run(), COO(coo.indices[list(dims[:sparse_dim])], coo.values, False))


def _summation(name: str, args: tuple, kwargs: dict, run: Callable[[], Any]) -> Tensor:
    x, dims = args[0], args[1]
    coo = record(x)
    dims = tuple(range(x.ndim)) if dims is None else tuple(dims)
    out = run()
    if len(set(dims)) == x.ndim:
        return out  # a number, dense
    if any(d >= len(coo.indices) for d in dims):
        raise NotImplementedError("sum: a sum over the dense dims of a hybrid sparse tensor "
                                  "is not supported in minigrad")
    kept = [d for d in range(len(coo.indices)) if d not in dims]
    coords = np.unique(coalesce(coo, tuple(x.shape)).indices[kept], axis=1)
    coalesced = True
    if kwargs.get("keepdim", False):  # the summed dims stay, at coordinate 0
        full = np.zeros((len(coo.indices), coords.shape[1]), np.int64)
        full[kept] = coords
        coords = full
        coalesced = coords.shape[1] <= 1  # PyTorch does not mark these coalesced
    return _tag(out, COO(coords, array_of(out)[tuple(coords)].copy(), coalesced))


_RULES: dict[str, Callable] = {
    "matmul": _product, "add": _addition, "sub": _addition,
    "mul": _scaling, "div": _scaling, "neg": _keep_coordinates, "cast": _keep_coordinates,
    "clone": _keep_coordinates, "permute": _permutation, "sum": _summation,
}
_ZERO_PRESERVING = {"abs", "asin", "asinh", "atan", "atanh", "ceil", "erf", "erfinv", "expm1",
                    "floor", "log1p", "round", "sign", "sin", "sinh", "sqrt", "tan", "tanh",
                    "trunc", "relu"}
