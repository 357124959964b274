"""More of PyTorch's top-level ATen functions: losses with an integer ``reduction``,
``convolution``, the ``native_*`` normalizations and dropout, ``constant_pad_nd``,
``rms_norm``, ``frobenius_norm`` and the deprecated, end-inclusive ``range`` (`deprecated_range`,
so that the builtin keeps its name here).

The losses take ATen's ``reduction``, an int: 1 is ``'mean'``, 2 is ``'sum'`` and any
other int ``'none'`` (as ATen reads it); each forwards to the `nn.functional` loss of the
same name. ``native_layer_norm``, ``native_batch_norm`` and ``native_dropout`` return
the statistics (or the mask) beside the result, as ATen's kernels do.
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from . import creation, ops, random
from .autograd.grad_mode import no_grad
from .dtypes import is_number
from .internal import wrap
from .linalg import vector_norm
from .nn import functional as F
from .tensor import Tensor
from .ops._util import broadcast_shape
from .tensor_args import type_name

_REDUCTIONS = {1: "mean", 2: "sum"}


def _reduction(op: str, value: Any, position: int) -> str:
    """ATen's reduction enum as nn.functional's string."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{op}(): argument 'reduction' (position {position}) must be int, "
                        f"not {type_name(value)}")
    return _REDUCTIONS.get(value, "none")


def _tensor(value: Any, op: str, name: str, position: int) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, "
                        f"not {type_name(value)}")
    return value


# --- losses ---------------------------------------------------------------------------------
def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None,
                                     pos_weight: Tensor | None = None,
                                     reduction: int = 1) -> Tensor:
    """`nn.functional.binary_cross_entropy_with_logits` in ATen's order."""
    op = "binary_cross_entropy_with_logits"
    how = _reduction(op, reduction, 5)
    _tensor(input, op, "input", 1)
    _tensor(target, op, "target", 2)
    if input.shape != target.shape:  # ATen broadcasts the input to the target's shape
        if broadcast_shape(op, input.shape, target.shape) != tuple(target.shape):
            raise RuntimeError(f"{op}: output with shape {list(target.shape)} doesn't match "
                               f"the broadcast shape of the input {list(input.shape)}")
        input = input.expand(target.shape)
    return F.binary_cross_entropy_with_logits(input, target, weight, reduction=how,
                                              pos_weight=pos_weight)


def kl_div(input: Tensor, target: Tensor, reduction: int = 1, *,
           log_target: bool = False) -> Tensor:
    """`nn.functional.kl_div` in ATen's order; ``'mean'`` (1) averages over every
    element, without nn.functional's warning about it."""
    how = _reduction("kl_div", reduction, 3)
    _tensor(input, "kl_div", "input", 1)
    _tensor(target, "kl_div", "target", 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return F.kl_div(input, target, reduction=how, log_target=log_target)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction: int = 1) -> Tensor:
    """`nn.functional.cosine_embedding_loss` with an integer ``reduction``."""
    how = _reduction("cosine_embedding_loss", reduction, 5)
    _tensor(input1, "cosine_embedding_loss", "input1", 1)
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction=how)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         reduction: int = 1) -> Tensor:
    """`nn.functional.hinge_embedding_loss` with an integer ``reduction``."""
    how = _reduction("hinge_embedding_loss", reduction, 4)
    _tensor(input, "hinge_embedding_loss", "input", 1)
    return F.hinge_embedding_loss(input, target, margin, reduction=how)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: int = 1) -> Tensor:
    """`nn.functional.margin_ranking_loss` with an integer ``reduction``."""
    how = _reduction("margin_ranking_loss", reduction, 5)
    _tensor(input1, "margin_ranking_loss", "input1", 1)
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=how)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                        swap: bool = False, reduction: int = 1) -> Tensor:
    """`nn.functional.triplet_margin_loss` with an integer ``reduction``."""
    how = _reduction("triplet_margin_loss", reduction, 8)
    _tensor(anchor, "triplet_margin_loss", "anchor", 1)
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                 reduction=how)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool, eps: float,
                     reduction: int) -> Tensor:
    """`nn.functional.poisson_nll_loss` in ATen's order (every argument required)."""
    how = _reduction("poisson_nll_loss", reduction, 6)
    _tensor(input, "poisson_nll_loss", "input", 1)
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=how)


# --- convolution, padding, norms ------------------------------------------------------------
def _int_list(op: str, value: Any, name: str, position: int) -> list[int]:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be tuple of "
                        f"ints, not {type_name(value)}")
    return list(value)


def convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Sequence[int],
                padding: Sequence[int], dilation: Sequence[int], transposed: bool,
                output_padding: Sequence[int], groups: int) -> Tensor:
    """ATen's one convolution: `nn.functional.conv1d`/``2d``/``3d`` (or, if
    ``transposed``, ``conv_transpose*``) chosen by the weight's rank; the lists take
    one value per spatial dim (or one for all)."""
    op = "convolution"
    _tensor(input, op, "input", 1)
    _tensor(weight, op, "weight", 2)
    lists = [_int_list(op, v, name, i) for i, (name, v) in enumerate(
        (("stride", stride), ("padding", padding), ("dilation", dilation)), 4)]
    extra = _int_list(op, output_padding, "output_padding", 8)
    spatial = weight.ndim - 2
    if spatial not in (1, 2, 3):
        raise RuntimeError(f"{op}: weight should have at least three dimensions, got shape "
                           f"{tuple(weight.shape)}")
    if input.ndim != weight.ndim:
        raise RuntimeError(f"{op}: Expected {weight.ndim}-dimensional input for "
                           f"{weight.ndim}-dimensional weight {list(weight.shape)}, but got "
                           f"{input.ndim}-dimensional input of size {list(input.shape)} "
                           f"instead")
    stride_, padding_, dilation_ = (tuple(v) if len(v) != 1 else v[0] for v in lists)
    if transposed:
        extra_ = tuple(extra) if len(extra) != 1 else extra[0]
        function = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[spatial - 1]
        return function(input, weight, bias, stride_, padding_, extra_, groups, dilation_)
    function = (F.conv1d, F.conv2d, F.conv3d)[spatial - 1]
    return function(input, weight, bias, stride_, padding_, dilation_, groups)


def constant_pad_nd(input: Tensor, pad: Sequence[int], value: Any = 0) -> Tensor:
    """`nn.functional.pad` with ``mode='constant'``: ``pad`` lists (before, after) pairs
    from the last dim backwards; negative amounts crop."""
    _tensor(input, "constant_pad_nd", "input", 1)
    return F.pad(input, list(_int_list("constant_pad_nd", pad, "pad", 2)), "constant", value)


def rms_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """`nn.functional.rms_norm`."""
    return F.rms_norm(input, normalized_shape, weight, eps)


def frobenius_norm(input: Tensor, dim: Sequence[int], keepdim: bool = False) -> Tensor:
    """The 2-norm over ``dim`` (deprecated by PyTorch, with this warning, for
    `linalg.vector_norm`, which it calls)."""
    warnings.warn("frobenius_norm is deprecated: use linalg.vector_norm(A, 2., dim, keepdim) "
                  "instead.", UserWarning, stacklevel=2)
    _tensor(input, "frobenius_norm", "input", 1)
    dims = [dim] if isinstance(dim, int) else _int_list("frobenius_norm", dim, "dim", 2)
    if len(dims) > 2:
        raise RuntimeError(f"frobenius_norm: expected at most 2 dimensions, but got "
                           f"{len(dims)} dimensions instead ({dims})")
    return vector_norm(input, 2, tuple(dims), keepdim)


def native_layer_norm(input: Tensor, normalized_shape: Sequence[int],
                      weight: Tensor | None, bias: Tensor | None,
                      eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """`nn.functional.layer_norm`, with the mean and the reciprocal standard deviation
    (outside the graph) over the normalized dims, those dims kept as size 1."""
    out = F.layer_norm(input, normalized_shape, weight, bias, eps)
    dims = tuple(range(input.ndim - len(normalized_shape), input.ndim))
    with no_grad():
        mean = input.mean(dims, keepdim=True)
        rstd = ops.rsqrt(input.var(dims, keepdim=True, correction=0) + eps)
    return out, mean, rstd


def native_batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
                      running_mean: Tensor | None, running_var: Tensor | None,
                      training: bool, momentum: float,
                      eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """`nn.functional.batch_norm`, with the batch's mean and reciprocal standard
    deviation per channel when ``training`` (outside the graph; empty otherwise)."""
    _tensor(input, "native_batch_norm", "input", 1)
    if training and input.numel() == 0:
        raise RuntimeError(f"native_batch_norm: input tensor must have at least one element, "
                           f"but got input_sizes = {list(input.shape)}")
    out = F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum,
                       eps)
    if not training:
        empty = creation.empty(0, dtype=input.dtype)
        return out, empty, empty.clone()
    dims = (0,) + tuple(range(2, input.ndim))
    with no_grad():
        mean = input.mean(dims)
        rstd = ops.rsqrt(input.var(dims, correction=0) + eps)
    return out, mean, rstd


def native_dropout(input: Tensor, p: float, train: bool | None) -> tuple[Tensor, Tensor]:
    """Dropout that also returns its bool mask (True where kept); ``train=None`` counts as
    training. Not training, the result is a copy of ``input`` and the mask all True."""
    _tensor(input, "native_dropout", "input", 1)
    if train is False:
        return input.clone(), creation.ones(input.shape, dtype=np.bool_)
    if not 0 <= p <= 1:
        raise RuntimeError(f"native_dropout: dropout probability has to be between 0 and 1, "
                           f"but got {p}")
    if input.dtype.kind != "f":
        raise RuntimeError(f"native_dropout: result type Float can't be cast to the desired "
                           f"output type {input.dtype} (input of shape {tuple(input.shape)})")
    keep = random.default_generator().random(tuple(input.shape)) >= p
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    return input * wrap((keep * scale).astype(input.dtype)), wrap(keep)


def deprecated_range(start: Any, end: Any, step: Any = 1, *, out: Tensor | None = None,
                     dtype: Any = None, layout: Any = None, device: Any = None,
                     requires_grad: bool = False) -> Tensor:
    """``minigrad.range``, deprecated as ``torch.range`` is: from ``start`` to ``end`` *inclusive* in steps of
    ``step``, in the default float dtype unless ``dtype`` says otherwise (an integer
    dtype truncates the three numbers first). Warns, as PyTorch does; use `arange`
    (which stops before ``end``)."""
    warnings.warn("minigrad.range is deprecated and will be removed in a future release "
                  "because its behavior is inconsistent with Python's range builtin. "
                  "Instead, use minigrad.arange, which produces values in [start, end).",
                  UserWarning, stacklevel=2)
    dtype = np.dtype(creation.get_default_dtype() if dtype is None else dtype)
    for position, (name, value) in enumerate((("start", start), ("end", end),
                                              ("step", step)), 1):
        if not (is_number(value) or isinstance(value, Tensor) and value.ndim == 0):
            raise TypeError(f"range(): argument '{name}' (position {position}) must be "
                            f"Number, not {type_name(value)}")
    bounds = [float(v) for v in (start, end, step)]
    if not all(np.isfinite(bounds)):
        raise RuntimeError(f"range: unsupported range: {start} -> {end} (step {step})")
    if dtype.kind != "f":
        bounds = [float(int(v)) for v in bounds]
    first, last, stride = bounds
    if stride == 0:
        raise RuntimeError(f"range: step must be nonzero (start={start}, end={end})")
    if (last - first) * stride < 0:
        raise RuntimeError(f"range: upper bound and lower bound inconsistent with step sign "
                           f"(start={start}, end={end}, step={step})")
    values = first + np.arange(int(np.floor((last - first) / stride)) + 1) * stride
    result = creation.tensor(values, dtype=dtype, device=device, requires_grad=requires_grad)
    return result if out is None else out.resize_(result.shape).copy_(result)
