"""Small top-level names against PyTorch: the window functions, the shifts, ``addr``,
``randint_like``, ``scalar_tensor``, the real-tensor predicates and conjugations,
``frombuffer``, ``binomial``/``poisson``, ``igamma``/``igammac``, ``nuclear_norm``,
``unsafe_chunk``/``unsafe_split`` and ``fill``."""
from __future__ import annotations

import array
import math
import warnings

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

WINDOWS = ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window"]


def assert_same(ours, theirs, rtol=1e-7, atol=0.0):
    """Same dtype, shape and values (NaN where torch has NaN)."""
    theirs = theirs.detach().numpy()
    ours = ours.detach().numpy()
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True)


def raises_like(ours, theirs):
    """Both calls raise, with the same exception type; returns minigrad's message."""
    with pytest.raises(Exception) as expected:
        theirs()
    with pytest.raises(expected.type) as got:
        ours()
    return str(got.value)


# --- windows ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("length", [0, 1, 2, 3, 4, 5, 8, 33, 100])
@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_windows_match_torch(name, length, periodic, dtype):
    ours = getattr(minigrad, name)(length, periodic, dtype=getattr(minigrad, dtype))
    theirs = getattr(torch, name)(length, periodic, dtype=getattr(torch, dtype))
    tight = dtype == "float64"
    assert_same(ours, theirs, rtol=1e-13 if tight else 1e-6, atol=1e-15 if tight else 1e-6)


@pytest.mark.parametrize("name", WINDOWS)
def test_windows_defaults_keywords_and_errors(name):
    ours, theirs = getattr(minigrad, name), getattr(torch, name)
    assert_same(ours(6), theirs(6), rtol=1e-6, atol=1e-6)  # periodic, default dtype
    made = ours(4, requires_grad=True)
    assert made.requires_grad and made.is_leaf
    message = raises_like(lambda: ours(-1), lambda: theirs(-1))
    assert name in message and "-1" in message
    raises_like(lambda: ours(3, dtype=minigrad.int64), lambda: theirs(3, dtype=torch.int64))
    raises_like(lambda: ours(3.0), lambda: theirs(3.0))


def test_hamming_and_kaiser_parameters():
    assert_same(minigrad.hamming_window(7, False, 0.5, 0.4),
                torch.hamming_window(7, False, 0.5, 0.4), rtol=1e-6, atol=1e-6)
    assert_same(minigrad.kaiser_window(9, True, 5.0, dtype=minigrad.float64),
                torch.kaiser_window(9, True, 5.0, dtype=torch.float64), rtol=1e-12)


# --- shifts -------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8"])
def test_shifts_match_torch_including_out_of_range_amounts(dtype):
    values = [-100, -8, -1, 0, 1, 5, 100] if dtype != "uint8" else [0, 1, 5, 100, 255]
    bits = np.dtype(dtype).itemsize * 8
    amounts = [0, 1, 3, bits - 1, bits, bits + 5]
    x = np.array([v for v in values for _ in amounts], dtype=dtype)
    s = np.array(amounts * len(values), dtype=dtype if bits >= 8 else "int64")
    for name in ("bitwise_left_shift", "bitwise_right_shift"):
        ours = getattr(minigrad, name)(minigrad.tensor(x), minigrad.tensor(s))
        theirs = getattr(torch, name)(torch.tensor(x), torch.tensor(s))
        assert ours.tolist() == theirs.tolist() and str(ours.dtype) == dtype


def test_shifts_with_numbers_operators_and_errors():
    x = [3, -4, 7]
    assert (minigrad.bitwise_left_shift(minigrad.tensor(x), 2).tolist()
            == torch.bitwise_left_shift(torch.tensor(x), 2).tolist())
    assert (minigrad.bitwise_right_shift(5, minigrad.tensor([0, 1, 2])).tolist()
            == torch.bitwise_right_shift(5, torch.tensor([0, 1, 2])).tolist())
    assert (minigrad.tensor(x) << 70).tolist() == (torch.tensor(x) << 70).tolist()
    assert minigrad.tensor(x).bitwise_right_shift(1).tolist() == [1, -2, 3]
    raises_like(lambda: minigrad.bitwise_left_shift(minigrad.tensor([1.0]), 1),
                lambda: torch.bitwise_left_shift(torch.tensor([1.0]), 1))
    assert minigrad.bitwise_right_shift(minigrad.tensor([True]), 1).tolist() == [0]
    raises_like(lambda: minigrad.bitwise_right_shift(minigrad.tensor([True]), minigrad.tensor([True])),
                lambda: torch.bitwise_right_shift(torch.tensor([True]), torch.tensor([True])))


# --- addr ---------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 4), (4,), (3, 1), ()])
@pytest.mark.parametrize("beta, alpha", [(1, 1), (0.5, -2.0), (0, 3)])
def test_addr_values_and_gradients(shape, beta, alpha):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in (shape, (3,), (4,))]
    ours = [minigrad.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = (minigrad.addr(*ours, beta=beta, alpha=alpha),
                torch.addr(*theirs, beta=beta, alpha=alpha))
    assert_same(out, ref, rtol=1e-12)
    weights = rng.standard_normal((3, 4))
    (out * minigrad.tensor(weights)).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    for o, t in zip(ours, theirs):
        assert_same(o.grad, t.grad, rtol=1e-12, atol=1e-14)
    assert_same(ours[0].addr(ours[1], ours[2]), theirs[0].addr(theirs[1], theirs[2]))


def test_addr_promotes_ignores_nan_with_beta_zero_and_errors():
    assert_same(minigrad.addr(minigrad.zeros(3), minigrad.ones(2, dtype=minigrad.float64),
                              minigrad.ones(3)),
                torch.addr(torch.zeros(3), torch.ones(2, dtype=torch.float64), torch.ones(3)))
    nan = minigrad.full((2, 2), math.nan)
    assert minigrad.addr(nan, minigrad.ones(2), minigrad.ones(2), beta=0).tolist() == [[1, 1]] * 2
    ints = [torch.ones(2, dtype=torch.int64)] * 3
    assert (minigrad.addr(*[minigrad.tensor(t.numpy()) for t in ints], beta=2, alpha=3).tolist()
            == torch.addr(*ints, beta=2, alpha=3).tolist())
    raises_like(lambda: minigrad.addr(*[minigrad.tensor(t.numpy()) for t in ints], beta=2.0),
                lambda: torch.addr(*ints, beta=2.0))
    raises_like(lambda: minigrad.addr(minigrad.zeros(2, 3), minigrad.ones(2, 1), minigrad.ones(3)),
                lambda: torch.addr(torch.zeros(2, 3), torch.ones(2, 1), torch.ones(3)))
    raises_like(lambda: minigrad.addr(minigrad.zeros(2, 4), minigrad.ones(2), minigrad.ones(3)),
                lambda: torch.addr(torch.zeros(2, 4), torch.ones(2), torch.ones(3)))


# --- randint_like, scalar_tensor --------------------------------------------------------------
@pytest.mark.parametrize("dtype", [None, "int64", "int32", "float64", "uint8"])
@pytest.mark.parametrize("bounds", [(5,), (2, 5), (-3, 3)])
def test_randint_like_shapes_dtypes_and_range(dtype, bounds):
    if dtype == "uint8" and bounds[0] < 0:
        return
    kw = {} if dtype is None else {"dtype": getattr(minigrad, dtype)}
    tkw = {} if dtype is None else {"dtype": getattr(torch, dtype)}
    ours = minigrad.randint_like(minigrad.zeros(50, 40), *bounds, **kw)
    theirs = torch.randint_like(torch.zeros(50, 40), *bounds, **tkw)
    assert ours.shape == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype)[6:]
    low, high = (0,) + bounds if len(bounds) == 1 else bounds
    drawn = set(ours.numpy().astype(int).ravel().tolist())
    assert drawn == set(range(low, high))


def test_randint_like_keywords_and_errors():
    x, tx = minigrad.zeros(3, dtype=minigrad.int32), torch.zeros(3, dtype=torch.int32)
    assert minigrad.randint_like(x, high=4).dtype == np.int32
    assert minigrad.randint_like(minigrad.zeros(2), 3, requires_grad=True).requires_grad
    a = minigrad.randint_like(x, 100, generator=minigrad.Generator().manual_seed(3))
    b = minigrad.randint_like(x, 100, generator=minigrad.Generator().manual_seed(3))
    assert a.tolist() == b.tolist()
    for args in [(5, 2), (0,)]:
        raises_like(lambda: minigrad.randint_like(x, *args), lambda: torch.randint_like(tx, *args))
    raises_like(lambda: minigrad.randint_like(x, 5.5), lambda: torch.randint_like(tx, 5.5))
    raises_like(lambda: minigrad.randint_like(minigrad.zeros(2, dtype=minigrad.uint8), 300),
                lambda: torch.randint_like(torch.zeros(2, dtype=torch.uint8), 300))


@pytest.mark.parametrize("value", [3, 3.5, True, -2**40, 0.1])
@pytest.mark.parametrize("dtype", [None, "float64", "int64"])
def test_scalar_tensor(value, dtype):
    kw = {} if dtype is None else {"dtype": getattr(minigrad, dtype)}
    tkw = {} if dtype is None else {"dtype": getattr(torch, dtype)}
    assert_same(minigrad.scalar_tensor(value, **kw), torch.scalar_tensor(value, **tkw))


def test_scalar_tensor_of_a_tensor_requires_grad_and_errors():
    assert_same(minigrad.scalar_tensor(minigrad.tensor(2)), torch.scalar_tensor(torch.tensor(2)))
    assert minigrad.scalar_tensor(1.0, requires_grad=True).requires_grad
    raises_like(lambda: minigrad.scalar_tensor([1]), lambda: torch.scalar_tensor([1]))


# --- predicates and conjugation -------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int8", "uint8", "bool"])
def test_predicates_and_conjugations(dtype):
    x = minigrad.ones(3, dtype=getattr(minigrad, dtype))
    t = torch.ones(3, dtype=getattr(torch, dtype))
    for name in ("is_signed", "is_inference", "is_conj", "is_neg"):
        assert getattr(minigrad, name)(x) == getattr(torch, name)(t), name
    for name in ("conj", "conj_physical", "resolve_conj", "resolve_neg"):
        assert getattr(minigrad, name)(x) is x and getattr(torch, name)(t) is t
    for name in ("is_signed", "conj", "is_conj", "resolve_neg"):
        raises_like(lambda: getattr(minigrad, name)(1), lambda: getattr(torch, name)(1))


def test_conj_physical_out():
    x = minigrad.tensor([1.0, 2.0])
    out = minigrad.empty(0)
    assert minigrad.conj_physical(x, out=out) is out and out.tolist() == [1.0, 2.0]


# --- frombuffer ---------------------------------------------------------------------------
def test_frombuffer_shares_memory_and_matches():
    data = bytearray(np.arange(6, dtype=np.int32).tobytes())
    for kw in [{}, {"count": 2, "offset": 4}, {"offset": 8}]:
        ours = minigrad.frombuffer(data, dtype=minigrad.int32, **kw)
        theirs = torch.frombuffer(data, dtype=torch.int32, **kw)
        assert_same(ours, theirs)
    shared = minigrad.frombuffer(data, dtype=minigrad.int32)
    data[0] = 9
    assert shared[0].item() == 9
    doubles = array.array("d", [1.0, 2.0])
    t = minigrad.frombuffer(doubles, dtype=minigrad.float64, requires_grad=True)
    doubles[1] = 5.0
    assert t.tolist() == [1.0, 5.0] and t.requires_grad


@pytest.mark.parametrize("buffer, kw", [
    (bytearray(12), {"offset": 13}), (bytearray(12), {"offset": 2}),
    (bytearray(12), {"count": 5}), (bytearray(12), {"count": 0}), (bytearray(), {}),
    (bytearray(3), {}), ([1, 2], {}),
])
def test_frombuffer_errors(buffer, kw):
    message = raises_like(lambda: minigrad.frombuffer(buffer, dtype=minigrad.int32, **kw),
                          lambda: torch.frombuffer(buffer, dtype=torch.int32, **kw))
    assert message


def test_frombuffer_warns_for_a_read_only_buffer():
    with pytest.warns(UserWarning, match="not writable"):
        t = minigrad.frombuffer(b"\x01\x00\x00\x00", dtype=minigrad.int32)
    assert t.tolist() == [1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        minigrad.frombuffer(bytearray(4), dtype=minigrad.int32)


# --- binomial, poisson --------------------------------------------------------------------
def test_binomial_statistics_dtypes_and_shapes():
    g = minigrad.Generator().manual_seed(0)
    count = minigrad.full((20000,), 12.0)
    drawn = minigrad.binomial(count, minigrad.full((20000,), 0.25), generator=g).numpy()
    assert drawn.dtype == np.float32 and drawn.shape == (20000,)
    assert abs(drawn.mean() - 3.0) < 0.05 and abs(drawn.var() - 2.25) < 0.1
    assert set(np.unique(drawn)) <= set(range(13))
    c64, p64 = minigrad.tensor([[10.0], [5.0]]).double(), minigrad.tensor([0.5, 0.2]).double()
    out = minigrad.binomial(c64, p64)
    assert out.dtype == np.float64 and out.shape == (2, 2)
    edge = minigrad.binomial(minigrad.tensor([10.0, 5.0, -1.0, 3.0]),
                             minigrad.tensor([1.5, -0.5, 0.5, math.nan])).tolist()
    assert edge[:3] == [10.0, 0.0, 0.0] and math.isnan(edge[3])


def test_binomial_errors_and_gradient():
    c, p = [10.0, 5.0], [0.5, 0.2]
    pairs = [((c, "int64"), (p, "float32")), ((c, "float32"), (p, "float64"))]
    for (cv, cd), (pv, pd) in pairs:
        raises_like(lambda: minigrad.binomial(minigrad.tensor(cv, dtype=getattr(minigrad, cd)),
                                              minigrad.tensor(pv, dtype=getattr(minigrad, pd))),
                    lambda: torch.binomial(torch.tensor(cv, dtype=getattr(torch, cd)),
                                           torch.tensor(pv, dtype=getattr(torch, pd))))
    raises_like(lambda: minigrad.binomial(minigrad.tensor(c), 0.5),
                lambda: torch.binomial(torch.tensor(c), 0.5))
    ours = minigrad.binomial(minigrad.tensor(c, requires_grad=True), minigrad.tensor(p))
    theirs = torch.binomial(torch.tensor(c, requires_grad=True), torch.tensor(p))
    assert ours.requires_grad and theirs.requires_grad
    raises_like(lambda: ours.sum().backward(), lambda: theirs.sum().backward())


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_poisson_statistics_and_dtype(dtype):
    rate = minigrad.full((20000,), 4.0, dtype=getattr(minigrad, dtype))
    drawn = minigrad.poisson(rate, generator=minigrad.Generator().manual_seed(1))
    assert drawn.dtype == np.dtype(dtype) and drawn.shape == (20000,)
    values = drawn.numpy().astype(np.float64)
    assert abs(values.mean() - 4.0) < 0.06 and abs(values.var() - 4.0) < 0.2
    assert minigrad.poisson(minigrad.zeros(3)).tolist() == [0.0, 0.0, 0.0]


def test_poisson_errors_and_zero_gradient():
    for values, dtype in [([1, 4], "int64"), ([-1.0, 4.0], "float32"), ([math.nan], "float32")]:
        raises_like(lambda: minigrad.poisson(minigrad.tensor(values, dtype=getattr(minigrad, dtype))),
                    lambda: torch.poisson(torch.tensor(values, dtype=getattr(torch, dtype))))
    raises_like(lambda: minigrad.poisson(2.0), lambda: torch.poisson(2.0))
    x = minigrad.tensor([1.0, 4.0], requires_grad=True)
    minigrad.poisson(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


# --- igamma, igammac ----------------------------------------------------------------------
EDGES = [0.0, 1e-3, 0.5, 1.0, 2.0, 3.5, 10.0, 30.0, 100.0, 1e3, 1e4, 1e5, math.inf, -1.0,
         math.nan]


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_incomplete_gamma_grid_with_edges_and_large_arguments(name):
    a, x = np.meshgrid(EDGES, EDGES, indexing="ij")
    ours = getattr(minigrad, name)(minigrad.tensor(a), minigrad.tensor(x))
    assert_same(ours, getattr(torch, name)(torch.tensor(a), torch.tensor(x)), rtol=1e-9)


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_incomplete_gamma_random_values_dtypes_and_special_names(name):
    rng = np.random.default_rng(2)
    a = np.exp(rng.uniform(-5, 8, 3000))
    x = a * np.exp(rng.uniform(-1.5, 1.5, 3000))
    ours = getattr(minigrad, name)(minigrad.tensor(a), minigrad.tensor(x))
    # atol: torch rounds some results below float64's smallest normal number to 0
    assert_same(ours, getattr(torch, name)(torch.tensor(a), torch.tensor(x)), rtol=1e-7,
                atol=1e-300)
    special = {"igamma": "gammainc", "igammac": "gammaincc"}[name]
    a32, x32 = a[:50].astype(np.float32), x[:50].astype(np.float32)
    assert_same(getattr(minigrad.special, special)(minigrad.tensor(a32), minigrad.tensor(x32)),
                getattr(torch.special, special)(torch.tensor(a32), torch.tensor(x32)),
                rtol=1e-5, atol=1e-7)
    mixed = getattr(minigrad, name)(minigrad.tensor([1.0]), minigrad.tensor([2.0]).double())
    assert mixed.dtype == np.float64


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_incomplete_gamma_gradients(name):
    a = np.array([[0.5], [2.0], [7.5]])
    x = np.array([0.3, 1.0, 4.0, 12.0])
    xo, xt = minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    getattr(minigrad, name)(minigrad.tensor(a), xo).sum().backward()
    getattr(torch, name)(torch.tensor(a), xt).sum().backward()
    assert_same(xo.grad, xt.grad, rtol=1e-10)
    ao, at = minigrad.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ours = getattr(minigrad, name)(ao, minigrad.tensor(x))
    theirs = getattr(torch, name)(at, torch.tensor(x))
    message = raises_like(lambda: ours.sum().backward(), lambda: theirs.sum().backward())
    assert "igamma" in message


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_incomplete_gamma_errors(name):
    ours, theirs = getattr(minigrad, name), getattr(torch, name)
    raises_like(lambda: ours(minigrad.tensor([1, 2]), minigrad.tensor([1, 2])),
                lambda: theirs(torch.tensor([1, 2]), torch.tensor([1, 2])))
    raises_like(lambda: ours(minigrad.tensor([1.0]), 2.0), lambda: theirs(torch.tensor([1.0]), 2.0))
    raises_like(lambda: ours(2.0, minigrad.tensor([1.0])), lambda: theirs(2.0, torch.tensor([1.0])))
    raises_like(lambda: ours(minigrad.ones(2), minigrad.ones(3)),
                lambda: theirs(torch.ones(2), torch.ones(3)))


# --- nuclear_norm, unsafe_chunk/unsafe_split, fill --------------------------------------------
@pytest.mark.filterwarnings("ignore:.*nuclear_norm.*:UserWarning")
@pytest.mark.parametrize("args", [(), (True,), ((0, 1),), ([1, 0], True), ((0, 2),)])
def test_nuclear_norm_values_and_gradients(args):
    data = np.random.default_rng(3).standard_normal((3, 4, 5))
    if not args or isinstance(args[0], bool):
        data = data[0]
    xo, xt = minigrad.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    ours, theirs = minigrad.nuclear_norm(xo, *args), torch.nuclear_norm(xt, *args)
    assert_same(ours, theirs, rtol=1e-10)
    ours.sum().backward()
    theirs.sum().backward()
    assert_same(xo.grad, xt.grad, rtol=1e-8, atol=1e-12)


@pytest.mark.filterwarnings("ignore:.*nuclear_norm.*:UserWarning")
def test_nuclear_norm_errors():
    for data, args in [(np.ones(3), ()), (np.ones((2, 3)), (0,)), (np.ones((2, 2), int), ())]:
        raises_like(lambda: minigrad.nuclear_norm(minigrad.tensor(data), *args),
                    lambda: torch.nuclear_norm(torch.tensor(data), *args))
    with pytest.warns(UserWarning, match="deprecated"):
        minigrad.nuclear_norm(minigrad.eye(2))


def test_unsafe_chunk_and_split():
    data = np.arange(12.0).reshape(3, 4)
    for name, args in [("unsafe_chunk", (2, 1)), ("unsafe_chunk", (3,)), ("unsafe_split", (3, 1)),
                       ("unsafe_split", (2,))]:
        ours = getattr(minigrad, name)(minigrad.tensor(data), *args)
        theirs = getattr(torch, name)(torch.tensor(data), *args)
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            assert_same(o, t)
    raises_like(lambda: minigrad.unsafe_split(minigrad.tensor(data), [1, 3], 1),
                lambda: torch.unsafe_split(torch.tensor(data), [1, 3], 1))
    x = minigrad.tensor(data, requires_grad=True)
    minigrad.unsafe_chunk(x, 2, 1)[1].sum().backward()
    assert x.grad.tolist() == [[0, 0, 1, 1]] * 3


def test_fill_out_of_place_with_gradients():
    x, tx = minigrad.arange(6.0).reshape(2, 3), torch.arange(6.0).reshape(2, 3)
    assert_same(minigrad.fill(x, 2.0), torch.fill(tx, 2.0))
    assert x.tolist() == [[0, 1, 2], [3, 4, 5]]
    assert_same(minigrad.fill(minigrad.zeros(2, dtype=minigrad.int64), 2.7),
                torch.fill(torch.zeros(2, dtype=torch.int64), 2.7))
    leaf, value = minigrad.ones(2, 3, requires_grad=True), minigrad.tensor(3.0, requires_grad=True)
    minigrad.fill(leaf, value).sum().backward()
    assert value.grad.item() == 6.0 and leaf.grad.tolist() == [[0.0] * 3] * 2
    raises_like(lambda: minigrad.fill(x, minigrad.ones(2)), lambda: torch.fill(tx, torch.ones(2)))
    raises_like(lambda: minigrad.fill(x, "a"), lambda: torch.fill(tx, "a"))


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_incomplete_gamma_tensor_methods_and_in_place(name):
    a, x = np.array([1.0, 2.0, 0.5]), np.array([0.5, 3.0, 2.0])
    for lib in (minigrad, torch):
        method = getattr(lib.tensor(a), name)(lib.tensor(x))
        assert_same(method, getattr(torch, name)(torch.tensor(a), torch.tensor(x)), rtol=1e-12)
        target = lib.tensor(a)
        assert getattr(target, name + "_")(lib.tensor(x)) is target
        assert_same(target, getattr(torch, name)(torch.tensor(a), torch.tensor(x)), rtol=1e-12)
