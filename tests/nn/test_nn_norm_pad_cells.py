"""The 3-D padding layers, RNNCellBase, SyncBatchNorm and CrossMapLRN2d against PyTorch:
outputs, gradients, state dicts, repr, class structure and the inputs that raise."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
import minigrad.nn as nn
from differential import both_raise, compare
from nn_oracle import assert_close, assert_same_state, copy_weights, ours, theirs

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(5)


# --- 3-D padding ----------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["ZeroPad3d", "ReflectionPad3d", "ReplicationPad3d", "CircularPad3d"]),
       st.one_of(st.integers(0, 2), st.tuples(*[st.integers(0, 2)] * 6)),
       st.booleans())
def test_pad3d_layers_match_torch(name, padding, batched):
    shape = (2, 3, 3, 4, 3) if batched else (2, 3, 4, 3)
    x = RNG.standard_normal(shape)

    def program(lib):
        layer = getattr(lib.nn, name)(padding)
        xt = lib.tensor(x, requires_grad=True)
        y = layer(xt)
        (g,) = lib.autograd.grad((y * y).sum(), xt)
        return y, g, repr(layer), layer.padding
    compare(program)


@pytest.mark.parametrize("name", ["ZeroPad3d", "ReflectionPad3d", "ReplicationPad3d",
                                  "CircularPad3d", "CircularPad1d", "CircularPad2d"])
@pytest.mark.parametrize("shape", [(4, 5), (4, 5, 6), (2, 2, 2, 2, 2, 2)])
def test_pad_layers_refuse_what_torch_refuses(name, shape):
    compare(lambda lib: getattr(lib.nn, name)(1)(lib.zeros(*shape)))


def test_reflection_pad3d_wider_than_the_input_raises_as_in_torch():
    both_raise(lambda lib: lib.nn.ReflectionPad3d(5)(lib.zeros(1, 4, 5, 6)), RuntimeError)


def test_zero_pad3d_keeps_float32():
    assert nn.ZeroPad3d(1)(minigrad.zeros(1, 2, 2, 2)).dtype == minigrad.float32


# --- RNNCellBase ----------------------------------------------------------------------------
def test_cells_share_rnn_cell_base():
    for cell in (nn.RNNCell(3, 4), nn.LSTMCell(3, 4), nn.GRUCell(3, 4)):
        assert isinstance(cell, nn.RNNCellBase)
    assert nn.modules.rnn.RNNCellBase is nn.RNNCellBase


@pytest.mark.parametrize("bias, chunks", [(True, 2), (False, 3)])
def test_rnn_cell_base_parameters_and_repr_match_torch(bias, chunks):
    mine, reference = nn.RNNCellBase(3, 4, bias, chunks), torch.nn.RNNCellBase(3, 4, bias, chunks)
    assert repr(mine) == repr(reference)
    assert [(k, tuple(v.shape)) for k, v in mine.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in reference.state_dict().items()]
    bound = 1 / np.sqrt(4)
    assert all(np.abs(p.detach().numpy()).max() <= bound for p in mine.parameters())


def test_cells_still_match_torch_after_the_new_base():
    for ours_cls, theirs_cls in ((nn.LSTMCell, torch.nn.LSTMCell), (nn.GRUCell, torch.nn.GRUCell),
                                 (nn.RNNCell, torch.nn.RNNCell)):
        reference, mine = theirs_cls(3, 4).double(), ours_cls(3, 4).double()
        copy_weights(reference, mine)
        x = RNG.standard_normal((2, 3))
        out_t, out_o = reference(theirs(torch, x)), mine(ours(x))
        if isinstance(out_t, tuple):
            out_t, out_o = out_t[1], out_o[1]
        assert_close(out_o, out_t)


# --- SyncBatchNorm --------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(4, 3), (4, 3, 5), (2, 3, 2, 3), (2, 3, 2, 2, 2)])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_sync_batch_norm_matches_torch_in_train_and_eval(shape, momentum):
    reference = torch.nn.SyncBatchNorm(3, momentum=momentum).double()
    mine = nn.SyncBatchNorm(3, momentum=momentum).double()
    with torch.no_grad():
        reference.weight.uniform_(0.5, 1.5)
        reference.bias.uniform_(-0.5, 0.5)
    copy_weights(reference, mine)
    for step in range(2):
        x = RNG.standard_normal(shape)
        xt, xo = theirs(torch, x, True), ours(x, True)
        yt, yo = reference(xt), mine(xo)
        assert_close(yo, yt, 1e-10, 1e-12)
        r = RNG.standard_normal(shape)
        (yt * theirs(torch, r)).sum().backward()
        (yo * ours(r)).sum().backward()
        assert_close(xo.grad, xt.grad, 1e-9, 1e-11)
        assert_close(mine.weight.grad, reference.weight.grad, 1e-9, 1e-11)
    assert_same_state(mine, reference)
    reference.eval()
    mine.eval()
    x = RNG.standard_normal(shape)
    assert_close(mine(ours(x)), reference(theirs(torch, x)), 1e-10, 1e-12)


def test_sync_batch_norm_repr_attributes_and_errors_match_torch():
    for kwargs in ({}, {"affine": False}, {"track_running_stats": False, "bias": False}):
        mine, reference = nn.SyncBatchNorm(5, **kwargs), torch.nn.SyncBatchNorm(5, **kwargs)
        assert repr(mine) == repr(reference)
        assert list(mine.state_dict()) == list(reference.state_dict())
        assert mine.process_group is None
    both_raise(lambda lib: lib.nn.SyncBatchNorm(3)(lib.zeros(3)), ValueError)


def test_convert_sync_batchnorm_replaces_batch_norms_and_shares_state():
    def program(lib):
        net = lib.nn.Sequential(lib.nn.Conv2d(1, 3, 1), lib.nn.BatchNorm2d(3),
                                lib.nn.Sequential(lib.nn.BatchNorm1d(3, affine=False).eval()),
                                lib.nn.InstanceNorm1d(3))
        with lib.no_grad():
            net[1].running_mean.fill_(2.0)
        converted = lib.nn.SyncBatchNorm.convert_sync_batchnorm(net)
        return (repr(converted), converted is net, converted[1].weight is net[1].weight,
                converted[2][0].training, list(converted.state_dict()),
                converted[1].running_mean)
    compare(program)
    layer = nn.BatchNorm1d(4)
    assert type(nn.SyncBatchNorm.convert_sync_batchnorm(layer)) is nn.SyncBatchNorm


# --- CrossMapLRN2d --------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(st.integers(1, 8), st.integers(1, 6), st.floats(0.01, 2), st.floats(0.1, 1.5),
       st.floats(0.5, 2))
def test_cross_map_lrn2d_forward_matches_torch(size, channels, alpha, beta, k):
    x = RNG.standard_normal((2, channels, 3, 2))

    def program(lib):
        layer = lib.nn.CrossMapLRN2d(size, alpha, beta, k)
        return layer(lib.tensor(x)), layer(lib.tensor(x.astype(np.float32))), repr(layer)
    compare(program, rtol=1e-6, atol=1e-7)


def test_cross_map_lrn2d_gradient_is_the_derivative_of_its_forward():
    # PyTorch's hand-written backward fails its own gradcheck; ours is exact
    x = ours(RNG.standard_normal((1, 5, 2, 2)), True)
    assert minigrad.testing.gradcheck(nn.CrossMapLRN2d(3, 0.5, 0.75, 1.0), [x])
    both_raise(lambda lib: lib.nn.CrossMapLRN2d(3)(lib.zeros(5, 2, 2)), ValueError)
