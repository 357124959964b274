"""A second-derivative check for the conv and pooling tests, independent of gradgradcheck."""
from __future__ import annotations

import numpy as np

from minigrad.autograd import engine
from minigrad.tensor import Tensor


# A Hessian-vector check: the gradient g(inputs, v) = v^T J is built with
# create_graph=True, s = <g, u> for a random u, and d s / d(inputs, v) from autograd is
# compared with central differences of s, every evaluation with grad mode on.
def double_backward_check(fn, inputs, seed=0, eps=1e-6, atol=1e-6, rtol=1e-4):
    rng = np.random.default_rng(seed)
    v = Tensor(rng.standard_normal(fn(*inputs).shape), requires_grad=True)
    everything = list(inputs) + [v]
    us = [rng.standard_normal(t.shape) for t in inputs]

    def s_of():
        grads = engine.grad(fn(*inputs), list(inputs), v, create_graph=True,
                            allow_unused=True)
        terms = [(g * Tensor(u)).sum() for g, u in zip(grads, us) if g is not None]
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return total

    analytic = engine.grad(s_of(), everything, allow_unused=True)
    for t, a in zip(everything, analytic):
        original, numerical = t._data, np.zeros(t.shape)
        try:
            for k in range(original.size):
                values = []
                for step in (eps, -eps):
                    moved = np.array(original, copy=True)
                    moved.flat[k] += step
                    t._data = moved
                    values.append(float(s_of().item()))
                numerical.flat[k] = (values[0] - values[1]) / (2 * eps)
        finally:
            t._data = original
        got = np.zeros(t.shape) if a is None else a.numpy()
        np.testing.assert_allclose(got, numerical, atol=atol, rtol=rtol)
