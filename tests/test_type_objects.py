"""minigrad.dtype, layout, memory_format and the process switches, against PyTorch."""
import copy
import pickle
import warnings
from typing import Optional

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
import pytest

import minigrad
from minigrad import settings

torch = pytest.importorskip("torch")

FORMATS = ["contiguous_format", "channels_last", "channels_last_3d", "preserve_format"]
SHAPES = [(2, 3, 4, 5), (2, 3, 1, 1), (2, 1, 4, 5), (0, 3, 4, 5), (1, 3, 2, 2)]
SHAPES_5D = [(2, 3, 4, 5, 6), (2, 1, 1, 3, 3)]


def both(shape, seed=0):
    values = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    # (torch.tensor keeps the all-zero strides NumPy gives an empty array; a clone has
    # the strides every PyTorch factory gives)
    return minigrad.tensor(values), torch.tensor(values).clone(
        memory_format=torch.contiguous_format)


def formats(name):
    return getattr(minigrad, name), getattr(torch, name)


# --- dtype ---------------------------------------------------------------------------------
def test_dtype_isinstance_like_torch():
    for name in ["float16", "float32", "float64", "int8", "int64", "uint8", "bool", "long"]:
        assert isinstance(getattr(minigrad, name), minigrad.dtype)
        assert isinstance(getattr(torch, name), torch.dtype)
    for value in [3, 1.5, "float32", None, np.float32, minigrad.tensor(1.0)]:
        assert not isinstance(value, minigrad.dtype)
    assert isinstance(minigrad.tensor([1]).dtype, minigrad.dtype)
    assert issubclass(type(minigrad.float32), minigrad.dtype)


def test_dtype_cannot_be_called_and_is_an_annotation():
    with pytest.raises(TypeError):
        torch.dtype()
    with pytest.raises(TypeError):
        minigrad.dtype()
    assert repr(minigrad.dtype) == repr(torch.dtype).replace("torch", "minigrad")

    def cast(t, d: Optional[minigrad.dtype] = None) -> minigrad.Tensor:
        return t if d is None else t.to(d)
    assert cast(minigrad.tensor([1]), minigrad.float32).dtype == minigrad.float32
    assert (minigrad.dtype | None) is not None  # a type usable in union annotations


# --- layout --------------------------------------------------------------------------------
def test_layout_objects():
    assert isinstance(minigrad.strided, minigrad.layout)
    assert not isinstance(minigrad.channels_last, minigrad.layout)
    assert repr(minigrad.strided) == repr(torch.strided).replace("torch", "minigrad")
    assert repr(minigrad.layout) == repr(torch.layout).replace("torch", "minigrad")
    assert minigrad.tensor([1.0]).layout is minigrad.strided
    assert torch.tensor([1.0]).layout is torch.strided
    assert minigrad.strided != minigrad.sparse_coo
    for value in (minigrad.strided, minigrad.channels_last):
        assert pickle.loads(pickle.dumps(value)) is value
        assert copy.deepcopy(value) is value
    for cls in (minigrad.layout, minigrad.memory_format, torch.layout, torch.memory_format):
        with pytest.raises(TypeError):
            cls()


FACTORIES = [
    ("zeros", lambda m, **k: m.zeros(2, 3, **k)),
    ("ones", lambda m, **k: m.ones(2, 3, **k)),
    ("empty", lambda m, **k: m.empty(2, 3, **k).zero_()),
    ("full", lambda m, **k: m.full((2, 3), 1.5, **k)),
    ("arange", lambda m, **k: m.arange(5, **k)),
    ("linspace", lambda m, **k: m.linspace(0, 1, 5, **k)),
    ("logspace", lambda m, **k: m.logspace(0, 1, 5, **k)),
    ("eye", lambda m, **k: m.eye(3, **k)),
    ("rand", lambda m, **k: m.rand(2, 3, **k).mul(0)),
    ("randn", lambda m, **k: m.randn(2, 3, **k).mul(0)),
    ("randint", lambda m, **k: m.randint(0, 1, (2, 3), **k)),
    ("randperm", lambda m, **k: m.randperm(1, **k)),
    ("zeros_like", lambda m, **k: m.zeros_like(m.ones(2, 3), **k)),
    ("ones_like", lambda m, **k: m.ones_like(m.ones(2, 3), **k)),
    ("empty_like", lambda m, **k: m.empty_like(m.ones(2, 3), **k).zero_()),
    ("full_like", lambda m, **k: m.full_like(m.ones(2, 3), 2.0, **k)),
    ("rand_like", lambda m, **k: m.rand_like(m.ones(2, 3), **k).mul(0)),
    ("randn_like", lambda m, **k: m.randn_like(m.ones(2, 3), **k).mul(0)),
]


@pytest.mark.parametrize("name,make", FACTORIES, ids=[f[0] for f in FACTORIES])
def test_factories_take_layout(name, make):
    ours, theirs = make(minigrad, layout=minigrad.strided), make(torch, layout=torch.strided)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert ours.stride() == theirs.stride() and ours.layout is minigrad.strided
    with pytest.raises(TypeError):
        make(torch, layout="strided")
    with pytest.raises(TypeError):
        make(minigrad, layout="strided")
    with pytest.raises(NotImplementedError, match="sparse_coo"):
        make(minigrad, layout=minigrad.sparse_coo)


def test_memory_format_keyword_only_where_torch_has_it():
    for m in (minigrad, torch):
        with pytest.raises(TypeError):
            m.zeros(2, 3, 4, 5, memory_format=m.channels_last)
        with pytest.raises(TypeError):
            m.tensor([1.0], layout=m.strided)
    minigrad.empty_strided((2, 3), (3, 1), layout=minigrad.strided)
    with pytest.raises(NotImplementedError):
        minigrad.empty_strided((2, 3), (3, 1), layout=minigrad.sparse_csr)


# --- memory formats: strides and contiguity ------------------------------------------------
def test_memory_format_objects():
    for name in FORMATS:
        ours, theirs = formats(name)
        assert isinstance(ours, minigrad.memory_format)
        assert repr(ours) == repr(theirs).replace("torch", "minigrad")


@pytest.mark.parametrize("shape", SHAPES + SHAPES_5D)
@pytest.mark.parametrize("name", ["contiguous_format", "channels_last", "channels_last_3d"])
def test_contiguous_strides_and_flags(shape, name):
    x, tx = both(shape)
    fmt, tfmt = formats(name)
    try:
        ty = tx.contiguous(memory_format=tfmt)
    except RuntimeError:
        with pytest.raises(RuntimeError, match="rank"):
            x.contiguous(memory_format=fmt)
        return
    y = x.contiguous(memory_format=fmt)
    assert y.stride() == ty.stride()
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    for other in FORMATS:
        ofmt, tofmt = formats(other)
        assert y.is_contiguous(memory_format=ofmt) == ty.is_contiguous(memory_format=tofmt)
    assert y.is_contiguous() == ty.is_contiguous()


@pytest.mark.parametrize("shape", [s for s in SHAPES if 0 not in s] + SHAPES_5D)
@pytest.mark.parametrize("name", FORMATS)
def test_factories_and_copies_in_each_format(shape, name):  # (a 0-size array's strides are 0)
    x, tx = both(shape)
    fmt, tfmt = formats(name)
    cases = [(lambda m, t, f: m.empty(*shape, memory_format=f).zero_()),
             (lambda m, t, f: m.zeros_like(t, memory_format=f)),
             (lambda m, t, f: m.full_like(t, 2.0, memory_format=f)),
             (lambda m, t, f: t.clone(memory_format=f)),
             (lambda m, t, f: t.to(memory_format=f)),
             (lambda m, t, f: t.to(m.float64, memory_format=f))]
    for case in cases:
        try:
            expected = case(torch, tx, tfmt)
        except RuntimeError:
            with pytest.raises(RuntimeError):
                case(minigrad, x, fmt)
            continue
        got = case(minigrad, x, fmt)
        assert got.stride() == expected.stride(), (case, got.stride(), expected.stride())
        np.testing.assert_array_equal(got.numpy(), expected.numpy())


def test_preserve_format_follows_the_input():
    x, tx = both((2, 3, 4, 5))
    views = [lambda t: t.contiguous(memory_format=type(t).__module__ == "torch" and
                                    torch.channels_last or minigrad.channels_last),
             lambda t: t.permute(0, 2, 3, 1), lambda t: t.transpose(0, 1),
             lambda t: t.permute(0, 2, 3, 1)[:, ::2], lambda t: t[:, :, ::2]]
    for view in views:
        ours, theirs = view(x), view(tx)
        for make in (lambda t: t.clone(), lambda t: (t + 1), lambda t: t.double(),
                     lambda t: t.to(memory_format=formats("preserve_format")[
                         0 if isinstance(t, minigrad.Tensor) else 1])):
            assert make(ours).stride() == make(theirs).stride()
        for name in ("zeros_like", "empty_like", "ones_like", "rand_like"):
            assert getattr(minigrad, name)(ours).stride() == \
                getattr(torch, name)(theirs).stride()


@given(st.data())
def test_preserve_format_strides_of_any_view_match_torch(data):
    """Broadcast (stride-0), sliced, permuted and size-1 dims in any mix: copies made in
    preserve_format get torch's strides."""
    ndim = data.draw(st.integers(1, 4))
    shape = data.draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim))
    values = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    ours, theirs = minigrad.tensor(values), torch.tensor(values)
    expand = [data.draw(st.sampled_from([n, 3])) if n == 1 else n for n in shape]
    steps = [data.draw(st.integers(1, 2)) for _ in shape]
    order = data.draw(st.permutations(range(ndim)))
    index = tuple(slice(None, None, k) for k in steps)

    def view(t):
        return t.expand(*expand)[index].permute(*order)

    for make in (lambda t: t.clone(), lambda m, t: m.empty_like(t),
                 lambda m, t: m.zeros_like(t)):
        got = make(view(ours)) if make.__code__.co_argcount == 1 else make(minigrad, view(ours))
        want = make(view(theirs)) if make.__code__.co_argcount == 1 else make(torch, view(theirs))
        assert got.stride() == want.stride(), (shape, expand, steps, order)
    np.testing.assert_array_equal(view(ours).clone().numpy(), view(theirs).clone().numpy())


def test_memory_format_errors_match_torch():
    x, tx = both((2, 3, 4))
    for m, t in ((minigrad, x), (torch, tx)):
        with pytest.raises(RuntimeError, match="rank 4"):
            t.contiguous(memory_format=m.channels_last)
        with pytest.raises(RuntimeError, match="rank 5"):
            t.clone(memory_format=m.channels_last_3d)
        with pytest.raises(RuntimeError, match="rank 4"):
            m.empty(2, 3, memory_format=m.channels_last)
        with pytest.raises(RuntimeError):
            m.empty(2, 3, 4, 5, memory_format=m.preserve_format)
        with pytest.raises(RuntimeError, match="preserve"):
            t.transpose(0, 1).contiguous(memory_format=m.preserve_format)
        with pytest.raises(TypeError):
            t.contiguous(memory_format="channels_last")
        with pytest.raises(TypeError):
            t.is_contiguous(memory_format=m.strided)
        assert t.is_contiguous(memory_format=m.channels_last) is False
        for call in (t.contiguous, t.is_contiguous):
            with pytest.raises(TypeError):
                call(memory_format=None)
        assert m.zeros_like(t.transpose(0, 1), memory_format=None).stride() == (4, 12, 1)


def test_channels_last_values_and_gradients_through_conv2d():
    x, tx = both((2, 3, 6, 7), seed=1)
    w, tw = both((4, 3, 3, 3), seed=2)
    grads = []
    for m, (inp, weight) in ((minigrad, (x, w)), (torch, (tx, tw))):
        inp = inp.clone().requires_grad_()
        weight = weight.clone().requires_grad_()
        laid = inp.contiguous(memory_format=m.channels_last)
        out = m.nn.functional.conv2d(laid * 2, weight, padding=1)
        (out * out).sum().backward()
        grads.append((out.detach().numpy(), inp.grad.numpy(), weight.grad.numpy(),
                      laid.stride(), (laid * 2).stride()))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


def test_module_to_memory_format():
    layers = [m.nn.Sequential(m.nn.Conv2d(3, 4, 3), m.nn.ReLU(), m.nn.Flatten(),
                              m.nn.Linear(4 * 3 * 3, 2)) for m in (minigrad, torch)]
    with torch.no_grad():
        for ours, theirs in zip(layers[0].parameters(), layers[1].parameters()):
            theirs.copy_(torch.tensor(ours.detach().numpy()))
    for m, layer in zip((minigrad, torch), layers):
        assert layer.to(memory_format=m.channels_last) is layer
    for ours, theirs in zip(layers[0].parameters(), layers[1].parameters()):
        assert ours.stride() == theirs.stride()
    x, tx = both((2, 3, 5, 5), seed=3)
    outs = [layer(inp.to(memory_format=m.channels_last))
            for m, layer, inp in ((minigrad, layers[0], x), (torch, layers[1], tx))]
    np.testing.assert_allclose(outs[0].detach().numpy(), outs[1].detach().numpy(), rtol=1e-5,
                               atol=1e-5)
    for m, layer in zip((minigrad, torch), layers):
        with pytest.raises(RuntimeError, match="rank 5"):
            layer.to(memory_format=m.channels_last_3d)


# --- process switches ----------------------------------------------------------------------
@pytest.fixture
def restore():
    dtypes = minigrad.get_default_dtype(), torch.get_default_dtype()
    state = dict(settings._state)
    yield
    minigrad.set_default_dtype(dtypes[0])
    torch.set_default_dtype(dtypes[1])
    settings._state.update(state)
    torch.set_warn_always(False)


@pytest.mark.parametrize("arg", ["torch.DoubleTensor", "DoubleTensor", "torch.HalfTensor",
                                 "FloatTensor"])
def test_set_default_tensor_type(restore, arg):
    torch_arg = arg if "." in arg else getattr(torch, arg)
    ours_arg = arg if "." in arg else getattr(minigrad, arg)
    for m, value in ((minigrad, ours_arg), (torch, torch_arg)):
        m.set_warn_always(True)
        with pytest.warns(UserWarning, match="set_default_dtype"):
            m.set_default_tensor_type(value)
    assert str(minigrad.get_default_dtype()) == str(torch.get_default_dtype())[6:]
    assert minigrad.tensor([1.5]).dtype.name == str(torch.tensor([1.5]).dtype)[6:]


def test_set_default_tensor_type_errors_and_warning_once(restore):
    for m in (minigrad, torch):
        m.set_warn_always(True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for bad in (m.LongTensor, "torch.LongTensor", m.float64, 3):
                with pytest.raises(TypeError):
                    m.set_default_tensor_type(bad)
            with pytest.raises(AttributeError):
                m.set_default_tensor_type("torch.Foo")
    assert minigrad.get_default_dtype() == minigrad.float32
    minigrad.set_warn_always(False)
    settings._state["tensor_type_warned"] = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        minigrad.set_default_tensor_type(minigrad.FloatTensor)
        minigrad.set_default_tensor_type(minigrad.FloatTensor)
    assert len(caught) == 1


def test_warn_always_and_flush_denormal(restore):
    for m in (minigrad, torch):
        assert m.is_warn_always_enabled() is False
        m.set_warn_always(True)
        assert m.is_warn_always_enabled() is True
        m.set_warn_always(False)
        for bad in ("yes", 1):
            with pytest.raises(RuntimeError):
                m.set_warn_always(bad)
            with pytest.raises(RuntimeError):
                m.set_flush_denormal(bad)
    assert minigrad.set_flush_denormal(True) is False
    assert minigrad.set_flush_denormal(False) is False
    assert minigrad.tensor([1e-40], dtype=minigrad.float64).item() == 1e-40
