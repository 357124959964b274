"""Interleaved timing shared by the benchmarks, fair to both libraries.

Both NumPy's OpenBLAS and PyTorch keep their worker threads spinning for a while after a
call (OpenBLAS for about 2**28 cycles, ~0.1 s) so that the next call starts at once. On a
2-core machine a library timed right after the other one therefore shares its cores with
the other's spinning threads: measured on a 2-core AMD EPYC, PyTorch's conv2d
forward+backward on (64, 32, 32, 32) took 60-70 ms right after a minigrad call and 24 ms
on its own, which made minigrad look 2x better than it is.

So each sample first waits ``SETTLE`` seconds for the other library's threads to go to
sleep, then makes one untimed call (waking its own threads, warming its caches and
allocator, as in a training loop where the same library runs back to back), then times
one call. Samples still alternate between the libraries, so a slow phase of the machine
affects both.
"""
from __future__ import annotations

import statistics
import time
from typing import Callable

SETTLE = 0.15


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of ``fn`` takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleave(fns: list, repeats: int, warm: bool = True) -> list[list[float]]:
    """``repeats`` timings of each of ``fns``, alternating, each after a settle pause and
    (if ``warm``) one untimed call."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for samples, fn in zip(times, fns):
            time.sleep(SETTLE)
            if warm:
                fn()
            samples.append(timed(fn))
    return times


def medians(fns: list, repeats: int, warm: bool = True) -> tuple[float, ...]:
    """Median seconds per call of each of ``fns`` (see `interleave`)."""
    return tuple(statistics.median(t) for t in interleave(fns, repeats, warm))
