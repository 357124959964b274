"""Padding layers: shells around ``F.pad`` for each mode and number of spatial dims."""
from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import functional as F
from .module import Module


class _PadNd(Module):
    """``padding`` is an int (the same on every side) or a tuple in ``F.pad``'s order."""

    mode = "constant"
    sides = 2

    def __init__(self, padding: Any, value: float | None = None) -> None:
        super().__init__()
        if isinstance(padding, int):
            padding = (padding,) * self.sides
        padding = tuple(padding)
        if len(padding) != self.sides:
            raise RuntimeError(f"{type(self).__name__}: padding must be an int or a "
                               f"{self.sides}-tuple, got {padding}")
        self.padding = padding
        if value is not None:
            self.value = value

    def forward(self, input: Tensor) -> Tensor:
        if self.mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        if self.mode == "constant" and type(self).__name__.startswith("Constant"):
            return f"padding={self.padding}, value={self.value}"
        return f"{self.padding}"


class ConstantPad1d(_PadNd):
    """Pad the last dim with ``value``."""

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding, value)


class ConstantPad2d(ConstantPad1d):
    """Pad the last two dims with ``value``; ``padding`` is (left, right, top, bottom)."""

    sides = 4


class ConstantPad3d(ConstantPad1d):
    """Pad the last three dims with ``value``."""

    sides = 6


class ZeroPad1d(_PadNd):
    """Pad the last dim with zeros."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)


class ZeroPad2d(ZeroPad1d):
    """Pad the last two dims with zeros; ``padding`` is (left, right, top, bottom)."""

    sides = 4


class ZeroPad3d(ZeroPad1d):
    """Pad the last three dims with zeros; ``padding`` is (left, right, top, bottom, front,
    back)."""

    sides = 6


class ReflectionPad1d(_PadNd):
    """Mirror the last dim at its edges (without repeating the edge)."""

    mode = "reflect"


class ReflectionPad2d(ReflectionPad1d):
    """Mirror the last two dims at their edges; ``padding`` is (left, right, top, bottom)."""

    sides = 4


class ReflectionPad3d(ReflectionPad1d):
    """Mirror the last three dims at their edges; ``padding`` is (left, right, top, bottom,
    front, back)."""

    sides = 6


class ReplicationPad1d(_PadNd):
    """Repeat the edge values of the last dim."""

    mode = "replicate"


class ReplicationPad2d(ReplicationPad1d):
    """Repeat the edge values of the last two dims."""

    sides = 4


class ReplicationPad3d(ReplicationPad1d):
    """Repeat the edge values of the last three dims; ``padding`` is (left, right, top,
    bottom, front, back)."""

    sides = 6


class CircularPad1d(_PadNd):
    """Wrap the last dim around."""

    mode = "circular"

    def forward(self, input: Tensor) -> Tensor:
        dims = len(self.padding) // 2  # the padded dims, then a batch dim or not
        if input.ndim not in (dims + 1, dims + 2):
            raise ValueError(f"{type(self).__name__}: expected {dims + 1}D or {dims + 2}D "
                             f"input (got {input.ndim}D input of shape {tuple(input.shape)})")
        return super().forward(input)


class CircularPad2d(CircularPad1d):
    """Wrap the last two dims around."""

    sides = 4


class CircularPad3d(CircularPad1d):
    """Wrap the last three dims around; ``padding`` is (left, right, top, bottom, front,
    back)."""

    sides = 6
