"""PyTorch's top-level spellings of functions that minigrad keeps elsewhere.

``torch.dropout(x, p, train)``, ``torch.layer_norm(x, shape, w, b, eps, cudnn_enable)``,
``torch.embedding(weight, indices)`` and ``torch.batch_norm(x, w, b, mean, var, training,
momentum, eps, cudnn_enabled)`` take their arguments in ATen's order and names, not in
``nn.functional``'s; these forward to the functional versions. ATen checks some arguments
that ``nn.functional`` checks in Python differently (and some not at all): the errors
here are ATen's. The tensor predicates (``is_complex``, ``is_signed``, ...), ``detach``,
the conjugation functions of real tensors, ``unsafe_chunk`` and ``unsafe_split`` are the
methods of the same names; ``fill`` is ``clone().fill_``. The in-place dropouts
(``dropout_``, ...) and ``embedding_renorm_`` write into their input and return it.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Sequence

import numpy as np

from .autograd.grad_mode import no_grad
from .internal import array_of, wrap
from .linalg import matrix_norm
from .nn import functional as F
from .nn.functional.dense import renorm_scale
from .nn.functional.dropouts import feature_dropout as _feature_dropout
from .ops._util import check_same_dtype
from .ops.out_argument import takes_out
from .tensor import Tensor
from .tensor_args import type_name


def _probability(p: float) -> float:
    """ATen checks p itself, with a RuntimeError (nn.functional raises ValueError)."""
    if not 0 <= p <= 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")
    return p


def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.dropout``: `nn.functional.dropout` with ``training=train``."""
    return F.dropout(input, _probability(p), train)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.alpha_dropout``: `nn.functional.alpha_dropout` with ``training=train``."""
    return F.alpha_dropout(input, _probability(p), train)


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.feature_dropout``: zero whole channels of an ``(N, C, *)`` input (of a 2-D
    one, single elements) while ``train``, as `nn.functional.dropout2d` does for 4-D."""
    return _checked_feature_dropout(input, p, train, False, "feature_dropout")


def _checked_feature_dropout(input: Tensor, p: float, train: bool, inplace: bool,
                             op: str) -> Tensor:
    _tensor(input, op, "input", 1)
    if train and input.ndim < 2:
        raise RuntimeError(f"{op}: Feature dropout requires at least 2 dimensions in the "
                           f"input, got shape {tuple(input.shape)}")
    return _feature_dropout(input, _probability(p), train, inplace)


# The in-place dropouts: the same, written into ``input``, which is returned.
def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.dropout_``: `dropout` written into ``input``."""
    return F.dropout(_tensor(input, "dropout_", "input", 1), _probability(p), train, True)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.alpha_dropout_``: `alpha_dropout` written into ``input``."""
    return F.alpha_dropout(_tensor(input, "alpha_dropout_", "input", 1), _probability(p),
                           train, True)


def feature_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.feature_dropout_``: `feature_dropout` written into ``input``."""
    return _checked_feature_dropout(input, p, train, True, "feature_dropout_")


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.feature_alpha_dropout_``: `feature_alpha_dropout` written into ``input``."""
    return F.feature_alpha_dropout(_tensor(input, "feature_alpha_dropout_", "input", 1),
                                   _probability(p), train, True)


def embedding_renorm_(input: Tensor, indices: Tensor, max_norm: float,
                      norm_type: float) -> Tensor:
    """Scale each row of the 2-D ``input`` that ``indices`` name (once per distinct index
    value, however often named) whose ``norm_type``-norm exceeds ``max_norm`` down to norm ``max_norm``
    (``max_norm / (norm + 1e-7)`` times); what `nn.functional.embedding` does with
    ``max_norm``. Returns ``input``."""
    _tensor(input, "embedding_renorm_", "input", 1)
    _tensor(indices, "embedding_renorm_", "indices", 2)
    if indices.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"embedding_renorm_: indices must be int64 or int32, got "
                           f"{indices.dtype}")
    if input.ndim != 2:
        raise RuntimeError(f"embedding_renorm_: expected a 2-D input, got shape "
                           f"{tuple(input.shape)}")
    if input.dtype.kind != "f":
        raise RuntimeError(f"embedding_renorm_: norm needs a floating-point input, got "
                           f"{input.dtype}")
    rows = np.unique(array_of(indices))
    if rows.size and not (-input.shape[0] <= rows.min() and rows.max() < input.shape[0]):
        raise IndexError(f"embedding_renorm_: index out of range for an input of shape "
                         f"{tuple(input.shape)} (indices from {rows.min()} to {rows.max()})")
    # As in PyTorch, a row named both ways (0 and -n) is renormed twice, one pass after the
    # other (which matters when the first pass leaves it above max_norm, e.g. norm_type 0).
    rows, named = np.unique(rows % max(input.shape[0], 1), return_counts=True)
    scale = renorm_scale(array_of(input), rows, max_norm, norm_type)
    if (named > 1).any():
        scale = scale * renorm_scale(array_of(input) * scale, rows[named > 1], max_norm,
                                     norm_type)
    return input.mul_(wrap(scale))


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.feature_alpha_dropout``: `nn.functional.feature_alpha_dropout` with
    ``training=train``."""
    return F.feature_alpha_dropout(input, _probability(p), train)


def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5,
               cudnn_enable: bool = True) -> Tensor:
    """``torch.layer_norm``: `nn.functional.layer_norm` (``cudnn_enable`` has no effect)."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5,
               cudnn_enabled: bool = True) -> Tensor:
    """``torch.group_norm``: `nn.functional.group_norm` (``cudnn_enabled`` has no effect)."""
    return F.group_norm(input, num_groups, weight, bias, eps)


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """``torch.embedding``: `nn.functional.embedding` with the weight first. A
    ``padding_idx`` outside ``[0, num_embeddings)`` (ATen's -1 by default) means no
    padding row."""
    _tensor(weight, "embedding", "weight", 1)
    _tensor(indices, "embedding", "indices", 2)
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, int):
        raise TypeError(f"embedding(): argument 'padding_idx' (position 3) must be int, not "
                        f"{type_name(padding_idx)}")
    rows = weight.shape[0] if weight.ndim == 2 else 0
    padding = padding_idx if 0 <= padding_idx < rows else None
    return F.embedding(indices, weight, padding, None, 2.0, scale_grad_by_freq, sparse)


def batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
               running_mean: Tensor | None, running_var: Tensor | None, training: bool,
               momentum: float, eps: float, cudnn_enabled: bool) -> Tensor:
    """``torch.batch_norm``: `nn.functional.batch_norm` with ATen's checks
    (``cudnn_enabled`` has no effect).

    Unlike ``nn.functional``, ATen accepts one value per channel when training: the mean
    is then the value and the variance 0, so the output is the bias, and the running
    variance becomes NaN (the unbiased variance divides by ``n - 1 = 0``).
    """
    _norm_arguments("batch_norm", input, weight, bias, running_mean, running_var,
                    ("training", training), cudnn_enabled)
    if input.ndim < 2 and training:
        raise IndexError(f"batch_norm: Dimension out of range (expected to be in range of "
                         f"[-1, 0], but got 1): input of shape {tuple(input.shape)}")
    if not training:
        for name, stat in (("running_mean", running_mean), ("running_var", running_var)):
            if stat is None:
                raise RuntimeError(f"batch_norm: {name} must be defined in evaluation mode")
    elif (running_mean is None) != (running_var is None):
        raise ValueError("batch_norm: running_mean and running_var must either both be None "
                         "or neither be None")
    channels = input.shape[1] if input.ndim > 1 else 0
    if not training or channels == 0 or input.numel() != channels:
        return F.batch_norm(input, running_mean, running_var, weight, bias, training,
                            momentum, eps)
    values = input.reshape(channels)  # one per channel: each its own mean, variance 0
    if running_mean is not None and running_var is not None:
        with no_grad():
            running_mean.mul_(1 - momentum).add_(values.detach() * momentum)
            running_var.fill_(math.nan)
    return F.batch_norm(input, values, values.detach() * 0, weight, bias, False, momentum,
                        eps)


def instance_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
                  running_mean: Tensor | None, running_var: Tensor | None,
                  use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool) -> Tensor:
    """``torch.instance_norm``, as ATen computes it: `batch_norm` of the ``(N, C, *)``
    input seen as one sample of ``N * C`` channels, with the per-channel tensors repeated
    ``N`` times; the running stats then take the average of their ``N`` updated copies.
    With ``use_input_stats=False`` the running stats normalize instead."""
    _norm_arguments("instance_norm", input, weight, bias, running_mean, running_var,
                    ("use_input_stats", use_input_stats), cudnn_enabled)
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("instance_norm: Expected running_mean and running_var to be "
                           "defined when use_input_stats is false")
    if input.ndim < 2:
        raise IndexError(f"instance_norm: Dimension out of range (expected to be in range "
                         f"of [-1, 0], but got 1): input of shape {tuple(input.shape)}")
    n, channels = input.shape[:2]

    def repeated(t: Tensor | None) -> Tensor | None:
        return None if t is None else t.repeat(n)

    stats = repeated(running_mean), repeated(running_var)
    flat = input.reshape((1, n * channels) + tuple(input.shape[2:]))
    out = batch_norm(flat, repeated(weight), repeated(bias), *stats, use_input_stats,
                     momentum, eps, cudnn_enabled)
    if use_input_stats and running_mean is not None and running_var is not None:
        with no_grad():
            running_mean.copy_(stats[0].reshape(n, channels).mean(0))
            running_var.copy_(stats[1].reshape(n, channels).mean(0))
    return out.reshape(input.shape)


def _norm_arguments(op: str, input: Any, weight: Any, bias: Any, running_mean: Any,
                    running_var: Any, training: tuple[str, Any], cudnn_enabled: Any) -> None:
    """ATen's checks of batch_norm's and instance_norm's arguments: tensors (or None),
    flags that are bools, a floating-point input and one dtype throughout."""
    _tensor(input, op, "input", 1)
    for position, (name, t) in enumerate((("weight", weight), ("bias", bias),
                                          ("running_mean", running_mean),
                                          ("running_var", running_var)), 2):
        if t is not None:
            _tensor(t, op, name, position)
    for position, (name, flag) in ((6, training), (9, ("cudnn_enabled", cudnn_enabled))):
        if not isinstance(flag, bool):
            raise TypeError(f"{op}(): argument '{name}' (position {position}) must be bool, "
                            f"not {type_name(flag)}")
    if input.dtype.kind != "f":
        raise NotImplementedError(f"\"{op}\" not implemented for {input.dtype} (input of "
                                  f"shape {tuple(input.shape)})")
    check_same_dtype(op, input, weight=weight, bias=bias, running_mean=running_mean,
                     running_var=running_var)


def _tensor(value: object, op: str, name: str, position: int) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, "
                        f"not {type(value).__name__}")
    return value


def is_complex(input: Tensor) -> bool:
    """Whether ``input`` has a complex dtype: never, in minigrad."""
    return _tensor(input, "is_complex", "input", 1).is_complex()


def is_same_size(input: Tensor, other: Tensor) -> bool:
    """Whether two tensors have the same shape."""
    return _tensor(input, "is_same_size", "input", 1).is_same_size(
        _tensor(other, "is_same_size", "other", 2))


def detach(input: Tensor) -> Tensor:
    """``input.detach()``: the same data, outside the graph."""
    return _tensor(input, "detach", "input", 1).detach()


# The real-tensor predicates and conjugation views: minigrad's dtypes are all real, so
# conjugation and negation views never exist and each function returns ``input`` itself.
def is_signed(input: Tensor) -> bool:
    """Whether ``input``'s dtype has a sign (float or signed integer; not bool or uint8)."""
    return _tensor(input, "is_signed", "input", 1).is_signed()


def is_inference(input: Tensor) -> bool:
    """Whether ``input`` is an inference tensor: never, as minigrad's `inference_mode` makes
    ordinary tensors."""
    return _tensor(input, "is_inference", "input", 1).is_inference()


def is_conj(input: Tensor) -> bool:
    """Whether ``input`` is a lazily conjugated view: never, for real tensors."""
    return _tensor(input, "is_conj", "input", 1).is_conj()


def is_neg(input: Tensor) -> bool:
    """Whether ``input`` is a lazily negated view: never, for real tensors."""
    return _tensor(input, "is_neg", "input", 1).is_neg()


def conj(input: Tensor) -> Tensor:
    """The complex conjugate: ``input`` itself, for a real tensor."""
    return _tensor(input, "conj", "input", 1).conj()


@takes_out(autograd="record")
def conj_physical(input: Tensor) -> Tensor:
    """The complex conjugate, computed eagerly: ``input`` itself, for a real tensor."""
    return _tensor(input, "conj_physical", "input", 1).conj_physical()


def resolve_conj(input: Tensor) -> Tensor:
    """``input`` with a pending conjugation applied: ``input`` itself, for a real tensor."""
    return _tensor(input, "resolve_conj", "input", 1).resolve_conj()


def resolve_neg(input: Tensor) -> Tensor:
    """``input`` with a pending negation applied: ``input`` itself, for a real tensor."""
    return _tensor(input, "resolve_neg", "input", 1).resolve_neg()


def fill(input: Tensor, value: Any) -> Tensor:
    """A new tensor of ``input``'s shape and dtype with every element ``value`` (a number or
    a 0-d tensor, which then gets the gradient; ``input`` gets zeros)."""
    return _tensor(input, "fill", "input", 1).clone().fill_(value)


def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """`minigrad.chunk` under ATen's name (PyTorch's "unsafe" only skips view checks)."""
    return _tensor(input, "unsafe_chunk", "input", 1).chunk(chunks, dim)


def unsafe_split(tensor: Tensor, split_size: int, dim: int = 0) -> tuple[Tensor, ...]:
    """`minigrad.split` into pieces of ``split_size`` (an int only, as in PyTorch)."""
    if isinstance(split_size, bool) or not isinstance(split_size, int):
        raise TypeError(f"unsafe_split(): argument 'split_size' (position 2) must be int, "
                        f"not {type_name(split_size)}")
    return _tensor(tensor, "unsafe_split", "tensor", 1).split(split_size, dim)


def unsafe_split_with_sizes(input: Tensor, split_sizes: Sequence[int],
                            dim: int = 0) -> tuple[Tensor, ...]:
    """`minigrad.split_with_sizes` under ATen's "unsafe" name."""
    return _tensor(input, "unsafe_split_with_sizes", "input", 1).unsafe_split_with_sizes(
        split_sizes, dim)


@takes_out("same", autograd="record")
def nuclear_norm(input: Tensor, dim: Any = (-2, -1), keepdim: bool = False) -> Tensor:
    """The nuclear norm (sum of singular values) of the matrices over ``dim``; deprecated
    by PyTorch for ``linalg.matrix_norm(input, 'nuc', dim, keepdim)``, which it calls.
    ``nuclear_norm(input, keepdim)`` is the form with the last two dims."""
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim)
        dim, keepdim = (-2, -1), dim
    if isinstance(dim, int):
        dim = (dim, dim)
    warnings.warn("nuclear_norm is deprecated: use linalg.matrix_norm(A, 'nuc', dim, "
                  "keepdim) instead.", UserWarning, stacklevel=2)
    return matrix_norm(input, "nuc", tuple(dim), keepdim)
