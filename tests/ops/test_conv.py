"""minigrad/ops/conv.py: unfold (im2col), fold (col2im) and conv2d.

Every expected value comes from an independent oracle: naive nested loops written here,
central finite differences (gradcheck; gradgradcheck and a Hessian-vector check for double backward) or
torch.nn.functional. Property tests draw their configurations with hypothesis (15 examples
each in the quick profile, 300 in the thorough one).
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad.nn.functional as F
from minigrad.tensor import Tensor
from minigrad.testing.gradcheck import gradcheck, gradgradcheck

from second_order import double_backward_check
from minigrad.testing.strategies import conv2d_configs

try:
    import torch
    import torch.nn.functional as TF
except ImportError:  # pragma: no cover - the torch comparisons skip
    torch = None


# --- naive references ------------------------------------------------------------------
def naive_conv2d(x, w, b, stride, padding, dilation, groups):
    """Direct cross-correlation with explicit loops; x is (N, C, H, W)."""
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, f, oh, ow))
    fg = f // groups
    for b_ in range(n):
        for o in range(f):
            g = o // fg
            for y in range(oh):
                for z in range(ow):
                    acc = 0.0 if b is None else b[o]
                    for ci in range(cg):
                        for i in range(kh):
                            for j in range(kw):
                                r = y * sh - ph + i * dh
                                s = z * sw - pw + j * dw
                                if 0 <= r < h and 0 <= s < wd:
                                    acc += w[o, ci, i, j] * x[b_, g * cg + ci, r, s]
                    out[b_, o, y, z] = acc
    return out


def naive_unfold(x, kernel, dilation, padding, stride):
    """im2col in PyTorch's layout (N, C*KH*KW, L), rows ordered (c, i, j)."""
    n, c, h, w = x.shape
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = kernel, dilation, padding, stride
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, c * kh * kw, oh * ow))
    for b in range(n):
        for ci in range(c):
            for i in range(kh):
                for j in range(kw):
                    row = (ci * kh + i) * kw + j
                    for y in range(oh):
                        for z in range(ow):
                            r, s = y * sh - ph + i * dh, z * sw - pw + j * dw
                            if 0 <= r < h and 0 <= s < w:
                                out[b, row, y * ow + z] = x[b, ci, r, s]
    return out


def _rng(seed):
    return np.random.default_rng(seed)


def _conv_inputs(cfg, seed, dtype=np.float64):
    rng = _rng(seed)
    x = Tensor(rng.standard_normal(cfg["input_shape"]), dtype=dtype, requires_grad=True)
    w = Tensor(rng.standard_normal(cfg["weight_shape"]), dtype=dtype, requires_grad=True)
    b = (Tensor(rng.standard_normal(cfg["weight_shape"][0]), dtype=dtype, requires_grad=True)
         if cfg["bias"] else None)
    return x, w, b


def _conv_fn(cfg):
    def fn(x, w, b=None):
        return F.conv2d(x, w, b, stride=cfg["stride"], padding=cfg["padding"],
                        dilation=cfg["dilation"], groups=cfg["groups"])
    return fn


def _batched_np(a):
    return a if a.ndim == 4 else a[None]


# --- second derivatives -------------------------------------------------------------------
# --- conv2d forward and gradients ------------------------------------------------------
@given(cfg=conv2d_configs(), seed=st.integers(0, 2**31 - 1))
def test_conv2d_forward_matches_naive_loop(cfg, seed):
    x, w, b = _conv_inputs(cfg, seed)
    out = _conv_fn(cfg)(x, w, b)
    expected = naive_conv2d(_batched_np(x.detach().numpy()), w.detach().numpy(),
                            None if b is None else b.detach().numpy(), cfg["stride"], cfg["padding"],
                            cfg["dilation"], cfg["groups"])
    if len(cfg["input_shape"]) == 3:
        expected = expected[0]
    assert out.shape == expected.shape
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-10, atol=1e-10)


@given(cfg=conv2d_configs(max_batch=2, max_channels=2, max_size=5),
       seed=st.integers(0, 2**31 - 1))
def test_conv2d_gradients_match_finite_differences(cfg, seed):
    x, w, b = _conv_inputs(cfg, seed)
    inputs = [x, w] + ([b] if b is not None else [])
    assert gradcheck(_conv_fn(cfg), inputs)


@given(cfg=conv2d_configs(max_batch=1, max_channels=2, max_size=4, max_kernel=2),
       seed=st.integers(0, 2**31 - 1))
def test_conv2d_double_backward(cfg, seed):
    x, w, b = _conv_inputs(cfg, seed)
    inputs = [x, w] + ([b] if b is not None else [])
    double_backward_check(_conv_fn(cfg), inputs)
    assert gradgradcheck(_conv_fn(cfg), inputs)


def test_conv2d_double_backward_fixed_with_bias_groups_dilation():
    rng = _rng(1)
    x = Tensor(rng.standard_normal((2, 4, 5, 5)), requires_grad=True)
    w = Tensor(rng.standard_normal((2, 2, 2, 2)), requires_grad=True)
    b = Tensor(rng.standard_normal(2), requires_grad=True)
    fn = lambda x, w, b: F.conv2d(x, w, b, stride=(1, 2), padding=1, dilation=(2, 1),
                                  groups=2)
    double_backward_check(fn, [x, w, b])
    assert gradgradcheck(fn, [x, w, b])


def test_conv2d_unbatched_equals_batched_of_one():
    rng = _rng(2)
    xa = rng.standard_normal((3, 6, 5))
    wa = rng.standard_normal((4, 3, 3, 2))
    x = Tensor(xa, requires_grad=True)
    out = F.conv2d(x, Tensor(wa), padding=(1, 0), stride=(2, 1))
    assert out.shape == (4, 3, 4)
    np.testing.assert_allclose(out.detach().numpy(), naive_conv2d(xa[None], wa, None, (2, 1), (1, 0),
                                                         (1, 1), 1)[0], atol=1e-12)
    assert gradcheck(lambda x: F.conv2d(x, Tensor(wa), padding=(1, 0), stride=(2, 1)), [x])


def test_conv2d_accepts_int_and_pair_arguments():
    rng = _rng(3)
    xa, wa = rng.standard_normal((1, 2, 7, 7)), rng.standard_normal((3, 2, 3, 3))
    a = F.conv2d(Tensor(xa), Tensor(wa), stride=2, padding=1, dilation=1).numpy()
    b = F.conv2d(Tensor(xa), Tensor(wa), stride=(2, 2), padding=(1, 1), dilation=(1, 1))
    expected = naive_conv2d(xa, wa, None, (2, 2), (1, 1), (1, 1), 1)
    np.testing.assert_allclose(a, expected, atol=1e-12)
    np.testing.assert_allclose(b.numpy(), expected, atol=1e-12)


# --- padding='same' / 'valid' ----------------------------------------------------------
def _naive_same(xa, wa, dilation):
    """'same' by explicit padding: total D(K-1), the odd pixel right/bottom."""
    kh, kw = wa.shape[2:]
    th, tw = dilation[0] * (kh - 1), dilation[1] * (kw - 1)
    padded = np.pad(xa, ((0, 0), (0, 0), (th // 2, th - th // 2), (tw // 2, tw - tw // 2)))
    return naive_conv2d(padded, wa, None, (1, 1), (0, 0), dilation, 1)


@given(kh=st.integers(1, 4), kw=st.integers(1, 4), dh=st.integers(1, 2),
       dw=st.integers(1, 2), h=st.integers(1, 6), w=st.integers(1, 6),
       seed=st.integers(0, 2**31 - 1))
def test_conv2d_same_padding_keeps_size_extra_pixel_right_bottom(kh, kw, dh, dw, h, w, seed):
    rng = _rng(seed)
    xa, wa = rng.standard_normal((1, 2, h, w)), rng.standard_normal((2, 2, kh, kw))
    x = Tensor(xa, requires_grad=True)
    out = F.conv2d(x, Tensor(wa), padding="same", dilation=(dh, dw))
    assert out.shape == (1, 2, h, w)
    np.testing.assert_allclose(out.detach().numpy(), _naive_same(xa, wa, (dh, dw)), atol=1e-10)
    assert gradcheck(lambda x: F.conv2d(x, Tensor(wa), padding="same", dilation=(dh, dw)),
                     [x])


@pytest.mark.parametrize("kernel,dilation", [((2, 2), (1, 1)), ((4, 3), (1, 1)),
                                             ((2, 3), (3, 1)), ((3, 3), (2, 2))])
@pytest.mark.filterwarnings("ignore:Using padding=.same.")
def test_conv2d_same_padding_matches_torch(kernel, dilation):
    pytest.importorskip("torch")
    rng = _rng(4)
    xa, wa = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3) + kernel)
    x = Tensor(xa, requires_grad=True)
    w = Tensor(wa, requires_grad=True)
    out = F.conv2d(x, w, padding="same", dilation=dilation)
    tx = torch.tensor(xa, requires_grad=True)
    tw = torch.tensor(wa, requires_grad=True)
    tout = TF.conv2d(tx, tw, padding="same", dilation=dilation)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), atol=1e-10)
    g = rng.standard_normal(tout.shape)
    (out * Tensor(g)).sum().backward()
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), atol=1e-10)


def test_conv2d_valid_padding_is_zero_padding():
    rng = _rng(5)
    xa, wa = rng.standard_normal((2, 2, 5, 6)), rng.standard_normal((3, 2, 2, 3))
    out = F.conv2d(Tensor(xa), Tensor(wa), padding="valid", stride=(1, 2))
    np.testing.assert_allclose(out.numpy(),
                               naive_conv2d(xa, wa, None, (1, 2), (0, 0), (1, 1), 1),
                               atol=1e-12)


# --- unfold / fold -----------------------------------------------------------------------
@st.composite
def unfold_configs(draw):
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    min_h = max(1, dh * (kh - 1) + 1 - 2 * ph)
    min_w = max(1, dw * (kw - 1) + 1 - 2 * pw)
    h, w = draw(st.integers(min_h, min_h + 5)), draw(st.integers(min_w, min_w + 5))
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    return dict(shape=(n, c, h, w), kernel=(kh, kw), dilation=(dh, dw), padding=(ph, pw),
                stride=(sh, sw))


@given(cfg=unfold_configs(), seed=st.integers(0, 2**31 - 1))
def test_unfold_fold_are_adjoint(cfg, seed):
    rng = _rng(seed)
    geo = dict(kernel_size=cfg["kernel"], dilation=cfg["dilation"], padding=cfg["padding"],
               stride=cfg["stride"])
    x = rng.standard_normal(cfg["shape"])
    cols = F.unfold(Tensor(x), **geo)
    y = rng.standard_normal(cols.shape)
    back = F.fold(Tensor(y), cfg["shape"][2:], **geo)
    assert back.shape == cfg["shape"]
    lhs, rhs = np.sum(cols.numpy() * y), np.sum(x * back.numpy())
    assert lhs == pytest.approx(rhs, rel=1e-10, abs=1e-10)


@given(cfg=unfold_configs(), seed=st.integers(0, 2**31 - 1))
def test_unfold_matches_naive_im2col(cfg, seed):
    x = _rng(seed).standard_normal(cfg["shape"])
    cols = F.unfold(Tensor(x), cfg["kernel"], dilation=cfg["dilation"],
                    padding=cfg["padding"], stride=cfg["stride"])
    expected = naive_unfold(x, cfg["kernel"], cfg["dilation"], cfg["padding"], cfg["stride"])
    assert cols.shape == expected.shape
    np.testing.assert_array_equal(cols.numpy(), expected)


@given(cfg=unfold_configs(), seed=st.integers(0, 2**31 - 1))
def test_unfold_fold_gradients(cfg, seed):
    rng = _rng(seed)
    geo = dict(kernel_size=cfg["kernel"], dilation=cfg["dilation"], padding=cfg["padding"],
               stride=cfg["stride"])
    x = Tensor(rng.standard_normal(cfg["shape"]), requires_grad=True)
    assert gradcheck(lambda x: F.unfold(x, **geo), [x])
    shape = F.unfold(x, **geo).shape
    y = Tensor(rng.standard_normal(shape), requires_grad=True)
    assert gradcheck(lambda y: F.fold(y, cfg["shape"][2:], **geo), [y])


def test_fold_adds_overlapping_windows():
    # 1x1 image of ones unfolded with 2x2 kernel, stride 1 on a 3x3 image: each cell
    # counts how many windows cover it.
    cols = Tensor(np.ones((1, 4, 4)))
    out = F.fold(cols, (3, 3), 2)
    np.testing.assert_array_equal(out.numpy()[0, 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])


def test_unfold_matches_torch():
    pytest.importorskip("torch")
    x = _rng(6).standard_normal((2, 3, 7, 6))
    geo = dict(kernel_size=(2, 3), dilation=(2, 1), padding=(1, 2), stride=(2, 1))
    np.testing.assert_array_equal(F.unfold(Tensor(x), **geo).numpy(),
                                  TF.unfold(torch.tensor(x), **geo).numpy())
    y = _rng(7).standard_normal(F.unfold(Tensor(x), **geo).shape)
    np.testing.assert_allclose(F.fold(Tensor(y), (7, 6), **geo).numpy(),
                               TF.fold(torch.tensor(y), (7, 6), **geo).numpy(), atol=1e-12)


# --- torch comparison on random configurations ------------------------------------------
@given(cfg=conv2d_configs(max_channels=3, max_groups=3, max_size=8),
       seed=st.integers(0, 2**31 - 1))
def test_conv2d_matches_torch(cfg, seed):
    if torch is None:
        pytest.skip("torch not installed")
    x, w, b = _conv_inputs(cfg, seed)
    out = _conv_fn(cfg)(x, w, b)
    tx = torch.tensor(x.detach().numpy(), requires_grad=True)
    tw = torch.tensor(w.detach().numpy(), requires_grad=True)
    tb = None if b is None else torch.tensor(b.detach().numpy(), requires_grad=True)
    tout = TF.conv2d(tx, tw, tb, stride=cfg["stride"], padding=cfg["padding"],
                     dilation=cfg["dilation"], groups=cfg["groups"])
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-10, atol=1e-10)
    g = _rng(seed + 1).standard_normal(tuple(tout.shape))
    (out * Tensor(g)).sum().backward()
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-10, atol=1e-10)
    if b is not None:
        np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-10, atol=1e-10)


# --- dtype ------------------------------------------------------------------------------
def test_conv2d_float32_stays_float32():
    cfg = dict(input_shape=(2, 4, 6, 6), weight_shape=(6, 2, 3, 3), bias=True,
               stride=(1, 2), padding=(1, 1), dilation=(1, 1), groups=2)
    x, w, b = _conv_inputs(cfg, 8, dtype=np.float32)
    out = _conv_fn(cfg)(x, w, b)
    assert out.dtype == np.float32
    out.sum().backward()
    for t in (x, w, b):
        assert t.grad.dtype == np.float32
    expected = naive_conv2d(x.detach().numpy().astype(np.float64), w.detach().numpy().astype(np.float64),
                            b.detach().numpy().astype(np.float64), (1, 2), (1, 1), (1, 1), 2)
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-4, atol=1e-4)


def test_unfold_fold_float32_stay_float32():
    x = Tensor(np.ones((1, 2, 4, 4), np.float32), dtype=np.float32, requires_grad=True)
    cols = F.unfold(x, 2)
    assert cols.dtype == np.float32
    assert F.fold(cols, (4, 4), 2).dtype == np.float32
    cols.sum().backward()
    assert x.grad.dtype == np.float32


# --- errors -----------------------------------------------------------------------------
def _t(*shape):
    return Tensor(np.zeros(shape))


@pytest.mark.parametrize("shape", [(8, 8), (1, 1, 3, 8, 8), (5,)])
def test_conv2d_wrong_ndim(shape):
    expected = (r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got "
                r"input of size: \[" + ", ".join(map(str, shape)) + r"\]")
    with pytest.raises(RuntimeError, match=expected):
        F.conv2d(_t(*shape), _t(4, 1, 3, 3))


def test_conv2d_channel_mismatch_message():
    msg = (r"Given groups=1, weight of size \[4, 2, 3, 3\], expected input\[1, 3, 8, 8\] to "
           r"have 2 channels, but got 3 channels instead")
    with pytest.raises(RuntimeError, match=msg):
        F.conv2d(_t(1, 3, 8, 8), _t(4, 2, 3, 3))


def test_conv2d_groups_mismatch_message():
    msg = (r"Given groups=2, weight of size \[4, 2, 3, 3\], expected input\[1, 3, 8, 8\] to "
           r"have 4 channels, but got 3 channels instead")
    with pytest.raises(RuntimeError, match=msg):
        F.conv2d(_t(1, 3, 8, 8), _t(4, 2, 3, 3), groups=2)


def test_conv2d_out_channels_not_divisible_by_groups():
    with pytest.raises(RuntimeError, match="divisible by groups"):
        F.conv2d(_t(1, 4, 8, 8), _t(3, 2, 3, 3), groups=2)


@pytest.mark.parametrize("kwargs", [dict(), dict(padding=1, dilation=3)])
def test_conv2d_kernel_larger_than_padded_input(kwargs):
    with pytest.raises(RuntimeError, match="larger than the padded input"):
        F.conv2d(_t(1, 1, 4, 4), _t(1, 1, 5, 5) if not kwargs else _t(1, 1, 3, 3), **kwargs)


@pytest.mark.parametrize("kwargs,name", [(dict(stride=0), "stride"),
                                         (dict(stride=(1, -1)), "stride"),
                                         (dict(dilation=0), "dilation"),
                                         (dict(dilation=(0, 1)), "dilation")])
def test_conv2d_stride_dilation_below_one(kwargs, name):
    with pytest.raises(RuntimeError, match=f"{name} must be at least 1"):
        F.conv2d(_t(1, 1, 6, 6), _t(1, 1, 3, 3), **kwargs)


def test_conv2d_negative_padding():
    with pytest.raises(RuntimeError, match="padding must be at least 0"):
        F.conv2d(_t(1, 1, 6, 6), _t(1, 1, 3, 3), padding=-1)


def test_conv2d_bias_wrong_length():
    with pytest.raises(RuntimeError, match=r"expected bias of shape \[4\].*got \[3\]"):
        F.conv2d(_t(1, 2, 6, 6), _t(4, 2, 3, 3), _t(3))


@pytest.mark.parametrize("w_dtype,b_dtype,name", [(np.float64, None, "weight"),
                                                  (np.float32, np.float64, "bias")])
def test_conv2d_mixed_dtypes_are_an_error_not_a_float64(w_dtype, b_dtype, name):
    x = Tensor(np.zeros((1, 1, 4, 4), np.float32), dtype=np.float32)
    w = Tensor(np.zeros((1, 1, 3, 3)), dtype=w_dtype)
    b = None if b_dtype is None else Tensor(np.zeros(1), dtype=b_dtype)
    with pytest.raises(RuntimeError, match=rf"input type \(float32\) and {name} type "
                                           rf"\(float64\) should be the same"):
        F.conv2d(x, w, b)


def test_conv2d_same_with_stride_is_an_error():
    with pytest.raises(RuntimeError, match="'same' is not supported for strided"):
        F.conv2d(_t(1, 1, 6, 6), _t(1, 1, 3, 3), padding="same", stride=2)


def test_conv2d_bad_padding_string():
    with pytest.raises(RuntimeError, match="invalid padding string"):
        F.conv2d(_t(1, 1, 6, 6), _t(1, 1, 3, 3), padding="full")


def test_conv2d_zero_kernel():
    with pytest.raises(RuntimeError, match="kernel_size must be at least 1"):
        F.conv2d(_t(1, 1, 6, 6), _t(1, 1, 0, 3))


def test_unfold_errors():
    with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D"):
        F.unfold(_t(4, 4), 2)
    with pytest.raises(RuntimeError, match="kernel_size must be at least 1"):
        F.unfold(_t(1, 1, 4, 4), 0)
    with pytest.raises(RuntimeError, match="larger than the padded input"):
        F.unfold(_t(1, 1, 4, 4), 5)
    with pytest.raises(RuntimeError, match=r"fold: expected an input of shape"):
        F.fold(_t(1, 4, 5), (3, 3), 2)
