"""embedding_bag and EmbeddingBag against PyTorch (values, gradients, errors) and finite
differences."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
import minigrad.nn.functional as F
from minigrad.testing import gradcheck

torch = pytest.importorskip("torch")


@st.composite
def bag_cases(draw):
    rows = draw(st.integers(1, 7))
    total = draw(st.integers(0, 12))
    index = draw(st.lists(st.integers(0, rows - 1), min_size=total, max_size=total))
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=0, max_size=4)))
    mode = draw(st.sampled_from(["sum", "mean", "max"]))
    last = draw(st.booleans())
    offsets = [0] + cuts + ([total] if last else [])
    return dict(index=np.array(index, np.int64), offsets=np.array(offsets, np.int64),
                rows=rows, mode=mode, include_last_offset=last,
                padding_idx=draw(st.one_of(st.none(), st.integers(-rows, rows - 1))),
                weighted=mode == "sum" and draw(st.booleans()), seed=draw(st.integers(0, 99)))


def _run(lib, case, weight, weights=None):
    w = lib.tensor(weight, requires_grad=True)
    psw = None if weights is None else lib.tensor(weights, requires_grad=True)
    out = lib.nn.functional.embedding_bag(
        lib.tensor(case["index"]), w, lib.tensor(case["offsets"]), mode=case["mode"],
        per_sample_weights=psw, include_last_offset=case["include_last_offset"],
        padding_idx=case["padding_idx"])
    g = np.random.default_rng(1).standard_normal(tuple(out.shape))
    (out * lib.tensor(g, dtype=out.dtype)).sum().backward()
    grads = [w.grad] + ([] if psw is None else [psw.grad])
    return [out.detach()] + [t if t is not None else lib.zeros(1) for t in grads]


@settings(max_examples=150, deadline=None)
@given(case=bag_cases())
def test_bags_match_torch(case):
    rng = np.random.default_rng(case["seed"])
    # Distinct values in every column: no ties for the max.
    weight = rng.permutation(case["rows"] * 3).reshape(case["rows"], 3) * 0.37 - 1.0
    weights = rng.uniform(0.5, 2.0, len(case["index"])) if case["weighted"] else None
    for dtype in (np.float32, np.float64):
        ours = _run(minigrad, case, weight.astype(dtype),
                    None if weights is None else weights.astype(dtype))
        theirs = _run(torch, case, weight.astype(dtype),
                      None if weights is None else weights.astype(dtype))
        for a, b in zip(ours, theirs):
            assert a.dtype == dtype and tuple(a.shape) == tuple(b.shape)
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def test_max_sends_the_gradient_to_the_first_maximum_of_a_tie():
    weight = np.array([[1.0, 5.0], [1.0, 2.0], [0.0, 5.0]])
    for lib in (minigrad, torch):
        w = lib.tensor(weight, requires_grad=True)
        out = lib.nn.functional.embedding_bag(lib.tensor([[0, 1, 2]]), w, mode="max")
        out.sum().backward()
        np.testing.assert_array_equal(out.detach().numpy(), [[1.0, 5.0]])
        np.testing.assert_array_equal(w.grad.numpy(), [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]])


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_gradients_by_finite_differences(mode):
    weight = minigrad.tensor(np.random.default_rng(2).standard_normal((6, 3)),
                             requires_grad=True)
    index, offsets = minigrad.tensor([0, 3, 5, 1, 1, 4, 2]), minigrad.tensor([0, 2, 2, 5])

    def fn(w):
        return F.embedding_bag(index, w, offsets, mode=mode, padding_idx=4)

    assert gradcheck(fn, [weight])


BAD = [  # keyword arguments of embedding_bag that PyTorch refuses
    dict(input=[1, 2, 3], offsets=[1, 2]),
    dict(input=[1, 2, 3], offsets=[0, 5]),
    dict(input=[1, 2, 3], offsets=None),
    dict(input=[[1, 2], [3, 4]], offsets=[0, 1]),
    dict(input=[1, 2, 3], offsets=[[0, 1]]),
    dict(input=[[[1]]], offsets=None),
    dict(input=[1, 2, 3], offsets=[0, 1], mode="median"),
    dict(input=[1, 2, 3], offsets=[0, 1], mode="max", scale_grad_by_freq=True),
    dict(input=[1, 2, 3], offsets=[0, 1], mode="mean", per_sample_weights=[1.0, 1.0, 1.0]),
    dict(input=[1, 2, 3], offsets=[0, 1], mode="sum", per_sample_weights=[1.0, 1.0]),
    dict(input=[1.0, 2.0], offsets=[0]),
]


@pytest.mark.parametrize("kwargs", BAD, ids=range(len(BAD)))
def test_bad_arguments_raise_what_torch_raises(kwargs):
    raised = []
    for lib in (minigrad, torch):
        args = {k: (lib.tensor(v) if isinstance(v, list) else v) for k, v in kwargs.items()}
        with pytest.raises(Exception) as info:
            lib.nn.functional.embedding_bag(weight=lib.ones(5, 2), **args)
        raised.append(info.value)
    assert type(raised[0]) is type(raised[1]), raised
    assert "embedding_bag" in str(raised[0])  # ours names the op


def test_a_text_classifier_trains_as_in_torch():
    """The model of PyTorch's text-classification tutorial: an EmbeddingBag of token ids
    with offsets, then a linear layer, trained with SGD from the same weights."""
    rng = np.random.default_rng(3)
    table, linear_w = rng.uniform(-0.5, 0.5, (20, 8)), rng.uniform(-0.5, 0.5, (4, 8))
    batches = []
    for _ in range(5):
        lengths = rng.integers(1, 6, 8)
        batches.append((rng.integers(0, 20, lengths.sum()), np.cumsum(lengths) - lengths,
                        rng.integers(0, 4, 8)))
    losses = []
    for lib in (minigrad, torch):
        nn = lib.nn
        bag, fc = nn.EmbeddingBag(20, 8, sparse=False), nn.Linear(8, 4)
        with lib.no_grad():
            bag.weight.copy_(lib.tensor(table, dtype=lib.float32))
            fc.weight.copy_(lib.tensor(linear_w, dtype=lib.float32))
            fc.bias.zero_()
        params = list(bag.parameters()) + list(fc.parameters())
        optimizer = lib.optim.SGD(params, lr=5.0)
        run = []
        for text, offsets, label in batches:
            optimizer.zero_grad()
            loss = nn.CrossEntropyLoss()(fc(bag(lib.tensor(text), lib.tensor(offsets))),
                                         lib.tensor(label))
            loss.backward()
            lib.nn.utils.clip_grad_norm_(params, 0.1)
            optimizer.step()
            run.append(loss.item())
        losses.append(run)
    np.testing.assert_allclose(*losses, rtol=1e-5)


def test_module_repr_and_from_pretrained_as_torch():
    for ours, theirs in ((minigrad.nn.EmbeddingBag(10, 3),
                          torch.nn.EmbeddingBag(10, 3)),
                         (minigrad.nn.EmbeddingBag(10, 3, max_norm=1.0, mode="sum",
                                                   padding_idx=0),
                          torch.nn.EmbeddingBag(10, 3, max_norm=1.0, mode="sum",
                                                padding_idx=0))):
        assert repr(ours) == repr(theirs)
        assert ours.weight.dtype == np.float32
    table = np.arange(6.0).reshape(3, 2)
    ours = minigrad.nn.EmbeddingBag.from_pretrained(minigrad.tensor(table), mode="sum")
    theirs = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(table), mode="sum")
    assert ours.weight.requires_grad is theirs.weight.requires_grad is False
    np.testing.assert_array_equal(ours(minigrad.tensor([[0, 2]])).numpy(),
                                  theirs(torch.tensor([[0, 2]])).numpy())
