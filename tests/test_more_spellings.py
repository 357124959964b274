"""More of PyTorch's names, each compared with PyTorch on the same inputs: compile (an
identity), nanmedian and mode (values, the index among ties, gradients), the ATen
spellings embedding, batch_norm, instance_norm and feature_dropout, asarray's sharing
rules, typename, empty_strided, and the Bessel functions i0 and i1."""
from __future__ import annotations

import warnings

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from differential import run

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)
NAN = float("nan")


def _same_error(code: str, env=lambda lib: {}) -> None:
    """minigrad raises the type PyTorch raises (or a base class of it: PyTorch's
    InvalidBackend is a RuntimeError), or neither raises; ``env(lib)`` gives the names the
    code uses besides ``L``, the library."""
    (_, ours), (_, theirs) = (run(lambda L: eval(code, {"L": L, "np": np, **env(L)}), lib)
                              for lib in (minigrad, torch))
    if ours is None or theirs is None:
        assert ours is None and theirs is None, f"{code}: minigrad {ours!r}, torch {theirs!r}"
    else:
        assert isinstance(theirs, type(ours)), f"{code}: minigrad {ours!r}, torch {theirs!r}"


def _close(ours, theirs, **tolerance) -> None:
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_allclose(ours.detach().numpy().astype(float),
                               theirs.detach().numpy().astype(float), **tolerance)


# --- compile -------------------------------------------------------------------------------
def test_compile_returns_functions_themselves_and_decorates():
    f = lambda x: x * 2  # noqa: E731
    assert minigrad.compile(f) is f
    assert minigrad.compile(f, mode="max-autotune", fullgraph=True, dynamic=False) is f
    assert minigrad.compile(f, backend="eager", options={"anything": 1}) is f

    @minigrad.compile
    def bare(x):
        return x + 1

    @minigrad.compile(mode="reduce-overhead")
    def called(x):
        return x - 1

    assert bare(1) == 2 and called(1) == 0 and called.__name__ == "called"


def test_compile_wraps_a_module_as_torch_does():
    results = []
    for lib in (minigrad, torch):
        lib.manual_seed(0)
        layer = lib.nn.Linear(2, 3)
        compiled = lib.compile(layer)
        assert compiled._orig_mod is layer and compiled.weight is layer.weight
        assert compiled.in_features == 2 and isinstance(compiled, lib.nn.Module)
        assert not isinstance(compiled, lib.nn.Linear)
        compiled.eval()
        assert not layer.training
        with pytest.raises(RuntimeError):  # the prefixed keys do not fit the bare layer
            lib.nn.Linear(2, 3).load_state_dict(compiled.state_dict())
        results.append((type(compiled).__name__, list(compiled.state_dict()),
                        [name for name, _ in compiled.named_modules()], repr(compiled)))
    assert results[0] == results[1]


@pytest.mark.parametrize("code", [
    "L.compile(f, mode='max-autotune', options={})", "L.compile(f, mode='bogus')",
    "L.compile(f, mode='bogus', backend='eager')", "L.compile(f, backend='bogus')",
    "L.compile(f, backend='bogus', disable=True)", "L.compile(5)",
    "L.compile('abc', disable=True)", "L.compile(f, dynamic='x')",
    "L.compile(f, dynamic='x', disable=True)", "L.compile(mode='bogus')",
    "L.compile(mode='bogus')(f)", "L.compile()(None)", "L.compile(f, None)",
    "L.compile(f, mode='lite', backend=lambda gm, inputs: gm)",
])
def test_compile_checks_its_arguments_as_torch(code):
    _same_error(code, lambda lib: {"f": lambda x: x})


# --- nanmedian and mode ----------------------------------------------------------------------
def _pair(ours, theirs, name: str) -> None:
    assert type(ours).__name__ == type(theirs).__name__ == name
    _close(ours.values, theirs.values)
    assert ours.indices.dtype == np.int64
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())


def _reduce_both(op: str, array: np.ndarray, *args) -> None:
    """Values, indices and the gradient (weighted, so each position counts) of op."""
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor(array, requires_grad=array.dtype.kind == "f")
        out = getattr(lib, op)(x, *args)
        results.append((x, out))
    (mx, ours), (tx, theirs) = results
    if args:
        _pair(ours, theirs, op)
        ours, theirs = ours.values, theirs.values
    else:
        _close(ours, theirs)
    if array.dtype.kind == "f":
        weights = rng.standard_normal(tuple(ours.shape))
        (ours * minigrad.tensor(weights, dtype=ours.dtype)).sum().backward()
        (theirs * torch.tensor(weights, dtype=theirs.dtype)).sum().backward()
        _close(mx.grad, tx.grad, rtol=1e-6, atol=1e-6)


TIED = st.integers(0, 3).map(float) | st.sampled_from([NAN, math.inf, -math.inf])


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_nanmedian_and_mode_match_torch_on_ties_and_nans(data):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    if data.draw(st.booleans()):  # long rows: PyTorch's unstable sort orders their ties
        shape = shape[:-1] + (data.draw(st.integers(17, 60)),)
    cells = int(np.prod(shape))
    array = np.array(data.draw(st.lists(TIED, min_size=cells, max_size=cells))).reshape(shape)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    keepdim = data.draw(st.booleans())
    for op in ("nanmedian", "mode", "median"):
        _reduce_both(op, array, dim, keepdim)
    _reduce_both("nanmedian", array)


@pytest.mark.parametrize("n", [3, 5, 10, 17, 40, 100])
def test_nanmedian_of_nans_only_picks_the_index_torch_picks(n):
    _reduce_both("nanmedian", np.full((2, n), NAN), 1)
    _reduce_both("nanmedian", np.full(n, NAN))


@pytest.mark.parametrize("n", [16, 17, 100, 1000])
@pytest.mark.parametrize("pattern", ["random", "sorted", "reversed", "two values", "pipe"])
def test_mode_index_among_ties_matches_torch(n, pattern):
    values = {"random": rng.integers(0, 5, n), "sorted": np.sort(rng.integers(0, 5, n)),
              "reversed": np.sort(rng.integers(0, 5, n))[::-1], "two values": np.arange(n) % 2,
              "pipe": np.minimum(np.arange(n), n - 1 - np.arange(n)) % 7}[pattern]
    _reduce_both("mode", values.astype(np.float64), 0)
    _reduce_both("mode", np.ascontiguousarray(values).astype(np.int64), 0)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.int32, np.int64, np.bool_])
def test_mode_and_nanmedian_keep_the_dtype(dtype):
    array = rng.integers(0, 3, (3, 20)).astype(dtype)
    _reduce_both("mode", array, 1, True)
    if dtype != np.bool_:
        _reduce_both("nanmedian", array, 0)
        _reduce_both("nanmedian", array)


def test_zero_dim_and_empty_and_the_methods():
    for op in ("mode", "nanmedian"):
        _reduce_both(op, np.array(2.5), 0, True)
        _reduce_both(op, np.zeros((0, 3)), 1)
        x = minigrad.tensor([[1.0, NAN, 1.0, 2.0]])
        _pair(getattr(x, op)(1), getattr(torch.tensor(x.numpy()), op)(1), op)
    _reduce_both("nanmedian", np.zeros(0))
    _reduce_both("nanmedian", np.zeros(0, np.int64))
    assert repr(minigrad.mode(minigrad.tensor([1, 1]))).startswith("minigrad.return_types.mode(")


@pytest.mark.parametrize("code", [
    "L.mode(L.zeros(0))", "L.mode(L.zeros(3, 0), 1)", "L.mode(L.zeros(3), 1)",
    "L.mode([1, 2])", "L.mode(L.zeros(3), 0.5)", "L.mode(L.tensor(3.0), 1)",
    "L.nanmedian(L.zeros(0, 3), 0)", "L.nanmedian(L.tensor([True]))",
    "L.median(L.tensor([True]))", "L.nanmedian([1.0])", "L.nanmedian(L.zeros(2), 2)",
])
def test_nanmedian_and_mode_refuse_as_torch(code):
    _same_error(code)


# --- ATen spellings --------------------------------------------------------------------------
def _both(call, arrays, stats=(), grads=True):
    """call(lib, *tensors, *stats) in both libraries: the outputs, the gradients of the
    float inputs and the running stats afterwards."""
    results = []
    for lib in (minigrad, torch):
        tensors = [lib.tensor(a, requires_grad=grads and a.dtype.kind == "f") for a in arrays]
        running = [lib.tensor(s) for s in stats]
        out = call(lib, *tensors, *running)
        wanted = [t for t in tensors if t.requires_grad]
        got = lib.autograd.grad((out * out).sum(), wanted, allow_unused=True) if wanted else []
        results.append((out, got, running))
    (ours, our_grads, our_stats), (theirs, their_grads, their_stats) = results
    _close(ours, theirs, rtol=1e-5, atol=1e-5)
    for g, h in zip(our_grads, their_grads):
        assert (g is None) == (h is None)
        if g is not None:
            _close(g, h, rtol=1e-5, atol=1e-5)
    for s, t in zip(our_stats, their_stats):
        _close(s, t, rtol=1e-6, atol=1e-7)


W = rng.standard_normal((6, 3))
IDS = np.array([[1, 4, 1], [0, 5, 1]])
X = rng.standard_normal((4, 3, 5))
C3 = [rng.standard_normal(3), rng.standard_normal(3)]
STATS = [rng.standard_normal(3), rng.random(3) + 0.5]


@pytest.mark.parametrize("padding_idx", [-1, -3, 0, 1, 5, 9])
@pytest.mark.parametrize("scale", [False, True])
def test_embedding_in_aten_order(padding_idx, scale):
    _both(lambda L, w, i: L.embedding(w, i, padding_idx, scale, False), [W, IDS])
    _both(lambda L, w, i: L.embedding(w, i, padding_idx), [W, IDS.astype(np.int32)])


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (4, 3, 5), (2, 3, 2, 2), (1, 3), (1, 3, 1, 1)])
def test_batch_norm_in_aten_order(training, shape):
    x = rng.standard_normal(shape)
    call = lambda L, x, w, b, m, v: L.batch_norm(x, w, b, m, v, training, 0.2, 1e-3, True)  # noqa
    _both(call, [x] + C3, STATS)
    _both(lambda L, x, m, v: L.batch_norm(x, None, None, m, v, training, 0.1, 1e-5, False),
          [x], STATS)
    if training:
        _both(lambda L, x: L.batch_norm(x, None, None, None, None, True, 0.1, 1e-5, False), [x])


@pytest.mark.parametrize("use_input_stats", [True, False])
@pytest.mark.parametrize("shape", [(4, 3, 5), (2, 3, 2, 2), (2, 3), (2, 3, 1)])
def test_instance_norm_in_aten_order(use_input_stats, shape):
    x = rng.standard_normal(shape)
    _both(lambda L, x, w, b, m, v: L.instance_norm(x, w, b, m, v, use_input_stats, 0.3, 1e-4,
                                                   False), [x] + C3, STATS)
    if use_input_stats:
        _both(lambda L, x: L.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, False),
              [x])


def test_feature_dropout_zeroes_whole_channels():
    x = minigrad.ones(20, 30, 4, 2)
    out = minigrad.feature_dropout(x, 0.4, True).numpy()
    per_channel = out.reshape(20, 30, -1)
    assert (per_channel == per_channel[..., :1]).all()
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.6)}
    flat = minigrad.feature_dropout(minigrad.ones(50, 40), 0.5, True).numpy()
    assert 0 < (flat == 0).sum() < flat.size and not (flat == 0).all(axis=1).any()
    assert minigrad.feature_dropout(x, 0.4, False) is x
    assert minigrad.feature_dropout(x, 0.0, True) is x
    assert (minigrad.feature_dropout(x, 1.0, True).numpy() == 0).all()


@pytest.mark.parametrize("code", [
    "L.embedding(W, L.tensor([1, 7]))", "L.embedding(W, L.tensor([1.0, 2.0]))",
    "L.embedding(L.ones(5), L.tensor([1]))", "L.embedding(W, [1, 2])",
    "L.embedding(W, L.tensor([1]), None)", "L.embedding(W, L.tensor([1]), 1.5)",
    "L.embedding(W, L.tensor([1]), True)", "L.embedding(input=L.tensor([1]), weight=W)",
    "L.batch_norm(X, None, None, None, None, False, 0.1, 1e-5, False)",
    "L.batch_norm(X, None, None, L.zeros(3), None, False, 0.1, 1e-5, False)",
    "L.batch_norm(X, None, None, L.zeros(3), None, True, 0.1, 1e-5, False)",
    "L.batch_norm(X, None, None, L.zeros(4), L.ones(4), False, 0.1, 1e-5, False)",
    "L.batch_norm(X, L.ones(4), None, None, None, True, 0.1, 1e-5, False)",
    "L.batch_norm(X, None, None, None, None, 1, 0.1, 1e-5, False)",
    "L.batch_norm(X, [1.0], None, None, None, True, 0.1, 1e-5, False)",
    "L.batch_norm(X, L.ones(3, dtype=L.float64), None, None, None, True, 0.1, 1e-5, False)",
    "L.batch_norm(X.long(), None, None, None, None, True, 0.1, 1e-5, False)",
    "L.batch_norm(L.ones(3), None, None, None, None, True, 0.1, 1e-5, False)",
    "L.batch_norm(X, None, None, L.zeros(3), L.ones(3), False, 0.1, 1e-5)",
    "L.instance_norm(X, None, None, None, None, False, 0.1, 1e-5, False)",
    "L.instance_norm(X, L.ones(4), None, None, None, True, 0.1, 1e-5, False)",
    "L.instance_norm(X, None, None, L.zeros(3), None, True, 0.1, 1e-5, False)",
    "L.instance_norm(L.ones(3), None, None, None, None, True, 0.1, 1e-5, False)",
    "L.feature_dropout(X, 1.5, False)", "L.feature_dropout(X, -0.5, True)",
    "L.feature_dropout(L.ones(3), 0.5, True)", "L.feature_dropout(L.ones(3), 0.5, False)",
    "L.feature_dropout([1.0], 0.5, False)",
])
def test_aten_spellings_refuse_as_torch(code):
    _same_error(code, lambda lib: {"W": lib.tensor(W, dtype=lib.float32),
                                   "X": lib.tensor(X, dtype=lib.float32)})


# --- asarray, typename, empty_strided -------------------------------------------------------
ASARRAY_CASES = [
    "L.asarray(x)", "L.asarray(x, copy=True)", "L.asarray(x, copy=False)",
    "L.asarray(x, dtype=L.float64)", "L.asarray(x, dtype=L.float32, copy=False)",
    "L.asarray(x, dtype=L.float64, copy=False)", "L.asarray(x, requires_grad=True)",
    "L.asarray(x, dtype=L.float64, requires_grad=True)", "L.asarray(i, requires_grad=True)",
    "L.asarray(i, dtype=L.float32)", "L.asarray(g)", "L.asarray(g, requires_grad=False)",
    "L.asarray(g, copy=True)", "L.asarray(g, copy=True, requires_grad=False)",
    "L.asarray(g, dtype=L.float64)", "L.asarray(h)", "L.asarray(h, requires_grad=False)",
    "L.asarray(h, requires_grad=True)", "L.asarray(x[::2])", "L.asarray(a)",
    "L.asarray(a, copy=True)", "L.asarray(a, copy=False)", "L.asarray(a, dtype=L.float32)",
    "L.asarray(a, dtype=L.float32, copy=False)", "L.asarray(a, requires_grad=True)",
    "L.asarray(a[::2])", "L.asarray(a32, dtype=L.float32, copy=False)",
    "L.asarray([1.0, 2.0])", "L.asarray([1, 2])", "L.asarray([[1, 2], [3, 4]], dtype=L.float16)",
    "L.asarray([1, 2.5, True])", "L.asarray(3.5)", "L.asarray(True)", "L.asarray([])",
    "L.asarray((1, 2))", "L.asarray(range(3))", "L.asarray([1.0, 2.0], copy=False)",
    "L.asarray(2.0, copy=False)", "L.asarray([1.0], requires_grad=True)",
    "L.asarray([1, 2], requires_grad=True)", "L.asarray(np.float64(2.0))",
    "L.asarray(np.int32(2))", "L.asarray(np.float64(2.0), copy=False)",
    "L.asarray(np.float64(2.0), dtype=L.float32)", "L.asarray([[1, 2], [3]])",
    "L.asarray(b'abcd', dtype=L.uint8)", "L.asarray(bytearray(8))", "L.asarray(bytearray(2))",
    "L.asarray('abc')", "L.asarray(None)", "L.asarray(a, copy=1)",
    "L.asarray(a, requires_grad=1)", "L.asarray(x, device='cpu')",
    "L.asarray([L.tensor(1.0), 2])",
]


def _asarray_inputs(lib) -> dict:
    g = lib.ones(2, requires_grad=True)
    return dict(L=lib, np=np, x=lib.arange(4.0), i=lib.arange(3), g=g, h=g * 2,
                a=np.arange(4.0), a32=np.arange(3, dtype=np.int32))


def _asarray_report(lib, code: str):
    env = _asarray_inputs(lib)
    out, error = run(lambda _: eval(code, env), lib)
    if error is not None:
        return type(error).__name__
    sources = {k: v for k, v in env.items() if k in "xighaa32"}
    same = sorted(k for k, v in sources.items() if v is out)
    shared = sorted(k for k, v in sources.items() if out.numel() and np.shares_memory(
        v if isinstance(v, np.ndarray) else v.detach().numpy(), out.detach().numpy()))
    flags = {k: v.requires_grad for k, v in sources.items() if not isinstance(v, np.ndarray)}
    return (str(out.dtype).split(".")[-1], tuple(out.shape), out.detach().numpy().tolist(),
            same, shared, out.requires_grad, out.grad_fn is None, flags)


@pytest.mark.parametrize("code", ASARRAY_CASES)
def test_asarray_shares_copies_and_sets_requires_grad_as_torch(code):
    ours, theirs = _asarray_report(minigrad, code), _asarray_report(torch, code)
    if isinstance(theirs, str) and theirs not in ("ValueError", "RuntimeError", "TypeError"):
        pytest.fail(f"unexpected torch error {theirs}")
    assert ours == theirs


def test_asarray_writes_through_shared_memory():
    a = np.zeros(3)
    t = minigrad.asarray(a)
    t.add_(1)
    assert a.tolist() == [1.0, 1.0, 1.0]
    buffer = bytearray(8)
    minigrad.asarray(buffer, dtype=minigrad.int32).fill_(7)
    assert np.frombuffer(buffer, np.int32).tolist() == [7, 7]


def test_typename_matches_torch():
    for make in (lambda L: L.tensor([1, 2]), lambda L: L.tensor([1.0]),
                 lambda L: L.tensor([True]), lambda L: L.ones(1, dtype=L.float16),
                 lambda L: L.nn.Parameter(L.ones(1)), lambda L: L.FloatTensor):
        assert minigrad.typename(make(minigrad)) == torch.typename(make(torch)).replace(
            "torch", "minigrad")
    for obj in (3, int, "abc", None, len, np.float32, np.ones(2), np.dtype("f4"), warnings):
        assert minigrad.typename(obj) == torch.typename(obj)
    assert minigrad.typename(minigrad.nn.Linear) == "minigrad.nn.linear.Linear"


@pytest.mark.parametrize("size, stride", [((2, 3), (1, 2)), ((2, 3), (3, 1)), ((2, 3), (0, 1)),
                                          ((2, 0), (1, 2)), ((), ()), ((4,), (3,))])
def test_empty_strided_has_the_strides_torch_gives(size, stride):
    ours = minigrad.empty_strided(size, stride, dtype=minigrad.float64, requires_grad=True)
    theirs = torch.empty_strided(size, stride, dtype=torch.float64, requires_grad=True)
    assert tuple(ours.shape) == tuple(theirs.shape) and ours.stride() == theirs.stride()
    assert ours.dtype == np.float64 and ours.requires_grad and ours.is_leaf
    assert minigrad.empty_strided(size, stride).dtype == np.float32
    if 0 not in stride:
        ours.detach().copy_(minigrad.arange(ours.numel(), dtype=minigrad.float64)
                            .reshape(tuple(size)))
        assert ours.detach().numpy().ravel().tolist() == list(range(ours.numel()))


@pytest.mark.parametrize("code", [
    "L.empty_strided((2, 3), (1,))", "L.empty_strided((2, -3), (1, 2))",
    "L.empty_strided((2, 3), (1, -2))", "L.empty_strided(2, 1)",
    "L.empty_strided((2.0, 3), (1, 2))", "L.empty_strided((2,), (1.5,))",
    "L.empty_strided((2,), (1,), dtype=L.int64, requires_grad=True)",
])
def test_empty_strided_refuses_as_torch(code):
    _same_error(code)


# --- i0 and i1 --------------------------------------------------------------------------------
SPECIAL_VALUES = np.array([0.0, -0.0, 1e-9, -2.5, 7.9, 8.1, 19.5, 20.5, -35.0, 88.7, 90.0,
                           709.0, 710.0, np.inf, -np.inf, np.nan])


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("name", ["i0", "i1"])
def test_bessel_values_match_torch(name, dtype):
    x = np.concatenate([np.linspace(-40, 40, 801), SPECIAL_VALUES]).astype(dtype)
    ours = getattr(minigrad.special, name)(minigrad.tensor(x))
    theirs = getattr(torch.special, name)(torch.tensor(x))
    tolerance = {"float16": 2e-3, "float32": 2e-6, "float64": 1e-13}[dtype]
    _close(ours, theirs, rtol=tolerance, atol=0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-30, 30).filter(lambda v: abs(v) > 1e-3), min_size=1, max_size=6))
def test_bessel_first_and_second_derivatives_match_torch(values):
    # i1'' = i1 - i1'/x + i1/x^2: near 0 (bar 0 itself) each library's rounding is
    # magnified by 1/x^2, differently, so that stretch is left out
    for name in ("i0", "i1"):
        results = []
        for lib in (minigrad, torch):
            x = lib.tensor(values + [0.0], dtype=lib.float64, requires_grad=True)
            y = getattr(lib.special, name)(x)
            (first,) = lib.autograd.grad(y.sum(), x, create_graph=True)
            (second,) = lib.autograd.grad(first.sum(), x)
            results.append((y, first, second))
        for ours, theirs in zip(*results):
            _close(ours, theirs, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("x", [1e-13, -3e-9, 2e-6, 1e-4, 2e-3, 3e-3, 1e-2, 0.1])
def test_i1_second_derivative_near_zero_is_its_power_series(x):
    # I1 = sum_k (x/2)^(2k+1) / (k! (k+1)!), differentiated twice term by term: where
    # I0 - I1/x would cancel two terms of size 1/(2x), the result must still be good to
    # float64 rounding of such a difference (2e-3: eps / x^2 relative at most).
    expected = sum((2 * k + 1) * (2 * k) * x ** (2 * k - 1) / (2 ** (2 * k + 1)
                   * math.factorial(k) * math.factorial(k + 1)) for k in range(1, 8))
    t = minigrad.tensor([x], dtype=minigrad.float64, requires_grad=True)
    (first,) = minigrad.autograd.grad(minigrad.special.i1(t).sum(), t, create_graph=True)
    (second,) = minigrad.autograd.grad(first.sum(), t)
    np.testing.assert_allclose(second.numpy(), [expected], rtol=1e-8, atol=1e-20)
    assert minigrad.testing.gradgradcheck(minigrad.special.i1, (t,))


def test_i0_spellings_and_integer_inputs():
    ints = [0, 1, -2, 3]
    _close(minigrad.i0(minigrad.tensor(ints)), torch.i0(torch.tensor(ints)), rtol=1e-6)
    _close(minigrad.tensor([True, False]).i0(), torch.tensor([True, False]).i0(), rtol=1e-6)
    x, y = minigrad.tensor([0.5, -1.5]), torch.tensor([0.5, -1.5])
    x.i0_(), y.i0_()
    _close(x, y, rtol=1e-6)
    assert minigrad.special.i0 is minigrad.i0
    _same_error("L.i0([1.0])")
    _same_error("L.special.i1([1.0])")
