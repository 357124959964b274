"""What the demo's --export onnx / --export safetensors write (its ``export_model``)
reproduces the model: ONNX Runtime and the safetensors weights give the model's outputs.
(tests/test_docs.py checks the flag against the training page's table of options.)"""
from __future__ import annotations

import runpy
from pathlib import Path

import pytest

import minigrad

from onnx_helpers import ROOT, assert_matches, forward, run_onnx


def test_the_demo_exports_next_to_the_checkpoint(tmp_path):
    pytest.importorskip("safetensors")
    demo = runpy.run_path(str(ROOT / "examples" / "train_cnn.py"))
    minigrad.manual_seed(0)
    model = demo["digits_cnn"]()
    checkpoint = tmp_path / "digits_cnn.npz"
    example = minigrad.randn(2, 1, 8, 8)
    written = {kind: demo["export_model"](model, example, checkpoint, kind)
               for kind in ("onnx", "safetensors")}
    assert written == {"onnx": str(tmp_path / "digits_cnn.onnx"),
                       "safetensors": str(tmp_path / "digits_cnn.safetensors")}
    from_weights = demo["digits_cnn"]()
    assert minigrad.safetensors.load_model(from_weights, written["safetensors"]) == ([], [])
    images = minigrad.randn(9, 1, 8, 8)
    expected = forward(model, images)
    assert_matches(forward(from_weights, images), expected)
    onnx_file = Path(written["onnx"]).read_bytes()
    assert_matches(run_onnx(onnx_file, {"images": images.numpy()}), expected)
