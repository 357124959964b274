"""``assert_close``: PyTorch's assertion that two tensors (or numbers, or nested sequences
and mappings of them) are equal up to a tolerance chosen by their dtype."""
from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Callable

import numpy as np

from ..size import Size
from ..tensor import Tensor

# (rtol, atol) by dtype, as PyTorch's defaults; exact for integers and bool.
_TOLERANCES = {np.dtype(np.float16): (1e-3, 1e-5), np.dtype(np.float32): (1.3e-6, 1e-5),
               np.dtype(np.float64): (1e-7, 1e-7)}


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True,
                 rtol: float | None = None, atol: float | None = None, equal_nan: bool = False,
                 check_device: bool = True, check_dtype: bool = True, check_layout: bool = True,
                 check_stride: bool = False, msg: str | Callable[[str], str] | None = None
                 ) -> None:
    """Raise an AssertionError unless ``actual`` and ``expected`` are close, as
    ``torch.testing.assert_close``.

    Tensors must have the same shape (and dtype, with ``check_dtype``), and every element
    must satisfy ``|actual - expected| <= atol + rtol * |expected|``; infinities must
    match exactly, and NaNs only count as equal with ``equal_nan``. Without ``rtol`` and
    ``atol`` (give both or neither) the tolerances come from the dtype: 1.3e-6 and 1e-5
    for float32, 1e-7 and 1e-7 for float64, 1e-3 and 1e-5 for float16, exact for integers.
    Python numbers compare the same way (their types must match), NumPy arrays as tensors,
    None only with None; sequences and mappings compare item by item.

    Parameters
    ----------
    actual, expected : Tensor, number, sequence or mapping
    rtol, atol : float, optional
    equal_nan : bool
    check_dtype : bool
    msg : str or callable, optional
        Replaces the message of the AssertionError; a callable gets the message and
        returns the one to raise.
    check_stride : bool
        Also require the same strides.
    check_device, check_layout, allow_subclasses
        Accepted for compatibility (minigrad has one device and one layout).
    """
    if (rtol is None) != (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got "
                         f"no {missing}.")
    try:
        _compare(actual, expected, rtol, atol, equal_nan, (check_dtype, check_stride), [])
    except AssertionError as error:
        if callable(msg):
            raise AssertionError(msg(str(error))) from None
        if msg is not None:
            raise AssertionError(msg) from None
        raise AssertionError(str(error)) from None


def assert_allclose(actual: Any, expected: Any, rtol: float | None = None,
                    atol: float | None = None, equal_nan: bool = True, msg: str = "") -> None:
    """Deprecated form of `assert_close` (warns, as PyTorch): no dtype check, NaNs equal."""
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be "
                  "removed in a future release. Please use `torch.testing.assert_close()` "
                  "instead.", FutureWarning, stacklevel=2)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_dtype=False, msg=msg or None)


def _compare(actual: Any, expected: Any, rtol: float | None, atol: float | None,
             equal_nan: bool, checks: tuple[bool, bool], path: list) -> None:
    """``checks``: (check_dtype, check_stride)."""
    check_dtype, check_stride = checks
    if actual is None or expected is None:
        if actual is not expected:
            raise AssertionError(f"None mismatch: {actual} is not {expected}")
        return None
    if isinstance(actual, Tensor) and isinstance(expected, Tensor):
        if check_stride and actual.shape == expected.shape and \
                actual.stride() != expected.stride():
            raise AssertionError(f"The values for attribute 'stride()' do not match: "
                                 f"{actual.stride()} != {expected.stride()}.")
        return _compare_arrays(actual.detach().numpy(), expected.detach().numpy(), rtol, atol,
                               equal_nan, check_dtype, path, "Tensor-likes")
    if type(actual) is np.ndarray and type(expected) is np.ndarray:
        return _compare_arrays(actual, expected, rtol, atol, equal_nan, check_dtype, path,
                               "Tensor-likes")
    if _is_number(actual) and _is_number(expected):
        if type(actual) is not type(expected) and check_dtype:
            raise AssertionError(f"The (d)types do not match: {type(actual)} != "
                                 f"{type(expected)}.")
        return _compare_arrays(np.asarray(actual, np.float64 if isinstance(actual, float)
                                          else None),
                               np.asarray(expected, np.float64 if isinstance(expected, float)
                                          else None),
                               rtol, atol, equal_nan, False, path, "Scalars")
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if set(actual) != set(expected):
            raise AssertionError(f"The keys of the mappings do not match: {sorted(map(str, actual))} "
                                 f"!= {sorted(map(str, expected))}")
        for key in actual:
            _compare(actual[key], expected[key], rtol, atol, equal_nan, checks, path + [key])
        return None
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise AssertionError(f"The length of the sequences mismatch: {len(actual)} != "
                                 f"{len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, rtol, atol, equal_nan, checks, path + [i])
        return None
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and "
                    f"{type(expected)}.")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, bool, complex)) and not isinstance(value, Tensor)


def _is_sequence(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str)


def _compare_arrays(actual: np.ndarray, expected: np.ndarray, rtol: float | None,
                    atol: float | None, equal_nan: bool, check_dtype: bool, path: list,
                    kind: str) -> None:
    where = f"\n\nThe failure occurred for item {''.join(f'[{p!r}]' for p in path)}" if path \
        else ""
    if actual.shape != expected.shape:
        raise AssertionError(f"The values for attribute 'shape' do not match: "
                             f"{Size(actual.shape)} != {Size(expected.shape)}.{where}")
    if check_dtype and actual.dtype != expected.dtype:
        raise AssertionError(f"The values for attribute 'dtype' do not match: "
                             f"minigrad.{actual.dtype} != minigrad.{expected.dtype}.{where}")
    if rtol is None:
        rtol, atol = _TOLERANCES.get(np.promote_types(actual.dtype, expected.dtype), (0.0, 0.0))
    common = np.promote_types(actual.dtype, expected.dtype)
    a, e = actual.astype(np.float64), expected.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        close = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan) | (a == e)
        if close.all():
            return
        # The differences are reported in the inputs' own precision, as PyTorch does.
        precise = common if common.kind == "f" else np.dtype(np.float32)
        exact_ints = np.dtype(np.int64) if common.kind in "iub" else precise
        difference = np.abs(actual.astype(exact_ints) - expected.astype(exact_ints))
        relative = (np.abs(actual.astype(precise) - expected.astype(precise))
                    / np.abs(expected.astype(precise)))
    exact = rtol == 0 and atol == 0
    verdict = "equal" if exact else "close"
    if kind == "Scalars" or actual.ndim == 0:
        raise AssertionError(
            f"Scalars are not {verdict}!\n\nExpected {e.item()} but got {a.item()}.\n"
            f"Absolute difference: {difference.item()}{_allowed(atol, exact)}\n"
            f"Relative difference: {relative.item()}{_allowed(rtol, exact)}{where}")
    bad = ~close
    worst_abs = _worst(difference, bad)
    worst_rel = _worst(relative, bad)
    count, total = int(bad.sum()), a.size
    raise AssertionError(
        f"{kind} are not {verdict}!\n\nMismatched elements: {count} / {total} "
        f"({100 * count / total:.1f}%)\n"
        f"Greatest absolute difference: {difference[worst_abs]} at index "
        f"{tuple(int(i) for i in worst_abs)}{_allowed(atol, exact)}\n"
        f"Greatest relative difference: {relative[worst_rel]} at index "
        f"{tuple(int(i) for i in worst_rel)}{_allowed(rtol, exact)}{where}")


def _worst(difference: np.ndarray, bad: np.ndarray) -> tuple:
    """The index of the largest difference among the mismatches (a NaN counts as largest)."""
    ranked = np.where(bad, np.nan_to_num(difference, nan=np.inf), -1.0)
    return np.unravel_index(np.argmax(ranked), difference.shape)


def _allowed(tolerance: float, exact: bool) -> str:
    return "" if exact else f" (up to {tolerance} allowed)"
