"""``functional_call``: call a module with some of its parameters and buffers replaced.

The given tensors take the places of the named parameters and buffers for the duration
of the call (in the module's tables, so ``self.weight`` finds them), and the originals are
put back afterwards, also when the call raises. This is what lets ``minigrad.func.grad``
differentiate a model with respect to a dict of parameters::

    grad(lambda p: loss(functional_call(model, p, (x,))))(dict(model.named_parameters()))
"""
from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any, Iterator

from ..nn.module import Module

__all__ = ["functional_call"]

_ABSENT = object()


def _merge(dicts: Any) -> dict:
    if isinstance(dicts, Mapping):
        return dict(dicts)
    if not isinstance(dicts, Sequence) or isinstance(dicts, str):
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of "
                         f"dicts, but got {type(dicts)}")
    if not all(isinstance(d, Mapping) for d in dicts):
        raise ValueError("Expected all elements of parameter_and_buffer_dicts to be "
                         "dictionaries")
    keys = [k for d in dicts for k in d]
    repeated = list(dict.fromkeys(k for k in keys if keys.count(k) > 1))
    if repeated:
        raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of "
                         "functional call is ambiguous")
    return {k: v for d in dicts for k, v in d.items()}


def _state_names(module: Module) -> dict[str, Any]:
    """Every dotted name of a parameter or buffer (tied ones under each of their names)."""
    named = list(module.named_parameters(remove_duplicate=False))
    named += list(module.named_buffers(remove_duplicate=False))
    return dict(named)


def _tie(values: dict, names: dict[str, Any]) -> dict:
    """Give a value to every name of a tied tensor, from the one name it was given under."""
    groups: dict[int, list[str]] = {}
    for name, tensor in names.items():
        groups.setdefault(id(tensor), []).append(name)
    values = dict(values)
    for group in groups.values():
        given = [n for n in group if n in values]
        if len(group) < 2 or not given:
            continue
        if any(values[n] is not values[given[0]] for n in given[1:]):
            raise ValueError(f"functional_call got multiple values for keys {sorted(given)}, "
                             "which are tied. Consider using tie_weights=False")
        for name in group:
            values.setdefault(name, values[given[0]])
    return values


def _check_strict(module: Module, values: dict, names: dict[str, Any]) -> None:
    messages = []
    unexpected = [k for k in values if k not in names]
    missing = [k for k in names if k not in values]
    if unexpected:
        messages.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
    if missing:
        messages.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
    if messages:
        raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n\t"
                           + "\n\t".join(messages))


def _owner(module: Module, name: str) -> tuple[Module, str]:
    """The submodule that holds the dotted ``name``, and the last part of it."""
    *path, leaf = name.split(".")
    for part in path:
        child = getattr(module, part, None)
        if not isinstance(child, Module):
            raise AttributeError(f"{type(module).__name__} has no attribute `{part}`")
        module = child
    return module, leaf


@contextlib.contextmanager
def _swapped(module: Module, values: dict) -> Iterator[None]:
    """Put ``values`` in place of the named parameters, buffers (or plain attributes)
    for the block, and the originals back afterwards."""
    undo = []
    try:
        for name, value in values.items():
            owner, leaf = _owner(module, name)
            table = next((t for t in (owner._parameters, owner._buffers) if leaf in t), None)
            if table is not None:
                undo.append((table, leaf, table[leaf]))
                table[leaf] = value
            else:
                undo.append((owner, leaf, owner.__dict__.get(leaf, _ABSENT)))
                object.__setattr__(owner, leaf, value)
        yield
    finally:
        for place, leaf, old in reversed(undo):
            if isinstance(place, dict):
                place[leaf] = old
            elif old is _ABSENT:
                object.__delattr__(place, leaf)
            else:
                object.__setattr__(place, leaf, old)


def functional_call(module: Module, parameter_and_buffer_dicts: Any, args: Any = None,
                    kwargs: dict | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """Call ``module`` with some parameters and buffers replaced by the given tensors.

    Parameters
    ----------
    module : minigrad.nn.Module
    parameter_and_buffer_dicts : dict or sequence of dict
        Dotted names (``"0.weight"``) to the tensors to use; several dicts are merged (a
        name may appear in one of them only).
    args : Any or tuple, optional
        Positional arguments of the call; a single value that is not a tuple is one
        argument.
    kwargs : dict, optional
        Keyword arguments of the call.
    tie_weights : bool
        A value given for one name of a parameter shared under several names replaces it
        under all of them (several different values for it raise ``ValueError``).
    strict : bool
        Every parameter and buffer must be given, and nothing else (``RuntimeError``).

    Returns
    -------
    Any
        What ``module(*args, **kwargs)`` returns. The module's own parameters and buffers
        are back in place afterwards, even if the call raised.
    """
    values = _merge(parameter_and_buffer_dicts)
    names = _state_names(module)
    if tie_weights:
        values = _tie(values, names)
    if strict:
        _check_strict(module, values, names)
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _swapped(module, values):
        return module(*args, **(kwargs or {}))
