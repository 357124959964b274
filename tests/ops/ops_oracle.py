"""Shared helpers of the op tests: float64 leaves, and a PyTorch oracle that skips cleanly.

``needs_torch`` marks a test that compares with PyTorch; without torch it is skipped.
``against_torch`` runs the same function in minigrad and in torch on the same float64
inputs and the same upstream gradient, and compares outputs and input gradients.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
import pytest

import minigrad
from minigrad import Tensor

try:
    import torch
except ImportError:  # the oracle is optional
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def leaf(data: Any, dtype: Any = np.float64) -> Tensor:
    """A leaf tensor that requires grad (float64 unless told otherwise)."""
    return minigrad.tensor(np.asarray(data, dtype=dtype), dtype=dtype, requires_grad=True)


def seeded_gradient(shape: Sequence[int], seed: int = 0) -> np.ndarray:
    """A fixed random upstream gradient, so that every output element matters."""
    return np.random.default_rng(seed).standard_normal(tuple(shape))


def against_torch(mine: Callable, theirs: Callable, *arrays: np.ndarray,
                  rtol: float = 1e-7, atol: float = 1e-9) -> None:
    """Run ``mine`` on minigrad leaves and ``theirs`` on torch leaves made from the same
    float64 arrays; backpropagate the same random gradient; compare everything."""
    ours = [leaf(a) for a in arrays]
    ref = [torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays]
    out, expected = mine(*ours), theirs(*ref)
    assert tuple(out.shape) == tuple(expected.shape)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=rtol, atol=atol)
    if not expected.requires_grad:
        return
    g = seeded_gradient(expected.shape)
    out.backward(minigrad.tensor(g, dtype=out.dtype))
    expected.backward(torch.tensor(g, dtype=expected.dtype))
    for i, (a, b) in enumerate(zip(ours, ref)):
        if b.grad is None:
            assert a.grad is None or not np.any(a.grad.numpy()), f"input {i}"
            continue
        assert a.grad is not None, f"input {i} got no gradient"
        assert a.grad.shape == a.shape
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=atol,
                                   err_msg=f"gradient of input {i}")
