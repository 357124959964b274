"""Names that older PyTorch programs use from ``torch.autograd``.

``Variable`` dates from before tensors recorded graphs themselves: today
``Variable(t, requires_grad=True)`` is a new leaf sharing ``t``'s memory, and every tensor
is an instance of it. ``gradcheck`` and ``gradgradcheck`` are those of
``minigrad.testing``, accepting (and ignoring) the options of PyTorch's that concern
features minigrad does not have (forward mode, batched gradients, sparse or complex
inputs).
"""
from __future__ import annotations

from typing import Any, Callable

from ..tensor import Tensor
from ..testing import gradcheck as _gradcheck
from ..testing import gradgradcheck as _gradgradcheck

_IGNORED = {"nondet_tol", "check_undefined_grad", "check_grad_dtypes", "check_batched_grad",
            "check_batched_forward_grad", "check_forward_ad", "check_backward_ad", "masked",
            "gen_non_contig_grad_outputs", "check_fwd_over_rev", "check_rev_over_rev"}


class _VariableMeta(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(tensor, requires_grad=False)``: a new leaf tensor sharing the memory of
    ``tensor`` (its ``detach()``), requiring grad when asked, as in PyTorch since 0.4."""

    def __new__(cls, data: Tensor, requires_grad: bool = False, volatile: bool = False) -> Tensor:
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)


def _options(kwargs: dict, op: str) -> dict:
    unknown = set(kwargs) - _IGNORED
    if unknown:
        raise TypeError(f"{op}() got an unexpected keyword argument {sorted(unknown)[0]!r}")
    return {}


def gradcheck(func: Callable, inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, fast_mode: bool = False,
              **options: Any) -> bool:
    """`minigrad.testing.gradcheck` under PyTorch's name and signature."""
    _options(options, "gradcheck")
    return _gradcheck(func, inputs, eps=eps, atol=atol, rtol=rtol,
                      raise_exception=raise_exception, fast_mode=fast_mode)


def gradgradcheck(func: Callable, inputs: Any, grad_outputs: Any = None, *, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True,
                  fast_mode: bool = False, **options: Any) -> bool:
    """`minigrad.testing.gradgradcheck` under PyTorch's name and signature."""
    _options(options, "gradgradcheck")
    return _gradgradcheck(func, inputs, grad_outputs, eps=eps, atol=atol, rtol=rtol,
                          raise_exception=raise_exception, fast_mode=fast_mode)
