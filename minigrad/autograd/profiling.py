"""Where ``minigrad.profiler`` listens: each ``Function.apply`` and each backward step.

While a profile records, ``recorder`` is its recorder (see ``minigrad/profiler/``), and
``Function.apply`` and the engine run each call through ``recorder.call(name, inputs, run,
*args)``, which times ``run(*args)`` as one event. Otherwise ``recorder`` is None and the
only cost is that check.
"""
from __future__ import annotations

from typing import Any

recorder: Any = None

BACKWARD_PREFIX = "autograd::engine::evaluate_function: "  # PyTorch's name for a backward step
