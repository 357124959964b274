"""Dense maps: ``linear`` and ``bilinear``, and the lookups ``embedding`` and
``one_hot``."""
from __future__ import annotations

from typing import Any

import numpy as np

from ... import ops
from ...internal import array_of, mark_modified, named, wrap
from ...ops.out_argument import takes_out
from ...tensor import Tensor
from ._checks import check_same_dtype, check_tensor


@takes_out("same")
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``.

    Parameters
    ----------
    input : Tensor
        Shape ``(*, in_features)``.
    weight : Tensor
        Shape ``(out_features, in_features)``, or ``(in_features,)`` for a dot product
        with each row (output ``(*)``; as in PyTorch, a bias then must be 0-d, and the
        input not 2-D).
    bias : Tensor, optional
        Shape ``(out_features,)``.

    Returns
    -------
    Tensor
        Shape ``(*, out_features)``.
    """
    check_tensor(input, "input", "linear", 1)
    check_tensor(weight, "weight", "linear", 2)
    check_same_dtype("linear", input, weight=weight, bias=bias)
    _check_linear_shapes(input, weight, bias)
    out = ops.matmul(input, ops.transpose(weight, 0, 1) if weight.ndim == 2 else weight)
    if bias is None:
        return out
    return named(out + bias, "AddmmBackward0") if input.ndim == 2 else out + bias


def _check_linear_shapes(input: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    """PyTorch's RuntimeErrors for the shapes ``linear`` cannot take, naming them."""
    shapes = f"input of shape {tuple(input.shape)} and weight of shape {tuple(weight.shape)}"
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(f"linear: both arguments to linear need to be at least 1D, but "
                           f"they are {input.ndim}D and {weight.ndim}D ({shapes})")
    if weight.ndim > 2:
        raise RuntimeError(f"linear: t() expects a tensor with <= 2 dimensions, but self is "
                           f"{weight.ndim}D (weight of shape {tuple(weight.shape)})")
    if weight.ndim == 1 and bias is not None and (bias.ndim or input.ndim == 2):
        raise RuntimeError(f"linear: mat2 must be a matrix, got 1-D tensor ({shapes}, bias "
                           f"of shape {tuple(bias.shape)})")
    if input.shape[-1] != weight.shape[-1]:
        raise RuntimeError(f"linear: {shapes} do not match (the input's last dim must be "
                           f"{weight.shape[-1]})")


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor,
             bias: Tensor | None = None) -> Tensor:
    """``y[..., o] = input1 @ weight[o] @ input2 + bias[o]``.

    Parameters
    ----------
    input1 : Tensor
        Shape ``(*, in1_features)``.
    input2 : Tensor
        Shape ``(*, in2_features)``, the same leading dims.
    weight : Tensor
        Shape ``(out_features, in1_features, in2_features)``.
    bias : Tensor, optional
        Shape ``(out_features,)``.
    """
    check_same_dtype("bilinear", input1, input2=input2, weight=weight, bias=bias)
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be three-dimensional, but got shape "
                           f"{list(weight.shape)}")
    out_features, in1, in2 = weight.shape
    for name, t, size in (("input1", input1, in1), ("input2", input2, in2)):
        if t.ndim == 0 or t.shape[-1] != size:
            raise RuntimeError(f"bilinear(): {name} size does not match weight size: got "
                               f"{t.shape[-1] if t.ndim else 0} but expected {size}")
    if tuple(input1.shape[:-1]) != tuple(input2.shape[:-1]):
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                           f"{list(input1.shape)} and {list(input2.shape)}")
    # (*, in1) @ (in1, out * in2) -> (*, out, in2), then a dot product with input2.
    mixed = ops.matmul(input1, ops.reshape(ops.permute(weight, (1, 0, 2)), (in1, -1)))
    mixed = ops.reshape(mixed, tuple(input1.shape[:-1]) + (out_features, in2))
    out = ops.sum(mixed * ops.unsqueeze(input2, -2), -1)
    return out if bias is None else out + bias


def _indices(input: Any, op: str) -> np.ndarray:
    """The integer array of ``input``; embedding takes int64 or int32, as PyTorch."""
    array = array_of(input) if isinstance(input, Tensor) else np.asarray(input)
    if array.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{op}: expected indices of dtype int64 or int32, but got "
                           f"{array.dtype} of shape {tuple(array.shape)}")
    return array


def _padding_row(padding_idx: int | None, rows: int) -> int | None:
    """``padding_idx`` as a row number in ``[0, rows)`` (negative counts from the end)."""
    if padding_idx is None:
        return None
    if not -rows <= padding_idx < rows:
        raise AssertionError(f"embedding: padding_idx must be within num_embeddings "
                             f"({rows}), got {padding_idx}")
    return padding_idx % rows


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` picked by the integer ``input``: ``weight[input]``.

    Parameters
    ----------
    input : Tensor of int
        Any shape; each entry in ``[0, num_embeddings)``.
    weight : Tensor
        Shape ``(num_embeddings, embedding_dim)``.
    padding_idx : int, optional
        Entries equal to it get ``weight[padding_idx]`` but send it no gradient.
    max_norm : float, optional
        Before the lookup, rescale (in place, outside the graph) each referenced row whose
        ``norm_type``-norm exceeds ``max_norm`` to norm ``max_norm``.
    norm_type : float
        The p of the norm used with ``max_norm``.
    scale_grad_by_freq : bool
        Divide each row's gradient by how often the row occurs in ``input``.
    sparse : bool
        Sparse gradients are not supported; True raises.

    Returns
    -------
    Tensor
        Shape ``input.shape + (embedding_dim,)``.
    """
    if sparse:
        raise NotImplementedError("embedding: sparse gradients are not supported; use "
                                  "sparse=False (the gradient is a dense tensor)")
    if weight.ndim != 2:
        raise RuntimeError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), "
                           f"got shape {tuple(weight.shape)}")
    index = _indices(input, "embedding")
    rows = weight.shape[0]
    if index.size and (index.min() < 0 or index.max() >= rows):
        bad = index[(index < 0) | (index >= rows)].flat[0]
        raise IndexError(f"embedding: index {int(bad)} is out of range for a weight of "
                         f"{rows} rows (shape {tuple(weight.shape)})")
    pad_row = _padding_row(padding_idx, rows)
    if max_norm is not None:
        _renorm_rows(weight, np.unique(index), max_norm, norm_type)
    out = ops.getitem(weight, index)
    if scale_grad_by_freq:
        _, inverse, counts = np.unique(index, return_inverse=True, return_counts=True)
        scale = (1.0 / counts[inverse.reshape(index.shape)]).astype(weight.dtype)[..., None]
        fixed = out.detach()
        out = fixed + (out - fixed) * wrap(scale)  # same values, gradient scaled by 1/count
    if pad_row is not None and bool((index == pad_row).any()):
        out = ops.where(wrap((index == pad_row)[..., None]), out.detach(), out)
    return out


def _renorm_rows(weight: Tensor, rows: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale ``weight[rows]`` in place so that no row's norm exceeds ``max_norm``."""
    data = array_of(weight)
    scale = renorm_scale(data, rows, max_norm, norm_type)
    if (scale != 1).any():
        data *= scale
        mark_modified(weight)


def renorm_scale(data: np.ndarray, rows: np.ndarray, max_norm: float,
                 norm_type: float) -> np.ndarray:
    """A ``(len(data), 1)`` column of factors, in ``data``'s dtype: for each of the
    (distinct, non-negative) ``rows`` whose ``norm_type``-norm exceeds ``max_norm``,
    ``max_norm / (norm + 1e-7)`` (the norm in ``data``'s dtype, the factor computed in
    float64 and then rounded, as PyTorch does); 1 elsewhere."""
    scale = np.ones((len(data), 1), data.dtype)
    norms = np.linalg.norm(data[rows], ord=norm_type, axis=1).astype(np.float64)
    too_big = norms > max_norm
    scale[rows[too_big], 0] = max_norm / (norms[too_big] + 1e-7)
    return scale


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """An int64 tensor of shape ``tensor.shape + (num_classes,)`` with a 1 at each index.

    Parameters
    ----------
    tensor : Tensor of int64
        Class indices, non-negative.
    num_classes : int
        -1 means ``tensor.max() + 1``.
    """
    index = array_of(tensor) if isinstance(tensor, Tensor) else np.asarray(tensor)
    if index.dtype != np.int64:
        raise RuntimeError(f"one_hot is only applicable to index tensor of type int64 (Long), "
                           f"got {index.dtype}")
    if num_classes == -1:
        if index.size == 0:
            raise RuntimeError("one_hot: can not infer total number of classes from empty "
                               "tensor")
        num_classes = int(index.max()) + 1
    if index.size and index.min() < 0:
        raise RuntimeError(f"one_hot: class values must be non-negative, got "
                           f"{int(index.min())}")
    if index.size and index.max() >= num_classes:
        raise RuntimeError(f"one_hot: class values must be smaller than num_classes "
                           f"({num_classes}), got {int(index.max())}")
    return wrap((index[..., None] == np.arange(num_classes)).astype(np.int64))
