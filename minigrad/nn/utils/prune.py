"""Pruning: zero out entries of a module's tensor through a mask (PyTorch's
``torch.nn.utils.prune``).

Pruning ``module.weight`` moves the parameter to ``weight_orig``, stores the 0/1 mask as
the buffer ``weight_mask`` and recomputes ``weight = weight_mask * weight_orig`` (a plain
attribute) before every forward call, with a forward pre-hook: the pruning method itself.
The optimizer keeps updating ``weight_orig``; pruned entries get no gradient through
``weight``. Pruning the same tensor again combines the masks in a `PruningContainer`: the
new method only chooses among the entries still alive. `remove` makes the pruning
permanent: ``weight`` is a parameter again, holding the masked values.

Which entries go: the ``amount`` smallest by absolute value (`L1Unstructured`), random
ones (`RandomUnstructured`), whole slices along ``dim`` with the smallest Ln norm
(`LnStructured`) or random slices (`RandomStructured`), or a given mask
(`CustomFromMask`). ``amount`` is a count (int) or a fraction (float in [0, 1]). Among
equal scores the slices and entries chosen are the ones ``minigrad.topk`` picks; PyTorch's
CPU ``topk`` may pick others of the same score (its selection algorithm decides).
"""
from __future__ import annotations

import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any

import numpy as np

from ... import ops
from ...autograd.grad_mode import no_grad
from ...creation import ones_like, rand, rand_like
from ...internal import array_of, wrap
from ...tensor import Tensor
from ..module import Module
from . import parameters_to_vector

__all__ = ["BasePruningMethod", "PruningContainer", "Identity", "RandomUnstructured",
           "L1Unstructured", "RandomStructured", "LnStructured", "CustomFromMask",
           "identity", "random_unstructured", "l1_unstructured", "random_structured",
           "ln_structured", "global_unstructured", "custom_from_mask", "remove", "is_pruned"]


def _pruning_hooks(module: Module, name: str) -> list:
    return [hook for hook in module._forward_pre_hooks
            if isinstance(hook, BasePruningMethod) and hook._tensor_name == name]


class BasePruningMethod(ABC):
    """A way of choosing a mask. Subclasses set ``PRUNING_TYPE`` ("unstructured",
    "structured" with a ``dim``, or "global") and write `compute_mask`; the instance is
    the forward pre-hook that recomputes the pruned tensor."""

    PRUNING_TYPE: str = "unstructured"
    _tensor_name: str | None = None

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """The new mask for tensor ``t``, starting from ``default_mask`` (entries already
        pruned stay pruned)."""

    def apply_mask(self, module: Module) -> Tensor:
        """``<name>_mask * <name>_orig`` of ``module`` (in the graph of ``_orig``)."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned")
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return mask.to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module: Module, name: str, *args: Any,
              importance_scores: Tensor | None = None, **kwargs: Any) -> "BasePruningMethod":
        """Prune ``module.<name>`` with a new ``cls(*args, **kwargs)``, combined with the
        pruning already there; returns the hook now in charge of ``name``."""
        method = _combined_method(cls, module, name, *args, **kwargs)
        orig = getattr(module, name)
        if importance_scores is None:
            importance_scores = orig
        elif tuple(importance_scores.shape) != tuple(orig.shape):
            raise AssertionError(f"importance_scores should have the same shape as parameter "
                                 f"{name} of {module}, got {importance_scores.shape} vs "
                                 f"{orig.shape}")
        first = not isinstance(method, PruningContainer)
        if first:
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = ones_like(orig)
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()
        try:
            with no_grad():
                mask = method.compute_mask(importance_scores, default_mask=default_mask)
            module.register_buffer(name + "_mask", mask)
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception:
            if first:
                orig = getattr(module, name + "_orig")
                del module._parameters[name + "_orig"]
                module.register_parameter(name, orig)
            raise
        return method

    def prune(self, t: Tensor, default_mask: Tensor | None = None,
              importance_scores: Tensor | None = None) -> Tensor:
        """``t`` times the mask this method computes for it (not attached to a module)."""
        if importance_scores is None:
            importance_scores = t
        elif tuple(importance_scores.shape) != tuple(t.shape):
            raise AssertionError(f"importance_scores should have the same shape as tensor t, "
                                 f"got {importance_scores.shape} vs {t.shape}")
        default_mask = ones_like(t) if default_mask is None else default_mask
        return t * self.compute_mask(importance_scores, default_mask=default_mask)

    def remove(self, module: Module) -> None:
        """Make the pruning permanent: ``<name>`` becomes the parameter ``<name>_orig``
        (the same object) holding the masked values; ``_orig`` and ``_mask`` go."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned before pruning can be "
                                 f"removed")
        name = self._tensor_name
        weight = self.apply_mask(module)
        if name in module.__dict__:
            delattr(module, name)
        orig = module._parameters.pop(name + "_orig")
        orig.data = weight.data
        del module._buffers[name + "_mask"]
        setattr(module, name, orig)


def _combined_method(cls: type, module: Module, name: str, *args: Any,
                     **kwargs: Any) -> BasePruningMethod:
    """A new ``cls`` method for ``name``, put into a container with the one already
    pruning ``name`` (whose hook is taken off; the caller registers the result)."""
    old = _pruning_hooks(module, name)
    if len(old) > 1:
        raise AssertionError(f"Avoid adding multiple pruning hooks to the same tensor {name} "
                             f"of module {module}. Use a PruningContainer.")
    for hook in old:
        module._forward_pre_hooks.remove(hook)
    method = cls(*args, **kwargs)
    method._tensor_name = name
    if not old:
        return method
    if isinstance(old[0], PruningContainer):
        old[0].add_pruning_method(method)
        return old[0]
    container = PruningContainer(old[0])
    container.add_pruning_method(method)
    return container


class PruningContainer(BasePruningMethod):
    """The pruning methods applied to one tensor, in order. Its mask is the last
    method's mask computed on the entries (unstructured) or slices (structured) that the
    earlier masks kept."""

    def __init__(self, *args: BasePruningMethod) -> None:
        self._pruning_methods: tuple[BasePruningMethod, ...] = ()
        if len(args) == 1:
            self._tensor_name = args[0]._tensor_name
        for method in args:
            self.add_pruning_method(method)

    def add_pruning_method(self, method: BasePruningMethod) -> None:
        """Append ``method`` (which must prune the same tensor)."""
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError(f"Can only add pruning methods acting on the parameter named "
                             f"'{self._tensor_name}' to PruningContainer {self}. Found "
                             f"'{method._tensor_name}'")
        self._pruning_methods += (method,)

    def __len__(self) -> int:
        return len(self._pruning_methods)

    def __iter__(self) -> Any:
        return iter(self._pruning_methods)

    def __getitem__(self, idx: int) -> BasePruningMethod:
        return self._pruning_methods[idx]

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        method = self._pruning_methods[-1]
        mask = array_of(default_mask).astype(t.dtype)
        if method.PRUNING_TYPE == "unstructured":
            where: Any = mask == 1
        elif method.PRUNING_TYPE == "structured":
            if not hasattr(method, "dim"):
                raise AttributeError('Pruning methods of PRUNING_TYPE "structured" need to '
                                     'have the attribute `dim` defined.')
            dim = method.dim + t.ndim if method.dim < 0 else method.dim
            if dim < 0:
                raise IndexError(f"Index is out of bounds for tensor with dimensions {t.ndim}")
            others = tuple(d for d in range(t.ndim) if d != dim)
            where = tuple(slice(None) if d != dim else mask.sum(axis=others) != 0
                          for d in range(t.ndim))
        elif method.PRUNING_TYPE == "global":
            where = (slice(None),) * t.ndim
        else:
            raise ValueError(f"Unrecognized PRUNING_TYPE {method.PRUNING_TYPE}")
        part = method.compute_mask(wrap(array_of(t)[where]), default_mask=wrap(mask[where]))
        mask[where] = array_of(part)
        return wrap(mask)


# --- the methods ---------------------------------------------------------------------------
def _check_amount(amount: Any) -> None:
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    integral = isinstance(amount, numbers.Integral)
    if (integral and amount < 0) or (not integral and not 0.0 <= float(amount) <= 1.0):
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a "
                         f"non-negative integer")


def _count(amount: Any, size: int) -> int:
    """How many of ``size`` entries (or slices) ``amount`` prunes."""
    count = amount if isinstance(amount, numbers.Integral) else round(amount * size)
    if isinstance(amount, numbers.Integral) and amount > size:
        raise ValueError(f"amount={amount} should be smaller than the number of parameters to "
                         f"prune={size}")
    return int(count)


def _check_structured(t: Tensor, dim: int) -> None:
    if t.ndim <= 1:
        raise ValueError(f"Structured pruning can only be applied to multidimensional tensors. "
                         f"Found tensor of shape {tuple(t.shape)} with {t.ndim} dims")
    if dim >= t.ndim:
        raise IndexError(f"Invalid index {dim} for tensor of size {tuple(t.shape)}")


def _zero_entries(default_mask: Tensor, flat_indices: Tensor) -> Tensor:
    mask = array_of(default_mask).copy()
    mask.reshape(-1)[array_of(flat_indices)] = 0
    return wrap(mask)


def _keep_slices(t: Tensor, dim: int, keep: np.ndarray, default_mask: Tensor) -> Tensor:
    """A mask of ones on the slices ``keep`` (bools or indices) along ``dim``, times
    ``default_mask``."""
    mask = np.zeros(tuple(t.shape), dtype=t.dtype)
    mask[(slice(None),) * (dim % t.ndim) + (keep,)] = 1
    return wrap(mask * array_of(default_mask).astype(mask.dtype))


class Identity(BasePruningMethod):
    """Prunes nothing: the mask is all ones (a way to add ``_orig``/``_mask``)."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        return default_mask

    @classmethod
    def apply(cls, module: Module, name: str) -> "Identity":  # type: ignore[override]
        return super().apply(module, name)


class _Unstructured(BasePruningMethod):
    """Prunes the ``amount`` entries that ``_chosen`` picks, wherever they are."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: int | float) -> None:
        _check_amount(amount)
        self.amount = amount

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        count = _count(self.amount, t.numel())
        if count == 0:
            return default_mask.clone()
        if isinstance(self.amount, bool):  # PyTorch's topk refuses k=True
            raise TypeError(f"{type(self).__name__}: amount must be an int or a float, "
                            f"not bool ({self.amount})")
        return _zero_entries(default_mask, self._chosen(t, count))

    def _chosen(self, t: Tensor, count: int) -> Tensor:
        raise NotImplementedError


class RandomUnstructured(_Unstructured):
    """Prunes ``amount`` entries chosen at random (minigrad's generator)."""

    def _chosen(self, t: Tensor, count: int) -> Tensor:
        return ops.topk(rand_like(t).reshape(-1), count).indices

    @classmethod
    def apply(cls, module: Module, name: str, amount: int | float  # type: ignore[override]
              ) -> "RandomUnstructured":
        return super().apply(module, name, amount=amount)


class L1Unstructured(_Unstructured):
    """Prunes the ``amount`` entries of smallest absolute value."""

    def _chosen(self, t: Tensor, count: int) -> Tensor:
        return ops.topk(ops.abs(t).reshape(-1), count, largest=False).indices

    @classmethod
    def apply(cls, module: Module, name: str, amount: int | float,  # type: ignore[override]
              importance_scores: Tensor | None = None) -> "L1Unstructured":
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


class RandomStructured(BasePruningMethod):
    """Prunes ``amount`` slices along ``dim`` chosen at random."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount: int | float, dim: int = -1) -> None:
        _check_amount(amount)
        self.amount, self.dim = amount, dim

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        _check_structured(t, self.dim)
        size = t.shape[self.dim]
        count = _count(self.amount, size)
        if count == 0:
            return default_mask
        scores = rand(size)
        threshold = ops.kthvalue(scores, count).values
        return _keep_slices(t, self.dim, array_of(scores > threshold), default_mask)

    @classmethod
    def apply(cls, module: Module, name: str, amount: int | float,  # type: ignore[override]
              dim: int = -1) -> "RandomStructured":
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(BasePruningMethod):
    """Prunes the ``amount`` slices along ``dim`` of smallest ``n``-norm (``n`` as
    ``minigrad.norm``'s ``p``: a number, ``inf``, ``-inf``, ``'fro'`` or ``'nuc'``)."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount: int | float, n: Any, dim: int = -1) -> None:
        _check_amount(amount)
        self.amount, self.n, self.dim = amount, n, dim

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        _check_structured(t, self.dim)
        size = t.shape[self.dim]
        count = _count(self.amount, size)
        others = [d for d in range(t.ndim) if d != self.dim % t.ndim]
        norms = ops.norm(t, p=self.n, dim=others)
        kept = ops.topk(norms, size - count, largest=True).indices
        if count == 0:
            return default_mask
        return _keep_slices(t, self.dim, array_of(kept), default_mask)

    @classmethod
    def apply(cls, module: Module, name: str, amount: int | float, n: Any,  # type: ignore[override]
              dim: int, importance_scores: Tensor | None = None) -> "LnStructured":
        return super().apply(module, name, amount=amount, n=n, dim=dim,
                             importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """Prunes where the given ``mask`` is 0."""

    PRUNING_TYPE = "global"

    def __init__(self, mask: Tensor) -> None:
        self.mask = mask

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        if tuple(default_mask.shape) != tuple(self.mask.shape):
            raise AssertionError(f"default_mask shape {default_mask.shape} must match "
                                 f"self.mask shape {self.mask.shape}")
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module: Module, name: str, mask: Tensor  # type: ignore[override]
              ) -> "CustomFromMask":
        return super().apply(module, name, mask=mask)


# --- the functions -------------------------------------------------------------------------
def identity(module: Module, name: str) -> Module:
    """Add ``<name>_orig`` and an all-ones ``<name>_mask``; returns ``module``."""
    Identity.apply(module, name)
    return module


def random_unstructured(module: Module, name: str, amount: int | float) -> Module:
    """Prune ``amount`` random entries of ``module.<name>``; returns ``module``."""
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module: Module, name: str, amount: int | float,
                    importance_scores: Tensor | None = None) -> Module:
    """Prune the ``amount`` entries of ``module.<name>`` with the smallest absolute value
    (of ``importance_scores`` when given); returns ``module``."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module: Module, name: str, amount: int | float, dim: int) -> Module:
    """Prune ``amount`` random slices along ``dim``; returns ``module``."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module: Module, name: str, amount: int | float, n: Any, dim: int,
                  importance_scores: Tensor | None = None) -> Module:
    """Prune the ``amount`` slices along ``dim`` with the smallest ``n``-norm; returns
    ``module``."""
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters: Iterable[tuple[Module, str]], pruning_method: type,
                        importance_scores: dict | None = None, **kwargs: Any) -> None:
    """Prune the ``(module, name)`` tensors together, as one vector: ``pruning_method``
    (an unstructured method class, given ``**kwargs``) chooses among all their entries,
    and each tensor gets its part of the mask through `custom_from_mask`."""
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    parameters = list(parameters)
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    with no_grad():
        scores = parameters_to_vector([importance_scores.get((m, n), getattr(m, n))
                                       for m, n in parameters])
        default_mask = parameters_to_vector([getattr(m, n + "_mask") if hasattr(m, n + "_mask")
                                             else ones_like(getattr(m, n))
                                             for m, n in parameters])
    container = PruningContainer()
    container._tensor_name = "temp"
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError(f'Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. '
                        f"Found method {pruning_method} of type {method.PRUNING_TYPE}")
    container.add_pruning_method(method)
    final_mask = container.compute_mask(scores, default_mask)
    start = 0
    for module, name in parameters:
        param = getattr(module, name)
        count = param.numel()
        custom_from_mask(module, name, mask=final_mask[start:start + count].view_as(param))
        start += count


def custom_from_mask(module: Module, name: str, mask: Tensor) -> Module:
    """Prune ``module.<name>`` where ``mask`` is 0; returns ``module``."""
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module: Module, name: str) -> Module:
    """Make the pruning of ``module.<name>`` permanent (see `BasePruningMethod.remove`)."""
    for hook in _pruning_hooks(module, name):
        hook.remove(module)
        module._forward_pre_hooks.remove(hook)
        return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning "
                     f"can be removed")


def is_pruned(module: Module) -> bool:
    """Whether ``module`` or any submodule has a pruning hook."""
    return any(isinstance(hook, BasePruningMethod)
               for sub in module.modules() for hook in sub._forward_pre_hooks)
