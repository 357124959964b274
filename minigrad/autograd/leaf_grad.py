"""What a leaf does with its gradient besides adding it up: the dtype ``.grad`` is kept in
(``grad_dtype``) and the hooks that run once ``.grad`` has been accumulated.

``t.grad_dtype`` is ``t.dtype`` until set; set to another dtype, gradients reaching ``t``
are cast to it, and set to None, they keep whatever dtype they arrive in. Only a leaf has
one (a non-leaf raises ``RuntimeError``, as in PyTorch).

``t.register_post_accumulate_grad_hook(fn)`` asks for ``fn(t)`` to run after backward has
added a gradient into ``t.grad``; ``fn`` returns None (it may change ``t.grad`` or ``t``
itself, as an optimizer step in the backward pass does). ``autograd.grad`` stores nothing
in ``.grad``, so it runs no such hook.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..dtypes import is_dtype, scalar_type_name
from ..tensor import Tensor
from .hooks import RemovableHandle

SAME = ...  # the default grad_dtype: whatever the tensor's dtype is


def grad_dtype(t: Tensor) -> np.dtype | None:
    """``t.grad_dtype``: the dtype its gradients are cast to, or None for any."""
    if not t.is_leaf:
        raise RuntimeError("grad_dtype can only be accessed on leaf tensors.")
    return expected_dtype(t)


def expected_dtype(t: Tensor) -> np.dtype | None:
    """The dtype ``t.grad`` must have: ``t.dtype`` unless ``grad_dtype`` was set."""
    return t.dtype if t._grad_dtype is SAME else t._grad_dtype


def set_grad_dtype(t: Tensor, value: Any) -> None:
    """Set ``t.grad_dtype``, as PyTorch checks it: on a leaf, to a dtype or None, and
    agreeing with a gradient already stored."""
    if not t.is_leaf:
        raise RuntimeError("grad_dtype can only be set on leaf tensors.")
    if value is not None and not is_dtype(value):
        raise RuntimeError(f"grad_dtype must be a torch.dtype or None, but got "
                           f"{type(value).__name__}")
    value = None if value is None else np.dtype(value)
    if t.grad is not None and value is not None and t.grad.dtype != value:
        raise RuntimeError(f"Cannot set grad_dtype to '{scalar_type_name(value)}' because "
                           f"there is already a gradient with dtype '{t.grad.dtype}'. Please "
                           "clear the gradient (.grad = None) before changing grad_dtype, or "
                           "ensure the new grad_dtype matches the existing gradient's dtype.")
    t._grad_dtype = value


def register_post_accumulate(t: Tensor, hook: Callable[[Tensor], None]) -> RemovableHandle:
    """Run ``hook(t)`` after each gradient backward accumulates into ``t.grad``."""
    if not t.is_leaf:
        raise RuntimeError("register_post_accumulate_grad_hook: post accumulate grad hooks "
                           "cannot be registered on non-leaf tensors")
    if not t.requires_grad:
        raise RuntimeError("register_post_accumulate_grad_hook: cannot register a hook on a "
                           "tensor that doesn't require gradient")
    if t._post_accumulate_hooks is None:
        t._post_accumulate_hooks = []
    t._post_accumulate_hooks.append(hook)
    return RemovableHandle(t._post_accumulate_hooks, hook)


def run_post_accumulate(t: Tensor) -> None:
    """Call ``t``'s post-accumulate hooks in the order they were registered."""
    for hook in list(t._post_accumulate_hooks or ()):
        if hook(t) is not None:
            raise RuntimeError("Tensor post accumulate grad hooks should return None.")
