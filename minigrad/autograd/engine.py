"""The backward engine: walk the graph in reverse topological order, iteratively.

Gradients for one node output add up in a buffer until every consumer of that output has
run; then the node's backward rule turns them into gradients for its inputs. The walk
uses an explicit stack, so a chain of any depth works without recursion.

``backward`` (gradients into ``.grad`` of the leaves), ``grad`` (gradients returned for
chosen inputs) and ``observe_backward`` (every step reported, nothing stored) are the same
walk, ``_run``; they differ only in what happens when a gradient reaches a leaf.

Without ``create_graph`` the backward pass itself is not recorded, so a primitive's
``backward_arrays`` (its rule on plain arrays) is used where it has one, and gradients add
up as arrays. With ``create_graph`` every rule runs as minigrad operations in grad mode.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..tensor import Tensor
from . import anomaly, hooks, leaf_grad, profiling
from .function import AccumulateGrad, Node, gradient_edge
from .grad_mode import set_grad_enabled


def backward(tensors: Sequence[Tensor], grad_tensors: Sequence[Any] | None = None,
             retain_graph: bool | None = None, create_graph: bool = False,
             inputs: Any = None) -> None:
    """Accumulate into ``.grad`` of the leaves the gradient of ``tensors``.

    Parameters
    ----------
    tensors : sequence of Tensor
        The outputs to differentiate.
    grad_tensors : sequence of Tensor or None
        The gradient of some scalar with respect to each output; None for a scalar output.
    retain_graph : bool, optional
        Keep the saved values so that backward can run again. Defaults to ``create_graph``.
    create_graph : bool
        Record the backward pass itself, so that the gradients can be differentiated.
    inputs : Tensor or sequence of Tensor, optional
        Accumulate into the ``.grad`` of these tensors only (leaves or not), as PyTorch's
        ``inputs``; by default every leaf the outputs depend on.
    """
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    if isinstance(grad_tensors, Tensor):
        grad_tensors = [grad_tensors]
    if inputs is None:
        _run(_roots(tensors, grad_tensors, "backward"), retain_graph, create_graph,
             targets=None)
        return
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if not inputs:
        raise RuntimeError("backward: 'inputs' argument to backward() cannot be empty.")
    grads = grad(tensors, inputs, grad_tensors, retain_graph, create_graph, allow_unused=True)
    for t, g in zip(inputs, grads):
        if g is not None:
            _store_grad(t, g, create_graph)


def observe_backward(tensors: Sequence[Tensor], grad_tensors: Sequence[Any] | None = None,
                     observer: Callable[..., None] | None = None) -> None:
    """Run the walk ``backward`` runs, report each step to ``observer``, store nothing.

    No ``.grad`` changes and the graph is kept (``retain_graph=True``). ``observer`` is
    called as ``observer(event, **fields)`` with these events, in the engine's order:

    * ``"send"``: ``source`` (node), ``index`` (its input), ``target`` (node),
      ``target_nr`` (the target's output), ``grad``: a gradient travels along an edge;
      gradients arriving at the same target output add up.
    * ``"run"``: ``node``, ``grads_in`` (per output, after hooks; None where nothing
      arrived), ``grads_out`` (per positional input): the node's rule ran.
    * ``"leaf"``: ``node`` (an ``AccumulateGrad``; ``node.variable`` is the leaf),
      ``grad`` (after the leaf's hooks): what ``backward`` would add to ``.grad``.
    """
    roots = _roots(tensors, grad_tensors, "backward")
    _run(roots, True, False, targets=None, observer=observer)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool = False) -> tuple[Tensor | None, ...]:
    """Return the gradients of ``outputs`` with respect to ``inputs``, without touching ``.grad``.

    Parameters
    ----------
    outputs : Tensor or sequence of Tensor
    inputs : Tensor or sequence of Tensor
        Tensors that require grad (leaves or intermediate results).
    grad_outputs : Tensor or sequence, optional
        The vector in the vector-Jacobian product; None for scalar outputs.
    retain_graph : bool, optional
        Defaults to ``create_graph``.
    create_graph : bool
        Record the computation, for higher-order derivatives.
    allow_unused : bool
        Return None for an input the outputs do not depend on, instead of raising.

    Returns
    -------
    tuple of Tensor or None
        One gradient per input.
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is not None and not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs]
    for t in inputs:
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError("grad: One of the differentiated Tensors does not require grad")
    targets = {}
    for i, t in enumerate(inputs):
        targets.setdefault(gradient_edge(t), []).append(i)
    roots = _roots(outputs, grad_outputs, "grad")
    captured = _run(roots, retain_graph, create_graph, targets=targets)
    result = []
    for i, t in enumerate(inputs):
        g = captured.get(i)
        if g is None and not allow_unused:
            raise RuntimeError(
                "grad: one of the differentiated Tensors appears to not have been used in the "
                "graph. Set allow_unused=True if this is the desired behavior.")
        result.append(g)
    return tuple(result)


def _roots(tensors: Sequence[Tensor], grads: Sequence[Any] | None, op: str) -> list:
    if grads is None:
        grads = [None] * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"{op}: got {len(tensors)} tensors but {len(grads)} gradients")
    roots = []
    for i, (t, g) in enumerate(zip(tensors, grads)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected a Tensor, got {type(t).__name__}")
        if not t.requires_grad:
            raise RuntimeError(f"{op}: element {i} of tensors does not require grad and does "
                               "not have a grad_fn")
        if g is None:
            if t.numel() != 1:
                raise RuntimeError(f"{op}: grad can be implicitly created only for scalar "
                                   f"outputs, but the output has shape {tuple(t.shape)}; pass "
                                   "`gradient` with the output's shape")
            g = Tensor._wrap(np.ones(t.shape, dtype=t.dtype))
        elif not isinstance(g, Tensor):
            g = Tensor._wrap(np.asarray(g, dtype=t.dtype))
        if g.shape != t.shape:
            raise RuntimeError(f"{op}: Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{tuple(g.shape)} and output[{i}] has a shape of "
                               f"{tuple(t.shape)}")
        roots.append((gradient_edge(t), g))
    return roots


def _topological_order(start: list) -> list:
    """Nodes reachable from ``start``, every consumer before the nodes it feeds."""
    visited, post_order = set(), []
    for root in start:
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(root.next_edges))]
        while stack:
            node, children = stack[-1]
            for edge in children:
                if edge is not None and edge[0] not in visited:
                    visited.add(edge[0])
                    stack.append((edge[0], iter(edge[0].next_edges)))
                    break
            else:
                stack.pop()
                post_order.append(node)
    post_order.reverse()
    return post_order


def _needed(order: list, targets: dict) -> set:
    """The nodes that lie on a path to one of the target edges' nodes."""
    wanted = {edge[0] for edge in targets}
    needed = set()
    for node in reversed(order):
        if node in wanted or any(e is not None and e[0] in needed for e in node.next_edges):
            needed.add(node)
    return needed


def _run(roots: list, retain_graph: bool | None, create_graph: bool, targets: dict | None,
         observer: Callable[..., None] | None = None) -> dict:
    if retain_graph is None:
        retain_graph = create_graph
    buffers: dict[Any, list] = {}
    for (node, nr), g in roots:
        _accumulate(buffers, node, nr, g, create_graph)
    order = _topological_order([edge[0] for edge, _ in roots])
    needed = None if targets is None else _needed(order, targets)
    captured: dict[int, Tensor] = {}
    # As in forward (Function.apply): inf and nan as IEEE gives them, without NumPy warnings.
    with set_grad_enabled(create_graph), np.errstate(all="ignore"):
        for node in order:
            grads = buffers.pop(node, None)
            if grads is None or (needed is not None and node not in needed):
                continue
            if isinstance(node, AccumulateGrad):
                _finish_leaf(node, grads[0], targets, captured, create_graph, observer)
                continue
            if node.hooks is not None or node.retained is not None:
                grads = hooks.run_node_hooks(node, grads)
            if targets is not None:
                for nr, g in enumerate(grads):
                    for i in targets.get((node, nr), ()):
                        captured[i] = g
            if profiling.recorder is None:
                _call_backward(node, grads, buffers, needed, create_graph, observer)
            else:  # minigrad.profiler is recording: time the step
                profiling.recorder.call(profiling.BACKWARD_PREFIX + node.name(), grads,
                                        _call_backward, node, grads, buffers, needed,
                                        create_graph, observer)
            if not retain_graph:
                node.release()
    return captured


def _accumulate(buffers: dict, node: Any, nr: int, g: Tensor, create_graph: bool) -> None:
    slots = buffers.get(node)
    if slots is None:
        n = len(node.output_meta) if isinstance(node, Node) else 1
        slots = buffers[node] = [None] * n
    if slots[nr] is None:
        slots[nr] = g
    elif create_graph:
        slots[nr] = slots[nr] + g
    else:  # a new array: the one in the slot may be shared with another gradient
        slots[nr] = Tensor._wrap(np.asarray(slots[nr]._data + g._data))  # 0-d: no scalar


def _call_backward(node: Node, grads: list, buffers: dict, needed: set | None,
                   create_graph: bool, observer: Callable[..., None] | None) -> None:
    function = node.function
    if len(grads) > 1 and node.materialize_grads:  # an unused output gets zeros
        for i, (shape, dtype) in enumerate(node.output_meta):
            if grads[i] is None:
                grads[i] = Tensor._wrap(np.zeros(shape, dtype))
    if function.backward_arrays is not None and not create_graph:
        result = function.backward_arrays(node, *[g._data for g in grads])
    else:
        result = function.backward(node, *grads)
    if not isinstance(result, tuple):
        result = (result,)
    if anomaly.checking_nan():
        anomaly.check_nan(node, result)
    edges = node.next_edges
    if len(result) != len(edges):
        raise RuntimeError(
            f"Function {function.__name__} ({node.name()}) returned {len(result)} gradients "
            f"from backward, but its forward took {len(edges)} positional arguments; "
            "return exactly one per argument (None where there is no gradient)")
    if observer is not None:
        observer("run", node=node, grads_in=grads, grads_out=tuple(
            None if g is None else _checked(node, i, None, g, create_graph)
            for i, g in enumerate(result)))
    for i, edge in enumerate(edges):
        g = result[i]
        if edge is None or g is None or (needed is not None and edge[0] not in needed):
            continue
        g = _checked(node, i, edge, g, create_graph)
        if observer is not None:
            observer("send", source=node, index=i, target=edge[0], target_nr=edge[1], grad=g)
        _accumulate(buffers, edge[0], edge[1], g, create_graph)


def _checked(node: Node, index: int, edge: tuple | None, g: Any, create_graph: bool) -> Tensor:
    """``g`` as a tensor, checked against the tensor its edge stands for and cast to that
    tensor's dtype (a rule may return arrays, or tensors of another float dtype)."""
    array = g._data if isinstance(g, Tensor) else np.asarray(g)
    if edge is None:
        return g if isinstance(g, Tensor) else Tensor._wrap(array)
    target, nr = edge
    if type(target) is AccumulateGrad:
        shape = target.variable._data.shape
        dtype = leaf_grad.expected_dtype(target.variable)
        dtype = array.dtype if dtype is None else dtype  # grad_dtype None: any dtype
    else:
        shape, dtype = target.output_meta[nr]
    if array.shape != shape:
        raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index "
                           f"{index} - got {list(array.shape)} but expected shape compatible "
                           f"with {list(shape)}")
    if array.dtype != dtype:
        if create_graph and isinstance(g, Tensor):
            return g.to(dtype)
        return Tensor._wrap(array.astype(dtype))
    return g if isinstance(g, Tensor) else Tensor._wrap(array)


def _finish_leaf(acc: AccumulateGrad, g: Tensor, targets: dict | None, captured: dict,
                 create_graph: bool, observer: Callable[..., None] | None) -> None:
    leaf = acc.variable
    if leaf._hooks:
        g = hooks.run_hooks(leaf._hooks, g)
    if observer is not None:
        observer("leaf", node=acc, grad=g)
        return
    if targets is not None:
        for i in targets.get((acc, 0), ()):
            captured[i] = g
        return
    _store_grad(leaf, g, create_graph)


def _store_grad(t: Tensor, g: Tensor, create_graph: bool) -> None:
    """Add ``g`` to ``t.grad``, then run ``t``'s post-accumulate hooks."""
    if t.grad is not None:  # a new tensor: gradients are never added up in place
        t.grad = (t.grad + g if create_graph
                  else Tensor._wrap(np.asarray(t.grad._data + g._data)))
    else:  # a private copy, so that no .grad is a view of another gradient or tensor
        t.grad = g if create_graph else Tensor._wrap(np.array(g._data, copy=True))
    if t._post_accumulate_hooks:
        leaf_grad.run_post_accumulate(t)
