"""Benchmark conv2d and pooling forward+backward against PyTorch CPU, in one run.

Every case first checks minigrad's output and gradients against PyTorch's (same arrays),
then times both. Runs are interleaved (minigrad, PyTorch, naive im2col, minigrad, ...),
float32, 2 threads, each timed call after a pause and one untimed call of the same library
(see benchmarks/timing.py: without them each library is timed while the other's worker
threads still spin), and the medians are compared: absolute times on a shared machine are
noise, ratios are not. The header names the CPU and the BLAS library NumPy uses.

For each convolution it also times the three matrix products of an im2col convolution
alone, on ready-made operands (`gemm_floor`): no im2col convolution on NumPy's BLAS can
take less, so ``GEMMs/torch`` above 1 says how far that road is from PyTorch's kernels.

    python benchmarks/bench_conv.py [--repeats 7]
"""
from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("MKL_NUM_THREADS", "2")

import numpy as np  # noqa: E402

from machine import describe  # noqa: E402  (benchmarks/machine.py)
from timing import medians  # noqa: E402  (benchmarks/timing.py)

import minigrad as mg  # noqa: E402
from minigrad.ops import adaptive_avg_pool2d, avg_pool2d, conv2d, max_pool2d  # noqa: E402

CONV_SHAPES = [  # (N, C, H=W, filters, K, stride, padding)
    (64, 1, 28, 6, 5, 1, 2),
    (64, 6, 14, 16, 5, 1, 0),
    (64, 32, 32, 32, 3, 1, 1),
    (64, 16, 32, 32, 3, 2, 1),
    (16, 64, 56, 64, 3, 1, 1),
]
POOL_SHAPES = [(64, 6, 28, 28), (64, 32, 32, 32), (16, 64, 56, 56)]
POOLS = {  # name: (minigrad call, torch.nn.functional name, argument)
    "max_pool2d 2x2": (max_pool2d, "max_pool2d", 2),
    "avg_pool2d 2x2": (avg_pool2d, "avg_pool2d", 2),
    "adaptive_avg_pool2d to 7x7": (adaptive_avg_pool2d, "adaptive_avg_pool2d", 7),
}


def check(name: str, ours: list, theirs: list, atol: float = 1e-3) -> None:
    """Raise unless every minigrad array matches PyTorch's (float32 rounding allowed)."""
    for i, (a, b) in enumerate(zip(ours, theirs)):
        b = b.detach().numpy()
        if a.dtype != np.float32 or a.shape != b.shape:
            raise AssertionError(f"{name}: result {i} is {a.dtype} {a.shape}, torch gives "
                                 f"{b.dtype} {b.shape}")
        scale = max(1.0, float(np.abs(b).max()))
        if not np.allclose(a, b, rtol=1e-4, atol=atol * scale):
            raise AssertionError(f"{name}: result {i} differs from torch by "
                                 f"{float(np.abs(a - b).max()):.3g}")


def naive_conv_step(x: np.ndarray, w: np.ndarray, b: np.ndarray, g: np.ndarray, stride: int,
                    pad: int) -> tuple[np.ndarray, ...]:
    """The textbook im2col: a zero-filled 6-D buffer filled in a Python loop, a transpose,
    one product, and a col2im loop for the input gradient. It returns what the framework
    runs compute: the output and the gradients of the input, the weight and the bias."""
    n, c, h, wd = x.shape
    f, _, k, _ = w.shape
    oh, ow = (h + 2 * pad - k) // stride + 1, (wd + 2 * pad - k) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.zeros((n, c, k, k, oh, ow), dtype=x.dtype)
    for i in range(k):
        for j in range(k):
            cols[:, :, i, j] = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
    cols = cols.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1)
    out = cols @ w.reshape(f, -1).T + b
    gm = g.transpose(0, 2, 3, 1).reshape(-1, f)
    gw = (gm.T @ cols).reshape(w.shape)
    gb = gm.sum(axis=0)
    dcols = (gm @ w.reshape(f, -1)).reshape(n, oh, ow, c, k, k).transpose(0, 3, 4, 5, 1, 2)
    dx = np.zeros_like(xp)
    for i in range(k):
        for j in range(k):
            dx[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += dcols[:, :, i, j]
    return out, dx[:, :, pad:pad + h, pad:pad + wd], gw, gb


def gemm_floor(w: np.ndarray, g: np.ndarray) -> callable:
    """The three matrix products of any im2col convolution on these arrays, on
    ready-made contiguous operands: the forward's W @ cols, the weight gradient's
    cols @ g^T and the input gradient's columns W^T @ g. No copy, no col2im: the time
    an im2col convolution on NumPy's BLAS cannot go below."""
    n, f, oh, ow = g.shape
    rng = np.random.default_rng(1)
    w_mat = np.ascontiguousarray(w.reshape(f, -1))
    w_t = np.ascontiguousarray(w_mat.T)
    cols = rng.standard_normal((w_mat.shape[1], n * oh * ow)).astype(np.float32)
    g_mat = np.ascontiguousarray(g.transpose(1, 0, 2, 3).reshape(f, -1))
    g_t = np.ascontiguousarray(g_mat.T)

    def products():
        w_mat @ cols
        cols @ g_t
        w_t @ g_mat

    return products


def bench_conv(shape, repeats: int, torch) -> tuple[float, float, float, float]:
    n, c, hw, f, k, s, p = shape
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, c, hw, hw)).astype(np.float32)
    w = (rng.standard_normal((f, c, k, k)) * 0.1).astype(np.float32)
    b = np.zeros(f, np.float32)
    oh = (hw + 2 * p - k) // s + 1
    g = rng.standard_normal((n, f, oh, oh)).astype(np.float32)

    # All three read the same arrays (no copies) and compute the same four results.
    def ours():
        X, W, B = (mg.from_numpy(a).requires_grad_() for a in (x, w, b))
        out = conv2d(X, W, B, stride=s, padding=p)
        out.backward(mg.from_numpy(g))
        return [t.numpy() for t in (out.detach(), X.grad, W.grad, B.grad)]

    def theirs():
        X, W, B = (torch.from_numpy(a).requires_grad_() for a in (x, w, b))
        out = torch.nn.functional.conv2d(X, W, B, stride=s, padding=p)
        out.backward(torch.from_numpy(g))
        return [out, X.grad, W.grad, B.grad]

    check(f"conv2d {shape}", ours(), theirs())

    def naive():
        naive_conv_step(x, w, b, g, s, p)

    return medians([ours, theirs, naive, gemm_floor(w, g)], repeats)


def bench_pool(name: str, shape, repeats: int, torch) -> tuple[float, float]:
    ours_fn, torch_name, arg = POOLS[name]
    theirs_fn = getattr(torch.nn.functional, torch_name)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(np.float32)
    g = rng.standard_normal(tuple(theirs_fn(torch.from_numpy(x), arg).shape)).astype(np.float32)

    def ours():
        X = mg.from_numpy(x).requires_grad_()
        out = ours_fn(X, arg)
        out.backward(mg.from_numpy(g))
        return [out.detach().numpy(), X.grad.numpy()]

    def theirs():
        X = torch.from_numpy(x).requires_grad_()
        out = theirs_fn(X, arg)
        out.backward(torch.from_numpy(g))
        return [out, X.grad]

    check(f"{name} {shape}", ours(), theirs(), atol=1e-5)
    return medians([ours, theirs], repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    import torch
    torch.set_num_threads(2)
    print(describe())
    print(f"torch {torch.__version__}, 2 threads each; results checked against torch first\n")
    print("conv2d forward+backward, float32, medians of interleaved runs")
    print(f"{'(N, C, H, F, K, S, P)':<28}{'minigrad ms':>12}{'torch ms':>10}{'ratio':>8}"
          f"{'naive ms':>10}{'speedup':>9}{'GEMMs ms':>10}{'GEMMs/torch':>13}")
    for shape in CONV_SHAPES:
        ours, theirs, naive, floor = bench_conv(shape, args.repeats, torch)
        print(f"{str(shape):<28}{ours * 1e3:>12.1f}{theirs * 1e3:>10.1f}{ours / theirs:>8.2f}"
              f"{naive * 1e3:>10.1f}{naive / ours:>9.2f}{floor * 1e3:>10.1f}"
              f"{floor / theirs:>13.2f}")
    print("GEMMs: the three matrix products alone, on ready-made operands (gemm_floor)")
    for name in POOLS:
        print(f"\n{name} forward+backward")
        print(f"{'(N, C, H, W)':<28}{'minigrad ms':>12}{'torch ms':>10}{'ratio':>8}")
        for shape in POOL_SHAPES:
            ours, theirs = bench_pool(name, shape, args.repeats, torch)
            print(f"{str(shape):<28}{ours * 1e3:>12.1f}{theirs * 1e3:>10.1f}"
                  f"{ours / theirs:>8.2f}")


if __name__ == "__main__":
    main()
