"""Define your own differentiable op, then property-test its gradient with hypothesis.

    python examples/custom_op.py

``Softplus`` below is written the PyTorch way: ``forward`` works on NumPy arrays and
``backward`` on tensors, with minigrad operations, so the gradient can be
differentiated again. ``test_softplus_gradients`` is the five-line property test:
hypothesis draws float64 tensors of many shapes and ``assert_gradients_match``
compares the backward with central finite differences (first and second
derivatives). The script then shows what happens to a deliberately wrong backward:
the test fails and reports the smallest input that breaks it.
"""
import numpy as np
from hypothesis import strategies as st

import minigrad
from minigrad.autograd import Function
from minigrad.testing import GradcheckError
from minigrad.testing.strategies import assert_gradients_match, tensors


class Softplus(Function):
    """z = log(1 + exp(x)), without overflow.  dz/dx = sigmoid(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.logaddexp(0, x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.sigmoid()


class BrokenSoftplus(Softplus):
    """The same forward with a wrong backward: it forgets the chain rule's ``grad``."""

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return x.sigmoid()


def test_softplus_gradients():
    values = st.floats(-20, 20, allow_nan=False)
    assert_gradients_match(Softplus.apply, tensors(elements=values), second_order=True)


if __name__ == "__main__":
    x = minigrad.tensor(np.array([-2.0, 0.0, 3.0]), requires_grad=True)
    Softplus.apply(x).sum().backward()
    print("softplus'(x) at", x.tolist(), "=", np.round(x.grad.numpy(), 4).tolist())

    test_softplus_gradients()
    print("Softplus: gradients match finite differences on every drawn example")

    try:
        assert_gradients_match(BrokenSoftplus.apply, tensors(requires_grad=True))
    except GradcheckError as error:
        print("BrokenSoftplus is caught:", str(error).splitlines()[0])
        notes = getattr(error, "__notes__", ["?"])
        print("the smallest input that breaks it,", notes[0])
    else:
        raise SystemExit("BrokenSoftplus should have failed its gradient test")
