"""minigrad/ops/orthogonal_polynomials.py against torch.special: values over x in and out of
[-1, 1] (and +-1, +-inf) and degrees from negative to 1000, truncated float degrees,
broadcasting, dtypes, and that the result has no gradient, as in torch.

Left out on purpose: a NaN x (torch's vectorised kernels return a neighbour's value or
uninitialised memory for it; minigrad returns NaN), and float32 at large degrees, where
both libraries' float32 roundings of arccos(x) or of the recurrence differ by more than
a float32 ulp."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad

torch = pytest.importorskip("torch")

NAMES = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
         "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
         "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
         "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
         "laguerre_polynomial_l", "legendre_polynomial_p"]
X = np.concatenate([np.linspace(-3, 3, 301), [-1, 1, 0, 0.5, np.inf, -np.inf, 1 - 1e-16,
                                              -1 + 1e-16]])
N = np.array([-3, -1, 0, 1, 2, 3, 5, 6, 7, 8, 9, 12, 20, 50, 100, 1000, 2.7, -0.5])


def both(name, x, n):
    ours = getattr(minigrad.special, name)(x if np.isscalar(x) else minigrad.tensor(x),
                                           n if np.isscalar(n) else minigrad.tensor(n))
    theirs = getattr(torch.special, name)(x if np.isscalar(x) else torch.tensor(x),
                                          n if np.isscalar(n) else torch.tensor(n))
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    assert tuple(ours.shape) == tuple(theirs.shape)
    return ours.numpy(), theirs.numpy()


@pytest.mark.parametrize("name", NAMES)
def test_float64_grid_matches_torch(name):
    ours, theirs = both(name, X[:, None], N[None, :])
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=25, deadline=None)
@given(x=st.lists(st.floats(-2, 2, width=32), min_size=1, max_size=6),
       n=st.lists(st.integers(-2, 6), min_size=1, max_size=4))
def test_float32_small_degrees_match_torch(name, x, n):
    x32 = np.array(x, dtype=np.float32)[:, None]
    ours, theirs = both(name, x32, np.array(n, dtype=np.float32)[None, :])
    scale = np.abs(theirs).max(initial=1.0)  # cancellation near roots: a float32 ulp of it
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5 * scale)


@pytest.mark.parametrize("name", NAMES)
def test_dtypes_scalars_and_no_gradient(name):
    for x, n in [(np.array([1, 2]), 3), (np.array([1, 2]), np.array(3)),
                 (np.array([0.5, 2.0]), 3.5), (np.array([0.5], dtype=np.float32), np.array(3.0)),
                 (np.array([0.5]), np.array([3], dtype=np.int32)), (2.0, np.array([3, 4])),
                 (np.array([0.25, 0.5], dtype=np.float32), np.array(4.0, dtype=np.float64))]:
        ours, theirs = both(name, x, n)
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    x = minigrad.tensor([0.5, 1.5], requires_grad=True)
    assert not getattr(minigrad.special, name)(x, 3).requires_grad
    with pytest.raises(RuntimeError):
        getattr(minigrad.special, name)(minigrad.ones(2), minigrad.ones(3))
