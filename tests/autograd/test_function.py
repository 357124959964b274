"""minigrad/autograd/function.py: user-defined Functions the PyTorch way, the ctx (Node)
API, and the primitive registry."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad.autograd import Function, Node, primitives, register
from minigrad.testing import gradcheck, gradgradcheck


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x ** 2


class ScaledProduct(Function):
    """z = scale * x * y, with a non-tensor argument and needs_input_grad."""

    seen_needs: list = []

    @staticmethod
    def forward(ctx, x, y, scale):
        ctx.save_for_backward(x, y)
        ctx.scale = scale
        ScaledProduct.seen_needs.append(ctx.needs_input_grad)
        return scale * x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gx = g * y * ctx.scale if ctx.needs_input_grad[0] else None
        gy = g * x * ctx.scale if ctx.needs_input_grad[1] else None
        return gx, gy, None


class SplitHalves(Function):
    """Two outputs."""

    @staticmethod
    def forward(ctx, x):
        n = x.shape[0] // 2
        return x[:n].clone(), x[n:] * 2

    @staticmethod
    def backward(ctx, ga, gb):
        return minigrad.ops.cat([ga, gb * 2], 0)


def leaf(values):
    return minigrad.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def test_custom_function_forward_backward_and_grad_fn():
    x = leaf([1.0, 2.0])
    y = Cube.apply(x)
    assert isinstance(y, minigrad.Tensor)
    assert isinstance(y.grad_fn, Node) and y.grad_fn.function is Cube
    np.testing.assert_array_equal(y.detach().numpy(), [1.0, 8.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 12.0])


def test_custom_function_passes_gradcheck_and_gradgradcheck():
    x = leaf([0.5, -1.5, 2.0])
    assert gradcheck(Cube.apply, [x])
    assert gradgradcheck(Cube.apply, [x])  # backward uses minigrad ops: differentiable


def test_saved_tensors_come_back_as_the_inputs():
    x = leaf([1.0])
    y = Cube.apply(x)
    (saved,) = y.grad_fn.saved_tensors
    assert saved is x


def test_needs_input_grad_and_non_tensor_arguments():
    ScaledProduct.seen_needs.clear()
    x, c = leaf([2.0]), minigrad.tensor(np.array([3.0]))
    out = ScaledProduct.apply(x, c, 0.5)
    assert ScaledProduct.seen_needs == [(True, False, False)]
    out.backward()
    assert x.grad.item() == 1.5 and c.grad is None
    assert out.grad_fn.attrs == {}  # attributes are recorded only with details on
    with minigrad.autograd.record_details():
        out = ScaledProduct.apply(x, c, 0.5)
    assert out.grad_fn.attrs == {"scale": 0.5}


def test_function_with_two_outputs():
    x = leaf([1.0, 2.0, 3.0, 4.0])
    a, b = SplitHalves.apply(x)
    assert a.grad_fn is b.grad_fn
    (a.sum() + (b * b).sum()).backward()
    # b = 2 x[2:], d/dx[2:] of b^2 = 2 b * 2
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0, 4 * 6.0, 4 * 8.0])
    x.grad = None
    a2, _ = SplitHalves.apply(x)
    a2.sum().backward()  # the unused output gets a zero gradient
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0, 0.0, 0.0])


def test_no_graph_without_grad():
    y = Cube.apply(minigrad.tensor(np.array([2.0])))
    assert y.grad_fn is None and not y.requires_grad
    with minigrad.no_grad():
        y = Cube.apply(leaf([2.0]))
    assert y.grad_fn is None


def test_mark_non_differentiable():
    class SortWithIndices(Function):
        @staticmethod
        def forward(ctx, x):
            order = np.argsort(x).astype(np.float64)  # a float output that must not get grads
            ctx.mark_non_differentiable(order)
            ctx.order = order.astype(np.int64)
            return np.sort(x), order

        @staticmethod
        def backward(ctx, g, _):
            out = np.zeros(g.shape)
            out[ctx.order] = g.numpy()
            return minigrad.tensor(out)

    values, order = SortWithIndices.apply(leaf([3.0, 1.0, 2.0]))
    assert values.requires_grad and not order.requires_grad


def test_forward_must_return_arrays():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x):
            return [1.0]

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(TypeError, match="must return NumPy arrays"):
        Bad.apply(leaf([1.0]))


def test_backward_must_be_overridden():
    class NoBackward(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    y = NoBackward.apply(leaf([1.0]))
    with pytest.raises(NotImplementedError):
        y.sum().backward()


def test_a_wrong_gradient_shape_is_refused():
    class WrongShape(Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, g):
            return g  # should be broadcast back to x's shape

    with pytest.raises(RuntimeError, match=r"WrongShape.*invalid gradient.*got \[\] "
                                           r"but expected shape compatible with \[3\]"):
        WrongShape.apply(leaf([1.0, 2.0, 3.0])).backward()


# --- the registry ----------------------------------------------------------------------------
def test_primitives_lists_registered_functions_by_name_sorted():
    prims = primitives()
    assert list(prims) == sorted(prims)
    assert prims["mul"].name == "mul" and issubclass(prims["mul"], Function)
    for name, cls in prims.items():
        assert cls.name == name
        assert cls.__doc__, f"primitive {name} has no docstring"


def test_every_primitive_docstring_states_its_formula_and_gradient():
    # STYLE.md: "A primitive's docstring states its forward formula and its gradient."
    for name, cls in primitives().items():
        doc = " ".join(cls.__doc__.split())
        assert "z =" in doc or "z[" in doc, f"{name}: the docstring should state z = ..."
        assert "dz/d" in doc or "gets g" in doc, f"{name}: the docstring should state dz/d..."


def test_register_adds_and_refuses_a_second_class_under_the_same_name():
    @register("test_only_double")
    class Double(Function):
        """z = 2x.  dz/dx = 2."""

        @staticmethod
        def forward(ctx, x):
            return 2 * x

        @staticmethod
        def backward(ctx, g):
            return 2 * g

    try:
        assert primitives()["test_only_double"] is Double
        with pytest.raises(ValueError, match="already exists"):
            register("test_only_double")(type("Other", (Function,), {}))
    finally:
        from minigrad.autograd import function
        del function._REGISTRY["test_only_double"]
    assert "test_only_double" not in primitives()


# --- saved outputs ---------------------------------------------------------------------------
@pytest.mark.parametrize("op, second", [
    (minigrad.exp, np.exp), (minigrad.sqrt, lambda v: -0.25 * v ** -1.5),
    (minigrad.tanh, lambda v: -2 * np.tanh(v) * (1 - np.tanh(v) ** 2))],
    ids=["exp", "sqrt", "tanh"])
def test_double_backward_through_a_saved_output(op, second):
    x = minigrad.tensor(np.array([0.5, 2.0]), requires_grad=True)
    (g,) = minigrad.autograd.grad(op(x).sum(), x, create_graph=True)
    (gg,) = minigrad.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), second(np.array([0.5, 2.0])))


@pytest.mark.parametrize("op", [minigrad.exp, minigrad.sqrt, minigrad.sigmoid,
                                lambda t: 2.0 ** t], ids=["exp", "sqrt", "sigmoid", "pow"])
def test_double_backward_through_a_saved_zero_dim_output(op):
    x = minigrad.tensor(np.array(0.5), requires_grad=True)
    (g,) = minigrad.autograd.grad(op(x), x, create_graph=True)
    assert g.requires_grad  # g depends on x: it must be connected to the graph
    x1 = minigrad.tensor(np.array([0.5]), requires_grad=True)
    (g1,) = minigrad.autograd.grad(op(x1).sum(), x1, create_graph=True)
    (gg1,) = minigrad.autograd.grad(g1.sum(), x1)
    (gg,) = minigrad.autograd.grad(g, x)
    np.testing.assert_allclose(gg.numpy(), gg1.numpy()[0])


def test_a_backward_that_forgets_a_gradient_is_an_error_not_a_silent_none():
    class ForgetsY(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g  # one gradient for two inputs that both require grad

    x = minigrad.tensor([1.0], requires_grad=True)
    y = minigrad.tensor([2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="ForgetsY.*returned 1 gradients from backward, "
                                           "but its forward took 2 positional arguments"):
        ForgetsY.apply(x, y).sum().backward()


# PyTorch's own examples of custom Functions: forward works on tensors
def _my_relu(L):
    class MyReLU(L.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input

    x = L.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    y = MyReLU.apply(x)
    (y * L.tensor([1.0, 2.0, 3.0])).sum().backward()
    return y, x.grad


def _exp(L):
    class Exp(L.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result

    x = L.tensor([0.5, 1.0], dtype=L.float64, requires_grad=True)
    y = Exp.apply(x)
    (g,) = L.autograd.grad(y.sum(), x, create_graph=True)
    (g2,) = L.autograd.grad(g.sum(), x)
    return y, g, g2


def _two_outputs(L):
    class SortPair(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            values, indices = x.sort()
            ctx.mark_non_differentiable(indices)
            ctx.save_for_backward(indices)
            return values, indices

        @staticmethod
        def backward(ctx, g, _):
            (indices,) = ctx.saved_tensors
            out = L.zeros_like(g)
            out[indices] = g
            return out

    x = L.tensor([3.0, 1.0, 2.0], requires_grad=True)
    values, indices = SortPair.apply(x)
    (values * L.tensor([1.0, 2.0, 3.0])).sum().backward()
    return values, indices, x.grad, indices.requires_grad


@pytest.mark.parametrize("program", [_my_relu, _exp, _two_outputs],
                         ids=["MyReLU", "Exp", "two outputs"])
def test_pytorchs_custom_function_examples_run_as_in_pytorch(program):
    pytest.importorskip("torch")
    from differential import compare
    compare(program, program.__name__)


def test_a_custom_functions_node_is_named_as_pytorch_names_it():
    torch = pytest.importorskip("torch")
    names = []
    for L in (minigrad, torch):
        class Exp(L.autograd.Function):
            @staticmethod
            def forward(ctx, i):
                return i.exp()

            @staticmethod
            def backward(ctx, g):
                return g

        y = Exp.apply(L.ones(2, requires_grad=True))
        names.append(repr(y).rsplit("grad_fn=", 1)[1])
    assert names[0] == names[1] == "<ExpBackward>)"


def _graph(lib, root):
    """The graph below ``root`` as nested (name, output_nr, inputs) tuples, read through
    ``next_functions`` as a program prints it; leaves by the class name of their repr."""
    def walk(node, nr):
        if node is None:
            return None
        text = repr(node)
        assert text.startswith("<") and " object at 0x" in text and text.endswith(">")
        name = text[1:text.index(" object at")]
        return name, nr, tuple(walk(n, i) for n, i in node.next_functions)
    return walk(root.grad_fn, 0)


@pytest.mark.parametrize("expression", [
    "2 * a", "a * 2", "2 + a", "a + 2", "2.5 * a.sin() + 1", "(1 + 2 * a).sum()",
    "a * b + 3 * b", "a - 2", "a / 2", "a.view(5, 1).sum(0)",
    "a.unsqueeze(0).expand(2, 5).transpose(0, 1).sum()"])
def test_scalar_operands_and_arguments_sit_where_pytorch_puts_them_in_the_graph(expression):
    # (still different: a ** 2, whose exponent is a tensor input of Pow with a None edge,
    # and composites such as mean, a sum divided by a count: their inner nodes show)
    torch = pytest.importorskip("torch")
    graphs = []
    for lib in (minigrad, torch):
        a = lib.linspace(0.0, 1.0, 5, requires_grad=True)
        b = lib.ones(5, requires_grad=True)
        graphs.append(_graph(lib, eval(expression, {"a": a, "b": b})))
    assert graphs[0] == graphs[1]
