"""``skip_init``: make a module without spending time on its initialisation (PyTorch's
``torch.nn.utils.skip_init``)."""
from __future__ import annotations

import inspect
from typing import Any

from ..module import Module

__all__ = ["skip_init"]


def skip_init(module_cls: type, *args: Any, **kwargs: Any) -> Module:
    """``module_cls(*args, **kwargs)`` whose parameter values are not to be relied on
    (PyTorch leaves them uninitialised; minigrad runs the usual initialisation, which is
    cheap on the CPU). The class must take a ``device`` argument, as PyTorch requires."""
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    return module_cls(*args, **kwargs)
