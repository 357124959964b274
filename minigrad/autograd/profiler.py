"""``minigrad.autograd.profiler``: PyTorch's older profiler spellings, on ``minigrad.profiler``.

``profile`` takes ``enabled`` first and has ``function_events``; with ``enabled=False`` it
records nothing and ``with profile(enabled=False) as prof`` gives None, as in PyTorch.
``record_function`` is the same class as ``minigrad.profiler.record_function``.
"""
from __future__ import annotations

from typing import Any

from ..profiler import profiler as _profiler
from ..profiler.events import EventList

record_function = _profiler.record_function

__all__ = ["profile", "record_function"]


class profile(_profiler.profile):
    """The autograd profiler: a `minigrad.profiler.profile` that records every step.

    Parameters
    ----------
    enabled : bool
        False: record nothing (the context manager gives None).
    use_cuda : bool
        Accepted for compatibility (there is no CUDA).
    record_shapes, profile_memory, with_stack : bool
        As in `minigrad.profiler.profile`.
    """

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False, use_device: Any = None,
                 record_shapes: bool = False, with_flops: bool = False,
                 profile_memory: bool = False, with_stack: bool = False,
                 with_modules: bool = False, use_kineto: bool = False, use_cpu: bool = True,
                 experimental_config: Any = None, acc_events: bool = False,
                 custom_trace_id_callback: Any = None,
                 post_processing_timeout_s: float | None = None,
                 activity_filters: Any = None) -> None:
        super().__init__(record_shapes=record_shapes, profile_memory=profile_memory,
                         with_stack=with_stack, acc_events=acc_events)
        self.enabled = enabled

    def __enter__(self) -> "profile | None":
        if not self.enabled:
            return None
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.enabled:
            self.stop()

    @property
    def function_events(self) -> EventList:
        """The recorded events."""
        return self.events()

    @property
    def self_cpu_time_total(self) -> float:
        """The time of all recorded events, each counted once (microseconds)."""
        return self.events().self_cpu_time_total

    def table(self, sort_by: str | None = None, row_limit: int = 100, **kwargs: Any) -> str:
        """The averaged events as a table (see `minigrad.profiler.EventList.table`)."""
        return self.key_averages().table(sort_by=sort_by, row_limit=row_limit, **kwargs)
