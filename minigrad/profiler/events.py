"""What a profile recorded: one `FunctionEvent` per timed call, their averages per name
(`FunctionEventAvg`), and `EventList`, which prints them as a table and writes them as a
Chrome trace (``chrome://tracing`` or https://ui.perfetto.dev open it)."""
from __future__ import annotations

import json
import os
import threading
from typing import Any

_MEMORY_UNITS = [(1024 ** 3, "Gb"), (1024 ** 2, "Mb"), (1024, "Kb")]


class FunctionEvent:
    """One timed call: a primitive's forward (``"mul"``), a backward step
    (``"autograd::engine::evaluate_function: MulBackward0"``) or a `record_function` block.

    Times are in microseconds. ``cpu_children`` are the events that ran inside this one;
    ``self_cpu_time_total`` is the time not spent in them.
    """

    def __init__(self, id: int, name: str, start_us: float, input_shapes: list,
                 thread: int, stack: list, is_user_annotation: bool) -> None:
        self.id, self.name, self.key = id, name, name
        self.start_us, self.end_us = start_us, start_us
        self.input_shapes, self.thread, self.stack = input_shapes, thread, stack
        self.is_user_annotation = is_user_annotation
        self.cpu_children: list[FunctionEvent] = []
        self.cpu_parent: FunctionEvent | None = None
        self.self_cpu_memory_usage = 0  # bytes of its own outputs, with profile_memory
        self.count = 1
        self.device_time_total = self.self_device_time_total = 0.0

    @property
    def cpu_time_total(self) -> float:
        """Wall time of the call, children included (microseconds)."""
        return self.end_us - self.start_us

    @property
    def self_cpu_time_total(self) -> float:
        """Wall time of the call less that of its children (microseconds)."""
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total

    @property
    def cpu_memory_usage(self) -> int:
        """Bytes of the outputs of this call and of the calls inside it."""
        return self.self_cpu_memory_usage + sum(c.cpu_memory_usage for c in self.cpu_children)

    def __repr__(self) -> str:
        return (f"<FunctionEvent id={self.id} name={self.name} cpu_time_total="
                f"{_time(self.cpu_time_total)} input_shapes={self.input_shapes}>")


class FunctionEventAvg:
    """The events of one name (and input shapes, if grouped so), added up."""

    def __init__(self, key: str, input_shapes: Any = None) -> None:
        self.key, self.input_shapes = key, input_shapes
        self.count = 0
        self.cpu_time_total = self.self_cpu_time_total = 0.0
        self.cpu_memory_usage = self.self_cpu_memory_usage = 0
        self.device_time_total = self.self_device_time_total = 0.0
        self.is_user_annotation = False
        self.stack: list = []

    def add(self, event: Any) -> "FunctionEventAvg":
        """Add an event (or another average) to this one."""
        self.count += event.count
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        self.cpu_memory_usage += event.cpu_memory_usage
        self.self_cpu_memory_usage += event.self_cpu_memory_usage
        self.is_user_annotation = event.is_user_annotation
        return self

    @property
    def cpu_time(self) -> float:
        """The average time per call (microseconds)."""
        return self.cpu_time_total / self.count if self.count else 0.0

    def __repr__(self) -> str:
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={_time(self.self_cpu_time_total)}"
                f" cpu_time={_time(self.cpu_time)} count={self.count}>")


class EventList(list):
    """A list of events (or of their averages) that prints as PyTorch's profiler table."""

    def __init__(self, events: Any = (), profile_memory: bool = False,
                 record_shapes: bool = False) -> None:
        super().__init__(events)
        self.profile_memory, self.record_shapes = profile_memory, record_shapes

    @property
    def self_cpu_time_total(self) -> float:
        """The time of all events, each counted once (microseconds)."""
        return sum(e.self_cpu_time_total for e in self)

    def key_averages(self, group_by_input_shape: bool = False,
                     group_by_stack_n: int = 0) -> "EventList":
        """One `FunctionEventAvg` per event name (per name and input shapes with
        ``group_by_input_shape``; per name and the first ``group_by_stack_n`` stack
        frames with that set), in order of first appearance."""
        groups: dict[tuple, FunctionEventAvg] = {}
        for event in self:
            key = (event.key,)
            if group_by_input_shape:
                key += (str(event.input_shapes),)
            if group_by_stack_n:
                key += tuple(event.stack[:group_by_stack_n])
            if key not in groups:
                groups[key] = FunctionEventAvg(
                    event.key, event.input_shapes if group_by_input_shape else None)
                groups[key].stack = event.stack[:group_by_stack_n] if group_by_stack_n else []
            groups[key].add(event)
        return EventList(groups.values(), self.profile_memory,
                         self.record_shapes and group_by_input_shape)

    def total_average(self) -> FunctionEventAvg:
        """All events added up into one average."""
        total = FunctionEventAvg("Total")
        for event in self:
            total.add(event)
        return total

    def table(self, sort_by: str | None = None, row_limit: int = 100,
              max_src_column_width: int = 75, max_name_column_width: int = 55,
              max_shapes_column_width: int = 80, header: str | None = None,
              top_level_events_only: bool = False) -> str:
        """The events as a text table, sorted by the attribute ``sort_by`` (descending:
        ``"cpu_time_total"``, ``"self_cpu_time_total"``, ``"count"``, ...), at most
        ``row_limit`` rows (all with a negative limit). An unknown ``sort_by`` raises
        ``AttributeError``, as in PyTorch."""
        rows = list(self)
        if top_level_events_only:
            rows = [e for e in rows if getattr(e, "cpu_parent", None) is None]
        if sort_by is not None:
            rows.sort(key=lambda e: getattr(e, sort_by), reverse=True)
        if row_limit is not None and row_limit >= 0:
            rows = rows[:row_limit]
        return _format_table(rows, self.self_cpu_time_total, self.profile_memory,
                             self.record_shapes, max_name_column_width,
                             max_shapes_column_width, header)

    def export_chrome_trace(self, path: str) -> None:
        """Write the events as Chrome trace JSON (complete events, times in
        microseconds) to ``path``."""
        pid = os.getpid()
        events = [{"ph": "M", "name": "process_name", "pid": pid, "tid": 0,
                   "args": {"name": "python"}}]
        for e in self:
            args: dict[str, Any] = {"External id": e.id}
            if e.input_shapes:
                args["Input Dims"] = e.input_shapes
            if e.stack:
                args["Call stack"] = ";".join(e.stack)
            events.append({"ph": "X", "name": e.name, "pid": pid, "tid": e.thread,
                           "ts": e.start_us, "dur": e.cpu_time_total, "args": args,
                           "cat": "user_annotation" if e.is_user_annotation else "cpu_op"})
        trace = {"schemaVersion": 1, "displayTimeUnit": "ms", "traceName": str(path),
                 "record_shapes": int(self.record_shapes), "traceEvents": events}
        with open(path, "w") as f:
            json.dump(trace, f)

    def __str__(self) -> str:
        return self.table()


def current_thread() -> int:
    return threading.get_ident()


def _time(us: float) -> str:
    if abs(us) >= 1e6:
        return f"{us / 1e6:.3f}s"
    if abs(us) >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


def _memory(nbytes: int) -> str:
    for size, unit in _MEMORY_UNITS:
        if abs(nbytes) >= size:
            return f"{nbytes / size:.2f} {unit}"
    return f"{nbytes} B"


def _percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.2f}%" if whole > 0 else "0.00%"


def _format_table(rows: list, total: float, memory: bool, shapes: bool, name_width: int,
                  shapes_width: int, header: str | None) -> str:
    titles = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
    if memory:
        titles += ["CPU Mem", "Self CPU Mem"]
    titles.append("# of Calls")
    if shapes:
        titles.append("Input Shapes")
    cells = []
    for e in rows:
        name = e.key if len(e.key) <= name_width else e.key[:name_width - 3] + "..."
        row = [name, _percent(e.self_cpu_time_total, total), _time(e.self_cpu_time_total),
               _percent(e.cpu_time_total, total), _time(e.cpu_time_total),
               _time(e.cpu_time_total / max(e.count, 1))]
        if memory:
            row += [_memory(e.cpu_memory_usage), _memory(e.self_cpu_memory_usage)]
        row.append(str(e.count))
        if shapes:
            row.append(str(e.input_shapes)[:shapes_width])
        cells.append(row)
    widths = [max([len(t)] + [len(r[i]) for r in cells]) + 2 for i, t in enumerate(titles)]
    rule = "  ".join("-" * w for w in widths) + "  "

    def line(values: list) -> str:
        return "  ".join(v.rjust(w) for v, w in zip(values, widths)) + "  "

    lines = ([header] if header else []) + [rule, line(titles), rule]
    lines += [line(r) for r in cells] + [rule, f"Self CPU time total: {_time(total)}", ""]
    return "\n".join(lines)
