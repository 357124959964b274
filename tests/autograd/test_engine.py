"""minigrad/autograd/engine.py: backward and autograd.grad, accumulation, retain_graph,
create_graph, hooks, retain_grad, deep graphs and memory."""
from __future__ import annotations

import gc
import time
import tracemalloc
import weakref

import numpy as np
import pytest

import minigrad
from minigrad import autograd


def leaf(values, dtype=np.float64):
    return minigrad.tensor(np.asarray(values, dtype=dtype), dtype=dtype, requires_grad=True)


def const(values):
    return minigrad.tensor(np.asarray(values, dtype=np.float64))


# --- accumulation ----------------------------------------------------------------------------
def test_gradients_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0 + 2.0, 3.0 + 4.0])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_a_tensor_used_several_times_gets_the_sum():
    x = leaf([2.0])
    y = x * x + x * 3 + x.exp() * 0 + x  # d/dx = 2x + 3 + 1
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2 * 2.0 + 3 + 1])


def test_diamond_graph():
    x = leaf([1.5])
    a = x * 2
    b, c = a.sin(), a.cos()
    (b * c).backward()  # sin(2x)cos(2x) = sin(4x)/2 -> 2 cos(4x)
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.cos(4 * 1.5))


def test_leaf_grad_is_a_plain_tensor_that_does_not_alias_the_graph():
    x = leaf([1.0, 2.0])
    y = x * 1
    y.sum().backward()
    assert x.grad.grad_fn is None and not x.grad.requires_grad
    assert x.grad.dtype == x.dtype and x.grad.shape == x.shape


def test_constants_get_no_gradient():
    x, c = leaf([1.0]), const([2.0])
    (x * c).backward()
    assert c.grad is None


# --- retain_graph ----------------------------------------------------------------------------
def test_second_backward_without_retain_graph_raises():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"backward through the graph a second time.*"
                                           r"retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])


# --- gradient arguments ----------------------------------------------------------------------
def test_non_scalar_backward_needs_a_gradient():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"grad can be implicitly created only for scalar "
                                           r"outputs.*\(2,\)"):
        (x * 2).backward()


def test_backward_with_an_explicit_gradient():
    x = leaf([1.0, 2.0])
    (x * x).backward(const([10.0, 1.0]))
    np.testing.assert_array_equal(x.grad.numpy(), [20.0, 4.0])
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * x).backward(const([1.0, 2.0, 3.0]))


def test_backward_of_a_tensor_that_does_not_require_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        const([1.0]).sum().backward()


def test_backward_of_a_one_element_non_scalar():
    x = leaf([[3.0]])
    (x * x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[6.0]])


# --- higher order ----------------------------------------------------------------------------
def test_third_derivative_of_x_to_the_fourth_is_exact():
    x = leaf([2.0, -1.0])
    y = (x ** 4).sum()
    (g1,) = autograd.grad(y, x, create_graph=True)
    (g2,) = autograd.grad(g1.sum(), x, create_graph=True)
    (g3,) = autograd.grad(g2.sum(), x)
    np.testing.assert_array_equal(g1.detach().numpy(), 4 * np.array([2.0, -1.0]) ** 3)
    np.testing.assert_array_equal(g2.detach().numpy(), 12 * np.array([2.0, -1.0]) ** 2)
    np.testing.assert_array_equal(g3.numpy(), 24 * np.array([2.0, -1.0]))


def test_backward_with_create_graph_makes_grad_differentiable():
    x = leaf([3.0])
    (x ** 3).backward(create_graph=True)
    assert x.grad.requires_grad
    g = x.grad
    x.grad = None
    g.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [6 * 3.0])


def test_mixed_second_derivative_of_a_product():
    x, y = leaf([2.0]), leaf([5.0])
    (gx,) = autograd.grad((x * x * y).sum(), x, create_graph=True)  # 2xy
    gxy, gxx = autograd.grad(gx.sum(), [y, x])
    assert gxy.item() == 2 * 2.0 and gxx.item() == 2 * 5.0


# --- autograd.grad ---------------------------------------------------------------------------
def test_grad_returns_gradients_without_touching_dot_grad():
    x, y = leaf([1.0, 2.0]), leaf([3.0])
    gx, gy = autograd.grad((x * y).sum(), [x, y])
    np.testing.assert_array_equal(gx.numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(gy.numpy(), [3.0])
    assert x.grad is None and y.grad is None


def test_grad_with_respect_to_an_intermediate_tensor():
    x = leaf([1.0, 2.0])
    h = x * 2
    (gh,) = autograd.grad((h * h).sum(), h)
    np.testing.assert_array_equal(gh.numpy(), [4.0, 8.0])


def test_grad_with_grad_outputs_and_several_outputs():
    x = leaf([1.0, 2.0])
    (g,) = autograd.grad([x * 2, x * x], x, [const([1.0, 1.0]), const([1.0, 10.0])])
    np.testing.assert_array_equal(g.numpy(), [2.0 + 2.0, 2.0 + 40.0])


def test_grad_allow_unused():
    x, unused = leaf([1.0]), leaf([1.0])
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        autograd.grad((x * 2).sum(), [x, unused])
    gx, gu = autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)
    assert gx.item() == 2.0 and gu is None


def test_grad_needs_inputs_that_require_grad():
    with pytest.raises(RuntimeError, match="require"):
        autograd.grad((leaf([1.0]) * 2).sum(), const([1.0]))


def test_grad_does_not_run_unneeded_branches():
    calls = []
    x, other = leaf([1.0]), leaf([1.0])
    other_branch = other * 1
    other_branch.register_hook(lambda g: calls.append(g))
    autograd.grad((x * 2 + other_branch).sum(), x)
    assert calls == []


# --- hooks and retain_grad -------------------------------------------------------------------
def test_retain_grad_on_a_non_leaf():
    x = leaf([1.0, 2.0])
    h = x * 3
    h.retain_grad()
    assert h.retains_grad
    (h * h).sum().backward()
    np.testing.assert_array_equal(h.grad.numpy(), [6.0, 12.0])
    np.testing.assert_array_equal(x.grad.numpy(), [18.0, 36.0])


def test_non_leaf_grad_is_none_without_retain_grad():
    x = leaf([1.0])
    h = x * 3
    (h * h).sum().backward()
    assert h.grad is None


def test_hook_on_a_leaf_sees_and_can_replace_the_gradient():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.numpy().copy()))
    x.register_hook(lambda g: g * 10)
    (x * 3).sum().backward()
    np.testing.assert_array_equal(seen[0], [3.0, 3.0])
    np.testing.assert_array_equal(x.grad.numpy(), [30.0, 30.0])


def test_hook_on_a_non_leaf_replaces_the_gradient_flowing_on():
    x = leaf([1.0, 2.0])
    h = x * 3
    h.register_hook(lambda g: g * 0 + 1)
    (h * h).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_hook_handles_remove_the_hook():
    x = leaf([1.0])
    h = x * 1
    leaf_handle = x.register_hook(lambda g: g * 2)
    node_handle = h.register_hook(lambda g: g * 5)
    leaf_handle.remove()
    node_handle.remove()
    (h * 4).sum().backward()
    assert x.grad.item() == 4.0


def test_hooks_need_a_tensor_that_requires_grad():
    with pytest.raises(RuntimeError, match="register_hook"):
        const([1.0]).register_hook(lambda g: g)
    with pytest.raises(RuntimeError, match="retain_grad"):
        const([1.0]).retain_grad()


# --- deep graphs -----------------------------------------------------------------------------
def test_a_chain_100000_ops_deep_needs_no_recursion():
    x = leaf([1.0, 2.0])
    start = time.perf_counter()
    y = x
    for _ in range(50_000):
        y = y * 1.0 + 1.0  # two ops per step
    y.sum().backward()
    elapsed = time.perf_counter() - start
    np.testing.assert_array_equal(y.detach().numpy(), [50_001.0, 50_002.0])
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])
    assert elapsed < 20.0, f"100,000-op chain took {elapsed:.1f} s"
    del y  # freeing the chain must not recurse either


def test_grad_through_a_deep_chain():
    x = leaf([1.0])
    y = x
    for _ in range(20_000):
        y = y * 1.0
    (g,) = autograd.grad(y.sum(), x)
    assert g.item() == 1.0


# --- memory ----------------------------------------------------------------------------------
def test_graph_is_freed_by_reference_counting_after_backward():
    gc.collect()
    gc.disable()  # a reference cycle would keep the nodes alive until the next collection
    try:
        x = leaf(np.ones((3, 3)))
        y = (x @ x).tanh().sum()
        node = weakref.ref(y.grad_fn)
        inner = weakref.ref(y.grad_fn.next_edges[0][0])
        y.backward()
        del y
        assert node() is None and inner() is None
    finally:
        gc.enable()


def test_saved_values_are_released_after_backward():
    x = leaf([1.0, 2.0])
    y = x.exp()
    z = (y * x).sum()
    z.backward()
    assert y.grad_fn.saved is None  # exp's saved output is gone
    with pytest.raises(RuntimeError, match="second time"):
        y.grad_fn.saved_tensors


def test_memory_stays_flat_over_1000_training_iterations():
    rng = np.random.default_rng(0)
    w = leaf(rng.standard_normal((16, 8)) * 0.1, dtype=np.float32)
    b = leaf(np.zeros(8), dtype=np.float32)
    data = minigrad.tensor(rng.standard_normal((32, 16)).astype(np.float32))
    target = minigrad.tensor(rng.standard_normal((32, 8)).astype(np.float32))

    def step():
        out = (data @ w + b).tanh()
        loss = ((out - target) ** 2).mean()
        loss.backward()
        with minigrad.no_grad():
            w.sub_(w.grad * 0.01)
            b.sub_(b.grad * 0.01)
        w.grad = b.grad = None
        return loss.item()

    for _ in range(50):  # warm up caches
        step()
    tracemalloc.start()
    try:
        for _ in range(100):
            step()
        gc.collect()  # also empties the interpreter's free lists, which are not leaks
        base, _ = tracemalloc.get_traced_memory()
        losses = [step() for _ in range(900)]
        gc.collect()
        current, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert losses[-1] < losses[0]  # it really trained
    growth = current - base
    assert growth < 200_000, f"memory grew by {growth} bytes over 900 iterations"


def _values(t) -> np.ndarray:
    # torch may answer with a ZeroTensor, which refuses .numpy()
    if getattr(t, "_is_zerotensor", lambda: False)():
        return np.zeros(tuple(t.shape))
    return t.numpy().copy()


@pytest.mark.parametrize("name", ["relu", "abs", "clamp", "maximum", "amax", "where"])
def test_which_gradients_stay_connected_follows_pytorch(name):
    # PyTorch keeps relu's and abs's gradients connected to x (derivative 0 through the
    # mask), and not clamp's, maximum's or where's; a second grad follows from that.
    torch = pytest.importorskip("torch")
    programs = {
        "relu": lambda lib, x: lib.relu(x),
        "abs": lambda lib, x: x.abs(),
        "clamp": lambda lib, x: x.clamp(-0.5, 0.5),
        "maximum": lambda lib, x: lib.maximum(x, x * 0 + 0.1),
        "amax": lambda lib, x: lib.amax(x, 0),
        "where": lambda lib, x: lib.where(x > 0, x, x * 0),
    }
    values = np.array([-1.3, -0.2, 0.4, 1.1])
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor(values, requires_grad=True)
        (g,) = lib.autograd.grad(programs[name](lib, x).sum(), x, create_graph=True)
        second = None
        if g.requires_grad:
            (second,) = lib.autograd.grad(g.sum(), x, allow_unused=True)
        results.append((g.requires_grad, g.detach().numpy().copy(),
                        None if second is None else _values(second)))
    assert results[0][0] == results[1][0]
    np.testing.assert_allclose(results[0][1], results[1][1])
    assert (results[0][2] is None) == (results[1][2] is None)
    if results[0][2] is not None:
        np.testing.assert_allclose(results[0][2], results[1][2])


def test_inf_and_nan_arise_silently_as_in_torch():
    """NumPy warns on 0/0, inf - inf and log(0); PyTorch does not, and neither do minigrad's
    forward and backward passes."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = minigrad.tensor([0.0, 1.0, float("inf")], requires_grad=True)
        y = (x / x + (x - x) + x.log() + x.sqrt()).sum()
        y.backward()
    assert np.isnan(y.item()) and np.isnan(x.grad.numpy()[0])


# backward(inputs=...), and gradients PyTorch defines where a formula would give nan or
# nothing: rounded division (zero, in the graph), x ** y at x = y = 0 (zero)
GRADIENT_PROGRAMS = [
    'x = L.tensor([1., 2], requires_grad=True)\\n'
     'y = x * 2\\n'
     'y.sum().backward(inputs=[x])\\n'
     'out = x.grad',
    'x = L.tensor([1., 2], requires_grad=True)\\n'
     'w = L.tensor([3., 4], requires_grad=True)\\n'
     'y = (x * w).sum()\\n'
     'y.backward(inputs=[w])\\n'
     'out = (x.grad, w.grad)',
    'x = L.tensor([1., 2], requires_grad=True)\\ny = (x * 2).sum()\\ny.backward(inputs=[])',
    'x = L.tensor([1., 2], requires_grad=True)\\n'
     'z = L.tensor([1., 2], requires_grad=True)\\n'
     'y = (x * 2).sum()\\n'
     'y.backward(inputs=[z])\\n'
     'out = z.grad',
    'x = L.tensor([1., 2], requires_grad=True)\\n'
     'L.autograd.backward((x * 2).sum(), inputs=[x])\\n'
     'out = x.grad',
    'x = L.tensor([1., 2], requires_grad=True)\\n'
     'x.register_hook(lambda g: g * 10)\\n'
     '(x * 2).sum().backward(inputs=[x])\\n'
     'out = x.grad',
    'x = L.tensor([1.5, -2.5], requires_grad=True)\\n'
     'z = L.tensor([2., 3], requires_grad=True)\\n'
     "y = L.div(x, z, rounding_mode='trunc')\\n"
     'y.sum().backward()\\n'
     'out = (y, x.grad, z.grad, y.requires_grad)',
    'x = L.tensor([1.5, -2.5], requires_grad=True)\\n'
     "y = L.div(x, 2, rounding_mode='floor')\\n"
     'y.sum().backward()\\n'
     'out = (y, x.grad)',
    'x = L.tensor([1.5, -2.5], requires_grad=True)\\n'
     'y = x % 1\\n'
     'y.sum().backward()\\n'
     'out = (y, x.grad)',
    'x = L.tensor([0.0, 1.0], requires_grad=True)\\n'
     'y = (x ** 0).sum()\\n'
     'y.backward()\\n'
     'out = x.grad',
    'x = L.tensor([0.0, 1.0], requires_grad=True)\\n'
     'y = (x ** x).sum()\\n'
     'y.backward()\\n'
     'out = x.grad',
]


@pytest.mark.parametrize("line", GRADIENT_PROGRAMS)
def test_gradients_match_torch(line):
    pytest.importorskip("torch")
    from differential import compare

    def program(L):
        space = {"L": L}
        with np.errstate(all="ignore"):
            exec(line.replace("\\n", "\n"), space)  # noqa: S102
        return space["out"]

    compare(program, line)
