"""``DistributedSampler``: the share of a dataset's indices that one of several processes
visits, for data-parallel training.

minigrad runs in one process and has no process group, so ``num_replicas`` and ``rank``
must be given (as PyTorch requires when no process group is initialised); the sampler
then yields exactly the indices process ``rank`` of ``num_replicas`` would.
"""
from __future__ import annotations

import math
from typing import Any, Iterator, Sized

import numpy as np

from ..creation import randperm
from ..random import Generator
from .sampler import Sampler


class DistributedSampler(Sampler):
    """Every ``num_replicas``-th index, starting at ``rank``, of the dataset's indices (in
    a seeded random order with ``shuffle``), padded by repeating indices from the start so
    that every process gets the same number, or cut short with ``drop_last``.

    Parameters
    ----------
    dataset : sized
    num_replicas, rank : int
        How many processes share the dataset, and which one this is (``0 <= rank <
        num_replicas``). Required: minigrad has no process group to ask.
    shuffle : bool, default True
        Permute the indices with a generator seeded with ``seed + epoch``: the same order
        in every process, a new one after `set_epoch`.
    seed : int, default 0
    drop_last : bool, default False
        Drop the tail that does not divide evenly instead of padding it.
    """

    def __init__(self, dataset: Sized, num_replicas: int | None = None,
                 rank: int | None = None, shuffle: bool = True, seed: int = 0,
                 drop_last: bool = False) -> None:
        if num_replicas is None or rank is None:
            raise ValueError("DistributedSampler: Default process group has not been "
                             "initialized, please make sure to call init_process_group "
                             "(minigrad has none: pass num_replicas and rank).")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval "
                             f"[0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.epoch, self.drop_last, self.shuffle, self.seed = 0, drop_last, shuffle, seed
        n = len(dataset)
        if drop_last and n % num_replicas:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def _order(self) -> np.ndarray:
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        generator = Generator().manual_seed(self.seed + self.epoch)
        return randperm(n, generator=generator).numpy()

    def __iter__(self) -> Iterator[Any]:
        order = self._order()
        if len(order) < self.total_size:
            order = np.resize(order, self.total_size)  # repeats from the start
        order = order[:self.total_size]
        return iter(order[self.rank::self.num_replicas].tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use ``epoch`` in the seed of the next pass's order (call it before each epoch,
        or every epoch repeats the same order)."""
        self.epoch = epoch
