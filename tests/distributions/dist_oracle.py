"""One distribution, built the same way in minigrad and in torch, compared on everything it
can compute: scores, moments, entropy, cdf/icdf (values, dtypes, shapes), first and second
derivatives with respect to the parameters, shapes, repr, constraints, expand, and the
shapes and dtypes of samples.

A case is ``(build, params, values)``: ``build(D, *leaves)`` makes the distribution from
``D`` (``minigrad.distributions`` or ``torch.distributions``), ``params`` are float64
arrays (made leaves that require grad), and ``values`` is an array to score.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import minigrad
from minigrad import distributions as D
from torch_compare import assert_same

PROPERTIES = ("mean", "mode", "variance", "stddev")
METHODS = ("log_prob", "cdf", "icdf", "entropy")


def _leaves(lib: Any, params: tuple, dtype: Any = None) -> list:
    return [lib.tensor(p, dtype=dtype, requires_grad=p.dtype.kind == "f") if dtype
            else lib.tensor(p, requires_grad=p.dtype.kind == "f") for p in params]


def _outcomes(dist: Any, lib: Any, values: np.ndarray, probabilities: np.ndarray,
              dtype: Any = None) -> dict:
    """name -> result tensor, or the type of the exception it raised."""
    if dtype is not None:
        values, probabilities = values.astype(dtype), probabilities.astype(dtype)
    out = {}
    for name in PROPERTIES + METHODS:
        try:
            if name == "entropy":
                out[name] = dist.entropy()
            elif name == "icdf":
                out[name] = dist.icdf(lib.tensor(probabilities))
            elif name in METHODS:
                out[name] = getattr(dist, name)(lib.tensor(values))
            else:
                out[name] = getattr(dist, name)
        except (NotImplementedError, AttributeError) as exc:
            out[name] = type(exc)
    return out


def compare_distribution(build: Callable, params: tuple, values: np.ndarray,
                         rtol: float = 1e-7, atol: float = 1e-10, second: bool = True,
                         probabilities: np.ndarray | None = None,
                         no_grad: tuple = (), dtype: Any = None) -> None:
    """Everything the distribution computes agrees with torch (see the module docstring).
    ``probabilities`` (for icdf) default to a few points inside (0, 1); ``no_grad`` names
    results whose gradient torch does not implement; ``dtype`` (a NumPy float dtype) casts
    parameters and values (float64 when not given)."""
    import torch
    if probabilities is None:
        probabilities = np.array([0.1, 0.5, 0.85])[:, None] * np.ones(np.shape(values)[-1:])
    if dtype is not None:
        params = tuple(p.astype(dtype) for p in params)
    ours_leaves, theirs_leaves = _leaves(minigrad, params), _leaves(torch, params)
    ours = build(D, *ours_leaves)
    theirs = build(torch.distributions, *theirs_leaves)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)
    assert repr(ours).replace("minigrad", "torch") == repr(theirs)
    assert ours.has_rsample == theirs.has_rsample
    assert repr(ours.support).replace("minigrad", "torch") == repr(theirs.support)
    assert {k: repr(v).replace("minigrad", "torch") for k, v in ours.arg_constraints.items()} \
        == {k: repr(v) for k, v in theirs.arg_constraints.items()}
    assert ours.support.event_dim == theirs.support.event_dim
    assert ours.support.is_discrete == theirs.support.is_discrete
    a, b = _outcomes(ours, minigrad, values, probabilities, dtype), \
        _outcomes(theirs, torch, values, probabilities, dtype)
    differentiable = []
    for name in a:
        if isinstance(b[name], type):
            assert a[name] is b[name] or isinstance(a[name], type), (name, a[name], b[name])
            continue
        assert not isinstance(a[name], type), (name, a[name], b[name])
        assert_same(a[name], b[name], rtol=rtol, atol=atol)
        if b[name].requires_grad and name not in no_grad:
            assert a[name].requires_grad, name
            differentiable.append(name)
    _compare_gradients(a, b, differentiable, ours_leaves, theirs_leaves, rtol, atol, second)


def _compare_gradients(a: dict, b: dict, names: list, ours_leaves: list, theirs_leaves: list,
                       rtol: float, atol: float, second: bool) -> None:
    import torch
    if not names:
        return
    rng = np.random.default_rng(1)
    weights = {n: rng.standard_normal(tuple(b[n].shape)) for n in names}
    ours_total = sum((a[n] * minigrad.tensor(weights[n])).sum() for n in names)
    theirs_total = sum((b[n] * torch.tensor(weights[n])).sum() for n in names)
    wanted = [i for i, t in enumerate(theirs_leaves) if t.requires_grad]
    ours_grads = minigrad.autograd.grad(ours_total, [ours_leaves[i] for i in wanted],
                                        create_graph=second, allow_unused=True)
    theirs_grads = torch.autograd.grad(theirs_total, [theirs_leaves[i] for i in wanted],
                                       create_graph=second, allow_unused=True)
    for g, h in zip(ours_grads, theirs_grads):
        if h is None:
            assert g is None or not np.any(g.numpy()), "torch has no gradient here"
        else:
            assert_same(g, h, rtol=rtol * 10, atol=atol * 10)
    pairs = [(g, h) for g, h in zip(ours_grads, theirs_grads) if h is not None
             and h.requires_grad]
    if not second or not pairs:
        return
    ours_again = minigrad.autograd.grad(sum((g * g).sum() for g, _ in pairs),
                                        [ours_leaves[i] for i in wanted], allow_unused=True)
    theirs_again = torch.autograd.grad(sum((h * h).sum() for _, h in pairs),
                                       [theirs_leaves[i] for i in wanted], allow_unused=True)
    for g, h in zip(ours_again, theirs_again):
        if h is not None:
            assert_same(g, h, rtol=rtol * 100, atol=atol * 100)


def compare_shapes(build: Callable, params: tuple, batch: tuple = (2,)) -> None:
    """float32 parameters give float32 samples of torch's shapes; ``expand`` adds batch
    dims as torch's does; rsample is reparameterised where torch's is."""
    import torch
    torch.manual_seed(0)   # the draw scored below does not depend on the tests run before
    ours = build(D, *[minigrad.tensor(p, dtype=minigrad.float32) for p in params])
    theirs = build(torch.distributions, *[torch.tensor(p, dtype=torch.float32)
                                          for p in params])
    for shape in [(), (4,), (2, 3)]:
        x, y = ours.sample(shape), theirs.sample(shape)
        assert tuple(x.shape) == tuple(y.shape) and str(y.dtype) == f"torch.{x.dtype}"
        assert not x.requires_grad
    bigger = tuple(batch) + tuple(theirs.batch_shape)
    ours_big, theirs_big = ours.expand(bigger), theirs.expand(bigger)
    assert type(ours_big) is type(ours)
    assert tuple(ours_big.batch_shape) == tuple(theirs_big.batch_shape)
    assert tuple(ours_big.event_shape) == tuple(theirs_big.event_shape)
    assert tuple(ours_big.sample().shape) == tuple(theirs_big.sample().shape)
    assert repr(ours_big).replace("minigrad", "torch") == repr(theirs_big)
    draw = theirs_big.sample()
    assert_same(ours_big.log_prob(minigrad.tensor(draw.numpy())), theirs_big.log_prob(draw),
                rtol=1e-5, atol=1e-5)   # float32 scores: rounding of a few ulp of ~10
    if theirs.has_rsample:
        leaves = [minigrad.tensor(p, requires_grad=True) for p in params]
        draw = build(D, *leaves).rsample((3,))
        draw.sum().backward()
        assert all(t.grad is not None for t in leaves)
