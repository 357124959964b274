"""LBFGS against torch.optim.LBFGS on hypothesis-drawn problems and settings.

Each run records every loss the closure sees, the value each ``step`` returns, the final
parameters and the optimizer state (keys, the kind of every value, down to the list
entries, and the values), in float64, for both line searches. The strong-Wolfe search is
also compared on its own with PyTorch's ``_strong_wolfe`` on random functions of one
variable, trial by trial and exactly.
"""
from __future__ import annotations

import contextlib
import io
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import minigrad
from minigrad.optim.line_search import cubic_minimizer, strong_wolfe

torch = pytest.importorskip("torch")
from torch.optim.lbfgs import _cubic_interpolate, _strong_wolfe  # noqa: E402

# Float64 values agree to RTOL / ATOL, or to DRIFT times the distance between PyTorch's run
# and PyTorch's run perturbed by rounding alone (started one ulp away, or rounding its dot
# products, square roots and steps as NumPy does), where that is larger: over many iterations, and in the two-loop's
# cancellations, L-BFGS amplifies rounding (NumPy and PyTorch sum dot products in
# different orders), and PyTorch's own sensitivity measures what "to rounding" means.
RTOL, ATOL, DRIFT = 1e-8, 1e-12, 100
# The state near convergence holds tiny gradients and their differences (y, 1 / (y . s),
# the alphas), whose last digits are the rounding of much larger terms: compared to 1e-6
# of each entry's largest value.
STATE_RTOL = 1e-6


# --- problems ----------------------------------------------------------------------------
@dataclass
class Problem:
    """Starting values of the parameters, constant arrays, and the loss written once for
    both libraries: ``loss(lib, params, consts)``."""

    starts: list[np.ndarray]
    consts: list[np.ndarray]
    loss: Callable[[Any, list, list], Any]
    label: str = ""

    def __repr__(self) -> str:  # how hypothesis reports a failing example
        return self.label or super().__repr__()


def _quadratic_loss(lib, params, consts):
    X, v, _unused = params
    A, b = consts
    z = lib.cat([X.reshape(-1), v])
    return 0.5 * (z @ (A @ z)) - b @ z


def _rosenbrock_loss(lib, params, consts):
    (x,) = params
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def _mlp_loss(lib, params, consts):
    W1, b1, W2 = params
    X, y = consts
    return ((lib.tanh(X @ W1 + b1) @ W2 - y) ** 2).mean()


@st.composite
def problems(draw) -> Problem:
    """A random convex quadratic over a (2, 3) matrix and a 4-vector (plus a parameter the
    loss never uses, so its gradient stays None), an n-D Rosenbrock function from a random
    start, or a small tanh network fitted to random data."""
    kind = draw(st.sampled_from(["quadratic", "rosenbrock", "mlp"]))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    size = draw(st.integers(2, 6))
    return make_problem(kind, seed, size, draw(st.floats(0.1, 5.0)))


def make_problem(kind: str, seed: int, size: int = 3, shift: float = 1.0) -> Problem:
    """``size`` is the Rosenbrock dimension or the network's hidden width; ``shift`` the
    quadratic's smallest curvature, about."""
    rng = np.random.default_rng(seed)
    label = f"make_problem({kind!r}, {seed}, {size}, {shift!r})"
    if kind == "quadratic":
        M = rng.standard_normal((10, 10))
        return Problem([rng.standard_normal((2, 3)), rng.standard_normal(4), np.ones(2)],
                       [M @ M.T + shift * np.eye(10), rng.standard_normal(10)],
                       _quadratic_loss, label)
    if kind == "rosenbrock":
        return Problem([rng.uniform(-2.0, 2.0, size)], [], _rosenbrock_loss, label)
    X = rng.standard_normal((12, 3))
    return Problem([rng.standard_normal((3, size)) * 0.7, rng.standard_normal(size) * 0.1,
                    rng.standard_normal((size, 1)) * 0.7],
                   [X, np.sin(X.sum(1, keepdims=True))], _mlp_loss, label)


options = st.fixed_dictionaries({
    "lr": st.sampled_from([1, 1.0, 0.5, 0.1, 2.0]),
    "max_iter": st.integers(1, 8),
    "max_eval": st.one_of(st.none(), st.integers(1, 12)),
    "tolerance_grad": st.sampled_from([1e-7, 1e-5, 1e-2]),
    "tolerance_change": st.sampled_from([1e-9, 1e-6, 1e-3]),
    "history_size": st.integers(1, 6),
    "line_search_fn": st.sampled_from([None, "strong_wolfe"]),
})


# --- running and comparing ---------------------------------------------------------------
@dataclass
class Run:
    losses: list[float]
    returned: list[tuple[str, float]]
    params: list[np.ndarray]
    optimizer: Any

    @property
    def state(self) -> dict:
        return self.optimizer.state[self.optimizer.param_groups[0]["params"][0]]


def _start(lib, problem: Problem, kwargs: dict, dtype=np.float64):
    params = [lib.tensor(a.astype(dtype), requires_grad=True) for a in problem.starts]
    return params, lib.optim.LBFGS(params, **kwargs)


def _run(lib, problem: Problem, kwargs: dict, steps: int, dtype=np.float64,
         return_float: bool = False, params=None, optimizer=None) -> Run:
    """``steps`` calls of ``step(closure)``; the closure returns the loss tensor (or its
    float)."""
    if params is None:
        params, optimizer = _start(lib, problem, kwargs, dtype)
    consts = [lib.tensor(c.astype(dtype)) for c in problem.consts]
    losses = []

    def closure():
        optimizer.zero_grad()
        loss = problem.loss(lib, params, consts)
        loss.backward()
        losses.append(loss.item())
        return loss.item() if return_float else loss

    returned = []
    for _ in range(steps):
        result = optimizer.step(closure)
        returned.append((type(result).__name__, float(result)))
    return Run(losses, returned, [p.detach().numpy().copy() for p in params], optimizer)


def _kind(value: Any) -> Any:
    """What a state value is, the same word for both libraries' tensors."""
    if isinstance(value, (torch.Tensor, minigrad.Tensor)):
        return ("Tensor", str(value.dtype).replace("torch.", ""), tuple(value.shape))
    if isinstance(value, list):
        return ["list"] + [_kind(v) for v in value]
    return type(value).__name__


def _numbers(value: Any) -> np.ndarray:
    if isinstance(value, list):
        return np.array([x for v in value for x in _numbers(v)])
    if value is None:
        return np.zeros(0)
    if isinstance(value, (torch.Tensor, minigrad.Tensor)):
        return np.asarray(value.detach().numpy(), dtype=np.float64).ravel()
    return np.array([float(value)])


def _nudged(problem: Problem) -> Problem:
    """The problem started one ulp away, to measure how much PyTorch's own run moves."""
    return Problem([np.nextafter(a, np.inf) for a in problem.starts], problem.consts,
                   problem.loss, problem.label + " nudged")


def assert_close(name: str, ours: Any, theirs: Any, drift: Any = None, running=False,
                 rtol: float = RTOL, atol: float = ATOL) -> None:
    """``ours`` is within ``rtol``/``atol`` of ``theirs``, or within ``DRIFT`` times the
    ``drift`` of PyTorch's own run started one ulp away, where that is larger. A sequence
    (``running``: the losses) is compared entry by entry, against the running maximum of
    the drift; an array (a parameter, a state entry) as a whole, relative to its largest
    entry: entries such as the two-loop's alphas are small differences of large products,
    so their own size is no measure of their rounding."""
    ours, theirs = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    assert ours.shape == theirs.shape, name
    if not theirs.size:
        return
    allowed = rtol * (np.abs(theirs) if running else np.abs(theirs).max()) + atol
    if drift is not None:
        drift = np.asarray(drift, np.float64)
        allowed = allowed + DRIFT * (np.maximum.accumulate(drift) if running else drift.max())
    bad = ~(np.abs(ours - theirs) <= allowed)
    assert not bad.any(), (f"{name}: {bad.sum()} of {bad.size} differ; first at "
                           f"{np.argmax(bad)}: {ours[bad][:3]!r} vs {theirs[bad][:3]!r}, "
                           f"allowed {np.broadcast_to(allowed, bad.shape)[bad][:3]!r}")


def _drift(theirs: Any, others: list) -> np.ndarray | None:
    """How far PyTorch's perturbed runs (``others``) land from ``theirs``, entry by entry."""
    if not others:
        return None
    theirs = np.asarray(theirs, np.float64)
    return np.max([np.abs(np.asarray(o, np.float64) - theirs) for o in others], axis=0)


def assert_same_state(ours: dict, theirs: dict, others: tuple = (),
                      rtol: float = STATE_RTOL) -> None:
    assert list(ours) == list(theirs)
    for key in theirs:
        assert _kind(ours[key]) == _kind(theirs[key]), key
        expected = _numbers(theirs[key])
        # 'al' is the two-loop recursion's scratch, a near-cancelling sum of the chaotic
        # last iterate: over long runs it drifts more than the perturbed runs show, so
        # it gets ten times the others' allowance (its kind and shape are still exact)
        scale = 10 if key == "al" else 1
        drift = _drift(expected, [_numbers(o[key]) for o in others])
        assert_close(key, _numbers(ours[key]), expected,
                     None if drift is None else scale * drift, rtol=scale * rtol)


def assert_same_run(ours: Run, theirs: Run, others: tuple = ()) -> None:
    """Same closure losses (and as many), step results, parameters and state. With
    ``others``, perturbed runs of PyTorch, the tolerance grows with their drift."""
    for other in others:  # rounding alone changes this run's path: nothing to compare
        assume(len(other.losses) == len(theirs.losses))
        assume(all(_kind(other.state[k]) == _kind(v) for k, v in theirs.state.items()))
    assert len(ours.losses) == len(theirs.losses), (ours.losses, theirs.losses)
    loss_drift = _drift(theirs.losses, [o.losses for o in others])
    assert_close("losses", ours.losses, theirs.losses, loss_drift, running=True)
    assert [r[0] for r in ours.returned] == [r[0] for r in theirs.returned]
    assert_close("returned", [r[1] for r in ours.returned], [r[1] for r in theirs.returned],
                 loss_drift)
    for i, (a, b) in enumerate(zip(ours.params, theirs.params)):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert_close(f"param {i}", a, b, _drift(b, [o.params[i] for o in others]))
    assert_same_state(ours.state, theirs.state, tuple(o.state for o in others))


@contextlib.contextmanager
def _numpy_rounding():
    """PyTorch computing its float64 dot products with NumPy's ``dot``, its square roots
    correctly rounded and its steps ``p + t * d`` without a fused multiply-add: a run
    whose only changes are the rounding choices in which the two libraries legitimately
    differ (summation order, PyTorch's inexact ``sqrt``, FMA)."""
    dot = torch.Tensor.dot

    def numpy_dot(a, b):
        if a.dtype != torch.float64:
            return dot(a, b)
        return torch.tensor(np.dot(a.detach().numpy(), b.detach().numpy()))

    def unfused_add_grad(self, step, update):
        offset = 0
        for p in self._params:
            p.add_((step * update[offset:offset + p.numel()]).view_as(p))
            offset += p.numel()

    with _correctly_rounded_sqrt(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(torch.Tensor, "dot", numpy_dot)
        patch.setattr(torch.optim.LBFGS, "_add_grad", unfused_add_grad)
        yield


def _perturbed_runs(problem: Problem, kwargs: dict, steps: int, **run_options) -> tuple:
    """PyTorch started one ulp away, and PyTorch with NumPy's rounding: how much rounding
    alone moves this run."""
    nudged = _run(torch, _nudged(problem), kwargs, steps, **run_options)
    with _numpy_rounding():
        numpy_rounded = _run(torch, problem, kwargs, steps, **run_options)
    return nudged, numpy_rounded


def _compare(problem: Problem, kwargs: dict, steps: int, our_kwargs: dict | None = None,
             **run_options) -> Run:
    """Run both libraries and PyTorch perturbed, compare, and return our run."""
    ours = _run(minigrad, problem, kwargs if our_kwargs is None else our_kwargs, steps,
                **run_options)
    theirs = _run(torch, problem, kwargs, steps, **run_options)
    assert_same_run(ours, theirs, _perturbed_runs(problem, kwargs, steps, **run_options))
    return ours


# --- whole runs ----------------------------------------------------------------------------
@given(problem=problems(), kwargs=options, steps=st.integers(1, 3))
def test_runs_match_torch(problem, kwargs, steps):
    _compare(problem, kwargs, steps)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@settings(derandomize=True, max_examples=15)
@given(problem=problems(), steps=st.integers(2, 4))
def test_long_runs_with_defaults_match_torch(line_search_fn, problem, steps):
    """The default settings (20 iterations, 25 evaluations) over several steps. Long runs
    are chaotic: rarely, a drawn problem drifts further than the perturbed PyTorch runs
    predict, so the examples are a fixed draw (the same in every run of the suite)."""
    _compare(problem, dict(line_search_fn=line_search_fn), steps)


@given(problem=problems(), kwargs=options)
def test_closure_returning_a_float(problem, kwargs):
    """``step`` hands back what the closure returned: here a Python float."""
    ours = _compare(problem, kwargs, 2, return_float=True)
    assert [r[0] for r in ours.returned] == ["float", "float"]


@given(problem=problems(), kwargs=options, before=st.integers(1, 2), after=st.integers(1, 2))
def test_state_dict_saved_and_loaded_continues_like_torch(problem, kwargs, before, after):
    """Stop after ``before`` steps, save ``state_dict()`` with ``minigrad.save`` (no
    pickle), load it into a new optimizer over new parameters and go on: the same as
    PyTorch's uninterrupted run."""
    first = _run(minigrad, problem, kwargs, before)
    buffer = io.BytesIO()
    minigrad.save(first.optimizer.state_dict(), buffer)
    buffer.seek(0)
    saved = minigrad.load(buffer)
    resumed = Problem(first.params, problem.consts, problem.loss, "resumed")
    params, optimizer = _start(minigrad, resumed, kwargs)
    optimizer.load_state_dict(saved)
    assert_same_state(optimizer.state[params[0]], first.state, rtol=0)
    second = _run(minigrad, resumed, kwargs, after, params=params, optimizer=optimizer)
    ours = Run(first.losses + second.losses, first.returned + second.returned,
               second.params, second.optimizer)
    theirs = _run(torch, problem, kwargs, before + after)
    assert_same_run(ours, theirs, _perturbed_runs(problem, kwargs, before + after))
    assert optimizer.state_dict()["param_groups"] == \
        theirs.optimizer.state_dict()["param_groups"]


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@given(problem=problems())
def test_float32_stays_float32(line_search_fn, problem):
    """float32 parameters: every state tensor and every parameter stays float32, and a
    short run stays near PyTorch's (float32 rounding differs by summation order)."""
    kwargs = dict(max_iter=3, line_search_fn=line_search_fn)
    ours = _run(minigrad, problem, kwargs, 1, dtype=np.float32)
    theirs = _run(torch, problem, kwargs, 1, dtype=np.float32)
    assert all(p.dtype == np.float32 for p in ours.params)
    assert list(ours.state) == list(theirs.state)
    for key in theirs.state:
        assert _kind(ours.state[key]) == _kind(theirs.state[key]), key
    np.testing.assert_allclose(ours.losses[:3], theirs.losses[:3], rtol=1e-3, atol=1e-5)


# --- the line search alone -----------------------------------------------------------------
@dataclass
class Slice:
    """A smooth random function of one variable (a quartic plus a sine), searched from
    ``x`` along ``d``. One variable, so that the slopes ``g . d`` are single products and
    both libraries compute every number in the search the same way."""

    coef: np.ndarray  # c4, c2, c1, amplitude, frequency
    x: np.ndarray
    d: np.ndarray

    def value_and_grad(self, z: np.ndarray) -> tuple[float, np.ndarray]:
        c4, c2, c1, amp, freq = self.coef
        f = c4 * z ** 4 + c2 * z ** 2 + c1 * z + amp * np.sin(freq * z)
        g = 4 * c4 * z ** 3 + 2 * c2 * z + c1 + amp * freq * np.cos(freq * z)
        return float(f.sum()), g


@st.composite
def slices(draw) -> Slice:
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    coef = np.array([rng.uniform(0.01, 1.0), rng.uniform(-2, 2), rng.uniform(-2, 2),
                     rng.uniform(0, 1), rng.uniform(0.5, 8)])
    x = rng.uniform(-2, 2, 1)
    g = Slice(coef, x, x).value_and_grad(x)[1]
    return Slice(coef, x, -np.sign(g) * rng.uniform(0.1, 3.0, 1))


@contextlib.contextmanager
def _correctly_rounded_sqrt():
    """PyTorch's CPU ``sqrt`` of a 0-d float64 tensor can be one ulp off the correctly
    rounded root that NumPy computes (``sqrt(8951.854659773328)``), and the cubic step
    takes one root; the exact comparisons give PyTorch a correctly rounded one."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(torch.Tensor, "sqrt", lambda self: torch.tensor(math.sqrt(float(self)),
                                                                      dtype=self.dtype))
        yield


def _scalar_kind(value: Any) -> str:
    if isinstance(value, (torch.Tensor, np.generic)):
        return "tensor"
    return type(value).__name__


@given(s=slices(), t=st.floats(1e-3, 1e3), max_ls=st.integers(0, 25),
       tolerance_change=st.sampled_from([1e-9, 1e-4]))
def test_strong_wolfe_matches_torch_exactly(s, t, max_ls, tolerance_change):
    """Both searches see the same NumPy objective: the steps they try, and what they
    return (including whether the step is a 0-d tensor or a Python number), are equal
    to the last bit."""
    f, g = s.value_and_grad(s.x)
    gtd = g.dot(s.d)
    tried = {"ours": [], "theirs": []}

    def phi(step):
        tried["ours"].append(float(step))
        return s.value_and_grad(s.x + float(step) * s.d)

    def obj_func(x, step, d):
        tried["theirs"].append(float(step))
        f_new, g_new = s.value_and_grad(s.x + float(step) * s.d)
        return f_new, torch.from_numpy(g_new)

    ours = strong_wolfe(phi, t, s.d, f, g, gtd, tolerance_change=tolerance_change,
                        max_ls=max_ls)
    with _correctly_rounded_sqrt():
        theirs = _strong_wolfe(obj_func, torch.from_numpy(s.x), t, torch.from_numpy(s.d), f,
                               torch.from_numpy(g), torch.tensor(gtd),
                               tolerance_change=tolerance_change, max_ls=max_ls)
    assert tried["ours"] == tried["theirs"]
    assert ours[3] == theirs[3] == len(tried["ours"])
    assert ours[0] == theirs[0] and float(ours[2]) == float(theirs[2])
    assert _scalar_kind(ours[2]) == _scalar_kind(theirs[2])
    np.testing.assert_array_equal(ours[1], theirs[1].numpy())


@given(values=st.lists(st.floats(-10, 10), min_size=6, max_size=6),
       bounded=st.booleans())
def test_cubic_minimizer_matches_torch(values, bounded):
    x1, f1, g1, x2, f2, g2 = values
    if x1 == x2:
        x2 = x1 + 1.0
    bounds = (min(x1, x2) - 1.0, max(x1, x2) + 2.0) if bounded else None
    g1t, g2t = torch.tensor(g1, dtype=torch.float64), torch.tensor(g2, dtype=torch.float64)
    ours = cubic_minimizer(x1, f1, np.float64(g1), x2, f2, np.float64(g2), bounds)
    with _correctly_rounded_sqrt():
        theirs = _cubic_interpolate(x1, f1, g1t, x2, f2, g2t, bounds)
    np.testing.assert_array_equal(float(ours), float(theirs))  # NaN == NaN here
    assert _scalar_kind(ours) == _scalar_kind(theirs)


# --- fixed cases -----------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [
    dict(), dict(line_search_fn="strong_wolfe"), dict(max_iter=1),
    dict(max_iter=0), dict(line_search_fn="strong_wolfe", max_eval=1),
    dict(tolerance_grad=1e3),  # the first gradient is already small enough
    dict(lr=torch.tensor(0.5)),
])
def test_edge_settings_match_torch(kwargs):
    ours_kwargs = {k: minigrad.tensor(v.item()) if isinstance(v, torch.Tensor) else v
                   for k, v in kwargs.items()}
    _compare(make_problem("rosenbrock", 0), kwargs, 2, our_kwargs=ours_kwargs)


def test_counters_and_default_max_eval():
    problem = make_problem("rosenbrock", 0)
    for max_iter in (1, 4, 7, 20):
        ours, theirs = (_run(lib, problem, dict(max_iter=max_iter), 1).optimizer
                        for lib in (minigrad, torch))
        assert ours.param_groups[0]["max_eval"] == theirs.param_groups[0]["max_eval"] \
            == max_iter * 5 // 4
        for key in ("func_evals", "n_iter"):
            assert ours.state[ours.param_groups[0]["params"][0]][key] \
                == theirs.state[theirs.param_groups[0]["params"][0]][key]


def test_errors_match_torch():
    for lib in (minigrad, torch):
        p, q = lib.zeros(2, requires_grad=True), lib.zeros(1, requires_grad=True)
        with pytest.raises(ValueError, match="per-parameter options"):
            lib.optim.LBFGS([{"params": [p]}, {"params": [q]}])
        with pytest.raises(ValueError, match="Invalid learning rate"):
            lib.optim.LBFGS([p], lr=-1.0)
        with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
            lib.optim.LBFGS([p], lr=lib.tensor([1.0, 2.0]))
        with pytest.raises(TypeError, match="closure"):
            lib.optim.LBFGS([p]).step()
        opt = lib.optim.LBFGS([p], line_search_fn="backtracking")

        def closure():
            opt.zero_grad()
            loss = ((p - 1.0) ** 2).sum()
            loss.backward()
            return loss

        with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
            opt.step(closure)
        assert sorted(opt.state[p]) == ["func_evals", "n_iter"]
        opt.add_param_group({"params": [q]})
        with pytest.raises(AssertionError, match="exactly one param_group"):
            opt.step(closure)
