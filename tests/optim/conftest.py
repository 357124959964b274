"""Shared by the optimizer tests: the ``assert_matches_torch`` fixture runs minigrad and
torch.optim side by side on the same parameters and gradients, and compares the parameters
after every step."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad
import minigrad.optim as optim

SHAPES = [(3, 4), (5,)]


def make_problem(steps: int, seed: int = 0) -> tuple[list[np.ndarray], list[list]]:
    """Float64 starting values and a gradient per parameter per step (None = no grad)."""
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(shape) for shape in SHAPES]
    grads = [[rng.standard_normal(shape) for shape in SHAPES] for _ in range(steps)]
    grads[2][1] = None  # one parameter without a gradient in one step: it must be skipped
    return params, grads


def run_minigrad(name: str, kwargs: dict[str, Any], params: list[np.ndarray],
                 grads: list[list]) -> list[list[np.ndarray]]:
    tensors = [minigrad.tensor(p, dtype=np.float64, requires_grad=True) for p in params]
    opt = getattr(optim, name)(tensors, **kwargs)
    history = []
    for step_grads in grads:
        for t, g in zip(tensors, step_grads):
            t.grad = None if g is None else minigrad.tensor(g, dtype=np.float64)
        opt.step()
        history.append([t.detach().numpy().copy() for t in tensors])
    return history


def run_torch(name: str, kwargs: dict[str, Any], params: list[np.ndarray],
              grads: list[list]) -> list[list[np.ndarray]]:
    import torch

    tensors = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params]
    opt = getattr(torch.optim, name)(tensors, **kwargs)
    history = []
    for step_grads in grads:
        for t, g in zip(tensors, step_grads):
            t.grad = None if g is None else torch.tensor(g, dtype=torch.float64)
        opt.step()
        history.append([t.detach().numpy().copy() for t in tensors])
    return history


def _assert_matches_torch(name: str, kwargs: dict[str, Any], steps: int = 6) -> None:
    """Both libraries agree on every parameter after every one of ``steps`` steps."""
    params, grads = make_problem(steps)
    ours = run_minigrad(name, kwargs, params, grads)
    theirs = run_torch(name, kwargs, params, grads)
    for step, (mine, ref) in enumerate(zip(ours, theirs)):
        for i, (a, b) in enumerate(zip(mine, ref)):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12,
                                       err_msg=f"{name}({kwargs}) param {i} after step "
                                               f"{step + 1}")
    # The optimizer really moved the parameters (guards against a vacuous comparison).
    assert not np.allclose(ours[-1][0], params[0])


@pytest.fixture
def assert_matches_torch():
    """``assert_matches_torch(name, kwargs)``; skips the test when torch is missing."""
    pytest.importorskip("torch")
    return _assert_matches_torch
