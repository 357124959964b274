"""Margin, embedding and likelihood losses against PyTorch: values and gradients of every
input, for each reduction, and their modules."""
import numpy as np
import pytest

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
