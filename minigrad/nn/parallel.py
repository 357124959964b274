"""``minigrad.nn.parallel``: PyTorch's ``DataParallel``, as it behaves without a GPU.

``DataParallel`` splits a batch over GPUs, runs a replica of the model on each and
gathers the results. On a machine with no GPU, PyTorch's ``DataParallel`` simply calls
the module it wraps (quietly, with ``device_ids == []``), and minigrad, which computes on
the CPU only, always does that. What programs notice is kept: the wrapped model is
``.module``, so parameter and ``state_dict`` names start with ``module.``, and loading a
checkpoint saved from a ``DataParallel`` model works the same way.
"""
from __future__ import annotations

from typing import Any, Sequence

from .module import Module

__all__ = ["DataParallel"]


class DataParallel(Module):
    """Wraps ``module`` and calls it: with no GPU, there is nothing to parallelise.

    Parameters
    ----------
    module : Module
        The model; it becomes the child ``module`` (state_dict keys ``module.<name>``).
    device_ids : sequence of int or device, optional
        Accepted and ignored, as PyTorch ignores them without a GPU; ``device_ids`` is
        always ``[]``.
    output_device : int or device, optional
        Accepted and ignored.
    dim : int
        Accepted and ignored (the batch is never split).

    Examples
    --------
    >>> model = minigrad.nn.DataParallel(minigrad.nn.Linear(3, 2))
    >>> list(model.state_dict())
    ['module.weight', 'module.bias']
    """

    def __init__(self, module: Module, device_ids: Sequence[Any] | None = None,
                 output_device: Any = None, dim: int = 0) -> None:
        super().__init__()
        self.module = module
        self.device_ids: list = []

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        """``self.module(*inputs, **kwargs)``."""
        return self.module(*inputs, **kwargs)
