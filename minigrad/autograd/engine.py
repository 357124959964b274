"""The backward engine: walk the graph in reverse topological order, iteratively.

Gradients for one node output add up in a buffer until every consumer of that output has
run; then the node's backward rule turns them into gradients for its inputs. The walk
uses an explicit stack, so a chain of any depth works without recursion.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..tensor import Tensor
from .function import AccumulateGrad, Node, gradient_edge
from .grad_mode import set_grad_enabled


def backward(tensors: Sequence[Tensor], grad_tensors: Sequence[Any] | None = None,
             retain_graph: bool | None = None, create_graph: bool = False) -> None:
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
    """
    roots = _roots(tensors, grad_tensors, "backward")
    _run(roots, retain_graph, create_graph, targets=None)


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
            raise RuntimeError("grad: every input must be a Tensor that requires grad")
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
    for t, g in zip(tensors, grads):
        if not t.requires_grad:
            raise RuntimeError(f"{op}: element 0 of tensors does not require grad and does "
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
            raise RuntimeError(f"{op}: mismatch in shape: gradient has shape {tuple(g.shape)} "
                               f"but the output has shape {tuple(t.shape)}")
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


def _run(roots: list, retain_graph: bool | None, create_graph: bool, targets: dict | None) -> dict:
    if retain_graph is None:
        retain_graph = create_graph
    buffers: dict[Any, list] = {}
    for (node, nr), g in roots:
        _accumulate(buffers, node, nr, g)
    order = _topological_order([edge[0] for edge, _ in roots])
    needed = None if targets is None else _needed(order, targets)
    captured: dict[int, Tensor] = {}
    with set_grad_enabled(create_graph):
        for node in order:
            grads = buffers.pop(node, None)
            if grads is None or (needed is not None and node not in needed):
                continue
            if isinstance(node, AccumulateGrad):
                _finish_leaf(node, grads[0], targets, captured, create_graph)
                continue
            grads = _run_hooks(node, grads)
            if targets is not None:
                for nr, g in enumerate(grads):
                    for i in targets.get((node, nr), ()):
                        captured[i] = g
            _call_backward(node, grads, buffers, needed)
            if not retain_graph:
                node.release()
    return captured


def _accumulate(buffers: dict, node: Any, nr: int, g: Tensor) -> None:
    slots = buffers.get(node)
    if slots is None:
        n = len(node.output_meta) if isinstance(node, Node) else 1
        slots = buffers[node] = [None] * n
    slots[nr] = g if slots[nr] is None else slots[nr] + g


def _run_hooks(node: Node, grads: list) -> list:
    for nr, hooks in node._hooks.items():
        for hook in hooks:
            if grads[nr] is not None:
                new = hook(grads[nr])
                grads[nr] = grads[nr] if new is None else new
    for nr, ref in node._retained.items():
        tensor = ref()
        if tensor is not None and grads[nr] is not None:
            g = grads[nr] if grads[nr]._grad_fn is not None else grads[nr].detach().clone()
            tensor.grad = g if tensor.grad is None else tensor.grad + g
    return grads


def _call_backward(node: Node, grads: list, buffers: dict, needed: set | None) -> None:
    grads = [g if g is not None else Tensor._wrap(np.zeros(shape, dtype))
             for g, (shape, dtype) in zip(grads, node.output_meta)]
    result = node.function.backward(node, *grads)
    result = result if isinstance(result, tuple) else (result,)
    missing = node.next_edges[len(result):]
    if len(result) > len(node.next_edges) or any(edge is not None for edge in missing):
        raise RuntimeError(f"Function {node.name} returned an incorrect number of gradients "
                           f"(expected {len(node.next_edges)}, got {len(result)})")
    for i, (edge, g) in enumerate(zip(node.next_edges, result)):
        if edge is None or g is None or (needed is not None and edge[0] not in needed):
            continue
        g = _validate(node, i, g)
        _accumulate(buffers, edge[0], edge[1], g)


def _validate(node: Node, index: int, g: Any) -> Tensor:
    if not isinstance(g, Tensor):
        g = Tensor._wrap(np.asarray(g))
    shape, dtype = node.input_meta[index]
    if g.shape != shape:
        raise RuntimeError(f"Function {node.name} returned an invalid gradient at index "
                           f"{index}: got shape {tuple(g.shape)} but expected {tuple(shape)}")
    if g.dtype != dtype:
        g = g.to(dtype)
    return g


def _finish_leaf(acc: AccumulateGrad, g: Tensor, targets: dict | None, captured: dict,
                 create_graph: bool) -> None:
    leaf = acc.variable
    for hook in leaf._hooks:
        new = hook(g)
        g = g if new is None else new
    if targets is not None:
        for i in targets.get((acc, 0), ()):
            captured[i] = g
        return
    if leaf.grad is not None:
        leaf.grad = leaf.grad + g  # a new tensor: gradients are never added up in place
    else:  # a private copy, so that no .grad is a view of another gradient or tensor
        leaf.grad = g if create_graph else Tensor._wrap(np.array(g._data, copy=True))
