"""A text summary of a model: its layers, their output shapes and parameter counts.

``summary`` runs one forward pass under ``no_grad`` with a forward hook on every module,
so it sees each layer's output shape without recording a graph. It runs inside
``record_details()``, so that modules enter their scopes as they do for the drawings.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..autograd.details import record_details
from ..autograd.grad_mode import no_grad
from ..dtypes import get_default_dtype
from ..internal import array_of
from ..tensor import Tensor
from .labels import describe_module

_MB = 1e6  # sizes are in megabytes of 10**6 bytes


@dataclass
class LayerRow:
    """One line of the table: a module, its depth in the tree, what it returned."""

    name: str
    module: Any
    depth: int
    output_shapes: list[str]
    own_params: int    # held by this module itself
    all_params: int    # held by this module and every module below it


class ModelSummary(str):
    """The summary table as a string (printing it shows the table), with the numbers
    behind it as attributes."""

    rows: list[LayerRow]
    total_params: int
    trainable_params: int
    non_trainable_params: int
    param_bytes: int
    buffer_bytes: int

    def __repr__(self) -> str:
        return str(self)


def summary(model: Any, input_size: Sequence[Any] | None = None, input_data: Any = None, *,
            dtypes: Sequence[Any] | None = None, depth: int | None = None,
            verbose: bool = True) -> ModelSummary:
    """Run ``model`` once and describe it, layer by layer.

    Parameters
    ----------
    model : Module
    input_size : tuple of int, or sequence of tuples, optional
        The shape of the input, batch included, e.g. ``(1, 1, 28, 28)``; a sequence of
        shapes for a model with several inputs. Inputs are made from a fixed seed, so the
        global random state is untouched.
    input_data : Tensor, ndarray or sequence of them, optional
        Example input(s), instead of ``input_size``.
    dtypes : sequence of dtype, optional
        One dtype per input made from ``input_size`` (default float32).
    depth : int, optional
        Leave out modules deeper than this (the model itself is depth 0).
    verbose : bool
        Print the table.

    Returns
    -------
    ModelSummary
        The table as a string, with ``total_params``, ``trainable_params``,
        ``non_trainable_params``, ``param_bytes``, ``buffer_bytes`` and ``rows``.

    Notes
    -----
    The forward pass runs in eval mode (so BatchNorm's running statistics do not move);
    each module's training flag is restored afterwards.
    """
    if not (callable(getattr(model, "named_modules", None))
            and callable(getattr(model, "register_forward_hook", None))):
        raise TypeError(f"summary: model must be an nn.Module, got {type(model).__name__}")
    inputs = _inputs(input_size, input_data, dtypes)
    shapes = _record_output_shapes(model, inputs)
    rows = [LayerRow(name, module, _depth(name), shapes.get(id(module), []),
                     _count(module, recurse=False), _count(module, recurse=True))
            for name, module in model.named_modules()]
    totals = _totals(model)
    table = ModelSummary(_render(rows, depth, *totals))
    table.rows = rows
    table.total_params, table.trainable_params, table.param_bytes, table.buffer_bytes = totals
    table.non_trainable_params = table.total_params - table.trainable_params
    if verbose:
        print(table)
    return table


# --- running the model --------------------------------------------------------------------
def _inputs(input_size: Any, input_data: Any, dtypes: Sequence[Any] | None) -> list[Tensor]:
    if (input_size is None) == (input_data is None):
        raise ValueError("summary: give exactly one of input_size (a shape such as "
                         "(1, 1, 28, 28)) and input_data (an example input)")
    if input_data is not None:
        many = isinstance(input_data, (list, tuple))
        return [_as_tensor(d) for d in (input_data if many else [input_data])]
    sizes = [input_size] if all(isinstance(s, (int, np.integer)) for s in input_size) \
        else list(input_size)
    dtypes = list(dtypes) if dtypes is not None else [get_default_dtype()] * len(sizes)
    if len(dtypes) != len(sizes):
        raise ValueError(f"summary: got {len(sizes)} input sizes but {len(dtypes)} dtypes")
    rng = np.random.default_rng(0)
    return [_example(tuple(size), np.dtype(dtype), rng) for size, dtype in zip(sizes, dtypes)]


def _example(shape: tuple, dtype: np.dtype, rng: np.random.Generator) -> Tensor:
    """Standard normal floats, or zeros for integer and bool inputs (valid indices)."""
    if dtype.kind == "f":
        return Tensor(rng.standard_normal(shape).astype(dtype))
    return Tensor(np.zeros(shape, dtype=dtype))


def _as_tensor(value: Any) -> Tensor:
    return value if isinstance(value, Tensor) else Tensor(np.asarray(value))


def _record_output_shapes(model: Any, inputs: list[Tensor]) -> dict[int, list[str]]:
    """``id(module) -> output shape text`` of each call, from one forward pass."""
    shapes: dict[int, list[str]] = {}

    def hook(module: Any, args: tuple, output: Any) -> None:
        shapes.setdefault(id(module), []).append(_shape_text(output))

    modules = [m for _, m in model.named_modules()]
    modes = [m.training for m in modules]
    handles = [m.register_forward_hook(hook) for m in modules]
    try:
        model.eval()
        with no_grad(), record_details():
            model(*inputs)
    finally:
        for handle in handles:
            handle.remove()
        for module, mode in zip(modules, modes):
            module.training = mode
    return shapes


def _shape_text(output: Any) -> str:
    """``[1, 6, 28, 28]`` for a tensor; nested outputs joined, others ``--``."""
    if isinstance(output, Tensor):
        return str(list(output.shape))
    if isinstance(output, (list, tuple)):
        return ", ".join(_shape_text(o) for o in output) or "--"
    if isinstance(output, dict):
        return ", ".join(_shape_text(o) for o in output.values()) or "--"
    return "--"


# --- the table ----------------------------------------------------------------------------
def _count(module: Any, recurse: bool) -> int:
    return sum(p.numel() for p in module.parameters(recurse=recurse))


def _depth(name: str) -> int:
    return 0 if name == "" else name.count(".") + 1


def _totals(model: Any) -> tuple[int, int, int, int]:
    params = list(model.parameters())
    buffers = list(model.buffers()) if callable(getattr(model, "buffers", None)) else []
    total = sum(p.numel() for p in params)
    trainable = sum(p.numel() for p in params if p.requires_grad)
    return (total, trainable, sum(array_of(p).nbytes for p in params),
            sum(array_of(b).nbytes for b in buffers))


def _layer_text(row: LayerRow) -> str:
    kind = describe_module(row.module).split("(")[0]
    text = f"{row.name} ({kind})" if row.name else kind
    return "  " * row.depth + text


def _output_text(row: LayerRow) -> str:
    if not row.output_shapes:
        return "--"
    calls = len(row.output_shapes)
    return row.output_shapes[-1] + (f" x{calls} calls" if calls > 1 else "")


def _params_text(row: LayerRow, depth: int | None) -> str:
    """Own parameters; a row at the depth cut also counts those of the rows hidden below."""
    count = row.all_params if depth is not None and row.depth == depth else row.own_params
    return f"{count:,}" if count else "--"


def _render(rows: list[LayerRow], depth: int | None, total: int, trainable: int,
            param_bytes: int, buffer_bytes: int) -> str:
    header = ("Layer (type)", "Output shape", "Param #")
    body = [(_layer_text(r), _output_text(r), _params_text(r, depth))
            for r in rows if depth is None or r.depth <= depth]
    widths = [max(len(line[i]) for line in [header] + body) for i in range(3)]
    fmt = lambda cells: "  ".join(  # noqa: E731
        c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    rule = "=" * len(fmt(header))
    lines = [rule, fmt(header), rule] + [fmt(cells) for cells in body] + [rule]
    lines += [f"Total params: {total:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}",
              f"Params size (MB): {param_bytes / _MB:.2f}"]
    if buffer_bytes:
        lines.append(f"Buffers size (MB): {buffer_bytes / _MB:.2f}")
    return "\n".join(lines + [rule])
