"""Turning a list of samples into one batch."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..dtypes import get_default_dtype
from ..tensor import Tensor


def default_collate(samples: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch, field by field.

    Tensors and ndarrays are stacked along a new first dimension into a Tensor; Python
    numbers become a 1-d Tensor (floats as float32, ints as int64); tuples and lists give a
    tuple of batches, dicts a dict of batches; strings stay a list.

    Parameters
    ----------
    samples : sequence
        Samples of the same structure and shapes.

    Returns
    -------
    Tensor, tuple, dict or list
    """
    first = samples[0]
    if isinstance(first, (Tensor, np.ndarray)):
        return Tensor._wrap(_stack([s._data if isinstance(s, Tensor) else s for s in samples]))
    if isinstance(first, (bool, int, float, np.number, np.bool_)):
        array = np.asarray(samples)
        return Tensor._wrap(array.astype(get_default_dtype()) if array.dtype.kind == "f" else array)
    if isinstance(first, (str, bytes)):
        return list(samples)
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, (tuple, list)):
        if any(len(s) != len(first) for s in samples):
            raise ValueError(f"default_collate: samples have different lengths "
                             f"{sorted({len(s) for s in samples})}")
        return tuple(default_collate(field) for field in zip(*samples))
    raise TypeError(f"default_collate: don't know how to batch samples of type "
                    f"{type(first).__name__}; pass a collate_fn to the DataLoader")


def _stack(arrays: list[np.ndarray]) -> np.ndarray:
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise ValueError(f"default_collate: cannot stack samples of different shapes "
                         f"{sorted(shapes)}; pass a collate_fn that pads them")
    return np.stack(arrays)
