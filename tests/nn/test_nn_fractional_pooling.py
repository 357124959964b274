"""Fractional max-pooling against PyTorch: with the same _random_samples the values,
indices and gradients are PyTorch's exactly; without them the windows are drawn from
minigrad's generator (shapes and validity checked); the modules and the bad inputs."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
import minigrad.nn.functional as F
from minigrad.testing import gradgradcheck
from differential import both_raise, compare

torch = pytest.importorskip("torch")


@st.composite
def pools(draw):
    dims = draw(st.sampled_from([2, 3]))
    spatial = tuple(draw(st.integers(2, 7)) for _ in range(dims))
    kernel = tuple(draw(st.integers(1, s - 1)) for s in spatial)
    out = tuple(draw(st.integers(1, s - k + 1)) for s, k in zip(spatial, kernel))
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    channels = draw(st.integers(1, 3))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    seed = draw(st.integers(0, 2 ** 16))
    return dims, batch + (channels,) + spatial, kernel, out, dtype, seed


@settings(max_examples=40, deadline=None)
@given(pools(), st.booleans())
def test_values_indices_and_gradients_equal_torch_with_the_same_samples(pool, use_module):
    dims, shape, kernel, out, dtype, seed = pool
    rng = np.random.default_rng(seed)
    x = rng.permutation(np.prod(shape)).reshape(shape).astype(dtype)  # no ties
    N = shape[0] if len(shape) == dims + 2 else 1
    samples = rng.random((N, shape[-dims - 1], dims)).astype(dtype)

    def program(lib):
        xt = lib.tensor(x, requires_grad=True)
        s = lib.tensor(samples)
        if use_module:
            layer = getattr(lib.nn, f"FractionalMaxPool{dims}d")(
                kernel, output_size=out, return_indices=True, _random_samples=s)
            y, index = layer(xt)
        else:
            y, index = getattr(lib.nn.functional, f"fractional_max_pool{dims}d")(
                xt, kernel, out, return_indices=True, _random_samples=s)
        (g,) = lib.autograd.grad((y * y).sum() + y.sum(), xt)
        return y, index, g
    compare(program, rtol=0, atol=0)


@pytest.mark.parametrize("ratio", [(0.5, 0.5), (0.3, 0.8)])
def test_output_ratio_gives_torch_sizes(ratio):
    def program(lib):
        x = lib.zeros(2, 3, 9, 10)
        return (tuple(lib.nn.functional.fractional_max_pool2d(x, 2, output_ratio=ratio).shape),
                tuple(lib.nn.FractionalMaxPool2d(2, output_ratio=ratio[0])(x).shape))
    compare(program)


def test_without_samples_windows_come_from_minigrads_generator():
    x = minigrad.tensor(np.random.default_rng(0).standard_normal((2, 3, 11, 9)),
                        requires_grad=True)
    minigrad.manual_seed(4)
    y, index = F.fractional_max_pool2d(x, (3, 2), output_size=(4, 5), return_indices=True)
    minigrad.manual_seed(4)
    again = F.fractional_max_pool2d(x, (3, 2), output_size=(4, 5))
    assert y.shape == (2, 3, 4, 5) and index.dtype == minigrad.int64
    assert np.array_equal(y.detach().numpy(), again.detach().numpy())
    flat = x.detach().numpy().reshape(2, 3, -1)
    picked = np.take_along_axis(flat, index.numpy().reshape(2, 3, -1), 2).reshape(y.shape)
    assert np.array_equal(picked, y.detach().numpy())  # each value is at its index
    # 1 x 1 windows: each picks its own element, at strictly increasing rows and columns
    _, index = F.fractional_max_pool2d(x, 1, output_size=(4, 5), return_indices=True)
    rows, cols = index.numpy() // 9, index.numpy() % 9
    assert (np.diff(rows, axis=2) > 0).all() and (np.diff(cols, axis=3) > 0).all()
    assert (np.diff(rows, axis=3) == 0).all() and (np.diff(cols, axis=2) == 0).all()


def test_twice_differentiable():
    samples = minigrad.tensor(np.array([[[0.3, 0.7]]]))
    x = minigrad.tensor(np.random.default_rng(1).permutation(30).reshape(1, 1, 5, 6) / 7.0,
                        requires_grad=True)
    assert gradgradcheck(lambda t: F.fractional_max_pool2d(t, 2, 3, _random_samples=samples),
                         [x])


@pytest.mark.parametrize("call, error", [
    (lambda lib, x: lib.nn.functional.fractional_max_pool2d(x, 2), ValueError),
    (lambda lib, x: lib.nn.functional.fractional_max_pool2d(x, 3, output_size=6), RuntimeError),
    (lambda lib, x: lib.nn.functional.fractional_max_pool2d(x, 2, output_ratio=0.5), TypeError),
    (lambda lib, x: lib.nn.functional.fractional_max_pool2d(
        x, 2, 3, _random_samples=lib.rand(2, 3, 3)), RuntimeError),
    (lambda lib, x: lib.nn.functional.fractional_max_pool2d(
        x, 2, 3, _random_samples=lib.rand(2, 3, 2, dtype=lib.float64)), RuntimeError),
    (lambda lib, x: lib.nn.functional.fractional_max_pool2d(x.int(), 2, 3), NotImplementedError),
    (lambda lib, x: lib.nn.functional.fractional_max_pool2d(x[0, 0], 2, 3), IndexError),
    (lambda lib, x: lib.nn.FractionalMaxPool2d(2), ValueError),
    (lambda lib, x: lib.nn.FractionalMaxPool2d(2, 3, 0.5), ValueError),
    (lambda lib, x: lib.nn.FractionalMaxPool3d(2, output_ratio=1.5), ValueError),
])
def test_bad_arguments_raise_as_in_torch(call, error):
    both_raise(lambda lib: call(lib, lib.zeros(2, 3, 7, 8)), error)


def test_modules_repr_attributes_and_buffer_match_torch():
    def program(lib):
        a = lib.nn.FractionalMaxPool2d(2, output_ratio=0.5)
        b = lib.nn.FractionalMaxPool3d((2, 2, 1), output_size=3, return_indices=True,
                                       _random_samples=lib.zeros(1, 1, 3))
        return (repr(a), repr(b), a.kernel_size, a.output_ratio, a.output_size, b.kernel_size,
                b.output_size, b.return_indices, list(a.state_dict()), list(b.state_dict()))
    compare(program)
