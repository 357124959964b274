"""minigrad.distributions.constraints against torch.distributions.constraints: the same
names, reprs, event_dim and is_discrete, and the same ``check`` results on values inside,
on the edge of and outside each set."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad.distributions import constraints as C
from torch_compare import assert_same

torch = pytest.importorskip("torch")
TC = torch.distributions.constraints
RNG = np.random.default_rng(0)

SCALARS = np.array([-2.0, -1.0, -0.5, 0.0, 0.3, 1.0, 1.5, 2.0, 3.0, np.nan, np.inf])
VECTORS = np.array([[0.2, 0.8, 0.0], [0.5, 0.6, -0.1], [0.0, 1.0, 0.0], [1.0, 1.0, 1.0],
                    [0.3, 0.3, 0.4], [2.0, 0.0, 1.0]])
A = RNG.standard_normal((3, 3))
MATRICES = np.stack([A @ A.T + np.eye(3), np.linalg.cholesky(A @ A.T + np.eye(3)), A,
                     -np.eye(3), np.zeros((3, 3)), np.diag([1.0, 0.0, 2.0]),
                     np.tril(A) - 5 * np.eye(3), np.linalg.cholesky(np.corrcoef(
                         RNG.standard_normal((3, 10))))])

CASES = {  # name: (make(C) -> constraint, values)
    "real": (lambda c: c.real, SCALARS),
    "boolean": (lambda c: c.boolean, SCALARS),
    "positive": (lambda c: c.positive, SCALARS),
    "nonnegative": (lambda c: c.nonnegative, SCALARS),
    "unit_interval": (lambda c: c.unit_interval, SCALARS),
    "nonnegative_integer": (lambda c: c.nonnegative_integer, SCALARS),
    "positive_integer": (lambda c: c.positive_integer, SCALARS),
    "interval": (lambda c: c.interval(-1.0, 1.5), SCALARS),
    "half_open_interval": (lambda c: c.half_open_interval(-1.0, 1.5), SCALARS),
    "greater_than": (lambda c: c.greater_than(1.0), SCALARS),
    "greater_than_eq": (lambda c: c.greater_than_eq(1.0), SCALARS),
    "less_than": (lambda c: c.less_than(1.0), SCALARS),
    "integer_interval": (lambda c: c.integer_interval(0, 2), SCALARS),
    "real_vector": (lambda c: c.real_vector, VECTORS),
    "independent": (lambda c: c.independent(c.positive, 1), VECTORS),
    "simplex": (lambda c: c.simplex, VECTORS),
    "one_hot": (lambda c: c.one_hot, VECTORS),
    "multinomial": (lambda c: c.multinomial(2), VECTORS),
    "lower_triangular": (lambda c: c.lower_triangular, MATRICES),
    "lower_cholesky": (lambda c: c.lower_cholesky, MATRICES),
    "corr_cholesky": (lambda c: c.corr_cholesky, MATRICES),
    "square": (lambda c: c.square, MATRICES),
    "symmetric": (lambda c: c.symmetric, MATRICES),
    "positive_semidefinite": (lambda c: c.positive_semidefinite, MATRICES),
    "positive_definite": (lambda c: c.positive_definite, MATRICES),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_check_repr_and_attributes_match_torch(name, dtype):
    make, values = CASES[name]
    ours, theirs = make(C), make(TC)
    assert repr(ours) == repr(theirs)
    assert ours.event_dim == theirs.event_dim and ours.is_discrete == theirs.is_discrete
    assert_same(ours.check(minigrad.tensor(values, dtype=getattr(minigrad, dtype))),
                theirs.check(torch.tensor(values, dtype=getattr(torch, dtype))))


def test_every_public_torch_constraint_name_exists():
    missing = [n for n in TC.__all__ if not hasattr(C, n)]
    assert missing == []


def test_tensor_bounds_broadcast_and_show_as_torch_shows_them():
    low = np.array([0.0, 1.0, 2.0])
    ours = C.interval(minigrad.tensor(low), minigrad.tensor(low + 1))
    theirs = TC.interval(torch.tensor(low), torch.tensor(low + 1))
    values = np.array([[0.5, 0.5, 2.5], [1.0, 2.5, 3.0]])
    assert_same(ours.check(minigrad.tensor(values)), theirs.check(torch.tensor(values)))
    assert repr(C.greater_than(minigrad.tensor(2.0))) == repr(TC.greater_than(torch.tensor(2.0)))


def test_cat_and_stack_check_their_slices():
    values = np.array([[0.5, -1.0, 2.0], [-0.5, 1.0, 0.0]])
    for make in (lambda c: c.cat([c.positive, c.real], dim=1, lengths=[1, 2]),
                 lambda c: c.stack([c.positive, c.real, c.nonnegative], dim=1)):
        assert_same(make(C).check(minigrad.tensor(values)), make(TC).check(torch.tensor(values)))


def test_dependent_constraints_cannot_be_checked():
    assert C.is_dependent(C.dependent) and not C.is_dependent(C.real)
    assert TC.is_dependent(TC.dependent)
    for c in (C, TC):
        with pytest.raises(ValueError):
            c.dependent.check(minigrad.ones(2) if c is C else torch.ones(2))
        with pytest.raises(NotImplementedError):
            c.dependent.event_dim
        assert c.dependent(is_discrete=True, event_dim=1).event_dim == 1


def test_independent_needs_enough_dims():
    for c, lib in ((C, minigrad), (TC, torch)):
        with pytest.raises(ValueError):
            c.independent(c.real, 2).check(lib.ones(3))
