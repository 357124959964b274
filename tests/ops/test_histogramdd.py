"""``histogramdd`` against torch.histogramdd: counts, weights, densities, edges, dtypes and
the same errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.differential import both_raise, compare, needs_torch

pytestmark = needs_torch


def _points(lib, array, dtype="float64"):
    return lib.tensor(array).to(getattr(lib, dtype))


@st.composite
def _case(draw):
    n = draw(st.integers(1, 3))
    lead = tuple(draw(st.lists(st.integers(0, 6), min_size=1, max_size=2)))
    seed = draw(st.integers(0, 2**16))
    form = draw(st.sampled_from(["int", "ints", "edges"]))
    if form == "int":
        bins = draw(st.integers(1, 4))
    elif form == "ints":
        bins = [draw(st.integers(1, 4)) for _ in range(n)]
    else:
        bins = [np.cumsum(draw(st.lists(st.floats(0.3, 1.5), min_size=2, max_size=5))) - 1.5
                for _ in range(n)]
    given_range = form != "edges" and draw(st.booleans())
    weighted, density = draw(st.booleans()), draw(st.booleans())
    return lead + (n,), seed, bins, given_range, weighted, density


@settings(max_examples=80, deadline=None)
@given(_case(), st.sampled_from(["float64", "float32"]))
def test_matches_torch(case, dtype):
    shape, seed, bins, given_range, weighted, density = case
    rng = np.random.default_rng(seed)
    if isinstance(bins, int) or isinstance(bins[0], int):
        # Equal-width edges may differ from PyTorch's in the last bit (its linspace rounds
        # its own way), so the points keep clear of them: random values, and at least two
        # points (one alone sits on the middle edge of its widened range).
        array = rng.uniform(-1.0, 1.25, size=(max(int(np.prod(shape[:-1])), 2), shape[-1]))
    else:  # given edges are the same in both: points on a grid of quarters hit them
        array = rng.integers(-8, 9, size=shape) / 4.0
    weights = rng.uniform(0.5, 2.0, size=array.shape[:-1])

    def program(lib):
        kwargs = {"density": density}
        if given_range:
            kwargs["range"] = [v for _ in range(shape[-1]) for v in (-1.0, 1.25)]
        if weighted:
            kwargs["weight"] = _points(lib, weights, dtype)
        given = bins if isinstance(bins, int) or isinstance(bins[0], int) else \
            [_points(lib, e, dtype) for e in bins]
        hist, edges = lib.histogramdd(_points(lib, array, dtype), bins=given, **kwargs)
        return hist, list(edges)
    tolerance = 1e-6 if dtype == "float32" else 1e-12
    compare(program, rtol=tolerance, atol=tolerance, requires_grad=False)


def test_a_single_value_widens_the_range_and_fields_have_names():
    def program(lib):
        result = lib.histogramdd(lib.ones(3, 2), bins=2)
        return result.hist, list(result.bin_edges), type(result.bin_edges).__name__
    compare(program)


def test_no_points_and_no_dimensions():
    compare(lambda lib: list(lib.histogramdd(lib.zeros(0, 2), bins=[2, 3])), rtol=1e-6)
    compare(lambda lib: list(lib.histogramdd(lib.zeros(3, 0), bins=[])))


X = [[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [2.0, 2.0]]


@pytest.mark.parametrize("error, call", [
    (RuntimeError, lambda lib, x: lib.histogramdd(x, bins=[2, 3, 4])),
    (RuntimeError, lambda lib, x: lib.histogramdd(x[:, 0], bins=2)),
    (NotImplementedError, lambda lib, x: lib.histogramdd(x.long(), bins=2)),
    (RuntimeError, lambda lib, x: lib.histogramdd(x, bins=2, weight=lib.ones(3))),
    (RuntimeError, lambda lib, x: lib.histogramdd(x, bins=2, weight=lib.ones(4, 1))),
    (RuntimeError, lambda lib, x: lib.histogramdd(x.double(), bins=2, weight=lib.ones(4))),
    (RuntimeError, lambda lib, x: lib.histogramdd(x, bins=2, range=[0.0, 1.0])),
    (RuntimeError, lambda lib, x: lib.histogramdd(x, bins=2, range=[1.0, 0.0, 0.0, 1.0])),
    (RuntimeError, lambda lib, x: lib.histogramdd(x, bins=2,
                                                  range=[0.0, float("inf"), 0.0, 1.0])),
    (RuntimeError, lambda lib, x: lib.histogramdd(x, bins=0)),
    (RuntimeError, lambda lib, x: lib.histogramdd(x, bins=[lib.tensor([0.0]),
                                                           lib.tensor([0.0, 1.0])])),
    (RuntimeError, lambda lib, x: lib.histogramdd(x, bins=[lib.tensor(0.0),
                                                           lib.tensor([0.0, 1.0])])),
    (RuntimeError, lambda lib, x: lib.histogramdd(x, bins=[lib.tensor([0.0, 1.0]).double(),
                                                           lib.tensor([0.0, 1.0])])),
    (RuntimeError, lambda lib, x: lib.histogramdd(lib.tensor([[float("nan"), 1.0]]), bins=2)),
])
def test_errors_match_torch(error, call):
    both_raise(lambda lib: call(lib, lib.tensor(X)), error)
