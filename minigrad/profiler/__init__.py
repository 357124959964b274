"""``minigrad.profiler``: PyTorch's ``torch.profiler`` for minigrad's primitives.

``with profile() as prof:`` records the wall time of every primitive call, backward step and
`record_function` block; ``prof.key_averages().table(...)`` sums them up per name and
``prof.export_chrome_trace(path)`` writes them for ``chrome://tracing``.
"""
from .events import EventList, FunctionEvent, FunctionEventAvg
from .profiler import (ProfilerAction, ProfilerActivity, profile, record_function, schedule,
                       tensorboard_trace_handler)

__all__ = ["profile", "record_function", "schedule", "tensorboard_trace_handler",
           "ProfilerActivity", "ProfilerAction", "EventList", "FunctionEvent",
           "FunctionEventAvg"]
