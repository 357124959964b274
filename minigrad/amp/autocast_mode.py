"""``autocast``: PyTorch's mixed-precision regions, and what minigrad does with them.

Inside ``torch.autocast(device_type, dtype)`` PyTorch runs some ops in a lower precision
(matmul, linear and convolution in ``dtype``; losses, norms and reductions in float32),
whatever the dtype of their inputs. minigrad computes every op in the dtype of its inputs,
so an enabled region is honoured only where PyTorch would change nothing either:

* ``device_type="cuda"`` with ``enabled=True``: PyTorch on a machine without CUDA warns
  ("CUDA is not available ...") and disables the region, and so does minigrad. This is
  the usual ``autocast(device_type="cuda", enabled=use_amp)`` of a training script.
* ``device_type="cpu"`` with ``enabled=True`` and a lower precision (bfloat16, the
  default, or float16): PyTorch would cast; minigrad raises ``RuntimeError`` naming the
  dtype rather than compute in another precision. (bfloat16 does not exist in minigrad;
  float16 does, but PyTorch's casting rules reach into the normalisation layers and the
  losses, and a partial copy of them would give other dtypes without a word.)
* ``device_type="cpu"`` with another dtype (float32, ...): PyTorch warns that the dtype is
  not supported and disables the region; so does minigrad.
* The other accelerator types (``"mps"``, ``"xpu"``, ...) are enabled as in PyTorch, and
  change nothing: no minigrad tensor lives there to be cast.
* ``enabled=False`` is a no-op everywhere, as in PyTorch.

The state (enabled or not, and the dtype, per device type) is per thread, as in PyTorch.
"""
from __future__ import annotations

import functools
import threading
import warnings
from typing import Any, Callable

import numpy as np

from ..devices import device as _device


class _AbsentDtype:
    """A dtype minigrad does not have, named where PyTorch would name it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"{self.name} (absent from minigrad)"


BFLOAT16 = _AbsentDtype("bfloat16")  # what get_autocast_dtype("cpu") answers by default
_FLOAT16 = np.dtype(np.float16)

# The device types PyTorch can autocast for, each with its default lower precision.
_DEFAULT_DTYPES = {"cpu": BFLOAT16, "cuda": _FLOAT16, "mps": _FLOAT16, "xpu": _FLOAT16,
                   "hpu": BFLOAT16, "xla": BFLOAT16, "mtia": _FLOAT16, "maia": BFLOAT16,
                   "ipu": _FLOAT16, "privateuseone": _FLOAT16}


class _State(threading.local):
    """Per thread: which device types are in an enabled region, and with which dtype."""

    def __init__(self) -> None:
        self.enabled: dict[str, bool] = {}
        self.dtype: dict[str, Any] = {}


_state = _State()


def _device_type(device_type: str, op: str) -> str:
    """``"cuda:0"`` -> ``"cuda"``; a name that is not a device type raises ``RuntimeError``."""
    if not isinstance(device_type, str):
        raise TypeError(f"{op}(): argument 'device_type' (position 1) must be str, not "
                        f"{type(device_type).__name__}")
    return _device(device_type).type


def _autocast_type(device_type: str, op: str) -> str:
    """`_device_type`, which must be one that autocast knows (else ``RuntimeError``)."""
    kind = _device_type(device_type, op)
    if kind not in _DEFAULT_DTYPES:
        raise RuntimeError(f"{op}: autocast does not know the device type '{kind}'")
    return kind


def is_autocast_available(device_type: str) -> bool:
    """Whether PyTorch can autocast for ``device_type`` (``"cpu"``, ``"cuda"``, ``"mps"``,
    ...). True for the same types as in PyTorch, though on minigrad's CPU an enabled
    region changes nothing or raises (see `autocast`)."""
    return _device_type(device_type, "is_autocast_available") in _DEFAULT_DTYPES


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether an enabled autocast region for ``device_type`` is active in this thread.

    Parameters
    ----------
    device_type : str, optional
        Without it, the question is asked for ``"cuda"``, as in PyTorch.
    """
    kind = _autocast_type("cuda" if device_type is None else device_type,
                          "is_autocast_enabled")
    return _state.enabled.get(kind, False)


def get_autocast_dtype(device_type: str) -> Any:
    """The dtype an autocast region for ``device_type`` would use: the one the innermost
    active region set, else the device's default (float16 for ``"cuda"``; for ``"cpu"``
    bfloat16, a dtype minigrad does not have, returned as a named placeholder)."""
    kind = _autocast_type(device_type, "get_autocast_dtype")
    return _state.dtype.get(kind, _DEFAULT_DTYPES[kind])


def _is_lower_precision(dtype: Any) -> bool:
    """float16 or bfloat16, the two dtypes PyTorch autocasts to."""
    if dtype is BFLOAT16:
        return True
    return isinstance(dtype, (np.dtype, type)) and np.dtype(dtype) == _FLOAT16


def _check_device_type(device_type: Any) -> None:
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")


class autocast:  # noqa: N801  (named as torch.autocast)
    """A region, entered with ``with`` or applied as a decorator, in which PyTorch runs
    some ops in lower precision; in minigrad, disabled or refused (see the module notes).

    Parameters
    ----------
    device_type : str
        ``"cuda"``, ``"cpu"``, ``"mps"``, ... (a ``str``, as in PyTorch; a ``device`` raises
        ``ValueError``).
    dtype : dtype, optional
        The lower precision; by default `get_autocast_dtype` of the device type.
    enabled : bool
        False makes the region a no-op. True with ``"cuda"`` warns and disables it (there is
        no CUDA); True with ``"cpu"`` and float16 or bfloat16 raises ``RuntimeError``.
    cache_enabled : bool, optional
        Accepted, as in PyTorch (there is no cast to cache).

    Examples
    --------
    >>> with minigrad.autocast(device_type="cuda", enabled=use_amp):  # warns, then no-op
    ...     loss = model(x).sum()
    """

    def __init__(self, device_type: str, dtype: Any = None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        _check_device_type(device_type)
        self.device = device_type
        self._kind = _autocast_type(device_type, "autocast")
        if device_type == "privateuseone":
            raise AssertionError("Tried to use AMP with the `privateuseone` backend, but no "
                                 "such backend is registered (minigrad has none)")
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self._cache_enabled = True if cache_enabled is None else cache_enabled
        self._enabled = bool(enabled) and self._can_enable()
        self._saved: list[tuple[bool, Any]] = []

    def _can_enable(self) -> bool:
        """False (with PyTorch's warning) where PyTorch disables the region; raises where
        PyTorch would cast and minigrad cannot."""
        if self.device == "cuda":  # as in PyTorch, "cuda:0" skips this check
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling "
                          "autocast.", stacklevel=3)
            return False
        if not _is_lower_precision(self.fast_dtype):
            name = self.device.upper()
            warnings.warn(f"In {name} autocast, but the target dtype is not supported. "
                          f"Disabling autocast.\n{name} Autocast only supports dtypes of "
                          f"torch.bfloat16, torch.float16 currently.", stacklevel=3)
            return False
        if self._kind == "cpu":
            if self.fast_dtype is BFLOAT16:
                raise RuntimeError("autocast: minigrad has no bfloat16, so it cannot autocast "
                                   "on the CPU to bfloat16 (PyTorch's default for "
                                   "device_type='cpu'); pass enabled=False")
            raise RuntimeError("autocast: minigrad does not autocast to float16 on the CPU "
                               "(PyTorch would run matmul, linear and convolution in float16 "
                               "and losses in float32); pass enabled=False, or convert the "
                               "model and its inputs with .half() yourself")
        return True  # another accelerator: enabled, and no minigrad tensor is there

    def __enter__(self) -> "autocast":
        self._saved.append((is_autocast_enabled(self._kind), get_autocast_dtype(self._kind)))
        _state.enabled[self._kind] = self._enabled
        _state.dtype[self._kind] = self.fast_dtype
        return self

    def __exit__(self, *exc: Any) -> bool:
        _state.enabled[self._kind], _state.dtype[self._kind] = self._saved.pop()
        return False

    def __call__(self, func: Callable) -> Callable:
        if not callable(func):
            raise TypeError(f"autocast()(func) requires a callable, but got "
                            f"{type(func).__name__}. Did you mean to use autocast as a context "
                            f"manager? For example:\n"
                            f"    with torch.autocast(device_type=...):\n"
                            f"        output = model(input)")

        @functools.wraps(func)
        def in_region(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return in_region


def custom_fwd(fwd: Callable | None = None, *, device_type: str,
               cast_inputs: Any = None) -> Callable:
    """Decorator for the ``forward`` of a custom autograd `Function`, as in PyTorch.

    It records on ``ctx`` whether an enabled autocast region for ``device_type`` was
    active, so that `custom_bwd` runs ``backward`` in the same state. With
    ``cast_inputs``, ``forward`` runs with autocast disabled; PyTorch would also cast the
    floating inputs that live on ``device_type``, and no minigrad tensor lives on a device
    whose region can be enabled, so there is nothing to cast.
    """
    _check_device_type(device_type)
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        ctx._dtype = get_autocast_dtype(device_type)
        active = is_autocast_enabled(device_type)
        ctx._fwd_used_autocast = active and cast_inputs is None
        if active and cast_inputs is not None:
            with autocast(device_type, enabled=False):
                return fwd(ctx, *args, **kwargs)
        return fwd(ctx, *args, **kwargs)

    return forward


def custom_bwd(bwd: Callable | None = None, *, device_type: str) -> Callable:
    """Decorator for the ``backward`` of a custom autograd `Function`: runs it in the
    autocast state that `custom_fwd` recorded for ``forward``, as in PyTorch."""
    _check_device_type(device_type)
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def backward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        with autocast(device_type, dtype=ctx._dtype, enabled=ctx._fwd_used_autocast):
            return bwd(ctx, *args, **kwargs)

    return backward
