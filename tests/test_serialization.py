"""save/load: round trips, atomic writes, and refusing corrupt or pickled files."""
import io
import os
import pickle

import numpy as np
import pytest

import minigrad
from minigrad import serialization
from minigrad.serialization import load, save


def _checkpoint():
    return {
        "model": {
            "conv.weight": minigrad.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]],
                                           requires_grad=True),
            "bn.running_mean": minigrad.tensor([0.5, -0.5], dtype=np.float64),
            "bn.num_batches_tracked": minigrad.tensor(7),
            "mask": minigrad.tensor([True, False]),
            "empty": minigrad.zeros(0, 3),
        },
        "optimizer": {"state": {0: {"step": 3, "exp_avg": minigrad.ones(2, 3)}},
                      "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "amsgrad": False,
                                        "params": [0]}]},
        "epoch": 4, "best": float("inf"), "name": "lenet", "note": None,
        "history": [0.5, 0.25, [1, "two", None]],
        "array": np.arange(4, dtype=np.int16), "scalar": np.float32(2.5),
        1.5: "float key", None: "none key", True: "bool key",
    }


def _assert_same(a, b):
    assert type(a) is type(b), (a, b)
    if isinstance(a, minigrad.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.requires_grad == b.requires_grad
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    elif isinstance(a, (np.ndarray, np.generic)):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            _assert_same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same(x, y)
    else:
        assert a == b


def test_round_trip(tmp_path):
    obj = _checkpoint()
    path = tmp_path / "ckpt.npz"
    save(obj, path)
    _assert_same(obj, load(path))
    assert load(str(path))["model"]["conv.weight"].dtype == np.float32


@pytest.mark.parametrize("obj", [3, "text", None, [], {}, (1, (2, [3.5])), True])
def test_round_trip_of_plain_values(tmp_path, obj):
    save(obj, tmp_path / "x")
    _assert_same(obj, load(tmp_path / "x"))


def test_loaded_tensors_are_independent_and_writable(tmp_path):
    t = minigrad.tensor([1.0, 2.0])
    save({"t": t}, tmp_path / "x.npz")
    loaded = load(tmp_path / "x.npz")["t"]
    loaded.add_(1.0)
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(loaded.numpy(), [2.0, 3.0])


def test_file_is_a_plain_npz_with_json_structure(tmp_path):
    save({"w": minigrad.ones(2)}, tmp_path / "x.npz")
    with np.load(tmp_path / "x.npz", allow_pickle=False) as archive:
        assert "__minigrad__" in archive.files
        assert archive["__minigrad__"].dtype == np.uint8
        assert any(np.array_equal(archive[name], [1.0, 1.0]) for name in archive.files
                   if name != "__minigrad__")


def test_unsupported_values_are_named(tmp_path):
    with pytest.raises(TypeError, match=r"obj\['model'\]\['f'\] of type function"):
        save({"model": {"f": lambda: 0}}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="dtype object"):
        save({"a": np.array([{}], dtype=object)}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="key of type tuple"):
        save({(1, 2): 3}, tmp_path / "x.npz")
    assert list(tmp_path.iterdir()) == []           # nothing was written


# --- atomic writes ------------------------------------------------------------------------
def _crash_midway(file, arrays):
    file.write(b"PK\x03\x04 half a checkpoint")
    raise KeyboardInterrupt("simulated crash")


def test_crash_during_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    save({"epoch": 1, "w": minigrad.ones(3)}, path)
    before = path.read_bytes()
    monkeypatch.setattr(serialization, "_write_npz", _crash_midway)
    with pytest.raises(KeyboardInterrupt):
        save({"epoch": 2, "w": minigrad.zeros(3)}, path)
    assert path.read_bytes() == before
    assert load(path)["epoch"] == 1
    assert os.listdir(tmp_path) == ["ckpt.npz"]       # the temp file was removed


def test_crash_during_first_save_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(serialization, "_write_npz", _crash_midway)
    with pytest.raises(KeyboardInterrupt):
        save({"w": minigrad.ones(3)}, tmp_path / "new.npz")
    assert os.listdir(tmp_path) == []


def test_save_replaces_an_existing_file(tmp_path):
    path = tmp_path / "ckpt.npz"
    save({"epoch": 1}, path)
    save({"epoch": 2}, path)
    assert load(path) == {"epoch": 2}
    assert os.listdir(tmp_path) == ["ckpt.npz"]


# --- refusing bad files -------------------------------------------------------------------
def _valid_bytes(tmp_path):
    save(_checkpoint(), tmp_path / "good.npz")
    return (tmp_path / "good.npz").read_bytes()


@pytest.mark.parametrize("damage", ["empty", "garbage", "truncated", "cut-in-half",
                                    "npy", "foreign-npz", "bad-header"])
def test_corrupt_files_raise_naming_the_path(tmp_path, damage):
    path = tmp_path / "bad.npz"
    good = _valid_bytes(tmp_path)
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "garbage":
        path.write_bytes(os.urandom(300))
    elif damage == "truncated":
        path.write_bytes(good[:-30])
    elif damage == "cut-in-half":
        path.write_bytes(good[:len(good) // 2])
    elif damage == "npy":
        np.save(path.with_suffix(".npy"), np.ones(3))
        path.write_bytes(path.with_suffix(".npy").read_bytes())
    elif damage == "foreign-npz":
        np.savez(path, a=np.ones(3))
    else:
        with open(path, "wb") as f:
            np.savez(f, __minigrad__=np.frombuffer(b"{not json", dtype=np.uint8))
    with pytest.raises(ValueError) as info:
        load(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.npz"):
        load(tmp_path / "nothing.npz")


_RAN = []


class _Payload:
    """Unpickling this would run code (append to _RAN): loading must never get there."""

    def __reduce__(self):
        return (_RAN.append, ("code ran",))


def test_pickled_object_array_is_refused(tmp_path):
    good = io.BytesIO(_valid_bytes(tmp_path))
    path = tmp_path / "evil.npz"
    with np.load(good) as archive:
        members = {name: archive[name] for name in archive.files}
    members["arr_0"] = np.array([_Payload()], dtype=object)      # stored with pickle
    np.savez(path, **members)
    with pytest.raises(ValueError, match="pickle") as info:
        load(path)
    assert str(path) in str(info.value)
    assert _RAN == []


def test_plain_pickle_file_is_refused(tmp_path):
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"w": _Payload()}))
    with pytest.raises(ValueError, match="not a minigrad checkpoint"):
        load(path)
    assert _RAN == []


def _write_header(path, header):
    with open(path, "wb") as f:
        np.savez(f, __minigrad__=np.frombuffer(header.encode(), dtype=np.uint8))


def test_specific_messages(tmp_path):
    path = tmp_path / "x.npz"
    np.savez(path, a=np.ones(3))
    with pytest.raises(ValueError, match="an .npz archive but not a minigrad checkpoint"):
        load(path)
    _write_header(path, '{"format": "minigrad", "version": 99, "tree": null}')
    with pytest.raises(ValueError, match="format version 99; this minigrad reads up to"):
        load(path)
    _write_header(path, '{"format": "minigrad", "version": 1, "tree": {"type": "blob"}}')
    with pytest.raises(ValueError, match="unknown type 'blob'"):
        load(path)
    _write_header(path, '[1, 2]')
    with pytest.raises(ValueError, match="unrecognised header"):
        load(path)


@pytest.mark.parametrize("kwargs", [
    {"weights_only": True}, {"weights_only": False}, {"map_location": "cpu"},
    {"map_location": minigrad.device("cpu")}, {"map_location": {"cuda:0": "cpu"}},
    {"map_location": lambda storage, location: storage}], ids=lambda k: repr(k)[:30])
def test_load_takes_pytorchs_arguments(tmp_path, kwargs):
    # the Save and Load tutorial: torch.load("model_weights.pth", weights_only=True)
    model = minigrad.nn.Linear(2, 3)
    save(model.state_dict(), tmp_path / "model_weights.pth")
    state = load(tmp_path / "model_weights.pth", **kwargs)
    assert str(minigrad.nn.Linear(2, 3).load_state_dict(state)) == \
        "<All keys matched successfully>"


def test_load_to_a_gpu_raises_a_runtime_error_as_pytorch_without_one(tmp_path):
    save({"a": minigrad.ones(2)}, tmp_path / "x.pth")
    with pytest.raises(RuntimeError, match="load: .*cuda"):
        load(tmp_path / "x.pth", map_location="cuda")


def test_save_and_load_through_file_objects(tmp_path):
    """An open file and a BytesIO work as torch's do; garbage in a buffer is refused."""
    state = {"w": minigrad.arange(6.0).reshape(2, 3), "step": 4, "names": ["a", "b"]}
    buffer = io.BytesIO()
    minigrad.save(state, buffer)
    buffer.seek(0)
    back = minigrad.load(buffer)
    np.testing.assert_array_equal(back["w"].numpy(), state["w"].numpy())
    assert back["step"] == 4 and back["names"] == ["a", "b"]
    with open(tmp_path / "f.pt", "wb") as f:
        minigrad.save(state, f)
    with open(tmp_path / "f.pt", "rb") as f:
        assert minigrad.load(f)["w"].shape == (2, 3)
    with pytest.raises(ValueError, match="not a minigrad checkpoint"):
        minigrad.load(io.BytesIO(b"not a zip"))


def test_safe_globals_are_recorded_and_restored():
    serialization.clear_safe_globals()
    serialization.add_safe_globals([minigrad.nn.Linear])
    with serialization.safe_globals([minigrad.nn.ReLU]):
        assert serialization.get_safe_globals() == [minigrad.nn.Linear, minigrad.nn.ReLU]
    assert serialization.get_safe_globals() == [minigrad.nn.Linear]
    serialization.clear_safe_globals()
    assert serialization.get_safe_globals() == []
