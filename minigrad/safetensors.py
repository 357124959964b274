"""Weights in the safetensors format, the way ``safetensors.torch`` reads and writes them.

State-dict keys are PyTorch's (``0.weight``, ``1.running_mean``, ...), so a file written
here loads into the same architecture in PyTorch with
``model.load_state_dict(safetensors.torch.load_file(path))``, and a file PyTorch wrote
loads here with `load_model`.

A safetensors file is a JSON header (names, dtypes, shapes, offsets) followed by the raw
bytes: reading it never runs code (no pickle). It needs the optional ``safetensors``
package (``pip install "minigrad[safetensors]"``), imported on first use.

Examples
--------
>>> minigrad.safetensors.save_model(model, "model.safetensors")
>>> missing, unexpected = minigrad.safetensors.load_model(model, "model.safetensors")
"""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from .internal import array_of, wrap
from .serialization import atomic_write
from .tensor import Tensor

__all__ = ["save_file", "load_file", "save", "load", "save_model", "load_model"]

# safetensors dtype code -> NumPy dtype, for the dtypes minigrad tensors hold. Others
# (BF16, the F8 kinds, U16/U32/U64, complex) are refused by name.
DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64,
          "I32": np.int32, "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}
_CODES = {np.dtype(v): k for k, v in DTYPES.items()}


def _backend() -> Any:
    try:
        import safetensors.numpy
    except ImportError as err:
        raise ModuleNotFoundError("minigrad.safetensors needs the safetensors package: pip "
                                  "install \"minigrad[safetensors]\" (or pip install "
                                  "safetensors)", name="safetensors") from err
    return safetensors


# --- writing -----------------------------------------------------------------------------
def _arrays(tensors: dict[str, Tensor], op: str) -> dict[str, np.ndarray]:
    if not isinstance(tensors, dict):
        raise TypeError(f"{op}: expected a dict of name -> Tensor, got {type(tensors).__name__}")
    arrays = {}
    for key, value in tensors.items():
        if not isinstance(key, str):
            raise TypeError(f"{op}: keys must be strings, got {key!r}")
        if not isinstance(value, Tensor):
            raise TypeError(f"{op}: {key!r} is a {type(value).__name__}, expected a Tensor")
        if value.dtype not in _CODES:
            raise TypeError(f"{op}: {key!r} has dtype {value.dtype}, which safetensors files "
                            f"written by minigrad do not hold (one of "
                            f"{', '.join(str(np.dtype(d)) for d in DTYPES.values())})")
        arrays[key] = np.require(array_of(value), requirements="C")  # keeps 0-d as 0-d
    return arrays


def _metadata(metadata: Any, op: str) -> dict[str, str] | None:
    if metadata is None:
        return None
    if not isinstance(metadata, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise TypeError(f"{op}: metadata must be a dict of str -> str, got {metadata!r}")
    return metadata


def save(tensors: dict[str, Tensor], metadata: dict[str, str] | None = None) -> bytes:
    """The bytes of a safetensors file holding ``tensors``."""
    arrays = _arrays(tensors, "save")
    return _backend().numpy.save(arrays, metadata=_metadata(metadata, "save"))


def save_file(tensors: dict[str, Tensor], filename: str | os.PathLike,
              metadata: dict[str, str] | None = None) -> None:
    """Write ``tensors`` to ``filename`` in the safetensors format, atomically.

    Parameters
    ----------
    tensors : dict of str to Tensor
        For instance ``model.state_dict()``.
    filename : str or os.PathLike
    metadata : dict of str to str, optional
        Stored in the header (``__metadata__``).

    Raises
    ------
    TypeError
        For a key that is not a string, a value that is not a Tensor, a dtype the format
        cannot hold here, or metadata that is not str -> str. Nothing is written then.
    """
    arrays = _arrays(tensors, "save_file")
    data = _backend().numpy.save(arrays, metadata=_metadata(metadata, "save_file"))
    atomic_write(filename, lambda f: f.write(data))


def save_model(model: Any, filename: str | os.PathLike,
               metadata: dict[str, str] | None = None) -> None:
    """``save_file(model.state_dict(), filename, metadata)``."""
    save_file(model.state_dict(), filename, metadata)


# --- reading -----------------------------------------------------------------------------
def _check_dtypes(codes: dict[str, str], where: str, op: str) -> None:
    unknown = {key: code for key, code in codes.items() if code not in DTYPES}
    if unknown:
        listed = ", ".join(f"{k!r} ({c})" for k, c in unknown.items())
        raise TypeError(f"{op}: {where} holds tensors of a dtype minigrad does not have: "
                        f"{listed}; convert them in PyTorch first (e.g. bfloat16 -> float32)")


def _read(handle: Any, where: str, op: str) -> dict[str, Tensor]:
    codes = {key: handle.get_slice(key).get_dtype() for key in handle.keys()}
    _check_dtypes(codes, where, op)
    # A copy, so the tensors own their memory (not a view of a mapped file).
    return {key: wrap(np.array(handle.get_tensor(key), copy=True)) for key in codes}


def _corrupt(op: str, where: str, err: Exception) -> ValueError:
    return ValueError(f"{op}: cannot read {where}: it is not a safetensors file, or it is "
                      f"truncated or corrupt ({err})")


def load_file(filename: str | os.PathLike, device: str = "cpu") -> dict[str, Tensor]:
    """Read every tensor of a safetensors file.

    Parameters
    ----------
    filename : str or os.PathLike
    device : str
        Only ``"cpu"``, accepted for ``safetensors.torch`` compatibility.

    Returns
    -------
    dict of str to Tensor
        In the order the file lists them; none requires grad.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If the file is not a safetensors file, or is truncated or corrupt.
    TypeError
        If it holds a dtype minigrad does not have (bfloat16, float8, ...), named.
    """
    if device != "cpu":
        raise ValueError(f"load_file: minigrad tensors live on the CPU, got device={device!r}")
    path = os.fspath(filename)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"load_file: no such file: {path!r}")
    backend = _backend()
    try:
        with backend.safe_open(path, framework="numpy") as handle:
            return _read(handle, repr(path), "load_file")
    except backend.SafetensorError as err:
        raise _corrupt("load_file", repr(path), err) from None


def load(data: bytes) -> dict[str, Tensor]:
    """Read the tensors of a safetensors file held in ``data`` (as `load_file`)."""
    backend = _backend()
    try:
        entries = backend.deserialize(bytes(data))
    except backend.SafetensorError as err:
        raise _corrupt("load", "the data", err) from None
    _check_dtypes({name: entry["dtype"] for name, entry in entries}, "the data", "load")
    tensors = {}
    for name, entry in entries:
        little = np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<")  # the format's order
        array = np.frombuffer(entry["data"], dtype=little).reshape(entry["shape"])
        tensors[name] = wrap(array.astype(DTYPES[entry["dtype"]], copy=True))
    return tensors


def load_model(model: Any, filename: str | os.PathLike, strict: bool = True
               ) -> tuple[list[str], list[str]]:
    """Load a safetensors file into ``model`` (``model.load_state_dict``).

    The file is read and checked in full first, and ``load_state_dict`` copies nothing
    when a key is missing or unexpected (with ``strict``) or a shape differs, so on any
    error the model is unchanged.

    Returns
    -------
    (missing, unexpected) : tuple of lists of str
        The model's keys the file lacks, and the file's keys the model lacks.
    """
    state = load_file(filename)
    result = model.load_state_dict(state, strict=strict)
    return list(result.missing_keys), list(result.unexpected_keys)
