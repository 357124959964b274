"""Dropout: zero elements (or whole channels) at random while training.

Masks are drawn from ``minigrad.random.default_generator()``, so ``minigrad.manual_seed``
repeats a run. The kept values are scaled by ``1 / (1 - p)`` (inverted dropout), so the
expected value is unchanged and evaluation needs no rescaling. With ``inplace=True`` the
result is written into the input, which is returned (as PyTorch does).
"""
from __future__ import annotations

import warnings

import numpy as np

from ... import ops, random
from ...internal import wrap
from ...tensor import Tensor


def _check_p(p: float, op: str) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{op}: dropout probability has to be between 0 and 1, but got {p}")


def _float_input(input: Tensor, op: str) -> None:
    """The scaled mask is float: PyTorch refuses to write it into another dtype."""
    if input.dtype.kind != "f":
        raise RuntimeError(f"{op}: result type Float can't be cast to the desired output "
                           f"type {input.dtype} (input of shape {tuple(input.shape)})")


def _masked(input: Tensor, p: float, mask_shape: tuple[int, ...], inplace: bool) -> Tensor:
    """``input`` times a random 0 or ``1 / (1 - p)`` mask of ``mask_shape`` (broadcast),
    written into ``input`` if ``inplace``."""
    if inplace:
        return ops.inplace(input, "dropout_", lambda x, _: _masked(x, p, mask_shape, False),
                           None)
    if p == 1.0:
        return input * 0
    _float_input(input, "dropout")
    draw_dtype = np.float32 if input.dtype == np.float32 else np.float64
    keep = random.default_generator().random(mask_shape, dtype=draw_dtype) >= p
    scale = keep.astype(input.dtype) * np.asarray(1.0 / (1.0 - p), dtype=input.dtype)
    return input * wrap(scale)


def dropout(input: Tensor, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.
    Identity (the same tensor) when not training or when ``p`` is 0.
    """
    _check_p(p, "dropout")
    if not training or p == 0.0:
        return input
    return _masked(input, p, input.shape, inplace)


def _feature_mask(shape: tuple[int, ...]) -> tuple[int, ...]:
    """One draw per (sample, channel): the first two dims kept, the rest size 1."""
    return tuple(shape[:2]) + (1,) * max(len(shape) - 2, 0)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of an ``(N, C, L)`` or unbatched ``(C, L)`` input with
    probability ``p``, scaling the kept ones by ``1 / (1 - p)``."""
    _check_p(p, "dropout1d")
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D "
                           f"input of shape {tuple(input.shape)}")
    if not training or p == 0.0:
        return input
    shape = input.shape if input.ndim == 3 else (1,) + tuple(input.shape)
    return _masked(input, p, _feature_mask(shape)[3 - input.ndim:], inplace)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of an ``(N, C, H, W)`` input with probability ``p``, scaling
    the kept ones by ``1 / (1 - p)``.

    As in PyTorch 2.x, other shapes warn and are read as ``(N, C, *)``: a 3D input is
    ``(N, C, L)`` (channel-wise 1D dropout), a 2D input is dropped element by element.
    """
    _check_p(p, "dropout2d")
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that "
                      "channel-wise 1D dropout behavior is desired - input is interpreted as "
                      "shape (N, C, L), where C is the channel dim. This behavior will "
                      "change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D "
                      "channel-wise dropout behavior, please switch to using dropout1d "
                      "instead.", stacklevel=2)
    elif input.ndim != 4:
        _warn_rank("dropout2d", input.ndim, 2)
    return feature_dropout(input, p, training, inplace)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of an ``(N, C, D, H, W)`` or unbatched ``(C, D, H, W)`` input
    with probability ``p``, scaling the kept ones by ``1 / (1 - p)``.

    As in PyTorch, other shapes warn and are read as unbatched: one draw per index of
    their first dim.
    """
    _check_p(p, "dropout3d")
    if input.ndim not in (4, 5):
        _warn_rank("dropout3d", input.ndim, 3)
    if not training or p == 0.0:
        return input
    if input.ndim == 5:
        return _masked(input, p, _feature_mask(tuple(input.shape)), inplace)
    # unbatched: the mask of the input with a batch dim of 1 in front, without that dim
    return _masked(input, p, _feature_mask((1,) + tuple(input.shape))[1:], inplace)


def _warn_rank(op: str, ndim: int, spatial: int) -> None:
    """PyTorch's deprecation warning for an input of a rank ``op`` does not take."""
    warnings.warn(f"{op}: Received a {ndim}-D input to {op}, which is deprecated and will "
                  f"result in an error in a future release. To retain the behavior and "
                  f"silence this warning, please use dropout instead. Note that {op} exists "
                  f"to provide channel-wise dropout on inputs with {spatial} spatial "
                  f"dimensions, a channel dimension, and an optional batch dimension (i.e. "
                  f"{spatial + 1}D or {spatial + 2}D inputs).", stacklevel=3)


def feature_dropout(input: Tensor, p: float = 0.5, training: bool = True,
                    inplace: bool = False) -> Tensor:
    """Zero whole channels of an ``(N, C, *)`` input with probability ``p`` (of a 2-D
    input, single elements), scaling the kept ones by ``1 / (1 - p)``: ATen's
    ``feature_dropout``, what `dropout2d` does after its checks of the input's rank."""
    _check_p(p, "feature_dropout")
    if not training or p == 0.0:
        return input
    return _masked(input, p, _feature_mask(tuple(input.shape)), inplace)


# SELU's negative saturation value, -scale * alpha: what alpha dropout sets dropped units to.
_SELU_FLOOR = -1.7580993408473766


def _alpha_masked(input: Tensor, p: float, mask_shape: tuple[int, ...], inplace: bool) -> Tensor:
    """Alpha dropout with one draw per ``mask_shape`` cell: dropped values become the SELU
    floor, then an affine map restores mean 0 and variance 1."""
    if inplace:
        return ops.inplace(input, "alpha_dropout_",
                           lambda x, _: _alpha_masked(x, p, mask_shape, False), None)
    if p == 1.0:
        return input * 0
    _float_input(input, "alpha_dropout")
    keep = random.default_generator().random(mask_shape) >= p
    scale = (1 - p + _SELU_FLOOR ** 2 * (1 - p) * p) ** -0.5
    shift = -scale * _SELU_FLOOR * p
    kept = (keep * scale).astype(input.dtype)
    dropped = (~keep * (scale * _SELU_FLOOR) + shift).astype(input.dtype)
    return input * wrap(kept) + wrap(dropped)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    """Dropout for self-normalising (SELU) networks: dropped elements take SELU's
    saturation value and the result is rescaled to keep mean 0 and variance 1. Identity
    when not training (note the default ``training=False``, as PyTorch's)."""
    _check_p(p, "alpha_dropout")
    if not training or p == 0.0:
        return input
    return _alpha_masked(input, p, tuple(input.shape), inplace)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    """`alpha_dropout` of whole channels: one draw per (sample, channel)."""
    _check_p(p, "feature_alpha_dropout")
    if not training or p == 0.0:
        return input
    return _alpha_masked(input, p, _feature_mask(tuple(input.shape)), inplace)
