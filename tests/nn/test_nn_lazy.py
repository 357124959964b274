"""Lazy layers against PyTorch: printing before and after the first call, the layer they
become, parameter shapes and types, and an optimizer made before the first call."""
import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")


def _net(lib):
    nn = lib.nn
    return nn.Sequential(nn.LazyConv2d(4, 3, padding=1), nn.LazyBatchNorm2d(), nn.ReLU(),
                         nn.Flatten(),
                         nn.LazyLinear(3))


def test_lazy_layers_print_and_become_the_plain_layers_as_torch():
    seen = []
    for lib in (minigrad, torch):
        net = _net(lib)
        before = repr(net)
        types = [type(p).__name__ for p in net.parameters()]
        net(lib.ones(2, 2, 5, 5))
        after = repr(net)
        shapes = {k: tuple(v.shape) for k, v in net.state_dict().items()}
        seen.append((before.replace("minigrad", "torch"), types, after, shapes,
                     [type(m).__name__ for m in net],
                     [type(p).__name__ for p in net.parameters()]))
    assert seen[0] == seen[1]


def test_an_optimizer_made_before_the_first_call_updates_the_parameters():
    layer = minigrad.nn.LazyLinear(2)
    optimizer = minigrad.optim.SGD(layer.parameters(), lr=0.5)
    x = minigrad.ones(4, 3)
    layer(x).sum().backward()
    before = layer.weight.detach().numpy().copy()
    optimizer.step()
    np.testing.assert_allclose(layer.weight.detach().numpy(), before - 0.5 * 4.0)
    assert type(layer) is minigrad.nn.Linear and layer.in_features == 3


@pytest.mark.parametrize("make, shape", [
    (lambda lib: lib.nn.LazyConv1d(5, 3, 2), (2, 4, 9)),
    (lambda lib: lib.nn.LazyConv2d(6, 3, 1, 1, 1, 2), (1, 4, 6, 6)),
    (lambda lib: lib.nn.LazyBatchNorm1d(momentum=0.2), (3, 5)),
    (lambda lib: lib.nn.LazyBatchNorm3d(), (2, 3, 2, 2, 2)),
    (lambda lib: lib.nn.LazyConvTranspose1d(4, 3, 2), (2, 3, 5)),
    (lambda lib: lib.nn.LazyConvTranspose2d(4, 3, 2, 1, 1, 2), (2, 6, 4, 4)),
    (lambda lib: lib.nn.LazyInstanceNorm1d(affine=True), (2, 3, 5)),
    (lambda lib: lib.nn.LazyInstanceNorm2d(track_running_stats=True), (2, 3, 4, 4)),
    (lambda lib: lib.nn.LazyInstanceNorm3d(), (1, 2, 2, 2, 3)),
])
def test_other_lazy_layers_infer_what_torch_infers(make, shape):
    results = []
    for lib in (minigrad, torch):
        layer = make(lib)
        out = layer(lib.ones(*shape))
        results.append((repr(layer), tuple(out.shape),
                        {k: tuple(v.shape) for k, v in layer.state_dict().items()}))
    assert results[0] == results[1]


def test_lazy_instance_norm_reads_dim_1_of_unbatched_input_and_then_refuses_as_torch():
    for lib in (minigrad, torch):
        with pytest.raises(ValueError):
            lib.nn.LazyInstanceNorm1d(affine=True)(lib.ones(3, 7))


def test_lazy_transposed_convolution_computes_what_torch_computes():
    x = np.random.default_rng(0).standard_normal((2, 4, 5, 5))
    mine, reference = minigrad.nn.LazyConvTranspose2d(4, 3, 2, 1, 1, 2), \
        torch.nn.LazyConvTranspose2d(4, 3, 2, 1, 1, 2)
    mine(minigrad.tensor(x, dtype=np.float32))
    reference(torch.tensor(x, dtype=torch.float32))
    mine.load_state_dict({k: v.numpy() for k, v in reference.state_dict().items()})
    np.testing.assert_allclose(mine(minigrad.tensor(x, dtype=np.float32)).detach().numpy(),
                               reference(torch.tensor(x, dtype=torch.float32)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
