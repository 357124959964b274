"""minigrad.distributions.transforms against torch's: forward and inverse values, the log
absolute Jacobian determinant and their gradients, domains, codomains, signs, shapes,
reprs, equality, caching, composition and inversion."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad.distributions import transforms as T
from torch_compare import assert_same, compare

torch = pytest.importorskip("torch")
TT = torch.distributions.transforms
RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 4))
SCALE = RNG.uniform(0.5, 2, 4) * np.array([1, -1, 1, -1])

MAKERS = {  # name: (make(T, lib), input in the domain)
    "exp": (lambda t, lib: t.ExpTransform(), X),
    "affine numbers": (lambda t, lib: t.AffineTransform(1.5, -2.0), X),
    "affine tensors": (lambda t, lib: t.AffineTransform(lib.tensor(X[0]), lib.tensor(SCALE)), X),
    "affine event_dim": (lambda t, lib: t.AffineTransform(0.0, lib.tensor(SCALE), event_dim=1),
                         X),
    "power": (lambda t, lib: t.PowerTransform(lib.tensor(2.5)), np.abs(X) + 0.1),
    "power negative": (lambda t, lib: t.PowerTransform(lib.tensor(-0.5)), np.abs(X) + 0.1),
    "sigmoid": (lambda t, lib: t.SigmoidTransform(), X),
    "tanh": (lambda t, lib: t.TanhTransform(), X),
    "softplus": (lambda t, lib: t.SoftplusTransform(), X),
    "abs": (lambda t, lib: t.AbsTransform(), X),
    "softmax": (lambda t, lib: t.SoftmaxTransform(), X),
    "stick breaking": (lambda t, lib: t.StickBreakingTransform(), X),
    "exp inverse": (lambda t, lib: t.ExpTransform().inv, np.abs(X) + 0.1),
    "compose": (lambda t, lib: t.ComposeTransform([t.TanhTransform(),
                                                   t.AffineTransform(2.0, 3.0)]), X),
    "compose to simplex": (lambda t, lib: t.ComposeTransform([
        t.AffineTransform(0.0, 2.0), t.StickBreakingTransform()]), X),
    "compose empty": (lambda t, lib: t.identity_transform, X),
    "independent": (lambda t, lib: t.IndependentTransform(t.ExpTransform(), 1), X),
}


def _has(transform, name):
    try:
        getattr(transform, name)
        return True
    except (NotImplementedError, ValueError):
        return False


def check_transform(make, x, jacobian=True, constant=False, inverse_input=None):
    """The transform ``make(T or TT, lib)`` agrees with torch's on ``x`` (see the module
    docstring). ``jacobian=False``: both refuse the log-Jacobian; ``constant``: it does
    not depend on x (no gradient); ``inverse_input`` replaces ``t(x)`` as the inverse's
    input."""
    ours, theirs = make(T, minigrad), make(TT, torch)
    assert repr(ours) == repr(theirs)
    assert repr(ours.domain) == repr(theirs.domain)
    assert repr(ours.codomain) == repr(theirs.codomain)
    assert ours.bijective == theirs.bijective
    assert _has(ours, "sign") == _has(theirs, "sign")
    if _has(theirs, "sign"):
        assert np.all(np.asarray(ours.sign) == np.asarray(theirs.sign))
    assert tuple(ours.forward_shape(x.shape)) == tuple(theirs.forward_shape(x.shape))
    compare(torch, lambda lib, a: make(T if lib is minigrad else TT, lib)(a), x)
    y = theirs(torch.tensor(x)).detach().numpy() if inverse_input is None else inverse_input
    assert tuple(ours.inverse_shape(y.shape)) == tuple(theirs.inverse_shape(y.shape))
    compare(torch, lambda lib, b: make(T if lib is minigrad else TT, lib).inv(b), y)
    if not jacobian:
        for t, lib in ((ours, minigrad), (theirs, torch)):
            with pytest.raises(NotImplementedError):
                t.log_abs_det_jacobian(lib.tensor(x), lib.tensor(y))
        return

    def log_det(lib, a):
        t = make(T if lib is minigrad else TT, lib)
        return t.log_abs_det_jacobian(a, t(a))
    compare(torch, log_det, x, grad=not constant)


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_transform_matches_torch(name):
    make, x = MAKERS[name]
    check_transform(make, x, jacobian=name not in ("abs", "softmax"),
                    constant=name.startswith("affine") or name == "compose empty")


def test_equality_matches_torch():
    pairs = [(lambda t: t.ExpTransform(), lambda t: t.ExpTransform()),
             (lambda t: t.AffineTransform(1.0, 2.0), lambda t: t.AffineTransform(1.0, 2.0)),
             (lambda t: t.AffineTransform(1.0, 2.0), lambda t: t.AffineTransform(1.0, 3.0)),
             (lambda t: t.ExpTransform(), lambda t: t.SigmoidTransform()),
             (lambda t: t.ExpTransform().inv, lambda t: t.ExpTransform().inv),
             (lambda t: t.ComposeTransform([t.ExpTransform()]),
              lambda t: t.ComposeTransform([t.ExpTransform()]))]
    for a, b in pairs:
        assert (a(T) == b(T)) == (a(TT) == b(TT))


def test_cache_returns_the_same_tensors_and_inverse_of_inverse_is_itself():
    for t, lib in ((T, minigrad), (TT, torch)):
        exp = t.ExpTransform(cache_size=1)
        x = lib.randn(3)
        y = exp(x)
        assert exp.inv(y) is x and exp(x) is y and exp.inv.inv is exp
        assert t.ExpTransform().with_cache(1)._cache_size == 1
        with pytest.raises(ValueError):
            t.ExpTransform(cache_size=2)
        assert t.SigmoidTransform().inv(t.SigmoidTransform()(lib.tensor([-200.0]))).isfinite()


def test_event_dim_is_ambiguous_for_dimension_changing_transforms():
    for t in (T, TT):
        assert t.AffineTransform(0.0, 1.0, event_dim=2).event_dim == 2
        assert t.StickBreakingTransform().event_dim == 1
        assert t.ComposeTransform([t.ExpTransform(), t.SoftmaxTransform()]).domain.event_dim == 1


def test_stick_breaking_round_trips_onto_the_simplex():
    y = T.StickBreakingTransform()(minigrad.tensor(X))
    assert_same(y.sum(-1), torch.ones(2, dtype=torch.float64))
    np.testing.assert_allclose(T.StickBreakingTransform().inv(y).numpy(), X, rtol=1e-10)
