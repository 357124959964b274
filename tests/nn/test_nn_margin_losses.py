"""Margin, embedding and likelihood losses against PyTorch: values and gradients of every
input, for each reduction, and their modules."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from nn_oracle import assert_close, ours, theirs

torch = pytest.importorskip("torch")
TF = torch.nn.functional
RNG = np.random.default_rng(31)
SIGNS = np.where(RNG.random(6) > 0.5, 1.0, -1.0)


def compare(name, arrays, grad_of, module_args=None, **kwargs):
    for reduction in ("mean", "sum", "none"):
        xo = [ours(a, i in grad_of) for i, a in enumerate(arrays)]
        xt = [theirs(torch, a, i in grad_of) for i, a in enumerate(arrays)]
        lo = getattr(F, name)(*xo, reduction=reduction, **kwargs)
        lt = getattr(TF, name)(*xt, reduction=reduction, **kwargs)
        assert_close(lo, lt, rtol=1e-10, atol=1e-12)
        r = RNG.standard_normal(lo.shape)
        (lo * ours(r)).sum().backward(), (lt * theirs(torch, r)).sum().backward()
        for i in grad_of:
            assert_close(xo[i].grad, xt[i].grad, rtol=1e-9, atol=1e-12)
    if module_args is not None:
        module_name, args = module_args
        mo = getattr(nn, module_name)(*args)(*[ours(a) for a in arrays])
        mt = getattr(torch.nn, module_name)(*args)(*[theirs(torch, a) for a in arrays])
        assert_close(mo, mt, rtol=1e-10, atol=1e-12)


def test_margin_ranking_loss():
    compare("margin_ranking_loss", [RNG.standard_normal(6), RNG.standard_normal(6), SIGNS],
            (0, 1), ("MarginRankingLoss", (0.3,)), margin=0.3)


def test_hinge_embedding_loss():
    compare("hinge_embedding_loss", [RNG.random(6) * 2, SIGNS], (0,),
            ("HingeEmbeddingLoss", (1.5,)), margin=1.5)


def test_soft_margin_and_multilabel_soft_margin_losses():
    compare("soft_margin_loss", [RNG.standard_normal(6) * 3, SIGNS], (0,),
            ("SoftMarginLoss", ()))
    labels = (RNG.random((3, 4)) > 0.5).astype(float)
    compare("multilabel_soft_margin_loss", [RNG.standard_normal((3, 4)), labels], (0,),
            ("MultiLabelSoftMarginLoss", ()))
    w = RNG.random(4)
    compare("multilabel_soft_margin_loss", [RNG.standard_normal((3, 4)), labels], (0,),
            weight=None)
    lo = F.multilabel_soft_margin_loss(ours(labels), ours(labels), weight=ours(w))
    lt = TF.multilabel_soft_margin_loss(torch.tensor(labels), torch.tensor(labels),
                                        weight=torch.tensor(w))
    assert_close(lo, lt, rtol=1e-12)


@pytest.mark.parametrize("shape", [(6, 5), (5,)])
def test_cosine_embedding_loss(shape):
    target = SIGNS if len(shape) == 2 else SIGNS[:1].reshape(())
    compare("cosine_embedding_loss", [RNG.standard_normal(shape), RNG.standard_normal(shape),
                                      target], (0, 1), ("CosineEmbeddingLoss", (0.2,)),
            margin=0.2)


@pytest.mark.parametrize("kwargs", [dict(), dict(margin=0.5, p=1.0, swap=True)])
def test_triplet_margin_loss(kwargs):
    arrays = [RNG.standard_normal((6, 4)) for _ in range(3)]
    args = tuple(kwargs.get(k, d) for k, d in (("margin", 1.0), ("p", 2.0)))
    compare("triplet_margin_loss", arrays, (0, 1, 2), ("TripletMarginLoss", args), **kwargs)


@pytest.mark.parametrize("log_input, full", [(True, False), (False, True), (True, True)])
def test_poisson_nll_loss(log_input, full):
    rates = RNG.standard_normal((3, 4)) if log_input else RNG.random((3, 4)) * 3 + 0.1
    counts = RNG.integers(0, 5, (3, 4)).astype(float)
    compare("poisson_nll_loss", [rates, counts], (0,), log_input=log_input, full=full)


@pytest.mark.parametrize("var_shape", [(4, 3), (4,), (4, 1)])
def test_gaussian_nll_loss(var_shape):
    var = RNG.random(var_shape) + 0.1
    var.flat[0] = 1e-9  # clamped at eps in the value, not in the gradient
    compare("gaussian_nll_loss", [RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3)),
                                  var], (0, 1, 2), full=True)
    with pytest.raises(ValueError, match="incorrectly sized"):
        F.gaussian_nll_loss(ours(np.zeros((4, 3))), ours(np.zeros((4, 3))),
                            ours(np.ones((2, 3))))


MM_X = np.random.default_rng(21).standard_normal((5, 4))
MM_T = np.array([3, 0, 1, 1, 2])


@pytest.mark.parametrize("kwargs", [dict(), dict(p=2), dict(margin=0.3, reduction="none"),
                                    dict(reduction="sum"), dict(weighted=True)])
def test_multi_margin_loss_matches_torch(kwargs):
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor(MM_X, requires_grad=True)
        options = dict(kwargs)
        if options.pop("weighted", False):
            options["weight"] = lib.tensor([1.0, 2.0, 3.0, 0.5], dtype=lib.float64)
        loss = lib.nn.MultiMarginLoss(**options)(x, lib.tensor(MM_T))
        loss.sum().backward()
        single = lib.nn.functional.multi_margin_loss(lib.tensor(MM_X[0]), lib.tensor(3))
        results.append([loss.detach(), x.grad, single])
    for a, b in zip(*results):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_multilabel_margin_loss_matches_torch(reduction):
    """Targets end at their first -1; repeated classes count twice, as in PyTorch."""
    labels = np.array([[3, 0, -1, 1], [1, 2, 3, -1], [0, -1, 2, 2], [2, 2, -1, 0], [-1, 0, 1, 2]])
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor(MM_X, requires_grad=True)
        loss = lib.nn.MultiLabelMarginLoss(reduction=reduction)(x, lib.tensor(labels))
        loss.sum().backward()
        results.append([loss.detach(), x.grad])
    for a, b in zip(*results):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


@pytest.mark.parametrize("kwargs", [dict(), dict(swap=True, margin=0.5),
                                    dict(cosine=True, reduction="none")])
def test_triplet_margin_with_distance_loss_matches_torch(kwargs):
    rng = np.random.default_rng(22)
    a, p, n = (rng.standard_normal((3, 5)) for _ in range(3))
    results = []
    for lib in (minigrad, torch):
        options = dict(kwargs)
        if options.pop("cosine", False):
            options["distance_function"] = lambda x, y: 1 - lib.nn.functional.cosine_similarity(x, y)
        anchor = lib.tensor(a, requires_grad=True)
        module = lib.nn.TripletMarginWithDistanceLoss(**options)
        loss = module(anchor, lib.tensor(p), lib.tensor(n))
        loss.sum().backward()
        results.append([loss.detach(), anchor.grad, repr(module).replace("torch", "")])
    for x, y in zip(results[0][:2], results[1][:2]):
        np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-10)
    assert results[0][2].replace("minigrad", "") == results[1][2]


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.multi_margin_loss(lib.ones(2, 3), lib.tensor([0, 3])),
    lambda lib: lib.nn.functional.multi_margin_loss(lib.ones(2, 3), lib.tensor([0, 1]), p=3),
    lambda lib: lib.nn.MultiMarginLoss(p=4),
    lambda lib: lib.nn.functional.triplet_margin_with_distance_loss(
        lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 3), margin=0.0),
])
def test_margin_losses_refuse_what_torch_refuses(call):
    raised = []
    for lib in (minigrad, torch):
        with pytest.raises(Exception) as info:
            call(lib)
        raised.append(type(info.value))
    assert raised[0] is raised[1]
