"""Benchmark the per-operation cost of the autograd core against PyTorch CPU, in one run.

Three cases, where Python overhead and not arithmetic dominates:

* ``chain``: 200 elementwise ops on 4x4 float32 tensors (``y = y * b + a``, 100 times),
  then ``y.sum().backward()``; reported per op (forward + backward).
* ``chain, no_grad``: the same 200 ops under ``no_grad``, forward only.
* ``mlp step``: one training step of a 784-128-10 MLP on a batch of 32 (forward,
  cross-entropy, zero_grad, backward, SGD step).

Runs are interleaved (minigrad, PyTorch, minigrad, ...), float32, 2 threads, each timed
call after a pause and an untimed call of the same library (benchmarks/timing.py); the
medians are compared, since absolute times on a shared machine are noise and ratios are not.

    python benchmarks/bench_ops.py [--repeats 21]
"""
from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("MKL_NUM_THREADS", "2")

import numpy as np  # noqa: E402

import minigrad as mg  # noqa: E402
from machine import describe  # noqa: E402  (benchmarks/machine.py)
from timing import medians  # noqa: E402  (benchmarks/timing.py)

LINKS = 100  # y = y * b + a: two ops per link


def chain(lib, a, b, x, grad: bool) -> None:
    y = x
    for _ in range(LINKS):
        y = y * b + a
    if grad:
        y.sum().backward()


def make_chain_inputs(lib, rng: np.random.Generator):
    arrays = [rng.standard_normal((4, 4)).astype(np.float32) for _ in range(3)]
    a, b, x = (lib.tensor(arr, requires_grad=True) for arr in arrays)
    return a, b, x


def mlp(lib, rng: np.random.Generator):
    w1 = rng.standard_normal((784, 128)).astype(np.float32) * 0.05
    w2 = rng.standard_normal((128, 10)).astype(np.float32) * 0.05
    params = [lib.tensor(w, requires_grad=True) for w in (w1, w2)]
    params += [lib.zeros(128, requires_grad=True), lib.zeros(10, requires_grad=True)]
    x = lib.tensor(rng.standard_normal((32, 784)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 10, 32).astype(np.int64))
    return params, x, y


def mlp_step(lib, functional, params, x, y) -> None:
    w1, w2, b1, b2 = params
    logits = (x @ w1 + b1).relu() @ w2 + b2
    loss = functional.cross_entropy(logits, y)
    for p in params:
        p.grad = None
    loss.backward()
    with lib.no_grad():
        for p in params:
            p -= 0.01 * p.grad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    try:
        import torch
        import torch.nn.functional as torch_F
    except ImportError:
        raise SystemExit("bench_ops.py compares with PyTorch: pip install torch") from None
    torch.set_num_threads(2)
    import minigrad.nn.functional as mg_F

    rng = np.random.default_rng(0)
    inputs = {lib: make_chain_inputs(lib, np.random.default_rng(0)) for lib in (mg, torch)}
    mlps = {lib: mlp(lib, np.random.default_rng(1)) for lib in (mg, torch)}
    functional = {mg: mg_F, torch: torch_F}
    cases = {
        "chain (fwd+bwd), per op": (lambda lib: chain(lib, *inputs[lib], True), 2 * LINKS),
        "chain under no_grad, per op": (lambda lib: _no_grad_chain(lib, inputs[lib]), 2 * LINKS),
        "mlp 784-128-10 step, batch 32": (lambda lib: mlp_step(lib, functional[lib],
                                                                 *mlps[lib]), 1),
    }
    del rng
    print(f"{describe()}; torch {torch.__version__}; "
          f"{args.repeats} interleaved repeats, float32, 2 threads")
    print(f"{'case':34s} {'minigrad':>12s} {'torch':>12s} {'ratio':>7s}")
    for name, (run, count) in cases.items():
        ours, theirs = (t / count for t in medians([lambda: run(mg), lambda: run(torch)],
                                                   args.repeats))
        print(f"{name:34s} {ours * 1e6:10.1f}us {theirs * 1e6:10.1f}us {ours / theirs:7.2f}")


def _no_grad_chain(lib, inputs) -> None:
    with lib.no_grad():
        chain(lib, *inputs, False)


if __name__ == "__main__":
    main()
