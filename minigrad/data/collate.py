"""Turning a list of samples into one batch, with PyTorch's rules."""
from __future__ import annotations

import functools

from typing import Any, Sequence

import numpy as np

from ..dtypes import promote_types
from ..internal import array_of, wrap
from ..tensor import Tensor


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch, field by field, as PyTorch does.

    * Tensors, ndarrays and NumPy scalars are stacked along a new first dimension into a
      Tensor of their dtype.
    * Python floats become a float64 Tensor, ints an int64 Tensor, bools a bool Tensor.
    * Strings (and bytes) stay a list.
    * A dict gives a dict of batches; a named tuple a named tuple of batches; any other
      tuple or list a **list** of batches (so ``(x, y)`` samples give ``[X, Y]``).

    Parameters
    ----------
    batch : sequence
        Samples of the same structure and shapes.

    Returns
    -------
    Tensor, list, dict, named tuple or list of strings

    Raises
    ------
    RuntimeError
        When tensors to stack differ in shape, or sequences in length.
    TypeError
        For samples of a type it does not know.
    """
    first = batch[0]
    if isinstance(first, (Tensor, np.ndarray, np.number, np.bool_)):
        return wrap(_stack([array_of(s) if isinstance(s, Tensor) else np.asarray(s)
                            for s in batch]))
    if isinstance(first, bool):
        return wrap(np.asarray(batch, dtype=np.bool_))
    if isinstance(first, int):
        return wrap(np.asarray(batch, dtype=np.int64))
    if isinstance(first, float):
        return wrap(np.asarray(batch, dtype=np.float64))
    if isinstance(first, (str, bytes)):
        return batch  # as it came: a list at the top, a tuple for a field of samples
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in batch]) for key in first}
    if isinstance(first, (tuple, list)):
        if any(len(s) != len(first) for s in batch):
            raise RuntimeError(f"default_collate: each element in list of batch should be of "
                               f"equal size, got lengths {sorted({len(s) for s in batch})}")
        fields = [default_collate(field) for field in zip(*batch)]
        return type(first)(*fields) if hasattr(first, "_fields") else fields
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, "
                    f"dicts or lists; found {type(first).__name__} (pass a collate_fn to the "
                    "DataLoader)")


def _stack(arrays: list[np.ndarray]) -> np.ndarray:
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise RuntimeError(f"default_collate: stack expects each tensor to be equal size, "
                           f"but got shapes {sorted(shapes)}; pass a collate_fn that pads them")
    dtype = functools.reduce(promote_types, (a.dtype for a in arrays))  # as torch.stack
    return np.stack(arrays).astype(dtype, copy=False)


def default_convert(data: Any) -> Any:
    """One sample made ready without batching: ndarrays become tensors, recursively
    inside dicts, lists and tuples; everything else is left as it is."""
    if isinstance(data, (np.ndarray, np.number, np.bool_)) and data.dtype.kind in "biuf":
        return wrap(np.asarray(data))
    if isinstance(data, dict):
        return {key: default_convert(value) for key, value in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, (tuple, list)):
        return [default_convert(d) for d in data]
    return data
