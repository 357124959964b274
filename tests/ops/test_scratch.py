"""minigrad/ops/_scratch.py: large buffers are reused only when nothing else uses them."""
import numpy as np

import minigrad
from minigrad.ops import _scratch
from minigrad.ops.conv import conv2d

BIG = (1024, 1024 + 7)  # over MIN_BYTES in float32


def test_a_free_buffer_is_handed_out_again():
    first = _scratch.empty(BIG, np.float32)
    address = first.__array_interface__["data"][0]
    del first
    again = _scratch.empty(BIG, np.float32)
    assert again.__array_interface__["data"][0] == address


def test_a_buffer_in_use_is_never_handed_out():
    held = _scratch.empty(BIG, np.float32)
    view = _scratch.empty(BIG, np.float32)[1:]  # only a view keeps this one alive
    third = _scratch.empty(BIG, np.float32)
    assert not np.shares_memory(third, held)
    assert not np.shares_memory(third, view)


def test_small_arrays_are_not_pooled():
    a = _scratch.empty((10, 10), np.float32)
    b = _scratch.empty((10, 10), np.float32)
    assert not np.shares_memory(a, b)


def test_pooled_columns_do_not_leak_between_convolutions():
    # Two graphs alive at once, with pooled (over 4 MB) columns: the second conv must not
    # overwrite the first's.
    rng = np.random.default_rng(0)
    x1, x2 = (minigrad.tensor(rng.standard_normal((8, 32, 32, 32)).astype(np.float32))
              for _ in range(2))
    w = minigrad.tensor(rng.standard_normal((8, 32, 3, 3)).astype(np.float32),
                        requires_grad=True)
    y1 = conv2d(x1, w, padding=1).sum()
    y2 = conv2d(x2, w, padding=1).sum()
    y1.backward()
    g1 = w.grad.numpy().copy()
    w.grad = None
    y2.backward()
    w.grad = None
    conv2d(x1, w, padding=1).sum().backward()  # x1's columns built afresh
    np.testing.assert_allclose(g1, w.grad.numpy(), rtol=1e-5)
