"""Benchmark LeNet-5 training (one step and one epoch) against PyTorch CPU, in one run.

Both frameworks train the same network (Conv2d(1,6,5,padding=2), ReLU, MaxPool2d(2),
Conv2d(6,16,5), ReLU, MaxPool2d(2), Flatten, Linear(400,120), ReLU, Linear(120,84), ReLU,
Linear(84,10)) from the same initial weights (drawn by minigrad, copied into torch) with
Adam (lr 1e-3) on batches of 64 1x28x28 images. A step is forward, cross-entropy,
zero_grad, backward and optimizer step; an epoch is a shuffled pass over 8,000 images
(MNIST from --data-dir when its IDX files are there, else random images and labels),
including the slicing of each batch out of a NumPy array. An evaluation is one forward
pass under no_grad over --eval-images images in one batch, timed on its first call with a
fresh model and on later calls. Peak memory: each framework trains one epoch in a fresh
child process, which reports its resident set size before the epoch and its peak (RSS).
The header names the CPU and the BLAS library NumPy uses.

Runs are interleaved (minigrad, PyTorch, minigrad, ...), float32, 2 threads, each timed
call after a pause and an untimed call of the same library (benchmarks/timing.py), and
the medians are compared: absolute times on a shared machine are noise, ratios are not.
``--profile`` then runs cProfile over 20 minigrad steps and prints the top functions by
cumulative and by own time. ``--threads=1`` runs both libraries on one thread, which
separates the work each does from how well it spreads over two cores.

    python benchmarks/bench_train.py [--data-dir ../shared/data/mnist] [--profile]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import time

# --threads=N must be known before NumPy starts its BLAS threads.
THREADS = int(next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--threads=")), 2))
os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(THREADS))
os.environ.setdefault("MKL_NUM_THREADS", str(THREADS))

import numpy as np  # noqa: E402

from machine import describe  # noqa: E402  (benchmarks/machine.py)
from timing import SETTLE, medians, timed  # noqa: E402  (benchmarks/timing.py)

import minigrad as mg  # noqa: E402
import minigrad.nn as nn  # noqa: E402
import minigrad.nn.functional as F  # noqa: E402

BATCH = 64
LR = 1e-3


def lenet5_minigrad() -> nn.Module:
    """The same LeNet-5 as examples/train_cnn.py."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),    # 6 x 14 x 14
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),              # 16 x 5 x 5
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def lenet5_torch(torch, source: nn.Module):
    """The same network in PyTorch, with the weights copied from ``source``."""
    tnn = torch.nn
    model = tnn.Sequential(
        tnn.Conv2d(1, 6, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Conv2d(6, 16, 5), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Flatten(), tnn.Linear(16 * 5 * 5, 120), tnn.ReLU(),
        tnn.Linear(120, 84), tnn.ReLU(), tnn.Linear(84, 10))
    ours = dict(source.named_parameters())
    theirs = dict(model.named_parameters())
    if sorted(ours) != sorted(theirs):
        raise RuntimeError(f"parameter names differ: {sorted(ours)} vs {sorted(theirs)}")
    with torch.no_grad():
        for name, param in theirs.items():
            array = np.ascontiguousarray(ours[name].detach().numpy(), dtype=np.float32)
            if tuple(param.shape) != array.shape:
                raise RuntimeError(f"{name}: shape {array.shape} vs {tuple(param.shape)}")
            param.copy_(torch.from_numpy(array.copy()))
    return model.float()


def load_images(data_dir: str | None, count: int) -> tuple[np.ndarray, np.ndarray, str]:
    """``count`` MNIST images from ``data_dir`` (training set, else test set), or random data."""
    if data_dir and os.path.isdir(data_dir):
        from minigrad.data import MNIST
        for train in (True, False):
            try:
                mnist = MNIST(data_dir, train=train)
            except (OSError, ValueError, RuntimeError):
                continue
            images = np.asarray(mnist.images.numpy(), dtype=np.float32)[:count]
            labels = np.asarray(mnist.targets.numpy(), dtype=np.int64)[:count]
            split = "train" if train else "t10k"
            return images, labels, f"MNIST {split} ({len(images)} images from {data_dir})"
    rng = np.random.default_rng(0)
    images = rng.random((count, 1, 28, 28), dtype=np.float32)
    labels = rng.integers(0, 10, count, dtype=np.int64)
    return images, labels, f"synthetic uniform random ({count} images)"


class Trainer:
    """One framework's model, optimizer and step; ``epoch`` runs a shuffled pass."""

    def __init__(self, name: str, model, optimizer, to_tensor, loss_fn) -> None:
        self.name, self.model, self.optimizer = name, model, optimizer
        self.to_tensor, self.loss_fn = to_tensor, loss_fn

    def step(self, x, y):
        logits = self.model(x)
        loss = self.loss_fn(logits, y)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss

    def steps(self, x, y, count: int) -> None:
        for _ in range(count):
            self.step(x, y)

    def epoch(self, images: np.ndarray, labels: np.ndarray, order: np.ndarray) -> float:
        total = 0.0
        for start in range(0, len(order), BATCH):
            idx = order[start:start + BATCH]
            loss = self.step(self.to_tensor(images[idx]), self.to_tensor(labels[idx]))
            total += float(loss.item()) * len(idx)
        return total / len(order)


def make_trainers(torch, seed: int) -> tuple[Trainer, Trainer]:
    mg.manual_seed(seed)
    ours = lenet5_minigrad()
    theirs = lenet5_torch(torch, ours)
    return (Trainer("minigrad", ours, mg.optim.Adam(ours.parameters(), lr=LR),
                    mg.from_numpy, F.cross_entropy),
            Trainer("torch", theirs, torch.optim.Adam(theirs.parameters(), lr=LR),
                    torch.from_numpy, torch.nn.functional.cross_entropy))


def bench_eval(torch, images: np.ndarray, repeats: int, seed: int) -> tuple[tuple, tuple]:
    """Seconds of one no_grad forward pass over all ``images`` in one batch: the median
    first call of a fresh model, and the median of later calls."""
    first: list[list[float]] = [[], []]
    later: list[list[float]] = [[], []]
    xm, xt = mg.from_numpy(images), torch.from_numpy(images)
    for r in range(repeats):
        ours, theirs = make_trainers(torch, seed + r)
        calls = [(ours.model.eval(), mg.no_grad, xm), (theirs.model.eval(), torch.no_grad, xt)]
        for _ in range(3):
            for i, (model, no_grad, x) in enumerate(calls):
                time.sleep(SETTLE)
                with no_grad():
                    seconds = timed(lambda: model(x))
                (later[i] if first[i] and len(first[i]) > r else first[i]).append(seconds)
    return (tuple(statistics.median(t) for t in first),
            tuple(statistics.median(t) for t in later))


def rss(field: str = "VmRSS") -> int:
    """This process's resident set size (VmRSS) or its peak so far (VmHWM), in bytes; 0
    where /proc is missing. (ru_maxrss would count the parent's peak before exec.)"""
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith(field + ":"))
        return int(line.split()[1]) * 1024
    except (OSError, StopIteration):
        return 0


def epoch_memory_child(framework: str, data_dir: str | None, count: int, seed: int) -> None:
    """Run in a child process: one epoch of ``framework``; print RSS before and peak."""
    images, labels, _ = load_images(data_dir, count)
    order = np.random.default_rng(1).permutation(len(images))
    if framework == "torch":
        import torch
        torch.set_num_threads(THREADS)
        trainer = make_trainers(torch, seed)[1]
    else:
        mg.manual_seed(seed)
        model = lenet5_minigrad()
        trainer = Trainer("minigrad", model, mg.optim.Adam(model.parameters(), lr=LR),
                          mg.from_numpy, F.cross_entropy)
    before = rss()
    trainer.epoch(images, labels, order)
    print(before, rss("VmHWM"))


def epoch_memory(framework: str, data_dir: str | None, count: int, seed: int
                 ) -> tuple[int, int]:
    """(RSS before the epoch, peak RSS) in bytes of one epoch in a fresh child process."""
    command = [sys.executable, __file__, "--memory-child", framework, "--images", str(count),
               "--seed", str(seed), f"--threads={THREADS}"] + (
                   ["--data-dir", data_dir] if data_dir else [])
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    before, peak = out.split()[-2:]
    return int(before), int(peak)


def check_agreement(torch, x: np.ndarray, y: np.ndarray, seed: int) -> tuple[float, float]:
    """Loss difference and largest weight difference after three identical steps."""
    ours, theirs = make_trainers(torch, seed)
    xm, ym, xt, yt = mg.from_numpy(x), mg.from_numpy(y), torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(3):
        lm, lt = ours.step(xm, ym), theirs.step(xt, yt)
    loss_diff = abs(float(lm.item()) - float(lt.item()))
    tp = dict(theirs.model.named_parameters())
    weight_diff = max(float(np.max(np.abs(p.detach().numpy() - tp[n].detach().numpy())))
                      for n, p in ours.model.named_parameters())
    return loss_diff, weight_diff


def bench_step(trainers, x: np.ndarray, y: np.ndarray, repeats: int,
               per_sample: int, torch) -> tuple[float, ...]:
    """Median seconds per step, each sample timing ``per_sample`` steps on one fixed batch."""
    ours, theirs = trainers
    xm, ym, xt, yt = mg.from_numpy(x), mg.from_numpy(y), torch.from_numpy(x), torch.from_numpy(y)
    fns = [lambda: ours.steps(xm, ym, per_sample), lambda: theirs.steps(xt, yt, per_sample)]
    return tuple(t / per_sample for t in medians(fns, repeats))


def bench_epoch(trainers, images: np.ndarray, labels: np.ndarray,
                repeats: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Median seconds per epoch, and each framework's mean loss over its first epoch."""
    rng = np.random.default_rng(1)
    orders = [rng.permutation(len(images)) for _ in range(repeats)]
    losses: list[list[float]] = [[] for _ in trainers]
    times: list[list[float]] = [[] for _ in trainers]
    for order in orders:  # both frameworks see the same batches in the same order
        for trainer, t, lo in zip(trainers, times, losses):
            time.sleep(SETTLE)  # the other framework's threads stop spinning
            start = time.perf_counter()
            lo.append(trainer.epoch(images, labels, order))
            t.append(time.perf_counter() - start)
    return tuple(statistics.median(t) for t in times), tuple(lo[0] for lo in losses)


def profile_steps(x: np.ndarray, y: np.ndarray, steps: int, seed: int, top: int) -> None:
    mg.manual_seed(seed)
    model = lenet5_minigrad()
    trainer = Trainer("minigrad", model, mg.optim.Adam(model.parameters(), lr=LR),
                      mg.from_numpy, F.cross_entropy)
    xm, ym = mg.from_numpy(x), mg.from_numpy(y)
    trainer.steps(xm, ym, 3)  # warm-up outside the profile
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    trainer.steps(xm, ym, steps)
    profiler.disable()
    elapsed = time.perf_counter() - start
    print(f"\ncProfile over {steps} minigrad training steps "
          f"({elapsed / steps * 1e3:.1f} ms/step under the profiler)")
    for key, title in (("cumulative", "cumulative time"), ("tottime", "own (total) time")):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key)
        stats.print_stats(top)
        lines = out.getvalue().splitlines()
        first = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        print(f"\ntop {top} by {title}:")
        print("\n".join(line for line in lines[first:] if line.strip()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None,
                        help="folder with MNIST IDX files (random data when absent)")
    parser.add_argument("--images", type=int, default=8000, help="images per epoch")
    parser.add_argument("--repeats", type=int, default=15, help="interleaved step samples")
    parser.add_argument("--steps-per-sample", type=int, default=5)
    parser.add_argument("--epoch-repeats", type=int, default=3,
                        help="interleaved epochs per framework (0 skips the epoch row)")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile 20 minigrad training steps")
    parser.add_argument("--profile-steps", type=int, default=20)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--eval-images", type=int, default=2000,
                        help="images in the one evaluation batch (0 skips the eval rows)")
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the peak-memory epochs in child processes")
    parser.add_argument("--memory-child", choices=["minigrad", "torch"], help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2,
                        help="threads for both libraries; give it as --threads=N (1 shows "
                             "the work each does, without its parallel speed-up)")
    args = parser.parse_args()
    if args.memory_child:
        epoch_memory_child(args.memory_child, args.data_dir, args.images, args.seed)
        return

    import torch
    torch.set_num_threads(THREADS)
    images, labels, source = load_images(args.data_dir, args.images)
    x, y = np.ascontiguousarray(images[:BATCH]), np.ascontiguousarray(labels[:BATCH])

    print(describe())
    print(f"LeNet-5 training, batch {BATCH}, Adam lr {LR:g}, float32, {THREADS} thread(s) "
          f"(torch {torch.__version__}, numpy {np.__version__})")
    print(f"data: {source}")
    loss_diff, weight_diff = check_agreement(torch, x, y, args.seed)
    print(f"agreement after 3 steps from the same weights: |loss diff| {loss_diff:.2e}, "
          f"max |weight diff| {weight_diff:.2e}")

    if args.eval_images > 0:  # first, while the process has not yet run large batches
        count = min(args.eval_images, len(images))
        evals = bench_eval(torch, np.ascontiguousarray(images[:count]), 3, args.seed)
    trainers = make_trainers(torch, args.seed)
    step_ours, step_theirs = bench_step(trainers, x, y, args.repeats,
                                        args.steps_per_sample, torch)
    print(f"\nmedians of interleaved runs ({args.repeats} x {args.steps_per_sample} steps; "
          f"{args.epoch_repeats} epochs of {len(images)} images)")
    print(f"{'':<26}{'minigrad':>12}{'torch':>12}{'ratio':>8}")
    print(f"{'train step (ms)':<26}{step_ours * 1e3:>12.1f}{step_theirs * 1e3:>12.1f}"
          f"{step_ours / step_theirs:>8.2f}")
    if args.epoch_repeats > 0:
        trainers = make_trainers(torch, args.seed)  # fresh weights and Adam state
        (ep_ours, ep_theirs), (loss_ours, loss_theirs) = bench_epoch(
            trainers, images, labels, args.epoch_repeats)
        batches = -(-len(images) // BATCH)
        print(f"{f'epoch, {batches} batches (s)':<26}{ep_ours:>12.2f}{ep_theirs:>12.2f}"
              f"{ep_ours / ep_theirs:>8.2f}")
        print(f"{'  images / s':<26}{len(images) / ep_ours:>12.0f}"
              f"{len(images) / ep_theirs:>12.0f}")
        print(f"{'  first-epoch mean loss':<26}{loss_ours:>12.4f}{loss_theirs:>12.4f}")
    if args.eval_images > 0:
        (first_ours, first_theirs), (later_ours, later_theirs) = evals
        print(f"{f'eval {count}, first call (ms)':<26}{first_ours * 1e3:>12.1f}"
              f"{first_theirs * 1e3:>12.1f}{first_ours / first_theirs:>8.2f}")
        print(f"{f'eval {count}, later (ms)':<26}{later_ours * 1e3:>12.1f}"
              f"{later_theirs * 1e3:>12.1f}{later_ours / later_theirs:>8.2f}")
    print("ratio = minigrad time / torch time (lower is better for minigrad)")
    if not args.no_memory:
        mib = 1 << 20
        (b_ours, p_ours), (b_theirs, p_theirs) = (
            epoch_memory(name, args.data_dir, args.images, args.seed)
            for name in ("minigrad", "torch"))
        print(f"\npeak memory of one epoch, each framework alone in a child process (MiB)")
        print(f"{'':<26}{'minigrad':>12}{'torch':>12}{'ratio':>8}")
        print(f"{'RSS before the epoch':<26}{b_ours / mib:>12.0f}{b_theirs / mib:>12.0f}")
        print(f"{'peak RSS':<26}{p_ours / mib:>12.0f}{p_theirs / mib:>12.0f}"
              f"{p_ours / p_theirs:>8.2f}")
        print(f"{'growth during the epoch':<26}{(p_ours - b_ours) / mib:>12.0f}"
              f"{(p_theirs - b_theirs) / mib:>12.0f}"
              f"{(p_ours - b_ours) / max(1, p_theirs - b_theirs):>8.2f}")

    if args.profile:
        profile_steps(x, y, args.profile_steps, args.seed, args.top)


if __name__ == "__main__":
    main()
