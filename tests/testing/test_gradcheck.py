"""minigrad/testing/gradcheck.py: gradcheck, gradgradcheck and the invariant checks.

The toolkit has to prove that it can fail: every check is run on a deliberately wrong
Function and must catch it, with a message that names what went wrong.
"""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from hypothesis import strategies as st

import minigrad
from minigrad.autograd import Function
from minigrad.testing import GradcheckError, check_invariants_of, gradcheck, gradgradcheck
from minigrad.testing.strategies import assert_gradients_match, shapes, tensors


def leaf(values, dtype=np.float64):
    return minigrad.tensor(np.asarray(values, dtype=dtype), dtype=dtype, requires_grad=True)


# --- deliberately wrong Functions ------------------------------------------------------------
class WrongProductGradient(Function):
    """z = x * y, but dz/dy is returned as 2x instead of x."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y, g * x * 2


class SquareWithWrongSecondDerivative(Function):
    """z = x**2 with the right first derivative 2x, but computed from a detached x, so its
    own derivative (the second derivative of z) comes out 0 instead of 2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 2 * x.detach()


class WrongFromThreeElements(Function):
    """z = 2x, but the backward forgets the third element: wrong only for inputs with at
    least 3 elements, so a shrunk counterexample has exactly 3."""

    @staticmethod
    def forward(ctx, x):
        return 2 * x

    @staticmethod
    def backward(ctx, g):
        mask = np.ones(g.shape)
        if mask.size >= 3:
            mask.reshape(-1)[2] = 0.0
        return g * 2 * minigrad.tensor(mask, dtype=g.dtype)


class MutatesItsInput(Function):
    @staticmethod
    def forward(ctx, x):
        x += 1.0  # writes into the caller's array
        return x * 1.0

    @staticmethod
    def backward(ctx, g):
        return g


class MutatesInBackward(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * 3.0

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        x._data *= 2.0  # a backward must never touch its inputs
        return g * 3.0


class WrongGradientShape(Function):
    @staticmethod
    def forward(ctx, x):
        return x.sum(0)

    @staticmethod
    def backward(ctx, g):
        return g  # should be expanded back to x's shape


class DropsTheGradient(Function):
    """Returns no gradient for an input that needs one: the graph above it is never run,
    so its saved values are never freed."""

    @staticmethod
    def forward(ctx, x):
        return x * 1.0

    @staticmethod
    def backward(ctx, g):
        return None


# --- gradcheck -------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda x, y: x * y, lambda x, y: (x / y).exp(), lambda x, y: (x @ y.T).tanh(),
    lambda x, y: (x.sigmoid() * y.sin()).sum(1), lambda x, y: (x, x * y)],
    ids=["mul", "div-exp", "matmul-tanh", "sigmoid-sin-sum", "two outputs"])
def test_gradcheck_returns_true_for_correct_gradients(fn):
    x = leaf([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    y = leaf([[1.0, 2.0, -3.0], [0.5, 1.5, 2.5]])
    assert gradcheck(fn, [x, y]) is True
    assert gradcheck(fn, [x, y], fast_mode=True) is True
    assert gradgradcheck(fn, [x, y]) is True


def test_gradcheck_error_names_the_pair_the_worst_element_and_both_values():
    x, y = leaf([1.0, 2.0, 3.0]), leaf([4.0, 5.0, 6.0])
    with pytest.raises(GradcheckError) as info:
        gradcheck(WrongProductGradient.apply, [x, y])
    message = str(info.value)
    assert "output 0 with respect to input 1" in message
    assert "worst element (output element 2, input element 2)" in message
    numerical = float(re.search(r"numerical (\S+),", message).group(1))
    analytical = float(re.search(r"analytical (\S+) ", message).group(1))
    assert numerical == pytest.approx(3.0, abs=1e-6)  # dz2/dy2 = x2 = 3
    assert analytical == 6.0  # the wrong 2 * x2


def test_gradcheck_without_raising_returns_false():
    x, y = leaf([1.0]), leaf([2.0])
    assert gradcheck(WrongProductGradient.apply, [x, y], raise_exception=False) is False


def test_gradcheck_only_checks_inputs_that_require_grad():
    x, y = leaf([1.0, 2.0]), minigrad.tensor(np.array([4.0, 5.0]))
    assert gradcheck(WrongProductGradient.apply, [x, y])  # only dz/dy is wrong
    with pytest.raises(ValueError, match="no input requires grad"):
        gradcheck(lambda a: a * 2, [minigrad.tensor(np.array([1.0]))])


def test_fast_mode_catches_a_wrong_backward():
    x, y = leaf([1.0, 2.0, 3.0]), leaf([4.0, 5.0, 6.0])
    with pytest.raises(GradcheckError, match=r"fast mode.*output 0 with respect to input 1"):
        gradcheck(WrongProductGradient.apply, [x, y], fast_mode=True)


def test_the_tolerances_are_used():
    # dz/dy comes out as 2x instead of x: wrong by |x| = 1e-7, under the default atol
    small, y = leaf([1e-7]), leaf([2.0])
    assert gradcheck(WrongProductGradient.apply, [small, y])
    with pytest.raises(GradcheckError, match="atol=1e-09, rtol=1e-09"):
        gradcheck(WrongProductGradient.apply, [small, y], atol=1e-9, rtol=1e-9)


def test_non_float64_inputs_warn():
    x = leaf([1.0, 2.0], dtype=np.float32)
    with pytest.warns(RuntimeWarning, match="float64"):
        gradcheck(lambda t: t * 2, [x], eps=1e-2, atol=1e-2)
    with pytest.warns(RuntimeWarning, match="float64"):
        gradgradcheck(lambda t: t * t, [x], eps=1e-2, atol=1e-2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gradcheck(lambda t: t * 2, [leaf([1.0])])  # float64: silent


def test_gradcheck_leaves_inputs_exactly_as_they_were():
    a = np.array([[0.1, 0.2], [0.3, 0.7]])
    x = leaf(a)
    array = x._data
    gradcheck(lambda t: (t * t).exp(), [x])
    gradcheck(lambda t: (t * t).exp(), [x], fast_mode=True)
    assert x._data is array and np.array_equal(x.detach().numpy(), a)


def test_gradcheck_handles_non_contiguous_and_read_only_inputs():
    transposed = minigrad.from_numpy(np.arange(6.0).reshape(2, 3).T)
    transposed.requires_grad_()
    expanded = minigrad.tensor(np.array([1.0, 2.0])).expand(3, 2).detach()
    expanded.requires_grad_()
    for x in (transposed, expanded):
        assert gradcheck(lambda t: t * t, [x])
        assert gradcheck(lambda t: t * t, [x], fast_mode=True)


# --- gradgradcheck ---------------------------------------------------------------------------
def test_gradgradcheck_catches_a_wrong_second_derivative():
    x = leaf([1.0, -2.0, 0.5])
    assert gradcheck(SquareWithWrongSecondDerivative.apply, [x])  # first order is right
    with pytest.raises(GradcheckError, match="gradgradcheck: Jacobian mismatch for output 0 "
                                             "with respect to input 0"):
        gradgradcheck(SquareWithWrongSecondDerivative.apply, [x])
    with pytest.raises(GradcheckError, match="gradgradcheck"):
        gradgradcheck(SquareWithWrongSecondDerivative.apply, [x], fast_mode=True)


class DetachesTheIncomingGradient(Function):
    """z = 2x with a right first derivative, but the backward detaches g, so the gradient
    is not differentiable with respect to the incoming gradient (it must be, for double
    backward through a chain)."""

    @staticmethod
    def forward(ctx, x):
        return 2 * x

    @staticmethod
    def backward(ctx, g):
        return g.detach() * 2


def test_gradgradcheck_checks_the_derivative_with_respect_to_grad_outputs():
    x, v = leaf([1.0, 2.0]), leaf([0.5, -1.5])
    assert gradcheck(DetachesTheIncomingGradient.apply, [x])
    # output 0 is the gradient for x; input 1 is v, the grad_outputs
    with pytest.raises(GradcheckError, match="gradgradcheck: Jacobian mismatch for output 0 "
                                             "with respect to input 1"):
        gradgradcheck(DetachesTheIncomingGradient.apply, [x], v)
    assert gradgradcheck(lambda a: 2 * a, [x], v)


def test_gradgradcheck_passes_for_linear_ops():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    for fn in (lambda t: t.T, lambda t: t[[0, 0]], lambda t: t.sum(0), lambda t: -t + 1):
        assert gradgradcheck(fn, [x])


# --- a hypothesis test built with the strategies ---------------------------------------------
def test_a_hypothesis_test_catches_a_wrong_backward_and_reports_a_shrunk_example():
    seen: list = []

    def fn(x):
        seen.append(x.shape)
        return WrongFromThreeElements.apply(x)

    with pytest.raises(GradcheckError) as info:
        assert_gradients_match(fn, tensors(shapes(max_dims=2, max_side=4), requires_grad=True),
                               max_examples=100)
    # Hypothesis replays the smallest failing example last: exactly 3 elements.
    assert int(np.prod(seen[-1])) == 3
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "inputs=(tensor(" in notes, notes  # the shrunk counterexample is reported
    shown = re.search(r"inputs=\((tensor\(.*?\))[,)]", notes, re.S).group(1)
    assert shown.count(",") >= 2  # three values are shown (the shape may be (3,) or (1, 3))


def test_a_hypothesis_test_passes_for_a_correct_function():
    assert_gradients_match(lambda a, b: (a * b).sin(), tensors((2, 3), requires_grad=True),
                           tensors((3,), requires_grad=True), second_order=True)


def test_assert_gradients_match_with_fixed_inputs_and_tolerances():
    x = leaf([0.5, 1.0])
    assert_gradients_match(lambda t: t.exp(), x, second_order=True)
    with pytest.raises(GradcheckError):
        assert_gradients_match(SquareWithWrongSecondDerivative.apply, x, second_order=True)
    assert_gradients_match(lambda t: t.exp(), tensors((2,)), atol=1e-4, max_examples=3)


def test_assert_gradients_match_makes_float_inputs_require_grad():
    calls = []

    def fn(t):
        calls.append(t.requires_grad)
        return t * t

    assert_gradients_match(fn, tensors((2,)), max_examples=2)
    assert calls and all(calls)


# --- invariants ------------------------------------------------------------------------------
def test_invariants_hold_for_correct_ops():
    x, y = leaf([[1.0, 2.0]]), leaf([[3.0], [4.0]])
    check_invariants_of(lambda a, b: (a * b).exp().sum(0), [x, y])
    assert x.grad is None and y.grad is None  # the check leaves .grad as it found it


def test_invariants_catch_a_function_that_mutates_its_input():
    with pytest.raises(GradcheckError, match="input was modified"):
        check_invariants_of(MutatesItsInput.apply, [leaf([1.0, 2.0])])
    with pytest.raises(GradcheckError):
        gradcheck(MutatesItsInput.apply, [leaf([1.0, 2.0])])


def test_invariants_catch_a_backward_that_mutates_its_input():
    with pytest.raises(GradcheckError, match="input was modified"):
        check_invariants_of(MutatesInBackward.apply, [leaf([1.0, 2.0])])


def test_a_gradient_of_the_wrong_shape_is_caught():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(RuntimeError, match=r"invalid gradient.*got \[2\] but expected "
                                           r"shape compatible with \[2, 2\]"):
        check_invariants_of(WrongGradientShape.apply, [x])
    with pytest.raises(RuntimeError, match="invalid gradient"):
        gradcheck(WrongGradientShape.apply, [x])


def test_invariants_catch_a_graph_that_is_not_freed():
    x = leaf([1.0, 2.0])
    with pytest.raises(GradcheckError, match="node ExpBackward0 kept its saved values"):
        check_invariants_of(lambda t: DropsTheGradient.apply(t.exp()), [x])


def test_gradients_are_fresh_arrays():
    # The "no gradient is a view of another" invariant, from the outside: a backward that
    # returns the same tensor for two inputs still leaves two independent .grad arrays.
    class Both(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g, g

    a, b = leaf([1.0]), leaf([2.0])
    check_invariants_of(Both.apply, [a, b])
    Both.apply(a, b).sum().backward()
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
