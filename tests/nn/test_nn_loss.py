"""Losses (functions and modules) against PyTorch and finite differences."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.testing import gradcheck
from nn_oracle import assert_close, ours, theirs

torch = pytest.importorskip("torch")
TF = torch.nn.functional

RNG = np.random.default_rng(0)
LOGITS = RNG.standard_normal((6, 4)) * 3
TARGET = np.array([0, 3, -100, 2, 1, 3])
WEIGHT = RNG.random(4) + 0.5


def compare_class_loss(ours_fn, torch_fn, x, target, **kwargs):
    """Value and input gradient of a class-index loss, ours vs torch (float64)."""
    weight = kwargs.pop("weight", None)
    xo, xt = ours(x, True), theirs(torch, x, True)
    lo = ours_fn(xo, ours(target), weight=None if weight is None else ours(weight), **kwargs)
    lt = torch_fn(xt, theirs(torch, target), weight=None if weight is None
                  else theirs(torch, weight), **kwargs)
    assert_close(lo, lt, rtol=1e-10, atol=1e-12)
    r = np.random.default_rng(1).standard_normal(lo.shape)
    (lo * ours(r)).sum().backward()
    (lt * theirs(torch, r)).sum().backward()
    assert_close(xo.grad, xt.grad, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weight", [None, WEIGHT])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.25])
@pytest.mark.parametrize("ignore_index", [-100, 3])
def test_cross_entropy_matches_torch(reduction, weight, label_smoothing, ignore_index):
    target = np.where(TARGET == -100, 1, TARGET) if ignore_index != -100 else TARGET
    compare_class_loss(F.cross_entropy, TF.cross_entropy, LOGITS, target, weight=weight,
                       reduction=reduction, label_smoothing=label_smoothing,
                       ignore_index=ignore_index)


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_cross_entropy_with_spatial_dims_and_unbatched(reduction):
    x = RNG.standard_normal((2, 4, 3, 2))
    target = RNG.integers(0, 4, (2, 3, 2))
    target[0, 1, 1] = -100
    compare_class_loss(F.cross_entropy, TF.cross_entropy, x, target, reduction=reduction,
                       weight=WEIGHT, label_smoothing=0.1)
    compare_class_loss(F.cross_entropy, TF.cross_entropy, LOGITS[0], np.array(2),
                       reduction=reduction)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weight", [None, WEIGHT])
def test_nll_loss_matches_torch(reduction, weight):
    compare_class_loss(F.nll_loss, TF.nll_loss, LOGITS, TARGET, weight=weight,
                       reduction=reduction)


def test_cross_entropy_is_stable_for_huge_logits():
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0], [-1000.0, -1000.0, 0.0]])
    target = np.array([1, 2, 0])
    for dtype in (np.float32, np.float64):
        xo = ours(x.astype(dtype), True)
        loss = F.cross_entropy(xo, ours(target))
        loss.backward()
        expected = TF.cross_entropy(torch.tensor(x), torch.tensor(target)).item()
        assert np.isfinite(loss.item()) and np.isfinite(xo.grad.numpy()).all()
        np.testing.assert_allclose(loss.item(), expected, rtol=1e-6)
        assert loss.dtype == dtype and xo.grad.dtype == dtype


def test_cross_entropy_and_nll_by_finite_differences():
    x = ours(RNG.standard_normal((3, 4, 2)), True)
    target = ours(np.array([[0, 3], [1, -100], [2, 2]]))
    w = ours(WEIGHT)
    assert gradcheck(lambda x: F.cross_entropy(x, target, w, label_smoothing=0.2), [x])
    assert gradcheck(lambda x: F.nll_loss(x, target, reduction="sum"), [x])


def test_all_ignored_gives_nan_like_torch():
    target = np.full(6, -100)
    with np.errstate(all="ignore"):
        ours_value = F.cross_entropy(ours(LOGITS), ours(target)).item()
    assert np.isnan(ours_value)
    assert np.isnan(TF.cross_entropy(torch.tensor(LOGITS), torch.tensor(target)).item())


def test_class_target_errors():
    x = minigrad.zeros(4, 3)
    with pytest.raises(IndexError, match=r"target 3 is out of bounds.*\[0, 3\)"):
        F.cross_entropy(x, minigrad.tensor([0, 1, 3, 2]))
    with pytest.raises(IndexError, match=r"target -1 is out of bounds"):
        nn.NLLLoss()(x, minigrad.tensor([0, -1, 1, 2]))
    with pytest.raises(RuntimeError, match=r"0D or 1D target tensor expected"):  # as PyTorch
        F.cross_entropy(x, minigrad.tensor([[0], [1], [2], [0]]))
    with pytest.raises(ValueError, match=r"input batch_size \(4\) to match target batch_size \(3\)"):
        F.cross_entropy(x, minigrad.tensor([0, 1, 2]))
    with pytest.raises(RuntimeError, match="expected target dtype to be int64"):
        F.cross_entropy(x, minigrad.tensor([0.0, 1.0, 2.0, 0.0]))
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(x, minigrad.tensor([0, 1, 2, 0]), reduction="avg")
    with pytest.raises(RuntimeError, match="weight tensor should be defined"):
        F.cross_entropy(x, minigrad.tensor([0, 1, 2, 0]), weight=minigrad.ones(4))
    with pytest.raises(RuntimeError, match="label_smoothing"):
        F.cross_entropy(x, minigrad.tensor([0, 1, 2, 0]), label_smoothing=1.5)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses_match_torch(name, reduction):
    x, y = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    y[0, 0] = x[0, 0]  # a zero difference: the gradient of |d| is 0 there, as in torch
    xo, yo = ours(x, True), ours(y, True)
    xt, yt = theirs(torch, x, True), theirs(torch, y, True)
    lo = getattr(F, name)(xo, yo, reduction=reduction)
    lt = getattr(TF, name)(xt, yt, reduction=reduction)
    assert_close(lo, lt, rtol=1e-12)
    lo.sum().backward(), lt.sum().backward()
    assert_close(xo.grad, xt.grad, rtol=1e-12)
    assert_close(yo.grad, yt.grad, rtol=1e-12)


def test_regression_losses_warn_and_broadcast_mismatched_shapes_like_torch():
    x, y = RNG.standard_normal((4, 1)), RNG.standard_normal(4)
    with pytest.warns(UserWarning, match=r"target size \(\(4,\)\).*input size \(\(4, 1\)\)"):
        ours_loss = F.mse_loss(ours(x), ours(y))
    with pytest.warns(UserWarning):
        expected = TF.mse_loss(torch.tensor(x), torch.tensor(y))
    assert_close(ours_loss, expected, rtol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("with_weights", [False, True])
def test_bce_with_logits_matches_torch(reduction, with_weights):
    x = np.concatenate([RNG.standard_normal((3, 4)) * 4, [[0.0, 1000.0, -1000.0, 50.0]]])
    y = RNG.random((4, 4))
    w, pw = (RNG.random(4) + 0.5, RNG.random(4) * 3) if with_weights else (None, None)
    xo, xt = ours(x, True), theirs(torch, x, True)
    lo = F.binary_cross_entropy_with_logits(
        xo, ours(y), None if w is None else ours(w), reduction=reduction,
        pos_weight=None if pw is None else ours(pw))
    lt = TF.binary_cross_entropy_with_logits(
        xt, theirs(torch, y), None if w is None else theirs(torch, w), reduction=reduction,
        pos_weight=None if pw is None else theirs(torch, pw))
    assert_close(lo, lt, rtol=1e-10)
    lo.sum().backward(), lt.sum().backward()
    assert_close(xo.grad, xt.grad, rtol=1e-10, atol=1e-14)


def test_bce_with_logits_by_finite_differences_including_zero_logits():
    x = ours(np.array([[0.0, -2.0, 3.0], [0.5, 0.0, -0.1]]), True)
    y = ours(np.array([[0.0, 1.0, 0.3], [1.0, 0.5, 0.0]]), True)
    pw = ours(np.array([1.0, 2.0, 0.5]))
    assert gradcheck(lambda x, y: F.binary_cross_entropy_with_logits(x, y, pos_weight=pw),
                     [x, y])


@pytest.mark.parametrize("module, function, target", [
    (nn.CrossEntropyLoss(label_smoothing=0.1), lambda x, t: F.cross_entropy(
        x, t, label_smoothing=0.1), np.array([0, 1, 2])),
    (nn.NLLLoss(weight=minigrad.tensor([1.0, 2.0, 3.0]), reduction="sum"),
     lambda x, t: F.nll_loss(x, t, minigrad.tensor([1.0, 2.0, 3.0]), reduction="sum"),
     np.array([0, 1, 2])),
    (nn.MSELoss(), F.mse_loss, np.ones((3, 3), dtype=np.float32)),
    (nn.L1Loss(reduction="none"), lambda x, t: F.l1_loss(x, t, reduction="none"),
     np.ones((3, 3), dtype=np.float32)),
    (nn.BCEWithLogitsLoss(pos_weight=minigrad.tensor([2.0, 1.0, 1.0])),
     lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=minigrad.tensor(
         [2.0, 1.0, 1.0])), np.full((3, 3), 0.5, dtype=np.float32)),
])
def test_loss_modules_call_the_functions(module, function, target):
    x = minigrad.randn(3, 3)
    t = minigrad.tensor(target)
    out = module(x, t)
    np.testing.assert_array_equal(out.numpy(), function(x, t).numpy())
    assert out.dtype == np.float32


def test_loss_module_options_are_checked_and_weights_are_buffers():
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")
    loss = nn.CrossEntropyLoss(weight=minigrad.ones(3))
    assert list(loss.state_dict()) == ["weight"]


def test_every_loss_prints_as_torch_whatever_its_reduction():
    """PyTorch's losses print no reduction (nor margin, p, ...): MSELoss(), not
    MSELoss(reduction='sum')."""
    torch = pytest.importorskip("torch")
    names = [n for n in dir(torch.nn) if n.endswith("Loss") and hasattr(minigrad.nn, n)
             and issubclass(getattr(torch.nn, n), torch.nn.modules.loss._Loss)]
    assert len(names) > 15
    for name in names:
        for kwargs in ({}, {"reduction": "sum"}, {"reduction": "none"}):
            assert repr(getattr(minigrad.nn, name)(**kwargs)).replace("minigrad", "torch") == \
                repr(getattr(torch.nn, name)(**kwargs))
