"""BatchNorm1d/2d: training and eval outputs, running stats over several steps, and
gradients, against torch.nn with the same weights."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.testing import gradcheck
from nn_oracle import assert_close, copy_weights, ours, theirs

torch = pytest.importorskip("torch")

CASES = [
    ("BatchNorm1d", (8, 5), {}),
    ("BatchNorm1d", (4, 5, 3), {"momentum": 0.3, "eps": 1e-3}),
    ("BatchNorm2d", (4, 5, 3, 2), {}),
    ("BatchNorm2d", (3, 5, 2, 2), {"momentum": None}),
    ("BatchNorm2d", (3, 5, 2, 2), {"affine": False}),
    ("BatchNorm2d", (3, 5, 2, 2), {"track_running_stats": False}),
    ("BatchNorm1d", (6, 5), {"bias": False}),
]


def make_pair(name, kwargs):
    reference = getattr(torch.nn, name)(5, **kwargs).double()
    with torch.no_grad():  # non-trivial affine parameters
        for p in reference.parameters():
            p.copy_(torch.randn(p.shape, dtype=torch.float64))
    module = getattr(nn, name)(5, **kwargs).double()
    copy_weights(reference, module)
    return reference, module


@pytest.mark.parametrize("name, shape, kwargs", CASES)
def test_batch_norm_matches_torch_over_several_steps(name, shape, kwargs):
    reference, module = make_pair(name, kwargs)
    rng = np.random.default_rng(0)
    for step in range(4):
        x = rng.standard_normal(shape) * (1 + step) + step  # stats that move
        xt, xo = theirs(torch, x, True), ours(x, True)
        yt, yo = reference(xt), module(xo)
        assert_close(yo, yt, rtol=1e-10, atol=1e-12)
        r = rng.standard_normal(shape)
        (yt * theirs(torch, r)).sum().backward()
        (yo * ours(r)).sum().backward()
        assert_close(xo.grad, xt.grad, rtol=1e-8, atol=1e-10)
        for (n, p), q in zip(module.named_parameters(), reference.parameters()):
            assert_close(p.grad, q.grad, rtol=1e-8, atol=1e-10)
        for key, value in reference.state_dict().items():  # running stats, step count
            assert_close(module.state_dict()[key], value, rtol=1e-12, atol=1e-14)
    reference.eval(), module.eval()
    x = rng.standard_normal(shape)
    assert_close(module(ours(x)), reference(theirs(torch, x)), rtol=1e-10, atol=1e-12)


def test_buffers_and_parameters():
    bn = nn.BatchNorm2d(3)
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]
    assert bn.running_mean.dtype == np.float32 and bn.num_batches_tracked.dtype == np.int64
    bn(minigrad.randn(4, 3, 2, 2))
    bn(minigrad.randn(4, 3, 2, 2))
    assert bn.num_batches_tracked.item() == 2
    bn.eval()(minigrad.randn(4, 3, 2, 2))
    assert bn.num_batches_tracked.item() == 2  # eval does not count
    assert bn.running_mean.dtype == np.float32 and bn.running_var.dtype == np.float32
    bn.reset_running_stats()
    assert bn.num_batches_tracked.item() == 0 and bn.running_var.numpy().tolist() == [1, 1, 1]
    assert list(nn.BatchNorm1d(3, track_running_stats=False).state_dict()) == ["weight", "bias"]


def test_float32_stays_float32():
    bn = nn.BatchNorm2d(3)
    x = minigrad.randn(4, 3, 2, 2, requires_grad=True)
    y = bn(x)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    assert bn.weight.grad.dtype == np.float32


def test_batch_norm_gradients_by_finite_differences():
    rng = np.random.default_rng(2)
    x = ours(rng.standard_normal((4, 3, 2)), True)
    w, b = ours(rng.standard_normal(3), True), ours(rng.standard_normal(3), True)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                     [x, w, b])


def test_shape_errors():
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected 4D input, got 3D"):
        nn.BatchNorm2d(3)(minigrad.zeros(2, 3, 4))
    with pytest.raises(ValueError, match=r"BatchNorm1d: expected 2D or 3D input"):
        nn.BatchNorm1d(3)(minigrad.zeros(2, 3, 4, 4))
    with pytest.raises(RuntimeError, match=r"running_mean should contain 4 elements not 3"):
        nn.BatchNorm1d(3)(minigrad.zeros(2, 4))  # torch's type and words
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(minigrad.zeros(1, 3))
    with pytest.raises(ValueError, match="running_mean and running_var"):
        F.batch_norm(minigrad.zeros(2, 3), None, None, training=False)


@pytest.mark.parametrize("call", [
    lambda L: L.nn.BatchNorm2d(3)(L.ones(0, 3, 4, 4)),
    lambda L: L.nn.GroupNorm(2, 4)(L.ones(0, 4, 2, 2)),
    lambda L: L.nn.functional.instance_norm(L.ones(0, 2, 4, 4)),
    lambda L: L.nn.InstanceNorm1d(3)(L.ones(2, 3)),            # unbatched; warns only
    lambda L: L.nn.InstanceNorm1d(3, affine=True)(L.ones(2, 3)),
    lambda L: L.nn.BatchNorm2d(3)(L.ones(2, 4, 2, 2)),
    lambda L: L.nn.BatchNorm1d(3)(L.ones(2, 3, dtype=L.float64)),
    lambda L: L.nn.functional.batch_norm(L.ones(2, 3), None, None,
                                         L.ones(3, dtype=L.float64), training=True),
    lambda L: L.nn.functional.instance_norm(L.ones(2, 3, 1)),
    lambda L: L.nn.functional.batch_norm(L.ones(1, 3), None, None, training=True),
])
def test_empty_batches_channel_and_dtype_mismatches_as_torch(call):
    """Empty batches normalize to empty results; wrong channel counts and mixed dtypes
    raise torch's exception types."""
    import warnings
    torch = pytest.importorskip("torch")
    outcomes = []
    for lib in (minigrad, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                outcomes.append(tuple(call(lib).shape))
            except Exception as error:  # noqa: BLE001  (the type is what is compared)
                outcomes.append(type(error))
    assert outcomes[0] == outcomes[1]
