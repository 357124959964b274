"""Learning-rate schedules: they change each parameter group's ``lr`` once per ``step()``.

As in PyTorch, a schedule is *chainable*: each step derives the new rate from the group's
current rate, so two schedules on one optimizer compose (for example a decay on top of a
rate set by hand). Without outside changes every schedule follows the closed form given in
its docstring, where ``t`` counts the calls to ``step()`` since construction.
"""
from __future__ import annotations

import math
from typing import Any, Iterable

from .optimizer import Optimizer


class LRScheduler:
    """Base class of the schedules.

    Constructing a schedule records each group's starting rate as ``initial_lr`` and
    takes step 0, which leaves the rates unchanged.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose ``param_groups`` get new rates.
    last_epoch : int
        The index of the last finished epoch; -1 starts afresh. A larger value resumes a
        schedule, which needs ``initial_lr`` already in every group.
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an Optimizer, got "
                            f"{type(optimizer).__name__}")
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(f"{type(self).__name__}: param_groups[{i}] has no "
                               f"'initial_lr', needed to resume at last_epoch={last_epoch}; "
                               "it is set by a schedule constructed with last_epoch=-1")
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self.step()

    def get_lr(self) -> list[float]:
        """The rates for epoch ``self.last_epoch``, one per group (from the current ones)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_lr")

    def step(self) -> None:
        """Advance one epoch and write the new rates into the optimizer's groups."""
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

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


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, (list, tuple)) else value


def _check_positive(op: str, name: str, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{op}: {name} must be positive, got {value}")


class StepLR(LRScheduler):
    """Multiply the rate by ``gamma`` every ``step_size`` epochs:
    ``lr_t = base_lr * gamma ** (t // step_size)``.

    Parameters
    ----------
    optimizer : Optimizer
    step_size : int
        The period of the decay, in epochs.
    gamma : float
        The multiplicative factor.
    last_epoch : int
        See `LRScheduler`.
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        _check_positive("StepLR", "step_size", step_size)
        self.step_size, self.gamma = int(step_size), gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]


class MultiStepLR(LRScheduler):
    """Multiply the rate by ``gamma`` at each milestone epoch:
    ``lr_t = base_lr * gamma ** (number of milestones <= t)``.

    Parameters
    ----------
    optimizer : Optimizer
    milestones : iterable of int
        Epochs at which to decay (a repeated milestone decays once per repetition).
    gamma : float
        The multiplicative factor.
    last_epoch : int
        See `LRScheduler`.
    """

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.milestones = sorted(int(m) for m in milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        hits = self.milestones.count(self.last_epoch)
        if hits == 0:
            return self._current_lrs()
        return [lr * self.gamma ** hits for lr in self._current_lrs()]


class ExponentialLR(LRScheduler):
    """Multiply the rate by ``gamma`` every epoch: ``lr_t = base_lr * gamma ** t``.

    Parameters
    ----------
    optimizer : Optimizer
    gamma : float
        The multiplicative factor.
    last_epoch : int
        See `LRScheduler`.
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]


class CosineAnnealingLR(LRScheduler):
    """Follow half a cosine from the base rate down to ``eta_min`` over ``T_max`` epochs:
    ``lr_t = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2``.

    Past ``T_max`` the cosine goes on, so the rate climbs back over the next ``T_max``
    epochs (there is no restart).

    Parameters
    ----------
    optimizer : Optimizer
    T_max : int
        Epochs from the base rate down to ``eta_min``.
    eta_min : float
        The lowest rate.
    last_epoch : int
        See `LRScheduler`.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        _check_positive("CosineAnnealingLR", "T_max", T_max)
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def _closed_form(self, base_lr: float, t: int) -> float:
        cosine = math.cos(math.pi * t / self.T_max)
        return self.eta_min + (base_lr - self.eta_min) * (1 + cosine) / 2

    def get_lr(self) -> list[float]:
        t, current = self.last_epoch, self._current_lrs()
        if t == 0:
            return current
        if self._step_count == 1:  # resuming at last_epoch > 0: nothing to chain from
            return [self._closed_form(base, t) for base in self.base_lrs]
        if (t - 1 - self.T_max) % (2 * self.T_max) == 0:
            # The previous rate sat at the trough, where the ratio below is 0/0: add the
            # closed form's increment instead.
            return [lr + self._closed_form(base, t) - self._closed_form(base, t - 1)
                    for lr, base in zip(current, self.base_lrs)]
        ratio = ((1 + math.cos(math.pi * t / self.T_max))
                 / (1 + math.cos(math.pi * (t - 1) / self.T_max)))
        return [self.eta_min + (lr - self.eta_min) * ratio for lr in current]
