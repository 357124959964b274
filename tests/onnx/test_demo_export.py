"""The demo's --export onnx / --export safetensors write files that reproduce the trained
model: ONNX Runtime and the safetensors weights give the checkpoint's outputs."""
from __future__ import annotations

import contextlib
import io
import runpy

import pytest

import minigrad

from onnx_helpers import ROOT, assert_matches, forward, run_onnx


def test_the_demo_exports_next_to_the_checkpoint(tmp_path):
    pytest.importorskip("sklearn")
    pytest.importorskip("safetensors")
    demo = runpy.run_path(str(ROOT / "examples" / "train_cnn.py"))
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        demo["main"](["--epochs", "1", "--no-progress", "--out", str(tmp_path),
                      "--export", "onnx", "--export", "safetensors"])
    onnx_path, weights = tmp_path / "digits_cnn.onnx", tmp_path / "digits_cnn.safetensors"
    assert f"onnx: {onnx_path}" in printed.getvalue()
    assert f"safetensors: {weights}" in printed.getvalue()
    model = demo["digits_cnn"]()
    model.load_state_dict(minigrad.load(tmp_path / "digits_cnn.npz")["model"])
    from_weights = demo["digits_cnn"]()
    assert minigrad.safetensors.load_model(from_weights, weights) == ([], [])
    images = minigrad.randn(9, 1, 8, 8)
    expected = forward(model, images)
    assert_matches(forward(from_weights, images), expected)
    assert_matches(run_onnx(onnx_path.read_bytes(), {"images": images.numpy()}), expected)
