"""The reshape/cat/stack transforms, the matrix transforms, the cdf transform and
biject_to/transform_to against torch's: values forward and back, log-Jacobians and their
gradients, domains, codomains, shapes and reprs (see test_dist_transforms.py), and which
constraints have which transform."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad.distributions import biject_to, constraints, transform_to
from minigrad.distributions import transforms as T
from test_dist_transforms import check_transform
from torch_compare import compare

torch = pytest.importorskip("torch")
TT = torch.distributions.transforms
TC = torch.distributions.constraints
RNG = np.random.default_rng(2)
X = RNG.standard_normal((2, 6))
SQUARE = RNG.standard_normal((2, 3, 3))
SPD = SQUARE @ SQUARE.transpose(0, 2, 1) + np.eye(3)

MAKERS = {  # name: (make(T, lib), input, options for check_transform)
    "reshape": (lambda t, lib: t.ReshapeTransform((6,), (2, 3)), X, {"constant": True}),
    "cat": (lambda t, lib: t.CatTransform([t.ExpTransform(), t.AffineTransform(1.0, 2.0),
                                           t.SigmoidTransform()], 1, [2, 3, 1]), X, {}),
    "cat batch dim": (lambda t, lib: t.CatTransform([t.ExpTransform(), t.TanhTransform()],
                                                    0), X, {}),
    "cat vector parts": (lambda t, lib: t.CatTransform(
        [t.IndependentTransform(t.ExpTransform(), 1),
         t.IndependentTransform(t.TanhTransform(), 1)], 0), X, {}),
    "stack": (lambda t, lib: t.StackTransform([t.ExpTransform(), t.TanhTransform()], 0), X,
              {}),
    "stack last dim": (lambda t, lib: t.StackTransform(
        [t.ExpTransform(), t.SigmoidTransform(), t.AffineTransform(0.0, 3.0)], -1),
        X[:, :3], {}),
    "lower cholesky": (lambda t, lib: t.LowerCholeskyTransform(), SQUARE,
                       {"jacobian": False}),
    "positive definite": (lambda t, lib: t.PositiveDefiniteTransform(), SQUARE,
                          {"jacobian": False}),
    "corr cholesky": (lambda t, lib: t.CorrCholeskyTransform(), X, {}),
    "cdf normal": (lambda t, lib: t.CumulativeDistributionTransform(
        (minigrad if lib is minigrad else torch).distributions.Normal(
            lib.tensor(0.5), lib.tensor(1.5))), X, {}),
}


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_transform_matches_torch(name):
    make, x, options = MAKERS[name]
    check_transform(make, x, **options)


def test_positive_definite_inverse_goes_through_the_cholesky_factor():
    compare(torch, lambda lib, s: (T if lib is minigrad else TT).PositiveDefiniteTransform()
            .inv(s), SPD)


@pytest.mark.parametrize("shape", [(3,), (2, 1), (4, 4, 2)])
def test_shape_errors_match_torch(shape):
    for method in ("forward_shape", "inverse_shape"):
        raised = []
        for t in (T, TT):
            for transform in (t.CorrCholeskyTransform(), t.ReshapeTransform((2, 2), (4,))):
                try:
                    raised.append(tuple(getattr(transform, method)(shape)))
                except ValueError as exc:
                    raised.append(str(exc).replace("minigrad", "torch"))
        assert raised[:2] == raised[2:]
    with pytest.raises(ValueError, match="different numbers of elements"):
        T.ReshapeTransform((2, 2), (5,))


CONSTRAINTS = {  # name: constraint(c)
    "real": lambda c: c.real, "positive": lambda c: c.positive,
    "nonnegative": lambda c: c.nonnegative, "greater_than": lambda c: c.greater_than(2.0),
    "greater_than_eq": lambda c: c.greater_than_eq(-1.0),
    "less_than": lambda c: c.less_than(1.5), "unit_interval": lambda c: c.unit_interval,
    "interval": lambda c: c.interval(-1.0, 3.0),
    "half_open_interval": lambda c: c.half_open_interval(0.0, 2.0),
    "simplex": lambda c: c.simplex, "lower_cholesky": lambda c: c.lower_cholesky,
    "positive_definite": lambda c: c.positive_definite,
    "positive_semidefinite": lambda c: c.positive_semidefinite,
    "corr_cholesky": lambda c: c.corr_cholesky,
    "independent": lambda c: c.independent(c.positive, 1), "real_vector": lambda c: c.real_vector,
    "cat": lambda c: c.cat([c.real, c.positive], 1, [2, 4]),
    "stack": lambda c: c.stack([c.positive, c.unit_interval], 0),
    "boolean": lambda c: c.boolean, "symmetric": lambda c: c.symmetric,
    "integer_interval": lambda c: c.integer_interval(0, 2),
}
INPUTS = {"lower_cholesky": SQUARE, "positive_definite": SQUARE,
          "positive_semidefinite": SQUARE}


@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
@pytest.mark.parametrize("name", sorted(CONSTRAINTS))
def test_registries_give_torchs_transforms(registry, name):
    ours_registry = {"biject_to": biject_to, "transform_to": transform_to}[registry]
    theirs_registry = getattr(torch.distributions, registry)
    try:
        theirs = theirs_registry(CONSTRAINTS[name](TC))
    except NotImplementedError as exc:
        with pytest.raises(NotImplementedError, match=str(exc)):
            ours_registry(CONSTRAINTS[name](constraints))
        return
    ours = ours_registry(CONSTRAINTS[name](constraints))
    assert repr(ours) == repr(theirs)
    x = INPUTS.get(name, X)
    y = ours(minigrad.tensor(x))
    assert bool(CONSTRAINTS[name](constraints).check(y).all())
    compare(torch, lambda lib, a: (ours if lib is minigrad else theirs)(a), x)


def test_register_extends_a_registry():
    class Odd(constraints.Constraint):
        pass

    with pytest.raises(NotImplementedError, match="Cannot transform Odd constraints"):
        biject_to(Odd())
    biject_to.register(Odd, lambda c: T.ExpTransform())
    try:
        assert isinstance(biject_to(Odd()), T.ExpTransform)
    finally:
        del biject_to._registry[Odd]
    with pytest.raises(TypeError):
        biject_to.register(3, lambda c: T.ExpTransform())
