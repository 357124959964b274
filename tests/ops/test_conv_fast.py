"""minigrad/ops/conv_fast.py: the fast layout behind conv2d agrees with the im2col story.

conv2d (whose arrays come from conv_fast) is compared with conv2d_reference (unfold, one
matrix product, fold in its backward: the story of conv.py) on values, first derivatives
and second derivatives, and Convolution.backward_arrays with Convolution.backward. Every
test runs in three layouts: batch chunks of one image (so the chunk loop, and the columns
built again in the backward, always run); one chunk whose columns the backward finds
again and whose products run in blocks of one image (so every blocked product runs); and
the batch split into slices run by three threads however small it is (threads.py).
Both are also checked against finite differences and torch in test_conv.py.
"""
from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad import threads
from minigrad.autograd import engine
from minigrad.ops import conv_fast
from minigrad.ops.conv import Convolution, conv2d, conv2d_reference
from minigrad.tensor import Tensor
from minigrad.testing.strategies import conv2d_configs


@pytest.fixture(autouse=True, params=["chunks of one image", "kept columns, blocks",
                                       "slices in threads"])
def layout(request, monkeypatch):
    if request.param == "chunks of one image":
        monkeypatch.setattr(conv_fast, "CHUNK_BYTES", 1)
    elif request.param == "slices in threads":
        monkeypatch.setattr(threads, "MIN_WORK_PER_THREAD", 1)
        before = minigrad.get_num_threads()
        minigrad.set_num_threads(3)
        yield request.param
        minigrad.set_num_threads(before)
        return
    else:
        monkeypatch.setattr(conv_fast, "CHUNK_BYTES", 1 << 30)
        monkeypatch.setattr(conv_fast, "BLOCK_COLUMNS", 1)
        monkeypatch.setattr(conv_fast, "SMALL_WEIGHT", 1 << 30)
    yield request.param


def _inputs(cfg, seed, dtype=np.float64, bias=True):
    rng = np.random.default_rng(seed)
    shape = cfg["input_shape"] if len(cfg["input_shape"]) == 4 else (2,) + cfg["input_shape"]
    x = Tensor(rng.standard_normal(shape), dtype=dtype, requires_grad=True)
    w = Tensor(rng.standard_normal(cfg["weight_shape"]), dtype=dtype, requires_grad=True)
    b = Tensor(rng.standard_normal(cfg["weight_shape"][0]), dtype=dtype, requires_grad=True)
    return x, w, (b if bias and cfg["bias"] else None)


def _both(cfg):
    geometry = (cfg["stride"], cfg["padding"], cfg["dilation"], cfg["groups"])
    fast = lambda x, w, b: conv2d(x, w, b, *geometry)
    return fast, lambda x, w, b: conv2d_reference(x, w, b, *geometry)


@given(cfg=conv2d_configs(max_batch=3, max_channels=3, max_size=7),
       seed=st.integers(0, 2**31 - 1))
def test_values_and_gradients_agree_with_the_reference(cfg, seed):
    x, w, b = _inputs(cfg, seed)
    leaves = [t for t in (x, w, b) if t is not None]
    results = []
    for fn in _both(cfg):
        out = fn(x, w, b)
        g = Tensor(np.random.default_rng(seed + 1).standard_normal(out.shape))
        results.append([out] + list(engine.grad(out, leaves, g)))
    for fast, ref in zip(*results):
        np.testing.assert_allclose(fast.detach().numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-10)


@given(cfg=conv2d_configs(max_batch=2, max_channels=2, max_size=5),
       seed=st.integers(0, 2**31 - 1))
def test_second_derivatives_agree_with_the_reference(cfg, seed):
    x, w, b = _inputs(cfg, seed)
    leaves = [t for t in (x, w, b) if t is not None]
    rng = np.random.default_rng(seed + 2)
    g_array = rng.standard_normal(_both(cfg)[1](x, w, b).shape)
    directions = [Tensor(rng.standard_normal(t.shape)) for t in leaves]
    results = []
    for fn in _both(cfg):
        g = Tensor(g_array, requires_grad=True)
        grads = engine.grad(fn(x, w, b), leaves, g, create_graph=True)
        total = sum(((d * u).sum() for d, u in zip(grads, directions)), minigrad.tensor(0.0))
        results.append(engine.grad(total, leaves + [g], allow_unused=True))
    for fast, ref in zip(*results):
        assert (fast is None) == (ref is None)
        if fast is not None:
            np.testing.assert_allclose(fast.detach().numpy(), ref.detach().numpy(), rtol=1e-9, atol=1e-9)


@given(cfg=conv2d_configs(max_batch=3, max_channels=3, max_size=6),
       seed=st.integers(0, 2**31 - 1), needs_x=st.booleans())
def test_backward_arrays_agrees_with_backward(cfg, seed, needs_x):
    x, w, b = _inputs(cfg, seed)
    x.requires_grad_(needs_x)
    out = _both(cfg)[0](x, w, b)
    node = out.grad_fn
    g = np.random.default_rng(seed + 3).standard_normal(out.shape)
    with minigrad.enable_grad():
        expected = Convolution.backward(node, Tensor(g))
    got = Convolution.backward_arrays(node, g)
    assert len(got) == len(expected) == 7
    if not needs_x:
        assert got[0] is None
    for a, e in zip(got, expected):
        assert (a is None) == (e is None)
        if a is not None:
            assert isinstance(a, np.ndarray)
            np.testing.assert_allclose(a, e.detach().numpy(), rtol=1e-10, atol=1e-10)


def test_float32_stays_float32_through_the_fast_backward():
    cfg = dict(input_shape=(3, 4, 6, 6), weight_shape=(6, 2, 3, 3), bias=True,
               stride=(1, 1), padding=(1, 1), dilation=(1, 1), groups=2)
    x, w, b = _inputs(cfg, 0, dtype=np.float32)
    out = _both(cfg)[0](x, w, b)
    assert out.dtype == np.float32
    grads = Convolution.backward_arrays(out.grad_fn, np.ones(out.shape, np.float32))
    assert [a.dtype for a in grads[:3]] == [np.float32] * 3


@pytest.mark.parametrize("chunk", [1, 1 << 10, 1 << 30])
def test_any_chunk_size_gives_the_same_result(monkeypatch, chunk):
    monkeypatch.setattr(conv_fast, "CHUNK_BYTES", chunk)
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((5, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2))
    out = conv_fast.forward(x, w, None, (1, 1), (1, 0), (1, 2), 1)
    ref = conv2d_reference(Tensor(x), Tensor(w), None, (1, 1), (1, 0), (1, 2), 1)
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=1e-12, atol=1e-12)


def test_the_layouts_run_what_they_claim(layout, monkeypatch):
    lay = conv_fast.Layout((4, 2, 6, 6), (3, 2, 3, 3), (1, 1), (1, 1), (1, 1), 1, 8)
    if layout == "slices in threads":
        fills = []  # (thread, images) of every fill_columns call
        fill = conv_fast.Layout.fill_columns
        monkeypatch.setattr(conv_fast.Layout, "fill_columns", lambda self, *args: (
            fills.append((threading.get_ident(), self.n)), fill(self, *args))[1])
        w = Tensor(np.ones((3, 2, 3, 3)), requires_grad=True)
        conv2d(Tensor(np.ones((4, 2, 6, 6))), w, padding=1).sum().backward()
        # The forward filled three slices in three threads; the backward found them all.
        assert len({thread for thread, _ in fills}) == 3
        assert sorted(n for _, n in fills) == [1, 1, 2]
    elif layout == "chunks of one image":
        assert len(lay.chunks()) == 4 and not lay.whole
    else:
        assert len(lay.chunks()) == 1 and lay.whole and lay.blocks(4) == 4
        w = Tensor(np.ones((3, 2, 3, 3)), requires_grad=True)
        out = conv2d(Tensor(np.ones((4, 2, 6, 6))), w, padding=1)
        tag = conv_fast.slice_tag(out.grad_fn.columns_tag, slice(0, 4))  # one slice: small
        assert lay.kept_columns(np.float64, tag) is not None  # found again
        conv2d(Tensor(np.zeros((4, 2, 6, 6))), w, padding=1)
        assert lay.kept_columns(np.float64, tag) is None  # used by another call since


def test_stale_scratch_does_not_leak_into_a_later_call():
    """Calls with the same buffer shapes share conv_fast's scratch buffers. Dilation 1 on
    an 8-row image and dilation 2 on a 10-row one have the same shapes but drop different
    columns; a NaN gradient left by the first must not reach the second."""
    rng = np.random.default_rng(5)
    w = rng.standard_normal((2, 1, 3, 3))
    for dilation, height in ((1, 8), (2, 10)):
        x = rng.standard_normal((2, 1, height, 6))
        g = rng.standard_normal((2, 2, 6, 8 - 2 * dilation))
        if dilation == 1:
            g[:, :, :, 4:] = np.nan
        geometry = ((1, 1), (0, 1), (dilation, dilation), 1)
        _, gw, _ = conv_fast.backward(x, w, g, *geometry, (True, True, True))
        x_t, w_t = Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)
        conv2d_reference(x_t, w_t, None, *geometry).backward(Tensor(g))
        np.testing.assert_allclose(gw, w_t.grad.numpy(), rtol=1e-10, atol=1e-10)
