"""``profile``: record the wall time of every primitive call and backward step.

While a `profile` records, each ``Function.apply`` becomes one event named after the
primitive (``"mul"``, ``"conv2d"``; PyTorch's would be ``"aten::mul"``), each backward step
one event named as PyTorch names it (``"autograd::engine::evaluate_function:
MulBackward0"``), and each `record_function` block one event of its own name. Events nest:
an event's children are the events that ran inside it.

With a `schedule`, ``prof.step()`` moves through wait, warmup and active steps; the
events of each active cycle are handed to ``on_trace_ready(prof)`` when it ends, and
``prof.events()`` then returns them (those of the last cycle).
"""
from __future__ import annotations

import contextlib
import enum
import os
import socket
import time
import traceback
import warnings
from typing import Any, Callable, Iterable

import numpy as np

from ..autograd import profiling
from ..tensor import Tensor
from .events import EventList, FunctionEvent, current_thread


class ProfilerActivity(enum.Enum):
    """What to profile: minigrad records ``CPU`` activity only (the others are accepted
    and ignored, as a CPU-only PyTorch does)."""

    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    """What the profiler does at a step, as a `schedule` answers."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


_RECORDING = (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0) -> Callable[[int], ProfilerAction]:
    """The profiler's plan per step: after ``skip_first`` steps, cycles of ``wait`` idle
    steps, ``warmup`` steps and ``active`` recorded steps (the last one saves), ``repeat``
    times (0: forever). ``skip_first_wait`` skips the wait of the first cycle.

    Raises
    ------
    AssertionError
        For a negative count or ``active < 1``, as PyTorch.
    """
    if min(wait, warmup, repeat, skip_first, skip_first_wait) < 0 or active <= 0:
        raise AssertionError(
            f"Invalid profiler schedule arguments. Got wait={wait} (need >= 0), warmup="
            f"{warmup} (need >= 0), active={active} (need > 0), repeat={repeat} (need >= 0), "
            f"skip_first={skip_first} (need >= 0).")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results",
                      stacklevel=2)
    cycle = wait + warmup + active

    def action(step: int) -> ProfilerAction:
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait:
            step += wait
        if repeat > 0 and step // cycle >= repeat:
            return ProfilerAction.NONE
        place = step % cycle
        if place < wait:
            return ProfilerAction.NONE
        if place < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if place < cycle - 1 else ProfilerAction.RECORD_AND_SAVE

    return action


def _always_record(step: int) -> ProfilerAction:
    return ProfilerAction.RECORD


class _Recorder:
    """Collects events while installed as ``autograd.profiling.recorder``."""

    def __init__(self, record_shapes: bool, profile_memory: bool, with_stack: bool) -> None:
        self.record_shapes, self.profile_memory = record_shapes, profile_memory
        self.with_stack = with_stack
        self.events: list[FunctionEvent] = []
        self.open: list[FunctionEvent] = []  # the events that have begun and not ended

    def begin(self, name: str, inputs: Iterable, annotation: bool = False) -> FunctionEvent:
        shapes = [list(a.shape) if isinstance(a, (Tensor, np.ndarray)) else []
                  for a in inputs] if self.record_shapes else []
        stack = [f"{f.filename}({f.lineno}): {f.name}"
                 for f in reversed(traceback.extract_stack()[:-3])] if self.with_stack else []
        event = FunctionEvent(len(self.events), name, time.perf_counter_ns() / 1e3, shapes,
                              current_thread(), stack, annotation)
        if self.open:
            event.cpu_parent = self.open[-1]
            self.open[-1].cpu_children.append(event)
        self.events.append(event)
        self.open.append(event)
        return event

    def end(self, event: FunctionEvent) -> None:
        event.end_us = time.perf_counter_ns() / 1e3
        if self.open and self.open[-1] is event:
            self.open.pop()

    def call(self, name: str, inputs: Iterable, run: Callable, *args: Any) -> Any:
        """``run(*args)``, timed as one event (with its outputs' bytes, profile_memory)."""
        event = self.begin(name, inputs)
        try:
            result = run(*args)
        finally:
            self.end(event)
        if self.profile_memory:
            results = result if isinstance(result, tuple) else (result,)
            event.self_cpu_memory_usage = sum(r.element_size() * r.numel() for r in results
                                         if isinstance(r, Tensor))
        return result


class record_function(contextlib.ContextDecorator):
    """Mark a block (or, as a decorator, each call of a function) as one event named
    ``name`` in the active profile; outside a profile it does nothing."""

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name, self.args = name, args
        self._open: list = []

    def __enter__(self) -> "record_function":
        recorder = profiling.recorder
        event = recorder.begin(self.name, (), annotation=True) if recorder is not None else None
        self._open.append((recorder, event))
        return self

    def __exit__(self, *exc: Any) -> None:
        recorder, event = self._open.pop()
        if recorder is not None:
            recorder.end(event)


class profile:
    """Context manager that records what minigrad runs, as ``torch.profiler.profile``.

    Parameters
    ----------
    activities : iterable of ProfilerActivity, optional
        ``ProfilerActivity.CPU`` (the default) is what minigrad records; others are ignored,
        and a list without CPU raises ``AssertionError`` on entry (nothing to record).
    schedule : callable, optional
        Step number -> `ProfilerAction` (see `schedule`); without it every step records.
    on_trace_ready : callable, optional
        Called as ``on_trace_ready(prof)`` at the end of each recorded cycle.
    record_shapes : bool
        Keep the input shapes of each call (``key_averages(group_by_input_shape=True)``).
    profile_memory : bool
        Count the bytes of each call's outputs (``CPU Mem`` columns).
    with_stack : bool
        Keep the Python stack of each call.
    acc_events : bool
        Keep the events of every cycle instead of the last one only.

    Examples
    --------
    >>> with profile(activities=[ProfilerActivity.CPU]) as prof:
    ...     y = (x @ x).relu().sum()
    >>> print(prof.key_averages().table(sort_by="cpu_time_total", row_limit=5))
    """

    def __init__(self, *, activities: Iterable | None = None,
                 schedule: Callable[[int], ProfilerAction] | None = None,
                 on_trace_ready: Callable[..., Any] | None = None, record_shapes: bool = False,
                 profile_memory: bool = False, with_stack: bool = False,
                 with_flops: bool = False, with_modules: bool = False,
                 experimental_config: Any = None, execution_trace_observer: Any = None,
                 acc_events: bool = False, use_cuda: bool | None = None,
                 custom_trace_id_callback: Callable[[], str] | None = None,
                 post_processing_timeout_s: float | None = None) -> None:
        self.activities = set(activities) if activities is not None else {ProfilerActivity.CPU}
        self.schedule = schedule or _always_record
        self.on_trace_ready = on_trace_ready
        self.record_shapes, self.profile_memory = record_shapes, profile_memory
        self.with_stack, self.acc_events = with_stack, acc_events
        self.step_num = 0
        self.current_action = ProfilerAction.NONE
        self._recorder: _Recorder | None = None
        self._saved: list[FunctionEvent] | None = None

    # --- recording --------------------------------------------------------------------
    def __enter__(self) -> "profile":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> None:
        """Begin profiling (what ``with`` does on entry)."""
        if ProfilerActivity.CPU not in self.activities:
            raise AssertionError("No activities specified for the profiler (minigrad "
                                 "records ProfilerActivity.CPU only)")
        self.step_num = 0
        self.current_action = self.schedule(0)
        self._enter(self.current_action)

    def stop(self) -> None:
        """End profiling, handing a cycle that was recording to ``on_trace_ready``."""
        if self.current_action in _RECORDING:
            self._save()
        self._uninstall()
        self.current_action = ProfilerAction.NONE

    def step(self) -> None:
        """Mark the end of a training step: move to the schedule's next action."""
        previous = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        if previous in _RECORDING and (previous is ProfilerAction.RECORD_AND_SAVE
                                       or self.current_action not in _RECORDING):
            self._save()
        if previous is ProfilerAction.RECORD and self.current_action in _RECORDING:
            return  # the cycle goes on
        self._uninstall()
        self._enter(self.current_action)

    def _enter(self, action: ProfilerAction) -> None:
        if action is ProfilerAction.NONE:
            return
        if profiling.recorder is not None and profiling.recorder is not self._recorder:
            raise RuntimeError("profile: another profiler is already recording")
        self._recorder = _Recorder(self.record_shapes, self.profile_memory, self.with_stack)
        profiling.recorder = self._recorder  # warmup records too, and is thrown away

    def _uninstall(self) -> None:
        if self._recorder is not None and profiling.recorder is self._recorder:
            profiling.recorder = None
        self._recorder = None

    def _save(self) -> None:
        events = self._recorder.events if self._recorder is not None else []
        if self.acc_events and self._saved is not None:
            events = self._saved + events
        self._saved = list(events)
        self._uninstall()
        if self.on_trace_ready is not None:
            self.on_trace_ready(self)

    # --- reading ----------------------------------------------------------------------
    def events(self) -> EventList:
        """The recorded events (of the last saved cycle), in the order they began."""
        if self._saved is None:
            raise AssertionError("Profiler must be initialized before getting events "
                                 "(no cycle has been recorded)")
        return EventList(self._saved, self.profile_memory, self.record_shapes)

    def key_averages(self, group_by_input_shape: bool = False,
                     group_by_stack_n: int = 0) -> EventList:
        """The events averaged per name (see `EventList.key_averages`)."""
        if self._saved is None:
            raise AssertionError("Profiler must be initialized before getting key averages")
        return self.events().key_averages(group_by_input_shape, group_by_stack_n)

    def export_chrome_trace(self, path: str) -> None:
        """Write the recorded events to ``path`` as Chrome trace JSON."""
        self.events().export_chrome_trace(path)


def tensorboard_trace_handler(dir_name: str, worker_name: str | None = None,
                              use_gzip: bool = False,
                              use_python_export: bool = False) -> Callable[[profile], None]:
    """An ``on_trace_ready`` that writes each cycle's Chrome trace into ``dir_name`` as
    ``{worker_name}.{milliseconds}.pt.trace.json`` (gzipped with ``use_gzip``), the file
    names TensorBoard's profiler plugin reads."""
    def handler(prof: profile) -> None:
        os.makedirs(dir_name, exist_ok=True)
        worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        path = os.path.join(dir_name, f"{worker}.{time.time_ns() // 1_000_000}.pt.trace.json")
        prof.export_chrome_trace(path)
        if use_gzip:
            import gzip
            with open(path, "rb") as f, gzip.open(path + ".gz", "wb") as out:
                out.write(f.read())
            os.remove(path)
    return handler
