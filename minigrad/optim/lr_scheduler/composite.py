"""Schedules made of schedules: SequentialLR (one after another, switching at
milestones) and ChainedScheduler (all at once, each scaling the others' result)."""
from __future__ import annotations

import bisect
from typing import Any, Sequence

from ..optimizer import Optimizer
from .base import LRScheduler, _copy
from .plateau import ReduceLROnPlateau


def _check_members(schedulers: Sequence[LRScheduler], optimizer: Optimizer | None,
                   op: str) -> None:
    if len(schedulers) < 1:
        raise ValueError(f"{op} expects at least one scheduler, but got no scheduler.")
    for i, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise TypeError(f"{op}: the scheduler at index {i} should have `optimizer` as its "
                            f"attribute")
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(f"{op} does not support `ReduceLROnPlateau` (its step needs the "
                             f"metric), but got one at index {i}")
        if optimizer is not None and scheduler.optimizer is not optimizer:
            raise ValueError(f"{op} expects all schedulers to belong to the same optimizer, "
                             f"but the scheduler at index {i} ({type(scheduler).__name__}) "
                             f"has another one")


class _Composite(LRScheduler):
    """State dicts hold each member's own state dict."""

    _schedulers: list[LRScheduler]

    def state_dict(self) -> dict[str, Any]:
        state = {key: _copy(value) for key, value in self.__dict__.items()
                 if key not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        members = state.pop("_schedulers")
        self.__dict__.update({key: _copy(value) for key, value in state.items()})
        for scheduler, saved in zip(self._schedulers, members):
            scheduler.load_state_dict(saved)


def _undo_construction_steps(scheduler: Any) -> None:
    """Take back the step 0 that constructing each member took."""
    members = getattr(scheduler, "_schedulers", None)
    if members is not None:
        for member in members:
            _undo_construction_steps(member)
    elif hasattr(scheduler, "last_epoch"):
        scheduler.last_epoch -= 1


class SequentialLR(_Composite):
    """Run ``schedulers[0]`` until ``milestones[0]``, then ``schedulers[1]`` (restarted
    at its epoch 0) until ``milestones[1]``, and so on.

    Parameters
    ----------
    optimizer : Optimizer
    schedulers : list of LRScheduler
        Made on ``optimizer``, one more than the milestones.
    milestones : list of int
        The epochs at which to switch to the next schedule.
    last_epoch : int

    Examples
    --------
    >>> opt = minigrad.optim.SGD([minigrad.zeros(1, requires_grad=True)], lr=1.0)
    >>> warmup = LinearLR(opt, start_factor=0.1, total_iters=2)
    >>> decay = ExponentialLR(opt, gamma=0.5)
    >>> schedule = SequentialLR(opt, [warmup, decay], milestones=[2])
    >>> rates = []
    >>> for epoch in range(4):
    ...     rates.append(round(schedule.get_last_lr()[0], 3)); schedule.step()
    >>> rates
    [0.1, 0.55, 1.0, 0.5]
    """

    def __init__(self, optimizer: Optimizer, schedulers: list[LRScheduler],
                 milestones: list[int], last_epoch: int = -1) -> None:
        _check_members(schedulers, optimizer, "SequentialLR")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR expects number of schedulers provided to be one "
                             f"more than the number of milestone points, but got "
                             f"{len(schedulers)} schedulers and {len(milestones)} milestones")
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        _undo_construction_steps(self)
        first = self._schedulers[bisect.bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self) -> None:  # type: ignore[override]
        """Advance one epoch in the schedule that owns it (restarting it at a milestone)."""
        self.last_epoch += 1
        i = bisect.bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[i]
        if i > 0 and self._milestones[i - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_Composite):
    """Step every schedule in ``schedulers`` at each ``step()``; since each scales the
    current rate, their effects multiply."""

    def __init__(self, schedulers: Sequence[LRScheduler],
                 optimizer: Optimizer | None = None) -> None:
        _check_members(schedulers, None, "ChainedScheduler")
        optimizer = optimizer or schedulers[0].optimizer
        _check_members(schedulers, optimizer, "ChainedScheduler")
        self._schedulers = list(schedulers)
        self.optimizer = optimizer
        self._last_lr = self._current_lrs()

    def step(self) -> None:  # type: ignore[override]
        """Step each member, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = self._current_lrs()
