"""Named pairs returned by ops that give values and their indices, printed as PyTorch's
``torch.return_types`` are (``minigrad.return_types.sort(values=..., indices=...)``).

They are named tuples: ``values, indices = x.sort()`` and ``x.sort().values`` both work.
"""
from __future__ import annotations

from typing import Any, NamedTuple


def _show(pair: Any) -> str:
    return (f"minigrad.return_types.{type(pair).__name__}(\nvalues={pair.values!r},\n"
            f"indices={pair.indices!r})")


class sort(NamedTuple):  # noqa: N801  (named as the op, like torch.return_types.sort)
    """What ``sort`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class topk(NamedTuple):  # noqa: N801
    """What ``topk`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class max(NamedTuple):  # noqa: N801, A001
    """What ``max(dim=...)`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class min(NamedTuple):  # noqa: N801, A001
    """What ``min(dim=...)`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class cummax(NamedTuple):  # noqa: N801
    """What ``cummax`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class cummin(NamedTuple):  # noqa: N801
    """What ``cummin`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class median(NamedTuple):  # noqa: N801
    """What ``median(dim=...)`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class kthvalue(NamedTuple):  # noqa: N801
    """What ``kthvalue`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class slogdet(NamedTuple):  # noqa: N801
    """What ``slogdet`` returns."""

    sign: Any
    logabsdet: Any

    def __repr__(self) -> str:
        return (f"minigrad.return_types.slogdet(\nsign={self.sign!r},\n"
                f"logabsdet={self.logabsdet!r})")


class frexp(NamedTuple):  # noqa: N801
    """What ``frexp`` returns: ``input = mantissa * 2**exponent``."""

    mantissa: Any
    exponent: Any

    def __repr__(self) -> str:
        return (f"minigrad.return_types.frexp(\nmantissa={self.mantissa!r},\n"
                f"exponent={self.exponent!r})")


class aminmax(NamedTuple):  # noqa: N801
    """What ``aminmax`` returns."""

    min: Any
    max: Any

    def __repr__(self) -> str:
        return f"minigrad.return_types.aminmax(\nmin={self.min!r},\nmax={self.max!r})"


class histogram(NamedTuple):  # noqa: N801
    """What ``histogram`` returns."""

    hist: Any
    bin_edges: Any

    def __repr__(self) -> str:
        return (f"minigrad.return_types.histogram(\nhist={self.hist!r},\n"
                f"bin_edges={self.bin_edges!r})")
