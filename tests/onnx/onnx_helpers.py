"""Shared by the ONNX tests: export to bytes, run in ONNX Runtime, compare with minigrad."""
from __future__ import annotations

import io
import runpy
from pathlib import Path

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

RTOL, ATOL = 1e-5, 1e-6
ROOT = Path(__file__).resolve().parents[2]


def export_bytes(model, args, **kwargs) -> bytes:
    buffer = io.BytesIO()
    minigrad.onnx.export(model, args, buffer, **kwargs)
    return buffer.getvalue()


def run_onnx(data: bytes, feeds: dict) -> list[np.ndarray]:
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    return session.run(None, {k: np.asarray(v) for k, v in feeds.items()})


def forward(model, *inputs) -> list[np.ndarray]:
    """minigrad's own forward, in eval mode and without a graph."""
    if isinstance(model, nn.Module):
        model.eval()
    with minigrad.no_grad():
        out = model(*inputs)
    return [o.numpy() for o in (out if isinstance(out, (tuple, list)) else (out,))]


def assert_matches(got: list[np.ndarray], want: list[np.ndarray]) -> float:
    """Same shapes and dtypes, values within rtol 1e-5 / atol 1e-6; returns the max diff."""
    assert len(got) == len(want)
    worst = 0.0
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, g.dtype, w.shape, w.dtype)
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)
        worst = max(worst, float(np.max(np.abs(g.astype(np.float64) - w))) if g.size else 0.0)
    return worst


def demo_models() -> dict:
    """The demo's digits CNN and LeNet-5, from examples/train_cnn.py itself."""
    demo = runpy.run_path(str(ROOT / "examples" / "train_cnn.py"))
    return {"digits_cnn": demo["digits_cnn"], "lenet5": demo["lenet5"]}
