"""Lowerings of the arithmetic primitives: elementwise, reductions, matmul, special functions.

Most are one ONNX node of the same meaning. Both sides broadcast with NumPy's rules, as
ONNX's multidirectional broadcasting does.
"""
from __future__ import annotations

import math

import numpy as np

from .builder import GraphBuilder
from .table import lowers
from .trace import Step

# primitive -> ONNX operator with the same inputs and output
_SAME = {
    "add": "Add", "sub": "Sub", "mul": "Mul", "div": "Div", "pow": "Pow",
    "maximum": "Max", "minimum": "Min", "matmul": "MatMul",
    "neg": "Neg", "exp": "Exp", "log": "Log", "sqrt": "Sqrt", "sin": "Sin", "cos": "Cos",
    "tanh": "Tanh", "sigmoid": "Sigmoid", "relu": "Relu", "abs": "Abs", "erf": "Erf",
    "softplus": "Softplus", "clone": "Identity", "reciprocal": "Reciprocal", "tan": "Tan",
    "atan": "Atan", "asin": "Asin", "acos": "Acos", "sinh": "Sinh", "cosh": "Cosh",
    "asinh": "Asinh", "acosh": "Acosh", "atanh": "Atanh",
    "det": "Det",
}


def _one_to_one(op_type: str):
    def lower(g: GraphBuilder, step: Step) -> None:
        g.op(op_type, [g.name(a) for a in step.args], step.out())
    lower.__name__ = f"lower_{op_type.lower()}"
    lower.__doc__ = f"One ONNX {op_type} node."
    return lower


for _name, _op_type in _SAME.items():
    lowers(_name)(_one_to_one(_op_type))


def _divided_log(base: float):
    def lower(g: GraphBuilder, step: Step) -> None:
        log = g.op("Log", [g.name(step.args[0])])
        g.op("Div", [log, g.constant(math.log(base), step.outputs[0].dtype, "ln")],
             step.out())
    lower.__name__ = f"lower_log{base}"
    lower.__doc__ = f"Log(x) / ln {base}."
    return lower


lowers("log2")(_divided_log(2))
lowers("log10")(_divided_log(10))


@lowers("rsqrt")
def lower_rsqrt(g: GraphBuilder, step: Step) -> None:
    """Reciprocal(Sqrt(x))."""
    g.op("Reciprocal", [g.op("Sqrt", [g.name(step.args[0])])], step.out())


@lowers("exp2")
def lower_exp2(g: GraphBuilder, step: Step) -> None:
    """Pow(2, x)."""
    two = g.constant(2.0, step.outputs[0].dtype, "two")
    g.op("Pow", [two, g.name(step.args[0])], step.out())


@lowers("fmod")
def lower_fmod(g: GraphBuilder, step: Step) -> None:
    """Mod(x, y, fmod=1): the remainder with the sign of x."""
    g.op("Mod", [g.name(a) for a in step.args], step.out(), fmod=1)


@lowers("remainder")
def lower_remainder(g: GraphBuilder, step: Step) -> None:
    """r = Mod(x, y, fmod=1) moved into y's sign: Where(r != 0 and (r < 0) xor (y < 0),
    r + y, r). ONNX's Mod with fmod=0 (the sign of y) is for integers only."""
    x, y = (g.name(a) for a in step.args)
    r = g.op("Mod", [x, y], fmod=1)
    zero = g.constant(0.0, step.outputs[0].dtype, "zero")
    signs_differ = g.op("Xor", [g.op("Less", [r, zero]), g.op("Less", [y, zero])])
    nonzero = g.op("Not", [g.op("Equal", [r, zero])])
    g.op("Where", [g.op("And", [nonzero, signs_differ]), g.op("Add", [r, y]), r],
         step.out())


@lowers("where")
def lower_where(g: GraphBuilder, step: Step) -> None:
    """Where(condition, x, y); the condition is computed in the graph when it is a
    comparison the exporter recognises (see ``derive``), else a constant."""
    g.op("Where", [g.name(a) for a in step.args], step.out())


@lowers("clamp")
def lower_clamp(g: GraphBuilder, step: Step) -> None:
    """Clip(x, min, max), the bounds as constants of x's dtype (absent when None)."""
    x = step.args[0]
    low, high = (list(step.args[1:]) + [None, None])[:2]
    low, high = step.kwargs.get("min", low), step.kwargs.get("max", high)
    dtype = step.outputs[0].dtype
    bounds = ["" if b is None else g.constant(b, dtype, "bound") for b in (low, high)]
    g.op("Clip", [g.name(x)] + bounds, step.out())


@lowers("cast")
def lower_cast(g: GraphBuilder, step: Step) -> None:
    """Cast(x, to=dtype)."""
    from onnx import helper

    to = helper.np_dtype_to_tensor_dtype(np.dtype(step.args[1]))
    g.op("Cast", [g.name(step.args[0])], step.out(), to=to)


def _reduction(op_type: str):
    def lower(g: GraphBuilder, step: Step) -> None:
        x, dims = step.args[0], tuple(step.args[1])
        keepdim = step.kwargs.get("keepdim", step.args[2] if len(step.args) > 2 else False)
        if not dims:  # nothing to reduce (an empty axes input would reduce everything)
            g.op("Identity", [g.name(x)], step.out())
            return
        g.reduce(op_type, g.name(x), dims, step.out(), keepdims=bool(keepdim))
    lower.__name__ = f"lower_{op_type.lower()}"
    lower.__doc__ = f"{op_type} over the primitive's dims, keeping them when keepdim."
    return lower


lowers("sum")(_reduction("ReduceSum"))
lowers("amax")(_reduction("ReduceMax"))
lowers("amin")(_reduction("ReduceMin"))
