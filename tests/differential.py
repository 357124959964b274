"""Run one program in minigrad and in PyTorch and compare what comes out.

A *program* is a function of the library module (``program(lib)``) that drives it through
the same Python code, ``import minigrad as torch`` style: ``lib.tensor``, ``lib.float64``,
``lib.no_grad()``, ``lib.autograd.grad`` and tensor methods. It returns what is compared:
tensors, numbers, bools, None, and tuples, lists or dicts of them.

:func:`compare` runs it in both libraries: either both raise (the same exception type),
or both return, and then every returned tensor has the same shape, dtype, requires_grad
and values.

``MINIGRAD_DIFFERENTIAL_SELFCHECK=1`` runs PyTorch in minigrad's place (``MINE``): every
test must then pass, which checks that the tests encode what PyTorch does.

The adapters below (``narrow``, ``select``, ``unbind``, ``contiguous``, ``storage_ptr``)
call the PyTorch method when the tensor has it and otherwise an equivalent that minigrad
already has, so the programs run while those names are being added.
"""
from __future__ import annotations

import os
from typing import Any, Callable

import numpy as np
import pytest

import minigrad

try:
    import torch
except ImportError:  # the oracle is optional
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

MINE: Any = torch if os.environ.get("MINIGRAD_DIFFERENTIAL_SELFCHECK") else minigrad


# --- adapters: the same call in both libraries ------------------------------------------------
def narrow(t: Any, dim: int, start: int, length: int) -> Any:
    """``t.narrow(dim, start, length)``."""
    if hasattr(t, "narrow"):
        return t.narrow(dim, start, length)
    dim = dim % t.ndim
    return t[(slice(None),) * dim + (slice(start, start + length),)]


def select(t: Any, dim: int, index: int) -> Any:
    """``t.select(dim, index)``."""
    if hasattr(t, "select"):
        return t.select(dim, index)
    dim = dim % t.ndim
    return t[(slice(None),) * dim + (index,)]


def unbind(t: Any, dim: int = 0) -> tuple:
    """``t.unbind(dim)``."""
    if hasattr(t, "unbind"):
        return t.unbind(dim)
    return tuple(select(t, dim, i) for i in range(t.shape[dim]))


def contiguous(t: Any) -> Any:
    """``t.contiguous()``."""
    return t.contiguous() if hasattr(t, "contiguous") else t.clone()


def is_contiguous(t: Any) -> bool:
    """``t.is_contiguous()`` (minigrad without the method: the array's C-contiguity)."""
    if hasattr(t, "is_contiguous"):
        return t.is_contiguous()
    return bool(t.detach().numpy().flags.c_contiguous)


def storage_ptr(t: Any) -> int:
    """The address of the memory block that ``t`` lives in: equal for a tensor and its
    views, different for a copy (``untyped_storage().data_ptr()`` in PyTorch)."""
    if hasattr(t, "untyped_storage"):
        return t.untyped_storage().data_ptr()
    array = t.detach().numpy()
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array.__array_interface__["data"][0]


def shares_storage(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are views of one memory block."""
    return storage_ptr(a) == storage_ptr(b)


def f64(lib: Any, values: Any, requires_grad: bool = False) -> Any:
    """A float64 tensor of ``values`` (copied) in ``lib``."""
    return lib.tensor(np.array(values, dtype=np.float64), dtype=lib.float64,
                      requires_grad=requires_grad)


# --- running and comparing -----------------------------------------------------------------
def run(program: Callable[[Any], Any], lib: Any) -> tuple[Any, BaseException | None]:
    """``(result, None)`` or ``(None, the exception)``."""
    try:
        return program(lib), None
    except Exception as err:  # noqa: BLE001  (any exception is an outcome to compare)
        return None, err


def same_outcome(mine: BaseException | None, theirs: BaseException | None, what: str) -> None:
    """Both raised an exception of the same type, or neither did."""
    if theirs is None and mine is not None:
        raise AssertionError(f"{what}: minigrad raised where PyTorch did not") from mine
    if theirs is not None and mine is None:
        raise AssertionError(f"{what}: PyTorch raised {type(theirs).__name__}: {theirs}; "
                             f"minigrad did not")
    if theirs is not None and not isinstance(mine, type(theirs)):
        raise AssertionError(f"{what}: PyTorch raised {type(theirs).__name__}: {theirs}; "
                             f"minigrad raised {type(mine).__name__}: {mine}") from mine


def dtype_name(dtype: Any) -> str:
    return str(dtype).replace("torch.", "")


def assert_same(mine: Any, theirs: Any, what: str = "result", rtol: float = 1e-9,
                atol: float = 1e-12) -> None:
    """``mine`` (minigrad) is ``theirs`` (PyTorch): structure, and for tensors shape,
    dtype, requires_grad and values."""
    if torch is not None and isinstance(theirs, torch.Tensor):
        assert isinstance(mine, MINE.Tensor), f"{what}: {type(mine).__name__}, not a Tensor"
        assert tuple(mine.shape) == tuple(theirs.shape), \
            f"{what}: shape {tuple(mine.shape)} != PyTorch's {tuple(theirs.shape)}"
        assert dtype_name(mine.dtype) == dtype_name(theirs.dtype), \
            f"{what}: dtype {mine.dtype} != PyTorch's {theirs.dtype}"
        assert mine.requires_grad == theirs.requires_grad, \
            f"{what}: requires_grad {mine.requires_grad} != PyTorch's {theirs.requires_grad}"
        np.testing.assert_allclose(mine.detach().numpy(), theirs.detach().numpy(), rtol=rtol,
                                   atol=atol, err_msg=what)
    elif isinstance(theirs, dict):
        assert isinstance(mine, dict) and mine.keys() == theirs.keys(), what
        for key in theirs:
            assert_same(mine[key], theirs[key], f"{what}[{key!r}]", rtol, atol)
    elif isinstance(theirs, (tuple, list)):
        assert isinstance(mine, (tuple, list)) and len(mine) == len(theirs), \
            f"{what}: {mine!r} != {theirs!r}"
        for i, (a, b) in enumerate(zip(mine, theirs)):
            assert_same(a, b, f"{what}[{i}]", rtol, atol)
    else:
        assert mine == theirs, f"{what}: {mine!r} != PyTorch's {theirs!r}"


def compare(program: Callable[[Any], Any], what: str = "program", **tolerances: float
            ) -> Any:
    """Run ``program`` in both libraries and compare (see the module docstring).

    Returns PyTorch's exception if both raised, else None.
    """
    mine, my_error = run(program, MINE)
    theirs, their_error = run(program, torch)
    same_outcome(my_error, their_error, what)
    if their_error is None:
        assert_same(mine, theirs, what, **tolerances)
    return their_error


def both_raise(program: Callable[[Any], Any], error: type, match: str | None = None) -> None:
    """PyTorch raises ``error`` (checked, so the test pins real PyTorch behaviour), and so
    does minigrad, with a message matching ``match`` if given."""
    with pytest.raises(error):
        program(torch)
    with pytest.raises(error, match=match):
        program(MINE)
