"""Parametrizations: a module's tensor computed from other tensors on every access.

``register_parametrization(layer, "weight", P())`` moves ``layer.weight`` to
``layer.parametrizations.weight.original`` and makes ``layer.weight`` a property that
returns ``P()(original)``, recomputed at each read (or once per `cached` block). The
optimizer updates ``original``, and gradients flow through ``P``. As in PyTorch:

* the layer's class is swapped for a subclass named ``Parametrized<Class>`` that holds
  the properties (`type_before_parametrizations` gives the class back);
* a ``right_inverse(X)`` method on ``P`` makes the first ``original`` from the old value,
  and makes assignment ``layer.weight = X`` work; when it returns several tensors they
  are stored as ``original0``, ``original1``, ...;
* several parametrizations on one tensor run in registration order
  (`ParametrizationList`);
* state-dict keys are PyTorch's (``parametrizations.weight.original``), so state dicts
  load across the two libraries.
"""
from __future__ import annotations

import contextlib
import copy
from collections.abc import Sequence
from typing import Any, Iterator

from ...autograd.grad_mode import no_grad
from ...internal import array_of, replace_array
from ...tensor import Tensor
from ..container import ModuleDict, ModuleList
from ..module import Module
from ..parameter import Parameter

__all__ = ["cached", "ParametrizationList", "register_parametrization", "is_parametrized",
           "remove_parametrizations", "type_before_parametrizations",
           "transfer_parametrizations_and_params"]

_cache_depth = 0
_cache: dict[tuple[int, str], Tensor] = {}


@contextlib.contextmanager
def cached() -> Iterator[None]:
    """Inside this block a parametrized tensor is computed once, on its first read, and
    the same tensor is returned on later reads; the values are dropped when the outermost
    block ends. Useful when a forward pass reads a parametrized weight many times (an RNN
    loop, tied weights)."""
    global _cache_depth, _cache
    _cache_depth += 1
    try:
        yield
    finally:
        _cache_depth -= 1
        if not _cache_depth:
            _cache = {}


def _set_values(target: Tensor, value: Tensor) -> None:
    """Make ``target`` hold ``value``'s array (any shape), keeping the object, as PyTorch's
    ``Tensor.set_``: an optimizer that holds ``target`` sees the new values."""
    if target is not value:
        replace_array(target, array_of(value))


def _register(module: Module, name: str, tensor: Tensor) -> None:
    """A Parameter is registered as a parameter, any other tensor as a buffer."""
    if isinstance(tensor, Parameter):
        module.register_parameter(name, tensor)
    else:
        module.register_buffer(name, tensor)


def _check_like(what: str, value: Any, dtype: Any, shape: Any | None, before: str,
                 after: str) -> None:
    """Raise PyTorch's ValueError when ``value`` is no tensor or changes dtype or shape."""
    if not isinstance(value, Tensor):
        raise ValueError(f"A parametrization must return a tensor. Got {type(value).__name__}.")
    if value.dtype != dtype:
        raise ValueError(f"{what} may not change the dtype of the tensor, unless the `unsafe` "
                         f"flag is enabled.\n{before}.dtype: {dtype}\n{after}.dtype: "
                         f"{value.dtype}")
    if shape is not None and tuple(value.shape) != tuple(shape):
        raise ValueError(f"{what} may not change the shape of the tensor, unless the `unsafe` "
                         f"flag is enabled.\n{before}.shape: {tuple(shape)}\n{after}.shape: "
                         f"{tuple(value.shape)}")


def _right_inverse(modules: Sequence[Module], value: Any, strict: bool) -> Any:
    """``value`` taken back through the parametrizations, last first. A parametrization
    without ``right_inverse`` is the identity unless ``strict`` (then it raises)."""
    for module in reversed(list(modules)):
        inverse = getattr(module, "right_inverse", None)
        if inverse is None:
            if strict:
                raise RuntimeError(f"parametrization {type(module).__name__} does not "
                                   f"implement right_inverse.")
            continue
        try:
            value = inverse(value)
        except NotImplementedError:
            if strict:
                raise
    return value


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, in the order they apply, and the tensor(s) they
    start from: ``original``, or ``original0``, ``original1``, ... when the first
    parametrization's ``right_inverse`` returns a sequence. The type of
    ``module.parametrizations.<name>``; made by `register_parametrization`.

    Parameters
    ----------
    modules : sequence of Module
        The parametrizations (at least one).
    original : Parameter or Tensor
        The tensor being parametrized (a parameter stays a parameter, a buffer a buffer).
    unsafe : bool
        Skip the checks that the parametrization keeps the dtype and shape.
    """

    def __init__(self, modules: Sequence[Module], original: Tensor,
                 unsafe: bool = False) -> None:
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        dtype, shape = original.dtype, tuple(original.shape)
        with no_grad():
            new = _right_inverse(self, original, strict=False)
        if not isinstance(new, (Tensor, Sequence)):
            raise ValueError(f"'right_inverse' must return a Tensor or a Sequence of tensors "
                             f"(list, tuple...). Got {type(new).__name__}")
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if new.dtype != dtype:
                raise ValueError(f"When `right_inverse` outputs one tensor, it may not change "
                                 f"the dtype.\noriginal.dtype: {dtype}\n"
                                 f"right_inverse(original).dtype: {new.dtype}")
            with no_grad():
                _set_values(original, new)
            _register(self, "original", original)
        else:
            for i, part in enumerate(new):
                if not isinstance(part, Tensor):
                    raise ValueError(f"'right_inverse' must return a Tensor or a Sequence of "
                                     f"tensors (list, tuple...). Got element {i} of the "
                                     f"sequence with type {type(part).__name__}.")
                part = (Parameter(part, original.requires_grad)
                        if isinstance(original, Parameter) else part)
                part.requires_grad_(original.requires_grad)
                _register(self, f"original{i}", part)
        if not self.unsafe:
            _check_like("Registering a parametrization", self(), dtype, shape,
                        "unparametrized", "parametrized")

    def _originals(self) -> list[Tensor]:
        if self.is_tensor:
            return [self.original]
        return [getattr(self, f"original{i}") for i in range(self.ntensors)]

    def right_inverse(self, value: Tensor) -> None:
        """Store ``value`` as the parametrized tensor's new value: it is taken back through
        every parametrization's ``right_inverse`` (last first) and written into the
        original tensor(s), in place."""
        with no_grad():
            value = _right_inverse(self, value, strict=True)
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got "
                                     f"{type(value).__name__}")
                if value.dtype != self.original.dtype:
                    raise ValueError(f"The tensor returned by `right_inverse` has dtype "
                                     f"{value.dtype} while `original` has dtype "
                                     f"{self.original.dtype}")
                _set_values(self.original, value)
                return
            if not isinstance(value, Sequence):
                raise ValueError(f"'right_inverse' must return a sequence of tensors. Got "
                                 f"{type(value).__name__}.")
            if len(value) != self.ntensors:
                raise ValueError(f"'right_inverse' must return a sequence of tensors of length "
                                 f"{self.ntensors}. Got a sequence of length {len(value)}.")
            for i, (target, part) in enumerate(zip(self._originals(), value)):
                if not isinstance(part, Tensor):
                    raise ValueError(f"'right_inverse' must return a sequence of tensors. "
                                     f"Got element {i} of type {type(part).__name__}.")
                if part.dtype != target.dtype:
                    raise ValueError(f"Tensor {i} returned by `right_inverse` has dtype "
                                     f"{part.dtype} while `original{i}` has dtype "
                                     f"{target.dtype}")
                _set_values(target, part)

    def forward(self) -> Tensor:
        first, *rest = list(self)
        x = first(*self._originals())
        for module in rest:
            x = module(x)
        return x


def _no_pickling(self: Module) -> None:
    raise RuntimeError("Serialization of parametrized modules is only supported through "
                       "state_dict(). See:\nhttps://pytorch.org/tutorials/beginner/"
                       "saving_loading_models.html#saving-loading-a-general-checkpoint-for-"
                       "inference-and-or-resuming-training")


def _deepcopy(self: Module, memo: dict) -> Module:
    """A deep copy that does not go through pickling (which parametrized modules refuse)."""
    if id(self) in memo:
        return memo[id(self)]
    replica = object.__new__(type(self))
    memo[id(self)] = replica
    replica.__dict__.update(copy.deepcopy(self.__dict__, memo))
    return replica


def _swap_class(module: Module) -> None:
    """Give ``module`` a class of its own, ``Parametrized<Class>``, to hold properties."""
    cls = type(module)
    body: dict[str, Any] = {"__getstate__": _no_pickling}
    if not hasattr(cls, "__deepcopy__"):
        body["__deepcopy__"] = _deepcopy
    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), body)


def _add_property(module: Module, name: str) -> None:
    """``module.<name>`` reads the parametrization's output and assigns via its
    ``right_inverse``."""
    if hasattr(module, name):
        raise AssertionError(f"Module already has an attribute named '{name}'")

    def get(self: Module) -> Tensor:
        parametrization = self.parametrizations[name]
        if not _cache_depth:
            return parametrization()
        key = (id(self), name)
        if key not in _cache:
            _cache[key] = parametrization()
        return _cache[key]

    def set_(self: Module, value: Tensor) -> None:
        self.parametrizations[name].right_inverse(value)

    setattr(type(module), name, property(get, set_))


def _check_added(module: Module, name: str, parametrization: Module) -> None:
    """The consistency checks when a parametrization is stacked on a parametrized tensor."""
    before = getattr(module, name)
    after = parametrization(before)
    _check_like("Registering a parametrization", after, before.dtype, before.shape,
                f"module.{name}", f"parametrization(module.{name})")
    inverse = getattr(parametrization, "right_inverse", None)
    if inverse is None:
        return
    try:
        back = inverse(after)
    except NotImplementedError:
        return
    if not isinstance(back, Tensor):
        raise ValueError(f"parametrization.right_inverse must return a tensor. Got: "
                         f"{type(back).__name__}")
    _check_like("The tensor returned by parametrization.right_inverse", back, before.dtype,
                before.shape, f"module.{name}", "returned")


def register_parametrization(module: Module, tensor_name: str, parametrization: Module, *,
                             unsafe: bool = False) -> Module:
    """Make ``module.<tensor_name>`` the output of ``parametrization`` applied to the
    stored tensor (see the module docstring).

    Parameters
    ----------
    module : Module
    tensor_name : str
        A parameter or buffer of ``module``, or a tensor parametrized already (then
        ``parametrization`` is applied after the ones before it).
    parametrization : Module
        Its ``forward`` maps the stored tensor(s) to the tensor; an optional
        ``right_inverse`` maps a value back.
    unsafe : bool
        Allow the parametrization to change the dtype and shape (not checked).

    Returns
    -------
    Module
        ``module``, whose class is now ``Parametrized<Class>``.

    Raises
    ------
    ValueError
        When ``module`` has no parameter or buffer ``tensor_name``, or (``unsafe=False``)
        the parametrization changes the dtype or shape or returns no tensor.
    """
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            _check_added(module, tensor_name, parametrization)
        chain = module.parametrizations[tensor_name]
        chain.append(parametrization)
        chain.unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        chain = ParametrizationList([parametrization], getattr(module, tensor_name),
                                    unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _swap_class(module)
            module.parametrizations = ModuleDict()
        _add_property(module, tensor_name)
        module.parametrizations[tensor_name] = chain
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a "
                         f"parametrized element with name '{tensor_name}'")
    return module


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Whether ``module`` has a parametrization on ``tensor_name`` (on any tensor, when
    ``tensor_name`` is None)."""
    parametrizations = getattr(module, "parametrizations", None)
    if not isinstance(parametrizations, ModuleDict):
        return False
    if tensor_name is None:
        return len(parametrizations) > 0
    return tensor_name in parametrizations


def remove_parametrizations(module: Module, tensor_name: str,
                            leave_parametrized: bool = True) -> Module:
    """Turn ``module.<tensor_name>`` back into a plain parameter or buffer.

    Parameters
    ----------
    module : Module
    tensor_name : str
    leave_parametrized : bool
        Keep the current parametrized value (written into the original tensor object,
        so an optimizer holding it still works); with False keep the unparametrized
        ``original`` (impossible when there are several originals).

    Returns
    -------
    Module
        ``module``; its class is the one it had before once no tensor is parametrized.
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    chain = module.parametrizations[tensor_name]
    if chain.is_tensor:
        original = chain.original
        if leave_parametrized:
            with no_grad():
                _set_values(original, getattr(module, tensor_name))
    elif leave_parametrized:
        value = getattr(module, tensor_name)
        original = Parameter(value) if value.requires_grad else value
    else:
        raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor "
                         "that is parametrized in terms of a sequence of tensors.")
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    _register(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = type(module).__bases__[0]
    return module


def type_before_parametrizations(module: Module) -> type:
    """The class ``module`` had before it was parametrized (its class when it is not)."""
    if is_parametrized(module):
        return type(module).__bases__[0]
    return type(module)


def transfer_parametrizations_and_params(from_module: Module, to_module: Module,
                                         tensor_name: str | None = None) -> Module:
    """Register ``from_module``'s parametrizations (all, or those of ``tensor_name``) on
    ``to_module`` too, sharing the parametrization modules and the original tensors.
    A tensor ``to_module`` lacks is created first. Nothing happens when ``from_module`` is
    not parametrized.

    Returns
    -------
    Module
        ``to_module``.
    """
    if not is_parametrized(from_module):
        return to_module
    names = list(from_module.parametrizations) if tensor_name is None else [tensor_name]
    for name in names:
        source = from_module.parametrizations[name]
        if not hasattr(to_module, name):
            setattr(to_module, name, Parameter(getattr(from_module, name)))
        for parametrization in source:
            register_parametrization(to_module, name, parametrization)
        target = to_module.parametrizations[name]
        if source.is_tensor:
            target.original = source.original
        else:
            for i in range(source.ntensors):
                setattr(target, f"original{i}", getattr(source, f"original{i}"))
    return to_module
