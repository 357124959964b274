"""MNIST: IDX files written by the tests themselves (plain, gzip, damaged), the opt-in
download against a local file:// mirror, and optionally the real test set."""
import gzip
import hashlib
import struct
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import minigrad.data as data
from minigrad.data import MNIST

N, H, W = 5, 28, 28


def _idx_bytes(array, magic):
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def _images(seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(N, H, W), dtype=np.uint8)


LABELS = np.array([3, 0, 9, 1, 7], dtype=np.uint8)


def _write(directory, prefix="t10k", gz=False, images=None, labels=LABELS,
           image_magic=2051, label_magic=2049):
    directory.mkdir(parents=True, exist_ok=True)
    images = _images() if images is None else images
    files = {f"{prefix}-images-idx3-ubyte": _idx_bytes(images, image_magic),
             f"{prefix}-labels-idx1-ubyte": _idx_bytes(labels, label_magic)}
    paths = {}
    for name, raw in files.items():
        path = directory / (name + ".gz" if gz else name)
        path.write_bytes(gzip.compress(raw) if gz else raw)
        paths[name] = path
    return paths


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
def test_reads_images_and_labels(tmp_path, gz):
    _write(tmp_path, gz=gz)
    ds = MNIST(tmp_path, train=False)
    assert len(ds) == N
    assert ds.images.shape == (N, 1, H, W) and ds.images.dtype == np.float32
    assert ds.targets.dtype == np.int64
    np.testing.assert_allclose(ds.images.numpy()[:, 0], _images() / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(ds.targets.numpy(), LABELS)
    image, label = ds[2]
    assert image.shape == (1, H, W) and label.item() == 9


def test_train_split_and_torchvision_layout(tmp_path):
    _write(tmp_path / "MNIST" / "raw", prefix="train", images=_images(1))
    ds = MNIST(tmp_path, train=True)
    np.testing.assert_allclose(ds.images.numpy()[:, 0], _images(1) / 255.0, rtol=1e-6)
    with pytest.raises(FileNotFoundError):       # only the training files are there
        MNIST(tmp_path, train=False)


def test_missing_files_explain_and_never_download(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("tried to download although download=False")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    with pytest.raises(FileNotFoundError) as info:
        MNIST(tmp_path, train=True)
    message = str(info.value)
    assert "train-images-idx3-ubyte" in message and "train-labels-idx1-ubyte" in message
    assert "download=True" in message and str(tmp_path) in message


def test_wrong_magic_names_the_file(tmp_path):
    paths = _write(tmp_path, label_magic=2051)   # labels file claims to hold images
    with pytest.raises(ValueError, match="magic number 2051, expected 2049") as info:
        MNIST(tmp_path, train=False)
    assert str(paths["t10k-labels-idx1-ubyte"]) in str(info.value)


def test_swapped_files_are_refused(tmp_path):
    paths = _write(tmp_path)
    images_path = paths["t10k-images-idx3-ubyte"]
    labels_path = paths["t10k-labels-idx1-ubyte"]
    images_raw, labels_raw = images_path.read_bytes(), labels_path.read_bytes()
    images_path.write_bytes(labels_raw)
    labels_path.write_bytes(images_raw)
    with pytest.raises(ValueError, match="magic number 2049, expected 2051"):
        MNIST(tmp_path, train=False)


@pytest.mark.parametrize("cut", [2, 10, 500])
def test_truncated_file(tmp_path, cut):
    paths = _write(tmp_path)
    path = paths["t10k-images-idx3-ubyte"]
    path.write_bytes(path.read_bytes()[:cut])
    with pytest.raises(ValueError, match="truncated") as info:
        MNIST(tmp_path, train=False)
    assert str(path) in str(info.value)


def test_truncated_gzip(tmp_path):
    paths = _write(tmp_path, gz=True)
    path = paths["t10k-images-idx3-ubyte"]
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(ValueError, match="cannot decompress") as info:
        MNIST(tmp_path, train=False)
    assert str(path) in str(info.value)


def test_trailing_bytes_and_count_mismatch(tmp_path):
    paths = _write(tmp_path)
    path = paths["t10k-labels-idx1-ubyte"]
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(ValueError, match="longer than its header says"):
        MNIST(tmp_path, train=False)
    _write(tmp_path, labels=LABELS[:4])
    with pytest.raises(ValueError, match="holds 5 images but .* holds 4 labels"):
        MNIST(tmp_path, train=False)


def test_read_idx_other_dtypes(tmp_path):
    values = np.array([[1.5, -2.0], [3.25, 0.0]], dtype=">f4")
    path = tmp_path / "floats.idx"
    path.write_bytes(b"\0\0\x0d\x02" + struct.pack(">II", 2, 2) + values.tobytes())
    np.testing.assert_array_equal(data.read_idx(path), values)


def test_transform_and_loader(tmp_path):
    _write(tmp_path)
    ds = MNIST(tmp_path, train=False, transform=lambda image: image * 2)
    np.testing.assert_allclose(ds[0][0].numpy()[0], _images()[0] / 255.0 * 2, rtol=1e-6)
    x, y = next(iter(data.DataLoader(ds, batch_size=N)))
    assert x.shape == (N, 1, H, W)
    np.testing.assert_allclose(x.numpy().max(), _images().max() / 255.0 * 2, rtol=1e-6)
    np.testing.assert_array_equal(y.numpy(), LABELS)


# --- download, against local mirrors ------------------------------------------------------
def _mirror(directory, prefix="t10k", corrupt=False):
    """A directory served as a file:// mirror; returns (base URL, md5 sums of good files)."""
    paths = _write(directory, prefix=prefix, gz=True)
    sums = {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in paths.values()}
    if corrupt:
        for p in paths.values():
            p.write_bytes(p.read_bytes()[:-1] + b"X")
    return directory.as_uri() + "/", sums


def test_download_skips_a_corrupt_mirror_and_verifies_md5(tmp_path, monkeypatch):
    bad_url, _ = _mirror(tmp_path / "bad", corrupt=True)
    good_url, sums = _mirror(tmp_path / "good")
    missing_url = (tmp_path / "nowhere").as_uri() + "/"
    monkeypatch.setattr(MNIST, "mirrors", [missing_url, bad_url, good_url])
    monkeypatch.setattr(MNIST, "md5sums", sums)
    root = tmp_path / "root"
    ds = MNIST(root, train=False, download=True)
    np.testing.assert_array_equal(ds.targets.numpy(), LABELS)
    assert sorted(p.name for p in root.iterdir()) == sorted(sums)   # no temp files left
    # A second construction finds the files and does not download again.
    monkeypatch.setattr(MNIST, "mirrors", [])
    assert len(MNIST(root, train=False, download=True)) == N


def test_download_fails_when_no_mirror_has_the_right_file(tmp_path, monkeypatch):
    bad_url, sums = _mirror(tmp_path / "bad", corrupt=True)
    monkeypatch.setattr(MNIST, "mirrors", [bad_url])
    monkeypatch.setattr(MNIST, "md5sums", sums)
    root = tmp_path / "root"
    with pytest.raises(RuntimeError, match="MD5 mismatch") as info:
        MNIST(root, train=False, download=True)
    assert bad_url in str(info.value)
    assert list(root.iterdir()) == []                 # nothing half-written is left


def test_default_checksums_cover_every_file():
    names = {f"{split}-{kind}.gz" for split in ("train", "t10k")
             for kind in ("images-idx3-ubyte", "labels-idx1-ubyte")}
    assert set(MNIST.md5sums) == names
    assert all(len(s) == 32 for s in MNIST.md5sums.values())


# --- the real test set, where this machine has it -----------------------------------------
def _shared_mnist():
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "data" / "mnist"
        if (candidate / "t10k-images-idx3-ubyte.gz").is_file():
            return candidate
    return None


def test_real_mnist_test_set():
    root = _shared_mnist()
    if root is None:
        pytest.skip("the real MNIST test files are not available here")
    for line in (root / "MD5SUMS").read_text().split("\n"):
        if line.strip():
            digest, name = line.split()
            assert MNIST.md5sums[name] == digest
    ds = MNIST(root, train=False)
    assert ds.images.shape == (10000, 1, 28, 28)
    assert ds.targets.numpy()[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(ds.targets.numpy()).tolist() == [980, 1135, 1032, 1010, 982, 892,
                                                         958, 1028, 974, 1009]
    assert ds.images.numpy().min() == 0.0 and ds.images.numpy().max() == 1.0
