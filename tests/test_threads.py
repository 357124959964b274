"""minigrad/threads.py: the thread-count functions follow PyTorch's, and over_batch runs
the slices of a batch in their threads, in order, with BLAS on one thread meanwhile."""
from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import minigrad
from minigrad import threads


@pytest.fixture
def three_threads(monkeypatch):
    """Split any batch in up to three slices, however little work it is."""
    monkeypatch.setattr(threads, "MIN_WORK_PER_THREAD", 1)
    before = minigrad.get_num_threads()
    minigrad.set_num_threads(3)
    yield
    minigrad.set_num_threads(before)


BAD_COUNTS = [0, -1, 2.0, "2", True, None]


def _raised(call, value):
    try:
        call(value)
    except Exception as error:  # noqa: BLE001  (the type is what is compared)
        return type(error), str(error)
    return None


@pytest.mark.parametrize("value", BAD_COUNTS)
def test_set_num_threads_rejects_what_torch_rejects(value):
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    try:
        assert _raised(minigrad.set_num_threads, value) == _raised(torch.set_num_threads, value)
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("value", BAD_COUNTS)
def test_set_num_threads_raises_runtime_error_naming_itself(value):
    with pytest.raises(RuntimeError, match="set_num_threads expects"):
        minigrad.set_num_threads(value)


def test_set_num_threads_sets_the_count_and_the_blas_threads():
    before = minigrad.get_num_threads()
    try:
        minigrad.set_num_threads(np.int64(1))
        assert minigrad.get_num_threads() == 1 and isinstance(minigrad.get_num_threads(), int)
        assert threads.blas_threads() in (None, 1)
    finally:
        minigrad.set_num_threads(before)
    assert minigrad.get_num_threads() == before


@pytest.mark.parametrize("variables", [{}, {"OMP_NUM_THREADS": "1"},
                                       {"OMP_NUM_THREADS": "64"},
                                       {"OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "1"},
                                       {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "2"}])
def test_the_default_reads_the_environment_as_torch_does(variables):
    pytest.importorskip("torch")
    code = "import minigrad, torch; print(minigrad.get_num_threads(), torch.get_num_threads())"
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], env=dict(env, **variables),
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == out[1]


def test_interop_threads_are_set_once_as_in_torch():
    """set_num_interop_threads works once per process (each side in a fresh one)."""
    script = """
import sys
lib = __import__(sys.argv[1])
results = []
for value in (0, 3, 2):
    try:
        lib.set_num_interop_threads(value)
        results.append(("ok", lib.get_num_interop_threads()))
    except Exception as error:
        results.append((type(error).__name__, str(error)))
print(repr(results))
"""
    libraries = ["minigrad"] + (["torch"] if _has_torch() else [])
    outputs = [subprocess.run([sys.executable, "-c", script, name], capture_output=True,
                              text=True, check=True).stdout for name in libraries]
    ours = eval(outputs[0])  # noqa: S307  (our own subprocess's repr)
    assert [kind for kind, _ in ours] == ["RuntimeError", "ok", "RuntimeError"]
    assert ours[1] == ("ok", 3)
    assert len(set(outputs)) == 1  # the same results and messages as torch


def _has_torch() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("n, sizes", [(7, [2, 2, 3]), (2, [1, 1]), (1, [1])])
def test_over_batch_covers_the_batch_in_order(three_threads, n, sizes):
    parts = threads.over_batch(n, n, lambda part: part)
    assert [p.stop - p.start for p in parts] == sizes
    assert parts[0].start == 0 and parts[-1].stop == n
    assert all(a.stop == b.start for a, b in zip(parts, parts[1:]))


def test_slice_i_always_runs_in_the_same_thread_the_first_in_the_caller(three_threads):
    seen = [threads.over_batch(6, 6, lambda part: threading.get_ident()) for _ in range(5)]
    assert all(run == seen[0] for run in seen)
    assert len(set(seen[0])) == 3 and seen[0][0] == threading.get_ident()


def test_small_work_is_not_split():
    parts = threads.over_batch(64, threads.MIN_WORK_PER_THREAD, lambda part: part)
    assert parts == [slice(0, 64)]


def test_blas_runs_on_one_thread_inside_and_is_restored_after(three_threads):
    before = threads.blas_threads()
    if before is None:
        assert threads.over_batch(4, 4, lambda part: 0) == [0]  # BLAS out of reach: serial
        return
    inside = threads.over_batch(4, 4, lambda part: threads.blas_threads())
    assert inside == [1, 1, 1] and threads.blas_threads() == before


def test_a_slice_that_raises_raises_in_the_caller_after_all_slices_ended(three_threads):
    finished = []

    def work(part):
        if part.start > 0 and part.stop == 7:
            raise ValueError(f"slice {part}")
        finished.append(part)
        return part

    with pytest.raises(ValueError, match="slice"):
        threads.over_batch(7, 7, work)
    assert len(finished) == 2
    assert len(threads.over_batch(7, 7, lambda part: part)) == 3  # the team still works


def test_a_split_inside_a_slice_runs_in_that_slice_s_thread(three_threads):
    def inner(part):
        here = threading.get_ident()
        nested = threads.over_batch(4, 4, lambda sub: threading.get_ident())
        return nested == [here]

    assert threads.over_batch(6, 6, inner) == [True, True, True]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_splits_with_threads_of_its_own(three_threads):
    threads.over_batch(6, 6, lambda part: part)  # the parent's workers exist
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report how many threads ran its slices, then leave
        try:
            idents = threads.over_batch(6, 6, lambda part: threading.get_ident())
            os.write(write, str(len(set(idents))).encode())
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 16)
    os.waitpid(pid, 0)
    assert answer == b"3"


def test_a_split_conv2d_matches_torch(three_threads):
    """conv2d whose forward and backward run in three slices: values and all three
    gradients as PyTorch computes them (float32)."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((7, 3, 9, 8)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    results = []
    for lib, conv in ((minigrad, minigrad.nn.functional.conv2d),
                      (torch, torch.nn.functional.conv2d)):
        X, W, B = (lib.tensor(a, requires_grad=True) for a in (x, w, b))
        out = conv(X, W, B, padding=1)
        (out * out).sum().backward()
        results.append([t.detach().numpy() for t in (out, X.grad, W.grad, B.grad)])
    for ours, theirs in zip(*results):
        assert ours.dtype == theirs.dtype == np.float32
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)
