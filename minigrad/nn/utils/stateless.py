"""PyTorch's older home of ``functional_call`` (``torch.nn.utils.stateless``), deprecated
there in favour of ``torch.func.functional_call``; this one warns and calls
`minigrad.func.functional_call`."""
from __future__ import annotations

import warnings
from typing import Any

from ...func.stateless import functional_call as _functional_call
from ..module import Module

__all__ = ["functional_call"]


def functional_call(module: Module, parameters_and_buffers: dict, args: Any = None,
                    kwargs: dict | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """Call ``module`` with the named parameters and buffers replaced for the call (see
    `minigrad.func.functional_call`). Warns ``FutureWarning``, as PyTorch does."""
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 "
                  "and will be removed in a future version of PyTorch. Please use "
                  "`torch.func.functional_call` instead which is a drop-in replacement.",
                  FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)
