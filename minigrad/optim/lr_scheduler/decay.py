"""Schedules that scale the rate by a rule of the epoch: by a function (LambdaLR,
MultiplicativeLR), in steps (StepLR, MultiStepLR), geometrically (ExponentialLR), towards
zero (PolynomialLR), or as a warm-up (ConstantLR, LinearLR).

Each docstring gives the closed form, with ``t`` the number of ``step()`` calls since
construction; ``get_lr`` reaches it by scaling the current rate, so schedules chain.
"""
from __future__ import annotations

from typing import Callable, Iterable

from ..optimizer import Optimizer
from .base import LRScheduler, _LambdaState


def _check_positive(op: str, name: str, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{op}: {name} must be positive, got {value}")


class LambdaLR(_LambdaState):
    """``lr_t = base_lr * lr_lambda(t)``.

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : callable or list of callables
        ``epoch -> factor``; one function for all groups, or one per group.
    last_epoch : int
        See `LRScheduler`.

    Examples
    --------
    >>> opt = minigrad.optim.SGD([minigrad.zeros(1, requires_grad=True)], lr=0.1)
    >>> warmup = LambdaLR(opt, lambda epoch: min(1.0, (epoch + 1) / 5))
    >>> warmup.get_last_lr()
    [0.020000000000000004]
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float] | list,
                 last_epoch: int = -1) -> None:
        super().__init__(optimizer, lr_lambda, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_LambdaState):
    """Multiply the current rate by ``lr_lambda(t)`` at each step after the first:
    ``lr_t = lr_{t-1} * lr_lambda(t)``."""

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float] | list,
                 last_epoch: int = -1) -> None:
        super().__init__(optimizer, lr_lambda, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._current_lrs()
        return [lr * fn(self.last_epoch) for fn, lr in zip(self.lr_lambdas,
                                                            self._current_lrs())]


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

    def _closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size)
                for base in self.base_lrs]


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

    def _closed_form_lr(self) -> list[float]:
        passed = sum(m <= self.last_epoch for m in self.milestones)
        return [base * self.gamma ** passed for base in self.base_lrs]


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
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** self.last_epoch for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay to 0 over ``total_iters`` epochs:
    ``lr_t = base_lr * (1 - min(t, total_iters) / total_iters) ** power``."""

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
                 last_epoch: int = -1) -> None:
        self.total_iters, self.power = total_iters, power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, n = self.last_epoch, self.total_iters
        if self._is_initial or t > n:
            return self._current_lrs()
        factor = ((1.0 - t / n) / (1.0 - (t - 1) / n)) ** self.power
        return [lr * factor for lr in self._current_lrs()]

    def _closed_form_lr(self) -> list[float]:
        remaining = 1.0 - min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * remaining ** self.power for base in self.base_lrs]


class ConstantLR(LRScheduler):
    """Scale the rate by ``factor`` for the first ``total_iters`` epochs, then restore it:
    ``lr_t = base_lr * (factor if t < total_iters else 1)``."""

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        if not 0 <= factor <= 1:
            raise ValueError(f"ConstantLR: constant multiplicative factor expected to be "
                             f"between 0 and 1, got {factor}")
        self.factor, self.total_iters = factor, total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._current_lrs()]
        if self.last_epoch != self.total_iters:
            return self._current_lrs()
        return [lr * (1.0 / self.factor) for lr in self._current_lrs()]

    def _closed_form_lr(self) -> list[float]:
        factor = 1.0 if self.last_epoch >= self.total_iters else self.factor
        return [base * factor for base in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the rate by a factor that moves linearly from ``start_factor`` to
    ``end_factor`` over ``total_iters`` epochs (a linear warm-up):
    ``lr_t = base_lr * (start + (end - start) * min(t, total_iters) / total_iters)``.
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, total_iters: int = 5, last_epoch: int = -1) -> None:
        if not 0 < start_factor <= 1:
            raise ValueError(f"LinearLR: starting multiplicative factor expected to be greater "
                             f"than 0 and less or equal to 1, got {start_factor}")
        if not 0 <= end_factor <= 1:
            raise ValueError(f"LinearLR: ending multiplicative factor expected to be between 0 "
                             f"and 1, got {end_factor}")
        self.start_factor, self.end_factor = start_factor, end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, n = self.last_epoch, self.total_iters
        if t == 0:
            return [lr * self.start_factor for lr in self._current_lrs()]
        if self._is_initial or t > n:
            return self._current_lrs()
        span = self.end_factor - self.start_factor
        factor = 1.0 + span / (n * self.start_factor + (t - 1) * span)
        return [lr * factor for lr in self._current_lrs()]

    def _closed_form_lr(self) -> list[float]:
        span = self.end_factor - self.start_factor
        fraction = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * (self.start_factor + span * fraction) for base in self.base_lrs]

