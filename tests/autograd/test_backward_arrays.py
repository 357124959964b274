"""Every primitive that has a ``backward_arrays`` rule (used when no graph of the backward
is wanted) must agree with its differentiable ``backward`` (used with create_graph).

Both are checked against central differences by tests/test_primitive_coverage.py (gradcheck
runs the first, gradgradcheck the second); here they are compared with each other directly,
on the same inputs and the same random upstream gradient.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from minigrad.autograd import primitives
from primitive_specs import SPECS

WITH_ARRAY_RULES = sorted(name for name, cls in primitives().items()
                          if cls.backward_arrays is not None)


def test_the_hot_primitives_have_array_rules():
    assert {"add", "sub", "mul", "div", "matmul", "sum", "expand", "reshape", "relu",
            "conv2d"} <= set(WITH_ARRAY_RULES)


def _gradients(case, upstream, create_graph):
    out = case.fn(*case.inputs)
    outs = out if isinstance(out, tuple) else (out,)
    grads = minigrad.autograd.grad(outs, case.inputs, upstream, create_graph=create_graph,
                                   allow_unused=True)
    return [None if g is None else (g.detach().numpy().copy(), g.dtype) for g in grads]


@pytest.mark.parametrize("name", WITH_ARRAY_RULES)
def test_backward_arrays_agrees_with_backward(name):
    @settings(deadline=None)
    @given(case=SPECS[name].cases, seed=st.integers(0, 2**16))
    def check(case, seed):
        out = case.fn(*case.inputs)
        outs = out if isinstance(out, tuple) else (out,)
        rng = np.random.default_rng(seed)
        upstream = [minigrad.tensor(rng.standard_normal(o.shape), dtype=o.dtype) for o in outs]
        plain = _gradients(case, upstream, create_graph=False)
        recorded = _gradients(case, upstream, create_graph=True)
        assert len(plain) == len(recorded)
        for a, b in zip(plain, recorded):
            assert (a is None) == (b is None)
            if a is not None:
                assert a[1] == b[1]
                np.testing.assert_allclose(a[0], b[0], rtol=1e-10, atol=1e-12)

    check()
