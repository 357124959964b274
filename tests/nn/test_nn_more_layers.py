"""BatchNorm3d, InstanceNorm3d, ChannelShuffle/channel_shuffle, pdist, nn.Buffer and
NLLLoss2d against PyTorch: values, gradients, running statistics and errors."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from nn_oracle import assert_close, compare_module, ours, theirs

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("name, shape, kwargs", [
    ("BatchNorm3d", (3, 2, 2, 3, 2), {}),
    ("BatchNorm3d", (2, 2, 2, 2, 2), {"affine": False, "momentum": None}),
    ("InstanceNorm3d", (2, 3, 2, 2, 3), {}),
    ("InstanceNorm3d", (3, 2, 2, 3), {"affine": True, "track_running_stats": True}),
    ("InstanceNorm3d", (2, 3, 2, 2, 3), {"track_running_stats": True, "momentum": None}),
])
def test_3d_normalisation_matches_torch_in_training_and_after(name, shape, kwargs):
    x = np.random.default_rng(0).standard_normal(shape)
    channels = shape[1] if name == "BatchNorm3d" or len(shape) == 5 else shape[0]
    module, reference = getattr(nn, name)(channels, **kwargs), getattr(torch.nn, name)(
        channels, **kwargs)
    compare_module(torch, reference, module, x)
    for ours_buf, their_buf in zip(module.buffers(), reference.buffers()):
        assert_close(ours_buf, their_buf)
    module.eval(), reference.eval()
    assert_close(module(ours(x)), reference(theirs(torch, x)))


def test_3d_normalisation_refuses_other_ranks_as_torch():
    for ours_module, their_module, x in [
            (nn.BatchNorm3d(2), torch.nn.BatchNorm3d(2), np.ones((2, 2, 2, 2))),
            (nn.InstanceNorm3d(2), torch.nn.InstanceNorm3d(2), np.ones((2, 2)))]:
        with pytest.raises(ValueError):
            their_module(theirs(torch, x))
        with pytest.raises(ValueError):
            ours_module(ours(x))


@pytest.mark.parametrize("groups, shape", [(3, (2, 6, 2, 2)), (2, (1, 4, 3)),
                                           (1, (2, 3, 2)), (4, (1, 8, 1, 2, 1))])
def test_channel_shuffle_matches_torch(groups, shape):
    x = np.random.default_rng(1).standard_normal(shape)
    xo, xt = ours(x, True), theirs(torch, x, True)
    yo, yt = F.channel_shuffle(xo, groups), torch.nn.functional.channel_shuffle(xt, groups)
    assert_close(yo, yt)
    assert_close(nn.ChannelShuffle(groups)(xo), torch.nn.ChannelShuffle(groups)(xt))
    assert_close(minigrad.channel_shuffle(xo, groups), yt)
    r = np.random.default_rng(2).standard_normal(shape)
    (yo * ours(r)).sum().backward(), (yt * theirs(torch, r)).sum().backward()
    assert_close(xo.grad, xt.grad)
    assert repr(nn.ChannelShuffle(groups)) == repr(torch.nn.ChannelShuffle(groups))


@pytest.mark.parametrize("groups, shape", [(4, (2, 6, 2)), (0, (2, 6, 2)), (2, (6,)),
                                           (2, (2, 6))])
def test_channel_shuffle_errors_match_torch(groups, shape):
    with pytest.raises(RuntimeError):
        torch.nn.functional.channel_shuffle(torch.ones(shape), groups)
    with pytest.raises(RuntimeError):
        F.channel_shuffle(minigrad.ones(shape), groups)


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.5, float("inf"), 0.0])
@pytest.mark.parametrize("rows", [1, 2, 5])
def test_pdist_values_and_gradients_match_torch(p, rows):
    x = np.random.default_rng(rows).permutation(rows * 3).reshape(rows, 3) * 0.7 - 2.1
    xo, xt = ours(x, True), theirs(torch, x, True)
    yo, yt = F.pdist(xo, p), torch.nn.functional.pdist(xt, p)
    assert_close(yo, yt)
    assert_close(minigrad.pdist(xo, p), yt)
    if yt.numel():
        r = np.linspace(0.5, 1.5, yt.numel())
        (yo * ours(r)).sum().backward(), (yt * theirs(torch, r)).sum().backward()
        assert_close(xo.grad, xt.grad, rtol=1e-6)


def test_pdist_at_repeated_rows_and_bad_input_as_torch():
    x = np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 0.0]])
    xo, xt = ours(x, True), theirs(torch, x, True)
    F.pdist(xo).sum().backward(), torch.nn.functional.pdist(xt).sum().backward()
    assert_close(xo.grad, xt.grad)
    for bad, p in ((np.ones(3), 2.0), (np.ones((2, 2, 2)), 2.0), (np.ones((3, 2)), -1.0)):
        with pytest.raises(RuntimeError):
            torch.nn.functional.pdist(theirs(torch, bad), p)
        with pytest.raises(RuntimeError):
            F.pdist(ours(bad), p)


def test_buffer_assignment_registers_as_torch():
    def build(lib):
        class Net(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.kept = lib.nn.Buffer(lib.ones(2))
                self.scratch = lib.nn.Buffer(lib.zeros(1), persistent=False)
                self.plain = lib.ones(3)
        return Net()
    mine, reference = build(minigrad), build(torch)
    assert list(mine.state_dict()) == list(reference.state_dict()) == ["kept"]
    assert [n for n, _ in mine.named_buffers()] == [n for n, _ in reference.named_buffers()]
    assert isinstance(mine.kept, nn.Buffer) and not isinstance(mine.plain, nn.Buffer)
    assert isinstance(mine.kept, minigrad.Tensor)
    assert mine.kept.persistent and not mine.scratch.persistent
    mine.double()
    assert mine.kept.dtype == np.float64


def test_nll_loss_2d_is_nll_loss_with_a_future_warning():
    logp = np.log(np.random.default_rng(3).dirichlet(np.ones(3), size=(2, 2, 2))
                  ).transpose(0, 3, 1, 2)
    target = np.array([[[0, 1], [2, 0]], [[1, 1], [0, 2]]])
    with pytest.warns(FutureWarning):
        mine = nn.NLLLoss2d()
    with pytest.warns(FutureWarning):
        reference = torch.nn.NLLLoss2d()
    assert_close(mine(ours(logp), ours(target)), reference(theirs(torch, logp),
                                                          theirs(torch, target)))
    assert repr(mine) == repr(reference)
