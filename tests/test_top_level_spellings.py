"""Top-level names PyTorch programs use: functional ops under torch.*, ATen's argument
orders (torch.dropout, torch.layer_norm), finfo/iinfo, and the process-wide switches.
Each is compared with PyTorch on the same inputs: values, gradients and the errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)
X4 = rng.standard_normal((2, 4, 6, 6))
X3 = rng.standard_normal((2, 4, 9))
A, B = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))

CALLS = [  # (name, arrays, a function of the library and its tensors)
    ("conv2d", [X4, rng.standard_normal((3, 4, 3, 3))], lambda L, x, w: L.conv2d(x, w, None, 1, 1)),
    ("conv1d", [X3, rng.standard_normal((2, 4, 3))], lambda L, x, w: L.conv1d(x, w, stride=2)),
    ("conv_transpose2d", [X4, rng.standard_normal((4, 2, 3, 3))],
     lambda L, x, w: L.conv_transpose2d(x, w, None, 2, 1, 1)),
    ("conv_transpose1d", [X3, rng.standard_normal((4, 2, 3))],
     lambda L, x, w: L.conv_transpose1d(x, w, stride=2)),
    ("max_pool2d", [X4], lambda L, x: L.max_pool2d(x, 2)),
    ("max_pool1d", [X3], lambda L, x: L.max_pool1d(x, 3, 2, 1)),
    ("avg_pool1d", [X3], lambda L, x: L.avg_pool1d(x, 3, 2, 1, False, False)),
    ("adaptive_avg_pool1d", [X3], lambda L, x: L.adaptive_avg_pool1d(x, 4)),
    ("cosine_similarity", [A, B], lambda L, a, b: L.cosine_similarity(a, b, 0)),
    ("pairwise_distance", [A, B], lambda L, a, b: L.pairwise_distance(a, b, 3.0, 1e-6, True)),
    ("pixel_shuffle", [X4], lambda L, x: L.pixel_shuffle(x, 2)),
    ("pixel_unshuffle", [X4], lambda L, x: L.pixel_unshuffle(x, 3)),
    ("bilinear", [A, B, rng.standard_normal((2, 5, 5)), rng.standard_normal(2)],
     lambda L, a, b, w, c: L.bilinear(a, b, w, c)),
    ("layer_norm", [X3, rng.standard_normal(9), rng.standard_normal(9)],
     lambda L, x, w, b: L.layer_norm(x, [9], w, b, 1e-5, True)),
    ("group_norm", [X4, rng.standard_normal(4), rng.standard_normal(4)],
     lambda L, x, w, b: L.group_norm(x, 2, w, b, 1e-5, True)),
    ("dropout, not training", [A], lambda L, a: L.dropout(a, p=0.3, train=False)),
    ("alpha_dropout, not training", [A], lambda L, a: L.alpha_dropout(a, 0.3, False)),
    ("feature_alpha_dropout, not training", [A], lambda L, a: L.feature_alpha_dropout(a, 0.3, False)),
    ("detach", [A], lambda L, a: L.detach(a) * 1),
]


@pytest.mark.parametrize("name, arrays, call", CALLS, ids=[c[0] for c in CALLS])
def test_top_level_functions_match_torch(name, arrays, call):
    results = []
    for lib in (minigrad, torch):
        tensors = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = call(lib, *tensors)
        grads = [None] * len(tensors)
        if out.requires_grad:
            grads = lib.autograd.grad((out * out).sum(), tensors, allow_unused=True)
        results.append((out, grads))
    (ours, our_grads), (theirs, their_grads) = results
    assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype) in str(theirs.dtype)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-9, atol=1e-9)
    assert ours.requires_grad == theirs.requires_grad
    for g, h in zip(our_grads, their_grads):
        assert (g is None) == (h is None)
        if g is not None:
            np.testing.assert_allclose(g.numpy(), h.numpy(), rtol=1e-8, atol=1e-9)


def test_dropout_in_training_keeps_or_scales_as_torch():
    x = minigrad.ones(1000)
    out = minigrad.dropout(x, 0.25, True).numpy()
    assert set(np.unique(out)) <= {0.0, np.float32(1 / 0.75)} and 0 < (out == 0).sum() < 1000


def _outcome(call):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "ok", call()
    except Exception as error:  # noqa: BLE001  (the type is what is compared)
        return type(error).__name__, None


@pytest.mark.parametrize("code", [
    "L.dropout(L.ones(3), 0.5)", "L.dropout(L.ones(3), 1.5, True)",
    "L.alpha_dropout(L.ones(3), -0.1, True)", "L.feature_alpha_dropout(L.ones(3, 2), 2, False)",
    "L.is_complex(3)",
    "L.is_same_size(L.ones(2), 3)", "L.detach([1.0])", "L.finfo(L.int64)", "L.iinfo(L.float32)",
    "L.iinfo(L.bool)", "L.finfo(3)", "L.finfo('float32')", "L.iinfo('int64')", "L.finfo(float)",
    "L.iinfo(int)", "L.use_deterministic_algorithms(1)",
    "L.use_deterministic_algorithms(False, warn_only=2)", "L.set_float32_matmul_precision(3)",
])
def test_bad_arguments_raise_as_in_torch(code):
    ours, theirs = (_outcome(lambda: eval(code, {"L": lib})) for lib in (minigrad, torch))
    assert ours[0] == theirs[0], f"{code}: minigrad {ours[0]}, torch {theirs[0]}"


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", None])
def test_finfo_matches_torch(dtype):
    ours = minigrad.finfo(getattr(minigrad, dtype)) if dtype else minigrad.finfo()
    theirs = torch.finfo(getattr(torch, dtype)) if dtype else torch.finfo()
    for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"):
        value = getattr(ours, field)
        assert type(value) is type(getattr(theirs, field)) and value == getattr(theirs, field)
    assert ours.dtype == theirs.dtype and repr(ours) == repr(theirs)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_matches_torch(dtype):
    ours, theirs = minigrad.iinfo(getattr(minigrad, dtype)), torch.iinfo(getattr(torch, dtype))
    assert (ours.bits, ours.min, ours.max, ours.dtype) == (theirs.bits, theirs.min,
                                                           theirs.max, theirs.dtype)
    assert type(ours.max) is int and repr(ours) == repr(theirs)


def test_the_switches_report_what_was_set(monkeypatch):
    from minigrad import settings
    monkeypatch.setattr(settings, "_state", dict(settings._state))
    assert minigrad.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    minigrad.set_float32_matmul_precision("medium")
    with pytest.warns(UserWarning, match="no effect"):
        minigrad.set_float32_matmul_precision("low")
    assert minigrad.get_float32_matmul_precision() == "medium"
    assert not minigrad.are_deterministic_algorithms_enabled()
    minigrad.use_deterministic_algorithms(True, warn_only=True)
    assert minigrad.are_deterministic_algorithms_enabled()
    assert minigrad.is_deterministic_algorithms_warn_only_enabled()
