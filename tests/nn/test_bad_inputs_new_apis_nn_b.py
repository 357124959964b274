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
pytest.importorskip("torch.nn.utils.prune")  # (a submodule PyTorch does not import itself)


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


# --- DistributedSampler ------------------------------------------------------------------------
SAMPLER = {
    "right": {"num_replicas": 3, "rank": 1}, "drop_last": {"num_replicas": 3, "rank": 2,
                                                           "drop_last": True},
    "no shuffle": {"num_replicas": 4, "rank": 3, "shuffle": False},
    "rank too big": {"num_replicas": 3, "rank": 3}, "negative rank": {"num_replicas": 3,
                                                                    "rank": -1},
    "zero replicas": {"num_replicas": 0, "rank": 0},
    "more replicas than samples": {"num_replicas": 12, "rank": 11, "shuffle": False},
    "more replicas drop_last": {"num_replicas": 12, "rank": 0, "drop_last": True},
    "no replicas given": {"rank": 0}, "no rank given": {"num_replicas": 2},
}


def test_distributed_sampler():
    def program(L, kw, n=10, epoch=None):
        sampler = L.utils.data.DistributedSampler(list(range(n)), **kw)
        if epoch is not None:
            sampler.set_epoch(epoch)
        order = list(iter(sampler))
        # (PyTorch's shuffle draws from its own generator: only the count compared)
        return len(sampler), order if kw.get("shuffle") is False else len(order)
    programs = {name: (lambda L, kw=kw: program(L, kw)) for name, kw in SAMPLER.items()}
    programs["empty dataset"] = lambda L: program(L, {"num_replicas": 2, "rank": 0}, n=0)
    programs["set_epoch"] = lambda L: program(L, {"num_replicas": 2, "rank": 1}, epoch=3)
    all_agree(programs)


# --- parametrize and parametrizations ----------------------------------------------------------
def _param(L, kind):
    class Symmetric(L.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(0, 1)

    class Reshape(L.nn.Module):
        def forward(self, X):
            return X.reshape(-1)

    class Double(L.nn.Module):
        def forward(self, X):
            return X.double()

    class NotTensor(L.nn.Module):
        def forward(self, X):
            return 1.0
    return {"sym": Symmetric, "reshape": Reshape, "double": Double, "float": NotTensor}[kind]()


def _linear(L, n=3, bias=True):
    return _set_params(L.nn.Linear(n, n, bias=bias))


def test_parametrize():
    P = lambda L: L.nn.utils.parametrize  # noqa: E731
    def reg(kind, name="weight", unsafe=False, n=3):
        def program(L):
            m = _linear(L, n)
            P(L).register_parametrization(m, name, _param(L, kind), unsafe=unsafe)
            return m.weight, P(L).is_parametrized(m), P(L).is_parametrized(m, "bias")
        return program

    def remove(name="weight", leave=True, register=True):
        def program(L):
            m = _linear(L)
            if register:
                P(L).register_parametrization(m, "weight", _param(L, "sym"))
            P(L).remove_parametrizations(m, name, leave_parametrized=leave)
            return m.weight, P(L).is_parametrized(m)
        return program
    programs = {
        "symmetric": reg("sym"), "non-square": reg("sym", n=2),
        "missing name": reg("sym", name="nope"), "changes shape": reg("reshape"),
        "changes shape unsafe": reg("reshape", unsafe=True), "changes dtype": reg("double"),
        "not a tensor": reg("float"), "bias": reg("sym", name="bias"),
        "remove": remove(), "remove not leaving": remove(leave=False),
        "remove unregistered": remove(register=False), "remove wrong name": remove("bias"),
    }
    all_agree(programs, rtol=1e-5, atol=1e-6)


def test_weight_norm_spectral_norm_orthogonal():
    W = lambda L: L.nn.utils.parametrizations  # noqa: E731

    def norm(fn, *args, n=3, shape_only=False, **kw):
        def program(L):
            m = _linear(L, n)
            L.manual_seed(0)
            getattr(W(L), fn)(m, *args, **kw)
            w = m.weight
            return tuple(w.shape) if shape_only else w
        return program
    programs = {
        "weight_norm": norm("weight_norm"), "weight_norm dim 1": norm("weight_norm", dim=1),
        "weight_norm dim None": norm("weight_norm", dim=None),
        "weight_norm dim -1": norm("weight_norm", dim=-1),
        "weight_norm dim 2": norm("weight_norm", dim=2),
        "weight_norm bias": norm("weight_norm", "bias"),
        "weight_norm wrong name": norm("weight_norm", "nope"),
        "spectral_norm": norm("spectral_norm", shape_only=True),
        "spectral_norm wrong name": norm("spectral_norm", "nope", shape_only=True),
        "spectral_norm 1-d": norm("spectral_norm", "bias", shape_only=True),
        "spectral_norm zero iterations": norm("spectral_norm", n_power_iterations=0,
                                              shape_only=True),
        "orthogonal": norm("orthogonal", shape_only=True),
        "orthogonal wrong name": norm("orthogonal", "nope", shape_only=True),
        "orthogonal 1-d": norm("orthogonal", "bias", shape_only=True),
        "orthogonal bad map": norm("orthogonal", orthogonal_map="svd", shape_only=True),
    }
    all_agree(programs, rtol=1e-5, atol=1e-6)


# --- prune -------------------------------------------------------------------------------------
def test_prune():
    def prune(fn, *args, bias=True, then_remove=False, **kw):
        def program(L):
            m = _linear(L, 4, bias=bias)
            getattr(L.nn.utils.prune, fn)(m, *args, **kw)
            if then_remove:
                L.nn.utils.prune.remove(m, "weight")
            return m.weight, L.nn.utils.prune.is_pruned(m)
        return program
    programs = {}
    for amount in (0.5, 0, 0.0, 1.0, 3, 16, 17, -0.1, 1.5, -1, "0.5", None, True):
        programs[f"l1 {amount!r}"] = prune("l1_unstructured", "weight", amount)
        programs[f"ln_structured {amount!r}"] = prune("ln_structured", "weight", amount, 2, 0)
    programs.update({
        "l1 wrong name": prune("l1_unstructured", "nope", 0.5),
        "l1 None bias": prune("l1_unstructured", "bias", 0.5, bias=False),
        "identity": prune("identity", "weight"),
        "remove": prune("l1_unstructured", "weight", 0.5, then_remove=True),
        "remove unpruned": prune("identity", "bias", then_remove=True),
        "ln_structured dim 2": prune("ln_structured", "weight", 0.5, 2, 2),
        "ln_structured n 1": prune("ln_structured", "weight", 0.5, 1, -1),
        "random_structured dim -3": prune("random_structured", "weight", 0.5, -3),
    })
    all_agree(programs)


# --- fusion, skip_init -------------------------------------------------------------------------
def test_fuse_conv_bn_and_skip_init():
    def fuse(conv_args=(2, 3, 3), bn_channels=3, eval_mode=True, transpose=False):
        def program(L):
            conv = _set_params((L.nn.ConvTranspose2d if transpose else L.nn.Conv2d)(
                *conv_args), seed=4)
            bn = _set_params(L.nn.BatchNorm2d(bn_channels), seed=5)
            with L.no_grad():
                bn.running_var.fill_(2.0)
            conv.train(not eval_mode)
            bn.train(not eval_mode)
            fused = L.nn.utils.fusion.fuse_conv_bn_eval(conv, bn, transpose=transpose)
            return fused(_r(1, 2, 5, 5)(L))
        return program
    programs = {
        "right": fuse(), "transpose": fuse(transpose=True),
        "channels disagree": fuse(bn_channels=4), "training": fuse(eval_mode=False),
        "skip_init": lambda L: tuple(L.nn.utils.skip_init(L.nn.Linear, 3, 4).weight.shape),
        "skip_init missing argument": lambda L: L.nn.utils.skip_init(L.nn.Linear, 3),
        "skip_init not a module": lambda L: L.nn.utils.skip_init(list, [1]),
        "skip_init no device argument": lambda L: L.nn.utils.skip_init(L.nn.ReLU),
    }
    all_agree(programs, rtol=1e-4, atol=1e-5)


# --- Adafactor and SparseAdam arguments --------------------------------------------------------
def test_adafactor_and_sparse_adam_arguments():
    def make(name, **kw):
        def program(L):
            p = L.nn.Parameter(L.ones(2, 3))
            opt = getattr(L.optim, name)([p], **kw)
            (p * p).sum().backward()
            opt.step()
            return p
        return program
    programs = {}
    for kw in ({}, {"lr": -1.0}, {"lr": 0.0}, {"beta2_decay": 0.1}, {"beta2_decay": -0.8},
               {"eps": (-1.0, 1e-3)}, {"eps": (None, -1.0)}, {"d": -1.0}, {"d": 0.5},
               {"weight_decay": -0.1}, {"weight_decay": 0.1}, {"maximize": True},
               {"foreach": True}):
        programs[f"Adafactor {kw}"] = make("Adafactor", **kw)
    for kw in ({"lr": -1.0}, {"eps": -1.0}, {"betas": (1.0, 0.9)}, {"betas": (0.9, -0.1)},
               {"eps": 0.0}, {"maximize": True}):
        programs[f"SparseAdam {kw}"] = make("SparseAdam", **kw)

    # (not compared: a step on sparse gradients, as minigrad has no sparse tensors)
    programs["SparseAdam dense gradient"] = make("SparseAdam")
    programs["SparseAdam tensor not list"] = lambda L: L.optim.SparseAdam(
        L.nn.Parameter(L.ones(2)))
    programs["SparseAdam empty"] = lambda L: L.optim.SparseAdam([])
    all_agree(programs, rtol=1e-5, atol=1e-6)


# --- testing.make_tensor -----------------------------------------------------------------------
def test_make_tensor():
    def make(*shape, dtype="float32", **kw):
        def program(L):
            t = L.testing.make_tensor(*shape, dtype=getattr(L, dtype), device="cpu", **kw)
            return tuple(t.shape), str(t.dtype).split(".")[-1], t.requires_grad
        return program
    programs = {
        "right": make(2, 3), "tuple shape": make((2, 3)), "empty": make(0, 3),
        "low > high": make(2, low=1.0, high=0.0), "low == high": make(2, low=1.0, high=1.0),
        "nan low": make(2, low=float("nan")), "inf high": make(2, high=float("inf")),
        "int range": make(3, dtype="int64", low=0, high=5),
        "int low > high": make(3, dtype="int64", low=5, high=0),
        "bool with low": make(3, dtype="bool", low=0, high=1), "bool": make(3, dtype="bool"),
        "requires_grad float": make(2, requires_grad=True),
        "requires_grad int": make(2, dtype="int64", requires_grad=True),
        "negative size": make(-1), "float size": make(2.5),
        "noncontiguous": make(2, 3, noncontiguous=True),
        "exclude_zero": make(4, dtype="int64", low=-2, high=3, exclude_zero=True),
        "uint8 negative low": make(3, dtype="uint8", low=-5, high=3),
    }
    programs["no dtype"] = lambda L: L.testing.make_tensor(2, device="cpu")
    programs["no device"] = lambda L: L.testing.make_tensor(2, dtype=L.float32)
    all_agree(programs)
