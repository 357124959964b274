"""``gradient`` against torch.gradient: values, dtypes, first and second derivatives (in the
samples and in the coordinates), and the same errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.differential import both_raise, compare, f64, needs_torch, two_derivatives

pytestmark = needs_torch


@st.composite
def _case(draw):
    """A shape, the dims asked for (None = all), a spacing form and an edge order."""
    edge_order = draw(st.sampled_from([1, 2]))
    shape = tuple(draw(st.lists(st.integers(edge_order + 1, 5), min_size=1, max_size=3)))
    dims = draw(st.one_of(st.none(), st.permutations(range(len(shape))).flatmap(
        lambda p: st.integers(1, len(p)).map(lambda k: list(p[:k])))))
    counted = list(range(len(shape))) if dims is None else dims
    form = draw(st.sampled_from(["default", "scalar", "numbers", "coordinates"]))
    if form == "default":
        spacing = None
    elif form == "scalar":
        spacing = draw(st.sampled_from([0.5, 2, 3.25]))
    elif form == "numbers":
        spacing = [draw(st.sampled_from([0.25, 1, 1.5])) for _ in counted]
    else:  # increasing coordinates, unevenly spaced
        spacing = [np.cumsum(draw(st.lists(st.floats(0.2, 2.0), min_size=shape[d],
                                           max_size=shape[d]))) for d in counted]
    if dims is not None and len(dims) == 1 and draw(st.booleans()):
        dims = dims[0]  # an int dim
    seed = draw(st.integers(0, 2**16))
    return shape, dims, spacing, edge_order, seed


def _call(lib, x, dims, spacing, edge_order, coordinates):
    kwargs = {"edge_order": edge_order}
    if dims is not None:
        kwargs["dim"] = dims
    if coordinates is not None:
        kwargs["spacing"] = coordinates
    elif spacing is not None:
        kwargs["spacing"] = spacing
    return lib.stack(lib.gradient(x, **kwargs))


@settings(max_examples=60, deadline=None)
@given(_case())
def test_values_and_two_derivatives_match_torch(case):
    shape, dims, spacing, edge_order, seed = case
    values = np.random.default_rng(seed).standard_normal(shape)
    if isinstance(spacing, list) and isinstance(spacing[0], np.ndarray):
        def call(lib, x, *coords):
            return _call(lib, x, dims, None, edge_order, list(coords))
        compare(two_derivatives(call, values, *spacing), rtol=1e-8, atol=1e-9)
    else:
        def call(lib, x):
            return _call(lib, x, dims, spacing, edge_order, None)
        compare(two_derivatives(call, values), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("spacing", [1, 2.5, [2, 1.0], "coordinates"])
def test_dtypes_match_torch(dtype, spacing):
    def program(lib):
        x = lib.tensor(np.arange(12).reshape(3, 4) ** 2).to(getattr(lib, dtype))
        if spacing == "coordinates":
            coords = [lib.tensor([0.0, 1.0, 3.0], dtype=lib.float64), lib.tensor([0, 1, 2, 4])]
            return lib.gradient(x, spacing=coords, edge_order=2)
        return lib.gradient(x, spacing=spacing)
    compare(program, rtol=1e-5, atol=1e-5)  # float32 rounds the one-sided ends


def test_two_samples_with_first_order_edges():
    compare(lambda lib: lib.gradient(f64(lib, [1.0, 3.0]), spacing=0.5))


@pytest.mark.parametrize("kwargs", [{}, {"dim": []}, {"spacing": 2.0}])
def test_nothing_to_differentiate_gives_an_empty_tuple(kwargs):
    compare(lambda lib: lib.gradient(f64(lib, 3.0) if not kwargs.get("dim") == []
                                     else f64(lib, [[1.0, 2.0]]), **kwargs))


def test_a_zero_dimensional_spacing_tensor_is_a_number():
    compare(lambda lib: lib.gradient(f64(lib, [[1.0, 4.0, 9.0]]), spacing=lib.tensor(2.0),
                                     dim=1))


@pytest.mark.parametrize("error, call", [
    (RuntimeError, lambda lib, x: lib.gradient(x, edge_order=3)),
    (RuntimeError, lambda lib, x: lib.gradient(x, edge_order=0)),
    (RuntimeError, lambda lib, x: lib.gradient(x, spacing=[1.0, 2.0, 3.0])),
    (RuntimeError, lambda lib, x: lib.gradient(x, spacing=[1.0, 2.0], dim=1)),
    (RuntimeError, lambda lib, x: lib.gradient(x, spacing=[lib.tensor(1.0)], dim=0)),
    (RuntimeError, lambda lib, x: lib.gradient(x, spacing=[lib.ones(1, 3)], dim=0)),
    (RuntimeError, lambda lib, x: lib.gradient(x, dim=[0, 0])),
    (RuntimeError, lambda lib, x: lib.gradient(x[:, :2], edge_order=2)),
    (RuntimeError, lambda lib, x: lib.gradient(x[:1])),
    (RuntimeError, lambda lib, x: lib.gradient(x > 0)),
    (IndexError, lambda lib, x: lib.gradient(x, dim=2)),
    (IndexError, lambda lib, x: lib.gradient(x, dim=[-3])),
    (IndexError, lambda lib, x: lib.gradient(x.sum(), dim=0)),
    (RuntimeError, lambda lib, x: lib.gradient(x, spacing=[])),
    (TypeError, lambda lib, x: lib.gradient(x, spacing="a")),
])
def test_errors_match_torch(error, call):
    both_raise(lambda lib: call(lib, f64(lib, np.arange(12.0).reshape(3, 4))), error)
