"""Linear layers: Identity and Linear."""
from __future__ import annotations

import math
from typing import Any

from ..creation import empty
from ..tensor import Tensor
from . import functional as F
from . import init
from ._placement import check_device
from .module import Module
from .parameter import Parameter


class Identity(Module):
    """Return the input unchanged (a placeholder; any arguments are ignored)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


def add_weight_and_bias(module: Module, weight_shape: tuple[int, ...], bias: bool,
                        bias_size: int | None = None) -> None:
    """Give ``module`` a float32 ``weight`` of ``weight_shape`` and, when ``bias``, a
    ``bias`` of ``bias_size`` (default: the weight's first dimension), then draw them with
    its ``reset_parameters()``."""
    module.weight = Parameter(empty(weight_shape))  # negative sizes: torch's RuntimeError
    if bias:
        size = weight_shape[0] if bias_size is None else bias_size
        module.bias = Parameter(empty(size))
    else:
        module.register_parameter("bias", None)
    module.reset_parameters()


class Linear(Module):
    """``y = x @ weight.T + bias``.

    Parameters
    ----------
    in_features, out_features : int
    bias : bool
        Learn an additive bias.

    Attributes
    ----------
    weight : Parameter
        Shape ``(out_features, in_features)``, uniform on ``[-k, k]``, ``k = 1 /
        sqrt(in_features)`` (PyTorch's default).
    bias : Parameter or None
        Shape ``(out_features,)``, same distribution.

    Examples
    --------
    >>> fc = Linear(3, 2)
    >>> fc(minigrad.randn(4, 3)).shape
    (4, 2)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, "Linear")
        self.in_features = in_features
        self.out_features = out_features
        add_weight_and_bias(self, (out_features, in_features), bias)
        if dtype is not None:
            self.to(dtype)

    def reset_parameters(self) -> None:
        """Draw new weights with PyTorch's default initialisation."""
        init.default_layer_init_(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim == 0 or input.shape[-1] != self.in_features:
            raise RuntimeError(f"Linear(in_features={self.in_features}) got input of shape "
                               f"{tuple(input.shape)}")
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """``y[..., o] = x1 @ weight[o] @ x2 + bias[o]``; see `functional.bilinear`.

    Parameters
    ----------
    in1_features, in2_features, out_features : int
    bias : bool
        Learn an additive bias.

    Attributes
    ----------
    weight : Parameter
        Shape ``(out_features, in1_features, in2_features)``, uniform on ``[-k, k]``,
        ``k = 1 / sqrt(in1_features)`` (PyTorch's default).
    bias : Parameter or None
        Shape ``(out_features,)``, same distribution.
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, "Bilinear")
        self.in1_features, self.in2_features = in1_features, in2_features
        self.out_features = out_features
        add_weight_and_bias(self, (out_features, in1_features, in2_features), bias)
        if dtype is not None:
            self.to(dtype)

    def reset_parameters(self) -> None:
        """Uniform on ``[-k, k]`` with ``k = 1 / sqrt(in1_features)``, as PyTorch."""
        if self.in1_features <= 0:
            raise ValueError(f"in1_features must be > 0, but got (in1_features="
                             f"{self.in1_features})")
        bound = 1 / math.sqrt(self.in1_features)
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear under PyTorch's name for ``MultiheadAttention.out_proj`` (PyTorch uses it
    to keep quantization tools away; here it only makes the model print as PyTorch's)."""
