"""Module: the base class of every layer and model.

A Module owns three ordered tables, filled by attribute assignment:

* ``_parameters``: `Parameter` objects, listed by ``parameters()`` and updated by
  optimizers;
* ``_buffers``: tensors that are state but not learned (BatchNorm's running mean);
* ``_modules``: submodules, which makes a tree whose dotted paths name everything in it
  (``features.0.weight``).

Calling a module runs ``forward`` inside its scope (see `minigrad.autograd.scope`), so
each graph node remembers which module made it.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Callable, Iterator, NamedTuple

import numpy as np

from ..autograd import details, scope
from ..autograd.hooks import RemovableHandle
from ..autograd.grad_mode import no_grad
from ..internal import array_of, wrap
from ..tensor import Tensor
from ._placement import Placement
from .parameter import Buffer, Parameter
from .utils import zero_grads


class _IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` returns: the keys it expected but did not get, and the
    keys it got but did not expect (PyTorch's private name; also
    ``minigrad.nn.IncompatibleKeys``)."""

    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"  # what PyTorch prints
        return (f"_IncompatibleKeys(missing_keys={self.missing_keys!r}, "
                f"unexpected_keys={self.unexpected_keys!r})")

    __str__ = __repr__


IncompatibleKeys = _IncompatibleKeys


class Module(Placement):
    """Base class for layers and models: subclass it, assign parameters and submodules
    in ``__init__``, and write ``forward``.

    Examples
    --------
    >>> class Net(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = Linear(4, 2)
    ...     def forward(self, x):
    ...         return self.fc(x).relu()
    >>> [name for name, _ in Net().named_parameters()]
    ['fc.weight', 'fc.bias']
    """

    training: bool

    def __init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "training", True)
        set_(self, "_parameters", {})
        set_(self, "_buffers", {})
        set_(self, "_non_persistent", set())
        set_(self, "_modules", {})
        set_(self, "_forward_hooks", [])
        set_(self, "_forward_pre_hooks", [])
        set_(self, "_load_state_dict_pre_hooks", [])

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"Module [{type(self).__name__}] is missing the required "
                                  f"\"forward\" function")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if details.enabled():  # record the module path for drawings (autograd/details.py)
            with scope.entered(self):
                return self._call(args, kwargs)
        return self._call(args, kwargs)

    def _call(self, args: tuple, kwargs: dict) -> Any:
        if self._forward_pre_hooks or self._forward_hooks:
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
        for hook in list(self._forward_pre_hooks):
            new = hook(self, args)
            if new is not None:
                args = new if isinstance(new, tuple) else (new,)
        output = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks):
            new = hook(self, args, output)
            if new is not None:
                output = new
        return output

    # --- registration -----------------------------------------------------------------
    def _tables(self) -> dict[str, dict]:
        try:
            return {"parameter": self.__dict__["_parameters"],
                    "buffer": self.__dict__["_buffers"], "module": self.__dict__["_modules"]}
        except KeyError:
            raise AttributeError(f"cannot assign to {type(self).__name__} before "
                                 f"Module.__init__() call") from None

    def _forget(self, name: str, keep: str | None = None) -> None:
        """Remove ``name`` from the instance dict and from every table but ``keep`` (so a
        reassigned entry keeps its place in its own table)."""
        for kind, table in self._tables().items():
            if kind != keep:
                table.pop(name, None)
        self.__dict__.pop(name, None)
        self._non_persistent.discard(name)

    def __setattr__(self, name: str, value: Any) -> None:
        # An assignment replaces whatever the name held (register_* would refuse that).
        if isinstance(value, Parameter):
            self._forget(name, keep="parameter")
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            self._forget(name, keep="module")
            self.add_module(name, value)
        elif isinstance(value, Buffer):
            self._forget(name, keep="buffer")
            self.register_buffer(name, value, persistent=value.persistent)
        elif name in self.__dict__.get("_parameters", ()):
            self._check_assign(name, value, None, "parameter", "Parameter or None")
            self._parameters[name] = value
        elif name in self.__dict__.get("_modules", ()):
            self._check_assign(name, value, None, "child module", "Module or None")
            self._modules[name] = value
        elif name in self.__dict__.get("_buffers", ()):
            self._check_assign(name, value, Tensor, "buffer", "Tensor or None")
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _check_assign(self, name: str, value: Any, allowed: type | None, what: str,
                      expected: str) -> None:
        if value is not None and (allowed is None or not isinstance(value, allowed)):
            raise TypeError(f"cannot assign '{type(value).__name__}' as {what} '{name}' of "
                            f"{type(self).__name__} ({expected} expected)")

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: look in the three tables.
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if table in d and name in d[table]:
                return d[table][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        if any(name in table for table in self._tables().values()):
            self._forget(name)
        else:
            object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        names = set(super().__dir__())
        for table in self._tables().values():
            names.update(table)
        return sorted(names)

    def _check_name(self, name: Any, what: str) -> None:
        tables = self._tables()
        if not isinstance(name, str):
            raise TypeError(f"{what} name should be a string, got {type(name).__name__}")
        if not name or "." in name:
            raise KeyError(f"{what} name can't be empty or contain \".\", got {name!r}")
        if hasattr(self, name) and name not in tables[what]:  # another kind, or a plain attribute
            raise KeyError(f"attribute '{name}' already exists on {type(self).__name__}")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or a None placeholder) under ``name``."""
        self._check_name(name, "parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter "
                            f"'{name}' (Parameter or None required)")
        self._forget(name, keep="parameter")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a tensor that is state but not a parameter, such as a running mean.

        Parameters
        ----------
        name : str
        tensor : Tensor or None
        persistent : bool
            Whether the buffer is part of ``state_dict()``.
        """
        self._check_name(name, "buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer "
                            f"'{name}' (Tensor or None required)")
        self._forget(name, keep="buffer")
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: "Module | None") -> None:
        """Add a child module under ``name`` (``self.name = module`` does the same)."""
        self._check_name(name, "module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._forget(name, keep="module")
        self._modules[name] = module

    register_module = add_module

    # --- walking the tree ---------------------------------------------------------------
    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, "Module"]]:
        """This module and every module below it, with dotted paths (this one is ``''``).

        Parameters
        ----------
        memo : set, optional
            Modules already listed (and so skipped again, with ``remove_duplicate``).
        prefix : str
            Put before every path.
        remove_duplicate : bool
            List a module reachable along several paths only once.
        """
        memo = set() if memo is None else memo
        if remove_duplicate:
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                path = f"{prefix}.{name}" if prefix else name
                yield from child.named_modules(memo, path, remove_duplicate)

    def modules(self) -> Iterator["Module"]:
        """This module and every module below it, each once."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        """The direct submodules, each once."""
        seen = set()
        for name, child in self._modules.items():
            if child is not None and child not in seen:
                seen.add(child)
                yield name, child

    def children(self) -> Iterator["Module"]:
        """The direct submodules, each once."""
        for _, child in self.named_children():
            yield child

    def _named_members(self, table: str, prefix: str, recurse: bool,
                       remove_duplicate: bool = True) -> Iterator[tuple[str, Any]]:
        walk = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
                if recurse else [(prefix, self)])
        seen = set()
        for path, module in walk:
            for name, value in getattr(module, table).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{path}.{name}" if path else name), value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs; a parameter shared by two modules comes once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """The parameters of this module and (with ``recurse``) of every submodule."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """The buffers of this module and (with ``recurse``) of every submodule."""
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def get_submodule(self, target: str) -> "Module":
        """The submodule at dotted path ``target`` (``''`` is this module)."""
        module = self
        for part in target.split(".") if target else []:
            child = module._modules.get(part)
            if child is None:
                raise AttributeError(f"{type(module).__name__} has no submodule '{part}' "
                                     f"(looking up '{target}')")
            module = child
        return module

    def get_parameter(self, target: str) -> Tensor:
        """The parameter at dotted path ``target`` (``'0.weight'``)."""
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if name not in module._parameters:
            raise AttributeError(f"{type(module).__name__} has no parameter `{name}`")
        return module._parameters[name]

    # --- modes and gradients ------------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        """Put this module and every submodule in training mode (or eval mode)."""
        if not isinstance(mode, bool):
            raise ValueError(f"train: training mode is expected to be boolean, got {mode!r}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode: ``train(False)``. Dropout is off; BatchNorm uses running stats."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        """Set ``requires_grad`` on every parameter (False freezes the module)."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of every parameter: to None (the default), or to zeros in
        place."""
        zero_grads(self.parameters(), set_to_none)

    def apply(self, fn: Callable[["Module"], Any]) -> "Module":
        """Call ``fn`` on every submodule (children first) and then on this module."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # --- hooks --------------------------------------------------------------------------
    def register_forward_pre_hook(self, hook: Callable[["Module", tuple], Any]) -> RemovableHandle:
        """Call ``hook(module, args)`` before ``forward``; it may return new args.

        Returns a handle whose ``remove()`` unregisters the hook.
        """
        self._forward_pre_hooks.append(hook)
        return RemovableHandle(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook: Callable[["Module", tuple, Any], Any]) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after ``forward``; it may return a new output.

        Returns a handle whose ``remove()`` unregisters the hook.
        """
        self._forward_hooks.append(hook)
        return RemovableHandle(self._forward_hooks, hook)

    # --- state --------------------------------------------------------------------------
    def _own_state(self) -> Iterator[tuple[str, Tensor]]:
        """This module's entries of a state dict: parameters, then persistent buffers."""
        for name, param in self._parameters.items():
            if param is not None:
                yield name, param
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent:
                yield name, buf

    def _state_items(self) -> Iterator[tuple[str, Tensor]]:
        for path, module in self.named_modules(remove_duplicate=False):
            for name, tensor in module._own_state():
                yield (f"{path}.{name}" if path else name), tensor

    def state_dict(self, prefix: str = "", keep_vars: bool = False) -> OrderedDict[str, Tensor]:
        """Every parameter and persistent buffer by dotted name (an OrderedDict, as
        PyTorch's), as tensors that share memory with the module but are cut from the graph
        (unless ``keep_vars``)."""
        return OrderedDict((prefix + name, t if keep_vars else t.detach()) for name, t in
                           self._state_items())

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy values into the parameters and buffers, keeping their dtypes.

        Parameters
        ----------
        state_dict : dict
            Dotted names to Tensors or arrays, as made by ``state_dict()``.
        strict : bool
            Raise if a key is missing or unexpected. A shape mismatch raises either way.
            Nothing is copied when an error is raised.

        Returns
        -------
        IncompatibleKeys
            ``(missing_keys, unexpected_keys)``.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict: Expected state_dict to be dict-like, got "
                            f"{type(state_dict).__name__}")
        state_dict = self._run_load_pre_hooks(dict(state_dict), strict)
        own = dict(self._state_items())
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        errors = []
        if strict and (missing or unexpected):
            errors.append(f"Missing key(s): {', '.join(missing) or 'none'}. "
                          f"Unexpected key(s): {', '.join(unexpected) or 'none'}.")
        for key, target in own.items():
            if key in state_dict and not _numeric(state_dict[key]):
                errors.append(f'While copying the parameter named "{key}", expected a Tensor '
                              f"or a numeric ndarray from the checkpoint but received "
                              f"{type(state_dict[key]).__name__}")
            elif key in state_dict:
                shape = tuple(np.shape(state_dict[key]))
                if shape != tuple(target.shape):
                    errors.append(f"size mismatch for {key}: copying a value of shape {shape}, "
                                  f"but the shape in the model is {tuple(target.shape)}.")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        with no_grad():
            for key, target in own.items():
                if key in state_dict:
                    target.copy_(wrap(_as_array(state_dict[key])))
        return IncompatibleKeys(missing, unexpected)

    def register_load_state_dict_pre_hook(self, hook: Callable[..., None]) -> RemovableHandle:
        """Call ``hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)`` before ``load_state_dict`` reads this module's keys
        (``prefix`` is its dotted path plus "."); it may rename keys in ``state_dict``."""
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def _register_load_state_dict_pre_hook(self, hook: Callable[..., None],
                                           with_module: bool = False) -> RemovableHandle:
        hooks = self.__dict__.setdefault("_load_state_dict_pre_hooks", [])
        if with_module:
            hooks.append(lambda *args: hook(self, *args))
        else:
            hooks.append(hook)
        return RemovableHandle(hooks, hooks[-1])

    def _run_load_pre_hooks(self, state_dict: dict, strict: bool) -> dict:
        for path, module in self.named_modules():
            for hook in module.__dict__.get("_load_state_dict_pre_hooks", ()):
                hook(state_dict, f"{path}." if path else "", {}, strict, [], [], [])
        return state_dict

    # --- printing -----------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text between the parentheses of this module's repr; override it."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        lines = self.extra_repr().splitlines()
        for name, child in self._modules.items():
            text = repr(child).replace("\n", "\n  ")
            lines.append(f"({name}): {text}")
        if not self._modules and len(lines) <= 1:
            return f"{self._get_name()}({''.join(lines)})"
        body = "".join(f"\n  {line}" for line in lines)
        return f"{self._get_name()}({body}\n)"


def _numeric(value: Any) -> bool:
    """Whether a state-dict value can be copied into a tensor: a Tensor, or anything NumPy
    reads as bool, integer or float numbers (an ndarray, a nested list)."""
    if isinstance(value, Tensor):
        return True
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except (TypeError, ValueError):
        return False


def _as_array(value: Any) -> np.ndarray:
    return array_of(value) if isinstance(value, Tensor) else np.asarray(value)
