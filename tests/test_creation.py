"""minigrad/creation.py and minigrad/random.py: factories and the seeded generator."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import minigrad


@pytest.mark.parametrize("factory, value", [(minigrad.zeros, 0.0), (minigrad.ones, 1.0)])
def test_zeros_and_ones(factory, value):
    t = factory(2, 3)
    assert t.shape == (2, 3) and t.dtype == np.float32 and not t.requires_grad
    assert np.all(t.numpy() == value)
    assert factory((4,)).shape == (4,)
    assert factory(2, dtype=np.float64, requires_grad=True).requires_grad
    assert factory(2, dtype=np.int64).dtype == np.int64
    assert factory(()).shape == ()
    with pytest.raises(TypeError, match="size"):  # as in PyTorch: a size is required
        factory()


def test_full_takes_its_dtype_from_the_value():
    assert minigrad.full((2,), 1.5).dtype == np.float32
    assert minigrad.full((2,), 3).dtype == np.int64
    assert minigrad.full((2,), True).dtype == np.bool_
    assert minigrad.full((2, 2), 7.0, dtype=np.float64).tolist() == [[7.0, 7.0], [7.0, 7.0]]


def test_like_factories_keep_shape_and_dtype():
    base = minigrad.tensor(np.ones((2, 3), dtype=np.float64), requires_grad=True)
    for f, value in ((minigrad.zeros_like, 0.0), (minigrad.ones_like, 1.0)):
        t = f(base)
        assert t.shape == (2, 3) and t.dtype == np.float64 and not t.requires_grad
        assert np.all(t.numpy() == value)
        assert f(base, dtype=np.float32).dtype == np.float32
        assert f(base, requires_grad=True).requires_grad


def test_arange():
    assert minigrad.arange(4).tolist() == [0, 1, 2, 3]
    assert minigrad.arange(4).dtype == np.int64
    assert minigrad.arange(1, 7, 2).tolist() == [1, 3, 5]
    t = minigrad.arange(0.0, 1.0, 0.25)
    assert t.dtype == np.float32 and t.tolist() == [0.0, 0.25, 0.5, 0.75]
    assert minigrad.arange(3, dtype=np.float64).dtype == np.float64


def test_eye():
    np.testing.assert_array_equal(minigrad.eye(3).numpy(), np.eye(3))
    assert minigrad.eye(2, 4).shape == (2, 4)
    assert minigrad.eye(2).dtype == np.float32


def test_rand_randn_randint_shapes_dtypes_and_ranges():
    minigrad.manual_seed(0)
    r = minigrad.rand(1000)
    assert r.dtype == np.float32 and r.shape == (1000,)
    assert 0.0 <= r.numpy().min() and r.numpy().max() < 1.0
    assert 0.4 < r.numpy().mean() < 0.6
    n = minigrad.randn(2000)
    assert n.dtype == np.float32
    assert abs(n.numpy().mean()) < 0.1 and 0.9 < n.numpy().std() < 1.1
    assert minigrad.randn(2, 3, dtype=np.float64).dtype == np.float64
    assert minigrad.rand(2, requires_grad=True).requires_grad
    i = minigrad.randint(3, 7, (500,))
    assert i.dtype == np.int64 and set(i.tolist()) == {3, 4, 5, 6}
    assert set(minigrad.randint(2, size=(100,)).tolist()) == {0, 1}


def test_manual_seed_makes_every_random_factory_repeat():
    def draw():
        return (minigrad.rand(3).tolist(), minigrad.randn(2, 2).tolist(),
                minigrad.randint(0, 100, (4,)).tolist())

    minigrad.manual_seed(123)
    first = draw()
    minigrad.manual_seed(123)
    assert draw() == first
    minigrad.manual_seed(124)
    assert draw() != first


def test_factories_make_leaves():
    t = minigrad.ones(2, requires_grad=True)
    assert t.is_leaf and t.grad_fn is None
    (t * 3).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), [3.0, 3.0])


def test_integer_factories_cannot_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        minigrad.zeros(2, dtype=np.int64, requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        minigrad.arange(3, requires_grad=True)


# --- issue 12: PyTorch's factories, checked against torch where it is installed ----------
def _torch():
    return pytest.importorskip("torch")


def _same(ours, theirs, rtol=1e-6):
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=rtol, atol=1e-6)


@pytest.mark.parametrize("args", [(0, 1, 5), (-3.5, 2.25, 7), (2, -2, 4), (0, 1, 1), (0, 1, 0),
                                  (1e-3, 1e3, 11)])
def test_linspace_and_logspace_match_torch(args):
    torch = _torch()
    _same(minigrad.linspace(*args), torch.linspace(*args))
    _same(minigrad.linspace(*args, dtype=minigrad.float64),
          torch.linspace(*args, dtype=torch.float64))
    _same(minigrad.logspace(*args[:2], args[2] if args[0] < 100 else 3),
          torch.logspace(*args[:2], args[2] if args[0] < 100 else 3), rtol=1e-5)
    _same(minigrad.logspace(*args, base=2), torch.logspace(*args, base=2), rtol=1e-5)


@given(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4), st.integers(2, 80),
       st.sampled_from(["float32", "float64"]))
@example(0.0, 2 * np.pi, 25, "float32")  # the autograd tutorial's
def test_linspace_float32_values_are_torchs_to_the_bit(start, end, steps, dtype):
    torch = _torch()
    ours = minigrad.linspace(start, end, steps, dtype=getattr(minigrad, dtype)).numpy()
    theirs = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
    assert ours.dtype == theirs.dtype
    if dtype == "float32":
        np.testing.assert_array_equal(ours, theirs)
    else:  # nearly always equal too; long double may round the product on its own
        np.testing.assert_array_max_ulp(ours, theirs, maxulp=1)


def test_linspace_to_integers_and_errors_match_torch():
    torch = _torch()
    _same(minigrad.linspace(0, 10, 5, dtype=minigrad.int64),
          torch.linspace(0, 10, 5, dtype=torch.int64))
    _same(minigrad.linspace(-7, 3, 4, dtype=minigrad.int64),
          torch.linspace(-7, 3, 4, dtype=torch.int64))
    with pytest.raises(RuntimeError):
        torch.linspace(0, 1, -1)
    with pytest.raises(RuntimeError, match="steps"):
        minigrad.linspace(0, 1, -1)


@pytest.mark.parametrize("args", [(5,), (0.5,), (1, 4), (0, 1, 0.1), (-1.5, 2.7, 0.3),
                                  (0, 5, 1.5), (3, -2, -0.5), (10, 0, -3)])
def test_arange_lengths_dtypes_and_values_match_torch(args):
    torch = _torch()
    _same(minigrad.arange(*args), torch.arange(*args))
    _same(minigrad.arange(*args, dtype=minigrad.float64),
          torch.arange(*args, dtype=torch.float64))


@pytest.mark.parametrize("args", [(0, 5, 0), (5, 0, 1), (0, 5, -1)])
def test_arange_errors_match_torch(args):
    torch = _torch()
    with pytest.raises(RuntimeError):
        torch.arange(*args)
    with pytest.raises(RuntimeError, match="arange"):
        minigrad.arange(*args)


def test_like_factories_match_torch():
    torch = _torch()
    for dtype in ("float32", "float64", "int64"):
        ours = minigrad.zeros(2, 3, dtype=np.dtype(dtype))
        theirs = torch.zeros(2, 3, dtype=getattr(torch, dtype))
        _same(minigrad.full_like(ours, 7), torch.full_like(theirs, 7))
        _same(minigrad.ones_like(ours, dtype=minigrad.float64),
              torch.ones_like(theirs, dtype=torch.float64))
        assert minigrad.empty_like(ours).shape == (2, 3)
        assert minigrad.empty_like(ours).dtype == np.dtype(dtype)
    x = minigrad.zeros(100, 50)
    for f in (minigrad.rand_like, minigrad.randn_like):
        r = f(x)
        assert r.shape == (100, 50) and r.dtype == np.float32 and r.numpy().std() > 0.2
        assert f(x, dtype=minigrad.float64).dtype == np.float64
        assert f(x, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError):
        torch.randn_like(torch.zeros(2, dtype=torch.int64))
    with pytest.raises(RuntimeError, match="floating point"):
        minigrad.randn_like(minigrad.zeros(2, dtype=minigrad.int64))


def test_empty_has_the_shape_and_dtype():
    e = minigrad.empty(2, 3)
    assert e.shape == (2, 3) and e.dtype == np.float32
    assert minigrad.empty((4,), dtype=minigrad.int64).dtype == np.int64
    assert minigrad.empty(2, requires_grad=True).requires_grad


def test_randperm_and_generators():
    p = minigrad.randperm(10)
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(10))
    g1, g2 = minigrad.Generator().manual_seed(3), minigrad.Generator().manual_seed(3)
    assert minigrad.randn(4, generator=g1).tolist() == minigrad.randn(4, generator=g2).tolist()
    assert minigrad.randperm(6, generator=g1).tolist() == \
        minigrad.randperm(6, generator=g2).tolist()
    assert minigrad.rand(2, generator=g1).tolist() == minigrad.rand(2, generator=g2).tolist()
    assert minigrad.randint(0, 9, (5,), generator=g1).tolist() == \
        minigrad.randint(0, 9, (5,), generator=g2).tolist()
    assert g1.initial_seed() == 3 and g1.device == minigrad.device("cpu")
    assert isinstance(minigrad.manual_seed(5), minigrad.Generator)
    assert minigrad.initial_seed() == 5
    with pytest.raises(TypeError, match="generator"):
        minigrad.rand(2, generator=42)


def test_the_default_generator_follows_manual_seed_even_with_a_private_one_in_between():
    minigrad.manual_seed(11)
    first = minigrad.randn(3).tolist()
    minigrad.manual_seed(11)
    minigrad.randn(2, generator=minigrad.Generator().manual_seed(0))
    assert minigrad.randn(3).tolist() == first


def test_as_tensor_from_numpy_share_memory():
    array = np.arange(3.0)
    for t in (minigrad.as_tensor(array), minigrad.from_numpy(array)):
        array[0] = 9.0
        assert t[0].item() == 9.0 and t.dtype == np.float64
    t = minigrad.tensor([1.0, 2.0])
    assert minigrad.as_tensor(t) is t
    assert minigrad.as_tensor(t, dtype=minigrad.float64).dtype == np.float64
    assert minigrad.as_tensor([1, 2]).dtype == np.int64
    assert minigrad.as_tensor(array, dtype=minigrad.float32).dtype == np.float32
    with pytest.raises(TypeError, match="from_numpy"):
        minigrad.from_numpy([1.0])


def test_rng_state_round_trips():
    minigrad.manual_seed(8)
    state = minigrad.get_rng_state()
    first = minigrad.randn(3).tolist()
    minigrad.randn(5)
    minigrad.set_rng_state(state)
    assert minigrad.randn(3).tolist() == first and minigrad.initial_seed() == 8


def test_size_keyword_and_randint_high_size_form_follow_torch():
    torch = _torch()
    for name in ("zeros", "ones", "empty", "rand", "randn"):
        ours, theirs = getattr(minigrad, name), getattr(torch, name)
        assert ours(size=(2, 3)).shape == theirs(size=(2, 3)).shape == (2, 3)
        assert ours(size=[4]).shape == (4,)
        with pytest.raises(TypeError):
            theirs(2, size=(2,))
        with pytest.raises(TypeError, match="multiple values"):
            ours(2, size=(2,))
    for args in (((10, (3,)), {}), ((3, 10, (2,)), {}), ((5,), {"size": (2,)}),
                 ((), {"low": 2, "high": 5, "size": (2,)})):
        ours, theirs = minigrad.randint(*args[0], **args[1]), torch.randint(*args[0], **args[1])
        assert ours.shape == tuple(theirs.shape) and ours.dtype == np.int64
    assert set(minigrad.randint(3, (200,)).tolist()) == {0, 1, 2}
    assert minigrad.is_floating_point(minigrad.ones(1))
    assert not minigrad.is_floating_point(minigrad.arange(2))


DTYPE_NAMES = ["float16", "half", "float32", "float", "float64", "double", "uint8", "int8",
               "int16", "short", "int32", "int", "int64", "long", "bool"]


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_every_dtype_name_of_torch_is_the_same_dtype(name):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(minigrad, name), getattr(torch, name)
    assert str(theirs) == f"torch.{ours}"
    t = minigrad.ones(2, dtype=ours)
    assert t.dtype == ours and str(torch.ones(2, dtype=theirs).dtype) == f"torch.{t.dtype}"


@pytest.mark.parametrize("a, b", [("uint8", "int8"), ("int16", "int32"), ("half", "float"),
                                  ("uint8", "bool"), ("int8", "half"), ("short", "long")])
def test_promotion_between_the_small_dtypes_matches_torch(a, b):
    torch = pytest.importorskip("torch")
    ours = minigrad.ones(2, dtype=getattr(minigrad, a)) + minigrad.ones(2, dtype=getattr(minigrad, b))
    theirs = torch.ones(2, dtype=getattr(torch, a)) + torch.ones(2, dtype=getattr(torch, b))
    assert str(theirs.dtype) == f"torch.{ours.dtype}"


# Legacy constructors (Tensor(2, 3), FloatTensor, LongTensor...), tensors inside data,
# inference_mode and the memory facts (stride, storage_offset, nbytes, itemsize)
LEGACY_AND_MEMORY = [
    'L.ones(2, 3).ndimension()',
    'L.ones(2, 3).stride()',
    'L.ones(2, 3).t().stride()',
    'L.ones(2, 3).stride(0)',
    'L.ones(2, 3).stride(-1)',
    'L.ones(2, 3).stride(2)',
    'L.tensor(1.).stride()',
    'L.ones(2, 1, 3).stride()',
    'L.ones(3).expand(2, 3).stride()',
    'L.ones(2, 3).storage_offset()',
    'L.ones(2, 3)[:, 1].storage_offset()',
    'L.ones(4, 3)[1:, 1:].storage_offset()',
    'L.ones(4, 3)[1:, 1:].stride()',
    'L.ones(4, 3)[::2].stride()',
    'L.ones(2, 3).nbytes',
    'L.ones(2, 3, dtype=L.float64).itemsize',
    'L.ones(2, 3, requires_grad=True).stride()',
    'x = L.ones(2, requires_grad=True)\\n'
     'with L.inference_mode():\\n'
     '    y = x * 2\\n'
     'out = (y.requires_grad, L.is_grad_enabled())',
    'x = L.ones(2, requires_grad=True)\\n'
     'with L.inference_mode(False):\\n'
     '    y = x * 2\\n'
     'out = y.requires_grad',
    'x = L.ones(2, requires_grad=True)\\n'
     '@L.inference_mode()\\n'
     'def f(x):\\n'
     '    return x * 2\\n'
     'out = f(x).requires_grad',
    'L.FloatTensor([1, 2])',
    'L.LongTensor([1.7, 2])',
    'L.FloatTensor(2, 3).shape',
    'L.ByteTensor([1, 0])',
    'L.BoolTensor([1, 0])',
    'L.DoubleTensor([[1]])',
    'isinstance(L.ones(2), L.FloatTensor)',
    'isinstance(L.ones(2), L.LongTensor)',
    'isinstance(L.ones(2, dtype=L.int64), L.LongTensor)',
    'L.ones(2).type(L.LongTensor)',
    'L.ones(2).type(L.DoubleTensor).dtype',
    'L.ones(2).type(L.FloatTensor).dtype',
    'L.ones(2, requires_grad=True).type(L.DoubleTensor).requires_grad',
    'L.IntTensor().shape',
    'L.LongTensor(3).shape',
    'L.tensor([L.tensor([1.]), L.tensor([2.])])',
    'L.tensor([[L.tensor([1.])], [L.tensor([2.])]])',
    'L.tensor([L.tensor([[1.]]), L.tensor(2.)])',
    'L.tensor([L.tensor([1., 2])])',
    'L.tensor([L.tensor(1.), L.tensor(2.)])',
    'L.tensor([L.tensor(1), L.tensor(2)])',
    'L.tensor([L.tensor(1, dtype=L.int32), 2])',
    'L.tensor([L.tensor(1.5, dtype=L.float64), 2])',
    'L.tensor([L.tensor(True), False])',
    'L.tensor([L.tensor(1.5, requires_grad=True)])',
    'L.tensor((L.tensor(1.), 2.5))',
    'L.tensor([[1, 2], [3]])',
    'L.tensor([L.tensor(1.), [2.]])',
    'L.Tensor(2, 3, 4).shape',
    'L.Tensor()',
    'L.Tensor(0, 3)',
    'L.nn.Parameter(L.Tensor(3, 2)).shape',
    'L.Tensor(2, -1)',
    'L.Tensor(2, 3).dtype',
    'L.Tensor([1, 2])',
    'L.Tensor([[1, 2], [3, 4]])',
    'L.Tensor((1, 2.5))',
    'L.Tensor([True, False])',
    'L.Tensor([])',
    'L.Tensor([L.tensor(1), L.tensor(2)])',
    'L.Tensor([[1, 2], [3]])',
    'L.Tensor(3).shape',
    'L.Tensor(3).dtype',
    'L.Tensor(0)',
    'L.Tensor(-1)',
    'L.Tensor(2.5)',
    'L.Tensor(True)',
    'L.Tensor(L.tensor([1, 2]))',
    'L.Tensor([1, 2]) / 4',
    'L.nn.Parameter(L.Tensor([1, 2]))',
]


@pytest.mark.parametrize("line", LEGACY_AND_MEMORY)
def test_legacy_constructors_and_memory_facts_match_torch(line):
    pytest.importorskip("torch")
    from differential import compare

    def program(L):
        space = {"L": L, "torch": None if L is minigrad else L}
        code = line.replace("\\n", "\n")
        exec(code if "\n" in code else "out = " + code, space)  # noqa: S102
        out = space["out"]
        is_dtype = isinstance(out, np.dtype) or type(out).__name__ == "dtype"
        return str(out).replace("torch.", "") if is_dtype else out

    compare(program, line)
