"""Tensor: a NumPy array, its gradient, and the graph node that produced it.

Every operator and method here is a thin wrapper: the arithmetic lives in the registered
primitives of `minigrad.ops`, which record the graph through ``Function.apply``.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

from . import _printing, devices, type_objects
from .dtypes import get_default_dtype
from .size import Size
from .tensor_args import is_no_data, legacy_data, legacy_sizes, to_array
from .tensor_methods import TensorMethods


class _Version:
    """How many times an array was modified in place (shared by a tensor and its views)."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


_warned_scalar = False  # see Tensor._warn_scalar_of_requires_grad


def _check_grad(t: "Tensor", grad: Any) -> None:
    """What PyTorch checks when ``t.grad`` is assigned: a Tensor of t's shape and dtype."""
    if not isinstance(grad, Tensor):
        cls = type(grad)
        name = cls.__qualname__ if cls.__module__ == "builtins" else \
            f"{cls.__module__}.{cls.__qualname__}"
        raise TypeError(f"grad: assigned grad expected to be a Tensor or None but got grad "
                        f"of type {name}")
    expected = leaf_grad.expected_dtype(t)
    if expected is not None and grad.dtype != expected:
        what = "dtype" if expected == t.dtype else "grad_dtype"
        raise RuntimeError(f"grad: attempting to assign a gradient with dtype {grad.dtype} to "
                           f"a tensor with {what} {expected}")
    if grad.shape != t.shape:
        raise RuntimeError(f"grad: attempting to assign a gradient of size {list(grad.shape)} "
                           f"to a tensor of size {list(t.shape)}")


class Tensor(TensorMethods):
    """A multi-dimensional array that can record the operations applied to it.

    Parameters
    ----------
    data : array_like
        Nested lists or tuples of numbers: as PyTorch's ``torch.Tensor``, every number
        becomes the default float dtype (float32), ints and bools too, and a single
        number is refused (``TypeError``); ``minigrad.tensor`` keeps ints as int64. One
        int ``n`` (or several, ``Tensor(2, 3)``) is a shape, filled with zeros where
        PyTorch leaves the memory uninitialised. An ndarray or tensor keeps its dtype,
        unlike PyTorch's constructor (which makes it float32): minigrad's own code and
        tests wrap arrays of every dtype this way, and ``Tensor(array).float()`` gives
        PyTorch's result.
    dtype : numpy dtype, optional
    requires_grad : bool
        Record operations on this tensor so that ``backward`` can fill ``.grad``.
    """

    __array_priority__ = 1000  # ndarray (op) Tensor defers to Tensor's reflected operator

    # Defaults live on the class: a tensor made by an operation sets only what differs,
    # which keeps the cost of each operation down.
    _grad_fn: Any = None       # the node that made this tensor; None for a leaf
    _output_nr = 0             # which output of that node it is
    _requires_grad = False     # True for a leaf that requires grad and for every non-leaf
    _version: "_Version | None" = None  # made on first need (a save or an in-place change)
    _accumulator: Any = None   # weak reference to the leaf's AccumulateGrad node
    _hooks: list | None = None
    _post_accumulate_hooks: list | None = None  # a leaf's (autograd/leaf_grad.py)
    _grad_dtype: Any = ...     # ... = the tensor's dtype; None = any (autograd/leaf_grad.py)
    _base: "Tensor | None" = None  # the tensor whose memory this view shares (views.py)
    _view_path: tuple = ()
    _view_version = 0
    _view_kind: str | None = None
    _grad: "Tensor | None" = None  # see the grad property
    _fw_tangent: "Tensor | None" = None  # a dual tensor's tangent (autograd/forward_ad.py)
    name: str | None = None

    def __init__(self, data: Any = (), dtype: Any = None, requires_grad: bool = False,
                 *more_sizes: int) -> None:
        sizes = legacy_sizes(data, dtype, requires_grad, more_sizes)
        if sizes is not None:  # PyTorch's legacy Tensor(2, 3): a float tensor of that shape
            self._data = np.zeros(sizes, get_default_dtype())
            return
        if is_no_data(data):  # Tensor(), as PyTorch's: empty, float
            self._data = np.zeros(0, get_default_dtype())
        elif dtype is None and not isinstance(data, (Tensor, np.ndarray)):
            self._data = legacy_data(data)
        else:
            self._data = to_array(data, dtype)
        if requires_grad:
            self.requires_grad = True

    @classmethod
    def _wrap(cls, array: np.ndarray, grad_fn: Any = None, output_nr: int = 0) -> "Tensor":
        """Make a tensor around ``array`` without copying (used by ``Function.apply``)."""
        t = object.__new__(cls)
        t._data = array
        if grad_fn is not None:
            t._grad_fn, t._output_nr, t._requires_grad = grad_fn, output_nr, True
        return t

    def _get_version(self) -> _Version:
        version = self._version
        if version is None:
            version = self._version = _Version()
        return version

    def _bump_version(self) -> None:
        """Record an in-place change of the array (see ``minigrad.internal.mark_modified``)."""
        self._get_version().value += 1

    def _adopt_history(self, result: "Tensor") -> None:
        """Take ``result``'s node (see ``minigrad.internal.adopt_history``)."""
        self._grad_fn, self._output_nr = result._grad_fn, result._output_nr
        self._requires_grad = result._requires_grad
        if self._base is not None:
            views.mark_synced(self)

    # --- array facts ------------------------------------------------------------------
    @property
    def data(self) -> "Tensor":
        """A tensor sharing this one's array, outside the graph, as PyTorch's ``.data``.

        Changes made through it are not tracked by autograd (use ``detach()`` for that);
        ``.numpy()`` is the way to the array itself.
        """
        return Tensor._wrap(self._data)

    @data.setter
    def data(self, value: Any) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data: expected a Tensor, got {type(value).__name__}")
        self._data = value._data

    @property
    def shape(self) -> Size:
        return tuple.__new__(Size, self._data.shape)  # NumPy's shape is already valid

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    def size(self, dim: int | None = None) -> Any:
        """The shape, or the length of dimension ``dim``."""
        if dim is None:
            return tuple.__new__(Size, self._data.shape)  # NumPy's shape is already valid
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
        if self._base is not None:
            views.refresh(self)
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self._grad_fn is not None:
            if not flag:
                raise RuntimeError("requires_grad: you can only change requires_grad flags "
                                   "of leaf variables. If you want to use a computed "
                                   "variable in a subgraph that doesn't require "
                                   "differentiation use var_no_grad = var.detach().")
            return
        if flag and self._data.dtype.kind not in "fc":
            raise RuntimeError(f"requires_grad: only Tensors of floating point dtype can "
                               f"require gradients, got {self._data.dtype}")
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"requires_grad_(): argument 'requires_grad' (position 1) must be "
                            f"bool, not {type(requires_grad).__name__}")
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> "Tensor | None":
        """The gradient that backward accumulated here (None until then).

        It can be assigned a Tensor of this tensor's shape and dtype, or None; anything
        else raises, as in PyTorch.
        """
        return self._grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        if value is not None:
            _check_grad(self, value)
        self._grad = value

    @property
    def grad_dtype(self) -> Any:
        """The dtype gradients of this leaf are cast to (its dtype unless set; None lets
        any dtype through); see `minigrad.autograd.leaf_grad`."""
        return leaf_grad.grad_dtype(self)

    @grad_dtype.setter
    def grad_dtype(self, value: Any) -> None:
        leaf_grad.set_grad_dtype(self, value)

    @property
    def grad_fn(self) -> Any:
        """The node that made this tensor, or None for a leaf."""
        if self._base is not None:
            views.refresh(self)
        return self._grad_fn

    @property
    def output_nr(self) -> int:
        """Which output of ``grad_fn`` this tensor is (0 for a leaf)."""
        return self._output_nr

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    def is_contiguous(self, memory_format: Any = type_objects.contiguous_format) -> bool:
        """Whether the elements lie in memory without gaps in the order of
        ``memory_format``: row-major by default, NHWC for ``channels_last`` (see
        `minigrad.type_objects`)."""
        fmt = type_objects.check_format(memory_format, "is_contiguous")
        return type_objects.is_contiguous_as(self._data, fmt)

    def contiguous(self, memory_format: Any = type_objects.contiguous_format) -> "Tensor":
        """This tensor if it is contiguous in ``memory_format``, else a copy laid out so
        (differentiable). ``preserve_format`` raises RuntimeError, as in PyTorch."""
        if self.is_contiguous(memory_format):
            return self
        if memory_format is type_objects.preserve_format:
            raise RuntimeError("contiguous: preserve memory format is unsupported by the "
                               "contiguous operator")
        return self.clone(memory_format=memory_format)

    def data_ptr(self) -> int:
        """The address of the first element (views of one base share memory)."""
        return int(self._data.__array_interface__["data"][0])

    def _is_view(self) -> bool:
        """Whether this tensor is a view of another (its ``_base``), as in PyTorch."""
        return self._base is not None

    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Any = None) -> None:
        """Accumulate the gradient of this tensor into ``.grad`` of the leaves.

        Parameters
        ----------
        gradient : Tensor, optional
            The gradient with respect to this tensor; required unless it has one element.
        retain_graph : bool, optional
            Keep the saved values to call backward again. Defaults to ``create_graph``.
        create_graph : bool
            Record the backward pass, so the gradients can be differentiated again.
        inputs : Tensor or sequence of Tensor, optional
            Accumulate into the ``.grad`` of these only.
        """
        engine.backward([self], None if gradient is None else [gradient], retain_graph,
                        create_graph, inputs)

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
        return node is not None and hooks.is_retained(node, self._output_nr)

    def register_hook(self, hook: Callable[["Tensor"], "Tensor | None"]) -> Any:
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a
        replacement. Returns a handle whose ``remove()`` unregisters it."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that "
                               "doesn't require gradient")
        if self._grad_fn is not None:
            return self._grad_fn.register_hook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return hooks.RemovableHandle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook: Callable[["Tensor"], None]) -> Any:
        """Call ``hook(self)`` each time backward has accumulated a gradient into the
        ``.grad`` of this leaf; returns a handle whose ``remove()`` unregisters it."""
        return leaf_grad.register_post_accumulate(self, hook)

    def detach(self) -> "Tensor":
        """A tensor sharing this data, cut from the graph."""
        t = Tensor._wrap(self._data)
        t._version = self._get_version()  # the same array: in-place changes show in both
        t._sparse = self._sparse
        return t

    def detach_(self) -> "Tensor":
        self._grad_fn, self._output_nr, self._requires_grad = None, 0, False
        return self

    # --- conversion -------------------------------------------------------------------
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The data as an ndarray (shared, not copied).

        Raises ``RuntimeError`` for a tensor that requires grad, as PyTorch does: the array
        would escape the graph unnoticed. Call ``detach().numpy()`` (or ``numpy(force=True)``)
        to mean it.
        """
        if self.requires_grad and not force:
            raise RuntimeError("numpy: Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        if self._sparse is not None:
            raise TypeError("can't convert Sparse layout tensor to numpy. Use "
                            "Tensor.to_dense() first.")
        return self._data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self.numpy()
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
        self._warn_scalar_of_requires_grad()
        return float(self._only_element())

    def __complex__(self) -> complex:
        self._warn_scalar_of_requires_grad()
        return complex(self._only_element())

    def _warn_scalar_of_requires_grad(self) -> None:
        """PyTorch warns once per process when ``float()`` reads a tensor that requires
        grad (the number leaves the graph)."""
        global _warned_scalar
        if self._requires_grad and not _warned_scalar:
            _warned_scalar = True
            warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead "
                          "to unexpected behavior.\nConsider using tensor.detach() first.",
                          UserWarning, stacklevel=3)

    def __int__(self) -> int:
        return int(self._only_element())

    def _only_element(self) -> Any:
        if self._data.size != 1:  # PyTorch's ValueError, as Python's float() gives
            raise ValueError(f"only one element tensors can be converted to Python scalars "
                             f"(this one has shape {tuple(self.shape)})")
        return self._data.item()

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self._data.size} elements is "
                               "ambiguous")
        return bool(self._data.item())

    def to(self, *args: Any, **kwargs: Any) -> "Tensor":
        """This tensor with another dtype (differentiable between float dtypes), or itself.

        Accepts PyTorch's forms: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``,
        ``to(other_tensor)``, and the keywords ``dtype``, ``device``, ``non_blocking``,
        ``copy``, ``memory_format`` (a copy laid out so, unless the tensor already is). The
        device must be the CPU (see `minigrad.devices`).
        """
        if len(args) == 1 and not kwargs and isinstance(args[0], (np.dtype, type)):
            dtype, copy = np.dtype(args[0]), False  # the common x.to(dtype), kept quick
        else:
            dtype, copy = devices.to_arguments(args, kwargs)
        fmt = kwargs.get("memory_format") or type_objects.preserve_format
        out = self if dtype is None or dtype == self.dtype else ops.cast(self, dtype)
        if copy and out is self:
            return self.clone(memory_format=fmt)
        if fmt is type_objects.preserve_format or \
                out.stride() == type_objects.format_strides(self.shape, fmt, "to"):
            return out
        return out.clone(memory_format=fmt)  # (a different stride of a size-1 dim counts)

    def astype(self, dtype: Any) -> "Tensor":
        return self.to(dtype=dtype)

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

    def half(self) -> "Tensor":
        return self.to(np.float16)

    def short(self) -> "Tensor":
        return self.to(np.int16)

    def char(self) -> "Tensor":
        return self.to(np.int8)

    def byte(self) -> "Tensor":
        return self.to(np.uint8)

    def clone(self, *, memory_format: Any = type_objects.preserve_format) -> "Tensor":
        """A copy that stays in the graph, laid out in ``memory_format``: by default as this
        tensor is (a transposed or channels-last tensor keeps its order in memory)."""
        fmt = type_objects.check_format(memory_format or type_objects.preserve_format, "clone")
        out = ops.clone(self)  # row-major
        if not (fmt is type_objects.contiguous_format or
                fmt is type_objects.preserve_format and type_objects.row_major(self._data)):
            out._data = type_objects.laid_out(self._data, fmt, "clone")
        return out

    def __repr__(self) -> str:
        return _printing.tensor_repr(self)

    __hash__ = object.__hash__

    def draw_graph(self, **kwargs: Any) -> Any:
        """Draw the graph that produced this tensor (see `minigrad.viz.draw_graph`)."""
        from .viz import draw_graph
        return draw_graph(self, **kwargs)


from .autograd import engine, hooks, leaf_grad, views  # noqa: E402  (the engine builds on Tensor)
from . import (ops, tensor_inplace, tensor_math, tensor_methods, tensor_names,  # noqa: E402
               tensor_structure)

tensor_methods.ops = tensor_inplace.ops = tensor_math.ops = tensor_names.ops = ops
tensor_structure.ops = ops
