"""Details of each graph node that only drawings and exporters need, recorded on request.

An ordinary forward records what backward needs and nothing more. Inside
``with record_details():`` every node also keeps

* ``node.inputs``: the arguments of the call as given (tensors included),
* ``node.kwargs``: its keyword arguments,
* ``node.scope``: the ``nn.Module`` path it ran in (outermost first),

which ``minigrad.viz`` uses for module clusters and op attributes, and the ONNX exporter
for the graph it writes. Outside, those are ``()``, ``{}`` and ``()``.
"""
from __future__ import annotations

from typing import Any

_depth = 0


def enabled() -> bool:
    """Whether nodes made now record their details."""
    return _depth > 0


class record_details:
    """Context manager: nodes made inside keep their inputs, keyword arguments and scope.

    Examples
    --------
    >>> with record_details():
    ...     y = model(x)
    >>> minigrad.viz.draw_graph(y)   # with module clusters and op attributes
    """

    def __enter__(self) -> "record_details":
        global _depth
        _depth += 1
        return self

    def __exit__(self, *exc: Any) -> None:
        global _depth
        _depth -= 1
