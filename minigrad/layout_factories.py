"""``empty_permuted``: an uninitialised tensor whose dims lie in memory in a given order
(`minigrad.creation.empty_strided` with the strides that order gives)."""
from __future__ import annotations

from typing import Any, Sequence

from .creation import empty_strided
from .ops._util import int_tuple, size_arg
from .tensor import Tensor


def empty_permuted(size: Sequence[int], physical_layout: Sequence[int], *, dtype: Any = None,
                   layout: Any = None, device: Any = None, requires_grad: bool = False,
                   pin_memory: bool = False) -> Tensor:
    """An uninitialised tensor of shape ``size`` laid out in memory as
    ``empty(size permuted by physical_layout).permute(inverse)`` would be:
    ``physical_layout`` lists the dims from outermost to innermost (``(0, 2, 3, 1)`` of
    an NCHW size is channels-last)."""
    shape = size_arg("empty_permuted", (tuple(size),))
    order = int_tuple("empty_permuted", physical_layout, "physical_layout")
    if len(order) != len(shape):
        raise RuntimeError(f"empty_permuted: Number of dimensions in size does not match the "
                           f"length of the physical_layout: size {list(shape)}, "
                           f"physical_layout {list(order)}")
    if sorted(order) != list(range(len(shape))):
        raise RuntimeError(f"empty_permuted: physical_layout must list each dim once, from 0 "
                           f"(negative dims are not supported), got {list(order)} for "
                           f"{len(shape)} dims")
    strides = [0] * len(shape)
    step = 1
    for d in reversed(order):
        strides[d] = step
        step *= max(shape[d], 1)
    return empty_strided(shape, strides, dtype=dtype, layout=layout, device=device,
                         requires_grad=requires_grad, pin_memory=pin_memory)
