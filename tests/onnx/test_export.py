"""minigrad.onnx.export against ONNX Runtime: whole models, at two batch sizes through one
file with a dynamic batch axis, compared with minigrad's own forward (float32, rtol 1e-5,
atol 1e-6)."""
from __future__ import annotations

import io
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F

from onnx_helpers import assert_matches, demo_models, export_bytes, forward, onnx, run_onnx

BATCHES = (1, 5)


class OddShapes(nn.Module):
    """Groups, dilation, padding='same', strides, ceil_mode pooling (max and average, with
    count_include_pad=False), adaptive pooling that does and does not divide evenly,
    leaky_relu, gelu, softmax and log_softmax."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Conv2d(4, 8, 3, padding="same", dilation=2, groups=2)
        self.b = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=4, bias=False)
        self.c = nn.Conv2d(8, 6, (2, 3), padding="same")
        self.pool = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.head = nn.Linear(6 * 2 * 3, 5)

    def forward(self, x):
        x = F.relu(self.a(x))
        x = F.gelu(self.b(x))
        x = self.pool(F.leaky_relu(self.c(x), 0.1))
        y = F.avg_pool2d(x, 3, stride=1, padding=1, ceil_mode=True, count_include_pad=False)
        z = F.adaptive_avg_pool2d(y, (2, 3))
        g = F.adaptive_avg_pool2d(x, 1)
        out = self.head(z.flatten(1)) + g.flatten(1).sum(1, keepdim=True)
        return F.log_softmax(out, 1), F.softmax(out * 2, -1).amax(1)


def mlp_with_batch_norm() -> nn.Module:
    model = nn.Sequential(nn.Linear(10, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.3),
                          nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 3))
    for _ in range(3):  # running statistics that are not the initial 0 and 1
        model(minigrad.randn(8, 10) * 2 + 1)
    return model


def cnn_with_batch_norm() -> nn.Module:
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Sigmoid(),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten())
    for _ in range(2):
        model(minigrad.randn(4, 3, 6, 6) - 0.5)
    return model


CASES = {
    "lenet5": (lambda: demo_models()["lenet5"](), (1, 28, 28)),
    "digits_cnn": (lambda: demo_models()["digits_cnn"](), (1, 8, 8)),
    "mlp_batch_norm_dropout": (mlp_with_batch_norm, (10,)),
    "cnn_batch_norm": (cnn_with_batch_norm, (3, 6, 6)),
    "odd_shapes": (OddShapes, (4, 11, 13)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_onnx_runtime_matches_minigrad_at_two_batch_sizes(case):
    minigrad.manual_seed(0)
    build, shape = CASES[case]
    model = build().eval()
    data = export_bytes(model, minigrad.randn(2, *shape), dynamic_axes={"input": {0: "batch"}})
    for n in BATCHES:
        x = minigrad.randn(n, *shape)
        assert_matches(run_onnx(data, {"input": x.numpy()}), forward(model, x))


def test_parameters_and_buffers_are_initializers_named_by_their_state_dict_keys():
    minigrad.manual_seed(0)
    model = mlp_with_batch_norm().eval()
    proto = onnx.load_from_string(export_bytes(model, minigrad.randn(2, 10)))
    initializers = {i.name: onnx.numpy_helper.to_array(i) for i in proto.graph.initializer}
    state = model.state_dict()
    for key, value in state.items():
        if key.endswith("num_batches_tracked"):
            continue  # not used by the forward pass
        np.testing.assert_array_equal(initializers[key], value.numpy())
    kinds = [n.op_type for n in proto.graph.node]
    assert "BatchNormalization" in kinds and "Dropout" not in kinds


def test_a_dynamic_batch_axis_is_symbolic_and_other_axes_are_fixed():
    model = demo_models()["digits_cnn"]().eval()
    proto = onnx.load_from_string(export_bytes(model, minigrad.randn(3, 1, 8, 8),
                                               dynamic_axes={"input": {0: "batch"}}))
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    assert dims(proto.graph.input[0]) == ["batch", 1, 8, 8]
    assert dims(proto.graph.output[0]) == ["batch", 10]


def test_without_dynamic_axes_the_file_takes_only_the_example_size():
    ort = pytest.importorskip("onnxruntime")
    model = demo_models()["digits_cnn"]().eval()
    data = export_bytes(model, minigrad.randn(3, 1, 8, 8))
    run_onnx(data, {"input": np.zeros((3, 1, 8, 8), np.float32)})
    with pytest.raises(Exception, match="(?i)dimension|shape"):
        run_onnx(data, {"input": np.zeros((4, 1, 8, 8), np.float32)})
    assert ort is not None


def test_names_several_inputs_and_outputs_and_list_style_dynamic_axes():
    minigrad.manual_seed(1)
    layer = nn.Linear(4, 3)

    def model(a, b):
        h = layer(a) * b
        return h.sum(-1), F.softmax(h, 1)

    a, b = minigrad.randn(2, 4), minigrad.randn(2, 3)
    data = export_bytes(model, (a, b), input_names=["a", "b"], output_names=["total", "p"],
                        dynamic_axes={"a": [0], "b": {0: "n"}, "p": {0: "n"}})
    proto = onnx.load_from_string(data)
    assert [i.name for i in proto.graph.input] == ["a", "b"]
    assert [o.name for o in proto.graph.output] == ["total", "p"]
    a, b = minigrad.randn(6, 4), minigrad.randn(6, 3)
    assert_matches(run_onnx(data, {"a": a.numpy(), "b": b.numpy()}), forward(model, a, b))


@pytest.mark.parametrize("opset", [13, 17, None])
def test_reductions_and_the_softmax_shift_at_each_supported_opset(opset):
    minigrad.manual_seed(2)

    def model(x):
        return F.log_softmax(x, 1) + x.amax(1, keepdim=True) - x.amin(0).sum()

    x = minigrad.randn(3, 7) * 30  # large logits: the shift must be computed, not baked
    data = export_bytes(model, x, opset_version=opset, dynamic_axes={"input": {0: "n"}})
    for n in (3, 4):
        x = minigrad.randn(n, 7) * 30
        assert_matches(run_onnx(data, {"input": x.numpy()}), forward(model, x))


def test_writes_to_a_path_and_to_a_file_object(tmp_path):
    model = demo_models()["digits_cnn"]().eval()
    x = minigrad.randn(2, 1, 8, 8)
    path = tmp_path / "digits.onnx"
    proto = minigrad.onnx.export(model, x, path)
    buffer = io.BytesIO()
    minigrad.onnx.export(model, x, str(tmp_path / "again.onnx"))
    minigrad.onnx.export(model, x, buffer)
    assert path.read_bytes() == buffer.getvalue() == proto.SerializeToString()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.onnx", "digits.onnx"]


def test_a_model_in_training_mode_is_exported_in_eval_mode_with_a_warning():
    minigrad.manual_seed(3)
    model = mlp_with_batch_norm().train()
    model[3].eval()  # one submodule in its own mode, which must be kept
    x = minigrad.randn(4, 10)
    state = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    with pytest.warns(UserWarning, match="training mode.*exported in eval mode"):
        data = export_bytes(model, x)
    assert model.training and model[1].training and not model[3].training
    for key, value in model.state_dict().items():  # the two runs did not touch the stats
        np.testing.assert_array_equal(value.numpy(), state[key])
    assert_matches(run_onnx(data, {"input": x.numpy()}), forward(model, x))  # forward: eval


def test_an_eval_model_exports_without_warnings():
    model = demo_models()["digits_cnn"]().eval()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        export_bytes(model, minigrad.randn(2, 1, 8, 8))


def test_export_works_inside_no_grad_and_leaves_the_example_untouched():
    model = demo_models()["digits_cnn"]().eval()
    x = minigrad.randn(2, 1, 8, 8)
    with minigrad.no_grad():
        data = export_bytes(model, x)
    assert not x.requires_grad and x.grad is None and x.grad_fn is None
    assert_matches(run_onnx(data, {"input": x.numpy()}), forward(model, x))


def test_padding_and_ceil_mode_fold_into_the_pads_of_conv_and_pooling():
    minigrad.manual_seed(4)
    proto = onnx.load_from_string(export_bytes(OddShapes().eval(), minigrad.randn(1, 4, 11, 13)))
    kinds = [n.op_type for n in proto.graph.node]
    assert "Pad" not in kinds and kinds.count("MaxPool") == 1 and kinds.count("Conv") == 3
    pool = next(n for n in proto.graph.node if n.op_type == "MaxPool")
    pads = next(list(a.ints) for a in pool.attribute if a.name == "pads")
    assert pads == [1, 1, 2, 1]  # [top, left, bottom, right]: ceil_mode adds a row (6x7 in)


def test_dynamic_spatial_axes_for_a_fully_convolutional_network():
    minigrad.manual_seed(5)
    model = nn.Sequential(nn.Conv2d(2, 4, 3, padding="same"), nn.ReLU(),
                          nn.Conv2d(4, 1, 3, padding=1, dilation=1)).eval()
    data = export_bytes(model, minigrad.randn(1, 2, 8, 8),
                        dynamic_axes={"input": {0: "n", 2: "h", 3: "w"}})
    for shape in ((1, 2, 8, 8), (3, 2, 5, 11)):
        x = minigrad.randn(*shape)
        assert_matches(run_onnx(data, {"input": x.numpy()}), forward(model, x))


def test_global_average_pooling_follows_dynamic_spatial_axes():
    minigrad.manual_seed(6)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.AvgPool2d(2),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten()).eval()
    data = export_bytes(model, minigrad.randn(1, 1, 8, 8), dynamic_axes={"input": [0, 2, 3]})
    kinds = [n.op_type for n in onnx.load_from_string(data).graph.node]
    assert "GlobalAveragePool" in kinds and "AveragePool" in kinds
    for shape in ((1, 1, 8, 8), (2, 1, 13, 9)):
        x = minigrad.randn(*shape)
        assert_matches(run_onnx(data, {"input": x.numpy()}), forward(model, x))


def test_a_divisor_that_depends_on_a_dynamic_spatial_size_is_refused():
    def model(x):
        return F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)

    with pytest.raises(minigrad.onnx.UnsupportedOperatorError,
                       match="avg_pool2d.*dynamic spatial axis"):
        export_bytes(model, minigrad.randn(1, 1, 8, 8), dynamic_axes={"input": [2, 3]})
    export_bytes(model, minigrad.randn(1, 1, 8, 8), dynamic_axes={"input": [0]})


def test_values_computed_from_the_data_outside_the_graph_are_computed_in_the_file():
    # std's and leaky_relu's masks, the softmax shift and max(dim)'s argmax are arrays read
    # from x's values without a node; the file must compute them for each new input.
    def model(x):
        top = x.max(1, keepdim=True).values + x.min(2).values.sum(-1, keepdim=True)[:, :, None]
        return F.leaky_relu(x - top, 0.3).std(2) + F.softmax(x, 1).sum(2)

    data = export_bytes(model, minigrad.randn(2, 4, 6), dynamic_axes={"input": {0: "n"}})
    kinds = {n.op_type for n in onnx.load_from_string(data).graph.node}
    assert {"ArgMax", "ArgMin", "Greater", "ReduceMax", "GatherElements"} <= kinds
    for n in (1, 3):
        x = minigrad.randn(n, 4, 6)
        assert_matches(run_onnx(data, {"input": x.numpy()}), forward(model, x))
