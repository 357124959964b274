"""Containers: Sequential (a pipeline) and ModuleList (a list that registers its items)."""
from __future__ import annotations

import operator
from typing import Any, Iterable, Iterator

from .module import Module


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

    def _from_modules(self, modules: list[Module]) -> "_IndexedModules":
        raise NotImplementedError

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return self._from_modules(self._items()[idx])
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

    def _from_modules(self, modules: list[Module]) -> "Sequential":
        return Sequential(*modules)

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

    def _from_modules(self, modules: list[Module]) -> "ModuleList":
        return ModuleList(modules)

    def __iadd__(self, modules: Iterable[Module]) -> "ModuleList":
        return self.extend(modules)
