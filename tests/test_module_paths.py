"""The module paths PyTorch programs import from: minigrad.utils.checkpoint, the
minigrad.utils.data submodules, nn.DataParallel (nn/parallel.py), minigrad.version,
minigrad.cpu and minigrad.get_device, each against PyTorch where it is installed."""
from __future__ import annotations

import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import minigrad
from minigrad.utils.checkpoint import checkpoint, checkpoint_sequential

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[1]
X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])


def mlp(lib, dropout=0.0):
    """The same small network in either library: fixed weights, float64."""
    lib.manual_seed(0)
    layers = [lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Dropout(dropout), lib.nn.Linear(4, 2)]
    model = lib.nn.Sequential(*layers).double()
    rng = np.random.default_rng(1)
    with lib.no_grad():
        for p in model.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape))))
    return model


def run_and_differentiate(lib, forward, model):
    """The output, the input's gradient and every parameter's gradient."""
    x = lib.tensor(X, requires_grad=True)
    out = forward(model, x)
    (out * lib.tensor([[1.0, -2.0], [0.5, 3.0]])).sum().backward()
    return [out.detach().numpy(), x.grad.numpy()] + [p.grad.numpy() for p in model.parameters()]


def assert_all_close(mine, theirs):
    assert len(mine) == len(theirs)
    for a, b in zip(mine, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def calls(lib, use_reentrant):
    """Direct, checkpointed and sequentially checkpointed runs of the same model."""
    chk, seq = lib.utils.checkpoint.checkpoint, lib.utils.checkpoint.checkpoint_sequential
    return {"direct": lambda m, x: m(x),
            "checkpoint": lambda m, x: chk(m, x, use_reentrant=use_reentrant),
            "kwargs": lambda m, x: chk(lambda a, scale: m(a) * scale, x, scale=2.0,
                                       use_reentrant=False),
            "sequential": lambda m, x: seq(m, 2, x, use_reentrant=use_reentrant),
            "sequential, every layer": lambda m, x: seq(list(m), 4, x,
                                                        use_reentrant=use_reentrant)}


# --- minigrad.utils.checkpoint --------------------------------------------------------------
@pytest.mark.parametrize("use_reentrant", [True, False])
@pytest.mark.parametrize("how", ["checkpoint", "kwargs", "sequential", "sequential, every layer"])
def test_checkpoint_gives_the_values_and_gradients_of_a_direct_call_and_of_pytorch(
        how, use_reentrant):
    mine = run_and_differentiate(minigrad, calls(minigrad, use_reentrant)[how], mlp(minigrad))
    theirs = run_and_differentiate(torch, calls(torch, use_reentrant)[how], mlp(torch))
    assert_all_close(mine, theirs)
    direct = run_and_differentiate(minigrad, calls(minigrad, use_reentrant)["direct"],
                                   mlp(minigrad))
    if how == "kwargs":
        direct[0] = direct[0] * 2.0
        direct[1:] = [g * 2.0 for g in direct[1:]]
    assert_all_close(mine, direct)


def test_checkpoint_replays_nothing_random_twice():
    model = mlp(minigrad, dropout=0.5).train()
    minigrad.manual_seed(3)
    direct = run_and_differentiate(minigrad, lambda m, x: m(x), model)
    model.zero_grad()
    minigrad.manual_seed(3)
    wrapped = run_and_differentiate(
        minigrad, lambda m, x: checkpoint(m, x, use_reentrant=False), model)
    assert_all_close(wrapped, direct)


@pytest.mark.parametrize("lib", ["minigrad", "torch"])
def test_leaving_out_use_reentrant_warns_in_both_libraries(lib):
    lib = minigrad if lib == "minigrad" else torch
    x = lib.ones(2, requires_grad=True)
    for call in (lambda: lib.utils.checkpoint.checkpoint(lambda a: a * 2, x),
                 lambda: lib.utils.checkpoint.checkpoint_sequential([lambda a: a * 2], 1, x)):
        with pytest.warns(UserWarning, match="use_reentrant parameter should be passed"):
            assert call().requires_grad
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an explicit choice is quiet
        lib.utils.checkpoint.checkpoint(lambda a: a * 2, x, use_reentrant=False)


BAD_CHECKPOINTS = {
    "keyword arguments with use_reentrant=True": lambda lib, x: lib.utils.checkpoint.checkpoint(
        lambda a, b: a * b, x, b=3, use_reentrant=True),
    "context_fn with use_reentrant=True": lambda lib, x: lib.utils.checkpoint.checkpoint(
        lambda a: a, x, use_reentrant=True, context_fn=lambda: (None, None)),
    "an unknown determinism_check": lambda lib, x: lib.utils.checkpoint.checkpoint(
        lambda a: a, x, use_reentrant=False, determinism_check="sometimes"),
    "checkpoint_sequential keyword arguments": lambda lib, x:
        lib.utils.checkpoint.checkpoint_sequential([lambda a: a], 1, x, use_reentrant=False,
                                                   scale=2),
    "more segments than functions": lambda lib, x: lib.utils.checkpoint.checkpoint_sequential(
        [lambda a: a, lambda a: a], 3, x, use_reentrant=False),
    "no segments": lambda lib, x: lib.utils.checkpoint.checkpoint_sequential(
        [lambda a: a], 0, x, use_reentrant=False),
}


@pytest.mark.parametrize("case", list(BAD_CHECKPOINTS))
def test_bad_checkpoint_calls_raise_what_pytorch_raises(case):
    with pytest.raises(Exception) as theirs:
        BAD_CHECKPOINTS[case](torch, torch.ones(2, requires_grad=True))
    with pytest.raises(type(theirs.value), match=r"checkpoint(_sequential)?: "):
        BAD_CHECKPOINTS[case](minigrad, minigrad.ones(2, requires_grad=True))


@pytest.mark.parametrize("lib", ["minigrad", "torch"])
def test_reentrant_checkpoint_of_inputs_without_grad_warns_and_keeps_no_graph(lib):
    lib = minigrad if lib == "minigrad" else torch
    model = mlp(lib)
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        out = lib.utils.checkpoint.checkpoint(model, lib.tensor(X), use_reentrant=True)
    assert not out.requires_grad
    assert lib.utils.checkpoint.checkpoint(model, lib.tensor(X), use_reentrant=False) \
        .requires_grad


def test_checkpoint_runs_the_function_inside_the_forward_context():
    entered = []

    class Recording:
        def __enter__(self):
            entered.append("forward")

        def __exit__(self, *exc):
            entered.append("out")

    x = minigrad.ones(2, requires_grad=True)
    y = checkpoint(lambda a: entered.append("call") or a * 2, x, use_reentrant=False,
                   context_fn=lambda: (Recording(), Recording()), preserve_rng_state=False)
    assert entered == ["forward", "call", "out"] and y.requires_grad
    assert checkpoint_sequential(minigrad.nn.Sequential(minigrad.nn.Identity()), 1, x,
                                 use_reentrant=False) is x


# --- minigrad.utils.data submodules ------------------------------------------------------------
@pytest.mark.parametrize("submodule", ["sampler", "dataset", "dataloader"])
def test_utils_data_submodules_hold_minigrads_own_classes(submodule):
    import importlib
    mine = importlib.import_module(f"minigrad.utils.data.{submodule}")
    theirs = importlib.import_module(f"torch.utils.data.{submodule}")
    assert mine is getattr(minigrad.utils.data, submodule)
    for name in theirs.__all__:
        assert getattr(mine, name) is getattr(minigrad.data, name), name
        assert getattr(mine, name) is getattr(minigrad.utils.data, name), name


def test_utils_data_submodules_import_in_a_fresh_process():
    code = ("from minigrad.utils.data.sampler import RandomSampler, WeightedRandomSampler\n"
            "from minigrad.utils.data.dataset import random_split, Subset\n"
            "from minigrad.utils.data.dataloader import DataLoader, default_collate\n"
            "import minigrad.utils.data.sampler as s, minigrad\n"
            "assert s.BatchSampler is minigrad.data.BatchSampler\n"
            "from minigrad.utils.checkpoint import checkpoint\n"
            "from minigrad.autograd.functional import jacobian\n"
            "from minigrad.nn.parallel import DataParallel\n"
            "print(minigrad.version.__version__)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == minigrad.__version__


# --- nn.DataParallel -----------------------------------------------------------------------------
def wrapped(lib):
    lib.manual_seed(0)
    return lib.nn.DataParallel(lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.BatchNorm1d(2)),
                               device_ids=[0, 1], output_device=0)


def test_data_parallel_names_its_state_as_pytorch_does():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither library warns on a machine without GPUs
        mine, theirs = wrapped(minigrad), wrapped(torch)
    assert list(mine.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in mine.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert mine.device_ids == theirs.device_ids == []
    assert minigrad.nn.parallel.DataParallel is minigrad.nn.DataParallel
    assert re.sub(r"\s", "", repr(mine)).startswith("DataParallel((module):Sequential(")


def test_data_parallel_runs_its_module_and_loads_pytorchs_state():
    mine, theirs = wrapped(minigrad), wrapped(torch)
    state = {k: minigrad.tensor(v.numpy()) for k, v in theirs.state_dict().items()}
    mine.load_state_dict(state)
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [0.0, 1.0, 1.0]], dtype=np.float32)
    out, expected = mine(minigrad.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    assert mine.module(input=minigrad.tensor(x)).shape == out.shape
    with pytest.raises(RuntimeError, match="Missing key"):
        mine.load_state_dict(mine.module.state_dict())


# --- minigrad.version ------------------------------------------------------------------------
def test_version_has_pytorchs_fields_with_cpu_only_answers():
    from minigrad import version
    assert set(torch.version.__all__) <= set(version.__all__)
    assert version.__version__ == minigrad.__version__
    project = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^version = "(.*)"$', project, re.M).group(1) == minigrad.__version__
    assert (version.cuda, version.hip, version.rocm, version.xpu, version.debug) == \
        (None, None, None, None, False)
    assert version.git_version == "Unknown" or re.fullmatch(r"[0-9a-f]{40}", version.git_version)


def test_git_version_reads_a_checkout_without_running_git(tmp_path):
    from minigrad.version import _checked_out_commit
    commit = "0123456789abcdef0123456789abcdef01234567"
    (tmp_path / ".git" / "refs" / "heads").mkdir(parents=True)
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / ".git" / "packed-refs").write_text(f"# pack-refs\n{commit} refs/heads/main\n")
    assert _checked_out_commit(tmp_path) == commit
    (tmp_path / ".git" / "refs" / "heads" / "main").write_text(commit[::-1] + "\n")
    assert _checked_out_commit(tmp_path) == commit[::-1]
    assert _checked_out_commit(tmp_path / "nowhere") == "Unknown"


# --- minigrad.cpu and get_device ------------------------------------------------------------
def test_cpu_module_answers_as_pytorchs():
    assert set(torch.cpu.__all__) <= set(minigrad.cpu.__all__)
    for name in ("is_available", "is_initialized", "device_count", "current_device"):
        assert getattr(minigrad.cpu, name)() == getattr(torch.cpu, name)(), name
    assert minigrad.cpu.synchronize() is None and minigrad.cpu.set_device(0) is None
    caps = minigrad.cpu.get_capabilities()
    assert caps["architecture"] == torch.cpu.get_capabilities()["architecture"]
    with pytest.raises(TypeError):
        caps["avx2"] = True  # read-only, as PyTorch's
    event = minigrad.cpu.Event()
    assert event.query() and event.record() is None and event.synchronize() is None


def test_cpu_streams_are_selected_and_restored():
    default = minigrad.cpu.current_stream()
    assert minigrad.cpu.current_stream("cpu") is default
    mine = minigrad.cpu.Stream(priority=0)
    with minigrad.cpu.stream(mine):
        assert minigrad.cpu.current_stream() is mine
        with minigrad.cpu.stream(None):
            assert minigrad.cpu.current_stream() is mine
    assert minigrad.cpu.current_stream() is default
    assert isinstance(minigrad.cpu.stream(mine), minigrad.cpu.StreamContext)


def test_get_device_is_minus_one_for_a_cpu_tensor_and_refuses_other_things():
    assert minigrad.get_device(minigrad.zeros(2)) == torch.get_device(torch.zeros(2)) == -1
    with pytest.raises(TypeError) as theirs:
        torch.get_device(3)
    with pytest.raises(TypeError) as mine:
        minigrad.get_device(3)
    assert str(mine.value) == str(theirs.value)
