"""DataLoader: iterate over a dataset in (shuffled) batches, with PyTorch's signature."""
from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

from .collate import default_collate, default_convert
from .dataset import Dataset, IterableDataset, resolve_generator
from .sampler import BatchSampler, RandomSampler, SequentialSampler


class DataLoader:
    """Iterate over ``dataset`` in batches of stacked tensors.

    A dataset of ``(x, y)`` samples gives ``[X, Y]`` batches. When the dataset can gather
    a whole batch at once (a `TensorDataset`, or a ``Subset`` of one) and no
    ``collate_fn`` is given, each batch is one fancy-indexing per tensor, without a Python
    loop over samples.

    **Workers run in-process.** ``num_workers``, ``pin_memory``, ``timeout``,
    ``worker_init_fn``, ``multiprocessing_context``, ``prefetch_factor`` and
    ``persistent_workers`` are accepted and checked as PyTorch checks them, but every
    batch is loaded in the calling process, exactly as PyTorch does with
    ``num_workers=0``: the batches and their order are the same as with workers, and
    ``worker_init_fn`` is never called (PyTorch does not call it with ``num_workers=0``
    either). ``get_worker_info()`` returns None.

    Parameters
    ----------
    dataset : Dataset or IterableDataset
        Anything with ``__getitem__`` and ``__len__``, or an iterable dataset.
    batch_size : int or None
        Samples per batch (default 1). None turns batching off: each sample is yielded
        on its own, with arrays converted to tensors.
    shuffle : bool
        Visit the samples in a new random order on every pass.
    sampler : iterable of indices, optional
        The order of the samples (instead of ``shuffle``).
    batch_sampler : iterable of lists of indices, optional
        The batches themselves (instead of ``batch_size``, ``shuffle``, ``sampler`` and
        ``drop_last``).
    num_workers : int
        Accepted; loading runs in-process (see above).
    collate_fn : callable, optional
        Turns a list of samples into a batch (default `default_collate`).
    pin_memory : bool
        Accepted and ignored (there is no GPU).
    drop_last : bool
        Drop the last batch when it is smaller than ``batch_size``.
    timeout : float
        Accepted (must be non-negative); loading in-process never waits.
    worker_init_fn : callable, optional
        Accepted; never called (no worker processes are started).
    multiprocessing_context : optional
        Accepted and ignored.
    generator : minigrad.Generator or numpy.random.Generator, optional
        The source of shuffling.
    prefetch_factor : int, optional
        Only with ``num_workers > 0``, as in PyTorch; ignored.
    persistent_workers : bool
        Only with ``num_workers > 0``, as in PyTorch; ignored.
    seed : int, optional
        (minigrad only) Seed of a private generator, made once here: passes differ from
        each other, but the whole sequence repeats from run to run. Without ``generator``
        or ``seed`` the order comes from minigrad's default generator, so
        ``minigrad.manual_seed`` fixes it.

    Examples
    --------
    >>> loader = DataLoader(TensorDataset(images, labels), batch_size=64, shuffle=True)
    >>> for x, y in loader:
    ...     loss = F.cross_entropy(model(x), y)
    """

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Any = None, batch_sampler: Any = None, num_workers: int = 0,
                 collate_fn: Callable[[list], Any] | None = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable[[int], None] | None = None,
                 multiprocessing_context: Any = None, generator: Any = None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True,
                 seed: int | None = None) -> None:
        _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers)
        self.dataset = dataset
        # Kept for programs that read them back; loading runs in-process (see above).
        self.num_workers, self.pin_memory, self.timeout = num_workers, pin_memory, timeout
        self.worker_init_fn, self.prefetch_factor = worker_init_fn, prefetch_factor
        self.persistent_workers = persistent_workers
        self.multiprocessing_context = multiprocessing_context
        self.generator = resolve_generator("DataLoader", generator, seed)
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (None, False):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"shuffle option, but got shuffle={shuffle}")
            if sampler is not None or batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 "sampler and batch_sampler options")
        self.sampler, self.batch_sampler = self._samplers(batch_size, shuffle, sampler,
                                                          batch_sampler, drop_last)
        self.batch_size = None if batch_sampler is not None else batch_size

    def _samplers(self, batch_size: Any, shuffle: Any, sampler: Any, batch_sampler: Any,
                  drop_last: bool) -> tuple[Any, Any]:
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with "
                                 "batch_size, shuffle, sampler, and drop_last")
            return None, batch_sampler
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_size is None:
            if drop_last:
                raise ValueError("batch_size=None option disables auto-batching and is "
                                 "mutually exclusive with drop_last")
        elif isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size should be a positive integer value, "
                             f"but got batch_size={batch_size!r}")
        if self._iterable:
            return None, None
        if sampler is None:
            sampler = (RandomSampler(self.dataset, generator=self.generator) if shuffle
                       else SequentialSampler(self.dataset))
        if batch_size is None:
            return sampler, None
        return sampler, BatchSampler(sampler, int(batch_size), bool(drop_last))

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)  # TypeError for an iterable dataset without a length
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def __iter__(self) -> Iterator[Any]:
        if self._iterable:
            return self._iterate_stream()
        if self.batch_sampler is None:
            return (self._convert(self.dataset[i]) for i in self.sampler)
        return (self._fetch(indices) for indices in self.batch_sampler)

    def _convert(self, sample: Any) -> Any:
        return default_convert(sample) if self.collate_fn is None else self.collate_fn(sample)

    def _fetch(self, indices: Any) -> Any:
        if self.collate_fn is None and isinstance(self.dataset, Dataset):
            return self.dataset.get_batch(np.asarray(indices, dtype=np.int64))
        collate = self.collate_fn or default_collate
        return collate([self.dataset[i] for i in indices])

    def _iterate_stream(self) -> Iterator[Any]:
        if self.batch_size is None:
            yield from (self._convert(sample) for sample in self.dataset)
            return
        batch: list = []
        collate = self.collate_fn or default_collate
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield collate(batch)
                batch = []
        if batch and not self.drop_last:
            yield collate(batch)


def _check_worker_options(num_workers: int, timeout: float, prefetch_factor: Any,
                          persistent_workers: bool) -> None:
    """The checks PyTorch makes, so that a program wrong for PyTorch is wrong here too."""
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                         "disable multiprocessing.")
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                         " let num_workers > 0 to enable multiprocessing, otherwise set "
                         "prefetch_factor to None.")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")


def get_worker_info() -> None:
    """None: minigrad's DataLoader loads in the calling process, never in a worker."""
    return None
