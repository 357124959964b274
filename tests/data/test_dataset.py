"""Dataset, TensorDataset, Subset and random_split."""
import numpy as np
import pytest

import minigrad
import minigrad.data as data


def _dataset(n=10):
    x = minigrad.tensor(np.arange(n * 3, dtype=np.float32).reshape(n, 3))
    y = minigrad.tensor(np.arange(n) % 4)
    return data.TensorDataset(x, y), x.numpy(), y.numpy()


def test_tensor_dataset_samples():
    ds, x, y = _dataset()
    assert len(ds) == 10
    xi, yi = ds[7]
    np.testing.assert_array_equal(xi.numpy(), x[7])
    assert yi.item() == y[7] and yi.dtype == np.int64
    np.testing.assert_array_equal(ds[-1][0].numpy(), x[-1])


def test_tensor_dataset_accepts_arrays():
    ds = data.TensorDataset(np.zeros((4, 2), np.float32))
    (sample,) = ds[0]
    assert isinstance(sample, minigrad.Tensor) and sample.shape == (2,)


def test_tensor_dataset_checks_first_dims():
    # PyTorch's types: it asserts the sizes, and a 0-d tensor has no dim 0
    with pytest.raises(AssertionError, match=r"Size mismatch.*same size in dimension 0, got "
                                             r"shapes \(5, 2\), \(4,\)"):
        data.TensorDataset(minigrad.zeros(5, 2), minigrad.zeros(4))
    with pytest.raises(IndexError, match="Dimension specified as 0"):
        data.TensorDataset(minigrad.tensor(1.0))
    with pytest.raises(ValueError, match="at least one tensor"):
        data.TensorDataset()


def test_tensor_dataset_get_batch_indexes_at_once():
    ds, x, y = _dataset()
    xb, yb = ds.get_batch(np.array([3, 0, 9]))
    np.testing.assert_array_equal(xb.numpy(), x[[3, 0, 9]])
    np.testing.assert_array_equal(yb.numpy(), y[[3, 0, 9]])


def test_abstract_dataset_says_what_is_missing():
    class Empty(data.Dataset):
        pass

    with pytest.raises(NotImplementedError, match="Empty must implement __getitem__"):
        Empty()[0]
    with pytest.raises(NotImplementedError, match="Empty must implement __len__"):
        len(Empty())


def test_subset():
    ds, x, _ = _dataset()
    sub = data.Subset(ds, [8, 2, 5])
    assert len(sub) == 3
    np.testing.assert_array_equal(sub[1][0].numpy(), x[2])
    np.testing.assert_array_equal(sub.get_batch(np.array([2, 0]))[0].numpy(), x[[5, 8]])


def _indices(subset):
    return [int(i) for i in subset.indices]


def test_random_split_partitions_and_repeats_with_seed():
    ds, _, _ = _dataset(10)
    parts = data.random_split(ds, [6, 4], seed=3)
    assert [len(p) for p in parts] == [6, 4]
    assert sorted(_indices(parts[0]) + _indices(parts[1])) == list(range(10))
    again = data.random_split(ds, [6, 4], seed=3)
    assert [_indices(p) for p in parts] == [_indices(p) for p in again]
    other = data.random_split(ds, [6, 4], seed=4)
    assert [_indices(p) for p in parts] != [_indices(p) for p in other]


def test_random_split_fractions():
    ds, _, _ = _dataset(10)
    assert [len(p) for p in data.random_split(ds, [0.8, 0.2], seed=0)] == [8, 2]
    # 10 * 1/3 rounds down to 3 three times: the leftover sample goes to the first part.
    assert [len(p) for p in data.random_split(ds, [1 / 3] * 3, seed=0)] == [4, 3, 3]


def test_random_split_follows_manual_seed():
    ds, _, _ = _dataset(10)
    minigrad.manual_seed(5)
    first = _indices(data.random_split(ds, [5, 5])[0])
    minigrad.manual_seed(5)
    assert _indices(data.random_split(ds, [5, 5])[0]) == first


def test_random_split_errors():
    ds, _, _ = _dataset(10)
    with pytest.raises(ValueError, match=r"sum to the length of the dataset \(10\)"):
        data.random_split(ds, [6, 3])
    with pytest.raises(ValueError, match="sum to 1"):
        data.random_split(ds, [0.5, 0.4])
    with pytest.raises(ValueError, match="either generator or seed"):
        data.random_split(ds, [5, 5], generator=np.random.default_rng(0), seed=0)


@pytest.mark.parametrize("make", [
    lambda torch: torch.utils.data.TensorDataset(torch.zeros(5, 2), torch.zeros(4)),
    lambda torch: torch.utils.data.TensorDataset(torch.tensor(1.0)),
], ids=["sizes", "0-d"])
def test_tensor_dataset_raises_pytorchs_types(make):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        make(torch)
    with pytest.raises(type(theirs.value)):
        make(minigrad)


@pytest.mark.parametrize("batch", [
    [(1, "x"), (2, "y")], [["a", 1.5], ["b", 2.5]], ["a", "b"], [{"k": ("a", 1)}, {"k": ("b", 2)}],
], ids=["tuples", "lists", "strings", "dicts"])
def test_default_collate_keeps_strings_as_pytorch(batch):
    torch = pytest.importorskip("torch")
    from differential import assert_same
    mine, theirs = data.default_collate(batch), torch.utils.data.default_collate(batch)
    assert_same(mine, theirs)
    assert _containers(mine) == _containers(theirs)  # a tuple where PyTorch has a tuple


def _containers(value):
    if isinstance(value, dict):
        return {key: _containers(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value).__name__, [_containers(v) for v in value]
    return None
