"""minigrad/_printing.py: tensors print exactly as PyTorch prints them (name aside)."""
from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad._printing import get_printoptions, printoptions

torch = pytest.importorskip("torch")

TORCH_DTYPES = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64,
                np.dtype(np.int64): torch.int64, np.dtype(np.int32): torch.int32,
                np.dtype(np.bool_): torch.bool, np.dtype(np.uint8): torch.uint8,
                np.dtype(np.float16): torch.float16, np.dtype(np.int8): torch.int8}


def both(array: np.ndarray, requires_grad: bool = False) -> tuple[str, str]:
    """repr of the same values in minigrad and in torch, torch's name swapped for ours.

    "minigrad" is 3 characters longer than "torch", so a ``dtype=`` suffix that just fits
    on torch's last line goes to a new line in ours (the same rule, applied to the longer
    text). Such a line break before a suffix is made a plain ", " in both strings.
    """
    ours = minigrad.tensor(array, dtype=array.dtype, requires_grad=requires_grad)
    theirs = torch.tensor(array, dtype=TORCH_DTYPES[array.dtype], requires_grad=requires_grad)
    ours, theirs = repr(ours), repr(theirs).replace("torch.", "minigrad.")
    if ours != theirs and "dtype=" in ours:
        ours, theirs = (re.sub(r",\n *(dtype=|requires_grad=|size=)", r", \1", text)
                        for text in (ours, theirs))
    return ours, theirs


def floats(dtype: np.dtype) -> st.SearchStrategy[float]:
    width = {2: 16, 4: 32, 8: 64}[np.dtype(dtype).itemsize]
    magnitudes = st.sampled_from([1e-8, 1e-5, 1e-3, 1.0, 10.0, 1e3, 1e5, 1e9, 1e30])
    scaled = st.builds(lambda m, f: m * f, magnitudes, st.floats(-1, 1, width=width))
    specials = st.sampled_from([0.0, -0.0, np.nan, np.inf, -np.inf, 1.0, -3.0, 2.5])
    return st.one_of(scaled, specials, st.integers(-10**6, 10**6).map(float))


SHAPES = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5)


def _cast(value: float, dtype: np.dtype) -> float:
    with np.errstate(over="ignore"):  # too large for float16: inf, which is a case too
        return np.array(value).astype(dtype).item()


@st.composite
def arrays(draw) -> np.ndarray:
    dtype = np.dtype(draw(st.sampled_from(list(TORCH_DTYPES))))
    shape = draw(SHAPES)
    if dtype.kind == "f":
        elements = floats(dtype).map(lambda v: _cast(v, dtype))
    elif dtype.kind == "b":
        elements = st.booleans()
    else:
        info = np.iinfo(dtype)
        elements = st.integers(max(info.min, -10**12), min(info.max, 10**12))
    return draw(hnp.arrays(dtype, shape, elements=elements))


@settings(max_examples=300, deadline=None)
@given(arrays())
def test_repr_matches_torch(array):
    ours, theirs = both(array)
    assert ours == theirs


@settings(max_examples=40, deadline=None)
@given(arrays(), st.sampled_from([1, 2, 6]), st.sampled_from([0, 1, 3]), st.sampled_from([20, 80]),
       st.sampled_from([None, True, False]))
def test_repr_matches_torch_under_print_options(array, precision, edgeitems, linewidth, sci):
    options = dict(precision=precision, threshold=10, edgeitems=edgeitems,
                   linewidth=linewidth, sci_mode=sci)
    with printoptions(**options), torch_printoptions(**options):
        ours, theirs = both(array)
    assert ours == theirs


class torch_printoptions:
    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def __enter__(self):
        self.saved = torch._tensor_str.get_printoptions()
        torch.set_printoptions(**self.kwargs)

    def __exit__(self, *exc):
        torch.set_printoptions(**self.saved)


@pytest.mark.parametrize("array", [
    np.array([1.0, 2.5], np.float32), np.array([1.0, 2.0], np.float32),
    np.array([-0.003, 1.0], np.float32), np.array([1e-5, 1.0], np.float32),
    np.array([1e9, 1.0], np.float32), np.array(-0.0, np.float32),
    np.array([np.nan, np.inf, -np.inf], np.float32), np.array([np.nan, 1.5], np.float64),
    np.zeros((0,), np.float32), np.zeros((0, 3), np.float32), np.zeros((2, 0), np.int64),
    np.zeros((0,), np.bool_), np.arange(2000, dtype=np.float32).reshape(40, 50) / 7,
    np.arange(1500, dtype=np.int64), np.arange(24, dtype=np.int32).reshape(2, 3, 4),
    np.linspace(-1, 1, 40, dtype=np.float32), np.array([True, False]),
    np.arange(6000, dtype=np.float64).reshape(10, 20, 30),
])
def test_repr_of_chosen_cases(array):
    ours, theirs = both(array)
    assert ours == theirs


def test_repr_with_requires_grad_and_grad_fn():
    ours, theirs = both(np.array([1.0, -2.0], np.float32), requires_grad=True)
    assert ours == theirs == "tensor([ 1., -2.], requires_grad=True)"
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert repr(minigrad.tensor(np.ones(3), requires_grad=True)) == (
        "tensor([1., 1., 1.], dtype=minigrad.float64, requires_grad=True)")


def test_a_dtype_suffix_wraps_by_the_length_of_our_name():
    array = np.array([0.0, 0.0, 1.0, 1001.0])  # torch's one line has 77 characters
    ours = repr(minigrad.tensor(array))
    assert ours == ("tensor([0.0000e+00, 0.0000e+00, 1.0000e+00, 1.0010e+03],\n"
                    "       dtype=minigrad.float64)")
    assert len(repr(torch.tensor(array))) == 77


def test_long_suffixes_wrap_like_torch():
    array = np.linspace(0, 1, 9, dtype=np.float64)
    ours, theirs = both(array, requires_grad=True)
    assert ours == theirs and "\n" in ours


def test_set_printoptions_profiles_and_errors():
    saved = get_printoptions()
    try:
        minigrad.set_printoptions(profile="short")
        assert get_printoptions()["precision"] == 2
        assert repr(minigrad.tensor([1.12345])) == "tensor([1.12])"
        minigrad.set_printoptions(profile="full")
        assert "..." not in repr(minigrad.arange(2000))
        with pytest.raises(ValueError, match="profile"):
            minigrad.set_printoptions(profile="tiny")
    finally:
        minigrad.set_printoptions(**saved)
    assert get_printoptions() == saved


def test_str_and_print_agree_with_repr(capsys):
    t = minigrad.tensor([[1.5, 2.0]])
    print(t)
    assert capsys.readouterr().out == repr(t) + "\n" == str(t) + "\n"


GRAD_FN_NAMES = {
    "mean": lambda L, F, x, y, t: x.mean(), "mean(0)": lambda L, F, x, y, t: x.mean(0),
    "sum(0)": lambda L, F, x, y, t: x.sum(0), "var": lambda L, F, x, y, t: x.var(),
    "std(1)": lambda L, F, x, y, t: x.std(1), "max": lambda L, F, x, y, t: x.max(),
    "max(1)": lambda L, F, x, y, t: x.max(1)[0], "min(0)": lambda L, F, x, y, t: x.min(0)[0],
    "softmax": lambda L, F, x, y, t: x.softmax(1),
    "log_softmax": lambda L, F, x, y, t: F.log_softmax(x, 1),
    "logsumexp": lambda L, F, x, y, t: x.logsumexp(1), "relu": lambda L, F, x, y, t: x.relu(),
    "view": lambda L, F, x, y, t: x.view(12), "flatten": lambda L, F, x, y, t: x.flatten(),
    "unsqueeze": lambda L, F, x, y, t: x.unsqueeze(0),
    "squeeze(0)": lambda L, F, x, y, t: x[None].squeeze(0), "t": lambda L, F, x, y, t: x.t(),
    "transpose": lambda L, F, x, y, t: x.transpose(0, 1),
    "stack": lambda L, F, x, y, t: L.stack([x, x]), "mm": lambda L, F, x, y, t: x @ y.t(),
    "mv": lambda L, F, x, y, t: x @ y[0], "dot": lambda L, F, x, y, t: x[0] @ y[0],
    "mse_loss": lambda L, F, x, y, t: F.mse_loss(x, y),
    "cross_entropy": lambda L, F, x, y, t: F.cross_entropy(x, t),
    "nll_loss": lambda L, F, x, y, t: F.nll_loss(x, t),
    "binary_cross_entropy": lambda L, F, x, y, t: F.binary_cross_entropy(x.sigmoid(),
                                                                         y.sigmoid()),
    "binary_cross_entropy_with_logits": lambda L, F, x, y, t:
        F.binary_cross_entropy_with_logits(x, y.sigmoid()),
    "smooth_l1_loss": lambda L, F, x, y, t: F.smooth_l1_loss(x, y),
    "linear": lambda L, F, x, y, t: F.linear(x, y, y[:, 0] * 0),
}


@pytest.mark.parametrize("name", sorted(GRAD_FN_NAMES))
def test_grad_fn_prints_pytorchs_name(name):
    # print(loss) shows tensor(..., grad_fn=<MseLossBackward0>) in PyTorch's tutorials
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(0).standard_normal((3, 4))
    names = []
    for L in (minigrad, torch):
        x = L.tensor(a, requires_grad=True)
        y, t = L.tensor(a[::-1].copy() * 0.5), L.tensor([0, 1, 2])
        out = GRAD_FN_NAMES[name](L, L.nn.functional, x, y, t)
        names.append(repr(out).rsplit("grad_fn=", 1)[1])
    assert names[0] == names[1]


def test_a_node_prints_as_pytorch_prints_it():
    # print(f"Gradient function for z = {z.grad_fn}") in PyTorch's autograd tutorial
    pattern = r"<MulBackward0 object at 0x[0-9a-f]+>"
    for lib in (minigrad, torch):
        z = lib.ones(2, requires_grad=True) * 2
        assert re.fullmatch(pattern, repr(z.grad_fn)) and str(z.grad_fn) == repr(z.grad_fn)
