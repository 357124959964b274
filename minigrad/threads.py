"""How many threads minigrad uses, and the batch split that puts them to work.

A NumPy call runs on one core, except a matrix product, which the BLAS library spreads
over its own threads. Work that falls apart by image, such as conv2d, can use every
core instead: `over_batch` cuts the batch into one slice per thread and runs the slices
at once, the calling thread taking the first. NumPy lets go of Python's global lock
inside its loops and copies, so the slices really do run side by side.

While the slices run, the BLAS library is told to use one thread: each slice already
has a core, and two multithreaded products at once fight over both (measured on a
2-core Xeon: the two halves of a product, run at once on two BLAS threads each, took up
to 1.5x as long as the whole product on two threads). Where the BLAS library
offers no way to say so (only OpenBLAS, which NumPy's wheels ship, is known here), the
batch is not split.

Rules that keep this safe:

- Slice i always runs in the same thread (the caller for slice 0), so per-thread scratch
  buffers (workspace.py) found again by a later call of the same split are the ones that
  slice wrote.
- One split runs at a time. A split asked for while another runs (from another thread,
  or from inside a slice) runs its slices one after another in its own thread.
- A forked child process starts without the parent's worker threads and makes its own.
"""
from __future__ import annotations

import ctypes
import glob
import os
import queue
import threading
from typing import Any, Callable

import numpy as np

# Below this much work per thread (see `over_batch`) a split does not pay. Measured for
# conv2d on a 2-core Xeon: LeNet-5's layers (about 1M column elements per batch of 64)
# ran slower split, a training step 9.4 -> 12.7 ms, because waking a thread and passing
# Python's lock back and forth cost more than the copies gain; the wide layers of
# bench_conv.py (19M and 29M) ran 1.2-1.5x faster; a strided layer of 2.4M was faster
# split in a tight loop but slower when each call follows a pause.
MIN_WORK_PER_THREAD = 1 << 22


def _default_threads() -> int:
    """As PyTorch counts: MKL_NUM_THREADS, else OMP_NUM_THREADS, if set, but at most the
    number of cores this process may run on (which is the count when neither is set)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    for name in ("MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return min(int(value), cores)
    return cores


class _Blas:
    """The BLAS library's thread-count functions, when it is an OpenBLAS we can find."""

    def __init__(self) -> None:
        self.set_threads = self.get_threads = None
        for path in self._candidates():
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            setter, getter = self._function(lib, "set"), self._function(lib, "get")
            if setter is not None and getter is not None:
                setter.argtypes, setter.restype = [ctypes.c_int], None
                getter.argtypes, getter.restype = [], ctypes.c_int
                self.set_threads, self.get_threads = setter, getter
                return

    @staticmethod
    def _candidates() -> list[str]:
        """Loaded libraries that look like OpenBLAS: NumPy's own first."""
        base = os.path.dirname(np.__file__)
        found = glob.glob(base + ".libs/*openblas*") + glob.glob(base + "/.dylibs/*openblas*")
        try:
            with open("/proc/self/maps") as maps:
                found += sorted({line.split()[-1] for line in maps if "openblas" in line})
        except OSError:
            pass
        return found

    @staticmethod
    def _function(lib: ctypes.CDLL, verb: str) -> Any:
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", "_64", ""):
                function = getattr(lib, f"{prefix}_{verb}_num_threads{suffix}", None)
                if function is not None:
                    return function
        return None

    @property
    def available(self) -> bool:
        return self.set_threads is not None


class _Team:
    """Worker threads 1..size-1, each serving its own queue of slices."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.queues = [queue.SimpleQueue() for _ in range(size - 1)]
        for q in self.queues:
            threading.Thread(target=self._serve, args=(q,), daemon=True,
                             name="minigrad-worker").start()

    @staticmethod
    def _serve(tasks: queue.SimpleQueue) -> None:
        while True:
            task = tasks.get()
            if task is None:  # the team was replaced
                return
            index, function, results = task
            try:
                results.put((index, True, function()))
            except BaseException as error:  # handed to the caller, raised there
                results.put((index, False, error))

    def retire(self) -> None:
        for q in self.queues:
            q.put(None)

    def run(self, functions: list[Callable[[], Any]]) -> list[Any]:
        """Call functions[i] in thread i (0: this one); their results, in order.

        The workers report through a SimpleQueue: handing a result over that way took
        about 9 us here, against about 100 us through a threading.Event.
        """
        results: queue.SimpleQueue = queue.SimpleQueue()
        for index, (q, function) in enumerate(zip(self.queues, functions[1:]), 1):
            q.put((index, function, results))
        outcomes = [(True, None)] * len(functions)
        try:
            outcomes[0] = (True, functions[0]())
        finally:
            for _ in functions[1:]:
                index, ok, value = results.get()
                outcomes[index] = (ok, value)
        for ok, value in outcomes[1:]:
            if not ok:
                raise value
        return [value for _, value in outcomes]


_blas = _Blas()
_threads = _default_threads()
_interop_threads: int | None = None
_team: _Team | None = None


def _forget_team() -> None:
    global _team
    _team = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_team)


def _check_count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise RuntimeError(f"{name} expects an int, but got {type(value).__name__}")
    if value <= 0:
        raise RuntimeError(f"{name} expects a positive integer")
    return int(value)


def get_num_threads() -> int:
    """The number of threads minigrad uses for work within one operation.

    Returns
    -------
    int
        By default, as in PyTorch, the number of cores this process may run on, or
        ``MKL_NUM_THREADS`` or else ``OMP_NUM_THREADS`` if set and smaller.
    """
    return _threads


def set_num_threads(num_threads: int) -> None:
    """Set the number of threads used within one operation.

    It sets how many slices conv2d splits a batch into, and the number of threads of the
    BLAS library (matrix products) when it is an OpenBLAS minigrad can reach.

    Parameters
    ----------
    num_threads : int
        A positive integer.

    Raises
    ------
    RuntimeError
        If ``num_threads`` is not an int or not positive, as in PyTorch.
    """
    global _threads
    _threads = _check_count(num_threads, "set_num_threads")
    if _blas.available:
        _blas.set_threads(_threads)


def get_num_interop_threads() -> int:
    """The number of threads for running independent operations at once.

    minigrad runs operations one after another, so this only reports the value that
    `set_num_interop_threads` stored (by default, `get_num_threads`).
    """
    return _threads if _interop_threads is None else _interop_threads


def set_num_interop_threads(num_threads: int) -> None:
    """Store the number of inter-op threads; as in PyTorch it may be set only once.

    Parameters
    ----------
    num_threads : int
        A positive integer.

    Raises
    ------
    RuntimeError
        If ``num_threads`` is not a positive int, or it was set before.
    """
    global _interop_threads
    count = _check_count(num_threads, "set_num_interop_threads")
    if _interop_threads is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work "
                           "has started or set_num_interop_threads called")
    _interop_threads = count


def blas_threads() -> int | None:
    """The BLAS library's thread count, or None where minigrad cannot reach it."""
    return _blas.get_threads() if _blas.available else None


def batch_slices(n: int, parts: int) -> list[slice]:
    """``n`` images cut into ``parts`` contiguous slices whose sizes differ by at most one."""
    bounds = [n * i // parts for i in range(parts + 1)]
    return [slice(a, b) for a, b in zip(bounds, bounds[1:])]


def over_batch(n: int, work: int, function: Callable[[slice], Any],
               uses_blas: bool = True) -> list[Any]:
    """``function`` called on slices of a batch of ``n`` images, in parallel threads.

    Parameters
    ----------
    n : int
        The batch size.
    work : int
        A measure of the whole batch's work (for conv2d, the number of column elements);
        each thread gets at least MIN_WORK_PER_THREAD of it, or the batch is not split.
    function : callable
        Takes a slice of the batch and returns its result. Slices must not write to the
        same memory.
    uses_blas : bool
        Whether ``function`` runs matrix products: then the batch is split only where
        the BLAS library can be set to one thread meanwhile.

    Returns
    -------
    list
        ``function``'s results, in the order of the slices (one slice: not split).
    """
    global _team
    parts = min(_threads, n, work // MIN_WORK_PER_THREAD)
    if parts <= 1 or (uses_blas and not _blas.available):
        return [function(slice(0, n))]
    team = _team
    if team is None or team.size != _threads:
        if team is not None:
            team.retire()
        team = _team = _Team(_threads)
    if not team.lock.acquire(blocking=False):
        return [function(slice(0, n))]
    try:
        slices = batch_slices(n, parts)
        before = blas_threads() if uses_blas else None
        if before is not None:
            _blas.set_threads(1)
        try:
            return team.run([lambda part=part: function(part) for part in slices])
        finally:
            if before is not None:
                _blas.set_threads(before)
    finally:
        team.lock.release()
