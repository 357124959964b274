"""PyTorch's older linear-algebra spellings against torch: linalg.pinv's positional or
keyword ``rcond`` (rtol), linalg.matrix_rank's ``tol`` (atol with rtol 0), their refusal
beside atol/rtol, and the removed top-level solve, lstsq, symeig, eig and matrix_rank,
which raise RuntimeError."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from tests import differential
from tests.differential import both_raise

torch = pytest.importorskip("torch")


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2 ** 16), tolerance=st.floats(0.01, 0.9),
       shape=st.sampled_from([(3, 3), (4, 2), (2, 3, 3)]))
def test_rcond_and_tol_match_torch(seed, tolerance, shape):
    a = np.random.default_rng(seed).standard_normal(shape)
    differential.compare(differential.two_derivatives(
        lambda lib, x: lib.linalg.pinv(x, tolerance), a), rtol=1e-7, atol=1e-9)
    differential.compare(lambda lib: lib.linalg.pinv(lib.tensor(a), rcond=tolerance))
    scale = float(np.abs(a).sum())
    for hermitian in (False, True):
        if hermitian and shape[-1] != shape[-2]:
            continue
        differential.compare(lambda lib: lib.linalg.matrix_rank(
            lib.tensor(a), tolerance * scale, hermitian))
        differential.compare(lambda lib: lib.linalg.matrix_rank(
            lib.tensor(a), tol=tolerance * scale, hermitian=hermitian))


def test_the_older_tolerance_with_atol_or_rtol_is_refused():
    both_raise(lambda lib: lib.linalg.pinv(lib.eye(2), rcond=0.1, atol=0.1), TypeError)
    both_raise(lambda lib: lib.linalg.matrix_rank(lib.eye(2), tol=0.1, rtol=0.1), TypeError)


@pytest.mark.parametrize("call", [lambda lib: lib.solve(lib.eye(2), lib.eye(2)),
                                  lambda lib: lib.lstsq(lib.eye(2), lib.eye(2)),
                                  lambda lib: lib.symeig(lib.eye(2), eigenvectors=True),
                                  lambda lib: lib.eig(lib.eye(2)),
                                  lambda lib: lib.matrix_rank(lib.eye(2))])
def test_removed_functions_raise(call):
    both_raise(call, RuntimeError, "removed")
