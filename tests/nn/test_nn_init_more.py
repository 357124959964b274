"""nn.init.dirac_ and nn.init.sparse_ (and their deprecated spellings) against PyTorch:
dirac_'s values exactly, sparse_'s zeros per column and spread, and the errors."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import minigrad
from differential import compare

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("shape, groups", [((4, 2, 3), 1), ((4, 2, 3), 2), ((3, 5, 3, 3), 1),
                                           ((6, 2, 2, 4), 3), ((2, 3, 1, 3, 3), 1),
                                           ((5, 5, 3), 5)])
def test_dirac_matches_torch(shape, groups):
    def program(L):
        w = L.empty(shape, requires_grad=True)
        out = L.nn.init.dirac_(w, groups)
        return out is w, w.requires_grad, w.detach()
    compare(program)
    x = np.random.default_rng(0).standard_normal((2, shape[1] * groups, *[7] * (len(shape) - 2)))
    conv = {3: "conv1d", 4: "conv2d", 5: "conv3d"}[len(shape)]

    def passes_through(L):
        w = L.nn.init.dirac_(L.empty(shape[0], shape[1], *shape[2:], dtype=L.float64), groups)
        return getattr(L.nn.functional, conv)(L.tensor(x), w, padding="same", groups=groups)
    compare(passes_through)


@pytest.mark.parametrize("code", ["L.nn.init.dirac_(L.empty(3, 3))",
                                  "L.nn.init.dirac_(L.empty(3, 2, 3), groups=2)",
                                  "L.nn.init.sparse_(L.empty(3), 0.5)",
                                  "L.nn.init.sparse_(L.empty(2, 2, 2), 0.5)"])
def test_init_refuses_as_torch(code):
    compare(lambda L: eval(code), code)


@pytest.mark.parametrize("rows, sparsity", [(10, 0.1), (10, 0.35), (7, 0.0), (5, 1.0)])
def test_sparse_zeroes_the_same_count_per_column_as_torch(rows, sparsity):
    def program(L):
        w = L.empty(rows, 400, dtype=L.float64)
        out = L.nn.init.sparse_(w, sparsity, std=0.5)
        zeros_per_column = (w == 0).sum(0)
        spread = float(w[w != 0].std()) if bool((w != 0).any()) else 0.0
        return (out is w, sorted(set(zeros_per_column.tolist())),
                abs(spread - 0.5) < 0.05 or spread == 0.0)
    compare(program)
    assert math.ceil(sparsity * rows) == int((minigrad.nn.init.sparse_(
        minigrad.empty(rows, 3), sparsity) == 0).sum(0)[0])


def test_sparse_takes_a_generator_and_the_old_names_warn():
    g = minigrad.Generator().manual_seed(3)
    a = minigrad.nn.init.sparse_(minigrad.empty(6, 4), 0.5, generator=g).clone()
    b = minigrad.nn.init.sparse_(minigrad.empty(6, 4), 0.5,
                                 generator=minigrad.Generator().manual_seed(3))
    assert minigrad.equal(a, b)
    for lib in (minigrad, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.nn.init.dirac(lib.empty(2, 2, 3))
            lib.nn.init.sparse(lib.empty(2, 2), 0.5)
        assert [w.category for w in caught] == [FutureWarning, FutureWarning]
