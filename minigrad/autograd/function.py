"""Function, the graph node it records, and the registry of primitives.

A primitive is a subclass of `Function` with two static methods:

* ``forward(ctx, *args)`` receives NumPy arrays in place of tensors and returns an array
  (or a tuple of arrays);
* ``backward(ctx, *grad_outputs)`` receives tensors and returns one gradient per forward
  argument, written with minigrad operations so that it can be differentiated again.

``Function.apply`` is the one place where graph nodes are made.
"""
from __future__ import annotations

import inspect
import weakref
from typing import Any, Callable

import numpy as np

from ..tensor import Tensor
from . import scope
from .grad_mode import is_grad_enabled

_REGISTRY: dict[str, type["Function"]] = {}


def register(name: str) -> Callable[[type["Function"]], type["Function"]]:
    """Class decorator that records a Function under ``name`` in the primitive registry."""

    def decorate(cls: type["Function"]) -> type["Function"]:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ValueError(f"register: a primitive named {name!r} already exists")
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return decorate


def primitives() -> dict[str, type["Function"]]:
    """Return the registered primitives, name -> Function class, sorted by name."""
    from .. import ops  # noqa: F401  (importing ops registers the built-in primitives)

    return dict(sorted(_REGISTRY.items()))


class AccumulateGrad:
    """The graph node of a leaf tensor: gradients that reach it add up in ``.grad``."""

    __slots__ = ("variable", "__weakref__")
    name = "accumulate_grad"
    next_edges: tuple = ()

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def __repr__(self) -> str:
        return f"<AccumulateGrad of tensor of shape {tuple(self.variable.shape)}>"


def gradient_edge(tensor: Tensor) -> tuple[Any, int] | None:
    """Where a gradient for ``tensor`` must be sent: (node, output index), or None."""
    if tensor._grad_fn is not None:
        return tensor._grad_fn, tensor._output_nr
    if not tensor._requires_grad:
        return None
    accumulator = tensor._accumulator() if tensor._accumulator is not None else None
    if accumulator is None:
        accumulator = AccumulateGrad(tensor)
        tensor._accumulator = weakref.ref(accumulator)
    return accumulator, 0


class _Saved:
    """One value saved for backward: the array as it was, where it sits in the graph, and
    the version its tensor had when it was saved.

    ``output_nr >= 0`` without a tensor marks an output of the saving node itself (kept as
    an array, so the node does not reference its own outputs); ``-1`` marks a constant.
    """

    __slots__ = ("tensor", "array", "grad_fn", "output_nr", "version", "expected")

    def __init__(self, array: np.ndarray, version: Any, tensor: Tensor | None = None,
                 grad_fn: Any = None, output_nr: int = -1) -> None:
        self.array, self.tensor, self.grad_fn, self.output_nr = array, tensor, grad_fn, output_nr
        self.version = version
        self.expected = version.value if version is not None else 0
        if version is not None:
            version.saved += 1

    def release(self) -> None:
        if self.version is not None:
            self.version.saved -= 1
            self.version = None


class Node:
    """The context of one Function call, and the graph node that call leaves behind.

    It is the ``ctx`` passed to ``forward`` and ``backward`` and the ``grad_fn`` of the
    outputs. Besides ``save_for_backward`` it carries any attribute ``forward`` sets.
    """

    # Defaults live on the class, so that making a node (once per operation) is cheap.
    needs_input_grad: tuple[bool, ...] = ()
    next_edges: tuple = ()
    input_meta: tuple = ()
    output_meta: tuple = ()
    args: tuple = ()
    kwargs: dict = {}
    scope: tuple = ()
    _to_save: tuple = ()
    _saved: tuple | None = None
    _released = False
    _hooks: dict[int, list] = {}  # replaced by an own dict on first use, never mutated
    _retained: dict[int, weakref.ref] = {}
    _outputs: tuple = ()

    def __init__(self, function: type["Function"], recording: bool) -> None:
        self.function = function
        self.recording = recording

    # --- the PyTorch ctx API -------------------------------------------------------
    @property
    def name(self) -> str:
        return getattr(self.function, "name", None) or self.function.__name__

    def save_for_backward(self, *values: Any) -> None:
        """Keep arrays or tensors for backward. Inputs and outputs come back as tensors
        connected to the graph, so the backward rule stays differentiable."""
        self._to_save = values

    def mark_non_differentiable(self, *arrays: np.ndarray) -> None:
        """Declare outputs that never carry a gradient (indices, masks)."""
        self._non_differentiable = {id(a) for a in arrays}

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        if self._released:
            raise RuntimeError(
                f"{self.name}: Trying to backward through the graph a second time (or "
                "directly access saved tensors after they have already been freed). Saved "
                "intermediate values of the graph are freed when you call .backward() or "
                "autograd.grad(). Specify retain_graph=True if you need to backward through "
                "the graph a second time or if you need to access saved tensors after "
                "calling backward.")
        return tuple(self._unpack(s) for s in self._saved or ())

    def _unpack(self, saved: _Saved | None) -> Tensor | None:
        if saved is None:
            return None
        if saved.version is not None and saved.version.value != saved.expected:
            shape = list(saved.array.shape if saved.tensor is None else saved.tensor.shape)
            raise RuntimeError(
                f"{self.name}: one of the variables needed for gradient computation has been "
                f"modified by an inplace operation: [tensor of shape {shape}] is at version "
                f"{saved.version.value}; expected version {saved.expected} instead.")
        tensor = saved.tensor
        if tensor is not None:
            if tensor._data is saved.array and tensor._grad_fn is saved.grad_fn:
                return tensor
            # An in-place op in grad mode gave the tensor new data and a new node since it
            # was saved; the saved array and node are still the right ones.
            replica = Tensor._wrap(saved.array, grad_fn=saved.grad_fn, output_nr=saved.output_nr)
        elif saved.output_nr >= 0:
            replica = Tensor._wrap(saved.array, grad_fn=self, output_nr=saved.output_nr)
        else:
            return Tensor._wrap(saved.array)
        replica._version = saved.version
        return replica

    # --- graph bookkeeping -----------------------------------------------------------
    def release(self) -> None:
        """Free the saved values (done after backward unless retain_graph is set)."""
        self._drop_saved()
        self._released = True

    def _drop_saved(self) -> None:
        for saved in self._saved or ():
            if saved is not None:
                saved.release()
        self._saved = None

    def __del__(self) -> None:
        # A graph dropped without backward must still unlock its tensors' `.data`.
        try:
            self._drop_saved()
        except Exception:  # interpreter shutdown
            pass

    @property
    def attrs(self) -> dict[str, Any]:
        """Non-tensor arguments of the call that differ from their defaults."""
        tensors = {i for i, meta in enumerate(self.input_meta) if meta is not None}
        return self.function.attributes(self.args, self.kwargs, tensors)

    def outputs(self) -> list[Tensor | None]:
        """The output tensors of this node that are still alive."""
        return [ref() for ref in self._outputs]

    def register_hook(self, output_nr: int, hook: Callable) -> "RemovableHandle":
        if "_hooks" not in self.__dict__:
            self._hooks = {}
        hooks = self._hooks.setdefault(output_nr, [])
        hooks.append(hook)
        return RemovableHandle(hooks, hook)

    def retain_grad(self, output_nr: int, tensor: Tensor) -> None:
        """Store the gradient of output ``output_nr`` in ``tensor.grad`` during backward."""
        if "_retained" not in self.__dict__:
            self._retained = {}
        self._retained[output_nr] = weakref.ref(tensor)

    def __repr__(self) -> str:
        return f"<{self.name} backward node>"


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` takes the hook away again."""

    def __init__(self, hooks: list, hook: Callable) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class Function:
    """Base class of every differentiable operation, built-in or user-defined.

    Subclass it, write ``forward(ctx, *args)`` on NumPy arrays and
    ``backward(ctx, *grad_outputs)`` with minigrad operations, and call ``MyOp.apply``.

    Examples
    --------
    >>> class Cube(Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return grad * 3 * x ** 2
    >>> y = Cube.apply(minigrad.tensor([2.0], requires_grad=True))
    """

    name: str | None = None

    @staticmethod
    def forward(ctx: Node, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("Function.forward must be overridden")

    @staticmethod
    def backward(ctx: Node, *grad_outputs: Tensor) -> Any:
        raise NotImplementedError("Function.backward must be overridden")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` on the arrays behind the tensors and record a graph node."""
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        recording = any(needs) and is_grad_enabled()
        ctx = Node(cls, recording)
        ctx.needs_input_grad = needs
        arrays = [a._data if isinstance(a, Tensor) else a for a in args]
        raw = cls.forward(ctx, *arrays, **kwargs)
        single = not isinstance(raw, tuple)
        raw = [raw] if single else list(raw)
        out_arrays = [_as_array(r, cls) for r in raw]
        if not recording:
            outs = [Tensor._wrap(a) for a in out_arrays]
            return outs[0] if single else tuple(outs)
        outs = _record(ctx, args, kwargs, raw, out_arrays)
        return outs[0] if single else tuple(outs)

    @classmethod
    def attributes(cls, args: tuple, kwargs: dict, tensors: set[int] = frozenset()
                   ) -> dict[str, Any]:
        """Non-tensor arguments that differ from the defaults of ``forward``; ``tensors``
        holds the positions of the tensor arguments."""
        try:
            params = list(inspect.signature(cls.forward).parameters.values())[1:]
        except (TypeError, ValueError):
            return {}
        found: dict[str, Any] = {}
        positional = [(p, v) for i, (p, v) in enumerate(zip(params, args)) if i not in tensors]
        for param, value in positional + [(p, kwargs[p.name]) for p in params if p.name in kwargs]:
            if isinstance(value, (Tensor, np.ndarray)):
                continue
            if param.default is not inspect.Parameter.empty and _same(value, param.default):
                continue
            found[param.name] = value
        return found


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return False


def _as_array(value: Any, cls: type) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (np.generic, int, float, bool)):
        return np.asarray(value)
    raise TypeError(f"{cls.__name__}.forward must return NumPy arrays, got {type(value).__name__}")


def _record(ctx: Node, args: tuple, kwargs: dict, raw: list, out_arrays: list) -> list:
    ctx.args = tuple(None if isinstance(a, Tensor) else a for a in args)
    ctx.kwargs = kwargs
    ctx.next_edges = tuple(gradient_edge(a) if isinstance(a, Tensor) else None for a in args)
    ctx.input_meta = tuple((a.shape, a.dtype) if isinstance(a, Tensor) else None for a in args)
    ctx.output_meta = tuple((a.shape, a.dtype) for a in out_arrays)
    ctx.scope = scope.current()
    blocked = getattr(ctx, "_non_differentiable", ())
    outs = []
    for i, (value, array) in enumerate(zip(raw, out_arrays)):
        differentiable = array.dtype.kind == "f" and id(value) not in blocked
        outs.append(Tensor._wrap(array, grad_fn=ctx if differentiable else None, output_nr=i))
    ctx._outputs = tuple(weakref.ref(t) for t in outs)
    ctx._saved = tuple(_save(v, args, raw, outs) for v in ctx._to_save)
    ctx._to_save = ()
    return outs


def _save(value: Any, args: tuple, raw: list, outs: list) -> _Saved | None:
    """Find what ``value`` is: an input, an output of this node, or a constant.

    Outputs are matched against what forward returned (``raw``), since a 0-d result may
    be a NumPy scalar that ``apply`` had to turn into an array.
    """
    if value is None:
        return None
    if isinstance(value, Tensor):
        return _saved_input(value)
    for arg in args:
        if isinstance(arg, Tensor) and arg._data is value:
            return _saved_input(arg)
    for i, (returned, out) in enumerate(zip(raw, outs)):
        if returned is value:
            return _Saved(out._data, out._version,
                          output_nr=i if out._grad_fn is not None else -1)
    return _Saved(np.asarray(value), None)


def _saved_input(t: Tensor) -> _Saved:
    return _Saved(t._data, t._version, tensor=t, grad_fn=t._grad_fn, output_nr=t._output_nr)
