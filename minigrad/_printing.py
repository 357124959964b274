"""How a tensor prints: PyTorch's layout rules, written for NumPy arrays.

One formatter per tensor decides, from the finite non-zero values, between three styles:

* integer style when every such value is a whole number (``tensor([1., 2.])``);
* fixed point with ``precision`` decimals (``tensor([-0.0030, 2.5000])``);
* scientific notation when the largest and smallest magnitudes are more than 1000 apart,
  the largest exceeds 1e8 or the smallest is below 1e-4 (``tensor([1.0000e-05, 1.0000e+00])``).

Every element is right-aligned to the widest one. Tensors with more than ``threshold``
elements show only ``edgeitems`` rows and columns at each end, with ``...`` between.
"""
from __future__ import annotations

import contextlib
import math
from dataclasses import asdict, dataclass
from typing import Any, Iterator

import numpy as np

from .dtypes import get_default_dtype
from .type_objects import strided

_QUIET_DTYPES = (np.dtype(np.int64), np.dtype(np.bool_))  # and the default float dtype
_PREFIX = "tensor("


@dataclass
class PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


OPTIONS = PrintOptions()
_PROFILES = {"default": PrintOptions(), "short": PrintOptions(precision=2, edgeitems=2),
             "full": PrintOptions(threshold=math.inf)}


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """Set how tensors print (the options last until changed).

    Parameters
    ----------
    precision : int, optional
        Digits after the decimal point (default 4).
    threshold : float, optional
        Tensors with more elements than this are summarized with ``...`` (default 1000).
    edgeitems : int, optional
        Items shown at each end of a summarized dimension (default 3).
    linewidth : int, optional
        Characters per line before a row wraps (default 80).
    profile : {"default", "short", "full"}, optional
        A preset for the four options above, applied before them.
    sci_mode : bool, optional
        Force (True) or forbid (False) scientific notation; None (the default, and what
        every call that omits it sets) lets each tensor choose.
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: profile must be one of "
                             f"{sorted(_PROFILES)}, got {profile!r}")
        preset = _PROFILES[profile]
        for name in ("precision", "threshold", "edgeitems", "linewidth"):
            setattr(OPTIONS, name, getattr(preset, name))
    for name, value in (("precision", precision), ("threshold", threshold),
                        ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            setattr(OPTIONS, name, value)
    OPTIONS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options, as keywords for `set_printoptions`."""
    return asdict(OPTIONS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Change the print options inside a ``with`` block only."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


class _Formatter:
    """Chooses one style and one width for all the elements of a tensor."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.width = True, False, 1
        flat = values.reshape(-1)
        if not self.floating:
            self.width = max([self.width] + [len(str(v)) for v in flat.tolist()])
            return
        finite = flat[np.isfinite(flat) & (flat != 0)]
        if finite.size == 0:
            return
        magnitude = np.abs(finite).astype(np.float64)
        low, high = magnitude.min(), magnitude.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if OPTIONS.sci_mode is None:
            with np.errstate(over="ignore"):  # 1e300 / 1e-300 is inf, which is > 1000
                self.sci_mode = bool(high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4)
        else:
            self.sci_mode = OPTIONS.sci_mode
        values = finite.tolist()
        if self.sci_mode:
            widths = [len(f"{v:.{OPTIONS.precision}e}") for v in values]
        elif self.int_mode:
            widths = [len(f"{v:.0f}") + 1 for v in values]  # + 1 for the trailing "."
        else:
            widths = [len(f"{v:.{OPTIONS.precision}f}") for v in values]
        self.width = max([self.width] + widths)

    def format(self, value: Any) -> str:
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.width}.{OPTIONS.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{OPTIONS.precision}f}"
        return text.rjust(self.width)


def _summarized(a: np.ndarray) -> np.ndarray:
    """The elements a summarized print shows (the ones the formatter must fit)."""
    edge = OPTIONS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        return np.concatenate([a[:edge], a[-edge:]]) if len(a) > 2 * edge else a
    if not edge:
        return np.empty((0,) * a.ndim, a.dtype)
    rows = list(a[:edge]) + list(a[len(a) - edge:]) if len(a) > 2 * edge else list(a)
    return np.stack([_summarized(r) for r in rows])


def _vector_str(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    edge = OPTIONS.edgeitems
    per_line = max(1, math.floor((OPTIONS.linewidth - indent) / (fmt.width + 2)))
    if summarize and not edge:
        items = ["..."]
    elif summarize and len(a) > 2 * edge:
        items = ([fmt.format(v) for v in a[:edge].tolist()] + [" ..."]
                 + [fmt.format(v) for v in a[-edge:].tolist()])
    else:
        items = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt)
    edge = OPTIONS.edgeitems
    if summarize and len(a) > 2 * edge:
        rows = ([_nested_str(a[i], indent + 1, summarize, fmt) for i in range(edge)] + ["..."]
                + [_nested_str(a[i], indent + 1, summarize, fmt)
                   for i in range(len(a) - edge, len(a))])
    else:
        rows = [_nested_str(r, indent + 1, summarize, fmt) for r in a]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def array_str(a: np.ndarray, indent: int = len(_PREFIX)) -> str:
    """The body of a tensor's repr (``[1.0000, 2.5000]``), its lines indented by ``indent``."""
    if a.size == 0:
        return "[]"
    summarize = a.size > OPTIONS.threshold
    fmt = _Formatter(_summarized(a) if summarize else a)
    return _nested_str(a, indent, summarize, fmt)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    """Append ``, suffix`` items, each on a new line when it would pass ``linewidth``."""
    parts = [text]
    line_length = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if line_length + len(suffix) + 2 > OPTIONS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            line_length = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            line_length += len(suffix) + 2
    return "".join(parts) + ")"


def node_name(node: Any) -> str:
    """The name shown in ``grad_fn=<...>``, such as ``MulBackward0``."""
    name = getattr(node, "name", None)
    if callable(name):
        return name()
    function = getattr(node, "function", None)
    if function is not None and not type(node).__name__.endswith("Backward0"):
        return f"{function.__name__}Backward0"
    return type(node).__name__


def tensor_repr(t: Any) -> str:
    """``repr(t)`` as PyTorch prints it, with ``minigrad`` in place of ``torch``."""
    if t.layout is not strided:
        return _sparse_repr(t)
    a = t.detach().numpy()
    indent = len(_PREFIX)
    suffixes = []
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if a.dtype != get_default_dtype():
            suffixes.append(f"dtype=minigrad.{a.dtype}")
        body = "[]"
    else:
        if not OPTIONS.edgeitems:
            suffixes.append(f"size={tuple(a.shape)}")
        if a.dtype not in _QUIET_DTYPES and a.dtype != get_default_dtype():
            suffixes.append(f"dtype=minigrad.{a.dtype}")
        body = array_str(a, indent)
    tangent = getattr(t, "_fw_tangent", None)
    if tangent is not None:
        suffixes.append(f"tangent={tensor_repr(tangent)}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{node_name(t.grad_fn)}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(_PREFIX + body, suffixes, indent)


def _sparse_repr(t: Any) -> str:
    """A sparse COO tensor as PyTorch prints one: its indices, values (each with its
    own lines lined up under its first), size, nnz, dtype and layout."""
    indices, values = t._indices(), t._values()
    dtype = "" if _quiet(values.dtype) else f"dtype=minigrad.{values.dtype}, "
    return (f"tensor(indices={_indent(_inner_repr(indices), 15)},\n"
            f"       values={_indent(_inner_repr(values), 14)},\n"
            f"       size={tuple(t.shape)}, nnz={t._nnz()}, {dtype}"
            f"layout=minigrad.sparse_coo)")


def _inner_repr(t: Any) -> str:
    """A sparse tensor's indices or values: no dtype (the outer repr has it), and the
    size of an empty one."""
    if t.numel() == 0:
        return f"tensor([], size={tuple(t.shape)})"
    return tensor_repr(t).replace(f", dtype=minigrad.{t.dtype}", "")


def _quiet(dtype: np.dtype) -> bool:
    return dtype in _QUIET_DTYPES or dtype == get_default_dtype()


def _indent(text: str, spaces: int) -> str:
    return text.replace("\n", "\n" + " " * spaces)
