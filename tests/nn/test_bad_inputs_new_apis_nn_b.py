"""Wrong and unusual calls of more newer APIs (adaptive log-softmax, SyncBatchNorm, the RNN
cells, DistributedSampler, parametrizations, pruning, conv-bn fusion, skip_init, Adafactor
and SparseAdam arguments, testing.make_tensor), against PyTorch: both raise the same
exception type, or both return the same values, dtype and shape."""
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


def _seeded(make):
    """``make(L)`` built after seeding both libraries alike (a layer's random weights are
    then the same only where minigrad draws them as PyTorch does, so programs below copy
    weights in explicitly)."""
    def program(L):
        L.manual_seed(0)
        return make(L)
    return program


def _set_params(module, seed=1):
    """Give every parameter of ``module`` fixed values (same in both libraries)."""
    rng = np.random.default_rng(seed)
    with _lib_of(module).no_grad():
        for p in module.parameters():
            p.copy_(_lib_of(module).tensor(
                rng.standard_normal(tuple(p.shape)).astype(np.float32)))
    return module


def _lib_of(module):
    return torch if type(module).__module__.startswith("torch") else sys.modules["minigrad"]


# --- AdaptiveLogSoftmaxWithLoss -------------------------------------------------------------
def _asm(L, in_features=4, n_classes=6, cutoffs=(2, 4), x=(3, 4), target=(0, 3, 5), **kw):
    m = _set_params(L.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, list(cutoffs), **kw))
    out = m(_r(*x)(L), L.tensor(list(target)) if isinstance(target, tuple) else target(L))
    return out.output, out.loss


ASM = {
    "right": {},
    "div_value 2": {"div_value": 2.0},
    "head_bias": {"head_bias": True},
    "cutoffs unsorted": {"cutoffs": (4, 2)},
    "cutoff equal n_classes": {"cutoffs": (2, 6)},
    "cutoff zero": {"cutoffs": (0, 2)},
    "cutoffs repeated": {"cutoffs": (2, 2)},
    "cutoff above n_classes": {"cutoffs": (2, 7)},
    "target out of range": {"target": (0, 3, 6)},
    "negative target": {"target": (0, -1, 5)},
    "wrong batch": {"target": (0, 3)},
    "wrong features": {"x": (3, 5)},
    "unbatched": {"x": (4,), "target": lambda L: L.tensor(3)},
    "3-d input": {"x": (2, 3, 4)},
    "float target": {"target": lambda L: L.tensor([0.0, 3.0, 5.0])},
    "int32 target": {"target": lambda L: L.tensor([0, 3, 5], dtype=L.int32)},
    "bool target": {"target": lambda L: L.tensor([True, False, True])},
    "2-d target": {"target": lambda L: L.tensor([[0, 3, 5]])},
    "empty batch": {"x": (0, 4), "target": lambda L: L.zeros(0, dtype=L.int64)},
}


def test_adaptive_log_softmax():
    programs = {name: (lambda L, kw=kw: _asm(L, **kw)) for name, kw in ASM.items()}

    def method(name, *args):
        def program(L):
            m = _set_params(L.nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2, 4]))
            return getattr(m, name)(*(a(L) for a in args))
        return program
    programs.update({
        "log_prob": method("log_prob", _r(3, 4)),
        "log_prob wrong features": method("log_prob", _r(3, 5)),
        "log_prob 1-d": method("log_prob", _r(4)),
        "predict": method("predict", _r(3, 4)),
        "predict 1-d": method("predict", _r(4)),
        "predict wrong features": method("predict", _r(3, 5)),
    })
    all_agree(programs, rtol=1e-4, atol=1e-5)


# --- SyncBatchNorm -----------------------------------------------------------------------------
SYNC = {
    "4-d": ((3,), _r(2, 3, 4, 4)), "3-d": ((3,), _r(2, 3, 5)), "2-d": ((3,), _r(4, 3)),
    "5-d": ((3,), _r(2, 3, 2, 2, 2)), "1-d": ((3,), _r(3)),
    "wrong channels": ((4,), _r(2, 3, 4, 4)), "float64": ((3,), _r(2, 3, 4, dtype="float64")),
    "no affine": ((3, 1e-5, 0.1, False), _r(2, 3, 4)),
    "no running stats": ((3, 1e-5, 0.1, True, False), _r(2, 3, 4)),
    "one value per channel": ((3,), _r(1, 3)),
}


def test_sync_batch_norm():
    programs = {}
    for name, (args, x) in SYNC.items():
        for train in (True, False):
            def program(L, args=args, x=x, train=train):
                m = L.nn.SyncBatchNorm(*args)
                m.train(train)
                y = m(x(L))
                return y, m.running_mean, m.running_var
            programs[f"{name} train={train}"] = program
    programs["momentum None"] = lambda L: L.nn.SyncBatchNorm(3, momentum=None)(_r(2, 3, 4)(L))
    programs["convert"] = lambda L: type(L.nn.SyncBatchNorm.convert_sync_batchnorm(
        L.nn.Sequential(L.nn.BatchNorm2d(3)))[0]).__name__
    all_agree(programs, rtol=1e-4, atol=1e-5)


# --- RNN cells ---------------------------------------------------------------------------------
CELL_CALLS = {
    "right": (_r(2, 3), None), "with hx": (_r(2, 3), "hx"),
    "unbatched": (_r(3), None), "unbatched hx": (_r(3), "hx1"),
    "wrong input size": (_r(2, 4), None), "3-d input": (_r(1, 2, 3), None),
    "0-d input": (lambda L: L.tensor(1.0), None),
    "hx wrong batch": (_r(2, 3), "hx bad batch"), "hx wrong size": (_r(2, 3), "hx bad size"),
    "hx batched input unbatched": (_r(3), "hx"), "hx 1-d input batched": (_r(2, 3), "hx1"),
    "float64 input": (_r(2, 3, dtype="float64"), None),
    "int input": (lambda L: L.ones(2, 3, dtype=L.int64), None),
    "empty batch": (_r(0, 3), None),
}
HIDDEN = 5


def _hx(L, kind, lstm):
    shapes = {"hx": (2, HIDDEN), "hx1": (HIDDEN,), "hx bad batch": (3, HIDDEN),
              "hx bad size": (2, HIDDEN + 1)}
    if kind is None:
        return None
    h = _r(*shapes[kind], seed=2)(L)
    return (h, _r(*shapes[kind], seed=3)(L)) if lstm else h


@pytest.mark.parametrize("cell", ["RNNCell", "LSTMCell", "GRUCell"])
def test_rnn_cells(cell):
    programs = {}
    for name, (x, hx) in CELL_CALLS.items():
        def program(L, x=x, hx=hx):
            m = _set_params(getattr(L.nn, cell)(3, HIDDEN))
            return m(x(L), _hx(L, hx, cell == "LSTMCell"))
        programs[name] = program
    programs["no bias"] = lambda L: _set_params(getattr(L.nn, cell)(3, HIDDEN, bias=False))(
        _r(2, 3)(L))
    programs["zero hidden"] = lambda L: getattr(L.nn, cell)(3, 0)(_r(2, 3)(L))
    programs["negative hidden"] = lambda L: getattr(L.nn, cell)(3, -1)
    programs["float hidden"] = lambda L: getattr(L.nn, cell)(3, 2.5)
    if cell == "RNNCell":
        programs["relu"] = lambda L: _set_params(L.nn.RNNCell(3, HIDDEN, nonlinearity="relu"))(
            _r(2, 3)(L))
        programs["bad nonlinearity"] = lambda L: L.nn.RNNCell(3, HIDDEN, nonlinearity="gelu")(
            _r(2, 3)(L))
    if cell == "LSTMCell":
        def lstm(hx):
            return lambda L: _set_params(L.nn.LSTMCell(3, HIDDEN))(_r(2, 3)(L), hx(L))
        programs["hx list"] = lstm(lambda L: [L.zeros(2, HIDDEN), L.ones(2, HIDDEN)])
        programs["hx one state"] = lstm(lambda L: (L.zeros(2, HIDDEN),))
        programs["hx three states"] = lstm(lambda L: (L.zeros(2, HIDDEN),) * 3)
        programs["c 3-d"] = lstm(lambda L: (L.zeros(2, HIDDEN), L.zeros(1, 2, HIDDEN)))
    else:
        programs["hx 3-d"] = lambda L: _set_params(getattr(L.nn, cell)(3, HIDDEN))(
            _r(2, 3)(L), L.zeros(1, 2, HIDDEN))
    if cell != "RNNCell":
        programs["hx tensor not tuple" if cell == "LSTMCell" else "hx tuple"] = (
            lambda L: _set_params(getattr(L.nn, cell)(3, HIDDEN))(
                _r(2, 3)(L), _hx(L, "hx", cell != "LSTMCell")))
    all_agree(programs, rtol=1e-5, atol=1e-6)
