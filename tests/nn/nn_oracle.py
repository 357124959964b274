"""Helpers for comparing minigrad.nn against PyTorch (the oracle) in tests/nn."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad


def ours(array: np.ndarray, requires_grad: bool = False) -> minigrad.Tensor:
    """A minigrad tensor holding a copy of ``array`` (dtype kept)."""
    return minigrad.tensor(np.array(array), requires_grad=requires_grad)


def theirs(torch: Any, array: np.ndarray, requires_grad: bool = False) -> Any:
    """A torch tensor holding a copy of ``array`` (dtype kept)."""
    return torch.tensor(np.array(array), requires_grad=requires_grad)


def copy_weights(torch_module: Any, module: minigrad.nn.Module) -> None:
    """Load the torch module's state into ours (also checks that the keys agree)."""
    module.load_state_dict({k: v.detach().numpy().copy()
                            for k, v in torch_module.state_dict().items()})


def assert_close(actual: Any, expected: Any, rtol: float = 1e-7, atol: float = 1e-10) -> None:
    """Compare a minigrad tensor (or array) with a torch tensor (or array)."""
    a = actual.detach().numpy() if hasattr(actual, "numpy") else np.asarray(actual)
    e = expected.detach().numpy() if hasattr(expected, "detach") else np.asarray(expected)
    assert a.shape == e.shape, f"shape {a.shape} != {e.shape}"
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)


def compare_module(torch: Any, torch_module: Any, module: minigrad.nn.Module,
                   x: np.ndarray, rtol: float = 1e-7, atol: float = 1e-10) -> None:
    """Same weights, same float64 input: outputs, input gradients and parameter
    gradients must match (for the gradient of sum(output * r), r random)."""
    torch_module.double()
    module.double()
    copy_weights(torch_module, module)
    xt, xo = theirs(torch, x, True), ours(x, True)
    yt, yo = torch_module(xt), module(xo)
    assert_close(yo, yt, rtol, atol)
    r = np.random.default_rng(1).standard_normal(yo.shape)
    (yt * theirs(torch, r)).sum().backward()
    (yo * ours(r)).sum().backward()
    assert_close(xo.grad, xt.grad, rtol, atol)
    grads = dict(torch_module.named_parameters())
    for name, param in module.named_parameters():
        assert_close(param.grad, grads[name].grad, rtol, atol)


def assert_same_tensor(actual: Any, expected: Any, rtol: float = 1e-8, atol: float = 1e-12,
                       msg: str = "") -> None:
    """The same shape, dtype and values (tensors of either library, or arrays)."""
    a = actual.detach().numpy() if hasattr(actual, "detach") else np.asarray(actual)
    e = expected.detach().numpy() if hasattr(expected, "detach") else np.asarray(expected)
    assert a.shape == e.shape, f"{msg}: shape {a.shape} != {e.shape}"
    assert a.dtype == e.dtype, f"{msg}: dtype {a.dtype} != {e.dtype}"
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=msg)


def assert_same_state(ours: minigrad.nn.Module, theirs: Any, rtol: float = 1e-8,
                      atol: float = 1e-12) -> None:
    """The same state-dict keys in the same order, shapes, dtypes and values."""
    reference = theirs.state_dict()
    mine = ours.state_dict()
    assert list(mine) == list(reference)
    for name, value in mine.items():
        assert_same_tensor(value, reference[name], rtol, atol, name)


def dtype_name(dtype: Any) -> str:
    """A dtype's name without torch's prefix: the same text for both libraries."""
    return str(dtype).replace("torch.", "")


@pytest.fixture
def seeded_libraries() -> None:
    """Seed both libraries: weights drawn by PyTorch (then copied) repeat from run to run.
    Use it with ``pytestmark = pytest.mark.usefixtures("seeded_libraries")``."""
    import torch
    torch.manual_seed(0)
    minigrad.manual_seed(0)
