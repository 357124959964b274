"""The LRScheduler base: initial rates, the step counter, and state dicts.

A schedule is *chainable*, as in PyTorch: ``get_lr`` derives each new rate from the
group's current one, so two schedules on one optimizer compose (a warm-up on top of a
decay, or a rate changed by hand). Constructing a schedule records each group's starting
rate as ``initial_lr`` and takes step 0 in *initial mode* (``_is_initial``), where most
schedules leave the rates alone. ``step(epoch)`` (deprecated in PyTorch, kept for old
programs) jumps to an epoch and uses the schedule's closed form when it has one.
"""
from __future__ import annotations

import functools
import types
import warnings
from typing import Any, Callable

from ..optimizer import Optimizer

EPOCH_DEPRECATION = ("The epoch parameter in `scheduler.step()` was not necessary and is "
                     "being deprecated where possible. Please use `scheduler.step()` to step "
                     "the scheduler.")


class LRScheduler:
    """Base class of the schedules.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose ``param_groups`` get new rates.
    last_epoch : int
        The index of the last finished epoch; -1 starts afresh. A larger value resumes a
        schedule, which needs ``initial_lr`` already in every group.

    Attributes
    ----------
    base_lrs : list of float
        Each group's ``initial_lr``.
    last_epoch : int
        Steps taken since construction (0 right after it).
    """

    _is_initial = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        check_optimizer(optimizer, type(self).__name__)
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(f"{type(self).__name__}: param 'initial_lr' is not specified in "
                               f"param_groups[{i}] when resuming at last_epoch={last_epoch}; "
                               "it is set by a schedule constructed with last_epoch=-1")
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """Reset the step count and take step 0 in initial mode."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The rates for epoch ``self.last_epoch``, one per group (from the current ones)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_lr")

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch (or, deprecated, jump to ``epoch``) and write the new rates
        into the optimizer's groups."""
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        if epoch is None:
            self.last_epoch += 1
            rates = self.get_lr()
        else:
            self.last_epoch = epoch
            closed_form = getattr(self, "_closed_form_lr", None)
            rates = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, rates):
            group["lr"] = lr
        self._last_lr = self._current_lrs()

    def get_last_lr(self) -> list[float]:
        """The rates set by the latest ``step()``, one per parameter group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer: counters, base rates and the schedule's options."""
        return {key: _copy(value) for key, value in self.__dict__.items()
                if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state saved by `state_dict`."""
        self.__dict__.update({key: _copy(value) for key, value in state_dict.items()})

    def _current_lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]


def check_optimizer(optimizer: Any, op: str) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{op}: expected an Optimizer, got {type(optimizer).__name__}")


def per_group(optimizer: Optimizer, name: str, value: Any) -> list:
    """``value`` once per parameter group: a list or tuple must have one entry per group."""
    groups = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != groups:
            raise ValueError(f"expected {groups} values for {name}, got {len(value)}")
        return list(value)
    return [value] * groups


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, (list, tuple)) else value


class _LambdaState(LRScheduler):
    """A schedule driven by one function per group. The functions are not saved by
    ``state_dict`` (plain functions cannot be); callable objects save their ``__dict__``,
    as in PyTorch."""

    def __init__(self, optimizer: Optimizer, lr_lambda: Any, last_epoch: int = -1) -> None:
        check_optimizer(optimizer, type(self).__name__)
        self.optimizer = optimizer
        self.lr_lambdas: list[Callable[[int], float]] = per_group(optimizer, "lr_lambda",
                                                                  lr_lambda)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"{type(self).__name__}: lr_lambda should be a function, but "
                                f"got {type(fn).__name__}")
        super().__init__(optimizer, last_epoch)

    def state_dict(self) -> dict[str, Any]:
        state = {key: _copy(value) for key, value in self.__dict__.items()
                 if key not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [None if _is_function(fn) else dict(vars(fn))
                               for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("lr_lambdas", [None] * len(self.lr_lambdas))
        super().load_state_dict(state)
        for fn, attributes in zip(self.lr_lambdas, saved):
            if attributes is not None:
                vars(fn).update(attributes)


def _is_function(fn: Any) -> bool:
    """Functions, lambdas and methods are not saved; other callables keep their state."""
    return isinstance(fn, (types.FunctionType, types.MethodType, types.BuiltinFunctionType,
                           functools.partial)) or not hasattr(fn, "__dict__")
