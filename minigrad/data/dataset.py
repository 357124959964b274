"""Datasets: indexable collections of samples, and ways to take parts of them."""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from .. import random
from ..internal import array_of, wrap
from ..tensor import Tensor
from .collate import default_collate


class Dataset:
    """A collection of samples: subclasses implement ``__getitem__`` and ``__len__``.

    ``get_batch(indices)`` returns the collated batch of several samples; a subclass that
    can gather a batch without a Python loop over samples overrides it (as
    `TensorDataset` does).
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")

    def get_batch(self, indices: np.ndarray) -> Any:
        """The samples at ``indices``, collated with `default_collate`.

        Parameters
        ----------
        indices : ndarray of int
        """
        return default_collate([self[int(i)] for i in indices])

    def __add__(self, other: "Dataset") -> "ConcatDataset":
        return ConcatDataset([self, other])


class IterableDataset:
    """A dataset that is a stream of samples: subclasses implement ``__iter__``.

    A DataLoader batches the samples in the order the stream gives them (no shuffling,
    no sampler).
    """

    def __iter__(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")


class TensorDataset(Dataset):
    """Samples are slices along the first dimension of tensors of equal length.

    Parameters
    ----------
    *tensors : Tensor or ndarray
        The fields of the dataset (for example images and labels). Their first dimensions
        must be equal.

    Examples
    --------
    >>> ds = TensorDataset(images, labels)
    >>> image, label = ds[0]
    """

    def __init__(self, *tensors: Tensor | np.ndarray) -> None:
        if not tensors:
            raise ValueError("TensorDataset: needs at least one tensor")
        self.tensors = tuple(t if isinstance(t, Tensor) else wrap(np.asarray(t))
                             for t in tensors)
        for t in self.tensors:
            if t.ndim == 0:
                raise IndexError("TensorDataset: Dimension specified as 0 but tensor has no "
                                 "dimensions")
        sizes = [t.shape[0] for t in self.tensors]
        if len(set(sizes)) != 1:
            shapes = ", ".join(str(tuple(t.shape)) for t in self.tensors)
            raise AssertionError(f"TensorDataset: Size mismatch between tensors: all must "
                                 f"have the same size in dimension 0, got shapes {shapes}")

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def get_batch(self, indices: np.ndarray) -> list[Tensor]:
        """Each tensor indexed with the whole index array at once (no loop over samples);
        a list, as ``default_collate`` makes of tuple samples."""
        return [t[indices] if t.requires_grad else wrap(array_of(t)[indices])
                for t in self.tensors]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order.

    Parameters
    ----------
    dataset : Dataset
    indices : sequence of int
    """

    def __init__(self, dataset: Any, indices: Sequence[int] | np.ndarray) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[int(self.indices[index])]

    def __len__(self) -> int:
        return len(self.indices)

    def get_batch(self, indices: np.ndarray) -> Any:
        if isinstance(self.dataset, Dataset):
            return self.dataset.get_batch(self.indices[indices])
        return super().get_batch(indices)


class StackDataset(Dataset):
    """Several datasets of one length read side by side: sample ``i`` is the tuple of
    their samples ``i`` (datasets given by position) or the dict of them (by keyword)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via "
                             "``kwargs``) like input/output, but both types are given.")
        datasets = list(args) or list(kwargs.values())
        if not datasets:
            raise ValueError("At least one dataset should be passed")
        self.datasets: Any = tuple(args) if args else dict(kwargs)
        self._length = len(datasets[0])
        if any(len(d) != self._length for d in datasets):
            raise ValueError("Size mismatch between datasets")

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: int) -> Any:
        if isinstance(self.datasets, dict):
            return {name: d[index] for name, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)


class ChainDataset(IterableDataset):
    """Several iterable datasets one after the other, as one stream."""

    def __init__(self, datasets: Sequence[Any]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Any:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self) -> int:
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            total += len(d)
        return total


class ConcatDataset(Dataset):
    """The samples of several datasets, one after the other.

    Parameters
    ----------
    datasets : iterable of Dataset
    """

    def __init__(self, datasets: Sequence[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("ConcatDataset: datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"ConcatDataset: index {index} is out of range for a dataset "
                             f"of length {n}")
        index = int(index) % n
        which = int(np.searchsorted(self.cumulative_sizes, index, side="right"))
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


def resolve_generator(op: str, generator: Any, seed: int | None) -> Any:
    """The generator given (checked), a new one seeded with ``seed``, or None for
    minigrad's default generator."""
    if generator is not None and seed is not None:
        raise ValueError(f"{op}: pass either generator or seed, not both")
    if generator is not None:
        random.numpy_generator(generator, op)  # raises TypeError for anything else
    return np.random.default_rng(seed) if seed is not None else generator


def random_split(dataset: Any, lengths: Sequence[int | float], generator: Any = None, *,
                 seed: int | None = None) -> list[Subset]:
    """Split ``dataset`` at random into non-overlapping subsets.

    Parameters
    ----------
    dataset : Dataset
    lengths : sequence of int or float
        The sizes of the parts, summing to ``len(dataset)``; or fractions summing to 1,
        in which case the samples left over by rounding down go one each to the first parts.
    generator : minigrad.Generator or numpy.random.Generator, optional
    seed : int, optional
        (minigrad only) Seed of a fresh generator, for a split that is the same on every
        run. Without ``generator`` or ``seed``, minigrad's default generator (see
        ``minigrad.manual_seed``).

    Returns
    -------
    list of Subset

    Examples
    --------
    >>> train, test = random_split(TensorDataset(*load_digits()), [0.8, 0.2], seed=0)
    """
    rng = random.numpy_generator(resolve_generator("random_split", generator, seed),
                                 "random_split")
    n = len(dataset)
    sizes = _split_sizes(list(lengths), n)
    order = rng.permutation(n)
    bounds = np.cumsum([0] + sizes)
    return [Subset(dataset, order[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


def _split_sizes(lengths: list, n: int) -> list[int]:
    if all(isinstance(x, (int, np.integer)) for x in lengths):
        if sum(lengths) != n or min(lengths) < 0:
            raise ValueError(f"random_split: lengths {lengths} must be non-negative and sum "
                             f"to the length of the dataset ({n})")
        return [int(x) for x in lengths]
    if not math.isclose(sum(lengths), 1.0) or min(lengths) < 0:
        raise ValueError(f"random_split: fractions {lengths} must be non-negative and sum "
                         "to 1")
    sizes = [math.floor(n * f) for f in lengths]
    for i in range(n - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return sizes
