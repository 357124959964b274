"""Samplers: the order in which a DataLoader visits a dataset's indices.

A sampler is an iterable of indices (``BatchSampler``: of lists of indices) with a
length. Random ones draw from a ``generator`` (a ``minigrad.Generator`` or a
``numpy.random.Generator``), or from minigrad's default generator, so
``minigrad.manual_seed`` repeats them.
"""
from __future__ import annotations

from typing import Any, Iterator, Sequence, Sized

import numpy as np

from .. import random


class Sampler:
    """Base class: subclasses implement ``__iter__`` (indices) and usually ``__len__``."""

    def __init__(self, data_source: Sized | None = None) -> None:
        pass

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")


class SequentialSampler(Sampler):
    """The indices ``0, 1, ..., len(data_source) - 1`` in order."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def _indices(self) -> np.ndarray:
        return np.arange(len(self.data_source))

    def __len__(self) -> int:
        return len(self.data_source)


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} should be a positive integer value, but got {name}={value}")
    return int(value)


class RandomSampler(Sampler):
    """The indices in a new random order on every pass.

    Parameters
    ----------
    data_source : sized
    replacement : bool
        Draw ``num_samples`` indices independently (with repeats) instead of permuting.
    num_samples : int, optional
        How many indices per pass (default ``len(data_source)``); without replacement,
        more than that many chains several permutations.
    generator : minigrad.Generator or numpy.random.Generator, optional
    """

    def __init__(self, data_source: Sized, replacement: bool = False,
                 num_samples: int | None = None, generator: Any = None) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got "
                            f"replacement={replacement}")
        self.data_source, self.replacement, self.generator = data_source, replacement, generator
        self._num_samples = num_samples
        random.numpy_generator(generator, "RandomSampler")  # check it now, not mid-epoch
        _count("num_samples", self.num_samples)

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices().tolist())

    def _indices(self) -> np.ndarray:
        """One pass's indices, drawn at once (BatchSampler slices them without a loop)."""
        rng = random.numpy_generator(self.generator, "RandomSampler")
        n, wanted = len(self.data_source), self.num_samples
        if self.replacement:
            return rng.integers(0, n, size=wanted)
        rounds = [rng.permutation(n) for _ in range(-(-wanted // n))]
        return np.concatenate(rounds)[:wanted]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a new random order on every pass."""

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices, self.generator = indices, generator

    def __iter__(self) -> Iterator[int]:
        rng = random.numpy_generator(self.generator, "SubsetRandomSampler")
        return (self.indices[int(i)] for i in rng.permutation(len(self.indices)))

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probabilities proportional to ``weights``.

    Parameters
    ----------
    weights : sequence of float
        One non-negative weight per index (they need not sum to 1).
    num_samples : int
    replacement : bool
        Without replacement, an index is drawn at most once per pass.
    generator : minigrad.Generator or numpy.random.Generator, optional
    """

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Any = None) -> None:
        self.num_samples = _count("num_samples", num_samples)
        weights = np.asarray(weights.numpy() if hasattr(weights, "numpy") else weights,
                             dtype=np.float64)
        if weights.ndim != 1 or np.any(weights < 0) or not np.all(np.isfinite(weights)):
            raise RuntimeError(f"WeightedRandomSampler: weights must be a 1-d sequence of "
                               f"finite non-negative numbers, got shape {weights.shape}")
        if not replacement and num_samples > np.count_nonzero(weights):
            raise RuntimeError(f"WeightedRandomSampler: cannot draw {num_samples} samples "
                               f"without replacement from {np.count_nonzero(weights)} "
                               "non-zero weights")
        self.weights, self.replacement, self.generator = weights, replacement, generator

    def __iter__(self) -> Iterator[int]:
        rng = random.numpy_generator(self.generator, "WeightedRandomSampler")
        p = self.weights / self.weights.sum()
        drawn = rng.choice(len(p), size=self.num_samples, replace=self.replacement, p=p)
        return iter(drawn.tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Group the indices of ``sampler`` into lists of ``batch_size``.

    Parameters
    ----------
    sampler : iterable of int
    batch_size : int
    drop_last : bool
        Drop the last list when it is shorter than ``batch_size``.

    Examples
    --------
    >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
    [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler: Any, batch_size: int, drop_last: bool) -> None:
        self.batch_size = _count("batch_size", batch_size)
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got "
                             f"drop_last={drop_last}")
        self.sampler, self.drop_last = sampler, drop_last

    def __iter__(self) -> Iterator[list[int]]:
        if isinstance(self.sampler, (SequentialSampler, RandomSampler)):
            yield from self._slices(self.sampler._indices())
            return
        batch: list[int] = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def _slices(self, indices: np.ndarray) -> Iterator[list[int]]:
        """The batches of an index array, cut without a Python loop over indices."""
        n = len(indices)
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            yield indices[start:start + self.batch_size].tolist()

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
