"""A peephole: a ``pad`` read only by a convolution or pooling step becomes that
operator's own ``pads``.

minigrad pads explicitly before conv2d (``padding="same"`` with an odd total) and before
pooling (padding, and the extra cells ``ceil_mode`` needs; -inf for max, 0 for average).
ONNX's Conv, MaxPool and AveragePool take asymmetric pads that mean the same (MaxPool
ignores padded cells; AveragePool with ``count_include_pad=1`` counts them as zeros, as
the explicit zeros are counted), so the file holds one node, as PyTorch's exporter writes.
"""
from __future__ import annotations

import math
from typing import Any

from .trace import Step, Value

# operator -> the padding value that its own pads stand for
_FOLDS_INTO = {"conv2d": 0.0, "avg_pool2d": 0.0, "max_pool2d": -math.inf}


def _pad_value(pad: Step) -> Any:
    return pad.kwargs.get("value", pad.args[2] if len(pad.args) > 2 else 0.0)


def fold_pads(steps: list[Step], outputs: list) -> set[int]:
    """Set ``step.pads`` to ``(source, [top, left, bottom, right])`` on each conv/pooling
    step whose input is a foldable pad; returns the indices of the pad steps to skip."""
    uses: dict[int, int] = {}
    for arg in [a for s in steps for a in s.args] + list(outputs):
        if isinstance(arg, Value):
            uses[id(arg)] = uses.get(id(arg), 0) + 1
    producer = {id(v): s for s in steps for v in s.outputs}
    skipped = set()
    for step in steps:
        pad = producer.get(id(step.args[0])) if step.op in _FOLDS_INTO else None
        if pad is None or pad.op != "pad" or uses[id(step.args[0])] != 1:
            continue
        widths = tuple(tuple(w) for w in pad.args[1])
        if len(widths) != 4 or widths[0] != (0, 0) or widths[1] != (0, 0):
            continue
        if _pad_value(pad) != _FOLDS_INTO[step.op]:
            continue
        (top, bottom), (left, right) = widths[2], widths[3]
        step.pads = (pad.args[0], [top, left, bottom, right])
        skipped.add(pad.index)
    return skipped
