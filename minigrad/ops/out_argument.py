"""PyTorch's ``out=`` argument, given to a public function by one decorator, ``takes_out``.

``minigrad.exp(x, out=buf)`` computes ``exp(x)`` as usual and then writes it into ``buf``
and returns ``buf`` itself (functions that return a named tuple, ``max(x, 1)``, ``sort``,
``svd``, take ``out=(values, indices)``, one tensor per field, and return them in the
named tuple). The write is a copy into ``buf``'s memory, so a view writes through to its
base. Like PyTorch, most functions refuse ``out=`` when a gradient would be wanted, and
those PyTorch composes from others record the write as ``buf.copy_(result)``.
"""
from __future__ import annotations

import functools
import inspect
import warnings
from typing import Any, Callable, NamedTuple

import numpy as np

from ..autograd.grad_mode import is_grad_enabled
from ..dtypes import can_cast, scalar_type_name
from ..internal import array_of, mark_modified, replace_array
from ..tensor import Tensor
from ._util import type_name, writable

RULES = ("cast", "same", "dtype", "copy")
AUTOGRAD = ("refuse", "record", "none")


def takes_out(rule: str = "cast", *, autograd: str = "refuse", resize_warns: bool = True,
              cast_error: type[Exception] = RuntimeError) -> Callable:
    """Give the decorated function PyTorch's keyword-only ``out=None``, with its rules:

    * **Identity.** The result is written into ``out`` and ``out`` itself is returned.
    * **Shape.** An ``out`` of another shape is resized to the result's. Resizing an ``out``
      that has elements warns (``UserWarning``, as PyTorch deprecates it) unless
      ``resize_warns`` is False (the factories resize silently); an empty ``out`` never warns.
    * **Dtype,** by ``rule``:

      - ``"cast"`` (the elementwise functions): the result is converted to ``out``'s dtype
        when the cast keeps its kind or goes up (bool to integer to float); a float result
        into an integer ``out``, or anything but bool into a bool ``out``, raises
        ``cast_error``, "result type Float can't be cast to the desired output type Long".
      - ``"same"`` (linear algebra, rounding, indexing, ...): ``out`` must already have the
        result's dtype (RuntimeError).
      - ``"dtype"`` (the factories, ``sum``, ``cumsum``, ...): ``out``'s dtype is passed as
        the function's ``dtype=``, so the result is computed in it.
      - ``"copy"`` (``bernoulli``): converted to any dtype, as ``copy_`` converts.

      A named tuple's fields always need their own dtypes (``indices`` int64).

    * **Autograd,** in grad mode, by ``autograd``:

      - ``"refuse"`` (PyTorch's functions with a derivative of their own): a result that
        requires grad (from an input that does) or an ``out`` that requires grad raises
        RuntimeError, "functions with out=... arguments don't support automatic
        differentiation, but one of the arguments requires grad".
      - ``"record"`` (PyTorch's functions composed of others, ``softmax``, ``inner``,
        ``quantile``, ...): the result is written as ``out.copy_(result)`` writes it, so
        ``out`` joins the graph (and an ``out`` that is a leaf requiring grad raises).
      - ``"none"`` (no derivative: ``histc``, ``randint``, ...): nothing is refused.
    """
    if rule not in RULES or autograd not in AUTOGRAD:
        raise ValueError(f"takes_out: rule must be one of {RULES} and autograd one of "
                         f"{AUTOGRAD}, got {rule!r} and {autograd!r}")
    rules = _Rules(rule, autograd, resize_warns, cast_error)

    def decorate(function: Callable) -> Callable:
        op = function.__name__

        @functools.wraps(function)
        def with_out(*args: Any, out: Any = None, **kwargs: Any) -> Any:
            if out is None:
                return function(*args, **kwargs)
            if rule == "dtype":
                kwargs["dtype"] = _dtype_of(op, out, kwargs.get("dtype"))
            return write_out(op, function(*args, **kwargs), out, rules)

        with_out.__signature__ = _with_out_parameter(function)  # type: ignore[attr-defined]
        return with_out
    return decorate


class _Rules(NamedTuple):
    dtype: str
    autograd: str
    resize_warns: bool
    cast_error: type[Exception]


def write_out(op: str, result: Any, out: Any, rules: _Rules) -> Any:
    """``result`` (a tensor or a named tuple of them) written into ``out`` by ``rules``;
    returns ``out`` (as the named tuple of its tensors, for a named tuple)."""
    outs, results = _pair(op, out, result)
    grad = is_grad_enabled() and any(t.requires_grad for t in outs + results)
    if grad and rules.autograd == "refuse":
        raise RuntimeError(f"{op}(): functions with out=... arguments don't support "
                           "automatic differentiation, but one of the arguments requires grad.")
    single = isinstance(result, Tensor)
    for o, r in zip(outs, results):
        _check_dtype(op, rules.dtype if single else "same", r.dtype, o.dtype, rules.cast_error)
    for o, r in zip(outs, results):
        _write(op, o, r, rules.resize_warns, record=grad and rules.autograd == "record")
    if single:
        return out
    return type(result)(*outs) if hasattr(result, "_fields") else outs


def _dtype_of(op: str, out: Any, dtype: Any) -> np.dtype:
    """``out``'s dtype, which must agree with a ``dtype=`` also given."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{op}(): argument 'out' must be Tensor, not {type_name(out)}")
    if dtype is not None and np.dtype(dtype) != out.dtype:
        raise RuntimeError(f"{op}(): dtype {scalar_type_name(dtype)} does not match the "
                           f"dtype of out ({scalar_type_name(out.dtype)})")
    return out.dtype


def _pair(op: str, out: Any, result: Any) -> tuple[tuple[Tensor, ...], tuple[Tensor, ...]]:
    """``out`` and ``result`` as tuples of tensors of the same length, or a TypeError."""
    if isinstance(result, Tensor):
        if not isinstance(out, Tensor):
            raise TypeError(f"{op}(): argument 'out' must be Tensor, not {type_name(out)}")
        return (out,), (result,)
    if not (isinstance(out, (tuple, list)) and len(out) == len(result)
            and all(isinstance(o, Tensor) for o in out)):
        raise TypeError(f"{op}(): argument 'out' must be tuple of {len(result)} Tensors, "
                        f"not {type_name(out)}")
    return tuple(out), tuple(result)


def _check_dtype(op: str, rule: str, result: np.dtype, out: np.dtype,
                 cast_error: type[Exception]) -> None:
    if rule == "cast" and not can_cast(result, out):
        raise cast_error(f"{op}(): result type {scalar_type_name(result)} can't be cast to "
                         f"the desired output type {scalar_type_name(out)}")
    if rule == "same" and result != out:
        raise RuntimeError(f"{op}(): expected out to have dtype {scalar_type_name(result)}, "
                           f"but got {scalar_type_name(out)} instead")


def _write(op: str, out: Tensor, result: Tensor, resize_warns: bool, record: bool) -> None:
    if out.shape != result.shape:
        if out.numel() and resize_warns:
            warnings.warn(f"{op}(): an output with one or more elements was resized since it "
                          f"had shape {list(out.shape)}, which does not match the required "
                          f"output shape {list(result.shape)}. PyTorch deprecates resizing "
                          "an out that has elements: pass one with zero elements instead.",
                          UserWarning, stacklevel=4)
        replace_array(out, np.empty(result.shape, out.dtype))
    if record:
        out.copy_(result)  # an in-place op: recorded in the graph
        return
    np.copyto(writable(out, op), array_of(result), casting="unsafe")
    mark_modified(out)


def _with_out_parameter(function: Callable) -> inspect.Signature:
    """``function``'s signature with ``out=None`` added among its keyword-only parameters."""
    signature = inspect.signature(function)
    parameters = list(signature.parameters.values())
    at = len(parameters) - (bool(parameters)
                            and parameters[-1].kind is inspect.Parameter.VAR_KEYWORD)
    out = inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None,
                            annotation="Tensor | None")
    return signature.replace(parameters=parameters[:at] + [out] + parameters[at:])
