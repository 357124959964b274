"""Tensor methods about where and how a tensor is stored: device, dtype conversions,
``new_*`` factories, Python protocols (``__index__``, ``__format__``) and random fills.

`TensorConversions` is a mixin of ``Tensor`` (through ``TensorMethods``); it uses
only the tensor's public API.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import devices

# The names PyTorch gives each dtype's legacy tensor type ("torch.FloatTensor").
_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
               "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
               "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _creation() -> Any:
    from . import creation  # creation builds on Tensor, so it is imported when needed
    return creation


class TensorConversions:
    """Device, dtype and factory methods of `Tensor`."""

    __slots__ = ()

    # --- device -----------------------------------------------------------------------
    @property
    def device(self) -> devices.device:
        """Always ``device(type='cpu')``: minigrad computes on the CPU."""
        return devices.CPU

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def is_cpu(self) -> bool:
        return True

    def get_device(self) -> int:
        """-1, PyTorch's answer for a tensor on the CPU."""
        return -1

    def cpu(self) -> "Tensor":
        """The tensor itself: it is already on the CPU."""
        return self

    def cuda(self, device: Any = None, non_blocking: bool = False) -> "Tensor":
        """Raises: minigrad has no GPU (``minigrad.cuda.is_available()`` is False)."""
        devices.check_device("cuda" if device is None else device, "cuda")
        return self  # only reached for device="cpu"

    # --- dtype --------------------------------------------------------------------------
    def type(self, dtype: Any = None, non_blocking: bool = False) -> Any:
        """Without ``dtype``: the type name, such as ``'minigrad.FloatTensor'``. With a
        dtype (or such a name): the tensor cast to it."""
        if dtype is None:
            name = _TYPE_NAMES.get(str(self.dtype), str(self.dtype))
            return f"minigrad.{name}Tensor"
        if isinstance(dtype, str):
            dtype = _dtype_of_type_name(dtype)
        elif isinstance(getattr(dtype, "dtype", None), np.dtype):  # minigrad.FloatTensor
            dtype = dtype.dtype
        return self.to(dtype)

    def type_as(self, other: "Tensor") -> "Tensor":
        """This tensor cast to ``other``'s dtype."""
        return self.to(other.dtype)

    def element_size(self) -> int:
        """Bytes per element."""
        return int(self.dtype.itemsize)

    def nelement(self) -> int:
        """The number of elements (as ``numel``)."""
        return self.numel()

    def ndimension(self) -> int:
        """The number of dims (as ``dim()``)."""
        return self.ndim

    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return int(self.dtype.itemsize)

    @property
    def nbytes(self) -> int:
        """Bytes of the elements (``numel() * itemsize``)."""
        return self.numel() * self.itemsize

    def stride(self, dim: int | None = None) -> Any:
        """Elements to step in memory for one step along each dim (0 where expanded)."""
        array = self.detach().numpy()
        strides = tuple(step // array.itemsize for step in array.strides)
        if dim is None:
            return strides
        if not -max(self.ndim, 1) <= dim < max(self.ndim, 1):
            raise IndexError(f"stride: Dimension out of range (expected to be in range of "
                             f"[{-max(self.ndim, 1)}, {max(self.ndim, 1) - 1}], but got {dim})")
        return strides[dim] if self.ndim else 1

    def storage_offset(self) -> int:
        """Where the first element lies in the memory this tensor shares with its base, in
        elements."""
        array = owner = self.detach().numpy()
        while isinstance(owner.base, np.ndarray):
            owner = owner.base
        start = array.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
        return start // array.itemsize

    def is_contiguous(self) -> bool:
        """Whether the elements lie in memory in row-major order without gaps."""
        return bool(self.numpy().flags["C_CONTIGUOUS"])

    def contiguous(self) -> "Tensor":
        """The tensor itself if it is contiguous, else a contiguous copy (in the graph)."""
        return self if self.is_contiguous() else self.clone()

    # --- Python protocols ---------------------------------------------------------------
    def __index__(self) -> int:
        """So that an integer tensor of one element can index a list: ``classes[label]``."""
        if self.dtype.kind not in "iub" or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            f"index (got dtype {self.dtype}, shape {tuple(self.shape)})")
        return int(self.item())

    def __format__(self, format_spec: str) -> str:
        """A 0-d tensor formats as its number (``f"{loss:.4f}"``); others only without a
        format spec."""
        if self.ndim == 0:
            return self.item().__format__(format_spec)
        if format_spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return str(self)

    # --- factories that keep this tensor's dtype ----------------------------------------
    def new_tensor(self, data: Any, *, dtype: Any = None, device: Any = None,
                   requires_grad: bool = False) -> "Tensor":
        """A copy of ``data`` as a tensor of this dtype (unless given)."""
        return _creation().tensor(data, dtype=self.dtype if dtype is None else dtype,
                                  device=device, requires_grad=requires_grad)

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> "Tensor":
        return _creation().zeros(*size, dtype=self.dtype if dtype is None else dtype, device=device,
                                 requires_grad=requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> "Tensor":
        return _creation().ones(*size, dtype=self.dtype if dtype is None else dtype, device=device,
                                requires_grad=requires_grad)

    def new_empty(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> "Tensor":
        return _creation().empty(*size, dtype=self.dtype if dtype is None else dtype, device=device,
                                 requires_grad=requires_grad)

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> "Tensor":
        return _creation().full(size, fill_value,
                                dtype=self.dtype if dtype is None else dtype, device=device,
                                requires_grad=requires_grad)

    # --- random fills (in place; use them under no_grad on parameters) -------------------
    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> "Tensor":
        """Fill with samples from the uniform distribution on [a, b)."""
        from .random import numpy_generator
        draw = numpy_generator(generator, "uniform_").uniform(a, b, tuple(self.shape))
        return self.copy_(_wrap(draw.astype(self.dtype)))

    def multinomial(self, num_samples: int, replacement: bool = False, *,
                    generator: Any = None) -> "Tensor":
        """Indices drawn with probabilities proportional to this tensor's weights."""
        return _sampling().multinomial(self, num_samples, replacement, generator=generator)

    def bernoulli(self, *, generator: Any = None) -> "Tensor":
        """1 with probability given by each element, else 0."""
        return _sampling().bernoulli(self, generator=generator)

    def normal_(self, mean: float = 0.0, std: float = 1.0, *,
                generator: Any = None) -> "Tensor":
        """Fill with samples from the normal distribution N(mean, std**2)."""
        from .random import numpy_generator
        draw = numpy_generator(generator, "normal_").normal(mean, std, tuple(self.shape))
        return self.copy_(_wrap(draw.astype(self.dtype)))


def _wrap(array: np.ndarray) -> "Tensor":
    from .internal import wrap  # internal builds on Tensor, so it is imported when needed
    return wrap(array)


def _sampling() -> Any:
    from . import sampling  # builds on Tensor, so it is imported when needed
    return sampling


def _dtype_of_type_name(name: str) -> np.dtype:
    short = name.rpartition(".")[2].removesuffix("Tensor")
    for dtype, legacy in _TYPE_NAMES.items():
        if legacy == short:
            return np.dtype(dtype)
    raise ValueError(f"type: invalid type {name!r}; expected a dtype or a name such as "
                     "'minigrad.FloatTensor'")
