"""The Optimizer base: parameter groups, per-parameter state, and state dicts.

A subclass declares its default options and implements ``_update(param, grad, state,
group)``, which changes the parameter's array (``writable_data(param)``) in place with
NumPy. The base class loops over the groups, skips parameters without a gradient, and
marks each updated parameter modified (``minigrad.internal.mark_modified``) so that a
graph which saved the old values refuses to run backward.
"""
from __future__ import annotations

import warnings

from collections import defaultdict
from typing import Any, Callable, Iterable

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..internal import array_of, mark_modified, replace_array, wrap
from ..nn.utils import zero_grads
from ..tensor import Tensor


class _Required:
    """Marks an option that has no default and must be given (SGD's ``lr``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required: Any = _Required()


def check_non_negative(op: str, name: str, value: float) -> None:
    """Raise ``ValueError("Invalid <name>: <value>")`` unless ``value >= 0``."""
    if not value >= 0.0:  # written this way round so that NaN fails too
        raise ValueError(f"{op}: Invalid {name}: {value}")


def check_unit_interval(op: str, name: str, value: float) -> None:
    """Raise ``ValueError`` unless ``0 <= value < 1``."""
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{op}: Invalid {name}: {value} (expected 0 <= value < 1)")


def writable_data(param: Tensor) -> np.ndarray:
    """The parameter's array, copied first if it is a read-only view (e.g. a broadcast)."""
    if not array_of(param).flags.writeable:
        replace_array(param, array_of(param).copy())
    return array_of(param)


def buffer(state: dict, name: str, like: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """The array of state entry ``name``, created as ``fill`` shaped like ``like`` if new."""
    entry = state.get(name)
    if entry is None:
        entry = state[name] = wrap(np.full_like(like, fill))
    return array_of(entry)


def advance_step(state: dict) -> int:
    """Count one more update in ``state["step"]``, kept as PyTorch keeps it (a float32 0-d
    tensor, so that ``state_dict()`` matches); returns the new count."""
    step = int(float(state.get("step", 0))) + 1
    state["step"] = wrap(np.array(step, dtype=np.float32))
    return step


def regularized_grad(param: np.ndarray, grad: np.ndarray, group: dict,
                     weight_decay: float) -> np.ndarray:
    """The gradient to follow: negated when ``group["maximize"]``, plus the L2 term
    ``weight_decay * param``. Never modifies ``grad`` itself."""
    if group.get("maximize"):
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    return grad


class Optimizer:
    """Base class of the optimizers.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        The tensors to optimize, or parameter groups: dicts with a ``"params"`` entry and
        any options that override ``defaults`` for that group.
    defaults : dict
        The default value of every option.

    Attributes
    ----------
    param_groups : list of dict
        One dict per group: ``"params"`` (a list of tensors) and the group's options.
    state : dict
        Per-parameter state (moment estimates, step counts), keyed by the tensor.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], defaults: dict) -> None:
        if isinstance(params, Tensor):
            raise TypeError(f"{type(self).__name__}: params should be an iterable of Tensors "
                            "or dicts, but got a Tensor")
        self.defaults = dict(defaults)
        self.state: dict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
        return "\n".join(lines + [")"])

    # --- groups ------------------------------------------------------------------------
    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters, with options that default to ``self.defaults``.

        Parameters
        ----------
        param_group : dict
            ``{"params": tensors, **options}``.
        """
        op = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{op}: a parameter group must be a dict, got "
                            f"{type(param_group).__name__}")
        params = param_group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        names = _split_names(params, op)
        if names is not None:
            params = [p for _, p in params]
        for p in params:
            self._check_param(p)
        # PyTorch's key order: the group's own keys ("params" first), then the defaults.
        group = {**param_group, "params": params}
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        if names is not None:
            group["param_names"] = names
        for key, value in group.items():
            if value is required:
                raise ValueError(f"{op}: parameter group didn't specify a value of required "
                                 f"optimization parameter {key}")
        self._check_options(group)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if seen & {id(p) for p in params}:
            raise ValueError(f"{op}: some parameters appear in more than one parameter group")
        if len({id(p) for p in params}) != len(params):  # PyTorch steps them twice, and warns
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        self.param_groups.append(group)

    def _check_param(self, p: Any) -> None:
        op = type(self).__name__
        if not isinstance(p, Tensor):
            raise TypeError(f"{op}: can only optimize Tensors, but one of the params is "
                            f"{type(p).__name__}")
        if not p.is_leaf:
            raise ValueError(f"{op}: can't optimize a non-leaf Tensor (shape "
                             f"{tuple(p.shape)})")
        if p.dtype.kind != "f":
            raise TypeError(f"{op}: can only optimize floating point Tensors, got {p.dtype}")

    def _check_options(self, group: dict) -> None:
        """Raise ValueError for an invalid option of ``group`` (overridden by subclasses)."""
        check_non_negative(type(self).__name__, "learning rate", group["lr"])

    # --- the update ----------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters.

        Parameters
        ----------
        set_to_none : bool
            Set ``.grad`` to None (the default, cheaper). Otherwise fill it with zeros.
        """
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, once.

        Parameters
        ----------
        closure : callable, optional
            Re-evaluates the model and returns the loss; it runs with gradients enabled
            before the update.

        Returns
        -------
        The loss returned by ``closure``, or None.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._check_group(group)
            for p in group["params"]:
                if p.grad is None:
                    continue
                self._update(p, array_of(p.grad), self.state[p], group)
                mark_modified(p)
        return loss

    def _check_group(self, group: dict) -> None:
        """Raise for gradients of ``group`` the optimizer cannot use, before any of the
        group's parameters changes (overridden by subclasses)."""

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        """Change ``writable_data(param)`` in place; ``state`` starts empty for a new
        parameter."""
        raise NotImplementedError(f"{type(self).__name__} does not implement _update")

    # --- state dicts ---------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state, with parameters replaced by their index.

        Returns
        -------
        dict
            ``{"state": {index: {name: Tensor or number}}, "param_groups": [options with
            "params" as a list of indices]}``. Parameters are numbered in order across the
            groups. As in PyTorch, the state's tensors are the optimizer's own, so later
            steps change them (save the dict, or copy it with ``copy.deepcopy``, to keep
            a snapshot); `load_state_dict` copies what it loads.
        """
        index = {}
        groups = []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        state = {index[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the state and group options saved by `state_dict`.

        Parameters
        ----------
        state_dict : dict
            As returned by ``state_dict()`` (or loaded with ``minigrad.load``). The
            optimizer must have the same number of groups with the same sizes.
        """
        op = f"{type(self).__name__}.load_state_dict"
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{op}: loaded state dict has {len(saved_groups)} parameter "
                             f"groups, but the optimizer has {len(self.param_groups)}")
        params = {}
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"{op}: parameter group {i} has {len(saved['params'])} "
                                 f"parameters in the state dict, but {len(group['params'])} "
                                 "in the optimizer")
            params.update(zip((int(k) for k in saved["params"]), group["params"]))
        self.state = defaultdict(dict)
        for key, saved_state in state_dict["state"].items():
            p = params.get(int(key))
            if p is not None:
                self.state[p] = {name: _load_value(op, f"state[{key}][{name!r}]", value, p)
                                 for name, value in saved_state.items()}
        for saved, group in zip(saved_groups, self.param_groups):
            group.update({k: _plain(v) for k, v in saved.items() if k != "params"})


def _split_names(params: list, op: str) -> list[str] | None:
    """The names of ``(name, tensor)`` pairs (PyTorch's named parameters), or None for
    plain tensors; a mixture raises."""
    named = [isinstance(p, tuple) for p in params]
    if not any(named):
        return None
    if not all(named) or not all(len(p) == 2 and isinstance(p[0], str) for p in params):
        raise ValueError(f"{op}: all optimizer params should be either named (name, tensor) "
                         "pairs or tensors, not a mixture")
    return [name for name, _ in params]


def _plain(value: Any) -> Any:
    """Options come back from files as lists; the optimizers expect tuples (``betas``)."""
    return tuple(value) if isinstance(value, list) else value


def _load_value(op: str, name: str, value: Any, param: Tensor) -> Any:
    """A copy of one saved state value; float tensors take the parameter's dtype."""
    if not isinstance(value, (Tensor, np.ndarray)):
        return value
    array = array_of(value) if isinstance(value, Tensor) else value
    if array.dtype.kind != "f" or array.ndim == 0:  # counts such as "step" keep their dtype
        return wrap(array.copy())
    if not _fits(array.shape, tuple(param.shape)):
        raise ValueError(f"{op}: {name} has shape {tuple(array.shape)}, but its parameter "
                         f"has shape {tuple(param.shape)}")
    return wrap(array.astype(param.dtype, copy=True))


def _fits(shape: tuple, param_shape: tuple) -> bool:
    """Whether a state tensor of ``shape`` can belong to a parameter of ``param_shape``:
    the same shape, or some dims reduced to 1 (Adafactor's ``row_var`` and ``col_var``)."""
    return len(shape) == len(param_shape) and all(
        n == m or n == 1 for n, m in zip(shape, param_shape))
