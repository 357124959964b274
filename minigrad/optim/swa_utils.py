"""Weight averaging, as ``torch.optim.swa_utils``: stochastic weight averaging (SWA) and
exponential moving averages (EMA) of a model's parameters.

`AveragedModel` keeps a copy of a model whose parameters are the average of the
model's parameters at every `AveragedModel.update_parameters` call (or an EMA of them),
`SWALR` anneals each group's learning rate to a constant SWA rate, and `update_bn`
recomputes the batch-norm statistics of the averaged weights with one pass over data.
"""
from __future__ import annotations

import copy
import itertools
import math
from typing import Any, Callable, Iterable

from ..autograd.grad_mode import no_grad
from ..creation import tensor
from ..internal import array_of
from ..nn.module import Module
from ..devices import check_device
from ..nn.normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d
from ..tensor import Tensor
from .lr_scheduler.base import LRScheduler, per_group
from .optimizer import Optimizer

AverageFn = Callable[[Tensor, Tensor, Any], Tensor]


def get_swa_avg_fn() -> AverageFn:
    """The running mean: ``averaged + (current - averaged) / (n + 1)`` after ``n``
    averaged models."""
    def swa_update(averaged: Tensor, current: Tensor, num_averaged: Any) -> Tensor:
        return averaged + (current - averaged) / (num_averaged + 1)
    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> AverageFn:
    """The exponential moving average ``decay * averaged + (1 - decay) * current``."""
    _check_decay(decay)

    def ema_update(averaged: Tensor, current: Tensor, num_averaged: Any) -> Tensor:
        return decay * averaged + (1 - decay) * current
    return ema_update


def get_swa_multi_avg_fn() -> Callable[[list, list, Any], None]:
    """`get_swa_avg_fn` over lists of tensors, written into the averaged ones."""
    return _over_lists(get_swa_avg_fn())


def get_ema_multi_avg_fn(decay: float = 0.999) -> Callable[[list, list, Any], None]:
    """`get_ema_avg_fn` over lists of tensors, written into the averaged ones."""
    return _over_lists(get_ema_avg_fn(decay))


def _over_lists(average: AverageFn) -> Callable[[list, list, Any], None]:
    def update(averaged: list, current: list, num_averaged: Any) -> None:
        for kept, new in zip(averaged, current):
            kept.copy_(average(kept, new, num_averaged))
    return update


def _check_decay(decay: float) -> None:
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in "
                         "[0,1] range.")


class AveragedModel(Module):
    """A copy of ``model`` whose parameters average the model's over time.

    Parameters
    ----------
    model : Module
        Deep-copied; call ``update_parameters(model)`` to fold the model's current
        parameters into the average.
    device : optional
        Only the CPU.
    avg_fn : callable, optional
        ``avg_fn(averaged, current, num_averaged)`` gives the new average of one tensor;
        the running mean (SWA) by default, `get_ema_avg_fn` for an EMA.
    multi_avg_fn : callable, optional
        The same over lists of tensors, updating the averaged ones in place. At most one
        of ``avg_fn`` and ``multi_avg_fn``.
    use_buffers : bool
        Average the buffers (batch-norm statistics) too. Otherwise they are copied from
        the model at each update.
    """

    def __init__(self, model: Module, device: Any = None, avg_fn: AverageFn | None = None,
                 multi_avg_fn: Callable[[list, list, Any], None] | None = None,
                 use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        check_device(device, "AveragedModel")
        self.module = copy.deepcopy(model)
        self.register_buffer("n_averaged", tensor(0))
        self.avg_fn, self.multi_avg_fn, self.use_buffers = avg_fn, multi_avg_fn, use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.module(*args, **kwargs)

    def update_parameters(self, model: Module) -> None:
        """Fold ``model``'s parameters (and buffers, with ``use_buffers``) into the
        average; the first call copies them."""
        averaged, current = self._averaged(self.module), self._averaged(model)
        first = int(array_of(self.n_averaged)) == 0
        with no_grad():
            if first:
                for kept, new in zip(averaged, current):
                    kept.copy_(new)
            elif self.multi_avg_fn is not None:
                self.multi_avg_fn(averaged, current, self.n_averaged)
            else:
                average = self.avg_fn or get_swa_avg_fn()
                for kept, new in zip(averaged, current):
                    kept.copy_(average(kept, new, self.n_averaged))
            if not self.use_buffers:
                for kept, new in zip(self.module.buffers(), model.buffers()):
                    kept.copy_(new)
            self.n_averaged.add_(1)

    def _averaged(self, model: Module) -> list[Tensor]:
        tensors: Iterable[Tensor] = model.parameters()
        if self.use_buffers:
            tensors = itertools.chain(tensors, model.buffers())
        return [t.detach() for t in tensors]


class SWALR(LRScheduler):
    """Anneal each group's learning rate from its current value to ``swa_lr`` over
    ``anneal_epochs`` steps (a cosine or linear ramp), then hold it there.

    Parameters
    ----------
    optimizer : Optimizer
    swa_lr : float or list of float
        The SWA rate, one for all groups or one per group.
    anneal_epochs : int
        Steps of the ramp (0: jump to ``swa_lr`` at the first step).
    anneal_strategy : {'cos', 'linear'}
    last_epoch : int
    """

    def __init__(self, optimizer: Optimizer, swa_lr: Any, anneal_epochs: int = 10,
                 anneal_strategy: str = "cos", last_epoch: int = -1) -> None:
        for rate, group in zip(per_group(optimizer, "swa_lr", swa_lr), optimizer.param_groups):
            group["swa_lr"] = rate
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError("anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got "
                             f"{anneal_epochs}")
        self.anneal_strategy, self.anneal_epochs = anneal_strategy, anneal_epochs
        super().__init__(optimizer, last_epoch)

    def _ramp(self, t: float) -> float:
        """How far along the ramp (0 to 1) a fraction ``t`` of the epochs is."""
        return (1 - math.cos(math.pi * t)) / 2 if self.anneal_strategy == "cos" else t

    def get_lr(self) -> list[float]:
        # Each step moves from the previous point of the ramp to the next. The rate the
        # ramp started from is recovered from the current one, so that a rate changed by
        # hand between steps carries on from where it is.
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        span = max(1, self.anneal_epochs)
        before = self._ramp(max(0.0, min(1.0, (step - 1) / span)))
        now = self._ramp(max(0.0, min(1.0, step / span)))
        rates = []
        for group in self.optimizer.param_groups:
            swa = group["swa_lr"]
            start = swa if before == 1 else (group["lr"] - before * swa) / (1 - before)
            rates.append(swa * now + start * (1 - now))
        return rates


def update_bn(loader: Iterable, model: Module, device: Any = None) -> None:
    """Recompute the running statistics of every batch-norm layer of ``model``: reset
    them, run ``model`` in training mode over ``loader`` (the first element of a tuple or
    list batch is the input) with cumulative averaging, and restore each layer's momentum
    and the model's mode."""
    check_device(device, "update_bn")
    layers = [m for m in model.modules()
              if isinstance(m, (BatchNorm1d, BatchNorm2d, BatchNorm3d))]
    if not layers:
        return
    momenta = {id(layer): layer.momentum for layer in layers}
    was_training = model.training
    model.train()
    for layer in layers:
        layer.reset_running_stats()
        layer.momentum = None
    with no_grad():
        for batch in loader:
            model(batch[0] if isinstance(batch, (list, tuple)) else batch)
    for layer in layers:
        layer.momentum = momenta[id(layer)]
    model.train(was_training)
