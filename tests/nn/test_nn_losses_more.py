"""The losses added for PyTorch programs: BCE, smooth L1, Huber, KL divergence, soft-target
cross-entropy, the legacy size_average/reduce flags; values, gradients of input and target,
and which inputs raise, all against PyTorch."""
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.testing import gradcheck, gradgradcheck
from nn_oracle import assert_close, ours, theirs

torch = pytest.importorskip("torch")
TF = torch.nn.functional
RNG = np.random.default_rng(7)


def compare(our_fn, their_fn, arrays, grad_of=(0,), rtol=1e-10, atol=1e-12, **kwargs):
    """Run both losses on float64 copies of ``arrays``; compare the values and the
    gradients (of sum(loss * r)) of the inputs listed in ``grad_of``."""
    xo = [ours(a, i in grad_of) for i, a in enumerate(arrays)]
    xt = [theirs(torch, a, i in grad_of) for i, a in enumerate(arrays)]
    lo, lt = our_fn(*xo, **kwargs), their_fn(*xt, **kwargs)
    assert_close(lo, lt, rtol, atol)
    assert lo.dtype == np.float64
    r = RNG.standard_normal(lo.shape)
    (lo * ours(r)).sum().backward()
    (lt * theirs(torch, r)).sum().backward()
    for i in grad_of:
        assert_close(xo[i].grad, xt[i].grad, rtol, atol)
    return lo


REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy_matches_torch(reduction, weighted):
    p = RNG.uniform(0.02, 0.98, (4, 3))
    t = RNG.uniform(0, 1, (4, 3))
    t[0] = [0.0, 1.0, 0.5]
    w = RNG.random(3) + 0.5 if weighted else None
    compare(lambda p, t: F.binary_cross_entropy(p, t, None if w is None else ours(w),
                                                reduction=reduction),
            lambda p, t: TF.binary_cross_entropy(p, t, None if w is None else
                                                 theirs(torch, w), reduction=reduction),
            [p, t], grad_of=(0, 1))


def test_binary_cross_entropy_at_saturated_probabilities_is_torchs():
    """p exactly 0 or 1: the log is clamped at -100 and the gradient divides by 1e-12."""
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.5])
    t = np.array([1.0, 0.0, 0.0, 1.0, 0.3])
    compare(lambda p, t: F.binary_cross_entropy(p, t, reduction="none"),
            lambda p, t: TF.binary_cross_entropy(p, t, reduction="none"), [p, t],
            grad_of=(0, 1), rtol=1e-12, atol=0)


def test_bce_loss_module_and_a_sigmoid_in_float32():
    x = RNG.standard_normal((5, 2)).astype(np.float32)
    t = (RNG.random((5, 2)) > 0.5).astype(np.float32)
    lo = nn.BCELoss()(ours(x, True).sigmoid(), ours(t))
    lt = torch.nn.BCELoss()(torch.tensor(x).sigmoid(), torch.tensor(t))
    assert lo.dtype == np.float32
    np.testing.assert_allclose(lo.item(), lt.item(), rtol=1e-6)


def test_binary_cross_entropy_raises_like_torch():
    p, t = minigrad.full((2, 3), 0.5), minigrad.full((2, 3), 0.5)
    with pytest.raises(ValueError, match="target size"):
        F.binary_cross_entropy(p, t[0])
    with pytest.raises(RuntimeError, match="input should be between 0 and 1"):
        F.binary_cross_entropy(p * 3, t)
    with pytest.raises(RuntimeError, match="target should be between 0 and 1"):
        F.binary_cross_entropy(p, t * 3)
    with pytest.raises(RuntimeError, match="dtype"):
        F.binary_cross_entropy(p.double(), t)
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.binary_cross_entropy(p, t, reduction="avg")
    with pytest.raises(ValueError, match="must be the same as input size"):
        F.binary_cross_entropy_with_logits(p, t[0])


def test_binary_cross_entropy_second_derivative():
    p = ours(RNG.uniform(0.1, 0.9, (3, 2)), True)
    t = ours(RNG.uniform(0, 1, (3, 2)), True)
    assert gradgradcheck(lambda p, t: F.binary_cross_entropy(p, t), [p, t])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("beta", [1.0, 0.3, 0.0])
def test_smooth_l1_matches_torch(reduction, beta):
    x, y = RNG.standard_normal((4, 5)), RNG.standard_normal((4, 5))
    y[0, :3] = x[0, :3] + np.array([beta, -beta, 0.0])  # exactly at the kinks
    compare(lambda x, y: F.smooth_l1_loss(x, y, reduction=reduction, beta=beta),
            lambda x, y: TF.smooth_l1_loss(x, y, reduction=reduction, beta=beta),
            [x, y], grad_of=(0, 1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("delta", [1.0, 0.4, 2.5])
def test_huber_matches_torch(reduction, delta):
    x, y = RNG.standard_normal((4, 5)) * 2, RNG.standard_normal((4, 5))
    y[0, :2] = x[0, :2] + np.array([delta, -delta])
    compare(lambda x, y: F.huber_loss(x, y, reduction=reduction, delta=delta),
            lambda x, y: TF.huber_loss(x, y, reduction=reduction, delta=delta),
            [x, y], grad_of=(0, 1))
    module = nn.HuberLoss(reduction=reduction, delta=delta)
    assert_close(module(ours(x), ours(y)), torch.nn.HuberLoss(reduction=reduction,
                                                               delta=delta)(
        torch.tensor(x), torch.tensor(y)), rtol=1e-12)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_elementwise_weight_matches_torch(name, reduction):
    x, y, w = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4)), RNG.random((3, 4))
    compare(lambda x, y: getattr(F, name)(x, y, reduction=reduction, weight=ours(w)),
            lambda x, y: getattr(TF, name)(x, y, reduction=reduction,
                                           weight=theirs(torch, w)), [x, y])


def test_smooth_l1_and_huber_reject_bad_options_like_torch():
    x = minigrad.zeros(3)
    with pytest.raises(RuntimeError, match="negative values for beta"):
        F.smooth_l1_loss(x, x, beta=-1)
    for delta in (0, -1):
        with pytest.raises(RuntimeError, match="non-positive values for delta"):
            F.huber_loss(x, x, delta=delta)


@pytest.mark.parametrize("reduction", ["mean", "batchmean", "sum", "none"])
@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("zero_target", [False, True])
def test_kl_div_matches_torch(reduction, log_target, zero_target):
    logp = np.log(RNG.dirichlet(np.ones(4), 3))
    q = RNG.dirichlet(np.ones(4), 3)
    if zero_target:
        q[0, 1] = 0.0  # contributes 0 (PyTorch's target gradient there is NaN; ours is not)
    target = np.log(q + 0.01) if log_target else q
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn about reduction='mean'
        compare(lambda x, t: F.kl_div(x, t, reduction=reduction, log_target=log_target),
                lambda x, t: TF.kl_div(x, t, reduction=reduction, log_target=log_target),
                [logp, target], grad_of=(0,) if zero_target and not log_target else (0, 1))


@pytest.mark.filterwarnings("ignore")  # reduction='mean' warns in both
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_kl_div_of_float16_stays_float16_as_torch(reduction):
    # found by the fuzzer: a NaN constant made the float16 loss float32
    logp = np.log(RNG.dirichlet(np.ones(4), 3)).astype(np.float16)
    q = RNG.dirichlet(np.ones(4), 3).astype(np.float16)
    ours = F.kl_div(minigrad.tensor(logp), minigrad.tensor(q), reduction=reduction)
    theirs = TF.kl_div(torch.tensor(logp), torch.tensor(q), reduction=reduction)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "") == "float16"
    np.testing.assert_allclose(ours.numpy().astype(float), theirs.numpy().astype(float),
                               rtol=1e-2, atol=1e-3)


def test_kl_div_mean_warns_and_module_batchmean():
    x, t = minigrad.zeros(2, 3), minigrad.full((2, 3), 1 / 3)
    with pytest.warns(UserWarning, match="batchmean"):
        F.kl_div(x, t)
    loss = nn.KLDivLoss(reduction="batchmean")(x, t)
    np.testing.assert_allclose(loss.item(), 3 * (1 / 3) * np.log(1 / 3), rtol=1e-6)
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.mse_loss(x, t, reduction="batchmean")


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_cross_entropy_with_class_probabilities(reduction, weighted, label_smoothing):
    x = RNG.standard_normal((4, 3, 2))
    t = RNG.dirichlet(np.ones(3), (4, 2)).transpose(0, 2, 1).copy()
    w = RNG.random(3) + 0.5 if weighted else None
    compare(lambda x, t: F.cross_entropy(x, t, None if w is None else ours(w),
                                         reduction=reduction, label_smoothing=label_smoothing),
            lambda x, t: TF.cross_entropy(x, t, None if w is None else theirs(torch, w),
                                          reduction=reduction,
                                          label_smoothing=label_smoothing),
            [x, t], grad_of=(0, 1))


def test_cross_entropy_with_probabilities_unbatched_and_module():
    x, t = RNG.standard_normal(5), RNG.dirichlet(np.ones(5))
    compare(F.cross_entropy, TF.cross_entropy, [x, t], grad_of=(0, 1))
    lo = nn.CrossEntropyLoss(label_smoothing=0.1)(ours(x[None]), ours(t[None]))
    lt = torch.nn.CrossEntropyLoss(label_smoothing=0.1)(torch.tensor(x[None]),
                                                        torch.tensor(t[None]))
    assert_close(lo, lt, rtol=1e-12)


def test_cross_entropy_and_nll_raise_like_torch():
    x = minigrad.randn(3, 4)
    with pytest.raises(RuntimeError, match="ignore_index is not supported for floating point"):
        F.cross_entropy(x, minigrad.rand(3, 4), ignore_index=2)
    with pytest.raises(RuntimeError, match="floating point type for target with class "
                                           "probabilities"):
        F.cross_entropy(x, minigrad.zeros(3, 4, dtype=np.int64))
    for fn in (F.cross_entropy, F.nll_loss):
        with pytest.raises(TypeError, match="'ignore_index' must be int, not float"):
            fn(x, minigrad.tensor([0, 1, 2]), ignore_index=1.5)
        with pytest.raises(RuntimeError, match="int64 .*uint8.*got int32"):
            fn(x, minigrad.tensor([0, 1, 2], dtype=np.int32))
        with pytest.raises(NotImplementedError, match="int64"):
            fn(minigrad.zeros(3, 4, dtype=np.int64), minigrad.tensor([0, 1, 2]))
    # uint8 targets are accepted, as in PyTorch
    t8 = np.array([0, 3, 1], dtype=np.uint8)
    assert_close(F.cross_entropy(ours(x.numpy()), minigrad.tensor(t8)),
                 TF.cross_entropy(torch.tensor(x.numpy()), torch.tensor(t8)), rtol=1e-6)


@pytest.mark.parametrize("size_average, reduce, expected", [
    (None, False, "none"), (False, None, "sum"), (True, True, "mean"), (False, True, "sum"),
])
def test_legacy_size_average_and_reduce(size_average, reduce, expected):
    x, y = RNG.standard_normal((2, 3)), RNG.standard_normal((2, 3))
    with pytest.warns(UserWarning, match=f"reduction='{expected}'"):
        lo = F.mse_loss(ours(x), ours(y), size_average, reduce)
    assert_close(lo, TF.mse_loss(torch.tensor(x), torch.tensor(y), reduction=expected),
                 rtol=1e-12)
    with pytest.warns(UserWarning):
        assert nn.MSELoss(size_average, reduce).reduction == expected
        assert nn.CrossEntropyLoss(size_average=size_average,
                                   reduce=reduce).reduction == expected


def test_new_losses_by_finite_differences():
    x = ours(RNG.standard_normal((3, 4)), True)
    y = ours(RNG.standard_normal((3, 4)), True)
    probs = ours(RNG.dirichlet(np.ones(4), 3), True)
    assert gradgradcheck(lambda x, y: F.smooth_l1_loss(x, y, beta=0.5), [x, y])
    assert gradgradcheck(lambda x, y: F.huber_loss(x, y, delta=0.7), [x, y])
    assert gradcheck(lambda x, t: F.kl_div(F.log_softmax(x, 1), t, reduction="batchmean"),
                     [x, probs])
    assert gradgradcheck(lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1), [x, probs])
