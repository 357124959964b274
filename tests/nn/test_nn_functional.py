"""nn.functional: the public surface, re-exports, and linear against torch."""
import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad import ops
from nn_oracle import assert_close, ours, theirs


def test_every_listed_function_exists():
    for name in F.__all__:
        assert callable(getattr(F, name)), name


def test_reexports_are_the_ops_functions():
    assert F.conv2d is ops.conv2d and F.unfold is ops.unfold and F.fold is ops.fold
    assert F.max_pool2d is ops.max_pool2d and F.avg_pool2d is ops.avg_pool2d
    assert F.adaptive_avg_pool2d is ops.adaptive_avg_pool2d
    assert F.flatten is ops.flatten


def test_linear_matches_torch_with_and_without_bias():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((5, 4)), rng.standard_normal(5)
    for bias in (b, None):
        args_o = [ours(x, True), ours(w, True)] + ([ours(b, True)] if bias is not None else [])
        args_t = [theirs(torch, a, True) for a in (x, w)] + (
            [theirs(torch, b, True)] if bias is not None else [])
        yo, yt = F.linear(*args_o), torch.nn.functional.linear(*args_t)
        assert_close(yo, yt, rtol=1e-12)
        yo.sum().backward(), yt.sum().backward()
        for a, e in zip(args_o, args_t):
            assert_close(a.grad, e.grad, rtol=1e-12)


def test_linear_accepts_a_float32_model_and_keeps_float32():
    y = F.linear(minigrad.randn(2, 3), minigrad.randn(4, 3), minigrad.randn(4))
    assert y.shape == (2, 4) and y.dtype == np.float32


def test_layers_refuse_mixed_dtypes_and_foreign_arrays_like_torch():
    layer = minigrad.nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match="float64.*float32"):
        layer(minigrad.zeros(2, 3, dtype=np.float64))
    with pytest.raises(RuntimeError, match="int64.*float32"):
        layer(minigrad.zeros(2, 3, dtype=np.int64))
    with pytest.raises(TypeError, match="must be Tensor, not numpy.ndarray"):
        layer(np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match="same dtype"):
        F.conv1d(minigrad.zeros(1, 2, 5, dtype=np.float64), minigrad.zeros(2, 2, 3))
    with pytest.raises(RuntimeError, match="same dtype"):
        F.conv_transpose2d(minigrad.zeros(1, 2, 3, 3, dtype=np.float64),
                           minigrad.zeros(2, 2, 3, 3))
    with pytest.raises(RuntimeError, match="same dtype"):
        F.layer_norm(minigrad.zeros(2, 3, dtype=np.float64), (3,), minigrad.ones(3))
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="must be Tensor, not torch.Tensor"):
        layer(torch.zeros(2, 3))


COSINE = {
    "rows": lambda L: L.nn.functional.cosine_similarity(L.tensor([[1., 2, 3]]),
                                                        L.tensor([[4., 5, 6]])),
    "each norm clamped at eps": lambda L: L.nn.functional.cosine_similarity(
        L.tensor([[0.1, 0.1]]), L.tensor([[0.3, 0.3]]), eps=0.1),
    "a tiny vector": lambda L: L.nn.functional.cosine_similarity(L.tensor([[1e-9, 0.0]]),
                                                                 L.tensor([[4., 5]])),
    "broadcast before the dim": lambda L: L.nn.functional.cosine_similarity(
        L.tensor([[1., 2], [3, 4]]), L.tensor([4., 5])),
    "dim 0": lambda L: L.nn.functional.cosine_similarity(L.tensor([1., 2, 3]),
                                                         L.tensor([4., 5, 6]), dim=0),
}


@pytest.mark.parametrize("name", sorted(COSINE))
def test_cosine_similarity_clamps_each_norm_as_pytorch(name):
    pytest.importorskip("torch")
    from differential import compare
    compare(COSINE[name], name, rtol=1e-6, atol=1e-7)
