"""Reparameterised weights, PyTorch's hook-based forms: ``weight_norm`` and
``spectral_norm`` (and their ``remove_*``).

Both replace a module's parameter ``weight`` by other parameters and recompute ``weight``
from them before every forward call (a forward pre-hook), so the optimizer updates the
new parameters and gradients flow through the recomputation:

* weight norm: ``weight = g * v / ||v||``, the norm taken over every dim but ``dim``;
  ``weight_g`` holds the lengths, ``weight_v`` the directions.
* spectral norm: ``weight = weight_orig / sigma``, with ``sigma`` the largest singular
  value of ``weight_orig`` (reshaped to a matrix with ``dim`` first), estimated by power
  iteration on the buffers ``weight_u`` and ``weight_v``, one step per training call.
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from ... import ops
from ...autograd.grad_mode import no_grad
from ...creation import empty
from ...ops._util import normalize_dim
from ...tensor import Tensor
from ..parameter import Parameter

if TYPE_CHECKING:  # nn.module imports nn.utils
    from ..module import Module


def norm_except_dim(v: Tensor, dim: int) -> Tensor:
    """The 2-norm of ``v`` over every dim but ``dim``, shaped to broadcast against ``v``
    (the norm of all of it when ``dim`` is -1, as PyTorch's ``norm_except_dim``; other
    negative dims count from the end)."""
    if dim == -1:
        return ops.norm(v)
    dim = normalize_dim(dim, v.ndim, "norm_except_dim")
    others = tuple(d for d in range(v.ndim) if d != dim)
    return ops.norm(v, 2, others, keepdim=True)


class _WeightNorm:
    def __init__(self, name: str, dim: int) -> None:
        self.name, self.dim = name, dim

    def compute(self, module: Module) -> Tensor:
        g, v = getattr(module, f"{self.name}_g"), getattr(module, f"{self.name}_v")
        return v * (g / norm_except_dim(v, self.dim))

    def __call__(self, module: Module, inputs: tuple) -> None:
        setattr(module, self.name, self.compute(module))


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Split ``module.<name>`` into a length ``<name>_g`` and a direction ``<name>_v``
    (``weight = g * v / ||v||``), recomputed before each forward call. ``dim=None`` takes
    one norm over the whole tensor. Deprecated in PyTorch (warns as it does)."""
    warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                  "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning, stacklevel=2)
    if any(isinstance(h, _WeightNorm) and h.name == name for h in module._forward_pre_hooks):
        raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter "
                           f"{name}")
    weight = getattr(module, name)
    norm = _WeightNorm(name, -1 if dim is None else dim % weight.ndim if weight.ndim else dim)
    delattr(module, name)
    module.register_parameter(f"{name}_g", Parameter(norm_except_dim(weight, norm.dim).detach()))
    module.register_parameter(f"{name}_v", Parameter(weight.detach()))
    setattr(module, name, norm.compute(module))
    module.register_forward_pre_hook(norm)
    return module


def remove_weight_norm(module: Module, name: str = "weight") -> Module:
    """Undo `weight_norm`: ``<name>`` is a plain parameter again, with its current value."""
    return _remove(module, name, _WeightNorm, (f"{name}_g", f"{name}_v"), "weight_norm")


class _SpectralNorm:
    def __init__(self, name: str, n_power_iterations: int, dim: int, eps: float) -> None:
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.name, self.n_power_iterations, self.dim, self.eps = (
            name, n_power_iterations, dim, eps)

    def matrix(self, weight: Tensor) -> Tensor:
        """``weight`` as a matrix with ``dim`` as its rows."""
        if self.dim != 0:
            order = (self.dim,) + tuple(d for d in range(weight.ndim) if d != self.dim)
            weight = ops.permute(weight, order)
        return ops.reshape(weight, (weight.shape[0], -1))

    def compute(self, module: Module, power_iteration: bool) -> Tensor:
        weight = getattr(module, f"{self.name}_orig")
        u, v = getattr(module, f"{self.name}_u"), getattr(module, f"{self.name}_v")
        matrix = self.matrix(weight)
        if power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    v.copy_(_normalize(ops.matmul(matrix.t(), u), self.eps))
                    u.copy_(_normalize(ops.matmul(matrix, v), self.eps))
            u, v = u.clone(), v.clone()
        sigma = ops.dot(u, ops.matmul(matrix, v))
        return weight / sigma

    def __call__(self, module: Module, inputs: tuple) -> None:
        setattr(module, self.name, self.compute(module, module.training))


def _normalize(x: Tensor, eps: float) -> Tensor:
    return x / ops.clamp(ops.norm(x), min=eps)


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1,
                  eps: float = 1e-12, dim: int | None = None) -> Module:
    """Divide ``module.<name>`` by its largest singular value before each forward call.

    The parameter becomes ``<name>_orig``; the buffers ``<name>_u`` and ``<name>_v`` (drawn
    from minigrad's generator) carry the power iteration, one step of ``n_power_iterations``
    per call in training mode. ``dim`` defaults to 1 for transposed convolutions, else 0.
    """
    if any(isinstance(h, _SpectralNorm) and h.name == name
           for h in module._forward_pre_hooks):
        raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter "
                           f"{name}")
    if dim is None:
        dim = 1 if type(module).__name__.startswith("ConvTranspose") else 0
    norm = _SpectralNorm(name, n_power_iterations, dim, eps)
    weight = getattr(module, name)
    with no_grad():
        rows, cols = norm.matrix(weight).shape
        u = _normalize(empty(rows, dtype=weight.dtype).normal_(0, 1), eps)
        v = _normalize(empty(cols, dtype=weight.dtype).normal_(0, 1), eps)
    delattr(module, name)
    module.register_parameter(f"{name}_orig", weight)
    setattr(module, name, weight.detach().clone())
    module.register_buffer(f"{name}_u", u)
    module.register_buffer(f"{name}_v", v)
    module.register_forward_pre_hook(norm)
    return module


def remove_spectral_norm(module: Module, name: str = "weight") -> Module:
    """Undo `spectral_norm`: ``<name>`` is a plain parameter again, with its current
    normalised value."""
    return _remove(module, name, _SpectralNorm, (f"{name}_orig", f"{name}_u", f"{name}_v"),
                   "spectral_norm")


def _remove(module: Module, name: str, kind: type, added: tuple, what: str) -> Module:
    hooks = [h for h in module._forward_pre_hooks if isinstance(h, kind) and h.name == name]
    if not hooks:
        raise ValueError(f"{what} of '{name}' not found in {module}")
    hook = hooks[0]
    with no_grad():
        value = (hook.compute(module, False) if kind is _SpectralNorm
                 else hook.compute(module)).detach().clone()
    module._forward_pre_hooks.remove(hook)
    if name in module.__dict__:
        delattr(module, name)
    for extra in added:
        delattr(module, extra)
    module.register_parameter(name, Parameter(value))
    return module
