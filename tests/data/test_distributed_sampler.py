"""DistributedSampler: the same index lists as PyTorch without shuffling, and with it the
properties PyTorch's have (minigrad's randperm is not PyTorch's stream): the replicas
partition one padded (or cut) permutation, set_epoch changes it deterministically; the
errors PyTorch raises without a process group."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minigrad.utils.data import DistributedSampler
from minigrad.utils.data.distributed import DistributedSampler as ByPath

torch = pytest.importorskip("torch")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 30), st.integers(1, 6), st.booleans(), st.data())
def test_unshuffled_indices_and_lengths_equal_torch(n, replicas, drop_last, data):
    rank = data.draw(st.integers(0, replicas - 1))
    ours = DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
    theirs = torch.utils.data.DistributedSampler(range(n), replicas, rank, shuffle=False,
                                                 drop_last=drop_last)
    assert list(ours) == list(theirs)
    assert (len(ours), ours.num_samples, ours.total_size) == \
        (len(theirs), theirs.num_samples, theirs.total_size)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(1, 6), st.booleans(), st.integers(0, 100))
def test_shuffled_replicas_partition_one_permutation(n, replicas, drop_last, seed):
    samplers = [DistributedSampler(range(n), replicas, r, seed=seed, drop_last=drop_last)
                for r in range(replicas)]
    shares = [list(s) for s in samplers]
    reference = torch.utils.data.DistributedSampler(range(n), replicas, 0,
                                                    drop_last=drop_last)
    assert all(len(share) == len(reference) for share in shares)
    together = [i for row in zip(*shares) for i in row]  # the interleaved total order
    assert len(together) == reference.total_size
    if drop_last:
        assert len(set(together)) == len(together)  # no index twice
    else:
        assert set(together) == set(range(n))       # every index, padded with repeats
        head = together[:n]
        assert sorted(head) == list(range(n))
        assert together[n:] == (head * (len(together) // n + 1))[:len(together) - n]


def test_set_epoch_changes_the_order_deterministically():
    a, b = DistributedSampler(range(50), 2, 1, seed=3), DistributedSampler(range(50), 2, 1, seed=3)
    first = list(a)
    assert first == list(a) == list(b)
    a.set_epoch(1)
    b.set_epoch(1)
    assert list(a) == list(b) != first
    assert list(DistributedSampler(range(50), 2, 1, seed=4)) != first
    assert ByPath is DistributedSampler


@pytest.mark.parametrize("kwargs", [{}, {"num_replicas": 2}, {"rank": 0},
                                    {"num_replicas": 2, "rank": 2},
                                    {"num_replicas": 2, "rank": -1}])
def test_missing_or_bad_replicas_raise_as_in_torch(kwargs):
    with pytest.raises(ValueError):
        torch.utils.data.DistributedSampler(range(10), **kwargs)
    with pytest.raises(ValueError):
        DistributedSampler(range(10), **kwargs)


def test_attributes_match_torch():
    ours = DistributedSampler(range(10), 3, 1, shuffle=False, seed=7, drop_last=True)
    theirs = torch.utils.data.DistributedSampler(range(10), 3, 1, shuffle=False, seed=7,
                                                 drop_last=True)
    for name in ("num_replicas", "rank", "epoch", "drop_last", "shuffle", "seed",
                 "num_samples", "total_size"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert np.array_equal(list(ours), list(theirs))
