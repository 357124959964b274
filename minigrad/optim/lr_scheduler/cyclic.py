"""Schedules that rise and fall: CosineAnnealingLR (half a cosine from the base rate down
to ``eta_min``), CosineAnnealingWarmRestarts (the same, restarted periodically),
OneCycleLR (a warm-up to ``max_lr`` and an annealing far below the start) and CyclicLR
(triangles between two rates); the last two move the momentum the other way."""
from __future__ import annotations

import math
from typing import Any

from ..optimizer import Optimizer
from .base import LRScheduler, check_optimizer, per_group


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
        if not T_max > 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be positive, got {T_max}")
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def _closed_form_lr(self) -> list[float]:
        cosine = math.cos(math.pi * self.last_epoch / self.T_max)
        return [self.eta_min + (base - self.eta_min) * (1 + cosine) / 2 for base in self.base_lrs]

    def get_lr(self) -> list[float]:
        t, current = self.last_epoch, self._current_lrs()
        if self._is_initial:
            return current
        if self._step_count == 1 and t > 0:  # resuming: nothing to chain from
            return self._closed_form_lr()
        if (t - 1 - self.T_max) % (2 * self.T_max) == 0:
            # The previous rate sat at the trough, where the ratio below is 0/0: add the
            # closed form's increment out of the trough instead.
            rise = (1 - math.cos(math.pi / self.T_max)) / 2
            return [lr + (base - self.eta_min) * rise for lr, base in zip(current, self.base_lrs)]
        ratio = ((1 + math.cos(math.pi * t / self.T_max))
                 / (1 + math.cos(math.pi * (t - 1) / self.T_max)))
        return [self.eta_min + (lr - self.eta_min) * ratio for lr in current]


def _cosine_between(start: float, end: float, fraction: float) -> float:
    return end + (start - end) / 2.0 * (math.cos(math.pi * fraction) + 1)


def _linear_between(start: float, end: float, fraction: float) -> float:
    return start + (end - start) * fraction


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith, 2018), stepped once per batch: the rate rises from
    ``max_lr / div_factor`` to ``max_lr`` over the first ``pct_start`` of the steps, then
    anneals to ``initial_lr / final_div_factor``; the momentum (or Adam's beta1) moves
    the opposite way between ``max_momentum`` and ``base_momentum``.

    Parameters
    ----------
    optimizer : Optimizer
    max_lr : float or list of float
        The peak rate (per group).
    total_steps : int, optional
        The number of steps in the cycle; or give ``epochs`` and ``steps_per_epoch``.
    epochs, steps_per_epoch : int, optional
    pct_start : float
        The fraction of the steps spent rising.
    anneal_strategy : {'cos', 'linear'}
    cycle_momentum : bool
        Also cycle ``momentum`` (SGD, RMSprop) or ``betas[0]`` (Adam and friends).
    base_momentum, max_momentum : float or list of float
    div_factor : float
        ``initial_lr = max_lr / div_factor``.
    final_div_factor : float
        ``min_lr = initial_lr / final_div_factor``.
    three_phase : bool
        Rise, fall back to ``initial_lr`` symmetrically, then anneal to ``min_lr``.
    last_epoch : int
        The number of steps already taken (-1 starts afresh).
    """

    def __init__(self, optimizer: Optimizer, max_lr: Any, total_steps: int | None = None,
                 epochs: int | None = None, steps_per_epoch: int | None = None,
                 pct_start: float = 0.3, anneal_strategy: str = "cos",
                 cycle_momentum: bool = True, base_momentum: Any = 0.85,
                 max_momentum: Any = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        check_optimizer(optimizer, "OneCycleLR")
        self.optimizer = optimizer
        self.total_steps = _total_steps(total_steps, epochs, steps_per_epoch)
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(f"OneCycleLR: expected float between 0 and 1 pct_start, but got "
                             f"{pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"OneCycleLR: anneal_strategy must be one of 'cos' or 'linear', "
                             f"instead got {anneal_strategy}")
        self.anneal_strategy = anneal_strategy
        self._phases = _phases(self.total_steps, pct_start, three_phase)
        if last_epoch == -1:
            for group, peak in zip(optimizer.param_groups, per_group(optimizer, "max_lr",
                                                                     max_lr)):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self._setup_momentum(base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)

    def _setup_momentum(self, base_momentum: Any, max_momentum: Any, last_epoch: int) -> None:
        defaults = self.optimizer.defaults
        if "momentum" not in defaults and "betas" not in defaults:
            raise ValueError("OneCycleLR: optimizer must support momentum or beta1 with "
                             "`cycle_momentum` option enabled")
        self.use_beta1 = "betas" in defaults
        if last_epoch != -1:
            return
        pairs = zip(per_group(self.optimizer, "max_momentum", max_momentum),
                    per_group(self.optimizer, "base_momentum", base_momentum),
                    self.optimizer.param_groups)
        for top, bottom, group in pairs:
            self._set_momentum(group, top)
            group["max_momentum"], group["base_momentum"] = top, bottom

    def _set_momentum(self, group: dict, value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value,) + tuple(group["betas"][1:])
        else:
            group["momentum"] = value

    def get_lr(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR: tried to step {step} times. The specified number "
                             f"of total steps is {self.total_steps}")
        anneal = _cosine_between if self.anneal_strategy == "cos" else _linear_between
        rates = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, (end, lr_from, lr_to, m_from, m_to) in enumerate(self._phases):
                if step <= end or i == len(self._phases) - 1:
                    fraction = (step - start) / (end - start)
                    rates.append(anneal(group[lr_from], group[lr_to], fraction))
                    if self.cycle_momentum:
                        self._set_momentum(group, anneal(group[m_from], group[m_to], fraction))
                    break
                start = end
        return rates


def _total_steps(total_steps: int | None, epochs: int | None,
                 steps_per_epoch: int | None) -> int:
    if total_steps is not None:
        if not isinstance(total_steps, int) or total_steps <= 0:
            raise ValueError(f"OneCycleLR: expected positive integer total_steps, but got "
                             f"{total_steps}")
        return total_steps
    if epochs is None or steps_per_epoch is None:
        raise ValueError("OneCycleLR: you must define either total_steps OR (epochs AND "
                         "steps_per_epoch)")
    for name, value in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
        if not isinstance(value, int) or value <= 0:
            raise ValueError(f"OneCycleLR: expected positive integer {name}, but got {value}")
    return epochs * steps_per_epoch


def _phases(total: int, pct_start: float, three_phase: bool) -> list[tuple]:
    """(last step, lr from, lr to, momentum from, momentum to) per phase, naming the group
    entries that hold each value."""
    rise_end = float(pct_start * total) - 1
    if three_phase:
        return [(rise_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (float(2 * pct_start * total) - 2, "max_lr", "initial_lr", "base_momentum",
                 "max_momentum"),
                (total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
    return [(rise_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
            (total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR (Loshchilov & Hutter, 2017): cosine annealing from the base rate to ``eta_min``
    over ``T_i`` epochs, then a restart; ``T_0`` is the first period and each next one is
    ``T_mult`` times longer. ``lr = eta_min + (base_lr - eta_min) (1 + cos(pi T_cur /
    T_i)) / 2`` with ``T_cur`` the epochs since the last restart.

    ``step(epoch)`` accepts a fractional epoch (``epoch + batch / batches``) to anneal
    within an epoch, without a deprecation warning, as in PyTorch.
    """

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        if not isinstance(T_0, int) or T_0 <= 0:
            raise ValueError(f"CosineAnnealingWarmRestarts: expected positive integer T_0, "
                             f"but got {T_0}")
        if not isinstance(T_mult, int) or T_mult < 1:
            raise ValueError(f"CosineAnnealingWarmRestarts: expected integer T_mult >= 1, but "
                             f"got {T_mult}")
        self.T_0, self.T_i, self.T_mult, self.eta_min = T_0, T_0, T_mult, eta_min
        self.T_cur: float = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        cosine = math.cos(math.pi * self.T_cur / self.T_i)
        return [self.eta_min + (base - self.eta_min) * (1 + cosine) / 2 for base in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or move to ``epoch`` (which may be fractional)."""
        self._step_count += 1
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur %= self.T_i
                self.T_i *= self.T_mult
        else:
            self._jump_to(epoch)
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = self._current_lrs()

    def _jump_to(self, epoch: float) -> None:
        if epoch < 0:
            raise ValueError(f"CosineAnnealingWarmRestarts: expected non-negative epoch, but "
                             f"got {epoch}")
        if epoch < self.T_0:
            self.T_i, self.T_cur = self.T_0, epoch
        elif self.T_mult == 1:
            self.T_cur = epoch % self.T_0
        else:
            restarts = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
            self.T_cur = epoch - self.T_0 * (self.T_mult ** restarts - 1) / (self.T_mult - 1)
            self.T_i = self.T_0 * self.T_mult ** restarts


class CyclicLR(LRScheduler):
    """Cyclical learning rates (Smith, 2017), stepped once per batch: the rate climbs from
    ``base_lr`` to ``max_lr`` in ``step_size_up`` steps and back in ``step_size_down``,
    the amplitude scaled per cycle (``'triangular'``: constant, ``'triangular2'``: halved
    each cycle) or per step (``'exp_range'``: ``gamma ** step``), or by ``scale_fn``. The
    momentum (or beta1) cycles the other way between ``max_momentum`` and
    ``base_momentum``.

    Parameters
    ----------
    optimizer : Optimizer
    base_lr, max_lr : float or list of float
    step_size_up : int
    step_size_down : int, optional
        Defaults to ``step_size_up``.
    mode : {'triangular', 'triangular2', 'exp_range'}
    gamma : float
    scale_fn : callable, optional
        ``x -> factor in [0, 1]``; replaces ``mode``.
    scale_mode : {'cycle', 'iterations'}
        What ``scale_fn`` is given: the cycle number or the step number.
    cycle_momentum : bool
    base_momentum, max_momentum : float or list of float
    last_epoch : int
        The number of batches already taken (-1 starts afresh).
    """

    def __init__(self, optimizer: Optimizer, base_lr: Any, max_lr: Any,
                 step_size_up: int = 2000, step_size_down: int | None = None,
                 mode: str = "triangular", gamma: float = 1.0, scale_fn: Any = None,
                 scale_mode: str = "cycle", cycle_momentum: bool = True,
                 base_momentum: Any = 0.8, max_momentum: Any = 0.9,
                 last_epoch: int = -1) -> None:
        check_optimizer(optimizer, "CyclicLR")
        self.optimizer = optimizer
        base_lrs = per_group(optimizer, "base_lr", base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = per_group(optimizer, "max_lr", max_lr)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size, self.step_ratio = up + down, up / (up + down)
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError("CyclicLR: mode is invalid and scale_fn is None")
        self.mode, self.gamma, self._scale_fn_custom = mode, gamma, scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else (
            "iterations" if mode == "exp_range" else "cycle")
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError("CyclicLR: optimizer must support momentum or beta1 with "
                                 "`cycle_momentum` option enabled")
            self.use_beta1 = "betas" in optimizer.defaults
            self.base_momentums = per_group(optimizer, "base_momentum", base_momentum)
            self.max_momentums = per_group(optimizer, "max_momentum", max_momentum)
            if last_epoch == -1:
                for top, bottom, group in zip(self.max_momentums, self.base_momentums,
                                              optimizer.param_groups):
                    self._set_momentum(group, top)
                    group["max_momentum"], group["base_momentum"] = top, bottom
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    _set_momentum = OneCycleLR._set_momentum

    def scale_fn(self, x: float) -> float:
        """The amplitude factor for cycle (or step) ``x``."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def get_lr(self) -> list[float]:
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        height = x / self.step_ratio if x <= self.step_ratio else (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        rates = [base + (top - base) * height * scale
                 for base, top in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, bottom, top in zip(self.optimizer.param_groups, self.base_momentums,
                                          self.max_momentums):
                self._set_momentum(group, top - (top - bottom) * height * scale)
        return rates

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        fn = state.pop("_scale_fn_custom")
        state["_scale_fn_custom"] = None if fn is None or _plain_function(fn) else dict(vars(fn))
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("_scale_fn_custom", None)
        custom = self._scale_fn_custom
        super().load_state_dict(state)
        self._scale_fn_custom = custom
        if saved is not None and custom is not None:
            vars(custom).update(saved)


def _plain_function(fn: Any) -> bool:
    """Functions and lambdas are not saved in state dicts; callable objects are."""
    return not hasattr(fn, "__dict__") or type(fn).__name__ in ("function", "method")
