"""F.ctc_loss and nn.CTCLoss against PyTorch: losses and gradients on random problems
(repeated labels, empty targets, inputs too short for their targets, with and without
zero_infinity), every argument form, and the inputs that raise."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from differential import both_raise, compare, needs_torch

torch = pytest.importorskip("torch")


@st.composite
def problems(draw):
    """A batch of log-probabilities logits (T, N, C), padded targets (labels 1..C-1, some
    all one label, so that repeats need a blank between them) and lengths, some of which
    leave no alignment (an infinite loss)."""
    T, N, C = draw(st.integers(1, 7)), draw(st.integers(1, 3)), draw(st.integers(2, 5))
    S = draw(st.integers(0, 4))
    seed = draw(st.integers(0, 2 ** 16))
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((T, N, C)) * 2
    targets = rng.integers(1, C, (N, max(S, 1)))
    if draw(st.booleans()):
        targets[:] = targets[:, :1]
    target_lengths = [draw(st.integers(0, S)) for _ in range(N)]
    input_lengths = [draw(st.integers(0, T)) for _ in range(N)]
    return logits, targets, input_lengths, target_lengths


def ctc_program(problem, reduction, zero_infinity, form="tensor", blank=0):
    logits, targets, input_lengths, target_lengths = problem

    def program(lib):
        x = lib.tensor(logits, requires_grad=True)
        t = lib.tensor(targets)
        if form == "concatenated":
            t = lib.cat([t[n, :k] for n, k in enumerate(target_lengths)])
        lengths = ((lib.tensor(input_lengths), lib.tensor(target_lengths)) if form != "tuple"
                   else (tuple(input_lengths), tuple(target_lengths)))
        loss = lib.nn.functional.ctc_loss(x.log_softmax(2), t, *lengths, blank=blank,
                                          reduction=reduction, zero_infinity=zero_infinity)
        w = lib.tensor(np.linspace(0.5, 1.5, loss.numel()).reshape(tuple(loss.shape)))
        (grad,) = lib.autograd.grad((loss * w).sum(), x)
        return loss, grad
    return program


@needs_torch
@settings(max_examples=60, deadline=None)
@given(problems(), st.sampled_from(["mean", "sum", "none"]), st.booleans(),
       st.sampled_from(["tensor", "tuple", "concatenated"]))
def test_loss_and_gradient_match_torch(problem, reduction, zero_infinity, form):
    compare(ctc_program(problem, reduction, zero_infinity, form), rtol=1e-7, atol=1e-10)


@needs_torch
@settings(max_examples=20, deadline=None)
@given(problems(), st.booleans())
def test_another_blank_matches_torch(problem, zero_infinity):
    logits, targets, input_lengths, target_lengths = problem
    blank = logits.shape[2] - 1
    targets = targets - 1  # labels 0..C-2, the blank is the last class
    compare(ctc_program((logits, targets, input_lengths, target_lengths), "none",
                        zero_infinity, blank=blank), rtol=1e-7, atol=1e-10)


@needs_torch
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_float32_unbatched_and_module(reduction):
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((6, 5)).astype(np.float32)

    def program(lib):
        x = lib.tensor(logits, requires_grad=True)
        loss_fn = lib.nn.CTCLoss(blank=0, reduction=reduction, zero_infinity=True)
        loss = loss_fn(x.log_softmax(1), lib.tensor([1, 3, 3]), lib.tensor(6), lib.tensor(3))
        (grad,) = lib.autograd.grad(loss.sum(), x)
        return loss, grad, repr(loss_fn), loss.grad_fn.name()
    compare(program, rtol=1e-5, atol=1e-6)


@needs_torch
@pytest.mark.parametrize("reduction, zero_infinity", [("none", False), ("none", True),
                                                       ("mean", False), ("sum", True)])
def test_grad_fn_names(reduction, zero_infinity):
    def program(lib):
        x = lib.zeros(3, 2, 4, requires_grad=True).log_softmax(2)
        loss = lib.nn.functional.ctc_loss(x, lib.tensor([[1, 2], [3, 3]]), (3, 3), (2, 2),
                                          reduction=reduction, zero_infinity=zero_infinity)
        return loss.grad_fn.name()
    compare(program)


@needs_torch
def test_the_gradient_cannot_be_differentiated_again_as_in_torch():
    def program(lib):
        x = lib.zeros(3, 1, 4, dtype=lib.float64, requires_grad=True)
        loss = lib.nn.functional.ctc_loss(x, lib.tensor([[1, 2]]), (3,), (2,))
        (g,) = lib.autograd.grad(loss, x, create_graph=True)
        lib.autograd.grad(g.sum(), x)
    both_raise(program, RuntimeError, "ctc_loss_backward")


def test_module_has_torch_attributes_and_no_state():
    loss = minigrad.nn.CTCLoss(blank=2, reduction="sum", zero_infinity=True)
    assert (loss.blank, loss.reduction, loss.zero_infinity) == (2, "sum", True)
    assert repr(loss) == "CTCLoss()" and loss.state_dict() == {}
    with pytest.raises(ValueError):
        minigrad.nn.CTCLoss(reduction="average")


LP = np.log(np.full((3, 2, 4), 0.25))
BAD = {
    "input length above T": (RuntimeError, lambda lib: (LP, [[1, 2], [3, 3]], (4, 3), (2, 2))),
    "negative input length": (RuntimeError, lambda lib: (LP, [[1, 2], [3, 3]], (3, -1), (2, 2))),
    "negative target length": (RuntimeError, lambda lib: (LP, [[1, 2], [3, 3]], (3, 3), (-1, 2))),
    "target length above S": (RuntimeError, lambda lib: (LP, [[1, 2], [3, 3]], (3, 3), (3, 2))),
    "too few input lengths": (RuntimeError, lambda lib: (LP, [[1, 2], [3, 3]], (3,), (2, 2))),
    "too few target lengths": (RuntimeError, lambda lib: (LP, [[1, 2], [3, 3]], (3, 3), (2,))),
    "concatenated too long": (RuntimeError, lambda lib: (LP, [1, 2, 3], (3, 3), (1, 1))),
    "targets of 3 dims": (RuntimeError, lambda lib: (LP, [[[1, 2]], [[3, 3]]], (3, 3), (2, 2))),
    "targets for another batch": (RuntimeError, lambda lib: (LP, [[1, 2]], (3, 3), (2, 2))),
    "log_probs of 4 dims": (RuntimeError, lambda lib: (LP[None], [[1, 2], [3, 3]], (3, 3), (2, 2))),
    "empty log_probs": (RuntimeError, lambda lib: (LP[:0], [[1, 2], [3, 3]], (0, 0), (0, 0))),
    "float lengths tensor": (RuntimeError,
                             lambda lib: (LP, [[1, 2], [3, 3]], lib.tensor([3., 3.]),
                                          lib.tensor([2, 2]))),
    "a tensor and a tuple": (TypeError,
                             lambda lib: (LP, [[1, 2], [3, 3]], lib.tensor([3, 3]), (2, 2))),
    "float in a tuple": (TypeError, lambda lib: (LP, [[1, 2], [3, 3]], (3.0, 3), (2, 2))),
    "an int length": (TypeError, lambda lib: (LP[:, 0], [1, 2], 3, 2)),
}


@needs_torch
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_arguments_raise_as_in_torch(case):
    error, arguments = BAD[case]

    def program(lib):
        lp, targets, input_lengths, target_lengths = arguments(lib)
        return lib.nn.functional.ctc_loss(lib.tensor(lp), lib.tensor(targets), input_lengths,
                                          target_lengths)
    both_raise(program, error)


@needs_torch
@pytest.mark.parametrize("blank, error", [(4, RuntimeError), (-1, RuntimeError),
                                          (1.0, TypeError), (True, TypeError)])
def test_bad_blank_raises_as_in_torch(blank, error):
    both_raise(lambda lib: lib.nn.functional.ctc_loss(
        lib.tensor(LP), lib.tensor([[1, 2], [3, 3]]), (3, 3), (2, 2), blank=blank), error)


@needs_torch
def test_integer_log_probs_and_bad_reduction_raise_as_in_torch():
    both_raise(lambda lib: lib.nn.functional.ctc_loss(
        lib.zeros(3, 2, 4, dtype=lib.int32), lib.tensor([[1, 2], [3, 3]]), (3, 3), (2, 2)),
        NotImplementedError)
    both_raise(lambda lib: lib.nn.functional.ctc_loss(
        lib.tensor(LP), lib.tensor([[1, 2], [3, 3]]), (3, 3), (2, 2), reduction="avg"),
        ValueError)
