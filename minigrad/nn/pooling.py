"""Pooling layers (shells around the poolings of F: 1-D, 2-D and 3-D), and Unfold / Fold
(im2col and col2im as layers)."""
from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import functional as F
from .module import Module


class _MaxPoolNd(Module):
    """What the max-pooling layers share; ``_pool`` is the function of `functional` they
    call. ``stride`` defaults to ``kernel_size``."""

    _pool = staticmethod(F.max_pool2d)

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input: Tensor) -> Any:
        return self._pool(input, self.kernel_size, self.stride, self.padding, self.dilation,
                          ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """The maximum of each ``kernel_size`` window along the last dim; ``stride``
    defaults to ``kernel_size``."""

    _pool = staticmethod(F.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """The maximum of each ``kernel_size`` window; see `functional.max_pool2d`.

    ``stride`` defaults to ``kernel_size``.
    """


class MaxPool3d(_MaxPoolNd):
    """The maximum of each ``kernel_size`` box of a volume; see `functional.max_pool3d`.

    ``stride`` defaults to ``kernel_size``.
    """

    _pool = staticmethod(F.max_pool3d)


class _AvgPoolNd(Module):
    """What the 2-D and 3-D average-pooling layers share; ``_pool`` is the function of
    `functional` they call. ``stride`` defaults to ``kernel_size``."""

    _pool = staticmethod(F.avg_pool2d)

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return self._pool(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_AvgPoolNd):
    """The mean of each ``kernel_size`` window; see `functional.avg_pool2d`.

    ``stride`` defaults to ``kernel_size``.
    """


class AvgPool3d(_AvgPoolNd):
    """The mean of each ``kernel_size`` box of a volume; see `functional.avg_pool3d`.

    ``stride`` defaults to ``kernel_size``.
    """

    _pool = staticmethod(F.avg_pool3d)


class _AdaptivePoolNd(Module):
    """What the adaptive poolings share: an ``output_size`` and the function ``_pool``."""

    _pool = staticmethod(F.adaptive_avg_pool2d)

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return self._pool(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool2d(_AdaptivePoolNd):
    """Average-pool to a fixed ``output_size`` (an int or ``(OH, OW)``, None keeping that
    input size); see `functional.adaptive_avg_pool2d`."""


class AdaptiveAvgPool3d(_AdaptivePoolNd):
    """Average-pool a volume to a fixed ``output_size`` (an int or ``(OD, OH, OW)``, None
    keeping that input size); see `functional.adaptive_avg_pool3d`."""

    _pool = staticmethod(F.adaptive_avg_pool3d)


class AvgPool1d(Module):
    """The mean of each ``kernel_size`` window along the last dim; ``stride`` defaults to
    ``kernel_size``."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _repeat(kernel_size)
        self.stride = _repeat(stride if stride is not None else kernel_size)
        self.padding = _repeat(padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding,
                            self.ceil_mode, self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def _repeat(value: Any, dims: int = 1) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims


class AdaptiveAvgPool1d(_AdaptivePoolNd):
    """Average-pool the last dim to ``output_size``."""

    _pool = staticmethod(F.adaptive_avg_pool1d)


class _AdaptiveMaxPoolNd(_AdaptivePoolNd):
    """An adaptive max pooling; with ``return_indices``, it also returns where each
    maximum is."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return self._pool(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max-pool the last dim to ``output_size``; with ``return_indices``, also return
    where each maximum is."""

    _pool = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max-pool the last two dims to ``output_size``; see `functional.adaptive_max_pool2d`."""

    _pool = staticmethod(F.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max-pool the last three dims to ``output_size``; see
    `functional.adaptive_max_pool3d`."""

    _pool = staticmethod(F.adaptive_max_pool3d)


class LPPool1d(Module):
    """The ``norm_type``-norm of each window along the last dim; see
    `functional.lp_pool1d`."""

    _pool = staticmethod(F.lp_pool1d)

    def __init__(self, norm_type: float, kernel_size: Any, stride: Any = None,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type, self.kernel_size = norm_type, kernel_size
        self.stride, self.ceil_mode = stride, ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        return self._pool(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")


class LPPool2d(LPPool1d):
    """The ``norm_type``-norm of each window of the last two dims; see
    `functional.lp_pool2d`."""

    _pool = staticmethod(F.lp_pool2d)


class LPPool3d(LPPool1d):
    """The ``norm_type``-norm of each box of the last three dims; see
    `functional.lp_pool3d`."""

    _pool = staticmethod(F.lp_pool3d)


class MaxUnpool1d(Module):
    """Put pooled values back where `MaxPool1d` found them; see
    `functional.max_unpool1d`."""

    _dims = 1
    _unpool = staticmethod(F.max_unpool1d)

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size = _repeat(kernel_size, self._dims)
        self.stride = _repeat(stride if stride is not None else kernel_size, self._dims)
        self.padding = _repeat(padding, self._dims)

    def forward(self, input: Tensor, indices: Tensor, output_size: Any = None) -> Tensor:
        return self._unpool(input, indices, self.kernel_size, self.stride, self.padding,
                            output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool2d(MaxUnpool1d):
    """Put pooled values back where `MaxPool2d` found them; see
    `functional.max_unpool2d`."""

    _dims = 2
    _unpool = staticmethod(F.max_unpool2d)


class MaxUnpool3d(MaxUnpool1d):
    """Put pooled values back where `MaxPool3d` found them; see
    `functional.max_unpool3d`."""

    _dims = 3
    _unpool = staticmethod(F.max_unpool3d)


class Unfold(Module):
    """Extract sliding windows as columns (im2col); see `minigrad.ops.unfold`."""

    def __init__(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Unfold):
    """Add columns back into an image (col2im); see `minigrad.ops.fold`."""

    def __init__(self, output_size: Any, kernel_size: Any, dilation: Any = 1,
                 padding: Any = 0, stride: Any = 1) -> None:
        super().__init__(kernel_size, dilation, padding, stride)
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}, " + super().extra_repr()


class _FractionalMaxPoolNd(Module):
    """``output_size`` or ``output_ratio`` (in (0, 1)), not both; ``_random_samples``
    (N, C, dims), kept as a buffer, fixes the windows."""

    dims = 2

    def __init__(self, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                 return_indices: bool = False, _random_samples: Tensor | None = None) -> None:
        super().__init__()
        name = type(self).__name__
        spread = (lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,) * self.dims)
        self.kernel_size = spread(kernel_size)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = None if output_size is None else spread(output_size)
        self.output_ratio = None if output_ratio is None else spread(output_ratio)
        if output_size is None and output_ratio is None:
            raise ValueError(f"{name} requires specifying either an output size, or a "
                             f"pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError(f"{name}: only one of output_size and output_ratio may be "
                             f"specified (got {output_size} and {output_ratio})")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"{name}: output_ratio must be between 0 and 1 (got "
                             f"{output_ratio})")

    def forward(self, input: Tensor) -> Any:
        pool = (F.fractional_max_pool2d if self.dims == 2 else F.fractional_max_pool3d)
        return pool(input, self.kernel_size, self.output_size, self.output_ratio,
                    self.return_indices, _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Max-pooling of (N, C, H, W) inputs over windows at pseudo-random positions; see
    `functional.fractional_max_pool2d`."""


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Max-pooling of (N, C, T, H, W) inputs over windows at pseudo-random positions; see
    `functional.fractional_max_pool3d`."""

    dims = 3
