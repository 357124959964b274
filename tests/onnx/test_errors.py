"""What export refuses, and that a refused export writes nothing."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.onnx import OnnxExporterError, UnsupportedOperatorError

from onnx_helpers import export_bytes, demo_models


class Im2col(nn.Module):
    def forward(self, x):
        return F.unfold(x, 2)


def test_an_unsupported_primitive_is_named_with_its_module_and_nothing_is_written(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Sequential(nn.ReLU(), Im2col()))
    path = tmp_path / "model.onnx"
    path.write_bytes(b"the previous file")
    with pytest.raises(UnsupportedOperatorError,
                       match=r"primitive 'unfold' \(in module '1\.1', Im2col\).*nothing was "
                             r"written") as info:
        minigrad.onnx.export(model.eval(), minigrad.randn(1, 1, 6, 6), path)
    assert isinstance(info.value, OnnxExporterError) and isinstance(info.value, RuntimeError)
    assert path.read_bytes() == b"the previous file"
    assert [p.name for p in tmp_path.iterdir()] == ["model.onnx"]  # no temporary left


def test_a_constant_computed_from_the_input_values_is_refused():
    def model(x):
        return x * float(x.sum().item())  # a number read out of the data: no graph node

    with pytest.raises(UnsupportedOperatorError,
                       match="export: mul .*changes with the input.*nothing was written"):
        export_bytes(model, minigrad.randn(2, 3))


def test_a_size_read_from_the_input_is_refused_on_a_dynamic_axis_only():
    layer = nn.Linear(3, 3)

    def model(x):
        return layer(x)[: x.shape[0] - 1]  # a slice bound computed from the batch size

    with pytest.raises(UnsupportedOperatorError, match="getitem.*changes with the input"):
        export_bytes(model, minigrad.randn(4, 3), dynamic_axes={"input": {0: "batch"}})
    export_bytes(model, minigrad.randn(4, 3))  # fine at a fixed size


def test_python_control_flow_on_the_data_is_refused():
    minigrad.manual_seed(0)
    layer = nn.Linear(3, 3)

    def model(x):
        h = layer(x)
        return h.relu() if float(h.sum().item()) > 0 else h.tanh()

    for seed in range(20):  # find an example whose branch differs from the probe's
        minigrad.manual_seed(seed)
        x = minigrad.randn(2, 3)
        try:
            export_bytes(model, x)
        except UnsupportedOperatorError as err:
            assert "different primitives" in str(err)
            return
    pytest.fail("no example took the other branch")


def test_bad_arguments_raise_before_anything_runs():
    model = demo_models()["digits_cnn"]().eval()
    x = minigrad.randn(2, 1, 8, 8)
    with pytest.raises(ValueError, match="dynamic_axes names 'images'"):
        export_bytes(model, x, dynamic_axes={"images": {0: "batch"}})
    with pytest.raises(ValueError, match="dynamic axis 4 .* out of range"):
        export_bytes(model, x, dynamic_axes={"input": {4: "batch"}})
    with pytest.raises(ValueError, match="opset_version must be between 13"):
        export_bytes(model, x, opset_version=9)
    with pytest.raises(ValueError, match="expected 1 distinct input names"):
        export_bytes(model, x, input_names=["a", "b"])
    with pytest.raises(TypeError, match="floating-point Tensors, got int64"):
        export_bytes(model, minigrad.tensor(np.zeros((2, 1, 8, 8), np.int64)))
    with pytest.raises(OnnxExporterError, match="must return a Tensor"):
        export_bytes(lambda t: {"out": t * 2}, x)


def test_without_the_packages_the_error_says_what_to_install(monkeypatch, tmp_path):
    import sys

    for name in ("onnx", "safetensors", "safetensors.numpy"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ModuleNotFoundError, match=r'pip install "minigrad\[onnx\]"') as info:
        minigrad.onnx.export(lambda x: x * 2, minigrad.randn(2), tmp_path / "m.onnx")
    assert info.value.name == "onnx"
    with pytest.raises(ModuleNotFoundError, match=r'pip install "minigrad\[safetensors\]"'):
        minigrad.safetensors.save_file({"w": minigrad.ones(2)}, tmp_path / "w.safetensors")
    assert list(tmp_path.iterdir()) == []


def test_an_unregistered_function_is_named_by_its_class():
    class Cube(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            raise NotImplementedError

    with pytest.raises(UnsupportedOperatorError, match="primitive 'Cube' .*no ONNX lowering"):
        export_bytes(lambda x: Cube.apply(x) + 1, minigrad.randn(3))
