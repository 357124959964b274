"""Save and load nested state (state dicts, optimizer state) as ``.npz``, without pickle.

The file is an ordinary NumPy ``.npz`` archive. Every array or tensor is one member
(``arr_0``, ``arr_1``, ...). The member ``__minigrad__`` holds, as UTF-8 bytes, a JSON
description of the nested structure::

    {"format": "minigrad", "version": 1,
     "tree": {"type": "dict", "items": [["weight", {"type": "tensor", "array": "arr_0",
                                                   "requires_grad": true}],
                                        ["step", 3]]}}

Numbers, strings, booleans and None are stored in the JSON itself. Loading uses
``np.load(..., allow_pickle=False)``, so a file cannot run code, and a file holding an
object (pickled) array is refused.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import uuid
import zipfile
import zlib
from typing import Any, BinaryIO, Callable

from . import devices
from .internal import array_of, wrap
import numpy as np

from .tensor import Tensor

_HEADER = "__minigrad__"
_VERSION = 1
_ZIP_MAGIC = b"PK\x03\x04"
_NUMERIC_KINDS = "biuf"  # bool, signed and unsigned integers, floats


class _NotACheckpoint(ValueError):
    """Raised by the decoder with a complete message (it is not wrapped again)."""


_READ_ERRORS = (OSError, EOFError, ValueError, KeyError, TypeError, zipfile.BadZipFile,
                zlib.error)


def save(obj: Any, f: str | os.PathLike | BinaryIO) -> None:
    """Write ``obj`` to ``f`` as an ``.npz`` archive; to a path, atomically.

    For a path, the archive is written to a temporary file in the same directory, then
    renamed over it: a crash leaves either the old file or the new one, never half of one.
    An open binary file (or ``io.BytesIO``) gets the whole archive in one ``write`` call.

    Parameters
    ----------
    obj : object
        Nested dicts, lists and tuples of Tensors, ndarrays, NumPy scalars, Python numbers,
        strings, booleans and None. Dict keys must be strings, numbers, booleans or None.
    f : str, os.PathLike or binary file object
        The file to write (no suffix is added), or an object with a ``write`` method.

    Raises
    ------
    TypeError
        For a value that cannot be stored without pickle (the message names where it is).
    """
    arrays: dict[str, np.ndarray] = {}
    tree = _encode(obj, arrays, "obj")
    header = json.dumps({"format": "minigrad", "version": _VERSION, "tree": tree})
    arrays[_HEADER] = np.frombuffer(header.encode("utf-8"), dtype=np.uint8)
    if hasattr(f, "write"):
        buffer = io.BytesIO()
        _write_npz(buffer, arrays)
        f.write(buffer.getvalue())
    else:
        atomic_write(f, lambda file: _write_npz(file, arrays))


def load(f: str | os.PathLike | BinaryIO, map_location: Any = None, *,
         weights_only: bool | None = None) -> Any:
    """Read an object written by `save`.

    Parameters
    ----------
    f : str, os.PathLike or binary file object
        A path, or an object with ``read`` (an open file, ``io.BytesIO``), read to its end.
    map_location : str, device, dict or callable, optional
        PyTorch's argument: where tensors go. Everything lives on the CPU, so a device
        (or string) must be the CPU; dicts and callables are accepted and change nothing.
    weights_only : bool, optional
        PyTorch's argument, accepted: a checkpoint never holds pickled objects, so loading
        is always weights-only.

    Returns
    -------
    object
        The saved structure; Tensors come back as Tensors (same dtype and
        ``requires_grad``), ndarrays as ndarrays, tuples as tuples.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a minigrad checkpoint, is corrupt or truncated, or holds
        pickled data. The message names the path.
    """
    if isinstance(map_location, (str, devices.device)):
        devices.check_device(map_location, "load")
    if hasattr(f, "read"):
        path, source = getattr(f, "name", "<file object>"), io.BytesIO(f.read())
        magic = source.getvalue()[:4]
    else:
        path = source = os.fspath(f)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"load: no such file: {path!r}")
        with open(path, "rb") as file:
            magic = file.read(4)
    if magic != _ZIP_MAGIC:
        raise ValueError(f"load: {path!r} is not a minigrad checkpoint (not an .npz archive)")
    try:
        with np.load(source, allow_pickle=False) as archive:
            return _decode_archive(archive, path)
    except _NotACheckpoint:
        raise
    except _READ_ERRORS as exc:
        if "pickle" in str(exc):
            raise ValueError(f"load: {path!r} holds pickled data, which minigrad refuses to "
                             f"load (allow_pickle=False): {exc}") from exc
        raise ValueError(f"load: cannot read {path!r}: the file is corrupt, truncated or "
                         f"not a minigrad checkpoint ({type(exc).__name__}: {exc})") from exc


# --- encoding ------------------------------------------------------------------------------
def _encode(obj: Any, arrays: dict[str, np.ndarray], where: str) -> Any:
    """The JSON tree describing ``obj``; its arrays are added to ``arrays``."""
    if isinstance(obj, Tensor):
        return {"type": "tensor", "array": _add_array(array_of(obj), arrays, where),
                "requires_grad": obj.requires_grad}
    if isinstance(obj, np.ndarray):
        return {"type": "ndarray", "array": _add_array(obj, arrays, where)}
    if isinstance(obj, np.generic):
        return {"type": "scalar", "array": _add_array(np.asarray(obj), arrays, where)}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, dict):
        return {"type": "dict", "items": [[_encode_key(key, where),
                                           _encode(value, arrays, f"{where}[{key!r}]")]
                                          for key, value in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return {"type": type(obj).__name__,
                "items": [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]}
    raise TypeError(f"save: cannot save {where} of type {type(obj).__name__}; supported are "
                    "Tensors, ndarrays, numbers, strings, booleans, None, and dicts, lists "
                    "and tuples of them")


def _encode_key(key: Any, where: str) -> Any:
    if key is None or isinstance(key, (bool, int, float, str)):
        return key
    raise TypeError(f"save: dict keys must be strings, numbers, booleans or None, but "
                    f"{where} has a key of type {type(key).__name__}: {key!r}")


def _add_array(array: np.ndarray, arrays: dict[str, np.ndarray], where: str) -> str:
    if array.dtype.hasobject:
        raise TypeError(f"save: {where} is an array of dtype {array.dtype}, which cannot be "
                        "stored without pickle")
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(f"save: {where} is an array of dtype {array.dtype}; checkpoints hold "
                        "bool, integer and float arrays only")
    name = f"arr_{len(arrays)}"
    arrays[name] = array
    return name


# --- PyTorch's allow-list for unpickling -----------------------------------------------------
_safe_globals: list = []


def add_safe_globals(safe_globals: list) -> None:
    """Record ``safe_globals`` (classes or functions, or (object, name) pairs), as
    PyTorch's allow-list for ``load(weights_only=True)``. minigrad's `load` never
    unpickles, so the list changes nothing; `get_safe_globals` returns it."""
    _safe_globals.extend(safe_globals)


def get_safe_globals() -> list:
    """The objects `add_safe_globals` recorded (a copy)."""
    return list(_safe_globals)


def clear_safe_globals() -> None:
    """Empty the list `add_safe_globals` recorded."""
    _safe_globals.clear()


@contextlib.contextmanager
def safe_globals(safe_globals: list) -> Any:
    """A context in which ``safe_globals`` are on the allow-list (see `add_safe_globals`);
    the list is as before when it ends."""
    before = list(_safe_globals)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _safe_globals[:] = before


# --- writing -------------------------------------------------------------------------------
def _write_npz(file: Any, arrays: dict[str, np.ndarray]) -> None:
    """Write the archive into an open binary file (kept separate so tests can fail it)."""
    np.savez(file, **arrays)


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], None]) -> None:
    """Create or replace ``path`` atomically with what ``write(file)`` writes.

    The data goes to a temporary file in the same directory, is flushed to disk, and is
    then renamed over ``path``. If ``write`` raises, the temporary file is removed and
    ``path`` is left as it was.

    Parameters
    ----------
    path : str or os.PathLike
        The file to create or replace.
    write : callable
        Called with the temporary file, opened for binary writing.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    temp = os.path.join(directory, f".{os.path.basename(path)}.{uuid.uuid4().hex[:8]}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    """Make the rename durable where the platform allows it (POSIX)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- decoding ------------------------------------------------------------------------------
def _decode_archive(archive: Any, path: str) -> Any:
    if not isinstance(archive, np.lib.npyio.NpzFile) or _HEADER not in archive.files:
        raise _NotACheckpoint(f"load: {path!r} is an .npz archive but not a minigrad "
                              f"checkpoint (no {_HEADER} entry)")
    header = json.loads(archive[_HEADER].tobytes().decode("utf-8"))
    if not isinstance(header, dict) or header.get("format") != "minigrad" \
            or not isinstance(header.get("version"), int):
        raise _NotACheckpoint(f"load: {path!r} has an unrecognised header")
    if header["version"] > _VERSION:
        raise _NotACheckpoint(f"load: {path!r} was written in format version "
                              f"{header['version']}; this minigrad reads up to version "
                              f"{_VERSION}")
    return _decode(header["tree"], archive, path)


def _decode(node: Any, archive: Any, path: str) -> Any:
    if not isinstance(node, dict):
        return node
    decoder = _DECODERS.get(node.get("type"))
    if decoder is None:
        raise _NotACheckpoint(f"load: {path!r} has an entry of unknown type "
                              f"{node.get('type')!r}")
    return decoder(node, archive, path)


def _read_array(node: dict, archive: Any, path: str) -> np.ndarray:
    """An array member, refused unless it holds bool, integer or float numbers: strings,
    complex numbers or objects mean the file was not written by `save`."""
    array = archive[node["array"]]
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise _NotACheckpoint(f"load: {path!r} holds an array of dtype {array.dtype} (entry "
                              f"{node['array']}); minigrad checkpoints hold bool, integer "
                              "and float arrays only, so nothing was loaded")
    return array


def _decode_tensor(node: dict, archive: Any, path: str) -> Tensor:
    t = wrap(_read_array(node, archive, path))
    t.requires_grad = bool(node.get("requires_grad", False))
    return t


_DECODERS: dict[str, Callable[[dict, Any, str], Any]] = {
    "tensor": _decode_tensor,
    "ndarray": _read_array,
    "scalar": lambda node, archive, path: _read_array(node, archive, path)[()],
    "list": lambda node, archive, path: [_decode(v, archive, path) for v in node["items"]],
    "tuple": lambda node, archive, path: tuple(_decode(v, archive, path)
                                               for v in node["items"]),
    "dict": lambda node, archive, path: {key: _decode(v, archive, path)
                                         for key, v in node["items"]},
}
