"""DataLoader: batching, the last batch, shuffling and seeds, collation, the fast path."""
import numpy as np
import pytest

import minigrad
import minigrad.data as data


def _arrays(n=10):
    return np.arange(n * 2, dtype=np.float32).reshape(n, 2), np.arange(n) * 10


def _loader(n=10, **kwargs):
    x, y = _arrays(n)
    return data.DataLoader(data.TensorDataset(minigrad.tensor(x), minigrad.tensor(y)),
                           **kwargs)


def _labels(loader):
    """The label batches of one pass, as lists (labels are 10 * index)."""
    return [(yb.numpy() // 10).tolist() for _, yb in loader]


def test_batches_in_order_with_partial_last_batch():
    loader = _loader(10, batch_size=4)
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    x, _ = _arrays()
    for (xb, yb), rows in zip(batches, [range(0, 4), range(4, 8), range(8, 10)]):
        assert isinstance(xb, minigrad.Tensor) and xb.dtype == np.float32
        np.testing.assert_array_equal(xb.numpy(), x[list(rows)])
        assert yb.dtype == np.int64


@pytest.mark.parametrize("n,batch_size,drop_last,sizes", [
    (10, 4, False, [4, 4, 2]), (10, 4, True, [4, 4]), (8, 4, False, [4, 4]),
    (8, 4, True, [4, 4]), (3, 5, False, [3]), (3, 5, True, []), (4, 1, False, [1, 1, 1, 1]),
])
def test_len_and_drop_last(n, batch_size, drop_last, sizes):
    loader = _loader(n, batch_size=batch_size, drop_last=drop_last)
    batches = _labels(loader)
    assert len(loader) == len(sizes)
    assert [len(b) for b in batches] == sizes


def test_shuffle_visits_every_sample_once_in_a_new_order_each_pass():
    loader = _loader(20, batch_size=6, shuffle=True, seed=0)
    first, second = _labels(loader), _labels(loader)
    for epoch in (first, second):
        assert sorted(sum(epoch, [])) == list(range(20))
    assert sum(first, []) != sum(second, [])
    assert sum(first, []) != list(range(20))


def test_seed_repeats_the_whole_run():
    a, b = _loader(20, batch_size=5, shuffle=True, seed=7), _loader(20, batch_size=5,
                                                                      shuffle=True, seed=7)
    assert [_labels(a), _labels(a)] == [_labels(b), _labels(b)]


def test_manual_seed_makes_default_shuffling_repeatable():
    loader = _loader(20, batch_size=5, shuffle=True)
    minigrad.manual_seed(11)
    first = _labels(loader)
    minigrad.manual_seed(11)
    assert _labels(loader) == first
    minigrad.manual_seed(12)
    assert _labels(loader) != first


def test_generator_argument():
    order = np.random.default_rng(3).permutation(12)
    loader = _loader(12, batch_size=12, shuffle=True, generator=np.random.default_rng(3))
    assert _labels(loader) == [order.tolist()]
    with pytest.raises(ValueError, match="either generator or seed"):
        _loader(generator=np.random.default_rng(0), seed=1)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        _loader(generator=3)


@pytest.mark.parametrize("bad", [0, -2, 1.5, True])  # None turns batching off
def test_batch_size_must_be_positive_int(bad):
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        _loader(batch_size=bad)


def test_fast_path_does_not_index_samples_one_by_one(monkeypatch):
    def forbidden(self, index):
        raise AssertionError("per-sample __getitem__ called")

    monkeypatch.setattr(data.TensorDataset, "__getitem__", forbidden)
    loader = _loader(10, batch_size=4, shuffle=True, seed=0)
    assert sorted(sum(_labels(loader), [])) == list(range(10))
    subset = data.Subset(loader.dataset, [9, 1, 4])
    (xb, yb), = data.DataLoader(subset, batch_size=3)
    assert (yb.numpy() // 10).tolist() == [9, 1, 4]


class _Pairs(data.Dataset):
    """A map-style dataset that builds each sample in Python (the slow path)."""

    def __init__(self, n):
        self.x, self.y = _arrays(n)

    def __getitem__(self, i):
        return minigrad.tensor(self.x[i]), int(self.y[i])

    def __len__(self):
        return len(self.y)


def test_per_sample_path_matches_fast_path():
    x, y = _arrays(10)
    slow = data.DataLoader(_Pairs(10), batch_size=3, shuffle=True, seed=1)
    fast = _loader(10, batch_size=3, shuffle=True, seed=1)
    for (xs, ys), (xf, yf) in zip(slow, fast):
        np.testing.assert_array_equal(xs.numpy(), xf.numpy())
        np.testing.assert_array_equal(ys.numpy(), yf.numpy())
        assert ys.dtype == np.int64 and xs.dtype == np.float32


def test_plain_sequence_dict_samples_and_custom_collate():
    samples = [{"x": np.full(2, i, np.float32), "label": i, "name": f"s{i}"} for i in range(5)]
    batch = next(iter(data.DataLoader(samples, batch_size=5)))
    assert batch["x"].shape == (5, 2) and batch["label"].numpy().tolist() == [0, 1, 2, 3, 4]
    assert batch["name"] == ["s0", "s1", "s2", "s3", "s4"]
    loader = data.DataLoader(samples, batch_size=2, collate_fn=lambda s: len(s))
    assert list(loader) == [2, 2, 1]


def test_collate_numbers_and_errors():
    floats = data.default_collate([1.5, 2.5])  # Python floats are float64, as in PyTorch
    assert floats.dtype == np.float64 and floats.numpy().tolist() == [1.5, 2.5]
    with pytest.raises(RuntimeError, match=r"equal size, but got shapes \[\(2,\), \(3,\)\]"):
        data.default_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(TypeError, match="pass a collate_fn"):
        data.default_collate([object(), object()])
