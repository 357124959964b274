"""Run the same expression on minigrad and on PyTorch and compare what comes out.

An expression is a function ``f(lib, *inputs)`` written once against the shared API
(``lib`` is ``minigrad`` or ``torch``), so both libraries see the same call.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import minigrad


def to_torch(torch: Any, array: np.ndarray, requires_grad: bool = False) -> Any:
    return torch.tensor(array, requires_grad=requires_grad)


def dtype_name(dtype: Any) -> str:
    return str(dtype).removeprefix("torch.")


def assert_same(ours: Any, theirs: Any, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Values, dtypes and shapes agree (recursing into tuples, lists and named tuples)."""
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b, rtol, atol)
        return
    if not hasattr(theirs, "detach"):
        assert ours == theirs and type(ours) is type(theirs), (ours, theirs)
        return
    assert isinstance(ours, minigrad.Tensor), type(ours)
    assert dtype_name(ours.dtype) == dtype_name(theirs.dtype), (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape), (ours.shape, theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=rtol,
                               atol=atol, equal_nan=True)


def compare(torch: Any, f: Callable, *arrays: np.ndarray, grad: bool = True,
            seed: int = 0) -> None:
    """``f`` on minigrad and on torch gives the same result and, when ``grad``, the same
    gradients of ``sum(result * w)`` for a random ``w`` (float inputs only)."""
    ours_in = [minigrad.tensor(a, dtype=a.dtype, requires_grad=grad and a.dtype.kind == "f")
               for a in arrays]
    theirs_in = [to_torch(torch, a, grad and a.dtype.kind == "f") for a in arrays]
    ours, theirs = f(minigrad, *ours_in), f(torch, *theirs_in)
    assert_same(ours, theirs)
    if not grad:
        return
    out_ours = ours[0] if isinstance(ours, tuple) else ours
    out_theirs = theirs[0] if isinstance(theirs, tuple) else theirs
    w = np.random.default_rng(seed).standard_normal(tuple(out_theirs.shape))
    (out_ours * minigrad.tensor(w, dtype=out_ours.dtype)).sum().backward()
    (out_theirs * torch.tensor(w, dtype=out_theirs.dtype)).sum().backward()
    for a, b in zip(ours_in, theirs_in):
        if b.requires_grad:
            assert_same(a.grad, b.grad)


def same_error(torch: Any, f: Callable, *arrays: np.ndarray) -> type:
    """``f`` raises on both libraries, with the same exception type; returns that type."""
    errors = []
    for lib, make in ((minigrad, lambda a: minigrad.tensor(a, dtype=a.dtype)),
                      (torch, lambda a: to_torch(torch, a))):
        try:
            f(lib, *[make(a) for a in arrays])
        except Exception as exc:  # noqa: BLE001  (the type is what is compared)
            errors.append(exc)
        else:
            errors.append(None)
    ours, theirs = errors
    assert theirs is not None, "torch does not raise"
    assert ours is not None, f"minigrad does not raise (torch raises {theirs!r})"
    assert isinstance(ours, type(theirs)), (ours, theirs)
    return type(theirs)
