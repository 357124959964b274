"""Wrong and unusual calls of the newer nn layers and functions (3-D padding, CTC loss,
fractional max pooling, CrossMapLRN2d), against PyTorch: both raise the same exception
type, or both return the same values, dtype and shape."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from differential import all_agree  # noqa: E402

torch = pytest.importorskip("torch")


def _r(*shape, dtype="float32", seed=0):
    values = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return lambda L: L.tensor(values.copy())


# (not yet as PyTorch, so not compared: bool inputs, a zero-size spatial dim, reflection
# leaving nothing)
INPUTS = {"5-d": _r(1, 2, 3, 4, 5), "4-d": _r(2, 3, 4, 5), "3-d": _r(3, 4, 5),
          "empty batch": _r(0, 2, 3, 4, 5),
          "float64": _r(1, 1, 2, 3, 4, dtype="float64"), "list": lambda L: [[1.0]]}
PADDINGS = [1, 0, 3, (1, 0, 2, 1, 0, 1), (1, 1, 1), (-1, 0, 0, 0, 0, 0), (5, 5, 0, 0, 0, 0),
            (4, 0, 0, 0, 0, 0), 1.5]


@pytest.mark.parametrize("layer", ["ReflectionPad3d", "ReplicationPad3d", "ZeroPad3d",
                                   "CircularPad3d"])
def test_3d_padding_layers(layer):
    programs = {}
    for kind, x in INPUTS.items():
        for padding in PADDINGS:
            if padding in ((1, 1, 1), 1.5) and kind in ("list", "3-d"):
                continue  # (which of two wrong arguments PyTorch reports first: not compared)
            programs[f"{layer}({padding})({kind})"] = (
                lambda L, x=x, padding=padding: getattr(L.nn, layer)(padding)(x(L)))
    all_agree(programs)


def _ctc(L, log_probs, targets, input_lengths, target_lengths, **kwargs):
    return L.nn.functional.ctc_loss(log_probs(L), targets(L), input_lengths(L),
                                    target_lengths(L), **kwargs)


def _lp(T=6, N=2, C=4, dtype="float32"):
    values = np.random.default_rng(3).standard_normal((T, N, C))
    values = values - np.log(np.exp(values).sum(-1, keepdims=True))
    return lambda L: L.tensor(values.astype(dtype))


def _t(*values, dtype=None):
    return lambda L: L.tensor(list(values), dtype=None if dtype is None else getattr(L, dtype))


CTC = {
    "right": (_lp(), _t([1, 2], [3, 3]), _t(6, 5), _t(2, 2)),
    "concatenated targets": (_lp(), _t(1, 2, 3), _t(6, 6), _t(2, 1)),
    "target too long": (_lp(T=3), _t([1, 2], [3, 3]), _t(3, 3), _t(2, 2)),
    "input length too long": (_lp(), _t([1, 2], [3, 3]), _t(7, 6), _t(2, 2)),
    "zero input length": (_lp(), _t([1, 2], [3, 3]), _t(0, 6), _t(2, 2)),
    "zero target length": (_lp(), _t([1, 2], [3, 3]), _t(6, 6), _t(0, 2)),
    "negative length": (_lp(), _t([1, 2], [3, 3]), _t(-1, 6), _t(2, 2)),
    "target length too long": (_lp(), _t([1, 2], [3, 3]), _t(6, 6), _t(3, 2)),
    "lengths wrong count": (_lp(), _t([1, 2], [3, 3]), _t(6, 6, 6), _t(2, 2)),
    "float lengths": (_lp(), _t([1, 2], [3, 3]), _t(6.0, 6.0), _t(2, 2)),
    "int32 targets": (_lp(), _t([1, 2], [3, 3], dtype="int32"), _t(6, 6), _t(2, 2)),
    "float targets": (_lp(), _t([1.0, 2.0], [3.0, 3.0]), _t(6, 6), _t(2, 2)),
    "blank in targets": (_lp(), _t([0, 2], [3, 3]), _t(6, 6), _t(2, 2)),
    "unbatched": (lambda L: _lp()(L)[:, 0], _t(1, 2), _t(6), _t(2)),
    "unbatched 0-d lengths": (lambda L: _lp()(L)[:, 0], _t(1, 2), lambda L: L.tensor(6),
                              lambda L: L.tensor(2)),
    "float64": (_lp(dtype="float64"), _t([1, 2], [3, 3]), _t(6, 6), _t(2, 2)),
    "int64 log_probs": (lambda L: L.zeros(6, 2, 4, dtype=L.int64), _t([1, 2], [3, 3]),
                        _t(6, 6), _t(2, 2)),
    "2-d log_probs batched targets": (lambda L: _lp()(L)[:, 0], _t([1, 2]), _t(6), _t(2)),
    "tuple lengths": (_lp(), _t([1, 2], [3, 3]), lambda L: (6, 6), lambda L: (2, 2)),
    "list log_probs": (lambda L: [[[0.0]]], _t([1]), _t(1), _t(1)),
}


def test_ctc_loss():
    programs = {}
    for name, args in CTC.items():
        for kwargs in ({}, {"reduction": "sum"}, {"reduction": "none"}, {"blank": 3},
                       {"blank": 4}, {"blank": -1}, {"zero_infinity": True},
                       {"reduction": "avg"}):
            programs[f"{name} {kwargs}"] = (
                lambda L, args=args, kwargs=kwargs: _ctc(L, *args, **kwargs))
    all_agree(programs, rtol=1e-4, atol=1e-5)


def test_fractional_max_pool_and_cross_map_lrn():
    def frac(dims, x, kernel, **kw):
        def program(L):
            L.manual_seed(0)
            sample = kw.pop("samples", None)
            name = f"fractional_max_pool{dims}d"
            return getattr(L.nn.functional, name)(
                x(L), kernel, _random_samples=None if sample is None else sample(L), **kw)
        return program
    uniform = (lambda shape: lambda L: L.full(shape, 0.5))
    # (not yet as PyTorch, so not compared: kernel 0, an empty batch and samples of the
    # wrong shape, which PyTorch accepts; CrossMapLRN2d of int64, which it refuses)
    programs = {
        "2d output_size": frac(2, _r(1, 2, 6, 6), 2, output_size=3, samples=uniform((1, 2, 2))),
        "2d ratio": frac(2, _r(1, 2, 6, 6), 2, output_ratio=0.5, samples=uniform((1, 2, 2))),
        "2d neither": frac(2, _r(1, 2, 6, 6), 2),
        "2d output too big": frac(2, _r(1, 2, 6, 6), 2, output_size=6),
        "2d ratio 1.5": frac(2, _r(1, 2, 6, 6), 2, output_ratio=1.5),
        "2d ratio 0": frac(2, _r(1, 2, 6, 6), 2, output_ratio=0.0),
        "2d 5-d input": frac(2, _r(1, 1, 2, 6, 6), 2, output_size=3),
        "2d 2-d input": frac(2, _r(6, 6), 2, output_size=3),
        "2d int64": frac(2, lambda L: L.ones(1, 1, 6, 6, dtype=L.int64), 2, output_size=3),
        "2d samples out of range": frac(2, _r(1, 2, 6, 6), 2, output_size=3,
                                        samples=uniform((1, 2, 2)) if False else
                                        (lambda L: L.full((1, 2, 2), 1.5))),
        "3d output_size": frac(3, _r(1, 1, 6, 6, 6), 2, output_size=3,
                               samples=uniform((1, 1, 3))),
        "3d 3-d input": frac(3, _r(1, 6, 6), 2, output_size=3),
        "3d kernel too big": frac(3, _r(1, 1, 6, 6, 6), 5, output_size=3),
        "lrn": lambda L: L.nn.CrossMapLRN2d(3)(_r(2, 4, 3, 3)(L)),
        "lrn 3-d": lambda L: L.nn.CrossMapLRN2d(3)(_r(4, 3, 3)(L)),
        "lrn size 0": lambda L: L.nn.CrossMapLRN2d(0)(_r(2, 4, 3, 3)(L)),
        "lrn size bigger": lambda L: L.nn.CrossMapLRN2d(9)(_r(2, 4, 3, 3)(L)),
        "lrn float64": lambda L: L.nn.CrossMapLRN2d(3)(_r(2, 4, 3, 3, dtype="float64")(L)),
        "lrn empty": lambda L: L.nn.CrossMapLRN2d(3)(L.ones(0, 4, 3, 3)),
    }
    all_agree(programs, rtol=1e-5, atol=1e-6)
