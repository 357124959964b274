"""Tensor methods about where and how a tensor is stored: device, dtype conversions,
``new_*`` factories, Python protocols (``__index__``, ``__format__``) and random fills.

`TensorConversions` is a mixin of ``Tensor`` (through ``TensorMethods``); it uses
only the tensor's public API.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import devices
from .dtypes import SCALAR_TYPE_NAMES as _TYPE_NAMES
from .type_objects import contiguous_format, format_strides


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

    # PyTorch's other kinds of tensor (other devices, quantized, nested, MKL-DNN, meta):
    # a minigrad tensor is never one of them.
    @property
    def is_mps(self) -> bool:
        return False

    @property
    def is_xpu(self) -> bool:
        return False

    @property
    def is_ipu(self) -> bool:
        return False

    @property
    def is_xla(self) -> bool:
        return False

    @property
    def is_mtia(self) -> bool:
        return False

    @property
    def is_maia(self) -> bool:
        return False

    @property
    def is_vulkan(self) -> bool:
        return False

    @property
    def is_meta(self) -> bool:
        return False

    @property
    def is_mkldnn(self) -> bool:
        return False

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def is_nested(self) -> bool:
        return False

    @property
    def is_sparse_csr(self) -> bool:
        return False

    def is_distributed(self) -> bool:
        return False

    def const_data_ptr(self) -> int:
        """`data_ptr` (PyTorch's promise not to write through it is the caller's)."""
        return self.data_ptr()

    def dim_order(self, *, ambiguity_check: Any = False) -> tuple[int, ...]:
        """The dims from outermost to innermost in memory: by decreasing stride (the
        order among equal strides is the dims' own)."""
        strides = self.stride()
        return tuple(sorted(range(self.ndim), key=lambda d: -strides[d]))

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

    @property
    def layout(self) -> Any:
        """``minigrad.strided`` (dense), or ``minigrad.sparse_coo`` for a sparse tensor."""
        from .type_objects import sparse_coo, strided
        return strided if self._sparse is None else sparse_coo

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
        from .ops._util import tensor_arg  # ops build on Tensor, so imported when needed
        return self.to(tensor_arg("type_as", other, "other", 1).dtype)

    def element_size(self) -> int:
        """Bytes per element."""
        return int(self.dtype.itemsize)

    def nelement(self) -> int:
        """The number of elements (as ``numel``)."""
        return self.numel()

    def ndimension(self) -> int:
        """The number of dimensions (as ``dim``)."""
        return self.dim()

    @property
    def itemsize(self) -> int:
        """Bytes per element (as ``element_size()``)."""
        return self.element_size()

    @property
    def nbytes(self) -> int:
        """Bytes of all the elements: ``numel() * itemsize``."""
        return self.numel() * self.element_size()

    def is_complex(self) -> bool:
        """Always False: minigrad has no complex dtypes."""
        return False

    def stride(self, dim: int | None = None) -> Any:
        """Elements to step in memory for one step along each dim (or along ``dim``)."""
        array = self.detach().numpy()
        strides = tuple(step // array.itemsize for step in array.strides)
        if array.size == 0 and not any(strides) and _root(array).size == 0:
            # NumPy gives a new empty array (and its views) all-zero strides; PyTorch's
            # are row-major's. (A view of a non-empty array keeps the strides it was given.)
            strides = format_strides(array.shape, contiguous_format, "stride")
        if dim is None:
            return strides
        if not self.ndim:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        from .ops import normalize_dim
        return strides[normalize_dim(dim, self.ndim, "stride")]

    def storage_offset(self) -> int:
        """Where the first element lies in the memory it shares with its base, in
        elements (0 for a tensor that owns its memory)."""
        array = self.detach().numpy()
        owner = _root(array)
        start = owner.__array_interface__["data"][0]
        return (array.__array_interface__["data"][0] - start) // array.itemsize

    def is_nonzero(self) -> bool:
        """Whether the tensor's single element is non-zero."""
        if self.numel() != 1:
            raise RuntimeError(f"Boolean value of Tensor with "
                               f"{'no values' if self.numel() == 0 else 'more than one value'} "
                               f"is ambiguous")
        return bool(self.item() != 0)

    def is_same_size(self, other: "Tensor") -> bool:
        """Whether ``other`` has this tensor's shape."""
        return tuple(self.shape) == tuple(other.shape)

    # minigrad's dtypes are all real: conjugation is the identity, as PyTorch's is on them.
    def conj(self) -> "Tensor":
        return self

    conj_physical = resolve_conj = resolve_neg = conj

    @property
    def real(self) -> "Tensor":
        return self

    @property
    def imag(self) -> "Tensor":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")

    def is_conj(self) -> bool:
        return False

    is_neg = is_inference = is_shared = is_conj

    def new(self, *args: Any) -> "Tensor":
        """PyTorch's legacy constructor, in this tensor's dtype: ``x.new(2, 3)`` (or a Size)
        is an uninitialised tensor of that shape, ``x.new(data)`` a tensor of the data,
        ``x.new()`` an empty one."""
        from . import creation
        if not args:
            return creation.empty(0, dtype=self.dtype)
        if all(isinstance(a, int) for a in args) or type(args[0]).__name__ == "Size":
            return creation.empty(*args, dtype=self.dtype)
        return creation.tensor(args[0], dtype=self.dtype)

    def pin_memory(self) -> "Tensor":
        """Pinned memory is for copies to an accelerator, and minigrad has none: raises
        PyTorch's RuntimeError on such a machine."""
        raise RuntimeError("Cannot access accelerator device when none is available.")

    def is_pinned(self) -> bool:
        """Always False (see `pin_memory`)."""
        return False

    def share_memory_(self) -> "Tensor":
        """The tensor itself: minigrad's data loader workers run in this process."""
        return self

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

    def new_empty_strided(self, size: Any, stride: Any, *, dtype: Any = None,
                          device: Any = None, requires_grad: bool = False) -> "Tensor":
        return _creation().empty_strided(size, stride,
                                         dtype=self.dtype if dtype is None else dtype,
                                         device=device, requires_grad=requires_grad)

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> "Tensor":
        return _creation().full(size, fill_value,
                                dtype=self.dtype if dtype is None else dtype, device=device,
                                requires_grad=requires_grad)

    # --- random fills (in place; use them under no_grad on parameters) -------------------
    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> "Tensor":
        """Fill with samples from the uniform distribution on [a, b)."""
        a, b = _sampling().uniform_range(self.dtype, a, b)
        return self._fill_("uniform_", generator, lambda rng, n: rng.uniform(a, b, n))

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
        sampling = _sampling()
        sampling.check_floating("normal_kernel_cpu", self.dtype)
        mean = sampling.float_arg("normal_", mean, "mean", 1)
        std = sampling.float_arg("normal_", std, "std", 2)
        sampling.check_std("normal", std)
        return self._fill_("normal_", generator, lambda rng, n: rng.normal(mean, std, n))

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> "Tensor":
        """Fill with samples from the exponential distribution of rate ``lambd``."""
        self._continuous("Exponential")
        _require(lambd > 0, f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
        return self._fill_("exponential_", generator,
                           lambda rng, n: rng.exponential(1.0 / lambd, n))

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *,
                    generator: Any = None) -> "Tensor":
        """Fill with ``exp(N(mean, std**2))`` samples."""
        _sampling().check_floating("log_normal_cpu", self.dtype)
        _require(std > 0, f"log_normal_ expects std > 0.0, but found std={std}")
        return self._fill_("log_normal_", generator, lambda rng, n: rng.lognormal(mean, std, n))

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *,
                generator: Any = None) -> "Tensor":
        """Fill with samples from the Cauchy distribution."""
        self._continuous("Cauchy")
        _require(sigma > 0, f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
        return self._fill_("cauchy_", generator,
                           lambda rng, n: median + sigma * rng.standard_cauchy(n))

    def geometric_(self, p: float, *, generator: Any = None) -> "Tensor":
        """Fill with the number of Bernoulli(p) trials up to the first success (1, 2, ...)."""
        _require(0 < p < 1, f"geometric_ expects p to be in (0, 1), but got p={p}")
        return self._fill_("geometric_", generator, lambda rng, n: rng.geometric(p, n))

    def bernoulli_(self, p: Any = 0.5, *, generator: Any = None) -> "Tensor":
        """Fill with 1 with probability ``p`` (a number or a tensor of them), else 0."""
        chance = _sampling().bernoulli_chance(self, p)
        return self._fill_("bernoulli_", generator, lambda rng, n: rng.random(n) < chance)

    def random_(self, from_: int = 0, to: int | None = None, *,
                generator: Any = None) -> "Tensor":
        """Fill with integers drawn uniformly from ``[from, to)``: ``random_(to)``,
        ``random_(from, to)``, or without bounds ``[0, 2**mantissa]`` for floats (every
        integer the dtype holds exactly) and ``[0, max]`` for integers."""
        low, high = (0, from_) if to is None and from_ != 0 else (from_, to)
        if high is None:
            high = _random_limit(self.dtype)
        _require(low < high, f"random_ expects 'from' to be less than 'to', but got "
                             f"from={low} >= to={high}")
        return self._fill_("random_", generator,
                           lambda rng, n: rng.integers(low, high, n, dtype=np.int64))

    def _fill_(self, op: str, generator: Any, draw) -> "Tensor":
        """Overwrite every element with ``draw(numpy_generator, shape)`` (in place)."""
        from .random import numpy_generator
        values = draw(numpy_generator(generator, op), tuple(self.shape))
        return self.copy_(_wrap(np.asarray(values).astype(self.dtype)))

    # --- Python functions applied element by element (in place; no gradient) -------------
    def apply_(self, callable: Any) -> "Tensor":
        """Replace each element ``v`` by ``callable(v)`` (a Python number in, one out)."""
        return self._map_("apply_", callable)

    def map_(self, tensor: "Tensor", callable: Any) -> "Tensor":
        """Replace each element ``v`` by ``callable(v, w)``, ``w`` the element of
        ``tensor`` (broadcast to this shape) at the same place."""
        return self._map_("map_", callable, tensor)

    def map2_(self, x: "Tensor", y: "Tensor", callable: Any) -> "Tensor":
        """Replace each element ``v`` by ``callable(v, a, b)`` with the elements of ``x``
        and ``y`` (broadcast to this shape) at the same place."""
        return self._map_("map2_", callable, x, y)

    def _map_(self, op: str, function: Any, *others: "Tensor") -> "Tensor":
        if self.requires_grad:
            raise RuntimeError(f"Can't call {op}() on Variable that requires grad. Use "
                               f"var.detach().{op}() instead.")
        columns = [self.tolist() if self.ndim == 0 else self.reshape(-1).tolist()]
        columns += [o.expand(self.shape).reshape(-1).tolist() if self.ndim else o.item()
                    for o in others]
        if self.ndim == 0:
            columns = [[c] for c in columns]
        values = [function(*args) for args in zip(*columns)]
        return self.copy_(_wrap(np.asarray(values).astype(self.dtype).reshape(self.shape)))

    def _continuous(self, name: str) -> None:
        _require(self.dtype.kind == "f", f"{name} distribution is a continuous probability "
                                         f"distribution. dtype must be a floating point but "
                                         f"you specified {self.dtype}")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise RuntimeError(message)


def _random_limit(dtype: np.dtype) -> int:
    """The exclusive upper end of ``random_()`` without bounds, as PyTorch's."""
    if dtype.kind == "f":
        return 2 ** (np.finfo(dtype).nmant + 1) + 1
    if dtype.kind == "b":
        return 2
    return int(np.iinfo(dtype).max)


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


def _root(array: np.ndarray) -> np.ndarray:
    """The array that owns the memory ``array`` views (``array`` itself if it owns it)."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array
