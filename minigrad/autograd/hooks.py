"""Gradient hooks and ``retain_grad``: code that runs when a gradient reaches a tensor.

``t.register_hook(fn)`` asks for ``fn(grad)`` to run when the gradient of ``t`` has been
added up, before it moves on; ``fn`` may return a replacement. For a leaf the hooks live
on the tensor; for a non-leaf they live on the node that made it, keyed by output number,
together with the tensors that asked to keep their gradient (``retain_grad``). Most nodes
have neither, so both tables are made on first use.
"""
from __future__ import annotations

import weakref
from typing import Any, Callable

from ..tensor import Tensor


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` takes the hook away again."""

    def __init__(self, hooks: list, hook: Callable) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def add_node_hook(node: Any, output_nr: int, hook: Callable) -> RemovableHandle:
    """Run ``hook(grad)`` on the gradient of output ``output_nr`` of ``node``."""
    if node.hooks is None:
        node.hooks = {}
    hooks = node.hooks.setdefault(output_nr, [])
    hooks.append(hook)
    return RemovableHandle(hooks, hook)


def retain(node: Any, output_nr: int, tensor: Any) -> None:
    """Store the gradient of output ``output_nr`` in ``tensor.grad`` during backward."""
    if node.retained is None:
        node.retained = {}
    node.retained[output_nr] = weakref.ref(tensor)


def is_retained(node: Any, output_nr: int) -> bool:
    return node.retained is not None and node.retained.get(output_nr) is not None


def run_hooks(hooks: list, grad: Any) -> Any:
    """Call each hook in turn; a hook that returns a value replaces the gradient."""
    for hook in hooks:
        new = hook(grad)
        if new is not None:
            _check_hook_result(hook, grad, new)
        grad = grad if new is None else new
    return grad


def _check_hook_result(hook: Any, grad: Any, new: Any) -> None:
    """PyTorch's checks of a gradient a hook returned: a tensor of the same size and type."""
    name = getattr(hook, "__name__", type(hook).__name__)
    if not isinstance(new, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    if new.shape != grad.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value (was "
                           f"{list(grad.shape)} got {list(new.shape)})")
    if new.dtype != grad.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {grad.type()} "
                           f"got {new.type()})")


def run_node_hooks(node: Any, grads: list) -> list:
    """Run the node's hooks on its output gradients, then store the retained ones."""
    for nr, hooks in (node.hooks or {}).items():
        if grads[nr] is not None:
            grads[nr] = run_hooks(hooks, grads[nr])
    for nr, ref in (node.retained or {}).items():
        tensor = ref()
        if tensor is not None and grads[nr] is not None:
            g = grads[nr] if grads[nr].grad_fn is not None else grads[nr].detach().clone()
            tensor.grad = g if tensor.grad is None else tensor.grad + g
    return grads
