"""DataLoader: iterate over a dataset in (shuffled) batches."""
from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

from .. import random
from .collate import default_collate
from .dataset import Dataset, resolve_generator


class DataLoader:
    """Iterate over ``dataset`` in batches of stacked tensors.

    A dataset of ``(x, y)`` samples gives ``(X, Y)`` batches. When the dataset can gather
    a whole batch at once (a `TensorDataset`, or a ``Subset`` of one), each batch
    is a single fancy-indexing per tensor, without a Python loop over samples.

    Parameters
    ----------
    dataset : Dataset
        Anything with ``__getitem__`` and ``__len__``.
    batch_size : int
        Samples per batch.
    shuffle : bool
        Visit the samples in a new random order on every pass.
    drop_last : bool
        Drop the last batch when it is smaller than ``batch_size``.
    generator : numpy.random.Generator, optional
        The source of shuffling.
    seed : int, optional
        Seed of a private generator, made once here: passes differ from each other, but
        the whole sequence repeats from run to run. Without ``generator`` or ``seed`` the
        order comes from minigrad's generator, so ``minigrad.manual_seed`` fixes it.
    collate_fn : callable, optional
        Turns a list of samples into a batch (default `default_collate`).

    Examples
    --------
    >>> loader = DataLoader(TensorDataset(images, labels), batch_size=64, shuffle=True)
    >>> for x, y in loader:
    ...     loss = F.cross_entropy(model(x), y)
    """

    def __init__(self, dataset: Any, batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False, generator: np.random.Generator | None = None,
                 seed: int | None = None,
                 collate_fn: Callable[[list], Any] | None = None) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size should be a positive integer, got "
                             f"{batch_size!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.generator = resolve_generator("DataLoader", generator, seed)
        self.collate_fn = collate_fn

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = self._order(n)
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            yield self._fetch(order[start:start + self.batch_size])

    def _order(self, n: int) -> np.ndarray:
        if not self.shuffle:
            return np.arange(n)
        return (self.generator or random.default_generator()).permutation(n)

    def _fetch(self, indices: np.ndarray) -> Any:
        if self.collate_fn is None and isinstance(self.dataset, Dataset):
            return self.dataset.get_batch(indices)
        collate = self.collate_fn or default_collate
        return collate([self.dataset[int(i)] for i in indices])
