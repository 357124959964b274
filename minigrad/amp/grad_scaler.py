"""``GradScaler``: loss scaling with PyTorch's dynamic schedule, step for step.

Gradients of a float16 forward pass can underflow to zero; multiplying the loss by a large
scale before ``backward`` lifts them, and dividing the gradients by it before the
optimizer's step brings them back. A step whose gradients hold an inf or a NaN (the scale
was too large) is skipped and the scale shrinks; after ``growth_interval`` good steps in a
row it grows again.

The scale is a float32 0-d tensor, as in PyTorch, and every update rounds to float32 as
PyTorch's kernel does, so ``get_scale()`` gives the same numbers. With ``device="cuda"``
(the default) a CPU-only PyTorch warns and disables the scaler, and so does minigrad; with
``device="cpu"`` it scales.
"""
from __future__ import annotations

import warnings
from collections import abc, defaultdict
from enum import Enum
from typing import Any

import numpy as np

from ..autograd.grad_mode import no_grad
from ..internal import array_of, wrap
from ..tensor import Tensor

__all__ = ["OptState", "GradScaler"]


class OptState(Enum):
    """Where an optimizer is in the iteration: gradients not yet unscaled, unscaled, or
    stepped (reset by `GradScaler.update`)."""

    READY = 0
    UNSCALED = 1
    STEPPED = 2


def _fresh_optimizer_state() -> dict[str, Any]:
    # found_inf: None until the gradients are checked, then 1.0 if one was inf or NaN
    return {"stage": OptState.READY, "found_inf": None}


class GradScaler:
    """Scale the loss, unscale the gradients, skip steps with inf/NaN gradients, and adapt
    the scale, as ``torch.amp.GradScaler``.

    Parameters
    ----------
    device : str
        ``"cuda"`` (the default) warns and disables the scaler: there is no CUDA. ``"cpu"``
        scales.
    init_scale : float
        The first scale.
    growth_factor : float
        What the scale is multiplied by after ``growth_interval`` steps in a row without
        inf/NaN gradients (must be > 1).
    backoff_factor : float
        What the scale is multiplied by after a step with inf/NaN gradients (must be < 1).
    growth_interval : int
    enabled : bool
        False makes `scale`, `unscale_` and `update` no-ops and `step` a plain
        ``optimizer.step()``.

    Examples
    --------
    >>> scaler = minigrad.amp.GradScaler("cpu")
    >>> scaler.scale(loss).backward()
    >>> scaler.unscale_(optimizer)             # optional: to clip the true gradients
    >>> scaler.step(optimizer)                 # skipped if a gradient is inf or NaN
    >>> scaler.update()
    """

    def __init__(self, device: str = "cuda", init_scale: float = 2.0**16,
                 growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:
        self._device = device
        self._enabled = enabled
        if device == "cuda" and enabled:
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available. "
                          " Disabling.", stacklevel=2)
            self._enabled = False
        if self._enabled:  # as in PyTorch, a disabled scaler keeps none of its options
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
            self._init_scale = init_scale
            self._growth_factor = growth_factor
            self._backoff_factor = backoff_factor
            self._growth_interval = growth_interval
            self._init_growth_tracker = 0
            self._scale: Tensor | None = None           # float32, made by the first scale()
            self._growth_tracker: Tensor | None = None  # int32: good steps in a row
            self._per_optimizer_states: defaultdict[int, dict[str, Any]] = defaultdict(
                _fresh_optimizer_state)

    # --- scaling ---------------------------------------------------------------------------
    def scale(self, outputs: Any) -> Any:
        """``outputs`` multiplied by the scale: a tensor, or lists and tuples of them (nested;
        other iterables give a lazy ``map``). Unchanged when the scaler is disabled."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, Tensor):
            return outputs * self._lazy_scale()
        if isinstance(outputs, abc.Iterable):
            scaled = map(self.scale, outputs)
            return type(outputs)(scaled) if isinstance(outputs, (list, tuple)) else scaled
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def _lazy_scale(self) -> Tensor:
        if self._scale is None:
            self._scale = wrap(np.array(self._init_scale, dtype=np.float32))
            self._growth_tracker = wrap(np.array(self._init_growth_tracker, dtype=np.int32))
        return self._scale

    def _check_started(self, funcname: str) -> None:
        if self._scale is None:
            raise AssertionError(f"Attempted {funcname} but _scale is None.  This may indicate "
                                 "your script did not use scaler.scale(loss or outputs) "
                                 "earlier in the iteration.")

    # --- unscaling and stepping ------------------------------------------------------------
    def unscale_(self, optimizer: Any) -> None:
        """Divide the gradients of ``optimizer``'s parameters by the scale, in place, and note
        whether any is inf or NaN.

        Optional: `step` does it when it was not done. Call it once per optimizer between
        two `update` calls, after ``backward`` and before `step` (a second call raises
        ``RuntimeError``), e.g. to clip the true gradients. float16 gradients raise
        ``ValueError``, as in PyTorch.
        """
        if not self._enabled:
            return
        self._check_started("unscale_")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since "
                               "the last update().")
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        # the reciprocal in float64, rounded to float32, as PyTorch takes it
        inv_scale = float(np.float32(1.0 / float(self._scale)))
        state["found_inf"] = _unscale_grads(optimizer, inv_scale)
        state["stage"] = OptState.UNSCALED

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        """Unscale the gradients (unless `unscale_` did), then call
        ``optimizer.step(*args, **kwargs)`` unless a gradient is inf or NaN.

        Returns
        -------
        What ``optimizer.step`` returned, or None when the step was skipped. A ``closure``
        keyword raises ``RuntimeError`` (as in PyTorch) unless the scaler is disabled.
        """
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is "
                               "enabled.")
        self._check_started("step")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is OptState.READY:
            self.unscale_(optimizer)
        if state["found_inf"] is None:
            raise AssertionError("No inf checks were recorded for this optimizer.")
        result = None if state["found_inf"] else optimizer.step(*args, **kwargs)
        state["stage"] = OptState.STEPPED
        return result

    def update(self, new_scale: float | Tensor | None = None) -> None:
        """End the iteration: back off the scale if any optimizer met inf/NaN gradients,
        grow it after ``growth_interval`` good steps in a row, or set it to ``new_scale``
        (a float, or a one-element tensor that does not require grad).
        """
        if not self._enabled:
            return
        self._check_started("update")
        if new_scale is not None:
            self._set_scale(new_scale)
        else:
            found = [s["found_inf"] for s in self._per_optimizer_states.values()
                     if s["found_inf"] is not None]
            if not found:
                raise AssertionError("No inf checks were recorded prior to update.")
            self._grow_or_back_off(sum(found))
        self._per_optimizer_states = defaultdict(_fresh_optimizer_state)

    def _set_scale(self, new_scale: Any) -> None:
        with no_grad():
            if isinstance(new_scale, float):
                self._scale.fill_(new_scale)
                return
            if (new_scale.device.type != self._device or new_scale.numel() != 1
                    or new_scale.requires_grad):
                raise AssertionError("new_scale should be a float or a 1-element "
                                     "torch.cuda.FloatTensor or torch.FloatTensor with "
                                     "requires_grad=False.")
            self._scale.copy_(new_scale)

    def _grow_or_back_off(self, found_inf: float) -> None:
        """PyTorch's update rule; products are taken in float64 and rounded to float32."""
        scale, good_steps = float(self._scale), int(self._growth_tracker) + 1
        if found_inf:
            scale, good_steps = scale * self._backoff_factor, 0
        elif good_steps == self._growth_interval:
            with np.errstate(over="ignore"):
                grown = np.float32(scale * self._growth_factor)
            scale = grown if np.isfinite(grown) else scale  # never grows into inf
            good_steps = 0
        with no_grad():
            self._scale.fill_(float(np.float32(scale)))
            self._growth_tracker.fill_(good_steps)

    # --- options and state -----------------------------------------------------------------
    def get_scale(self) -> float:
        """The current scale as a Python float (``init_scale`` before the first `scale`),
        or 1.0 when the scaler is disabled."""
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else self._scale.item()

    def get_growth_factor(self) -> float:
        """The factor the scale grows by."""
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        """Set the factor the scale grows by."""
        self._growth_factor = new_factor

    def get_backoff_factor(self) -> float:
        """The factor the scale shrinks by."""
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        """Set the factor the scale shrinks by."""
        self._backoff_factor = new_factor

    def get_growth_interval(self) -> int:
        """How many good steps in a row make the scale grow."""
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        """Set how many good steps in a row make the scale grow."""
        self._growth_interval = new_interval

    def _get_growth_tracker(self) -> int:
        if not self._enabled:
            return 0
        tracker = self._growth_tracker
        return self._init_growth_tracker if tracker is None else tracker.item()

    def is_enabled(self) -> bool:
        """Whether the scaler scales (False when disabled, or disabled for want of CUDA)."""
        return self._enabled

    def state_dict(self) -> dict[str, Any]:
        """``scale``, ``growth_factor``, ``backoff_factor``, ``growth_interval`` and
        ``_growth_tracker`` (PyTorch's keys); empty when the scaler is disabled."""
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor,
                "growth_interval": self._growth_interval,
                "_growth_tracker": self._get_growth_tracker()}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take the state `state_dict` returned (a no-op when the scaler is disabled; an
        empty dict raises ``RuntimeError``)."""
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved "
                               "from a disabled instance of GradScaler.")
        self._init_scale = state_dict["scale"]
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        with no_grad():
            if self._scale is not None:
                self._scale.fill_(state_dict["scale"])
            if self._growth_tracker is not None:
                self._growth_tracker.fill_(state_dict["_growth_tracker"])


def _unscale_grads(optimizer: Any, inv_scale: float) -> float | None:
    """Multiply every gradient of ``optimizer`` by ``inv_scale`` in place (in its own dtype,
    as PyTorch's kernel does for float32 and float64); 1.0 if one held an inf or a NaN,
    0.0 if none did, None if no parameter had a gradient."""
    grads = [p.grad for group in optimizer.param_groups for p in group["params"]
             if p.grad is not None]
    if any(g.dtype == np.float16 for g in grads):
        raise ValueError("Attempting to unscale FP16 gradients.")
    if not grads:
        return None
    found_inf = 0.0
    with no_grad():
        for g in grads:
            if not np.isfinite(array_of(g)).all():
                found_inf = 1.0
            if inv_scale != 1.0:
                g.mul_(inv_scale)
    return found_inf
