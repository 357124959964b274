"""PyTorch's top-level spellings of functions that minigrad keeps elsewhere.

``torch.dropout(x, p, train)`` and ``torch.layer_norm(x, shape, w, b, eps,
cudnn_enable)`` take their arguments in ATen's order and names, not in
``nn.functional``'s; these forward to the functional versions. The tensor predicates
``is_complex``, ``is_same_size`` and ``detach`` are the methods of the same names.
"""
from __future__ import annotations

from typing import Sequence

from .nn import functional as F
from .tensor import Tensor


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
