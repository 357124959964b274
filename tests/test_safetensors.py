"""minigrad.safetensors: weights move between minigrad and PyTorch both ways, and bad files
give clear errors and change nothing."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
import minigrad.safetensors as mst

safetensors = pytest.importorskip("safetensors")


def lenet5() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def torch_lenet5(torch):
    tnn = torch.nn
    return tnn.Sequential(
        tnn.Conv2d(1, 6, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Conv2d(6, 16, 5), tnn.ReLU(), tnn.MaxPool2d(2), tnn.Flatten(),
        tnn.Linear(400, 120), tnn.ReLU(), tnn.Linear(120, 84), tnn.ReLU(), tnn.Linear(84, 10))


def with_batch_norm(nn_module):
    return nn_module.Sequential(nn_module.Linear(6, 8), nn_module.BatchNorm1d(8),
                                nn_module.ReLU(), nn_module.Linear(8, 3))


def train_minigrad(model: nn.Module, x: minigrad.Tensor, steps: int = 3) -> None:
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-2)
    target = minigrad.tensor(np.arange(x.shape[0]) % 3)
    for _ in range(steps):
        loss = F.cross_entropy(model(x), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def snapshot(model: nn.Module) -> dict[str, np.ndarray]:
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


def assert_unchanged(model: nn.Module, before: dict[str, np.ndarray]) -> None:
    after = snapshot(model)
    assert after.keys() == before.keys()
    for key in before:
        np.testing.assert_array_equal(after[key], before[key])


# --- both ways with PyTorch ------------------------------------------------------------------
def test_lenet5_trained_in_minigrad_runs_in_pytorch(tmp_path):
    torch = pytest.importorskip("torch")
    import safetensors.torch

    minigrad.manual_seed(0)
    model = lenet5()
    x = minigrad.randn(4, 1, 28, 28)
    train_minigrad(model, x)
    mst.save_file(model.state_dict(), tmp_path / "lenet.safetensors")
    twin = torch_lenet5(torch)
    twin.load_state_dict(safetensors.torch.load_file(str(tmp_path / "lenet.safetensors")))
    model.eval()
    with minigrad.no_grad(), torch.no_grad():
        ours, theirs = model(x).numpy(), twin(torch.from_numpy(x.numpy())).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


def test_lenet5_trained_in_pytorch_runs_in_minigrad(tmp_path):
    torch = pytest.importorskip("torch")
    import safetensors.torch

    torch.manual_seed(0)
    twin = torch_lenet5(torch)
    images = torch.randn(4, 1, 28, 28)
    for _ in range(2):  # plain SGD steps, written out
        loss = torch.nn.functional.cross_entropy(twin(images), torch.tensor([0, 1, 2, 3]))
        twin.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in twin.parameters():
                param -= 0.1 * param.grad
    safetensors.torch.save_file(twin.state_dict(), str(tmp_path / "lenet.safetensors"))
    model = lenet5()
    assert mst.load_model(model, tmp_path / "lenet.safetensors") == ([], [])
    with minigrad.no_grad(), torch.no_grad():
        ours = model.eval()(minigrad.tensor(images.numpy())).numpy()
        theirs = twin(images).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


def test_batch_norm_buffers_go_both_ways(tmp_path):
    torch = pytest.importorskip("torch")
    import safetensors.torch

    minigrad.manual_seed(1)
    model = with_batch_norm(nn)
    train_minigrad(model, minigrad.randn(8, 6) * 3 + 1)
    mst.save_model(model, tmp_path / "bn.safetensors")
    twin = with_batch_norm(torch.nn)
    twin.load_state_dict(safetensors.torch.load_file(str(tmp_path / "bn.safetensors")))
    assert int(twin[1].num_batches_tracked) == 3
    x = minigrad.randn(5, 6)
    with minigrad.no_grad(), torch.no_grad():
        ours, theirs = model.eval()(x).numpy(), twin.eval()(torch.from_numpy(x.numpy())).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
    # and back: the state PyTorch holds loads into a fresh minigrad model, dtypes kept
    safetensors.torch.save_file(twin.state_dict(), str(tmp_path / "back.safetensors"))
    loaded = mst.load_file(tmp_path / "back.safetensors")
    assert loaded["1.num_batches_tracked"].dtype == np.int64
    assert loaded["1.num_batches_tracked"].shape == ()
    fresh = with_batch_norm(nn)
    fresh.load_state_dict(loaded)
    with minigrad.no_grad():
        np.testing.assert_allclose(fresh.eval()(x).numpy(), ours, rtol=1e-6, atol=1e-7)


def test_dtypes_and_metadata_round_trip_through_pytorch(tmp_path):
    torch = pytest.importorskip("torch")
    import safetensors.torch
    from safetensors import safe_open

    arrays = {"f64": np.arange(6.0).reshape(2, 3), "f32": np.ones(3, np.float32),
              "f16": np.full(2, 0.5, np.float16), "i64": np.array(7),
              "i32": np.arange(4, dtype=np.int32),
              "u8": np.arange(3, dtype=np.uint8), "flag": np.array([True, False])}
    path = str(tmp_path / "mixed.safetensors")
    mst.save_file({k: minigrad.tensor(v) for k, v in arrays.items()}, path,
                  metadata={"by": "minigrad"})
    theirs = safetensors.torch.load_file(path)
    with safe_open(path, framework="pt") as handle:
        assert handle.metadata() == {"by": "minigrad"}
    for key, value in arrays.items():
        np.testing.assert_array_equal(theirs[key].numpy(), value)
        assert theirs[key].numpy().dtype == value.dtype
    back = mst.load(safetensors.torch.save(theirs))
    assert {k: (v.dtype, v.shape) for k, v in back.items()} == \
        {k: (v.dtype, v.shape) for k, v in arrays.items()}
    assert not any(t.requires_grad for t in back.values())
    assert torch is not None


# --- errors change nothing ---------------------------------------------------------------------
@pytest.fixture
def saved(tmp_path):
    minigrad.manual_seed(2)
    path = tmp_path / "model.safetensors"
    mst.save_model(with_batch_norm(nn), path)
    return path


def test_a_truncated_or_corrupted_file_is_refused_and_the_model_is_unchanged(saved, tmp_path):
    model = with_batch_norm(nn)
    before = snapshot(model)
    data = saved.read_bytes()
    cases = {"truncated": data[:-10], "no header": data[:5], "garbage": b"\x00" * 64,
             "bad json": data[:8] + b"{" * (len(data) - 8)}
    for name, content in cases.items():
        broken = tmp_path / f"{name}.safetensors"
        broken.write_bytes(content)
        with pytest.raises(ValueError, match="truncated or corrupt"):
            mst.load_model(model, broken)
        assert_unchanged(model, before)
    with pytest.raises(FileNotFoundError, match="no such file"):
        mst.load_file(tmp_path / "missing.safetensors")
    with pytest.raises(ValueError, match="truncated or corrupt"):
        mst.load(data[:-1])


def test_a_pickle_is_never_unpickled(tmp_path):
    path = tmp_path / "state.pt"
    path.write_bytes(pickle.dumps({"0.weight": np.ones(2)}))
    with pytest.raises(ValueError, match="not a safetensors file"):
        mst.load_file(path)


def test_a_dtype_minigrad_does_not_have_is_named_and_nothing_changes(tmp_path):
    torch = pytest.importorskip("torch")
    import safetensors.torch

    twin = with_batch_norm(torch.nn).to(torch.bfloat16)
    path = str(tmp_path / "bf16.safetensors")
    safetensors.torch.save_file(twin.state_dict(), path)
    model = with_batch_norm(nn)
    before = snapshot(model)
    with pytest.raises(TypeError, match=r"dtype minigrad does not have: '0\.bias' \(BF16\)"):
        mst.load_model(model, path)
    assert_unchanged(model, before)
    with pytest.raises(TypeError, match="BF16"):
        mst.load(open(path, "rb").read())


def test_keys_or_shapes_that_do_not_match_are_named_and_nothing_changes(tmp_path):
    minigrad.manual_seed(3)
    model = with_batch_norm(nn)
    before = snapshot(model)
    state = model.state_dict()
    renamed = {("layer." + k if k.startswith("0.") else k): v * 2 for k, v in state.items()}
    mst.save_file(renamed, tmp_path / "renamed.safetensors")
    with pytest.raises(RuntimeError, match=r"Missing key\(s\): 0\.weight, 0\.bias.*Unexpected "
                                           r"key\(s\): layer\.0\.bias, layer\.0\.weight"):
        mst.load_model(model, tmp_path / "renamed.safetensors")
    assert_unchanged(model, before)
    missing, unexpected = mst.load_model(model, tmp_path / "renamed.safetensors", strict=False)
    assert missing == ["0.weight", "0.bias"]
    assert sorted(unexpected) == ["layer.0.bias", "layer.0.weight"]
    wrong = dict(state, **{"3.weight": minigrad.zeros(4, 8)})
    mst.save_file(wrong, tmp_path / "wrong.safetensors")
    model = with_batch_norm(nn)
    before = snapshot(model)
    with pytest.raises(RuntimeError, match=r"size mismatch for 3\.weight"):
        mst.load_model(model, tmp_path / "wrong.safetensors")
    assert_unchanged(model, before)


def test_a_failed_save_leaves_the_old_file(saved):
    old = saved.read_bytes()
    with pytest.raises(TypeError, match="'x' is a ndarray, expected a Tensor"):
        mst.save_file({"w": minigrad.ones(2), "x": np.ones(2)}, saved)
    with pytest.raises(TypeError, match="'c' has dtype complex64"):
        mst.save_file({"c": minigrad.tensor(np.ones(2, np.complex64))}, saved)
    with pytest.raises(TypeError, match="metadata must be a dict of str -> str"):
        mst.save_file({"w": minigrad.ones(2)}, saved, metadata={"epoch": 3})
    assert saved.read_bytes() == old
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]


def test_import_minigrad_does_not_import_the_optional_packages():
    import subprocess
    import sys

    code = ("import sys, minigrad; print(sorted(m for m in ('onnx', 'onnxruntime', "
            "'safetensors') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
