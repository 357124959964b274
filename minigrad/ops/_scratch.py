"""Large scratch arrays that are reused instead of allocated afresh on every call.

A new array of tens of MB is cheap to allocate but expensive to first write: the kernel
maps and zero-fills every page, which for a large convolution's columns takes about as
long as filling them. This pool keeps the last buffers of each shape and hands one out
again once nothing but the pool refers to it (nobody, not even a view, uses it anymore).
"""
from __future__ import annotations

import sys
from collections import OrderedDict

import numpy as np

MIN_BYTES = 1 << 22  # smaller arrays come from NumPy's own caches cheaply
MAX_BYTES = 1 << 29  # at most this much memory is kept for reuse
_PER_SHAPE = 2
_pool: OrderedDict[tuple, list[np.ndarray]] = OrderedDict()
_UNUSED_REFS = sys.getrefcount(object())  # what getrefcount reports for a lone reference


def empty(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """An uninitialised array like ``np.empty``, reusing a pooled one when it is free."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if nbytes < MIN_BYTES:
        return np.empty(shape, dtype)
    key = (tuple(shape), dtype)
    bucket = _pool.setdefault(key, [])
    _pool.move_to_end(key)
    for i in range(len(bucket)):
        # Held only by the bucket (plus getrefcount's own argument): free to hand out.
        if sys.getrefcount(bucket[i]) == _UNUSED_REFS + 1:
            return bucket[i]
    array = np.empty(shape, dtype)
    if len(bucket) < _PER_SHAPE:
        bucket.append(array)
        _trim()
    return array


def _trim() -> None:
    total = sum(a.nbytes for bucket in _pool.values() for a in bucket)
    while total > MAX_BYTES and _pool:
        _, bucket = _pool.popitem(last=False)
        total -= sum(a.nbytes for a in bucket)
