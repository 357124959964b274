"""Draw the pictures of the documentation from the real library.

    python docs/gen_figures.py                 # every figure, into docs/img
    python docs/gen_figures.py im2col          # only some of them
    python docs/gen_figures.py --out /tmp/img  # somewhere else

Graphs and the backward pages need the ``graphviz`` Python package and the Graphviz
``dot`` program; the screenshot of a backward page also needs ``selenium`` with Chromium
and chromedriver; the im2col figure and the training curve need matplotlib; ``training``
runs examples/train_cnn.py with its default settings (about half a minute on two cores)
and also keeps its printed log, which the training page includes. Every figure is made
from a fixed seed, so running the script again redraws the same pictures.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import minigrad  # noqa: E402
import minigrad.nn as nn  # noqa: E402
import minigrad.nn.functional as F  # noqa: E402
from minigrad.viz import backward_steps, record, save_backward_html, save_graph  # noqa: E402


# --- graphs ---------------------------------------------------------------------------
def one_layer_loss() -> tuple[minigrad.Tensor, dict]:
    """mean(tanh(x @ w + b)): the small graph of "How backward works" and the README."""
    minigrad.manual_seed(0)
    x = minigrad.randn(4, 3)
    w = minigrad.randn(3, 2, requires_grad=True)
    b = minigrad.zeros(2, requires_grad=True)
    with record():  # keeps the name of x and the attributes of sum
        loss = (x @ w + b).tanh().mean()
    return loss, {"x": x, "w": w, "b": b}


def backward_graph(out: Path) -> list[Path]:
    loss, params = one_layer_loss()
    return [save_graph(loss, out / "backward-graph.svg", params=params),
            save_graph(loss, out / "backward-graph-lr.svg", params=params, rankdir="LR")]


def lenet5() -> nn.Module:
    """LeNet-5 as in examples/train_cnn.py and benchmarks/bench_train.py."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def lenet_graphs(out: Path) -> list[Path]:
    minigrad.manual_seed(0)
    model = lenet5()
    images = minigrad.randn(2, 1, 28, 28)
    with record():  # module clusters
        loss = F.cross_entropy(model(images), minigrad.tensor([3, 7]))
    return [save_graph(loss, out / "lenet-graph.svg", params=model),
            save_graph(loss, out / "lenet-graph-depth1.svg", params=model, max_depth=1)]


def nan_graph(out: Path) -> list[Path]:
    """A log of a negative number: the NaN and the op that made it are drawn in red."""
    x = minigrad.tensor([1.0, -1.0])
    w = minigrad.tensor([0.5, 2.0], requires_grad=True)
    with record():               # keeps the intermediate values to inspect
        h = w * x
        with np.errstate(invalid="ignore"):
            y = h.log()          # log(-2) is NaN
        loss = y.sum()
    return [save_graph(loss, out / "nan-graph.svg", params={"w": w})]


# --- watching backward -------------------------------------------------------------------
def reused_value() -> tuple[minigrad.Tensor, dict]:
    """b = a * a; c = b + b: a value used twice, whose gradients add up."""
    a = minigrad.tensor([1.0, -2.0, 0.5], requires_grad=True)
    b = a * a
    c = b + b
    return c.sum(), {"a": a}


def backward_pages(out: Path) -> list[Path]:
    loss, params = one_layer_loss()
    reused, names = reused_value()
    return [save_backward_html(loss, out / "backward-tanh.html", params=params,
                               rankdir="LR"),
            save_backward_html(reused, out / "backward-reuse.html", params=names,
                               rankdir="LR")]


def lenet_batch() -> tuple[minigrad.Tensor, nn.Module]:
    """LeNet-5's loss on a batch of 64 MNIST-sized images, recorded with details."""
    minigrad.manual_seed(0)
    model = lenet5()
    images, labels = minigrad.randn(64, 1, 28, 28), minigrad.randint(0, 10, (64,))
    with record():
        loss = F.cross_entropy(model(images), labels)
    return loss, model


def backward_screenshots(out: Path) -> list[Path]:
    """The LeNet-5 backward page as headless Chromium shows it: at step 3, and at the
    step where the second convolution runs (inside its module's cluster)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    loss, model = lenet_batch()
    steps = backward_steps(loss, params=model)
    conv = next(s.number for s in steps if s.name == "conv2d")
    options = Options()
    options.binary_location = shutil.which("chromium") or "chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,800",
                "--hide-scrollbars"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    written = []
    with tempfile.TemporaryDirectory() as work:
        page = save_backward_html(steps, Path(work) / "lenet.html")
        try:
            for name, step in (("step3", 3), ("conv", conv)):
                driver.get(page.as_uri())
                for _ in range(step - 1):
                    driver.find_element(By.ID, "next").click()
                written.append(out / f"backward-lenet-{name}.png")
                driver.save_screenshot(str(written[-1]))
        finally:
            driver.quit()
    return written


# --- the im2col layout -------------------------------------------------------------------
WINDOW_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e"]


def im2col_figure(out: Path) -> list[Path]:
    """The columns F.unfold makes from a 2-channel 3x3 image and a 2x2 kernel."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "minigrad",
                         "font.family": "DejaVu Sans"})
    x = minigrad.arange(1, 19, dtype=minigrad.float32).reshape(1, 2, 3, 3)
    cols = F.unfold(x, kernel_size=2).numpy()[0]          # (C*KH*KW, L) = (8, 4)
    image = x.numpy()[0]
    fig = plt.figure(figsize=(8.2, 4.7))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, 16.4)
    ax.set_ylim(-8.6, 0.8 + 1.2)
    ax.set_aspect("equal")
    ax.axis("off")

    def cell(x0, y0, text, face="white"):
        ax.add_patch(Rectangle((x0, y0 - 1), 1, 1, facecolor=face, edgecolor="#555555",
                               linewidth=0.8))
        ax.text(x0 + 0.5, y0 - 0.5, text, ha="center", va="center", fontsize=11)

    # the input: two channels of 3x3, with the four 2x2 windows outlined
    for c in range(2):
        top = -0.3 - c * 4.6
        ax.text(0.2, top + 0.55, f"input channel c = {c}", fontsize=11, va="center")
        for i in range(3):
            for j in range(3):
                cell(0.2 + j, top - i, f"{image[c, i, j]:.0f}")
        for l, color in enumerate(WINDOW_COLORS):
            oh, ow = divmod(l, 2)
            inset = 0.06 + 0.07 * l
            ax.add_patch(Rectangle((0.2 + ow + inset, top - oh - 2 + inset),
                                   2 - 2 * inset, 2 - 2 * inset, fill=False,
                                   edgecolor=color, linewidth=2))
    ax.annotate("", xy=(7.1, -3.7), xytext=(4.0, -3.7),
                arrowprops={"arrowstyle": "->", "linewidth": 1.5})
    ax.text(5.55, -3.35, "F.unfold(x, 2)", ha="center", fontsize=11, family="monospace")

    # the columns: one per window, rows ordered (c, i, j)
    left = 11.9
    ax.text(left + 2, 1.35, "columns: (C·KH·KW, L) = (8, 4)", ha="center", fontsize=11)
    for l, color in enumerate(WINDOW_COLORS):
        ax.text(left + l + 0.5, 0.45, f"l={l}", ha="center", va="center", fontsize=10,
                color=color, fontweight="bold")
    for r in range(cols.shape[0]):
        c, rest = divmod(r, 4)
        i, j = divmod(rest, 2)
        ax.text(left - 0.15, -r - 0.5, f"(c={c}, i={i}, j={j})", ha="right", va="center",
                fontsize=10, family="monospace")
        for l in range(cols.shape[1]):
            cell(left + l, -r, f"{cols[r, l]:.0f}")
    for l, color in enumerate(WINDOW_COLORS):
        ax.add_patch(Rectangle((left + l + 0.05, -7.95), 0.9, 7.9, fill=False,
                               edgecolor=color, linewidth=2))
    path = out / "im2col.svg"
    fig.savefig(path, metadata={"Date": None})
    plt.close(fig)
    return [path]


# --- the training demo -------------------------------------------------------------------
def training(out: Path) -> list[Path]:
    """Run examples/train_cnn.py as a user would, keep its curve, graph and log."""
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
        result = subprocess.run(
            [sys.executable, str(ROOT / "examples" / "train_cnn.py"), "--no-progress"],
            cwd=work, env=env, capture_output=True, text=True, check=True)
        runs = Path(work) / "runs"
        shutil.copy(runs / "digits_curve.png", out / "training-curve.png")
        shutil.copy(runs / "digits_graph.svg", out / "digits-cnn-graph.svg")
    log = out / "training-log.txt"
    log.write_text(result.stdout)
    return [out / "training-curve.png", out / "digits-cnn-graph.svg", log]


FIGURES = {"backward-graph": backward_graph, "lenet-graph": lenet_graphs,
           "nan-graph": nan_graph, "backward-pages": backward_pages,
           "backward-screenshots": backward_screenshots, "im2col": im2col_figure,
           "training": training}


def main(argv: list[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"figures to draw (default: all of {', '.join(FIGURES)})")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in FIGURES]
    if unknown:
        parser.error(f"unknown figure {unknown[0]!r}; choose from {', '.join(FIGURES)}")
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in args.names or FIGURES:
        paths = FIGURES[name](args.out)
        written += paths
        for path in paths:
            print(f"{name}: {path}")
    return written


if __name__ == "__main__":
    main()
