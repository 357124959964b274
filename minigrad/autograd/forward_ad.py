"""Forward-mode AD, as ``torch.autograd.forward_ad``: dual tensors carry a tangent, and
every operation on them computes its result's tangent (a Jacobian-vector product) as it
runs.

Inside ``with dual_level():``, ``make_dual(x, t)`` gives x with tangent t, and
``unpack_dual(y).tangent`` reads the tangent y got. minigrad's primitives have backward
rules (vector-Jacobian products) only, so the tangent of each primitive's output is
derived from its backward rule by the "double backward" identity: for the linear map
``u -> J^T u`` that backward computes, the product ``J t`` is the gradient with respect to
``u`` of the inner product ``(J^T u) . t``. That needs two passes through the backward
rule per primitive: correct for
every primitive whose backward can be differentiated (all of minigrad's), and about
three times the work of PyTorch's dedicated forward rules. One level at a time, as in
PyTorch.
"""
from __future__ import annotations

import contextlib
import weakref
from typing import Any, Iterator, NamedTuple

from ..tensor import Tensor
from . import function, grad_mode

_level: list[int] = []            # the active level (at most one)
_duals: list[weakref.ref] = []    # the tensors given a tangent at this level
_computing = [False]              # inside a tangent computation: do not recurse


class UnpackedDualTensor(NamedTuple):
    """``unpack_dual``'s result: the primal (a view without tangent) and the tangent."""

    primal: Tensor
    tangent: Tensor | None


def enter_dual_level() -> int:
    """Start a level of forward AD; returns its number (0)."""
    if _level:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _level.append(0)
    function.tangent_hook = propagate
    return 0


def exit_dual_level(*, level: int | None = None) -> None:
    """End the level: every tangent made in it is dropped."""
    if not _level:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one "
                           "that was created. This is not supported.")
    _level.clear()
    function.tangent_hook = None
    for ref in _duals:
        t = ref()
        if t is not None:
            t._fw_tangent = None
    _duals.clear()


@contextlib.contextmanager
def dual_level() -> Iterator[int]:
    """A context in which dual tensors can be made and computed with."""
    level = enter_dual_level()
    try:
        yield level
    finally:
        exit_dual_level(level=level)


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A view of ``tensor`` carrying ``tangent`` (same shape) as its forward gradient."""
    if not _level:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level "
                           "exists, make sure to enter_dual_level() first.")
    if not isinstance(tensor, Tensor) or not isinstance(tangent, Tensor):
        raise TypeError(f"make_dual: expected Tensors, got {type(tensor).__name__} and "
                        f"{type(tangent).__name__}")
    if tangent.shape != tensor.shape:
        raise RuntimeError(f"Trying to set a forward gradient that has a different size than "
                           f"that of the original Tensor, this is not supported. Tensor is "
                           f"of size {list(tensor.shape)} while the given forward gradient "
                           f"is of size {list(tangent.shape)}.")
    if tensor.dtype.kind != "f":
        raise ValueError(f"make_dual: expected a floating point primal, got {tensor.dtype}")
    dual = tensor.view_as(tensor)
    _attach(dual, tangent)
    return dual


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """The primal of ``tensor`` (a view without tangent) and its tangent (None if it has
    none, or outside a level)."""
    tangent = tensor._fw_tangent if _level else None
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    with grad_mode.no_grad() if not tensor.requires_grad else contextlib.nullcontext():
        primal = tensor.view_as(tensor)
    primal._fw_tangent = None
    return UnpackedDualTensor(primal, tangent)


def _attach(t: Tensor, tangent: Tensor) -> None:
    t._fw_tangent = tangent
    _duals.append(weakref.ref(t))


def tangent_of(t: Any) -> Tensor | None:
    """The tangent of a dual tensor (None for anything else)."""
    return t._fw_tangent if isinstance(t, Tensor) else None


def carry_tangent(source: Tensor, target: Tensor) -> None:
    """An in-place op wrote ``source``'s values into ``target``: its tangent too."""
    if _level and source._fw_tangent is not None:
        _attach(target, source._fw_tangent)


def propagate(cls: type, args: tuple, kwargs: dict, out: Any) -> None:
    """Give the outputs of primitive ``cls`` run on ``args`` their tangents, if any
    input has one (see the module's docstring for how)."""
    if _computing[0] or not any(tangent_of(a) is not None for a in args):
        return
    _computing[0] = True
    try:
        outputs = out if isinstance(out, tuple) else (out,)
        for k, o in enumerate(outputs):
            if isinstance(o, Tensor) and o.dtype.kind == "f":
                _attach(o, _jvp(cls, args, kwargs, k))
    finally:
        _computing[0] = False


def _jvp(cls: type, args: tuple, kwargs: dict, k: int) -> Tensor:
    """J t for output ``k``: the gradient in u of (J^T u) . t, with J^T u from backward."""
    from ..creation import zeros_like
    from ..ops.broadcasting import sum as total
    from .engine import grad
    with grad_mode.enable_grad():
        leaves = [a.detach().requires_grad_() if tangent_of(a) is not None else a
                  for a in args]
        result = cls.apply(*leaves, **kwargs)
        y = result[k] if isinstance(result, tuple) else result
        u = zeros_like(y).requires_grad_()
        dual_inputs = [leaf for leaf, a in zip(leaves, args) if tangent_of(a) is not None]
        pulled = grad([y], dual_inputs, grad_outputs=[u], create_graph=True, allow_unused=True)
        tangents = [tangent_of(a) for a in args if tangent_of(a) is not None]
        inner = sum(total(p * t.to(p.dtype)) for p, t in zip(pulled, tangents) if p is not None)
        if not isinstance(inner, Tensor) or not inner.requires_grad:
            return zeros_like(y)  # the output does not depend on the tangents
        (jvp,) = grad([inner], [u], allow_unused=True)
    return zeros_like(y) if jvp is None else jvp.detach()
