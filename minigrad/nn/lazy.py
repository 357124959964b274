"""Lazy layers: ``LazyLinear``, ``LazyConv1d``/``2d``/``3d`` (and the transposed ones) and
``LazyBatchNorm1d``/``2d``/``3d``, whose input size is read from the first input instead of
being given.

Until then the weights are ``UninitializedParameter`` objects (empty, printed as
``<UninitializedParameter>``). The first call fills them in place with the shapes the
input implies and the layer's usual initialisation, and the layer turns into the plain
layer (``type(model[0])`` becomes ``Linear``), as in PyTorch. Because the parameter
objects stay the same, an optimizer made before the first call updates them afterwards.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.grad_mode import no_grad
from ..internal import array_of, replace_array
from ..tensor import Tensor
from .conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d,
                   ConvTranspose3d)
from .linear import Linear
from .module import Module
from .normalization import (BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d,
                            InstanceNorm2d, InstanceNorm3d)
from .parameter import Parameter


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet; `materialize` gives it one."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    def materialize(self, shape: tuple[int, ...]) -> None:
        """Become an (uninitialised) Parameter of ``shape``, keeping the object."""
        replace_array(self, np.empty(shape, dtype=array_of(self).dtype))
        self.__class__ = Parameter


class UninitializedBuffer(Tensor):
    """A buffer whose shape is not known yet (see `UninitializedParameter`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<UninitializedBuffer>"

    def materialize(self, shape: tuple[int, ...], dtype: Any = None) -> None:
        replace_array(self, np.empty(shape, dtype=dtype or array_of(self).dtype))
        self.__class__ = Tensor


class LazyModuleMixin:
    """Mix into a Module (``class MyLazy(LazyModuleMixin, nn.Module)``) whose tensors are
    `UninitializedParameter` / `UninitializedBuffer` until the first call.

    Write ``initialize_parameters(*inputs)``: it is called once, before the first
    ``forward``, and must ``materialize`` every uninitialised tensor (a RuntimeError says
    which module was left unfinished). The module then becomes ``cls_to_become`` when that
    is set. ``load_state_dict`` materialises uninitialised tensors to the loaded shapes.
    PyTorch's ``torch.nn.modules.lazy.LazyModuleMixin``.
    """

    cls_to_become: type | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._load_hook = self._register_load_state_dict_pre_hook(self._lazy_load_hook)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters)

    def has_uninitialized_params(self) -> bool:
        """Whether a parameter or buffer is still uninitialised."""
        return any(isinstance(t, (UninitializedParameter, UninitializedBuffer))
                   for t in list(self._parameters.values()) + list(self._buffers.values()))

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> None:
        """Materialise the uninitialised tensors from the first inputs (override it)."""
        raise NotImplementedError(f"initialize_parameters is not implemented for "
                                  f"{type(self).__name__}")

    def _infer_parameters(self, module: Module, args: tuple) -> None:
        module.initialize_parameters(*args)
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        module._load_hook.remove()
        del module._initialize_hook, module._load_hook
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def _lazy_load_hook(self, state_dict: dict, prefix: str, *args: Any) -> None:
        with no_grad():
            for table in (self._parameters, self._buffers):
                for name, value in table.items():
                    key = prefix + name
                    if key in state_dict and isinstance(value, (UninitializedParameter,
                                                                UninitializedBuffer)):
                        value.materialize(tuple(np.shape(state_dict[key])))


class _Lazy(LazyModuleMixin):
    """The first call reads the input size (``_infer``), materialises every uninitialised
    tensor, re-runs the layer's initialisation and turns the layer into ``cls_to_become``."""

    cls_to_become: type = Module

    def _make_lazy(self, size_attr: str) -> None:
        setattr(self, size_attr, 0)
        for table in (self._parameters, self._buffers):
            for name, value in table.items():
                if value is None:
                    continue
                empty = np.empty((0,), dtype=array_of(value).dtype)
                if isinstance(value, Parameter):
                    table[name] = UninitializedParameter(empty)
                else:
                    table[name] = Tensor(empty)
                    table[name].__class__ = UninitializedBuffer
        self._lazy_hook = self.register_forward_pre_hook(_Lazy._first_call)

    def has_uninitialized_params(self) -> bool:
        return any(isinstance(t, (UninitializedParameter, UninitializedBuffer))
                   for t in list(self._parameters.values()) + list(self._buffers.values()))

    @staticmethod
    def _first_call(module: Any, args: tuple) -> None:
        shapes = module._infer(args[0])
        with no_grad():
            for table in (module._parameters, module._buffers):
                for name, value in table.items():
                    if isinstance(value, (UninitializedParameter, UninitializedBuffer)):
                        value.materialize(shapes[name])
        module._reset()
        module._lazy_hook.remove()
        del module._lazy_hook
        module.__class__ = module.cls_to_become


class LazyLinear(_Lazy, Linear):
    """`Linear` with ``in_features`` read from the last dim of the first input."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        Linear.__init__(self, 1, out_features, bias, device, dtype)
        self._make_lazy("in_features")

    def _infer(self, input: Tensor) -> dict:
        self.in_features = input.shape[-1]
        return {"weight": (self.out_features, self.in_features), "bias": (self.out_features,)}

    def _reset(self) -> None:
        self.reset_parameters()


class _LazyConv(_Lazy):
    """A convolution (or, with ``transposed``, a transposed one) whose ``in_channels``
    comes from the first input."""

    def __init__(self, out_channels: int, kernel_size: Any, *args: Any, **kwargs: Any) -> None:
        groups = kwargs.get("groups", args[3] if len(args) > 3 else 1)
        self.cls_to_become.__init__(self, groups, out_channels, kernel_size, *args, **kwargs)
        self._make_lazy("in_channels")

    def _infer(self, input: Tensor) -> dict:
        self.in_channels = input.shape[-len(self.kernel_size) - 1]
        pair = (self.in_channels, self.out_channels // self.groups) if self.transposed \
            else (self.out_channels, self.in_channels // self.groups)
        return {"weight": pair + tuple(self.kernel_size), "bias": (self.out_channels,)}

    def _reset(self) -> None:
        self.reset_parameters()


class LazyConv1d(_LazyConv, Conv1d):
    """`Conv1d` with ``in_channels`` read from the first input."""

    cls_to_become = Conv1d


class LazyConv2d(_LazyConv, Conv2d):
    """`Conv2d` with ``in_channels`` read from the first input."""

    cls_to_become = Conv2d


class LazyConv3d(_LazyConv, Conv3d):
    """`Conv3d` with ``in_channels`` read from the first input."""

    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConv, ConvTranspose1d):
    """`ConvTranspose1d` with ``in_channels`` read from the first input."""

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConv, ConvTranspose2d):
    """`ConvTranspose2d` with ``in_channels`` read from the first input."""

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConv, ConvTranspose3d):
    """`ConvTranspose3d` with ``in_channels`` read from the first input."""

    cls_to_become = ConvTranspose3d


class _LazyBatchNorm(_Lazy):
    def _infer(self, input: Tensor) -> dict:
        self.num_features = input.shape[1]  # dim 1 even for unbatched input, as PyTorch
        return {"weight": (self.num_features,), "bias": (self.num_features,),
                "running_mean": (self.num_features,), "running_var": (self.num_features,),
                "num_batches_tracked": ()}

    def _reset(self) -> None:
        with no_grad():
            if self.weight is not None:
                self.weight.fill_(1)
            if self.bias is not None:
                self.bias.zero_()
        self.reset_running_stats()


class LazyBatchNorm1d(_LazyBatchNorm, BatchNorm1d):
    """`BatchNorm1d` with ``num_features`` read from the first input."""

    cls_to_become = BatchNorm1d

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        BatchNorm1d.__init__(self, 1, *args, **kwargs)
        self._make_lazy("num_features")


class LazyBatchNorm2d(_LazyBatchNorm, BatchNorm2d):
    """`BatchNorm2d` with ``num_features`` read from the first input."""

    cls_to_become = BatchNorm2d

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        BatchNorm2d.__init__(self, 1, *args, **kwargs)
        self._make_lazy("num_features")


class LazyBatchNorm3d(_LazyBatchNorm, BatchNorm3d):
    """`BatchNorm3d` with ``num_features`` read from the first input."""

    cls_to_become = BatchNorm3d

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        BatchNorm3d.__init__(self, 1, *args, **kwargs)
        self._make_lazy("num_features")


class _LazyInstanceNorm(_LazyBatchNorm):
    """As PyTorch's lazy instance norms: unlike the plain ones, ``affine`` and
    ``track_running_stats`` are True by default."""

    def __init__(self, eps: float = 1e-5, momentum: float = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        self.cls_to_become.__init__(self, 1, eps, momentum, affine, track_running_stats,
                                    device, dtype)
        self._make_lazy("num_features")


class LazyInstanceNorm1d(_LazyInstanceNorm, InstanceNorm1d):
    """`InstanceNorm1d` with ``num_features`` read from dim 1 of the first input."""

    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyInstanceNorm, InstanceNorm2d):
    """`InstanceNorm2d` with ``num_features`` read from dim 1 of the first input."""

    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyInstanceNorm, InstanceNorm3d):
    """`InstanceNorm3d` with ``num_features`` read from dim 1 of the first input."""

    cls_to_become = InstanceNorm3d

