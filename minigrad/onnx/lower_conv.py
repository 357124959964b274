"""Lowerings of convolution and pooling: conv2d -> Conv, max_pool2d -> MaxPool,
avg_pool2d -> AveragePool (or GlobalAveragePool).

minigrad's pooling primitives slide windows over an input that is already padded (the
padding, and the extra cells ``ceil_mode`` needs, come from an earlier ``pad`` step); that
pad folds into the operator's own ``pads`` (see ``fold_pads``), or lowers to Pad where it
cannot.
"""
from __future__ import annotations

import numpy as np

from .builder import GraphBuilder
from .errors import UnsupportedOperatorError
from .table import lowers
from .trace import Step


def _arg(step: Step, i: int, name: str, default=None):
    return step.kwargs.get(name, step.args[i] if len(step.args) > i else default)


def _input(g: GraphBuilder, step: Step, own: tuple[int, int] = (0, 0)) -> tuple[str, list[int]]:
    """The input's name and the ONNX pads [top, left, bottom, right]: the operator's own
    symmetric ``own`` padding plus a pad step folded into it (see ``fold_pads``)."""
    if step.pads is None:
        return g.name(step.args[0]), [own[0], own[1], own[0], own[1]]
    source, (top, left, bottom, right) = step.pads
    return g.name(source), [own[0] + top, own[1] + left, own[0] + bottom, own[1] + right]


@lowers("conv2d")
def lower_conv2d(g: GraphBuilder, step: Step) -> None:
    """Conv(x, W, b) with strides, symmetric pads, dilations and group."""
    weight, bias = step.args[1], _arg(step, 2, "bias")
    stride = _arg(step, 3, "stride", (1, 1))
    x, pads = _input(g, step, tuple(_arg(step, 4, "padding", (0, 0))))
    dilation = _arg(step, 5, "dilation", (1, 1))
    groups = _arg(step, 6, "groups", 1)
    inputs = [x, g.name(weight)] + ([g.name(bias)] if bias is not None else [])
    g.op("Conv", inputs, step.out(), kernel_shape=list(weight.shape[2:]), strides=list(stride),
         pads=pads, dilations=list(dilation), group=int(groups))


@lowers("max_pool2d")
def lower_max_pool2d(g: GraphBuilder, step: Step) -> None:
    """MaxPool(x) with kernel_shape, strides, dilations and the folded padding; only the
    values (output 0)."""
    kernel, stride = step.args[1:3]
    dilation = _arg(step, 3, "dilation", (1, 1))
    x, pads = _input(g, step)
    g.op("MaxPool", [x], step.out(0), kernel_shape=list(kernel), strides=list(stride),
         dilations=list(dilation), pads=pads)


@lowers("avg_pool2d", varying=(1, 2, 3))
def lower_avg_pool2d(g: GraphBuilder, step: Step) -> None:
    """AveragePool(x), then a product with KH*KW / divisor where the divisor is not the
    window size (count_include_pad=False, divisor_override, ceil_mode's clipped windows).
    A window that covers the whole input with the plain divisor is GlobalAveragePool.

    On a dynamic spatial axis the window must be the whole input in both runs
    (``adaptive_avg_pool2d(x, 1)``), or the same window with the plain divisor."""
    x, kernel, stride, divisor = step.args[:4]
    kh, kw = kernel
    source, pads = _input(g, step)
    runs = [step.args] + ([step.probe_args] if step.probe_args else [])
    if all(_whole_input(step, args) for args in runs):
        g.op("GlobalAveragePool", [source], step.out())
        return
    plain = all(_plain(args) for args in runs)
    if any(x.dynamic[2:]) and not (plain and _same_window(runs)):
        raise UnsupportedOperatorError("avg_pool2d: on a dynamic spatial axis only a global "
                                       "average or a fixed window with the plain divisor is "
                                       "exportable")
    pooled = g.op("AveragePool", [source], step.out() if plain else None,
                  kernel_shape=[kh, kw], strides=list(stride), pads=pads, count_include_pad=1)
    if not plain:
        factor = g.constant((kh * kw) / np.asarray(divisor, np.float64), step.outputs[0].dtype,
                            "divisor")
        g.op("Mul", [pooled, factor], step.out())


def _plain(args: list) -> bool:
    """Whether every window is divided by its size (KH * KW)."""
    kernel, divisor = args[1], args[3]
    return bool(np.all(divisor == kernel[0] * kernel[1]))


def _whole_input(step: Step, args: list) -> bool:
    return step.pads is None and tuple(args[1]) == tuple(args[0].shape[2:]) and _plain(args)


def _same_window(runs: list) -> bool:
    return all(tuple(a[1]) == tuple(runs[0][1]) and tuple(a[2]) == tuple(runs[0][2])
               for a in runs)
