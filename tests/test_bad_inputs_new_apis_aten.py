"""Wrong and unusual calls of the aten-level functions (``convolution``,
``constant_pad_nd``, ``rms_norm``, ``native_*``, ``range``, the losses taking an integer
reduction) and of ``index_reduce``, ``nonzero_static``, ``empty_permuted``, ``gradient``,
``histogramdd`` and ``segment_reduce``, against PyTorch: both raise the same exception
type, or both return the same values, dtype, shape and requires_grad."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from differential import all_agree, compare

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")


def _r(*shape, dtype="float32", seed=0):
    values = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return lambda L: L.tensor(values.copy())


X4, W4 = _r(1, 2, 5, 5), _r(3, 2, 3, 3, seed=1)

CONVOLUTION = {
    "right": (X4, W4, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
    "bias": (X4, W4, _r(3), [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
    "bias of wrong size": (X4, W4, _r(4), [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
    "stride 0": (X4, W4, None, [0, 1], [0, 0], [1, 1], False, [0, 0], 1),
    "negative padding": (X4, W4, None, [1, 1], [-1, 0], [1, 1], False, [0, 0], 1),
    "dilation 0": (X4, W4, None, [1, 1], [0, 0], [0, 1], False, [0, 0], 1),
    "kernel too big": (X4, _r(3, 2, 6, 6), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
    "groups 0": (X4, W4, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 0),
    "groups not dividing": (X4, W4, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 2),
    "channel mismatch": (X4, _r(3, 3, 3, 3), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
    "weight 3-d": (X4, _r(3, 2, 3), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
    "1 stride for 2 dims": (X4, W4, None, [2], [0], [1], False, [0], 1),
    "stride as int": (X4, W4, None, 1, [0, 0], [1, 1], False, [0, 0], 1),
    "int64 input": (_r(1, 2, 5, 5, dtype="int64"), W4, None, [1, 1], [0, 0], [1, 1], False,
                    [0, 0], 1),
    "float64 weight": (X4, _r(3, 2, 3, 3, dtype="float64"), None, [1, 1], [0, 0], [1, 1],
                       False, [0, 0], 1),
    "transposed": (X4, _r(2, 3, 3, 3), None, [2, 2], [1, 1], [1, 1], True, [1, 1], 1),
    "transposed output_padding too big": (X4, _r(2, 3, 3, 3), None, [2, 2], [1, 1], [1, 1],
                                          True, [2, 2], 1),
    "empty batch": (_r(0, 2, 5, 5), W4, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
    "1-d": (_r(2, 2, 7), _r(3, 2, 3), None, [2], [1], [1], False, [0], 1),
    "unbatched 3-d": (_r(2, 5, 5), W4, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
    "list input": (lambda L: [[1.0]], W4, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
}


def _convolution(spec):
    x, w, b, *rest = spec
    return lambda L: L.convolution(x(L), w(L), None if b is None else b(L), *rest)


def test_convolution():
    all_agree({name: _convolution(spec) for name, spec in CONVOLUTION.items()},
              rtol=1e-4, atol=1e-5)


PADS = [[1, 1], [1], [], [-1, -1], [-3, 0], [-2, -2, 1, 1], [1, 1, 1, 1, 1, 1, 1],
        [0, 0, 0, 0, 0, 0, 0, 0], [1.5, 1], [-5, 0]]


def test_constant_pad_nd():
    programs = {}
    for pad in PADS:
        for value in (0, 2.5, NAN, True):
            programs[f"pad {pad} value {value}"] = (
                lambda L, pad=pad, value=value: L.constant_pad_nd(L.ones(2, 3), pad, value))
        programs[f"pad {pad} of int64 by 2.5"] = (
            lambda L, pad=pad: L.constant_pad_nd(L.ones(2, 3, dtype=L.int64), pad, 2.5))
        programs[f"pad {pad} of an empty tensor"] = (
            lambda L, pad=pad: L.constant_pad_nd(L.ones(0, 3), pad))
        programs[f"pad {pad} of 0-d"] = lambda L, pad=pad: L.constant_pad_nd(L.tensor(1.0), pad)
    programs["pad a list"] = lambda L: L.constant_pad_nd([1.0], [1, 1])
    programs["pad None"] = lambda L: L.constant_pad_nd(L.ones(2), None)
    all_agree(programs)


@given(shape=st.lists(st.integers(0, 3), min_size=1, max_size=3),
       pad=st.lists(st.integers(-3, 3), min_size=0, max_size=7))
def test_constant_pad_nd_random_pads(shape, pad):
    compare(lambda L: L.constant_pad_nd(L.arange(float(np.prod(shape))).reshape(shape), pad,
                                        -1.0), f"constant_pad_nd {shape} {pad}")


NORMS = {
    "rms right": lambda L: L.rms_norm(_r(2, 3)(L), [3]),
    "rms weight": lambda L: L.rms_norm(_r(2, 3)(L), [3], _r(3)(L), 1e-3),
    "rms shape wrong": lambda L: L.rms_norm(_r(2, 3)(L), [2]),
    "rms shape too long": lambda L: L.rms_norm(_r(2, 3)(L), [1, 2, 3]),
    "rms shape empty": lambda L: L.rms_norm(_r(2, 3)(L), []),
    "rms shape int": lambda L: L.rms_norm(_r(2, 3)(L), 3),
    "rms weight wrong": lambda L: L.rms_norm(_r(2, 3)(L), [3], _r(2)(L)),
    "rms int64": lambda L: L.rms_norm(L.ones(2, 3, dtype=L.int64), [3]),
    "rms float64 weight": lambda L: L.rms_norm(_r(2, 3)(L), [3], _r(3, dtype="float64")(L)),
    "rms empty": lambda L: L.rms_norm(L.ones(0, 3), [3]),
    "rms zero size norm": lambda L: L.rms_norm(L.ones(2, 0), [0]),
    "rms eps negative": lambda L: L.rms_norm(L.zeros(2, 3), [3], None, -1.0),
    "rms list": lambda L: L.rms_norm([1.0, 2.0], [2]),
    "ln right": lambda L: L.native_layer_norm(_r(2, 3)(L), [3], None, None, 1e-5),
    "ln affine": lambda L: L.native_layer_norm(_r(2, 3)(L), [3], _r(3)(L), _r(3)(L), 1e-5),
    "ln shape wrong": lambda L: L.native_layer_norm(_r(2, 3)(L), [2], None, None, 1e-5),
    "ln bias wrong": lambda L: L.native_layer_norm(_r(2, 3)(L), [3], None, _r(2)(L), 1e-5),
    "ln int64": lambda L: L.native_layer_norm(L.ones(2, 3, dtype=L.int64), [3], None, None,
                                              1e-5),
    "ln empty": lambda L: L.native_layer_norm(L.ones(0, 3), [3], None, None, 1e-5),
    "bn train": lambda L: L.native_batch_norm(_r(4, 3)(L), None, None, None, None, True, 0.1,
                                              1e-5),
    "bn eval": lambda L: L.native_batch_norm(_r(4, 3)(L), None, None, L.zeros(3), L.ones(3),
                                             False, 0.1, 1e-5),
    "bn 1-d": lambda L: L.native_batch_norm(_r(4)(L), None, None, None, None, True, 0.1, 1e-5),
    "bn int64": lambda L: L.native_batch_norm(L.ones(4, 3, dtype=L.int64), None, None, None,
                                              None, True, 0.1, 1e-5),
    "bn empty": lambda L: L.native_batch_norm(L.ones(0, 3), None, None, None, None, True, 0.1,
                                              1e-5),
    "dropout p 0": lambda L: L.native_dropout(_r(3)(L), 0.0, True),
    "dropout eval": lambda L: L.native_dropout(_r(3)(L), 0.5, False),
    "dropout p 2": lambda L: L.native_dropout(_r(3)(L), 2.0, True),
    "dropout p -1": lambda L: L.native_dropout(_r(3)(L), -1.0, True),
    "dropout p 1": lambda L: L.native_dropout(_r(3)(L), 1.0, True),
    "dropout int": lambda L: L.native_dropout(L.ones(3, dtype=L.int64), 0.0, True),
    "dropout list": lambda L: L.native_dropout([1.0], 0.0, True),
    "frobenius": lambda L: L.frobenius_norm(_r(2, 3)(L), [0, 1]),
    "frobenius one dim": lambda L: L.frobenius_norm(_r(2, 3)(L), [1], True),
    "frobenius three dims": lambda L: L.frobenius_norm(_r(2, 3, 2)(L), [0, 1, 2]),
    "frobenius dim out of range": lambda L: L.frobenius_norm(_r(2, 3)(L), [0, 2]),
    "frobenius repeated dim": lambda L: L.frobenius_norm(_r(2, 3)(L), [1, 1]),
    "frobenius int64": lambda L: L.frobenius_norm(L.ones(2, 3, dtype=L.int64), [0, 1]),
}


# (PyTorch's native_batch_norm does not check the sizes of weight and running stats, and
# crashes in eval mode without them: those calls are undefined there and not compared)
def test_norms_and_dropout():
    all_agree(NORMS, rtol=1e-5, atol=1e-6)


RANGES = [(0, 5), (0, 5, 2), (5, 0), (5, 0, -1), (0, 5, 0), (0, 1, 0.3), (0, 5, -1),
          (0.5, 3.7), (0, NAN), (0, INF), (1, 1), ("a", 3)]


def test_range():
    programs = {}
    for args in RANGES:
        programs[f"range{args}"] = lambda L, args=args: L.range(*args)
        if args != (0, 1, 0.3):  # a step truncated to 0 crashes PyTorch (division by zero)
            programs[f"range{args} int64"] = lambda L, args=args: L.range(*args, dtype=L.int64)
        programs[f"range{args} float64"] = lambda L, args=args: L.range(*args, dtype=L.float64)
    all_agree(programs)


def _losses(L, x, y, t, reduction):
    return {
        "bce logits": lambda: L.binary_cross_entropy_with_logits(x, y, None, None, reduction),
        "kl_div": lambda: L.kl_div(x, y, reduction),
        "cosine embedding": lambda: L.cosine_embedding_loss(x, y, t, 0.0, reduction),
        "hinge embedding": lambda: L.hinge_embedding_loss(x, t, 1.0, reduction),
        "margin ranking": lambda: L.margin_ranking_loss(x, y, t, 0.0, reduction),
        "triplet": lambda: L.triplet_margin_loss(x, y, y * 2, 1.0, 2.0, 1e-6, False, reduction),
        "poisson": lambda: L.poisson_nll_loss(x, y, True, False, 1e-8, reduction),
    }


LOSS_INPUTS = {
    "right": (_r(2, 3), _r(2, 3, seed=1), lambda L: L.tensor([1.0, -1.0])),
    "target shape wrong": (_r(2, 3), _r(3, 2, seed=1), lambda L: L.tensor([1.0, -1.0])),
    "label shape wrong": (_r(2, 3), _r(2, 3, seed=1), lambda L: L.tensor([1.0, -1.0, 1.0])),
    "int64 input": (_r(2, 3, dtype="int64"), _r(2, 3, seed=1), lambda L: L.tensor([1, -1])),
    "float64 target": (_r(2, 3), _r(2, 3, dtype="float64"), lambda L: L.tensor([1.0, -1.0])),
    "1-d": (_r(3), _r(3, seed=1), lambda L: L.tensor(1.0)),
    "empty": (_r(0, 3), _r(0, 3), lambda L: L.ones(0)),
    "list": (lambda L: [1.0, 2.0], _r(2), lambda L: L.tensor(1.0)),
}


def test_losses_with_an_integer_reduction():
    programs = {}
    for kind, (x, y, t) in LOSS_INPUTS.items():
        for reduction in (0, 1, 2, 3, -1, "mean"):
            for loss in _losses(torch, None, None, None, 0):
                programs[f"{loss} {kind} reduction={reduction!r}"] = (
                    lambda L, x=x, y=y, t=t, r=reduction, loss=loss:
                    _losses(L, x(L), y(L), t(L), r)[loss]())
    all_agree(programs, rtol=1e-5, atol=1e-6)
