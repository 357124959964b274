"""minigrad.utils.data against torch.utils.data: signatures, batches, samplers, collation,
splits and which arguments raise."""
from __future__ import annotations

import collections
import inspect

import numpy as np
import pytest

import minigrad
import minigrad.data as data
from minigrad.utils import data as udata

torch = pytest.importorskip("torch")
tdata = pytest.importorskip("torch.utils.data")


def plain(x):
    """Batches as nested Python values, with dtypes, for comparing the two libraries."""
    if isinstance(x, (minigrad.Tensor, torch.Tensor)):
        return ("tensor", str(x.dtype).removeprefix("torch."), x.tolist())
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return (type(x).__name__ if not hasattr(x, "_fields") else "namedtuple",
                [plain(v) for v in x])
    return x


def test_utils_data_holds_the_same_objects():
    for name in data.__all__:
        assert getattr(udata, name) is getattr(data, name)
    assert minigrad.utils.data.DataLoader is data.DataLoader


def test_dataloader_signature_contains_torchs():
    ours = inspect.signature(data.DataLoader).parameters
    theirs = inspect.signature(tdata.DataLoader).parameters
    for name, p in theirs.items():
        assert name in ours, name
        assert ours[name].kind == p.kind, name
        if name not in ("generator", "multiprocessing_context"):
            assert ours[name].default == p.default, name
    assert list(ours)[:len(theirs)] == list(theirs)


def _values(n=7):
    return np.arange(n * 2, dtype=np.float32).reshape(n, 2), np.arange(n) * 10


LOADER_CASES = [
    dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=1),
    dict(batch_size=None), dict(batch_size=10), dict(batch_sampler=[[3, 1], [0], [6, 5, 4]]),
    dict(sampler=[6, 0, 3], batch_size=2), dict(batch_size=4, num_workers=2, pin_memory=True),
    dict(batch_size=2, collate_fn=lambda b: len(b)),
    dict(batch_size=2, num_workers=2, persistent_workers=True, prefetch_factor=3,
         timeout=5.0, worker_init_fn=lambda i: None),
]


@pytest.mark.parametrize("kwargs", LOADER_CASES)
def test_tensor_dataset_batches_match_torch(kwargs):
    x, y = _values()
    ours = data.DataLoader(data.TensorDataset(minigrad.tensor(x), minigrad.tensor(y)),
                           **kwargs)
    theirs_kwargs = {k: v for k, v in kwargs.items()
                     if k not in ("num_workers", "persistent_workers", "prefetch_factor",
                                  "timeout", "worker_init_fn", "pin_memory")}  # torch in-process
    theirs = tdata.DataLoader(tdata.TensorDataset(torch.tensor(x), torch.tensor(y)),
                              **theirs_kwargs)
    assert len(ours) == len(theirs)
    assert [plain(b) for b in ours] == [plain(b) for b in theirs]


def test_batches_match_torch_with_real_worker_processes():
    x, y = _values(5)
    ours = data.DataLoader(data.TensorDataset(minigrad.tensor(x), minigrad.tensor(y)),
                           batch_size=2, num_workers=2)
    theirs = tdata.DataLoader(tdata.TensorDataset(torch.tensor(x), torch.tensor(y)),
                              batch_size=2, num_workers=2)
    assert [plain(b) for b in ours] == [plain(b) for b in theirs]


Point = collections.namedtuple("Point", "x y")
SAMPLE_LISTS = [
    [1.5, 2.5, 3.5], [1, 2, 3], [True, False, True], ["a", "b", "c"],
    [(1, 2.0), (3, 4.0), (5, 6.0)], [[1, 2], [3, 4], [5, 6]],
    [{"a": 1, "b": np.ones(2)}, {"a": 2, "b": np.zeros(2)}, {"a": 3, "b": np.ones(2)}],
    [np.float32(1), np.float32(2), np.float32(3)], [np.int64(1), np.int64(2), np.int64(3)],
    [np.array(1.0, np.float32), np.array(2.0, np.float32), np.array(3.0, np.float32)],
    [Point(1, 2.0), Point(3, 4.0), Point(5, 6.0)],
    [(np.ones(2, np.float64), 0), (np.zeros(2, np.float64), 1), (np.ones(2, np.float64), 2)],
]


@pytest.mark.parametrize("samples", SAMPLE_LISTS)
@pytest.mark.parametrize("batch_size", [2, None])
def test_collation_of_plain_samples_matches_torch(samples, batch_size):
    ours = data.DataLoader(samples, batch_size=batch_size)
    theirs = tdata.DataLoader(samples, batch_size=batch_size)
    assert [plain(b) for b in ours] == [plain(b) for b in theirs]


def test_collate_errors_match_torch():
    for bad in ([np.zeros(2), np.zeros(3)], [(1, 2), (1,)]):
        with pytest.raises(RuntimeError):
            tdata.default_collate(bad)
        with pytest.raises(RuntimeError, match="equal size"):
            data.default_collate(bad)
    with pytest.raises(TypeError):
        tdata.default_collate([object()])
    with pytest.raises(TypeError, match="collate_fn"):
        data.default_collate([object()])


class Stream:
    def __init__(self, n, base):
        self.n, self.base = n, base

    def __iter__(self):
        return iter(range(self.n))


@pytest.mark.parametrize("kwargs", [dict(batch_size=2), dict(batch_size=2, drop_last=True),
                                    dict(batch_size=None)])
def test_iterable_datasets_match_torch(kwargs):
    ours_ds = type("S", (Stream, data.IterableDataset), {})(5, None)
    theirs_ds = type("S", (Stream, tdata.IterableDataset), {})(5, None)
    ours, theirs = data.DataLoader(ours_ds, **kwargs), tdata.DataLoader(theirs_ds, **kwargs)
    assert [plain(b) for b in ours] == [plain(b) for b in theirs]
    with pytest.raises(TypeError):
        len(theirs)
    with pytest.raises(TypeError):
        len(ours)
    with pytest.raises(ValueError):
        tdata.DataLoader(theirs_ds, shuffle=True)
    with pytest.raises(ValueError, match="shuffle"):
        data.DataLoader(ours_ds, shuffle=True)


BAD_OPTIONS = [
    dict(batch_sampler=[[0, 1]], batch_size=2), dict(batch_sampler=[[0]], shuffle=True),
    dict(batch_sampler=[[0]], drop_last=True), dict(sampler=[0, 1], shuffle=True),
    dict(num_workers=-1), dict(prefetch_factor=2), dict(persistent_workers=True),
    dict(timeout=-1), dict(batch_size=0), dict(batch_size=None, drop_last=True),
]


@pytest.mark.parametrize("kwargs", BAD_OPTIONS)
def test_bad_options_raise_value_error_like_torch(kwargs):
    with pytest.raises(ValueError):
        tdata.DataLoader(list(range(4)), **kwargs)
    with pytest.raises(ValueError):
        data.DataLoader(list(range(4)), **kwargs)


def test_batch_and_sequential_samplers_match_torch():
    for n, size, drop in ((7, 3, False), (7, 3, True), (6, 2, False), (2, 5, False)):
        ours = data.BatchSampler(data.SequentialSampler(range(n)), size, drop)
        theirs = tdata.BatchSampler(tdata.SequentialSampler(range(n)), size, drop)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
    for bad in (dict(batch_size=0, drop_last=False), dict(batch_size=2, drop_last=1)):
        with pytest.raises(ValueError):
            tdata.BatchSampler(range(3), **bad)
        with pytest.raises(ValueError):
            data.BatchSampler(range(3), **bad)


def test_random_samplers_draw_valid_indices_and_follow_their_generator():
    g = minigrad.Generator().manual_seed(0)
    perm = list(data.RandomSampler(range(10), generator=g))
    assert sorted(perm) == list(range(10)) and perm != list(range(10))
    long = list(data.RandomSampler(range(4), num_samples=10, generator=g))
    assert len(long) == 10 and sorted(long[:4]) == [0, 1, 2, 3]
    drawn = list(data.RandomSampler(range(3), replacement=True, num_samples=50, generator=g))
    assert len(drawn) == 50 and set(drawn) == {0, 1, 2}
    sub = list(data.SubsetRandomSampler([5, 7, 9], generator=g))
    assert sorted(sub) == [5, 7, 9]
    weighted = list(data.WeightedRandomSampler([0.0, 1.0, 3.0], 400, generator=g))
    assert set(weighted) == {1, 2} and 0.65 < weighted.count(2) / 400 < 0.85
    once = list(data.WeightedRandomSampler([1, 1, 1, 0], 3, replacement=False, generator=g))
    assert sorted(once) == [0, 1, 2]
    a = list(data.RandomSampler(range(20), generator=minigrad.Generator().manual_seed(4)))
    b = list(data.RandomSampler(range(20), generator=minigrad.Generator().manual_seed(4)))
    assert a == b
    with pytest.raises(ValueError):
        tdata.RandomSampler(range(0))
    with pytest.raises(ValueError, match="num_samples"):
        data.RandomSampler(range(0))


def test_shuffle_with_a_minigrad_generator_repeats():
    def order(seed):
        g = minigrad.Generator().manual_seed(seed)
        loader = data.DataLoader(list(range(12)), batch_size=5, shuffle=True, generator=g)
        return [b.tolist() for b in loader]

    assert order(1) == order(1) != order(2)
    assert sorted(sum(order(1), [])) == list(range(12))


@pytest.mark.parametrize("lengths", [[0.8, 0.2], [0.5, 0.3, 0.2], [1 / 3] * 3, [3, 7],
                                     [0.25, 0.25, 0.25, 0.25]])
def test_random_split_sizes_match_torch_and_follow_the_generator(lengths):
    ours = data.random_split(list(range(10)), lengths, minigrad.Generator().manual_seed(0))
    theirs = tdata.random_split(list(range(10)), lengths, torch.Generator().manual_seed(0))
    assert [len(p) for p in ours] == [len(p) for p in theirs]
    assert sorted(sum((list(p) for p in ours), [])) == list(range(10))
    again = data.random_split(list(range(10)), lengths, minigrad.Generator().manual_seed(0))
    assert [list(p) for p in ours] == [list(p) for p in again]


def test_concat_dataset_and_subset_index_like_torch():
    parts = [list(range(3)), list(range(10, 12)), list(range(20, 24))]
    ours, theirs = data.ConcatDataset(parts), tdata.ConcatDataset(parts)
    assert len(ours) == len(theirs) == 9
    for i in range(-9, 9):
        assert ours[i] == theirs[i]
    for i in (9, -10):
        with pytest.raises(IndexError):
            ours[i]
    assert [ours.cumulative_sizes] == [theirs.cumulative_sizes]
    sub = data.Subset(ours, [8, 0, 4])
    assert [sub[i] for i in range(3)] == [tdata.Subset(theirs, [8, 0, 4])[i] for i in range(3)]
    joined = data.TensorDataset(minigrad.ones(2)) + data.TensorDataset(minigrad.zeros(3))
    assert isinstance(joined, data.ConcatDataset) and len(joined) == 5
    assert [b.tolist() for b, in data.DataLoader(joined, batch_size=5)] == [[1, 1, 0, 0, 0]]


def test_get_worker_info_is_none_in_process():
    assert data.get_worker_info() is None is tdata.get_worker_info()


def test_stack_and_chain_datasets_match_torch():
    torch = pytest.importorskip("torch")
    tud = torch.utils.data

    Count, TorchCount = _counting(data.IterableDataset), _counting(tud.IterableDataset)

    ours = udata.StackDataset([1, 2, 3], "abc")
    theirs = tud.StackDataset([1, 2, 3], "abc")
    assert len(ours) == len(theirs) == 3 and ours[1] == theirs[1] == (2, "b")
    assert udata.StackDataset(x=[1, 2], y=[3, 4])[0] == tud.StackDataset(x=[1, 2], y=[3, 4])[0]
    chained = udata.ChainDataset([Count(2), Count(3)])
    assert list(chained) == list(tud.ChainDataset([TorchCount(2), TorchCount(3)]))
    assert len(chained) == 5
    for module in (udata, tud):
        for bad in (lambda: module.StackDataset([1], x=[2]), lambda: module.StackDataset(),
                    lambda: module.StackDataset([1, 2], [3])):
            with pytest.raises(ValueError):
                bad()
    with pytest.raises(AssertionError):
        list(udata.ChainDataset([[1, 2]]))
    with pytest.raises(AssertionError):
        list(tud.ChainDataset([[1, 2]]))


def _counting(base):
    """An iterable dataset class (on ``base``) yielding 0 .. n - 1."""
    class Count(base):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    return Count
