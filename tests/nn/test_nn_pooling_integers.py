"""Pooling of integer and bool tensors, against PyTorch: its CPU kernels max-pool every
integer dtype in 2-D and 3-D (not in 1-D), average-pool int64 only (the mean rounded
toward zero), and refuse bool; adaptive pooling takes no integers. local_response_norm
averages by pooling, so it follows the same rules."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad

torch = pytest.importorskip("torch")

DTYPES = ["int64", "int32", "int16", "int8", "uint8", "bool"]
PROGRAMS = {
    "max_pool2d": lambda F, x: F.max_pool2d(x, 2),
    "max_pool2d padded": lambda F, x: F.max_pool2d(x, 3, stride=2, padding=1),
    "max_pool2d indices": lambda F, x: F.max_pool2d(x, 3, 1, 1, return_indices=True),
    "max_pool2d ceil dilated": lambda F, x: F.max_pool2d(x, 2, ceil_mode=True, dilation=2),
    "max_pool1d": lambda F, x: F.max_pool1d(x[0], 2),
    "max_pool3d": lambda F, x: F.max_pool3d(x[None], 2, padding=1),
    "max_pool3d indices": lambda F, x: F.max_pool3d(x[None], 2, return_indices=True),
    "avg_pool2d": lambda F, x: F.avg_pool2d(x, 2),
    "avg_pool2d padded": lambda F, x: F.avg_pool2d(x, 3, stride=1, padding=1),
    "avg_pool2d no pad count": lambda F, x: F.avg_pool2d(x, 3, 2, 1,
                                                         count_include_pad=False),
    "avg_pool2d divisor": lambda F, x: F.avg_pool2d(x, 2, divisor_override=3),
    "avg_pool2d ceil": lambda F, x: F.avg_pool2d(x, 2, ceil_mode=True),
    "avg_pool1d": lambda F, x: F.avg_pool1d(x[0], 2),
    "avg_pool3d": lambda F, x: F.avg_pool3d(x[None], 2),
    "avg_pool3d ceil padded": lambda F, x: F.avg_pool3d(x[None], 3, 2, 1, ceil_mode=True),
    "avg_pool3d no pad count": lambda F, x: F.avg_pool3d(x[None], 3, 2, 1,
                                                         count_include_pad=False),
    "avg_pool3d divisor": lambda F, x: F.avg_pool3d(x[None], 2, divisor_override=5),
    "lp_pool2d": lambda F, x: F.lp_pool2d(x, 2, 2),
    "lp_pool1d": lambda F, x: F.lp_pool1d(x[0], 1, 2),
    "local_response_norm 3-d": lambda F, x: F.local_response_norm(x[0], 2, alpha=0.01),
    "local_response_norm 4-d": lambda F, x: F.local_response_norm(x, 3, 0.1, 0.5, 2.0),
    "adaptive_avg_pool2d": lambda F, x: F.adaptive_avg_pool2d(x, 2),
    "adaptive_max_pool2d": lambda F, x: F.adaptive_max_pool2d(x, 2),
}


def _run(lib, program, array, dtype):
    x = lib.tensor(array).to(getattr(lib, dtype))
    try:
        out = program(lib.nn.functional, x)
    except Exception as error:  # noqa: BLE001 - which type is the result
        return type(error)
    return [(str(t.dtype).split(".")[-1], t.numpy())
            for t in (out if isinstance(out, tuple) else (out,))]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(PROGRAMS))
@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_integer_pooling_matches_torch(name, dtype, seed):
    # negative sums too: the integer mean rounds toward zero, not down
    array = np.random.default_rng(seed).integers(-60, 60, (2, 3, 5, 6))
    ours = _run(minigrad, PROGRAMS[name], array, dtype)
    theirs = _run(torch, PROGRAMS[name], array, dtype)
    if isinstance(theirs, type) or isinstance(ours, type):
        assert ours == theirs
        return
    assert [dtype for dtype, _ in ours] == [dtype for dtype, _ in theirs]
    for (_, mine), (_, expected) in zip(ours, theirs):
        # exact for integers; lp_pool's float32 root may differ in the last bit
        np.testing.assert_allclose(mine, expected, rtol=1e-6, atol=0)
