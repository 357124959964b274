"""Tests for examples/train_cnn.py as a user runs it: a log without progress bars,
--resume up to --epochs in total, --help for every option, the backward page."""
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "train_cnn.py"

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def demo():
    return runpy.run_path(str(DEMO))


def run(demo, capsys, *args):
    demo["main"](["--batch-size", "512", *args])
    return capsys.readouterr()


def test_a_log_gets_one_line_per_epoch_and_resume_continues_to_the_total(
        demo, capsys, tmp_path):
    out = str(tmp_path / "runs")
    first = run(demo, capsys, "--epochs", "1", "--out", out)
    assert "it/s" not in first.err and "\r" not in first.err   # no progress bar in a log
    assert [line[:8] for line in first.out.splitlines() if line.startswith("epoch")] \
        == ["epoch  1"]
    assert "after 1 epoch (" in first.out
    page = tmp_path / "runs" / "digits_backward.html"
    assert page.stat().st_size > 10_000 or "backward, step by step: not written" in first.out

    second = run(demo, capsys, "--epochs", "2", "--resume", "--out", out)
    assert "training up to 2 epochs in total" in second.out
    assert [line[:8] for line in second.out.splitlines() if line.startswith("epoch")] \
        == ["epoch  2"]
    assert "after 2 epochs (" in second.out
    assert "the cosine schedule now spans 2 epochs" in second.out

    third = run(demo, capsys, "--epochs", "2", "--resume", "--out", out)
    assert "already trained 2 epochs" in third.out
    assert not [line for line in third.out.splitlines() if line.startswith("epoch")]


def test_the_resumed_cosine_rate_is_the_one_of_a_cosine_over_the_new_total(demo):
    import math

    import minigrad

    w = minigrad.zeros(1, requires_grad=True)
    optimizer = minigrad.optim.SGD([w], lr=1.0)
    schedule = minigrad.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=2)
    for _ in range(2):
        optimizer.step()
        schedule.step()
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.0)   # the end of 2 epochs
    demo["respan_cosine"](schedule, optimizer, 4)
    assert optimizer.param_groups[0]["lr"] == pytest.approx((1 + math.cos(math.pi / 2)) / 2)
    optimizer.step()
    schedule.step()
    assert optimizer.param_groups[0]["lr"] == pytest.approx((1 + math.cos(3 * math.pi / 4)) / 2)


def test_help_explains_every_option(demo):
    actions = [a for a in demo["build_parser"]()._actions if a.dest != "help"]
    assert len(actions) >= 10
    assert not [a.option_strings for a in actions if not a.help]
    done = subprocess.run([sys.executable, str(DEMO), "--help"], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "epochs to train in total" in " ".join(done.stdout.split())


def test_plural():
    demo = runpy.run_path(str(DEMO))
    assert demo["plural"](1, "epoch") == "1 epoch" and demo["plural"](3, "epoch") == "3 epochs"
