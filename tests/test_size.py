"""minigrad/size.py: Size behaves and prints like torch.Size."""
import pickle

import pytest

import minigrad


def test_shape_and_size_are_sizes_that_print_like_torch():
    torch = pytest.importorskip("torch")
    x, tx = minigrad.zeros(2, 3), torch.zeros(2, 3)
    for ours, theirs in ((x.shape, tx.shape), (x.size(), tx.size()),
                         (minigrad.zeros(()).shape, torch.zeros(()).shape),
                         (x.shape[1:], tx.shape[1:]), (x.shape + (4,), tx.shape + (4,)),
                         ((1,) + x.shape, (1,) + tx.shape)):
        assert isinstance(ours, minigrad.Size)
        assert repr(ours) == repr(theirs).replace("torch", "minigrad") == str(ours)
        assert ours.numel() == theirs.numel()
    assert x.size(1) == 3 and x.size(-2) == 2 and isinstance(x.size(0), int)


def test_size_is_a_tuple():
    s = minigrad.Size([2, 3])
    assert s == (2, 3) and s[0] == 2 and len(s) == 2 and hash(s) == hash((2, 3))
    assert pickle.loads(pickle.dumps(s)) == s and isinstance(pickle.loads(pickle.dumps(s)),
                                                              minigrad.Size)
    assert minigrad.Size().numel() == 1
    with pytest.raises(TypeError, match="ints"):
        minigrad.Size([2.5])
