"""Function, the graph node it records, and the registry of primitives.

A primitive is a subclass of `Function` with two static methods:

* ``forward(ctx, *args)`` receives NumPy arrays in place of tensors and returns an array
  (or a tuple of arrays); a Function that is not registered (a user's, written for
  PyTorch) receives tensors outside the graph instead, and may return tensors;
* ``backward(ctx, *grad_outputs)`` receives tensors and returns exactly one gradient per
  positional forward argument (None where there is none), written with minigrad
  operations so that it can be differentiated again.

A primitive may also define ``backward_arrays(ctx, *grad_arrays)``: the same rule on
NumPy arrays. The engine uses it when no graph of the backward pass is wanted
(``create_graph=False``), which skips re-entering ``apply`` for every operation of the
rule; tests check that it agrees with ``backward`` for every primitive that has one.

``Function.apply`` is the one place where graph nodes are made. It runs ``forward`` on the
arrays and, when an input requires grad (and grad mode is on), returns output tensors
that point at a new `Node`: the node remembers where each input's gradient must go
(``next_edges``) and what ``forward`` saved. Beside this file: ``saved.py`` (saved values
and their version check), ``hooks.py`` (gradient hooks, ``retain_grad``), ``details.py``
(what only drawings and exporters record), ``engine.py`` (the backward walk).
"""
from __future__ import annotations

import weakref
import functools
from typing import Any, Callable

import numpy as np

from ..tensor import Tensor
from . import details, grad_mode, hooks, profiling, saved as saved_values, views

_REGISTRY: dict[str, type["Function"]] = {}

# Set by ``minigrad.sparse_tensors`` when the first sparse tensor is made: called as
# ``layout_dispatch(cls, args, kwargs, run)`` by every ``apply``, it decides what a primitive does
# with sparse operands (``run()`` records it as usual). None until then: no cost.
layout_dispatch: Callable | None = None
# Set by ``forward_ad`` inside a dual level: ``tangent_hook(cls, args, kwargs, out)`` gives
# the outputs of each ``apply`` their forward-mode tangents.
tangent_hook: Callable | None = None


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
    next_edges: tuple = ()
    next_functions: tuple = ()

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def name(self) -> str:
        return "AccumulateGrad"

    def __repr__(self) -> str:  # as PyTorch prints it
        return f"<AccumulateGrad object at {hex(id(self))}>"


def gradient_edge(tensor: Tensor) -> tuple[Any, int] | None:
    """Where a gradient for ``tensor`` must be sent: (node, output index), or None."""
    if tensor._base is not None:
        views.refresh(tensor, recording=True)
    if tensor._grad_fn is not None:
        return tensor._grad_fn, tensor._output_nr
    if not tensor._requires_grad or tensor._view_kind == views.NO_GRAD:
        return None  # (a view made under no_grad: its gradient goes nowhere, as PyTorch)
    accumulator = tensor._accumulator() if tensor._accumulator is not None else None
    if accumulator is None:
        accumulator = AccumulateGrad(tensor)
        tensor._accumulator = weakref.ref(accumulator)
    return accumulator, 0


class Node:
    """The context of one Function call, and the graph node that call leaves behind.

    It is the ``ctx`` passed to ``forward`` and ``backward`` and the ``grad_fn`` of the
    outputs. Besides ``save_for_backward`` it carries any attribute ``forward`` sets.
    """

    # Defaults live on the class, so that making a node (once per operation) is cheap.
    needs_input_grad: tuple[bool, ...] = ()
    next_edges: tuple = ()       # per positional input: (node, output_nr) or None
    output_meta: tuple = ()      # per output: (shape, dtype)
    tensor_inputs: tuple | None = None  # per positional input: a Tensor? (None: all were)
    saved: tuple | None = None   # SavedValue per value given to save_for_backward
    released = False
    hooks: dict | None = None    # see hooks.py
    retained: dict | None = None
    inputs: tuple = ()           # these three are recorded only with details on
    kwargs: dict = {}
    scope: tuple = ()
    _output_refs: tuple = ()
    _to_save: tuple = ()
    _non_differentiable: Any = ()
    materialize_grads = True     # see set_materialize_grads
    torch_name: str | None = None  # PyTorch's name for a composite's last node (MeanBackward0)

    def __init__(self, function: type["Function"]) -> None:
        self.function = function

    # --- the PyTorch ctx API -------------------------------------------------------
    def save_for_backward(self, *values: Any) -> None:
        """Keep arrays or tensors for backward. Inputs and outputs come back as tensors
        connected to the graph, so the backward rule stays differentiable."""
        self._to_save = values

    def mark_non_differentiable(self, *arrays: np.ndarray) -> None:
        """Declare outputs that never carry a gradient (indices, masks)."""
        self._non_differentiable = {id(a) for a in arrays}

    def set_materialize_grads(self, value: bool) -> None:
        """With False, ``backward`` gets None (not zeros) for an output no gradient
        reached, as in PyTorch."""
        self.materialize_grads = bool(value)

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        """What forward saved, as tensors (connected to the graph where they were)."""
        self._check_not_released()
        return tuple(saved_values.unpack(self, s) for s in self.saved or ())

    @property
    def saved_arrays(self) -> tuple[np.ndarray | None, ...]:
        """What forward saved, as arrays (for ``backward_arrays``)."""
        self._check_not_released()
        return tuple(saved_values.unpack_array(self, s) for s in self.saved or ())

    def _check_not_released(self) -> None:
        if self.released:
            raise RuntimeError(
                f"{self.name()}: Trying to backward through the graph a second time (or "
                "directly access saved tensors after they have already been freed). Saved "
                "intermediate values of the graph are freed when you call .backward() or "
                "autograd.grad(). Specify retain_graph=True if you need to backward through "
                "the graph a second time or if you need to access saved tensors after "
                "calling backward.")

    # --- reading the graph -----------------------------------------------------------
    def name(self) -> str:
        """The node's name as PyTorch prints it, e.g. ``MulBackward0``: the function's
        class name, or PyTorch's name where it differs (``ReluBackward0``) or where the
        node ends a composite (``mean`` is a sum divided by a count: ``MeanBackward0``)."""
        if self.torch_name or self.function.torch_name:
            return self.torch_name or self.function.torch_name
        # PyTorch names a custom Function's node ExpBackward, a built-in one MulBackward0
        suffix = "Backward0" if self.function.name is not None else "Backward"
        return f"{self.function.__name__}{suffix}"

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """PyTorch's view of ``next_edges``: ``(node, output_nr)`` per tensor input, ``(None,
        0)`` for one no gradient goes to; arguments that were not tensors (a dim, a shape)
        have no entry, as in PyTorch."""
        edges = self.next_edges
        if self.tensor_inputs is not None:
            edges = [e for e, is_tensor in zip(edges, self.tensor_inputs) if is_tensor]
        return tuple(edge if edge is not None else (None, 0) for edge in edges)

    @property
    def attrs(self) -> dict[str, Any]:
        """Non-tensor arguments of the call that differ from their defaults (details only)."""
        return details.attributes(self)

    @property
    def input_meta(self) -> tuple:
        """(shape, dtype) per positional input tensor, None for other arguments and for
        inputs outside the graph that were not recorded (see ``details``)."""
        return details.input_meta(self)

    def outputs(self) -> list[Tensor | None]:
        """The output tensors of this node that are still alive (None for each unless
        recorded with details)."""
        if not self._output_refs:
            return [None] * len(self.output_meta)
        return [ref() for ref in self._output_refs]

    def register_hook(self, output_nr: int, hook: Callable) -> hooks.RemovableHandle:
        return hooks.add_node_hook(self, output_nr, hook)

    def retain_grad(self, output_nr: int, tensor: Tensor) -> None:
        hooks.retain(self, output_nr, tensor)

    def release(self) -> None:
        """Free the saved values (done after backward unless retain_graph is set)."""
        self.saved = None
        self.released = True

    def __repr__(self) -> str:  # as PyTorch prints a node
        return f"<{self.name()} object at {hex(id(self))}>"


class Function:
    """Base class of every differentiable operation, built-in or user-defined.

    Subclass it, write ``forward(ctx, *args)`` (on tensors outside the graph, as in
    PyTorch; on NumPy arrays for a registered primitive) and ``backward(ctx,
    *grad_outputs)`` with minigrad operations, and call ``MyOp.apply``.

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
    torch_name: str | None = None  # the node name PyTorch prints, where it is not Name + Backward0
    backward_arrays: Callable | None = None
    is_view = False  # forward may return a view of its first argument (see views.py)

    @staticmethod
    def forward(ctx: Node, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("Function.forward must be overridden")

    @staticmethod
    def backward(ctx: Node, *grad_outputs: Tensor) -> Any:
        raise NotImplementedError("Function.backward must be overridden")

    @staticmethod
    def setup_context(ctx: Node, inputs: tuple, output: Any) -> None:
        """PyTorch's other style: override this, and ``forward(*args)`` takes no ctx;
        this then gets the inputs and output and fills ctx (``save_for_backward``, ...)."""
        raise NotImplementedError("setup_context is not overridden")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` on the arrays behind the tensors and record a graph node."""
        if profiling.recorder is not None:  # minigrad.profiler is recording: time the call
            return profiling.recorder.call(cls.name or cls.__name__, args, cls._apply, args,
                                           kwargs)
        return cls._apply(args, kwargs)

    @classmethod
    def _apply(cls, args: tuple, kwargs: dict) -> Any:
        if layout_dispatch is not None:
            out = layout_dispatch(cls, args, kwargs, lambda: cls._record(args, kwargs))
        else:
            out = cls._record(args, kwargs)
        if tangent_hook is not None:
            tangent_hook(cls, args, kwargs, out)
        return out

    @classmethod
    def _record(cls, args: tuple, kwargs: dict) -> Any:
        ctx = Node(cls)
        needs = ctx.needs_input_grad = tuple(
            [isinstance(a, Tensor) and a._requires_grad for a in args])
        if cls.name is None:  # a user's Function: PyTorch's forward takes tensors
            raw = _tensor_forward(cls, ctx, args, kwargs)
        else:
            with np.errstate(all="ignore"):  # inf and nan as IEEE gives them, silently
                raw = cls.forward(ctx, *[a._data if isinstance(a, Tensor) else a for a in args],
                                  **kwargs)
        if True in needs and grad_mode.is_grad_enabled():
            out = _connect(ctx, args, kwargs, raw)
        elif isinstance(raw, tuple):
            return tuple(Tensor._wrap(_as_array(r, cls)) for r in raw)
        else:
            out = Tensor._wrap(_as_array(raw, cls))
        if cls.is_view:
            views.link(out, args[0], cls, args[1:], kwargs)
        return out


def _tensor_forward(cls: type, ctx: Node, args: tuple, kwargs: dict) -> Any:
    """Run a user's ``forward`` as PyTorch does: on tensors outside the graph (sharing the
    inputs' memory), in no-grad mode. What it returns, saves or marks non-differentiable
    is mapped back to the arrays and inputs that ``apply`` records."""
    inputs = [Tensor._wrap(a._data) if isinstance(a, Tensor) else a for a in args]
    with grad_mode.no_grad():
        if cls.setup_context is Function.setup_context:
            result = cls.forward(ctx, *inputs, **kwargs)
        else:
            result = cls.forward(*inputs, **kwargs)
            cls.setup_context(ctx, tuple(inputs), result)
    results = result if isinstance(result, tuple) else (result,)
    arrays = {id(r): r._data for r in results if isinstance(r, Tensor)}
    originals = {id(w): a for w, a in zip(inputs, args) if isinstance(a, Tensor)}
    ctx._to_save = tuple(originals.get(id(v), arrays.get(id(v), v)) for v in ctx._to_save)
    if ctx._non_differentiable:
        ctx._non_differentiable = {id(arrays[i]) if i in arrays else i
                                   for i in ctx._non_differentiable}
    raw = tuple(arrays.get(id(r), r) for r in results)
    return raw if isinstance(result, tuple) else raw[0]


def _as_array(value: Any, cls: type) -> np.ndarray:
    if type(value) is np.ndarray:
        return value
    if isinstance(value, (np.ndarray, np.generic, int, float, bool)):
        return np.asarray(value)
    raise TypeError(f"{cls.__name__}.forward must return NumPy arrays, got {type(value).__name__}")


def _connect(ctx: Node, args: tuple, kwargs: dict, raw: Any) -> Any:
    """Make ``ctx`` the node of the outputs: record edges, outputs and saved values."""
    ctx.next_edges = tuple([gradient_edge(a) if isinstance(a, Tensor) else None for a in args])
    if not all([isinstance(a, Tensor) for a in args]):
        ctx.tensor_inputs = tuple([isinstance(a, Tensor) for a in args])
    single = not isinstance(raw, tuple)
    raws = [raw] if single else list(raw)
    blocked = ctx._non_differentiable
    outs = []
    for i, value in enumerate(raws):
        array = _as_array(value, ctx.function)
        differentiable = array.dtype.kind == "f" and id(value) not in blocked
        outs.append(Tensor._wrap(array, ctx if differentiable else None, i))
    ctx.output_meta = tuple([(t._data.shape, t._data.dtype) for t in outs])
    if ctx._to_save:
        ctx.saved = saved_values.save(ctx._to_save, args, raws, outs)
        ctx._to_save = ()
    if details.enabled():
        details.record(ctx, args, kwargs, outs)
    return outs[0] if single else tuple(outs)


def once_differentiable(backward: Callable) -> Callable:
    """Decorate a custom Function's ``backward`` that cannot itself be differentiated, as
    PyTorch's: it runs in no-grad mode, and when a graph of the gradient is being built
    (``create_graph=True``), differentiating its results raises ``RuntimeError``."""
    @functools.wraps(backward)
    def wrapper(ctx: Node, *grad_outputs: Any) -> Any:
        with grad_mode.no_grad():
            result = backward(ctx, *grad_outputs)
        if not grad_mode.is_grad_enabled() or not any(
                isinstance(g, Tensor) and g._requires_grad for g in grad_outputs):
            return result
        results = result if isinstance(result, tuple) else (result,)
        marked = tuple(_DelayedError.apply(r) if isinstance(r, Tensor) else r
                       for r in results)
        return marked if isinstance(result, tuple) else marked[0]
    return wrapper


class _DelayedError(Function):
    """The identity, whose backward refuses: marks a once-differentiable result."""

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Tensor:
        return x.clone()

    @staticmethod
    def backward(ctx: Node, g: Tensor) -> Any:
        raise RuntimeError("trying to differentiate twice a function that was marked with "
                           "@once_differentiable")
