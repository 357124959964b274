"""MNIST from the standard IDX files, with an opt-in, checksummed download."""
from __future__ import annotations

import gzip
import hashlib
import os
import urllib.error
import urllib.request
import zlib
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..internal import wrap
from ..serialization import atomic_write
from ..tensor import Tensor
from .dataset import Dataset, TensorDataset

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049

# The third byte of an IDX magic number says how the values are stored (big-endian).
_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4",
               0x0E: ">f8"}


def read_idx(path: str | os.PathLike, expected_magic: int | None = None) -> np.ndarray:
    """Read an IDX file (plain, or gzip-compressed when the name ends in ``.gz``).

    Parameters
    ----------
    path : str or os.PathLike
    expected_magic : int, optional
        Refuse a file whose magic number differs (2051 for MNIST images, 2049 for labels).

    Returns
    -------
    ndarray
        Shaped as the header says, in the stored dtype.

    Raises
    ------
    ValueError
        For a wrong magic number, an unknown value type, or a file whose length does not
        match its header (truncated or padded). The message names the file.
    """
    raw = _read_bytes(Path(path))
    if len(raw) < 4:
        raise ValueError(f"read_idx: {path} is truncated: {len(raw)} bytes, too short for "
                         "an IDX header")
    magic = int.from_bytes(raw[:4], "big")
    if expected_magic is not None and magic != expected_magic:
        raise ValueError(f"read_idx: {path} has magic number {magic}, expected "
                         f"{expected_magic}; is it the right file?")
    type_code, ndim = raw[2], raw[3]
    if raw[:2] != b"\0\0" or type_code not in _IDX_DTYPES:
        raise ValueError(f"read_idx: {path} is not an IDX file (magic number {magic})")
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise ValueError(f"read_idx: {path} is truncated inside its header")
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", ndim, 4))
    dtype = np.dtype(_IDX_DTYPES[type_code])
    expected = int(np.prod(shape)) * dtype.itemsize
    found = len(raw) - header_size
    if found != expected:
        problem = "truncated" if found < expected else "longer than its header says"
        raise ValueError(f"read_idx: {path} is {problem}: shape {shape} needs {expected} "
                         f"bytes of data, found {found}")
    return np.frombuffer(raw, dtype, offset=header_size).reshape(shape)


def _read_bytes(path: Path) -> bytes:
    if path.suffix != ".gz":
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"read_idx: cannot decompress {path} (truncated or corrupt "
                         f"download?): {exc}") from exc


class MNIST(TensorDataset):
    """The MNIST handwritten digits, read from the standard IDX files.

    The files (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``, each optionally ``.gz``) are
    looked for in ``root`` and in ``root/MNIST/raw``. Nothing is downloaded unless
    ``download=True``.

    Parameters
    ----------
    root : str or os.PathLike
        The directory holding the files.
    train : bool
        The 60,000 training images, or the 10,000 test images.
    download : bool
        Fetch missing files into ``root`` from `mirrors`, checking their MD5 sums.
    transform : callable, optional
        Applied to each image (a (1, 28, 28) Tensor) in ``__getitem__``.

    Attributes
    ----------
    images : Tensor
        float32, shape (N, 1, H, W), values in [0, 1].
    targets : Tensor
        int64, shape (N,).
    """

    mirrors: list[str] = ["https://ossci-datasets.s3.amazonaws.com/mnist/",
                          "https://storage.googleapis.com/cvdf-datasets/mnist/",
                          "http://yann.lecun.com/exdb/mnist/"]
    md5sums: dict[str, str] = {
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    }

    def __init__(self, root: str | os.PathLike, train: bool = True, download: bool = False,
                 transform: Callable[[Tensor], Any] | None = None) -> None:
        self.root = Path(root)
        self.train = bool(train)
        self.transform = transform
        if download:
            self.download()
        images_path, labels_path = self._locate()
        images = read_idx(images_path, IMAGES_MAGIC)
        labels = read_idx(labels_path, LABELS_MAGIC)
        if len(images) != len(labels):
            raise ValueError(f"MNIST: {images_path} holds {len(images)} images but "
                             f"{labels_path} holds {len(labels)} labels")
        images = (images.astype(np.float32) / np.float32(255))[:, None]
        super().__init__(wrap(images), wrap(labels.astype(np.int64)))

    @property
    def images(self) -> Tensor:
        return self.tensors[0]

    @property
    def targets(self) -> Tensor:
        return self.tensors[1]

    @property
    def file_names(self) -> tuple[str, str]:
        """The images and labels file names (without ``.gz``) for this split."""
        prefix = "train" if self.train else "t10k"
        return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"

    def __getitem__(self, index: int) -> tuple[Any, Tensor]:
        image, label = super().__getitem__(index)
        return (image if self.transform is None else self.transform(image)), label

    def get_batch(self, indices: np.ndarray) -> Any:
        if self.transform is None:
            return super().get_batch(indices)
        return Dataset.get_batch(self, indices)

    def _find(self, name: str) -> Path | None:
        for directory in (self.root, self.root / "MNIST" / "raw"):
            for candidate in (directory / name, directory / f"{name}.gz"):
                if candidate.is_file():
                    return candidate
        return None

    def _locate(self) -> tuple[Path, Path]:
        found = [self._find(name) for name in self.file_names]
        if None in found:
            split = "training" if self.train else "test"
            expected = " and ".join(f"{name}[.gz]" for name in self.file_names)
            raise FileNotFoundError(
                f"MNIST: {split} files not found in {self.root} (or {self.root}/MNIST/raw): "
                f"expected {expected}. Pass download=True to download them.")
        return found[0], found[1]

    def download(self) -> None:
        """Fetch this split's missing files into ``root``, verifying their MD5 sums."""
        self.root.mkdir(parents=True, exist_ok=True)
        for name in self.file_names:
            if self._find(name) is None:
                filename = f"{name}.gz"
                download_file(filename, self.root / filename, self.mirrors,
                              self.md5sums[filename])


def download_file(filename: str, target: str | os.PathLike, mirrors: list[str],
                  md5: str, timeout: float = 60.0) -> None:
    """Fetch ``filename`` from the first mirror that serves it with the right MD5 sum.

    Parameters
    ----------
    filename : str
        Appended to each mirror's base URL.
    target : str or os.PathLike
        Where to write the file (atomically: a failed download leaves nothing behind).
    mirrors : list of str
        Base URLs, tried in order.
    md5 : str
        The expected hex digest.
    timeout : float
        Seconds to wait for each mirror.

    Raises
    ------
    RuntimeError
        When no mirror delivers the file intact; the message lists every attempt.
    """
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + filename
        try:
            request = urllib.request.Request(url, headers={"User-Agent": "minigrad"})
            with urllib.request.urlopen(request, timeout=timeout) as response:
                data = response.read()
        except (urllib.error.URLError, OSError, ValueError) as exc:
            failures.append(f"{url}: {exc}")
            continue
        digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
        if digest != md5:
            failures.append(f"{url}: MD5 mismatch (got {digest}, expected {md5})")
            continue
        atomic_write(target, lambda f: f.write(data))
        return
    raise RuntimeError(f"download: could not fetch {filename} from any mirror:\n  "
                       + "\n  ".join(failures))
