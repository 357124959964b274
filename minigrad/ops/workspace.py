"""Scratch buffers that the fast array paths reuse from one call to the next.

im2col's columns and the padded output gradient of `conv_fast.py` are several megabytes,
live for one call and have the same shape at every step of a training loop. Allocating
them afresh can cost more than filling them: a fresh block of that size may come from
the operating system, and then every page faults on first write (about 1,500 faults per
LeNet-5 training step, measured). A scratch buffer is allocated the first time and
handed back to the same owner at later calls.

Its contents are undefined (an owner writes every element it reads), with one
exception: a buffer handed out with a ``tag`` holds what its owner wrote for that tag
until it is handed out again, and `holding` returns it only while that is so. conv2d's
backward uses this to find the columns its forward built, unless another convolution
of the same shape has used the buffer since.

Rules that keep this safe:

- A scratch buffer never escapes: results and gradients are always fresh arrays.
- Buffers are per thread, so two threads never share one.
- The pool keeps at most ``LIMIT`` bytes (least recently used buffers go first); a
  buffer larger than that is not kept at all.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

LIMIT = 96 << 20

_local = threading.local()


def _pool() -> OrderedDict:
    """This thread's buffers: key -> [array, tag], least recently used first."""
    if not hasattr(_local, "buffers"):
        _local.buffers = OrderedDict()
    return _local.buffers


def scratch(owner: str, shape: tuple, dtype: np.dtype, tag: object = None) -> np.ndarray:
    """An uninitialised buffer of ``shape`` and ``dtype`` for ``owner``: the same one at
    every call with the same arguments while the pool keeps it. Whatever the owner now
    writes in it is known by ``tag`` (None: nothing to find again)."""
    key = (owner, tuple(shape), np.dtype(dtype))
    pool = _pool()
    entry = pool.pop(key, None)
    if entry is None:
        entry = [np.empty(shape, dtype), None]
        if entry[0].nbytes > LIMIT:
            return entry[0]
        while pool and sum(e[0].nbytes for e in pool.values()) + entry[0].nbytes > LIMIT:
            pool.popitem(last=False)
    entry[1] = tag
    pool[key] = entry
    return entry[0]


def holding(owner: str, shape: tuple, dtype: np.dtype, tag: object) -> np.ndarray | None:
    """The buffer `scratch` handed out with a tag equal to ``tag``, if it has not been
    handed out since (so it still holds what was written for ``tag``); else None."""
    entry = _pool().get((owner, tuple(shape), np.dtype(dtype)))
    return entry[0] if entry is not None and tag is not None and entry[1] == tag else None


def clear() -> None:
    """Drop this thread's scratch buffers (their memory goes back to the allocator)."""
    _pool().clear()
