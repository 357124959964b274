"""minigrad/ops/bessel_functions.py: J0, J1, Y0, Y1, the modified I0, I1, K0, K1 (and
scaled K), and the spherical j0, against torch.special over wide ranges with their edge
points (0, -0, negatives, +-inf, NaN, 1e+-300), in float64 and float32, their dtypes,
and that they have no gradient (as in torch); and J, Y against mpmath's arbitrary
precision, since torch's float64 J and Y are off by up to 1e-6 just above x = 5."""
import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

NAMES = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0",
         "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
         "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "spherical_bessel_j0"]
WIDE = np.concatenate([np.linspace(-60, 60, 6001), np.geomspace(1e-300, 1e300, 600),
                       -np.geomspace(1e-300, 1e300, 600), [0.0, -0.0, np.inf, -np.inf, np.nan]])
# torch's float64 J and Y carry absolute errors up to about 1e-6 (near x = 5) and 1e-10
# elsewhere below x = 25; minigrad's are float64 rounding (checked against mpmath below)
ABSOLUTE = {"bessel_j0": 1e-6, "bessel_j1": 1e-6, "bessel_y0": 1e-6, "bessel_y1": 1e-6}


def both(name, x):
    ours = getattr(minigrad.special, name)(minigrad.tensor(x))
    theirs = getattr(torch.special, name)(torch.tensor(x))
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    assert tuple(ours.shape) == tuple(theirs.shape)
    return ours.numpy(), theirs.numpy()


@pytest.mark.parametrize("name", NAMES)
def test_float64_matches_torch(name):
    ours, theirs = both(name, WIDE)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=ABSOLUTE.get(name, 1e-300),
                               equal_nan=True)


@pytest.mark.parametrize("name", NAMES)
def test_float32_matches_torch(name):
    # below 1000 in size (torch reduces float32 arguments of sin and cos in float32) and
    # above float32's subnormals (where torch's float32 logarithm gives inf and NaN)
    x = WIDE[(np.abs(WIDE) < 1000) & ((np.abs(WIDE) > 1e-37) | (WIDE == 0)) |
             ~np.isfinite(WIDE)].astype(np.float32)
    ours, theirs = both(name, x)
    np.testing.assert_allclose(ours, theirs, rtol=2e-5, atol=2e-6, equal_nan=True)


@pytest.mark.parametrize("name", NAMES)
def test_dtypes_no_gradient_and_half(name):
    ours, theirs = both(name, np.array([0, 1, 3]))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    x = minigrad.tensor([0.5, 1.5], requires_grad=True)
    assert not getattr(minigrad.special, name)(x).requires_grad
    with pytest.raises(NotImplementedError, match=name):
        getattr(minigrad.special, name)(minigrad.tensor([1.0], dtype=minigrad.float16))


@pytest.mark.parametrize("name, order, kind", [("bessel_j0", 0, "j"), ("bessel_j1", 1, "j"),
                                               ("bessel_y0", 0, "y"), ("bessel_y1", 1, "y")])
def test_j_and_y_to_float64_rounding_against_mpmath(name, order, kind):
    mpmath = pytest.importorskip("mpmath")
    x = np.concatenate([np.linspace(0.05, 40, 400), [1e-5, 1.999, 2.0, 24.99, 25.01, 99.9]])
    reference = mpmath.besselj if kind == "j" else mpmath.bessely
    expected = np.array([float(reference(order, v)) for v in x])
    ours = getattr(minigrad.special, name)(minigrad.tensor(x)).numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-13, atol=2e-15)  # the rounding of x - pi/4
