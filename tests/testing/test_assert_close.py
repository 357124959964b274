"""minigrad.testing.assert_close against torch.testing.assert_close: the same inputs pass,
and the same ones fail with the same exception and the same report."""
from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")
NAN, INF = math.nan, math.inf

CASES = [  # (actual, expected, keyword arguments); lists of floats become tensors
    ([1.0, 2.0, 3.0], [1.0, 2.1, 3.0], {}),
    ([1.0, 2.0, 3.0], [1.0, 2.0 + 1e-6, 3.0], {}),
    ([1.0, 2.0], [1.0, 2.0 + 1e-3], dict(rtol=1e-3, atol=0.0)),
    ([[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.5], [3.0, 4.0]], {}),
    ([1.0, 2.0], [1.0, 2.0, 3.0], {}),
    ([NAN, 1.0], [NAN, 1.0], {}),
    ([NAN, 1.0], [NAN, 1.0], dict(equal_nan=True)),
    ([1.0, INF], [1.0, INF], {}),
    ([1.0, INF], [1.0, -INF], {}),
    ([1.0], [1.0], dict(rtol=1e-3)),
    ([1.0, 2.0], [1.0, 2.5], dict(msg="custom message")),
]


def _tensor(lib, value, dtype):
    return lib.tensor(value, dtype=dtype) if isinstance(value, list) else value


def _outcome(lib, actual, expected, kwargs, dtype=None):
    try:
        lib.testing.assert_close(_tensor(lib, actual, dtype), _tensor(lib, expected, dtype),
                                 **kwargs)
    except Exception as error:  # noqa: BLE001  (the type is what is compared)
        return type(error), str(error).splitlines()
    return None, []


@pytest.mark.parametrize("actual, expected, kwargs", CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_same_verdict_and_report_as_torch(actual, expected, kwargs, dtype):
    ours = _outcome(minigrad, actual, expected, kwargs, getattr(minigrad, dtype))
    theirs = _outcome(torch, actual, expected, kwargs, getattr(torch, dtype))
    assert ours[0] is theirs[0]
    if ours[1]:
        # "Tensor-likes are not close!", "The values for attribute 'shape' ...", ...
        assert ours[1][0].replace("minigrad", "torch") == theirs[1][0]
        mismatched = [line for line in theirs[1] if line.startswith("Mismatched")]
        assert [line for line in ours[1] if line.startswith("Mismatched")] == mismatched


@pytest.mark.parametrize("make", [
    lambda lib: (lib.tensor([1, 2]), lib.tensor([1, 3])),         # ints: exact
    lambda lib: (lib.tensor([1.0]), lib.tensor([1.0], dtype=lib.float64)),
    lambda lib: (lib.tensor(1.0), 1.0),                           # tensor and number
    lambda lib: (1, 1.0),                                         # int and float
    lambda lib: (1.0, 1.0 + 1e-9),
    lambda lib: ([lib.tensor(1.0), 2.0], [lib.tensor(1.0), 2.0]),
    lambda lib: ([1.0], [1.0, 2.0]),
    lambda lib: ({"a": lib.tensor(1.0)}, {"a": lib.tensor(2.0)}),
    lambda lib: (lib.tensor([1.0, 2.0]), np.array([1.0, 2.0], np.float32)),
    lambda lib: (np.array([1.0, 2.0]), np.array([1.0, 3.0])),      # ndarrays: as tensors
    lambda lib: (np.array([1.0, 2.0]), np.array([1.0, 2.0])),
    lambda lib: (np.array([1.0]), np.array([1.0], np.float32)),
    lambda lib: (None, None),
    lambda lib: (None, 1),
    lambda lib: ((1.0, None), (1.0, 2.0)),  # (tuples: lists become tensors here)
    lambda lib: (lib.tensor([1.0, 2.0], dtype=lib.float16), lib.tensor([1.0, 2.001],
                                                                       dtype=lib.float16)),
    lambda lib: (lib.tensor([1.0, 2.0], dtype=lib.float16), lib.tensor([1.0, 2.01],
                                                                       dtype=lib.float16)),
])
def test_other_inputs_as_torch(make):
    outcomes = []
    for lib in (minigrad, torch):
        actual, expected = make(lib)
        outcomes.append(_outcome(lib, actual, expected, {}))
    assert outcomes[0][0] is outcomes[1][0]
    if outcomes[0][1]:
        ours = outcomes[0][1][0].replace("minigrad.tensor.Tensor", "torch.Tensor")
        assert ours.replace("minigrad", "torch") == outcomes[1][1][0]


def test_tolerances_come_in_pairs():
    for lib in (minigrad, torch):
        with pytest.raises(ValueError, match="Both 'rtol' and 'atol'"):
            lib.testing.assert_close(lib.ones(1), lib.ones(1), rtol=1e-3)


def test_assert_allclose_is_deprecated_and_ignores_dtypes():
    with pytest.warns(FutureWarning, match="deprecated"):
        minigrad.testing.assert_allclose(minigrad.ones(2), minigrad.ones(2, dtype=minigrad.float64))


@pytest.mark.parametrize("make, kwargs", [
    (lambda lib: (lib.ones(2, 3).t(), lib.ones(3, 2)), dict(check_stride=True)),
    (lambda lib: (lib.ones(2, 3).t(), lib.ones(3, 2)), dict(check_stride=False)),
    (lambda lib: (lib.ones(2, 3).t().contiguous(), lib.ones(3, 2)), dict(check_stride=True)),
    (lambda lib: (lib.ones(2), lib.ones(2)), dict(check_device=False, check_layout=False)),
    (lambda lib: (lib.ones(2), lib.ones(3)), dict(msg=lambda m: "<<" + m)),
    (lambda lib: (lib.ones(2), lib.ones(2, dtype=lib.float64)), dict(msg=lambda m: m.upper())),
    (lambda lib: (lib.tensor([1.0]), lib.tensor([1.2])), dict(msg=lambda m: m[:20])),
    (lambda lib: (lib.ones(2), lib.ones(2, dtype=lib.float64)), dict(check_dtype=False)),
])
def test_flags_and_callable_messages_as_torch(make, kwargs):
    outcomes = []
    for lib in (minigrad, torch):
        actual, expected = make(lib)
        outcomes.append(_outcome(lib, actual, expected, kwargs))
    assert outcomes[0][0] is outcomes[1][0]
    assert [line.replace("MINIGRAD", "TORCH").replace("minigrad", "torch")
            for line in outcomes[0][1]] == outcomes[1][1]
