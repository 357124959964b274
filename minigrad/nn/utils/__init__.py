"""Gradient utilities used between ``backward()`` and ``optimizer.step()``, the one
``zero_grads`` that both ``Module.zero_grad`` and ``Optimizer.zero_grad`` call, and
``rnn.pad_sequence``."""
from __future__ import annotations

import math
from importlib import import_module
import warnings
from typing import Iterable

import numpy as np

from ...autograd.grad_mode import no_grad
from ...dtypes import get_default_dtype
from ...internal import array_of, wrap
from ...tensor import Tensor
from . import rnn
from .rnn import pad_sequence
from .weight_norms import (remove_spectral_norm, remove_weight_norm, spectral_norm,
                           weight_norm)


# Built on Module (which imports this package): loaded on first use.
_LATER = {"fuse_conv_bn_eval": "fusion", "fuse_conv_bn_weights": "fusion",
          "fuse_linear_bn_eval": "fusion", "fuse_linear_bn_weights": "fusion",
          "skip_init": "init"}


def __getattr__(name: str) -> object:
    if name in _LATER:
        return getattr(import_module(f".{_LATER[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad for p in params if p.grad is not None]


def zero_grads(parameters: Iterable[Tensor], set_to_none: bool = True) -> None:
    """Reset the ``.grad`` of each tensor: to None, or (``set_to_none=False``) to zeros in
    place, after cutting the gradient from any graph that made it (as PyTorch does).

    Parameters
    ----------
    parameters : iterable of Tensor
    set_to_none : bool
    """
    for param in parameters:
        grad = param.grad
        if grad is None:
            continue
        if set_to_none:
            param.grad = None
            continue
        if grad.grad_fn is not None or grad.requires_grad:
            grad.detach_()
        with no_grad():
            grad.zero_()


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: bool | None = None) -> Tensor:
    """Scale the gradients in place so that their joint norm is at most ``max_norm``.

    The norm is taken over all gradients together, as if concatenated into one vector
    (`get_total_norm`); gradients are multiplied by ``max_norm / (total_norm + 1e-6)``
    when that is below 1 (`clip_grads_with_norm_`).

    Parameters
    ----------
    parameters : Tensor or iterable of Tensor
        Tensors whose ``.grad`` is clipped (those without a gradient are skipped).
    max_norm : float
    norm_type : float
        The p of the p-norm; ``math.inf`` for the largest absolute value.
    error_if_nonfinite : bool
        Raise if the total norm is nan or infinite.
    foreach : bool, optional
        Accepted for compatibility (PyTorch's choice of kernel).

    Returns
    -------
    Tensor
        The total norm before clipping (a 0-d tensor).
    """
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    total = get_total_norm(_grads(params), norm_type, error_if_nonfinite)
    clip_grads_with_norm_(params, max_norm, total)
    return total


def get_total_norm(tensors: Tensor | Iterable[Tensor], norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """The ``norm_type``-norm of all ``tensors`` together, as a 0-d tensor (0 for none)."""
    arrays = [array_of(t) for t in ([tensors] if isinstance(tensors, Tensor) else tensors)]
    if not arrays:
        return wrap(np.zeros((), get_default_dtype()))
    total = _total_norm(arrays, float(norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"The total norm of order {float(norm_type)} for gradients from "
                           f"`parameters` is non-finite, so it cannot be clipped. To disable "
                           f"this error and scale the gradients by the non-finite norm "
                           f"anyway, set `error_if_nonfinite=False`")
    return Tensor(np.asarray(total, dtype=np.result_type(*arrays)))


def clip_grads_with_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float,
                          total_norm: Tensor, foreach: bool | None = None) -> None:
    """Multiply the gradients in place by ``max_norm / (total_norm + 1e-6)`` when that is
    below 1."""
    coef = max_norm / (float(total_norm) + 1e-6)
    if coef < 1:
        with no_grad():
            for g in _grads(parameters):
                g.mul_(coef)


def clip_grad_norm(parameters: Tensor | Iterable[Tensor], max_norm: float,
                   norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """Deprecated name of `clip_grad_norm_` (warns, as PyTorch)."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def _total_norm(arrays: list[np.ndarray], p: float) -> float:
    if p == math.inf:
        return float(max(np.max(np.abs(a), initial=0.0) for a in arrays))
    per_grad = [np.sum(np.abs(a.astype(np.float64)) ** p) for a in arrays]
    return float(np.sum(per_grad) ** (1.0 / p))


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float,
                     foreach: bool | None = None) -> None:
    """Clamp every gradient element to ``[-clip_value, clip_value]``, in place."""
    with no_grad():
        for g in _grads(parameters):
            g.clamp_(-clip_value, clip_value)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and concatenated into one 1-D tensor (a copy, in the
    graph)."""
    from ... import ops
    return ops.cat([p.reshape(-1) for p in parameters], 0)


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-D ``vec`` into the parameters, in place."""
    if not isinstance(vec, Tensor) or vec.ndim != 1:
        raise TypeError(f"vector_to_parameters: expected a 1-D Tensor, got "
                        f"{type(vec).__name__} of shape {tuple(getattr(vec, 'shape', ()))}")
    start = 0
    with no_grad():
        for param in parameters:
            n = param.numel()
            param.copy_(vec[start:start + n].reshape(param.shape))
            start += n

