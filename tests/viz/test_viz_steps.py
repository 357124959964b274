"""Tests for minigrad/viz/steps.py: backward_steps reports the engine's walk, and the
gradients it reports are the ones backward() computes."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import function
from minigrad.viz import backward_steps, record


def leaves_after_backward(make):
    """Run ``make()`` twice: once for backward_steps, once for backward(); return the
    leaf gradients of each, by leaf position in ``make()``'s result."""
    output, leaves = make()
    steps = backward_steps(output)
    assert all(leaf.grad is None for leaf in leaves), "backward_steps changed a .grad"
    reported = steps.leaf_grads()
    output.backward()
    return [reported[id(leaf)].numpy() for leaf in leaves], [leaf.grad.numpy() for leaf in leaves]


def reused():
    a = mg.tensor([1.0, -2.0, 0.5], requires_grad=True)
    b = a * a
    c = b + b
    return c.sum(), [a]


def test_a_reused_value_adds_up_and_matches_backward():
    reported, computed = leaves_after_backward(reused)
    np.testing.assert_array_equal(reported[0], computed[0])
    np.testing.assert_allclose(computed[0], [4.0, -8.0, 2.0])  # d(2 a^2)/da = 4 a


def test_the_steps_of_a_reused_value_in_engine_order():
    loss, (a,) = reused()
    steps = backward_steps(loss, params={"a": a})
    assert [s.name for s in steps] == ["sum", "add", "mul", "leaf"]
    assert [s.number for s in steps] == [1, 2, 3, 4]
    total, add, mul, leaf = steps
    assert total.arrivals[0][0].source is None                  # where backward starts
    assert total.arrivals[0][0].grad.item() == 1.0
    assert [(x.source, x.index) for x in mul.arrivals[0]] == [(add, 0), (add, 1)]
    assert [(x.source, x.index) for x in leaf.arrivals[0]] == [(mul, 0), (mul, 1)]
    assert add.targets == [mul, mul] and mul.targets == [leaf, leaf]
    assert leaf.leaf is a and leaf.grads_out == ()
    # b = a * a receives 1 + 1 from the two uses in c = b + b
    np.testing.assert_array_equal(mul.grads_in[0].numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(mul.grads_out[0].numpy(), [2.0, -4.0, 1.0])


def test_a_hook_is_run_and_reported():
    def make():
        a = mg.tensor([1.0, 2.0], requires_grad=True)
        b = a * a
        b.register_hook(lambda g: g * 10.0)
        a.register_hook(lambda g: g + 1.0)
        return (b + b).sum(), [a]

    reported, computed = leaves_after_backward(make)
    np.testing.assert_array_equal(reported[0], computed[0])
    np.testing.assert_allclose(computed[0], [41.0, 81.0])
    loss, _ = make()
    steps = backward_steps(loss)
    mul, leaf = steps[2], steps[3]
    assert mul.hooked == [True] and steps[1].hooked == [False]
    np.testing.assert_array_equal(mul.grads_in[0].numpy(), [20.0, 20.0])
    assert leaf.hooked == [True]  # the leaf hook adds 1 to what arrived


def test_matches_pytorch_on_a_small_network():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x, w, b = (rng.standard_normal(s).astype(np.float32) for s in ((4, 3), (3, 2), (2,)))
    mw, mb = mg.tensor(w, requires_grad=True), mg.tensor(b, requires_grad=True)
    steps = backward_steps((mg.tensor(x) @ mw + mb).tanh().mean())
    tw, tb = torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)
    (torch.tensor(x) @ tw + tb).tanh().mean().backward()
    grads = steps.leaf_grads()
    np.testing.assert_allclose(grads[id(mw)].numpy(), tw.grad.numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(grads[id(mb)].numpy(), tb.grad.numpy(), rtol=1e-5, atol=1e-7)
    assert [s.name for s in steps][:4] == ["div", "sum", "tanh", "add"]


def test_every_parameter_of_lenet_gets_the_gradient_backward_gives(lenet):
    nn = pytest.importorskip("minigrad.nn")
    mg.manual_seed(0)
    model = lenet()
    images, labels = mg.randn(2, 1, 28, 28), mg.tensor([3, 7])
    with record():
        loss = nn.functional.cross_entropy(model(images), labels)
    steps = backward_steps(loss, params=model)
    assert all(p.grad is None for p in model.parameters())
    loss.backward()  # the graph was retained by backward_steps
    reported = steps.leaf_grads()
    for name, p in model.named_parameters():
        np.testing.assert_array_equal(reported[id(p)].numpy(), p.grad.numpy(), err_msg=name)
    convs = [s for s in steps if s.name == "conv2d"]
    assert len(convs) == 2 and all(s.scope for s in convs)
    assert convs[-1].attrs.get("padding") in (2, (2, 2))


def test_an_existing_grad_is_left_alone_and_leaf_steps_report_the_increment():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    a.grad = mg.tensor([5.0, 5.0])
    steps = backward_steps((a * 3.0).sum())
    np.testing.assert_array_equal(a.grad.numpy(), [5.0, 5.0])
    np.testing.assert_array_equal(steps[-1].grads_in[0].numpy(), [3.0, 3.0])


def test_a_gradient_argument_seeds_a_non_scalar_output():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    steps = backward_steps(a.exp(), gradient=mg.tensor([1.0, 0.5]))
    assert steps[0].arrivals[0][0].source is None
    np.testing.assert_array_equal(steps[0].arrivals[0][0].grad.numpy(), [1.0, 0.5])
    np.testing.assert_allclose(steps[-1].grads_in[0].numpy(), np.exp([1.0, 2.0]) * [1, 0.5],
                               rtol=1e-6)
    with pytest.raises(RuntimeError, match="implicitly created only for scalar"):
        backward_steps(a.exp())


def test_several_outputs_and_an_unused_output_of_a_multi_output_op():
    a = mg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    left, right = a.split(2)
    steps = backward_steps([left.sum(), (right * 2.0).sum()])
    reported = steps.leaf_grads()[id(a)].numpy()
    np.testing.assert_array_equal(reported, [1.0, 1.0, 2.0, 2.0])


def test_the_rule_is_the_primitives_own_formula_and_details_need_record():
    x = mg.ones(2, 3, requires_grad=True)
    steps = backward_steps(x.sum(1).sum())
    assert steps[0].rule == function.primitives()["sum"].__doc__.strip().splitlines()[0]
    assert steps[0].attrs == {} and steps[0].scope == ()
    with record():
        y = x.sum(1)
    assert backward_steps(y.sum())[1].attrs == {"dim": (1,)}


def test_a_multi_line_rule_is_joined_into_one_line():
    class Twice(function.Function):
        """z = 2 x, with a long
        explanation.  dz/dx = 2.

        More text that is not the rule."""

        @staticmethod
        def forward(ctx, x):
            return 2 * x

        @staticmethod
        def backward(ctx, g):
            return g * 2.0

    steps = backward_steps(Twice.apply(mg.ones(2, requires_grad=True)).sum())
    assert steps[1].rule == "z = 2 x, with a long explanation.  dz/dx = 2."


def test_a_deep_chain_needs_no_recursion():
    x = mg.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    steps = backward_steps(y.sum())
    assert len(steps) == 3002 and steps[-1].leaf is x


def test_the_steps_read_like_a_sequence():
    loss, _ = reused()
    steps = backward_steps(loss)
    assert len(steps) == 4 and steps[-1].name == "leaf" and list(steps)[0] is steps[0]
    assert "sum -> add -> mul -> leaf" in repr(steps) and repr(steps[0]) == "<Step 1: sum>"
    with pytest.raises(TypeError, match="output must be a Tensor"):
        backward_steps(3.0)
