"""Empty batches, wrong shapes and misused APIs against PyTorch: the same result shape, or
the same exception type (found by a fuzzer comparing the two libraries)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")


def outcome(call, lib):
    """The result's shape and dtype name (of each result, for tuples), or the exception
    type."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = call(lib)
        except Exception as error:  # noqa: BLE001  (the type is what is compared)
            return type(error)
    results = result if isinstance(result, tuple) else (result,)
    return [(tuple(r.shape), str(r.dtype).replace("torch.", "")) for r in results]


def _set(x, index, value):
    x[index] = value
    return x


def _backward_shapes(lib, make):
    x = lib.ones(0, 3, 8, 8, requires_grad=True)
    w = lib.ones(4, 3, 3, 3, requires_grad=True)
    y = make(lib, x, w)
    y.sum().backward()
    return y, x.grad, w.grad


def _hooked(lib, hook):
    x = lib.ones(2, requires_grad=True)
    x.register_hook(hook(lib))
    x.sum().backward()
    return x.grad


def _registered(lib, register):
    module = lib.nn.Linear(2, 3)
    register(lib, module)
    return module.weight


CASES = {
    # empty batches
    "conv2d": lambda L: L.nn.Conv2d(3, 4, 3)(L.ones(0, 3, 8, 8)),
    "conv2d stride 2 with grads": lambda L: _backward_shapes(
        L, lambda L, x, w: L.nn.functional.conv2d(x, w, stride=2)),
    "conv2d padded with grads": lambda L: _backward_shapes(
        L, lambda L, x, w: L.nn.functional.conv2d(x, w, padding=1)),
    "conv_transpose2d": lambda L: L.nn.functional.conv_transpose2d(L.ones(0, 3, 8, 8),
                                                                   L.ones(3, 4, 3, 3)),
    "conv1d": lambda L: L.nn.Conv1d(3, 4, 3)(L.ones(0, 3, 8)),
    "conv3d": lambda L: L.nn.Conv3d(3, 4, 3)(L.ones(0, 3, 5, 5, 5)),
    "flatten": lambda L: L.nn.Flatten()(L.ones(0, 3, 4)),
    "adaptive max empty batch": lambda L: L.nn.functional.adaptive_max_pool2d(
        L.ones(0, 3, 4, 5), 2),
    # adaptive pools to size 0, and from an empty spatial dim
    **{f"{name} to 0": (lambda name, shape: lambda L: getattr(L.nn.functional, name)(
        L.ones(*shape), 0))(name, shape)
       for name, shape in [("adaptive_avg_pool1d", (1, 3, 4)),
                           ("adaptive_max_pool1d", (1, 3, 4)),
                           ("adaptive_avg_pool2d", (1, 3, 4, 5)),
                           ("adaptive_max_pool2d", (1, 3, 4, 5)),
                           ("adaptive_avg_pool3d", (1, 3, 4, 4, 4)),
                           ("adaptive_max_pool3d", (1, 3, 4, 4, 4))]},
    "adaptive avg from empty": lambda L: L.nn.functional.adaptive_avg_pool2d(
        L.ones(1, 3, 0, 5), 2),
    "adaptive max from empty": lambda L: L.nn.functional.adaptive_max_pool2d(
        L.ones(1, 3, 0, 5), 2),
    # pooling dtypes torch refuses
    "max_pool2d of bool": lambda L: L.nn.functional.max_pool2d(
        L.ones(1, 1, 4, 4, dtype=L.bool), 2),
    "adaptive_avg_pool2d of int64": lambda L: L.nn.functional.adaptive_avg_pool2d(
        L.ones(1, 1, 4, 4, dtype=L.int64), 2),
    # item assignment of a value of the wrong shape
    "setitem int": lambda L: _set(L.ones(3), 0, L.ones(2)),
    "setitem index": lambda L: _set(L.ones(3), L.tensor([0]), L.ones(2)),
    "setitem slice": lambda L: _set(L.ones(3), slice(0, 2), L.ones(3)),
    "setitem leading 1": lambda L: _set(L.ones(3), slice(0, 2), L.ones(1, 2)),
    "setitem trailing 1": lambda L: _set(L.ones(3), slice(0, 2), L.ones(2, 1)),
    # modules
    "register_buffer over a parameter": lambda L: _registered(
        L, lambda L, m: m.register_buffer("weight", L.ones(2))),
    "add_module over a parameter": lambda L: _registered(
        L, lambda L, m: m.add_module("weight", L.nn.ReLU())),
    "register_parameter over an attribute": lambda L: _registered(
        L, lambda L, m: m.register_parameter("training", L.nn.Parameter(L.ones(1)))),
    "register_parameter again": lambda L: _registered(
        L, lambda L, m: m.register_parameter("bias", L.nn.Parameter(L.ones(3)))),
    "lstm num_layers 0": lambda L: L.nn.LSTM(3, 4, num_layers=0).weight_ih_l0,
    "lstm hidden 0": lambda L: L.nn.LSTM(3, 0).weight_ih_l0,
    "lstm hidden float": lambda L: L.nn.LSTM(3, 4.5).weight_ih_l0,
    "lstm input 0": lambda L: L.nn.LSTM(0, 4).weight_ih_l0,
    "pixel_shuffle 0": lambda L: L.nn.functional.pixel_shuffle(L.ones(1, 4, 2, 2), 0),
    "pixel_unshuffle 0": lambda L: L.nn.functional.pixel_unshuffle(L.ones(1, 1, 4, 4), 0),
    # interpolate
    "upsample to nothing": lambda L: L.nn.Upsample(scale_factor=0.1)(L.ones(1, 3, 4, 4)),
    "upsample by a negative": lambda L: L.nn.Upsample(scale_factor=-2)(L.ones(1, 3, 4, 4)),
    "interpolate size -1": lambda L: L.nn.functional.interpolate(L.ones(1, 3, 4, 4), -1),
    "interpolate size 0": lambda L: L.nn.functional.interpolate(L.ones(1, 3, 4, 4), 0),
    "interpolate scale 0": lambda L: L.nn.functional.interpolate(L.ones(1, 3, 4, 4),
                                                                 scale_factor=0),
    "bicubic of 3-D": lambda L: L.nn.Upsample(scale_factor=2, mode="bicubic")(
        L.ones(1, 3, 4)),
    "interpolate int64": lambda L: L.nn.functional.interpolate(
        L.ones(1, 3, 4, 4, dtype=L.int64), scale_factor=2),
    "interpolate uint8": lambda L: L.nn.functional.interpolate(
        L.ones(1, 3, 4, 4, dtype=L.uint8), scale_factor=2),
    # index functions out of range
    **{f"{name} out of range": (lambda name, args: lambda L: getattr(L.zeros(3, 2), name)(
        0, L.tensor([3]), *args(L)))(name, args)
       for name, args in [("index_select", lambda L: ()),
                          ("index_add", lambda L: (L.ones(1, 2),)),
                          ("index_copy", lambda L: (L.ones(1, 2),)),
                          ("index_fill", lambda L: (1.0,))]},
    # hooks that return something else than a gradient
    "hook returns an int": lambda L: _hooked(L, lambda L: lambda g: 5),
    "hook changes the size": lambda L: _hooked(L, lambda L: lambda g: L.ones(3)),
    "hook changes the dtype": lambda L: _hooked(
        L, lambda L: lambda g: L.ones(2, dtype=L.float64)),
    "hook doubles": lambda L: _hooked(L, lambda L: lambda g: g * 2),
    # collation promotes as torch.stack does
    "collate float32 and int64": lambda L: L.utils.data.default_collate(
        [L.ones(2), L.ones(2, dtype=L.int64)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_shape_or_same_exception_type_as_torch(name):
    assert outcome(CASES[name], minigrad) == outcome(CASES[name], torch)


def test_empty_batch_gradients_are_zero_and_values_match():
    """Gradients of an empty batch's convolution: the weight's is zeros, as in torch."""
    for lib in (minigrad, torch):
        _, gx, gw = _backward_shapes(lib, lambda L, x, w: L.nn.functional.conv2d(x, w))
        np.testing.assert_array_equal(gw.numpy(), np.zeros((4, 3, 3, 3)))
        assert tuple(gx.shape) == (0, 3, 8, 8)


# --- found by a random-program fuzzer ---------------------------------------------------------
def _masked_write_into_a_norm(lib):
    n = lib.tensor([3.0, 4.0]).norm()
    n[n > 1] = 1.0
    return n


def _in_place_on_0d_results(lib):
    s = lib.tensor(7) // 2
    s += 1
    f = lib.tensor([1.0, 2.0]).mean() > 1
    f |= lib.tensor(True)
    return s, f


def _roll_without_shift_is_a_copy(lib):
    x = lib.zeros(3)
    for shift in (0, 3):
        lib.roll(x, shift)[0] = 5.0
    return x


def _sorted_then_scaled(lib):
    x = lib.tensor(2.0)
    values = lib.sort(x).values
    x.mul_(4)
    return values


def _max_gradient(lib):
    x = lib.tensor([0.65, float("nan"), float("nan")], requires_grad=True)
    x.max().backward()
    return x.grad


PROGRAMS = {
    "masked write into a 0-d result": _masked_write_into_a_norm,
    "in-place ops on 0-d results": _in_place_on_0d_results,
    "roll by a multiple of the size": _roll_without_shift_is_a_copy,
    "uint8 *= int64": lambda L: L.tensor([1, 2], dtype=L.uint8).mul_(L.tensor([3, 4])),
    "uint8 += negative int64": lambda L: L.tensor([1, 2], dtype=L.uint8).add_(
        L.tensor([-3, 4])),
    "add with alpha casts other first": lambda L: L.add(
        L.tensor([1.5]), L.tensor([3], dtype=L.uint8), alpha=-1),
    "add int32 and bool with alpha": lambda L: L.add(
        L.tensor([1], dtype=L.int32), L.tensor([True]), alpha=-1),
    "float alpha with a float number": lambda L: L.add(L.tensor([1, 2]), -2.0, alpha=0.5),
    "sum to int32": lambda L: L.tensor([1, 2, 3]).sum(dtype=L.int32),
    "sum to uint8 wraps": lambda L: L.tensor([200, 100], dtype=L.uint8).sum(dtype=L.uint8),
    "sum to bool": lambda L: L.tensor([True, True]).sum(dtype=L.bool),
    "prod to uint8 wraps": lambda L: L.prod(L.tensor([255, 8], dtype=L.uint8),
                                           dtype=L.uint8),
    "nansum to int32": lambda L: L.tensor([3, 4]).nansum(dtype=L.int32),
    "shrinks and thresholds keep NaN": lambda L: tuple(
        f(L.tensor([float("nan"), 0.2, 2.0, -2.0, 3.0, -3.0, 0.5, -0.5]))
        for f in (L.nn.functional.hardshrink, L.nn.functional.softshrink,
                  L.nn.functional.hardsigmoid,
                  lambda x: L.nn.functional.threshold(x, 0.5, -1.0))),
    "l1 of int input and float target": lambda L: L.nn.functional.l1_loss(
        L.tensor([1, 2]), L.tensor([1.5, 2.0])),
    "mse of int32 input and float64 target": lambda L: L.nn.functional.mse_loss(
        L.tensor([1, 2], dtype=L.int32), L.tensor([1.5, 3.0], dtype=L.float64)),
    "cross_entropy ignores a row whose logits hold inf": lambda L: L.nn.functional.cross_entropy(
        L.tensor([[1.0, float("inf")], [0.0, 1.0]]), L.tensor([0, 1]), ignore_index=0),
    "sort of a 0-d tensor is a copy": lambda L: _sorted_then_scaled(L),
    "max of everything routes to the NaNs": lambda L: _max_gradient(L),
    "pinv of a matrix with inf is nan": lambda L: L.linalg.svdvals(L.tensor(
        [[1.0, 2.0], [float("inf"), 3.0]], dtype=L.float64)),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_values_and_dtypes_match_torch(name):
    ours, theirs = PROGRAMS[name](minigrad), PROGRAMS[name](torch)
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    for a, b in zip(ours, theirs):
        assert str(a.dtype) == str(b.dtype).replace("torch.", "")
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)  # float32 rounding


@pytest.mark.parametrize("call", [
    lambda L, t: L.nn.functional.softmax(t, 1), lambda L, t: L.nn.functional.log_softmax(t, 1),
    lambda L, t: L.stack([t, t]), lambda L, t: L.cat([t, t]), lambda L, t: L.cat([t, t], 1),
    lambda L, t: L.nn.functional.layer_norm(t, (t.shape[-1],)),
    lambda L, t: t.masked_fill(t > 3, 0.0), lambda L, t: t.cumsum(1), lambda L, t: t.cumprod(0),
    lambda L, t: L.nn.functional.pad(t, (1, 1)), lambda L, t: t.roll(1, 0),
    lambda L, t: t[:, [0, 2]], lambda L, t: t.index_select(1, L.tensor([0, 2])),
    lambda L, t: t.topk(2, 1).values, lambda L, t: t.exp(), lambda L, t: t + 1,
])
def test_results_of_a_transposed_input_are_laid_out_as_torch(call):
    """Where torch's kernel writes a row-major result, .view(-1) works on it; where it keeps
    the input's layout (elementwise ops), the strides are the input's."""
    results = []
    for lib in (minigrad, torch):
        out = call(lib, lib.arange(12.0).reshape(3, 4).t())
        results.append((out.is_contiguous(), tuple(out.stride()), out.numpy()))
    assert results[0][:2] == results[1][:2]
    np.testing.assert_allclose(results[0][2], results[1][2], rtol=1e-6, atol=1e-6)  # float32


def test_unfold_and_fold_of_unbatched_inputs_match_torch():
    results = []
    for lib in (minigrad, torch):
        x = lib.arange(32.0, dtype=lib.float64).reshape(2, 4, 4).requires_grad_()
        columns = lib.nn.functional.unfold(x, 2, stride=1, padding=1)
        image = lib.nn.functional.fold(columns * columns, (4, 4), 2, stride=1, padding=1)
        image.sum().backward()
        results.append((columns.detach().numpy(), image.detach().numpy(), x.grad.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
