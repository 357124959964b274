"""Train a LeNet-style CNN with minigrad, end to end.

By default it trains on scikit-learn's bundled 8x8 digits (no download) and reports test
accuracy. ``--dataset mnist --data-dir DIR`` trains LeNet-5 on MNIST IDX files instead
(with only the 10k test set there, the first 8k train and the last 2k test).

On a terminal it shows a progress bar (tqdm when installed); in a log it prints one line
per epoch. It writes a checkpoint, a training-curve PNG (matplotlib when installed), the
model's graph and a page that steps through the backward pass of one batch (graphviz
when installed) into --out. ``--resume`` continues from the checkpoint up to --epochs in
total; ``--export onnx`` and ``--export safetensors`` also write the model next
to the checkpoint. Fixed seeds make runs repeatable.

    python examples/train_cnn.py
    python examples/train_cnn.py --dataset mnist --data-dir path/to/mnist --epochs 3
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any, Iterable

import numpy as np

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.data import MNIST, DataLoader, TensorDataset, load_digits, random_split


MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def digits_cnn() -> nn.Module:
    """A small LeNet-style network for 1x8x8 images."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 16 x 4 x 4
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 32 x 2 x 2
        nn.Flatten(), nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Linear(64, 10))


def lenet5() -> nn.Module:
    """LeNet-5 for 1x28x28 images (ReLU and max-pooling, as usually trained today)."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),    # 6 x 14 x 14
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),              # 16 x 5 x 5
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def load_data(args: argparse.Namespace) -> tuple[Any, Any, nn.Module]:
    if args.dataset == "digits":
        images, labels = load_digits()
        train, test = random_split(TensorDataset(images, labels), [0.8, 0.2], seed=0)
        return train, test, digits_cnn()
    mnist = MNIST(args.data_dir, train=False)
    images = (mnist.images - MNIST_MEAN) / MNIST_STD  # the usual normalisation
    labels = mnist.targets
    train = TensorDataset(images[:8000], labels[:8000])
    test = TensorDataset(images[8000:], labels[8000:])
    return train, test, lenet5()


def progress(batches: Iterable, total: int, desc: str, enabled: bool) -> Any:
    """A tqdm bar when enabled and installed; else the batches as they are (the epoch's
    summary line is printed either way)."""
    if enabled:
        try:
            from tqdm import tqdm
            return tqdm(batches, total=total, desc=desc, leave=False)
        except ImportError:
            pass
    return _Quiet(batches)


class _Quiet:
    """Iterates like a progress bar and shows nothing."""

    def __init__(self, batches: Iterable) -> None:
        self.batches = batches

    def __iter__(self) -> Any:
        yield from self.batches

    def set_postfix(self, **values: Any) -> None:
        pass

    def close(self) -> None:
        pass


def evaluate(model: nn.Module, loader: DataLoader) -> float:
    model.eval()
    correct = total = 0
    with minigrad.no_grad():
        for images, labels in loader:
            correct += int((model(images).argmax(1) == labels).sum().item())
            total += labels.shape[0]
    model.train()
    return correct / total


def train_epoch(model: nn.Module, loader: DataLoader, optimizer: Any, desc: str,
                show: bool) -> tuple[float, float]:
    bar = progress(loader, len(loader), desc, show)
    loss_sum = correct = seen = 0
    for images, labels in bar:
        logits = model(images)
        loss = F.cross_entropy(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        n = labels.shape[0]
        loss_sum += loss.item() * n
        correct += int((logits.argmax(1) == labels).sum().item())
        seen += n
        bar.set_postfix(loss=f"{loss_sum / seen:.4f}", acc=f"{correct / seen:.3f}")
    bar.close()
    return loss_sum / seen, correct / seen


def save_curve(history: dict, path: Path) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    epochs = np.arange(1, len(history["loss"]) + 1)
    left.plot(epochs, history["loss"], marker="o")
    left.set(xlabel="epoch", ylabel="training loss")
    right.plot(epochs, history["train_acc"], marker="o", label="train")
    right.plot(epochs, history["test_acc"], marker="o", label="test")
    right.set(xlabel="epoch", ylabel="accuracy")
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def save_model_graph(model: nn.Module, example: minigrad.Tensor, path: Path) -> str:
    with minigrad.viz.record():  # module clusters and op attributes
        loss = F.cross_entropy(model(example[:2]), minigrad.tensor([0, 1]))
    try:
        minigrad.viz.save_graph(loss, path, params=model)
        return str(path)
    except ImportError as err:
        return f"not drawn ({err})"
    except RuntimeError as err:  # no `dot` program: the DOT source is still written
        return f"{path.with_suffix('.dot')} ({err})"


def save_backward_page(model: nn.Module, images: minigrad.Tensor,
                       labels: minigrad.Tensor, path: Path) -> str:
    """The backward pass of one batch, step by step, as an offline HTML page."""
    with minigrad.viz.record():
        loss = F.cross_entropy(model(images), labels)
    try:
        return str(minigrad.viz.save_backward_html(loss, path, params=model))
    except (ImportError, RuntimeError) as err:  # no graphviz package, or no `dot`
        return f"not written ({err})"


def respan_cosine(schedule: Any, optimizer: Any, epochs: int) -> None:
    """Make a resumed cosine schedule end at ``epochs`` instead of where it was first
    aimed: the rate becomes the one a cosine over ``epochs`` has at this epoch, and the
    schedule goes on from there."""
    schedule.T_max = epochs
    t = schedule.last_epoch
    for group, base in zip(optimizer.param_groups, schedule.base_lrs):
        group["lr"] = schedule.eta_min + (base - schedule.eta_min) * (
            1 + math.cos(math.pi * t / epochs)) / 2


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def export_model(model: nn.Module, example: minigrad.Tensor, checkpoint: Path,
                 kind: str) -> str:
    """Write the trained model next to the checkpoint: as ONNX (runs in ONNX Runtime at
    any batch size) or its weights as safetensors (load into the same network in
    PyTorch)."""
    path = checkpoint.with_suffix(f".{kind}")
    try:
        if kind == "onnx":
            batch = {0: "batch"}
            minigrad.onnx.export(model.eval(), example, path, input_names=["images"],
                                 output_names=["logits"],
                                 dynamic_axes={"images": batch, "logits": batch})
        else:
            minigrad.safetensors.save_model(model, path)
    except ImportError as err:
        return f"not written ({err.name} is missing: pip install -e \".[{kind}]\")"
    return str(path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Train a CNN with minigrad.")
    parser.add_argument("--dataset", choices=["digits", "mnist"], default="digits",
                        help="the bundled 8x8 digits, or MNIST IDX files in --data-dir")
    parser.add_argument("--data-dir", default="data/mnist",
                        help="folder with MNIST IDX files")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs to train in total (default: 15 for digits, 3 "
                             "for mnist); with --resume, training continues up to "
                             "this total")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="images per batch (default: 32 for digits, 64 for mnist)")
    parser.add_argument("--lr", type=float, default=None,
                        help="Adam's learning rate (default: 3e-3 for digits, 1e-3 "
                             "for mnist)")
    parser.add_argument("--schedule", choices=["cosine", "constant"], default=None,
                        help="learning-rate schedule (cosine for digits, constant "
                             "for mnist)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seeds the weights, the split and the shuffling")
    parser.add_argument("--out", default="runs",
                        help="where the checkpoint and pictures go")
    parser.add_argument("--resume", action="store_true",
                        help="continue from the checkpoint in --out, up to --epochs "
                             "in total")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (there is none anyway when the output "
                             "is not a terminal)")
    parser.add_argument("--export", action="append", choices=["onnx", "safetensors"],
                        help="also write the model as ONNX or its weights as "
                             "safetensors, next to the checkpoint")
    return parser


def main(argv: list[str] | None = None) -> float:
    args = build_parser().parse_args(argv)
    defaults = {"digits": (15, 32, 3e-3, "cosine"), "mnist": (3, 64, 1e-3, "constant")}
    epochs, batch_size, lr, schedule_name = (given or default for given, default in zip(
        (args.epochs, args.batch_size, args.lr, args.schedule), defaults[args.dataset]))

    minigrad.manual_seed(args.seed)
    train, test, model = load_data(args)
    optimizer = minigrad.optim.Adam(model.parameters(), lr=lr)
    # With "cosine" the learning rate decays to 0 along a half cosine over the epochs,
    # so the last ones settle down; MNIST keeps the usual constant-rate recipe.
    schedule = (minigrad.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
                if schedule_name == "cosine" else None)
    train_loader = DataLoader(train, batch_size=batch_size, shuffle=True,
                              seed=args.seed)
    test_loader = DataLoader(test, batch_size=256)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    checkpoint = out / f"{args.dataset}_cnn.npz"
    history: dict[str, list] = {"loss": [], "train_acc": [], "test_acc": []}
    start_epoch = 0
    if args.resume and checkpoint.exists():
        state = minigrad.load(checkpoint)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        if schedule is not None and "schedule" in state:
            schedule.load_state_dict(state["schedule"])
        history, start_epoch = state["history"], int(state["epoch"])
        print(f"resumed from {checkpoint} after {plural(start_epoch, 'epoch')}, "
              f"training up to {plural(epochs, 'epoch')} in total")
        if schedule is not None and schedule.T_max != epochs:
            respan_cosine(schedule, optimizer, epochs)
            print(f"the cosine schedule now spans {plural(epochs, 'epoch')}: "
                  f"learning rate {optimizer.param_groups[0]['lr']:.3g}")

    print(f"training on {args.dataset}: {len(train)} train / {len(test)} test images")
    started = time.perf_counter()
    show_progress = not args.no_progress and sys.stderr.isatty()
    if start_epoch >= epochs:
        print(f"already trained {plural(start_epoch, 'epoch')}; "
              "ask for more with --epochs")
    for epoch in range(start_epoch, epochs):
        loss, train_acc = train_epoch(model, train_loader, optimizer,
                                      f"epoch {epoch + 1}", show_progress)
        if schedule is not None:
            schedule.step()
        test_acc = evaluate(model, test_loader)
        for key, value in zip(history, (loss, train_acc, test_acc)):
            history[key].append(value)
        print(f"epoch {epoch + 1:2d}  loss {loss:.4f}  train acc {train_acc:.4f}  "
              f"test acc {test_acc:.4f}")
        state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                 "history": history, "epoch": epoch + 1}
        if schedule is not None:
            state["schedule"] = schedule.state_dict()
        minigrad.save(state, checkpoint)
    elapsed = time.perf_counter() - started
    if not history["test_acc"]:
        print("nothing to train: --epochs is 0")
        return float("nan")
    print(f"test accuracy {history['test_acc'][-1]:.4f} after "
          f"{plural(len(history['loss']), 'epoch')} ({elapsed:.1f} s of training)")
    print(f"checkpoint: {checkpoint}")
    curve = out / f"{args.dataset}_curve.png"
    drawn = curve if save_curve(history, curve) else "skipped (no matplotlib)"
    print(f"training curve: {drawn}")
    example = minigrad.stack([train[0][0], train[1][0]])
    graph = save_model_graph(model, example, out / f"{args.dataset}_graph.svg")
    print(f"model graph: {graph}")
    images, labels = next(iter(train_loader))
    page = save_backward_page(model, images, labels,
                              out / f"{args.dataset}_backward.html")
    print(f"backward, step by step: {page}")
    for kind in args.export or ():
        print(f"{kind}: {export_model(model, example, checkpoint, kind)}")
    return history["test_acc"][-1]


if __name__ == "__main__":
    main()
