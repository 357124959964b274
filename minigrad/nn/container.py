"""Containers: Sequential (a pipeline), ModuleList and ModuleDict (a list and a dict that
register their modules), ParameterList and ParameterDict (the same for parameters)."""
from __future__ import annotations

import operator
from typing import Any, Iterable, Iterator, Mapping

from ..tensor import Tensor
from ..tensor_types import typename

from .module import Module
from .parameter import Parameter


class _IndexedModules(Module):
    """Submodules named "0", "1", ... and addressed by position, like a list."""

    def _index(self, idx: Any) -> int:
        n = len(self._modules)
        i = operator.index(idx)
        if not -n <= i < n:
            raise IndexError(f"{type(self).__name__}: index {idx} is out of range for "
                             f"{n} modules")
        return i % n

    def _items(self) -> list[Module]:
        return list(self._modules.values())

    def _renumber(self, modules: Iterable[Module]) -> None:
        self._modules.clear()
        for module in modules:
            self.append(module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def _from_modules(self, named: list[tuple[str, Module]]) -> "_IndexedModules":
        """A new container of the same kind holding ``named`` (a slice of this one)."""
        raise NotImplementedError

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return self._from_modules(list(self._modules.items())[idx])
        return self._items()[self._index(idx)]

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(list(self._modules)[self._index(idx)], module)

    def __delitem__(self, idx: int | slice) -> None:
        items = self._items()
        del items[idx if isinstance(idx, slice) else self._index(idx)]
        self._renumber(items)

    def append(self, module: Module) -> "_IndexedModules":
        """Add ``module`` at the end."""
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> "_IndexedModules":
        """Add each of ``modules`` at the end."""
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``."""
        items = self._items()
        items.insert(index, module)
        self._renumber(items)


class Sequential(_IndexedModules):
    """Modules applied one after the other, each to the previous one's output.

    Indexing gives a module, slicing a new Sequential sharing the same modules.

    Examples
    --------
    >>> model = Sequential(Linear(4, 8), ReLU(), Linear(8, 2))
    >>> model[0]
    Linear(in_features=4, out_features=8, bias=True)
    >>> [name for name, _ in model.named_parameters()][:2]
    ['0.weight', '0.bias']
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], dict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            self.extend(modules)

    def _from_modules(self, named: list[tuple[str, Module]]) -> "Sequential":
        return Sequential(dict(named))  # a slice keeps the names, as in PyTorch

    def forward(self, input: Any) -> Any:
        for module in self._modules.values():
            input = module(input)
        return input


class ModuleList(_IndexedModules):
    """A list of modules whose parameters belong to the owner. It has no ``forward``:
    the owner decides how to call the modules."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _from_modules(self, named: list[tuple[str, Module]]) -> "ModuleList":
        return ModuleList(module for _, module in named)  # numbered afresh

    def __iadd__(self, modules: Iterable[Module]) -> "ModuleList":
        return self.extend(modules)

    def __repr__(self) -> str:
        """As PyTorch prints a ModuleList: a run of modules that print alike is one line,
        ``(0-5): 6 x TransformerEncoderLayer(...)``."""
        texts = [repr(module) for module in self]
        if not texts:
            return f"{self._get_name()}()"
        runs: list[list] = []  # [first index, last index, text]
        for i, text in enumerate(texts):
            if runs and runs[-1][2] == text:
                runs[-1][1] = i
            else:
                runs.append([i, i, text])
        lines = [f"({first}): {text}" if first == last else
                 f"({first}-{last}): {last - first + 1} x {text}" for first, last, text in runs]
        body = "".join("\n  " + line.replace("\n", "\n  ") for line in lines)
        return f"{self._get_name()}({body}\n)"


class ModuleDict(Module):
    """A dict of modules whose parameters belong to the owner; keys keep their insertion
    order. Like ModuleList, it has no ``forward``.

    Examples
    --------
    >>> heads = ModuleDict({"cls": Linear(8, 10), "box": Linear(8, 4)})
    >>> list(heads), heads["box"].out_features
    (['cls', 'box'], 4)
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None
                 ) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> Iterable[str]:
        """The keys, in insertion order."""
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self) -> Iterable[tuple[str, Module]]:
        """(key, module) pairs, in insertion order."""
        return self._modules.items()

    def pop(self, key: str) -> Module:
        """Remove ``key`` and return its module."""
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        """Remove every module."""
        self._modules.clear()

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add (or replace) modules from a mapping or from (key, module) pairs."""
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        for key, module in pairs:
            self[key] = module


def _as_parameter(value: Any) -> Any:
    """PyTorch's rule for parameter containers: a plain Tensor becomes a Parameter."""
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _describe(key: Any, value: Any, type_name: str) -> str:
    """One line of a parameter container's repr, as PyTorch writes it: a tensor's
    ``type_name`` (a list shows its dtype, a dict its legacy type name) and size."""
    if isinstance(value, Tensor):
        kind = "Parameter containing" if isinstance(value, Parameter) else "Tensor"
        size = "x".join(str(s) for s in value.shape)
        return f"  ({key}): {kind}: [{type_name} of size {size}]"
    return f"  ({key}): Object of type: {type(value).__name__}"


class ParameterList(Module):
    """A list of parameters registered with the owner (named "0", "1", ...).

    Tensors put in it become Parameters, as in PyTorch.

    Examples
    --------
    >>> weights = ParameterList([Parameter(minigrad.ones(2)) for _ in range(3)])
    >>> len(weights), [name for name, _ in weights.named_parameters()]
    (3, ['0', '1', '2'])
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        object.__setattr__(self, "_size", 0)
        if values is not None:
            self.extend(values)

    def _index(self, idx: Any) -> int:
        i = operator.index(idx)
        if not -self._size <= i < self._size:
            raise IndexError(f"ParameterList: index {idx} is out of range for {self._size} "
                             f"parameters")
        return i % self._size

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return ParameterList([self[i] for i in range(self._size)[idx]])
        return getattr(self, str(self._index(idx)))

    def __setitem__(self, idx: int, value: Any) -> None:
        setattr(self, str(self._index(idx)), _as_parameter(value))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(self._size))

    def __iadd__(self, values: Iterable[Any]) -> "ParameterList":
        return self.extend(values)

    def append(self, value: Any) -> "ParameterList":
        """Add ``value`` at the end."""
        object.__setattr__(self, "_size", self._size + 1)
        self[self._size - 1] = value
        return self

    def extend(self, values: Iterable[Any]) -> "ParameterList":
        """Add each of ``values`` at the end."""
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(_describe(i, value, f"minigrad.{getattr(value, 'dtype', '')}")
                         for i, value in enumerate(self))


class ParameterDict(Module):
    """A dict of parameters registered with the owner under their keys; tensors put in
    it become Parameters, as in PyTorch."""

    def __init__(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None
                 ) -> None:
        super().__init__()
        object.__setattr__(self, "_keys", {})
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys:
            raise KeyError(key)
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        self._keys[key] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def keys(self) -> Iterable[str]:
        """The keys, in insertion order."""
        return self._keys.keys()

    def values(self) -> Iterator[Any]:
        """The parameters, in insertion order."""
        return (self[key] for key in self._keys)

    def items(self) -> Iterator[tuple[str, Any]]:
        """(key, parameter) pairs, in insertion order."""
        return ((key, self[key]) for key in self._keys)

    def pop(self, key: str) -> Any:
        """Remove ``key`` and return its parameter."""
        value = self[key]
        del self[key]
        return value

    def update(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        """Add (or replace) entries from a mapping or from (key, value) pairs."""
        pairs = parameters.items() if isinstance(parameters, Mapping) else parameters
        for key, value in pairs:
            self[key] = value

    def extra_repr(self) -> str:
        return "\n".join(_describe(key, value, typename(value)) for key, value in self.items())
