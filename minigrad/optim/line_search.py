"""The strong-Wolfe line search that `LBFGS` runs with ``line_search_fn="strong_wolfe"``.

Along a descent direction ``d`` from the current point, a step length ``t`` is wanted
whose loss ``phi(t)`` and slope ``phi'(t) = grad(t) . d`` satisfy the strong Wolfe
conditions (Nocedal & Wright, *Numerical Optimization*, 2nd ed., eq. 3.7):

* sufficient decrease: ``phi(t) <= phi(0) + c1 * t * phi'(0)``;
* curvature: ``|phi'(t)| <= c2 * |phi'(0)|``.

The search has two phases (N&W algorithms 3.5 and 3.6). The *bracketing* phase grows the
step (each new trial is a cubic interpolation bounded to ``[t + 0.01 (t - t_prev),
10 t]``) until a trial satisfies both conditions or an interval known to hold such a step
is found. The *zoom* phase shrinks that interval with cubic interpolation, moving a trial
that lands too close to an end of the interval a tenth of its length inside.

The numbers follow PyTorch's ``torch.optim.lbfgs`` exactly (the same tests, in the same
order, with the same arithmetic), so the two produce the same steps to rounding. Scalars
keep the kind PyTorch gives them: NumPy scalars where PyTorch has 0-d tensors (slopes,
interpolated steps), Python numbers where it has Python numbers (losses, the step 0).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

Scalar = Any  # a Python number or a NumPy scalar, as PyTorch has a number or a 0-d tensor


@dataclass
class TrialPoint:
    """One evaluated step along the direction: its length, loss, gradient and slope."""

    t: Scalar
    f: float
    g: np.ndarray
    gtd: Scalar


def cubic_minimizer(x1: Scalar, f1: Scalar, g1: Scalar, x2: Scalar, f2: Scalar,
                    g2: Scalar, bounds: tuple[Scalar, Scalar] | None = None) -> Scalar:
    """The minimizer of the cubic through two points with given values and slopes.

    Parameters
    ----------
    x1, f1, g1, x2, f2, g2 : scalar
        Two abscissae with the function's value and slope at each.
    bounds : (low, high), optional
        The result is clamped to this interval; by default the one between ``x1`` and
        ``x2``.

    Returns
    -------
    scalar
        The clamped minimizer, or the middle of the bounds when the cubic has no local
        minimum (negative or NaN discriminant).
    """
    low, high = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    with np.errstate(all="ignore"):  # inf and NaN pass silently, as through 0-d tensors
        d1 = g1 + g2 - _divide(3 * (f1 - f2), x1 - x2)
        discriminant = d1 * d1 - g1 * g2
        if not discriminant >= 0:
            return (low + high) / 2.0
        (xa, ga), (xb, gb) = ((x1, g1), (x2, g2)) if x1 <= x2 else ((x2, g2), (x1, g1))
        d2 = np.sqrt(discriminant)
        minimizer = xb - (xb - xa) * ((gb + d2 - d1) / (gb - ga + 2 * d2))
    return min(max(minimizer, low), high)


def _divide(a: Scalar, b: Scalar) -> Scalar:
    """``a / b`` rounded as PyTorch rounds it: a Python number over a 0-d tensor is
    computed there as ``a * (1 / b)``, which can differ from ``a / b`` in the last bit."""
    if isinstance(b, np.generic) and not isinstance(a, np.generic):
        return a * (1 / b)
    return a / b


def strong_wolfe(phi: Callable[[Scalar], tuple[float, np.ndarray]], t: Scalar,
                 d: np.ndarray, f: float, g: np.ndarray, gtd: Scalar, c1: float = 1e-4,
                 c2: float = 0.9, tolerance_change: float = 1e-9,
                 max_ls: int = 25) -> tuple[float, np.ndarray, Scalar, int]:
    """Search along ``d`` for a step satisfying the strong Wolfe conditions.

    Parameters
    ----------
    phi : callable
        ``phi(t)`` evaluates the objective at the current point plus ``t * d`` and returns
        ``(loss, flat gradient)``, leaving the parameters where they were.
    t : scalar
        The first trial step.
    d : numpy.ndarray
        The (descent) direction.
    f, g, gtd : float, numpy.ndarray, scalar
        The loss, flat gradient and slope ``g . d`` at step 0.
    c1, c2 : float
        The sufficient-decrease and curvature constants.
    tolerance_change : float
        Zooming stops once the interval is shorter than this (measured as
        ``length * max|d|``).
    max_ls : int
        The number of evaluations allowed after the first.

    Returns
    -------
    (loss, gradient, t, evaluations)
        The best step found, its loss and gradient, and how many times ``phi`` ran.
    """
    def trial(step: Scalar) -> TrialPoint:
        loss, grad = phi(step)
        return TrialPoint(step, loss, grad, grad.dot(d))

    start = TrialPoint(0, f, g.copy(), gtd)
    bracket, done, evals = _bracket(trial, start, trial(t), c1, c2, max_ls)
    best, evals = _zoom(trial, start, bracket, done, evals, c1, c2,
                        (tolerance_change, np.abs(d).max()), max_ls)
    return best.f, best.g, best.t, evals + 1


def _bracket(trial: Callable[[Scalar], TrialPoint], start: TrialPoint, new: TrialPoint,
             c1: float, c2: float, max_ls: int) -> tuple[list[TrialPoint], bool, int]:
    """Grow the step until it satisfies the conditions (``done``) or the returned pair of
    points brackets such a step. Returns ``(bracket, done, evaluations after the
    first)``; after ``max_ls`` evaluations, the bracket is ``[step 0, last trial]``."""
    prev, evals = start, 0
    while evals < max_ls:
        if not _decreases_enough(new, start, c1) or (evals > 1 and new.f >= prev.f):
            return [prev, new], False, evals
        if _flat_enough(new, start, c2):
            return [new], True, evals
        if new.gtd >= 0:
            return [prev, new], False, evals
        bounds = (new.t + 0.01 * (new.t - prev.t), new.t * 10)
        step = cubic_minimizer(prev.t, prev.f, prev.gtd, new.t, new.f, new.gtd, bounds)
        prev, new, evals = new, trial(step), evals + 1
    return [start, new], False, evals


def _zoom(trial: Callable[[Scalar], TrialPoint], start: TrialPoint,
          bracket: list[TrialPoint], done: bool, evals: int, c1: float, c2: float,
          tolerance: tuple[float, Scalar], max_ls: int) -> tuple[TrialPoint, int]:
    """Shrink ``bracket`` until a trial satisfies the conditions, the bracket is too short
    (``length * max|d| < tolerance_change``, with ``tolerance = (tolerance_change,
    max|d|)``) or ``max_ls`` evaluations are spent; returns the lowest point and the
    evaluation count."""
    tolerance_change, d_norm = tolerance
    low, high = _low_high(bracket)
    stalled = False
    while not done and evals < max_ls:
        if abs(bracket[1].t - bracket[0].t) * d_norm < tolerance_change:
            break
        a, b = bracket
        step = cubic_minimizer(a.t, a.f, a.gtd, b.t, b.f, b.gtd)
        step, stalled = _away_from_ends(step, a.t, b.t, stalled)
        new, evals = trial(step), evals + 1
        if not _decreases_enough(new, start, c1) or new.f >= bracket[low].f:
            bracket[high] = new
            low, high = _low_high(bracket)
            continue
        if _flat_enough(new, start, c2):
            done = True
        elif new.gtd * (bracket[high].t - bracket[low].t) >= 0:
            bracket[high] = bracket[low]
        bracket[low] = new
    return bracket[low], evals


def _decreases_enough(point: TrialPoint, start: TrialPoint, c1: float) -> bool:
    """The sufficient-decrease (Armijo) condition."""
    return not point.f > start.f + c1 * point.t * start.gtd


def _flat_enough(point: TrialPoint, start: TrialPoint, c2: float) -> bool:
    """The strong curvature condition."""
    return abs(point.gtd) <= -c2 * start.gtd


def _low_high(bracket: list[TrialPoint]) -> tuple[int, int]:
    """The indices of the bracket's lower and higher end (by loss; ties: the first)."""
    return (0, 1) if bracket[0].f <= bracket[-1].f else (1, 0)


def _away_from_ends(t: Scalar, a: Scalar, b: Scalar, stalled: bool) -> tuple[Scalar, bool]:
    """Keep a zoom trial ``t`` from crowding an end of the interval between ``a`` and
    ``b``. A trial within a tenth of the interval's length of an end is accepted once
    (and marks the search ``stalled``); a second one in a row, or one on or outside an
    end, is moved to a tenth of the length inside the nearer end. Returns the trial and
    the new ``stalled`` flag."""
    lo, hi = min([a, b]), max([a, b])
    margin = 0.1 * (hi - lo)
    if not min(hi - t, t - lo) < margin:
        return t, False
    if not (stalled or t >= hi or t <= lo):
        return t, True
    return (hi - margin if abs(t - hi) < abs(t - lo) else lo + margin), False
