"""Tensor: a NumPy array, its gradient, and the graph node that produced it.

Every operator and method here is a thin wrapper: the arithmetic lives in the registered
primitives of :mod:`minigrad.ops`, which record the graph through ``Function.apply``.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence

import numpy as np

DEFAULT_FLOAT = np.dtype(np.float32)


class _Version:
    """How many times an array was modified in place, and how many nodes saved it."""

    __slots__ = ("value", "saved")

    def __init__(self) -> None:
        self.value = 0
        self.saved = 0


def _to_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Turn user data into an array: float data defaults to float32, ndarrays keep theirs."""
    if isinstance(data, Tensor):
        data = data._data
    if dtype is not None:
        return np.array(data, dtype=np.dtype(dtype))
    if isinstance(data, np.ndarray):
        return data.copy()
    array = np.array(data)
    if array.dtype.kind == "f":
        array = array.astype(DEFAULT_FLOAT)
    elif array.dtype.kind not in "iub":
        raise TypeError(f"tensor: cannot make a tensor from data of type {type(data).__name__} "
                        f"(NumPy dtype {array.dtype})")
    return array


class Tensor:
    """A multi-dimensional array that can record the operations applied to it.

    Parameters
    ----------
    data : array_like
        Numbers, nested lists or an ndarray. Float data becomes float32 unless ``dtype``
        says otherwise (an ndarray keeps its dtype).
    dtype : numpy dtype, optional
    requires_grad : bool
        Record operations on this tensor so that ``backward`` can fill ``.grad``.
    """

    __slots__ = ("_data", "_grad_fn", "_output_nr", "_version", "_requires_grad", "grad",
                 "_accumulator", "_hooks", "name", "__weakref__")
    __array_priority__ = 1000  # ndarray (op) Tensor defers to Tensor's reflected operator

    def __init__(self, data: Any, dtype: Any = None, requires_grad: bool = False) -> None:
        self._init(_to_array(data, dtype))
        self.requires_grad = requires_grad

    def _init(self, array: np.ndarray, grad_fn: Any = None, output_nr: int = 0) -> None:
        self._data = array
        self._grad_fn = grad_fn
        self._output_nr = output_nr
        self._version = _Version()
        self._requires_grad = False
        self.grad: Tensor | None = None
        self._accumulator = None
        self._hooks: list[Callable] = []
        self.name: str | None = None

    @classmethod
    def _wrap(cls, array: np.ndarray, grad_fn: Any = None, output_nr: int = 0) -> "Tensor":
        """Make a tensor around ``array`` without copying (used by the primitives)."""
        t = cls.__new__(cls)
        t._init(array, grad_fn, output_nr)
        return t

    # --- array facts ------------------------------------------------------------------
    @property
    def data(self) -> np.ndarray:
        """The ndarray. While a graph node keeps it for backward, it is read-only."""
        if self._version.saved > 0:
            view = self._data.view()
            view.flags.writeable = False
            return view
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)
        self._version.value += 1

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    def size(self, dim: int | None = None) -> Any:
        """The shape, or the length of dimension ``dim``."""
        if dim is None:
            return self._data.shape
        return self._data.shape[ops.normalize_dim(dim, self.ndim, "size")]

    def numel(self) -> int:
        """The number of elements."""
        return int(self._data.size)

    def dim(self) -> int:
        return self._data.ndim

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    # --- autograd facts -----------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._grad_fn is not None or self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self._grad_fn is not None:
            if not flag:
                raise RuntimeError("requires_grad: you can only change the requires_grad flag "
                                   "of leaf tensors; use detach() for a non-leaf")
            return
        if flag and self._data.dtype.kind != "f":
            raise RuntimeError(f"requires_grad: only tensors of floating point dtype can "
                               f"require gradients, got {self._data.dtype}")
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        self.requires_grad = requires_grad
        return self

    @property
    def grad_fn(self) -> Any:
        """The node that made this tensor, or None for a leaf."""
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Accumulate the gradient of this tensor into ``.grad`` of the leaves.

        Parameters
        ----------
        gradient : Tensor, optional
            The gradient with respect to this tensor; required unless it has one element.
        retain_graph : bool, optional
            Keep the saved values to call backward again. Defaults to ``create_graph``.
        create_graph : bool
            Record the backward pass, so the gradients can be differentiated again.
        """
        engine.backward([self], None if gradient is None else [gradient], retain_graph,
                        create_graph)

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor too."""
        if self._grad_fn is None:
            if not self.requires_grad:
                raise RuntimeError("retain_grad: can't retain_grad on a tensor that has "
                                   "requires_grad=False")
            return
        self._grad_fn.retain_grad(self._output_nr, self)

    @property
    def retains_grad(self) -> bool:
        node = self._grad_fn
        return node is not None and node._retained.get(self._output_nr) is not None

    def register_hook(self, hook: Callable[["Tensor"], "Tensor | None"]) -> Any:
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a
        replacement. Returns a handle whose ``remove()`` unregisters it."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that "
                               "doesn't require gradient")
        if self._grad_fn is not None:
            return self._grad_fn.register_hook(self._output_nr, hook)
        self._hooks.append(hook)
        return function.RemovableHandle(self._hooks, hook)

    def detach(self) -> "Tensor":
        """A tensor sharing this data, cut from the graph."""
        t = Tensor._wrap(self._data)
        t._version = self._version
        return t

    def detach_(self) -> "Tensor":
        self._grad_fn, self._requires_grad = None, False
        return self

    # --- conversion -------------------------------------------------------------------
    def numpy(self) -> np.ndarray:
        """The data as an ndarray (shared, not copied), whether or not it requires grad."""
        return self.data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self.data
        if dtype is not None and np.dtype(dtype) != array.dtype:
            return array.astype(dtype)
        return array.copy() if copy else array

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"item: a Tensor with {self._data.size} elements cannot be "
                               "converted to Scalar")
        return self._data.item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self._data.size} elements is "
                               "ambiguous")
        return bool(self._data.item())

    def to(self, dtype: Any) -> "Tensor":
        """Cast to ``dtype`` (differentiable between float dtypes)."""
        dtype = np.dtype(dtype)
        return self if dtype == self.dtype else ops.cast(self, dtype)

    astype = to

    def float(self) -> "Tensor":
        return self.to(np.float32)

    def double(self) -> "Tensor":
        return self.to(np.float64)

    def long(self) -> "Tensor":
        return self.to(np.int64)

    def int(self) -> "Tensor":
        return self.to(np.int32)

    def bool(self) -> "Tensor":
        return self.to(np.bool_)

    def clone(self) -> "Tensor":
        return ops.clone(self)

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="tensor(", precision=4)
        extras = []
        if self.dtype not in (DEFAULT_FLOAT, np.dtype(np.int64), np.dtype(np.bool_)):
            extras.append(f"dtype=minigrad.{self.dtype}")
        if self._grad_fn is not None:
            extras.append(f"grad_fn=<{self._grad_fn.function.__name__}Backward>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extras) + ")"

    __hash__ = object.__hash__

    # --- arithmetic -------------------------------------------------------------------
    def __add__(self, other: Any) -> "Tensor":
        return ops.add(self, other)

    def __radd__(self, other: Any) -> "Tensor":
        return ops.add(other, self)

    def __sub__(self, other: Any) -> "Tensor":
        return ops.sub(self, other)

    def __rsub__(self, other: Any) -> "Tensor":
        return ops.sub(other, self)

    def __mul__(self, other: Any) -> "Tensor":
        return ops.mul(self, other)

    def __rmul__(self, other: Any) -> "Tensor":
        return ops.mul(other, self)

    def __truediv__(self, other: Any) -> "Tensor":
        return ops.div(self, other)

    def __rtruediv__(self, other: Any) -> "Tensor":
        return ops.div(other, self)

    def __pow__(self, other: Any) -> "Tensor":
        return ops.pow(self, other)

    def __rpow__(self, other: Any) -> "Tensor":
        return ops.pow(other, self)

    def __matmul__(self, other: Any) -> "Tensor":
        return ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> "Tensor":
        return ops.matmul(other, self)

    def __neg__(self) -> "Tensor":
        return ops.neg(self)

    def __abs__(self) -> "Tensor":
        return ops.abs(self)

    def __pos__(self) -> "Tensor":
        return self

    # --- comparisons and logic (no gradient) ---------------------------------------------
    def __eq__(self, other: Any) -> "Tensor":  # type: ignore[override]
        return ops.compare(np.equal, self, other)

    def __ne__(self, other: Any) -> "Tensor":  # type: ignore[override]
        return ops.compare(np.not_equal, self, other)

    def __lt__(self, other: Any) -> "Tensor":
        return ops.compare(np.less, self, other)

    def __le__(self, other: Any) -> "Tensor":
        return ops.compare(np.less_equal, self, other)

    def __gt__(self, other: Any) -> "Tensor":
        return ops.compare(np.greater, self, other)

    def __ge__(self, other: Any) -> "Tensor":
        return ops.compare(np.greater_equal, self, other)

    def __and__(self, other: Any) -> "Tensor":
        return ops.compare(np.logical_and, self, other)

    def __or__(self, other: Any) -> "Tensor":
        return ops.compare(np.logical_or, self, other)

    def __invert__(self) -> "Tensor":
        return Tensor._wrap(~self._data)

    # --- indexing -----------------------------------------------------------------------
    def __getitem__(self, index: Any) -> "Tensor":
        return ops.getitem(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        ops.setitem_(self, index, value)

    def __iter__(self) -> Iterator["Tensor"]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    # --- in-place ---------------------------------------------------------------------
    def add_(self, other: Any, *, alpha: float = 1) -> "Tensor":
        return ops.inplace(self, "add_", ops.add, other if alpha == 1 else other * alpha)

    def sub_(self, other: Any, *, alpha: float = 1) -> "Tensor":
        return ops.inplace(self, "sub_", ops.sub, other if alpha == 1 else other * alpha)

    def mul_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "mul_", ops.mul, other)

    def div_(self, other: Any) -> "Tensor":
        return ops.inplace(self, "div_", ops.div, other)

    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":
        return ops.inplace(self, "clamp_", lambda x, _: ops.clamp(x, min, max), None)

    def copy_(self, src: Any) -> "Tensor":
        return ops.inplace(self, "copy_", lambda x, s: ops.where(True, s, x), src)

    def fill_(self, value: Any) -> "Tensor":
        return ops.inplace(self, "fill_", lambda x, v: ops.where(True, v, x), value)

    def zero_(self) -> "Tensor":
        return self.fill_(0)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    # --- math methods -------------------------------------------------------------------
    def exp(self) -> "Tensor":
        return ops.exp(self)

    def log(self) -> "Tensor":
        return ops.log(self)

    def sqrt(self) -> "Tensor":
        return ops.sqrt(self)

    def sin(self) -> "Tensor":
        return ops.sin(self)

    def cos(self) -> "Tensor":
        return ops.cos(self)

    def tanh(self) -> "Tensor":
        return ops.tanh(self)

    def sigmoid(self) -> "Tensor":
        return ops.sigmoid(self)

    def relu(self) -> "Tensor":
        return ops.relu(self)

    def abs(self) -> "Tensor":
        return ops.abs(self)

    def neg(self) -> "Tensor":
        return ops.neg(self)

    def pow(self, exponent: Any) -> "Tensor":
        return ops.pow(self, exponent)

    def maximum(self, other: Any) -> "Tensor":
        return ops.maximum(self, other)

    def minimum(self, other: Any) -> "Tensor":
        return ops.minimum(self, other)

    def clamp(self, min: Any = None, max: Any = None) -> "Tensor":
        return ops.clamp(self, min, max)

    clip = clamp

    def matmul(self, other: Any) -> "Tensor":
        return ops.matmul(self, other)

    # --- reductions ---------------------------------------------------------------------
    def sum(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return ops.sum(self, dim, keepdim)

    def mean(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return ops.mean(self, dim, keepdim)

    def var(self, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,
            correction: int | None = None) -> "Tensor":
        return ops.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,
            correction: int | None = None) -> "Tensor":
        return ops.std(self, dim, unbiased, keepdim, correction=correction)

    def prod(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return ops.prod(self, dim, keepdim)

    def amax(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return ops.amax(self, dim, keepdim)

    def amin(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return ops.amin(self, dim, keepdim)

    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        return ops.max(self, dim, keepdim)

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        return ops.min(self, dim, keepdim)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return ops.argmax(self, dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return ops.argmin(self, dim, keepdim)

    def logsumexp(self, dim: Any, keepdim: bool = False) -> "Tensor":
        return ops.logsumexp(self, dim, keepdim)

    def softmax(self, dim: int) -> "Tensor":
        return ops.softmax(self, dim)

    def log_softmax(self, dim: int) -> "Tensor":
        return ops.log_softmax(self, dim)

    # --- movement -----------------------------------------------------------------------
    def reshape(self, *shape: Any) -> "Tensor":
        return ops.reshape(self, ops.shape_arg(shape))

    def view(self, *shape: Any) -> "Tensor":
        return ops.reshape(self, ops.shape_arg(shape))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        return ops.flatten(self, start_dim, end_dim)

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        return ops.transpose(self, dim0, dim1)

    def permute(self, *dims: Any) -> "Tensor":
        return ops.permute(self, ops.shape_arg(dims))

    @property
    def T(self) -> "Tensor":
        return ops.permute(self, tuple(range(self.ndim))[::-1])

    @property
    def mT(self) -> "Tensor":
        return ops.transpose(self, -2, -1)

    def squeeze(self, dim: Any = None) -> "Tensor":
        return ops.squeeze(self, dim)

    def unsqueeze(self, dim: int) -> "Tensor":
        return ops.unsqueeze(self, dim)

    def expand(self, *shape: Any) -> "Tensor":
        return ops.expand(self, ops.shape_arg(shape))

    def broadcast_to(self, shape: Sequence[int]) -> "Tensor":
        return ops.expand(self, tuple(shape))

    def expand_as(self, other: "Tensor") -> "Tensor":
        return ops.expand(self, other.shape)

    def split(self, split_size_or_sections: Any, dim: int = 0) -> tuple["Tensor", ...]:
        return ops.split(self, split_size_or_sections, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple["Tensor", ...]:
        return ops.chunk(self, chunks, dim)

    def gather(self, dim: int, index: Any) -> "Tensor":
        return ops.gather(self, dim, index)

    def draw_graph(self, **kwargs: Any) -> Any:
        """Draw the graph that produced this tensor (see :func:`minigrad.viz.draw_graph`)."""
        from .viz import draw_graph
        return draw_graph(self, **kwargs)


from .autograd import engine, function  # noqa: E402  (the engine builds on Tensor)
from . import ops  # noqa: E402  (the primitives build on Tensor)
