"""The 3-D convolutions: F.conv3d, F.conv_transpose3d and the layers Conv3d,
ConvTranspose3d, LazyConv3d (minigrad/nn/functional/convolution.py, minigrad/nn/conv.py).

conv3d is built from the depth windows (``unfold`` with a (KD, 1) kernel) and one
``conv2d``; conv_transpose3d from ``conv_transpose2d`` and ``fold`` along the depth. The
oracles: naive loops written here, the adjoint identity between the two, central
differences (gradcheck, gradgradcheck), and PyTorch on hypothesis-drawn configurations
(values, dtypes, shapes, first and second derivatives, and which calls raise).
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.testing import gradcheck, gradgradcheck
from minigrad.testing.strategies import conv2d_configs

from differential import both_raise, compare, f64, two_derivatives

torch = pytest.importorskip("torch")

SEED = st.integers(0, 2**31 - 1)


def conv3d_configs(**kwargs):
    return conv2d_configs(spatial=3, **kwargs)


def _arrays(cfg, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(cfg["input_shape"]), rng.standard_normal(cfg["weight_shape"])
    b = rng.standard_normal(cfg["weight_shape"][0]) if cfg["bias"] else None
    return x, w, b


def _geometry(cfg):
    return dict(stride=cfg["stride"], padding=cfg["padding"], dilation=cfg["dilation"],
                groups=cfg["groups"])


# --- an independent oracle: loops over output cells -----------------------------------------
def naive_conv3d(x, w, b, stride, padding, dilation, groups):
    """Direct cross-correlation of a batched (N, C, D, H, W) x, one output cell at a time."""
    n, c = x.shape[:2]
    f, cg = w.shape[:2]
    kernel = w.shape[2:]
    padded = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in padding])
    out_size = [(s + 2 * p - d * (k - 1) - 1) // st_ + 1 for s, k, st_, p, d in
                 zip(x.shape[2:], kernel, stride, padding, dilation)]
    out = np.zeros((n, f, *out_size))
    for o in range(f):
        g = o // (f // groups)
        for cell in np.ndindex(*out_size):
            window = padded[(slice(None), slice(g * cg, (g + 1) * cg)) + tuple(
                slice(i * s, i * s + d * (k - 1) + 1, d)
                for i, s, d, k in zip(cell, stride, dilation, kernel))]
            out[(slice(None), o) + cell] = np.tensordot(window, w[o], axes=4)
    return out if b is None else out + b.reshape(1, f, 1, 1, 1)


@given(cfg=conv3d_configs(max_size=5), seed=SEED)
def test_conv3d_matches_naive_loops(cfg, seed):
    x, w, b = _arrays(cfg, seed)
    out = F.conv3d(minigrad.tensor(x), minigrad.tensor(w),
                   None if b is None else minigrad.tensor(b), **_geometry(cfg))
    batched = x if x.ndim == 5 else x[None]
    expected = naive_conv3d(batched, w, b, cfg["stride"], cfg["padding"], cfg["dilation"],
                            cfg["groups"])
    expected = expected if x.ndim == 5 else expected[0]
    assert out.shape == expected.shape and out.dtype == np.float64
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-10)


@given(cfg=conv3d_configs(max_size=5), seed=SEED)
def test_conv_transpose3d_is_the_adjoint_of_conv3d(cfg, seed):
    # <conv3d(x, w), y> = <x, conv_transpose3d(y, w)>, with the output padding that gives
    # back x's size.
    x, w, _ = _arrays(cfg, seed)
    x = x if x.ndim == 5 else x[None]
    geometry = _geometry(cfg)
    out = F.conv3d(minigrad.tensor(x), minigrad.tensor(w), **geometry)
    y = np.random.default_rng(seed + 1).standard_normal(out.shape)
    full = [(o - 1) * s - 2 * p + d * (k - 1) + 1 for o, s, p, d, k in
            zip(out.shape[2:], cfg["stride"], cfg["padding"], cfg["dilation"], w.shape[2:])]
    extra = tuple(n - m for n, m in zip(x.shape[2:], full))
    back = F.conv_transpose3d(minigrad.tensor(y), minigrad.tensor(w), output_padding=extra,
                              **geometry)
    assert back.shape == x.shape
    assert np.sum(out.numpy() * y) == pytest.approx(np.sum(x * back.numpy()), rel=1e-9,
                                                    abs=1e-9)


# --- PyTorch on drawn configurations ------------------------------------------------------
def values_and_two_derivatives(call, *arrays):
    """`two_derivatives`, detached: PyTorch marks every gradient of its convolution's
    double backward as requiring grad, even the bias's, which does not depend on the
    inputs (minigrad does not); the values are what is compared."""
    program = two_derivatives(call, *arrays)
    return lambda lib: [None if t is None else t.detach() for t in program(lib)]


def _conv3d_program(cfg, x, w, b):
    def call(lib, x, w, *b):
        return lib.nn.functional.conv3d(x, w, *b, **_geometry(cfg))
    return call, (x, w) + (() if b is None else (b,))


@given(cfg=conv3d_configs(max_size=6, max_groups=3), seed=SEED)
def test_conv3d_values_and_gradients_match_torch(cfg, seed):
    call, arrays = _conv3d_program(cfg, *_arrays(cfg, seed))

    def program(lib):
        inputs = [f64(lib, a, requires_grad=True) for a in arrays]
        out = call(lib, *inputs)
        out.backward(f64(lib, np.cos(np.arange(out.numel())).reshape(tuple(out.shape))))
        return out, [t.grad for t in inputs]

    compare(program, f"conv3d {cfg}", rtol=1e-9, atol=1e-10)


@given(cfg=conv3d_configs(max_batch=1, max_channels=2, max_size=4, max_kernel=2), seed=SEED)
def test_conv3d_second_derivatives_match_torch(cfg, seed):
    call, arrays = _conv3d_program(cfg, *_arrays(cfg, seed))
    compare(values_and_two_derivatives(call, *arrays), f"conv3d {cfg}", rtol=1e-9, atol=1e-10)


@st.composite
def transposed_configs(draw, max_size=4):
    """conv_transpose3d configurations: output_padding below the stride or the dilation,
    and an output of at least one cell per dim."""
    cfg = draw(conv3d_configs(max_size=max_size, max_kernel=3))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1))
                           for s, d in zip(cfg["stride"], cfg["dilation"]))
    size = [(n - 1) * s - 2 * p + d * (k - 1) + o + 1 for n, s, p, d, k, o in
            zip(cfg["input_shape"][-3:], cfg["stride"], cfg["padding"], cfg["dilation"],
                cfg["weight_shape"][2:], output_padding)]
    if min(size) < 1:
        cfg["padding"] = (0, 0, 0)
    c_out, c_in_per_group = cfg["weight_shape"][:2]
    g = cfg["groups"]  # the weight of a transposed convolution is (C_in, C_out / G, ...)
    cfg["weight_shape"] = (c_in_per_group * g, c_out // g) + cfg["weight_shape"][2:]
    return dict(cfg, output_padding=output_padding)


@given(cfg=transposed_configs(), seed=SEED)
def test_conv_transpose3d_values_and_gradients_match_torch(cfg, seed):
    x, w, _ = _arrays(cfg, seed)
    c_out = cfg["weight_shape"][1] * cfg["groups"]
    arrays = (x, w) + ((np.linspace(-1, 1, c_out),) if cfg["bias"] else ())

    def program(lib):
        inputs = [f64(lib, a, requires_grad=True) for a in arrays]
        out = lib.nn.functional.conv_transpose3d(
            *inputs, stride=cfg["stride"], padding=cfg["padding"],
            output_padding=cfg["output_padding"], groups=cfg["groups"],
            dilation=cfg["dilation"])
        out.backward(f64(lib, np.sin(np.arange(out.numel())).reshape(tuple(out.shape))))
        return out, [t.grad for t in inputs]

    compare(program, f"conv_transpose3d {cfg}", rtol=1e-9, atol=1e-10)


def test_conv_transpose3d_second_derivatives_match_torch():
    rng = np.random.default_rng(3)
    x, w, b = (rng.standard_normal((1, 4, 2, 3, 2)), rng.standard_normal((4, 1, 2, 2, 3)),
               rng.standard_normal(2))
    call = lambda lib, x, w, b: lib.nn.functional.conv_transpose3d(  # noqa: E731
        x, w, b, stride=(2, 1, 2), padding=(1, 0, 1), output_padding=(1, 0, 0), groups=2,
        dilation=(1, 2, 1))
    compare(values_and_two_derivatives(call, x, w, b), rtol=1e-9, atol=1e-10)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@given(kernel=st.tuples(*[st.integers(1, 4)] * 3), dilation=st.tuples(*[st.integers(1, 2)] * 3),
       size=st.tuples(*[st.integers(1, 5)] * 3), padding=st.sampled_from(["same", "valid"]),
       seed=SEED)
def test_conv3d_padding_strings_match_torch(kernel, dilation, size, padding, seed):
    # 'same' with an odd total padding puts the extra cell at the back/bottom/right.
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal((2, 2) + size), rng.standard_normal((3, 2) + kernel)

    def program(lib):
        xt, wt = f64(lib, x, True), f64(lib, w, True)
        out = lib.nn.functional.conv3d(xt, wt, padding=padding, dilation=dilation)
        out.sum().backward()
        return out, xt.grad, wt.grad

    compare(program, f"conv3d padding={padding!r}", rtol=1e-9, atol=1e-10)


def test_float32_stays_float32_and_matches_torch():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 4, 5, 6, 5)).astype(np.float32)
    w = rng.standard_normal((6, 2, 3, 2, 3)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    wt = rng.standard_normal((6, 2, 2, 3, 2)).astype(np.float32)

    def program(lib):
        xs = [lib.tensor(a, requires_grad=True) for a in (x, w, b, wt)]
        y = lib.nn.functional.conv3d(xs[0], xs[1], xs[2], stride=(1, 2, 1), padding=1,
                                     groups=2)
        z = lib.nn.functional.conv_transpose3d(y, xs[3], stride=2, output_padding=1,
                                               groups=2)
        z.sum().backward()
        return y, z, [t.grad for t in xs]

    compare(program, "float32", rtol=2e-4, atol=2e-4)


# --- gradients by central differences (float64) ---------------------------------------------
@given(cfg=conv3d_configs(max_batch=1, max_channels=2, max_size=4, max_kernel=2), seed=SEED)
def test_conv3d_gradcheck(cfg, seed):
    x, w, b = _arrays(cfg, seed)
    inputs = [minigrad.tensor(a, requires_grad=True) for a in (x, w) + (() if b is None
                                                                        else (b,))]
    fn = lambda *t: F.conv3d(*t, **_geometry(cfg))  # noqa: E731
    assert gradcheck(fn, inputs)


@given(cfg=transposed_configs(max_size=3), seed=SEED)
def test_conv_transpose3d_gradcheck(cfg, seed):
    x, w, _ = _arrays(cfg, seed)
    inputs = [minigrad.tensor(a, requires_grad=True) for a in (x, w)]

    def fn(x, w):
        return F.conv_transpose3d(x, w, stride=cfg["stride"], padding=cfg["padding"],
                                  output_padding=cfg["output_padding"],
                                  groups=cfg["groups"], dilation=cfg["dilation"])
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize("fn, shapes", [
    (lambda x, w, b: F.conv3d(x, w, b, stride=(1, 2, 1), padding=(1, 0, 1), dilation=(2, 1, 1),
                              groups=2), [(1, 4, 4, 3, 3), (2, 2, 2, 2, 1), (2,)]),
    (lambda x, w, b: F.conv_transpose3d(x, w, b, stride=2, padding=(0, 1, 0),
                                        output_padding=(1, 0, 1)),
     [(1, 2, 2, 2, 2), (2, 1, 2, 2, 2), (1,)]),
], ids=["conv3d", "conv_transpose3d"])
def test_gradgradcheck(fn, shapes):
    rng = np.random.default_rng(5)
    inputs = [minigrad.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]
    assert gradgradcheck(fn, inputs)


# --- which calls raise: PyTorch's exception types, messages naming the op and shapes ---------
def _z(lib, *shape):
    return lib.zeros(*shape)


CONV3D_ERRORS = [
    ("4-D weight", lambda L: L.nn.functional.conv3d(_z(L, 1, 1, 3, 3, 3), _z(L, 1, 1, 1, 1)),
     r"conv3d: expected a 5D weight"),
    ("3-D input", lambda L: L.nn.functional.conv3d(_z(L, 2, 3, 4), _z(L, 1, 2, 1, 1, 1)),
     r"Expected 4D \(unbatched\) or 5D \(batched\) input to conv3d, but got input of size: "
     r"\[2, 3, 4\]"),
    ("6-D input", lambda L: L.nn.functional.conv3d(_z(L, 1, 1, 2, 3, 4, 5), _z(L, 1, 1, 1, 1, 1)),
     r"input to conv3d"),
    ("channels", lambda L: L.nn.functional.conv3d(_z(L, 1, 3, 4, 4, 4), _z(L, 2, 2, 1, 1, 1)),
     r"Given groups=1, weight of size \[2, 2, 1, 1, 1\], expected input\[1, 3, 4, 4, 4\] "
     r"to have 2 channels, but got 3 channels instead"),
    ("unbatched channels", lambda L: L.nn.functional.conv3d(_z(L, 3, 4, 4, 4),
                                                            _z(L, 2, 2, 1, 1, 1)),
     r"expected input\[1, 3, 4, 4, 4\] to have 2 channels"),
    ("groups", lambda L: L.nn.functional.conv3d(_z(L, 1, 4, 4, 4, 4), _z(L, 3, 2, 1, 1, 1),
                                                groups=2), r"conv3d: .*divisible by groups"),
    ("groups 0", lambda L: L.nn.functional.conv3d(_z(L, 1, 1, 4, 4, 4), _z(L, 1, 1, 3, 3, 3),
                                                  groups=0), r"conv3d: non-positive groups"),
    ("kernel too large", lambda L: L.nn.functional.conv3d(_z(L, 1, 1, 2, 4, 4),
                                                          _z(L, 1, 1, 3, 3, 3)),
     r"conv3d: kernel size \(3, 3, 3\) .* larger than the padded input \(2, 4, 4\)"),
    ("stride 0", lambda L: L.nn.functional.conv3d(_z(L, 1, 1, 4, 4, 4), _z(L, 1, 1, 3, 3, 3),
                                                  stride=0), r"conv3d: stride must be at least 1"),
    ("stride pair", lambda L: L.nn.functional.conv3d(_z(L, 1, 1, 4, 4, 4), _z(L, 1, 1, 3, 3, 3),
                                                     stride=(1, 1)),
     r"conv3d: stride must be a single int or a tuple of 3 ints"),
    ("padding -1", lambda L: L.nn.functional.conv3d(_z(L, 1, 1, 4, 4, 4), _z(L, 1, 1, 3, 3, 3),
                                                    padding=-1), r"conv3d: padding must be at"),
    ("dilation 0", lambda L: L.nn.functional.conv3d(_z(L, 1, 1, 4, 4, 4), _z(L, 1, 1, 3, 3, 3),
                                                    dilation=(1, 0, 1)), r"conv3d: dilation"),
    ("same strided", lambda L: L.nn.functional.conv3d(
        _z(L, 1, 1, 4, 4, 4), _z(L, 1, 1, 3, 3, 3), padding="same", stride=(1, 2, 1)),
     r"conv3d: padding='same' is not supported for strided"),
    ("padding string", lambda L: L.nn.functional.conv3d(
        _z(L, 1, 1, 4, 4, 4), _z(L, 1, 1, 3, 3, 3), padding="full"),
     r"conv3d: invalid padding string 'full'"),
    ("bias", lambda L: L.nn.functional.conv3d(_z(L, 1, 1, 4, 4, 4), _z(L, 2, 1, 3, 3, 3),
                                              _z(L, 3)),
     r"conv3d: expected bias of shape \[2\] for weight of size \[2, 1, 3, 3, 3\], got \[3\]"),
    ("dtypes", lambda L: L.nn.functional.conv3d(_z(L, 1, 1, 4, 4, 4),
                                                _z(L, 1, 1, 3, 3, 3).double()),
     r"conv3d: input type \(float32\) and weight type \(float64\)"),
    ("transposed channels", lambda L: L.nn.functional.conv_transpose3d(
        _z(L, 1, 3, 4, 4, 4), _z(L, 2, 2, 1, 1, 1)),
     r"conv_transpose3d: given transposed=1, weight of size \[2, 2, 1, 1, 1\], expected "
     r"input\[1, 3, 4, 4, 4\] to have 2 channels"),
    ("transposed output padding", lambda L: L.nn.functional.conv_transpose3d(
        _z(L, 1, 2, 4, 4, 4), _z(L, 2, 2, 1, 1, 1), output_padding=(0, 1, 0)),
     r"conv_transpose3d: output padding must be smaller than either stride or dilation"),
    ("transposed 3-D input", lambda L: L.nn.functional.conv_transpose3d(
        _z(L, 2, 4, 4), _z(L, 2, 2, 1, 1, 1)),
     r"conv_transpose3d: expected 4D \(unbatched\) or 5D \(batched\) input"),
    ("transposed too small", lambda L: L.nn.functional.conv_transpose3d(
        _z(L, 1, 2, 1, 1, 1), _z(L, 2, 2, 1, 1, 1), padding=1),
     r"conv_transpose3d: given input size per channel \(1, 1, 1\), the calculated output "
     r"size per channel \(-1, -1, -1\) is too small"),
    ("transposed bias", lambda L: L.nn.functional.conv_transpose3d(
        _z(L, 1, 2, 2, 2, 2), _z(L, 2, 2, 1, 1, 1), _z(L, 3)),
     r"conv_transpose3d: expected bias of shape \(2,\), got \(3,\)"),
    ("transposed stride pair", lambda L: L.nn.functional.conv_transpose3d(
        _z(L, 1, 2, 2, 2, 2), _z(L, 2, 2, 1, 1, 1), stride=(1, 1)),
     r"conv_transpose3d: stride must be a single int or a tuple of 3 ints"),
    ("layer channels", lambda L: L.nn.Conv3d(2, 1, 3)(_z(L, 1, 3, 4, 4, 4)),
     r"Conv3d\(in_channels=2\) got input of shape \(1, 3, 4, 4, 4\); expected "
     r"\(N, 2, D, H, W\)"),
]


@pytest.mark.parametrize("program, match", [(p, m) for _, p, m in CONV3D_ERRORS],
                         ids=[name for name, _, _ in CONV3D_ERRORS])
def test_errors_match_torch(program, match):
    both_raise(program, RuntimeError, match)


@pytest.mark.parametrize("make, match", [
    (lambda nn: nn.Conv3d(3, 2, 3, groups=2), "divisible by groups"),
    (lambda nn: nn.Conv3d(1, 1, 3, padding_mode="foo"), "padding_mode must be one of"),
    (lambda nn: nn.Conv3d(1, 1, 3, padding="same", stride=(1, 1, 2)), "strided"),
    (lambda nn: nn.ConvTranspose3d(1, 1, 3, padding_mode="reflect"),
     'Only "zeros" padding mode is supported for ConvTranspose3d'),
], ids=["groups", "padding_mode", "same strided", "transposed padding_mode"])
def test_layer_arguments_refused_at_construction(make, match):
    with pytest.raises(ValueError):
        make(torch.nn)
    with pytest.raises(ValueError, match=match):
        make(nn)


# --- the layers ---------------------------------------------------------------------------
def _same_module(make, x, **call):
    """The layer made by ``make(lib.nn)`` in both libraries, torch's weights copied into
    ours: outputs and every gradient agree (float64)."""
    torch.manual_seed(0)
    theirs = make(torch.nn).double()
    mine = make(nn).double()
    mine.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    assert repr(mine) == repr(theirs)
    xt, xm = torch.tensor(x, requires_grad=True), minigrad.tensor(x, requires_grad=True)
    yt, ym = theirs(xt, **call), mine(xm, **call)
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), atol=1e-10)
    r = np.cos(np.arange(ym.numel())).reshape(ym.shape)
    (yt * torch.tensor(r)).sum().backward()
    (ym * minigrad.tensor(r)).sum().backward()
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), atol=1e-10)
    grads = dict(theirs.named_parameters())
    for name, param in mine.named_parameters():
        np.testing.assert_allclose(param.grad.numpy(), grads[name].grad.numpy(), atol=1e-10)


@pytest.mark.parametrize("make, shape", [
    (lambda nn: nn.Conv3d(4, 6, (3, 2, 3), stride=(2, 1, 1), padding=(1, 0, 2), groups=2),
     (2, 4, 5, 4, 6)),
    (lambda nn: nn.Conv3d(2, 3, 3, padding="same", dilation=(1, 2, 1), bias=False),
     (2, 5, 4, 6)),
    (lambda nn: nn.ConvTranspose3d(4, 2, (2, 3, 2), stride=2, padding=(0, 1, 1),
                                   output_padding=(1, 0, 1), groups=2), (1, 4, 3, 2, 3)),
] + [(lambda nn, mode=mode, pad=pad: nn.Conv3d(2, 3, (3, 2, 3), padding=pad,
                                                padding_mode=mode), (1, 2, 4, 5, 4))
     for mode in ("reflect", "replicate", "circular") for pad in ((1, 1, 2), "same")]
  + [(lambda nn, mode=mode: nn.Conv1d(2, 3, 3, padding=2, padding_mode=mode), (2, 2, 7))
     for mode in ("reflect", "circular")]
  + [(lambda nn: nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode="replicate"),
      (1, 2, 4, 5))])
@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_layers_match_torch(make, shape):
    _same_module(make, np.random.default_rng(6).standard_normal(shape))


def test_conv_transpose3d_output_size_picks_the_output_padding():
    _same_module(lambda nn: nn.ConvTranspose3d(2, 3, 3, stride=2, padding=1),
                 np.random.default_rng(7).standard_normal((1, 2, 3, 4, 3)),
                 output_size=(6, 8, 5))


def test_lazy_conv3d_layers_read_in_channels():
    for lazy, plain, weight in ((nn.LazyConv3d(4, 3), nn.Conv3d, (4, 3, 3, 3, 3)),
                                (nn.LazyConvTranspose3d(4, 2, stride=2), nn.ConvTranspose3d,
                                 (3, 4, 2, 2, 2))):
        out = lazy(minigrad.randn(2, 3, 5, 5, 5))
        assert type(lazy) is plain and lazy.weight.shape == weight
        assert out.shape[:2] == (2, 4)


def test_layer_init_and_state_dict_match_torch_shapes():
    ours, theirs = nn.Conv3d(4, 8, (3, 1, 2), groups=2), torch.nn.Conv3d(4, 8, (3, 1, 2), groups=2)
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    bound = 1 / np.sqrt(2 * 3 * 1 * 2)
    assert ours.weight.dtype == np.float32 and np.abs(ours.weight.detach().numpy()).max() <= bound
    assert not isinstance(ours, nn.Conv2d) and not isinstance(nn.ConvTranspose3d(1, 1, 1),
                                                               nn.ConvTranspose2d)


def test_top_level_names_are_the_functional_ones():
    assert minigrad.conv3d is F.conv3d and minigrad.conv_transpose3d is F.conv_transpose3d


def test_a_small_3d_cnn_learns():
    minigrad.manual_seed(0)
    rng = np.random.default_rng(8)
    x = rng.standard_normal((8, 1, 8, 8, 8)).astype(np.float32)
    y = (x[:, 0, :4].mean(axis=(1, 2, 3)) > x[:, 0, 4:].mean(axis=(1, 2, 3))).astype(np.int64)
    model = nn.Sequential(nn.Conv3d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool3d(2),
                          nn.ConvTranspose3d(4, 4, 2, stride=2), nn.AvgPool3d(2),
                          nn.AdaptiveAvgPool3d((2, 1, 1)), nn.Flatten(), nn.Linear(8, 2))
    opt = minigrad.optim.Adam(model.parameters(), lr=0.02)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = F.cross_entropy(model(minigrad.tensor(x)), minigrad.tensor(y))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert loss.dtype == np.float32 and losses[-1] < 0.5 * losses[0]
