"""The text of the drawing: op attributes, shapes, gradient statistics, module names.

Everything here returns plain strings, so it is shared by ``draw_graph`` and ``summary``
and can be tested without Graphviz.
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from ..internal import array_of
from ..tensor import Tensor

# Attributes that name one value per spatial dimension: (2, 2) reads as 2.
_PER_DIMENSION = {"stride", "padding", "dilation", "kernel_size", "output_padding"}
# Values that change nothing, left out even when a primitive has no default for them.
_NEUTRAL = {"padding": 0, "dilation": 1, "groups": 1}
_MAX_TEXT = 32
_WRAP = 28


def format_value(value: Any) -> str:
    """A short, readable rendering of an op argument (tuples without spaces, slices as
    ``a:b``, big arrays as their shape)."""
    if isinstance(value, slice):
        parts = ["" if p is None else format_value(p) for p in (value.start, value.stop)]
        text = ":".join(parts)
        return text if value.step is None else f"{text}:{format_value(value.step)}"
    if value is Ellipsis:
        return "..."
    if isinstance(value, (tuple, list)):
        inner = ",".join(format_value(v) for v in value)
        return f"({inner},)" if isinstance(value, tuple) and len(value) == 1 else \
            (f"({inner})" if isinstance(value, tuple) else f"[{inner}]")
    if isinstance(value, Tensor):
        value = array_of(value)
    if isinstance(value, np.ndarray):
        if value.size <= 4:
            return format_value(value.tolist())
        return f"array{format_shape(value.shape)}"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}"
    if isinstance(value, (np.dtype, type)):
        return np.dtype(value).name if _is_dtype(value) else value.__name__
    return _shorten(str(value))


def _squeeze(name: str, value: Any) -> Any:
    """A per-dimension attribute whose values are all equal, as one value: (2, 2) -> 2."""
    if name in _PER_DIMENSION and isinstance(value, (tuple, list)) and len(set(value)) == 1:
        return value[0]
    return value


def format_attr(name: str, value: Any) -> str:
    """``name=value``, with ``stride=(2, 2)`` shown as ``stride=2``."""
    return f"{name}={format_value(_squeeze(name, value))}"


def format_attrs(attrs: dict[str, Any]) -> list[str]:
    """The attributes as ``name=value`` words, packed into lines of about 28 characters.
    Neutral values (``padding=0``, ``dilation=1``, ``groups=1``) are left out."""
    lines: list[str] = []
    shown = {k: v for k, v in attrs.items()
             if not (k in _NEUTRAL and _same(_squeeze(k, v), _NEUTRAL[k]))}
    for word in (format_attr(k, v) for k, v in shown.items()):
        if lines and len(lines[-1]) + 1 + len(word) <= _WRAP:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def op_label(name: str, attrs: dict[str, Any], show_attrs: bool) -> list[str]:
    """An op's lines, e.g. ``["conv2d stride=2 padding=1"]``."""
    lines = format_attrs(attrs) if show_attrs else []
    if not lines:
        return [name]
    if len(name) + 1 + len(lines[0]) <= _WRAP:
        return [f"{name} {lines[0]}"] + lines[1:]
    return [name] + lines


def format_shape(shape: Iterable[int]) -> str:
    """``(1, 6, 28, 28)``; a scalar is ``()``."""
    shape = tuple(int(s) for s in shape)
    return f"({shape[0]},)" if len(shape) == 1 else str(shape)


def nonfinite(array: np.ndarray | None) -> str | None:
    """``"NaN"``, ``"Inf"`` or ``"NaN, Inf"`` when the array holds such values, else None."""
    if array is None or array.dtype.kind not in "fc" or np.isfinite(array).all():
        return None
    found = [word for word, test in (("NaN", np.isnan), ("Inf", np.isinf)) if test(array).any()]
    return ", ".join(found)


def grad_stats(grad: np.ndarray) -> str:
    """``grad norm=… min=… max=…`` of a gradient array."""
    wide = grad.astype(np.float64)
    if wide.size == 0:
        return "grad (empty)"
    norm = float(np.sqrt(np.sum(wide * wide)))
    return f"grad norm={norm:.3g} min={float(wide.min()):.3g} max={float(wide.max()):.3g}"


def describe_module(module: Any) -> str:
    """``Conv2d(1, 6, kernel_size=(5, 5))``: the class name and the module's one-line
    ``extra_repr()``, or just the class name."""
    cls = type(module).__name__
    extra = getattr(module, "extra_repr", None)
    text = extra() if callable(extra) else ""
    if not text or "\n" in text:
        return cls
    return f"{cls}({_shorten(text, 64)})"


def module_label(module: Any, name: str | None) -> str:
    """``features.0: Conv2d(1, 6, kernel_size=(5, 5))``; the root module has no name."""
    text = describe_module(module)
    return f"{name}: {text}" if name else text


def module_names(roots: Iterable[Any]) -> dict[int, str]:
    """``id(module) -> qualified name`` from the ``named_modules()`` of each root in turn;
    a module already named by an earlier root keeps that name."""
    names: dict[int, str] = {}
    for root in roots:
        walk = getattr(root, "named_modules", None)
        if not callable(walk):
            continue
        for name, module in walk():
            names.setdefault(id(module), name)
    return names


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # arrays and other values without a plain truth value
        return False


def _is_dtype(value: Any) -> bool:
    try:
        np.dtype(value)
    except TypeError:
        return False
    return True


def _shorten(text: str, limit: int = _MAX_TEXT) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def tensor_facts(array: np.ndarray, full_limit: int = 24) -> dict[str, Any]:
    """What the backward viewer shows of one tensor: shape, dtype, NaN/Inf, and either
    every value (at most ``full_limit`` of them) or min, mean, max and norm."""
    facts: dict[str, Any] = {"shape": format_shape(array.shape), "dtype": str(array.dtype),
                             "bad": nonfinite(array)}
    wide = array.astype(np.float64) if array.dtype.kind in "fcbiu" else array
    if array.size <= full_limit:
        facts["values"] = np.array2string(wide, separator=", ", max_line_width=64,
                                          formatter={"float_kind": _num})
    elif array.size:
        with np.errstate(invalid="ignore", over="ignore"):
            facts["stats"] = {"min": _num(wide.min()), "mean": _num(wide.mean()),
                              "max": _num(wide.max()),
                              "norm": _num(np.sqrt(np.sum(wide * wide)))}
    return facts


def _num(value: Any) -> str:
    return f"{float(value):.4g}"
