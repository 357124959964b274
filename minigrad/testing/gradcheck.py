"""Gradient checks against central finite differences in float64.

``gradcheck`` compares the Jacobian that backward computes with the one central
differences give; ``gradgradcheck`` does the same for the gradient function itself.
Every check also verifies invariants that a correct primitive keeps (see
`check_invariants`).
"""
from __future__ import annotations

import contextlib
import warnings
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from ..autograd import engine
from ..autograd.function import Node
from ..autograd.grad_mode import enable_grad, no_grad
from ..internal import array_of, replace_array, wrap
from ..tensor import Tensor


class GradcheckError(RuntimeError):
    """Raised when an analytical gradient disagrees with the numerical one."""


def _outputs(fn: Callable, inputs: Sequence[Tensor]) -> list[Tensor]:
    out = fn(*inputs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    return [o for o in outs if isinstance(o, Tensor) and o.dtype.kind == "f"]


def _float_outputs_numpy(fn: Callable, inputs: Sequence[Tensor]) -> list[np.ndarray]:
    with no_grad():
        return [array_of(o).astype(np.float64) for o in _outputs(fn, inputs)]


def _checked_inputs(inputs: Any) -> list[Tensor]:
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    for i, t in enumerate(inputs):
        if isinstance(t, Tensor) and t.requires_grad and t.dtype != np.float64:
            warnings.warn(f"gradcheck: input {i} has dtype {t.dtype}; finite differences "
                          "are only reliable in float64", RuntimeWarning, stacklevel=3)
    return inputs


def numerical_jacobians(fn: Callable, inputs: Sequence[Tensor], eps: float) -> list[list]:
    """J[o][i] of shape (numel of output o, numel of input i), by central differences."""
    differentiable = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    base = _float_outputs_numpy(fn, inputs)
    jac = [[None] * len(inputs) for _ in base]
    for i in differentiable:
        with _perturbable(inputs[i]) as flat:
            columns = [np.zeros((b.size, flat.size)) for b in base]
            for k in range(flat.size):
                original = flat[k]
                flat[k] = original + eps
                plus = _float_outputs_numpy(fn, inputs)
                flat[k] = original - eps
                minus = _float_outputs_numpy(fn, inputs)
                flat[k] = original
                for o, (p, m) in enumerate(zip(plus, minus)):
                    columns[o][:, k] = (p - m).reshape(-1) / (2 * eps)
        for o in range(len(base)):
            jac[o][i] = columns[o]
    return jac


@contextlib.contextmanager
def _perturbable(t: Tensor) -> Iterator[np.ndarray]:
    """A flat, writable view of a private copy of ``t``'s data, swapped in for the check.

    Perturbing ``array_of(t)`` itself fails silently when it is not contiguous (``reshape``
    then copies) or when it is a read-only view (an expanded array). The original array
    is put back afterwards, untouched.
    """
    original = array_of(t)
    replace_array(t, np.array(original, copy=True, order="C"), tracked=False)
    try:
        yield array_of(t).reshape(-1)
    finally:
        replace_array(t, original, tracked=False)


def analytical_jacobians(fn: Callable, inputs: Sequence[Tensor]) -> list[list]:
    """J[o][i] from one backward per output element."""
    outs = _outputs(fn, inputs)
    wanted = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    index = {id(t): n for n, t in enumerate(wanted)}
    jac = [[None] * len(inputs) for _ in outs]
    for o, out in enumerate(outs):
        rows = {i: np.zeros((out.numel(), t.numel())) for i, t in enumerate(inputs)
                if isinstance(t, Tensor) and t.requires_grad}
        for k in range(out.numel()):
            seed = np.zeros(out.numel(), dtype=out.dtype)
            seed[k] = 1
            if not out.requires_grad:
                continue
            grads = engine.grad(out, wanted, wrap(seed.reshape(out.shape)),
                                retain_graph=True, allow_unused=True)
            for i, row in rows.items():
                g = grads[index[id(inputs[i])]]
                if g is not None:
                    row[k] = array_of(g).reshape(-1)
        for i, row in rows.items():
            jac[o][i] = row
    return jac


def _compare(numerical: np.ndarray, analytical: np.ndarray, o: int, i: int, atol: float,
             rtol: float, what: str) -> None:
    if numerical.shape != analytical.shape:
        raise GradcheckError(f"{what}: Jacobian shapes differ for output {o}, input {i}: "
                             f"numerical {numerical.shape}, analytical {analytical.shape}")
    excess = np.abs(analytical - numerical) - (atol + rtol * np.abs(numerical))
    if excess.size and (np.nanmax(excess) > 0 or np.isnan(excess).any()):
        worst = np.unravel_index(np.nanargmax(np.where(np.isnan(excess), np.inf, excess)),
                                 excess.shape)
        raise GradcheckError(
            f"{what}: Jacobian mismatch for output {o} with respect to input {i}; worst "
            f"element (output element {worst[0]}, input element {worst[1]}): numerical "
            f"{numerical[worst]:.8g}, analytical {analytical[worst]:.8g} "
            f"(atol={atol}, rtol={rtol})")


def gradcheck(fn: Callable, inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, fast_mode: bool = False,
              check_invariants: bool = True, seed: int = 0) -> bool:
    """Check the gradients of ``fn`` at ``inputs`` against central finite differences.

    Parameters
    ----------
    fn : callable
        Takes the tensors in ``inputs`` and returns a tensor or a tuple of tensors.
    inputs : Tensor or sequence of Tensor
        The inputs; those with ``requires_grad=True`` are checked. Use float64.
    eps : float
        Step of the central differences.
    atol, rtol : float
        An element passes when ``|analytical - numerical| <= atol + rtol * |numerical|``.
    raise_exception : bool
        Raise `GradcheckError` on failure (otherwise return False).
    fast_mode : bool
        Compare random projections ``v^T J u`` instead of the full Jacobian: one backward
        and two forward passes per output/input pair.
    check_invariants : bool
        Also run `check_invariants`.
    seed : int
        Seed of the random projections in fast mode.

    Returns
    -------
    bool
        True when every gradient matches.

    Raises
    ------
    GradcheckError
        Naming the output/input pair, the worst element, and both values.
    """
    return _check(fn, _checked_inputs(inputs), eps, atol, rtol, raise_exception, fast_mode,
                  check_invariants, seed, "gradcheck")


def _check(fn: Callable, inputs: list, eps: float, atol: float, rtol: float,
           raise_exception: bool, fast_mode: bool, check_invariants: bool, seed: int,
           what: str) -> bool:
    if not any(isinstance(t, Tensor) and t.requires_grad for t in inputs):
        raise ValueError(f"{what}: no input requires grad, so there is nothing to check")
    try:
        if fast_mode:
            _fast_check(fn, inputs, eps, atol, rtol, np.random.default_rng(seed), what)
        else:
            numerical = numerical_jacobians(fn, inputs, eps)
            analytical = analytical_jacobians(fn, inputs)
            if len(numerical) != len(analytical):
                raise GradcheckError(
                    f"{what}: fn returned {len(numerical)} float outputs under no_grad "
                    f"but {len(analytical)} with grad enabled; nothing would be compared")
            for o, (num_row, ana_row) in enumerate(zip(numerical, analytical)):
                for i, (num, ana) in enumerate(zip(num_row, ana_row)):
                    if num is not None:
                        _compare(num, ana, o, i, atol, rtol, what)
        if check_invariants:
            check_invariants_of(fn, inputs)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _fast_check(fn: Callable, inputs: list, eps: float, atol: float, rtol: float,
                rng: np.random.Generator, what: str) -> None:
    wanted = [(i, t) for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    outs = _outputs(fn, inputs)
    for o, out in enumerate(outs):
        v = rng.standard_normal(out.shape)
        grads = engine.grad(out, [t for _, t in wanted], wrap(v.astype(out.dtype)),
                            retain_graph=True, allow_unused=True) if out.requires_grad \
            else [None] * len(wanted)
        for (i, t), g in zip(wanted, grads):
            u = rng.standard_normal(t.shape)
            analytical = 0.0 if g is None else float(np.sum(array_of(g) * u))
            with _perturbable(t) as flat:
                start = flat.copy()
                flat += eps * u.reshape(-1)
                plus = _float_outputs_numpy(fn, inputs)[o]
                flat[...] = start - eps * u.reshape(-1)
                minus = _float_outputs_numpy(fn, inputs)[o]
            numerical = float(np.sum((plus - minus) / (2 * eps) * v))
            _compare(np.array([[numerical]]), np.array([[analytical]]), o, i, atol, rtol,
                     what + " (fast mode, v^T J u)")


def gradgradcheck(fn: Callable, inputs: Any, grad_outputs: Any = None, *, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True,
                  fast_mode: bool = False, seed: int = 0) -> bool:
    """Check second derivatives: gradcheck applied to the gradient of ``fn``.

    The gradient function maps ``(inputs, grad_outputs)`` to the vector-Jacobian products
    ``grad_outputs^T J``, built with ``create_graph=True``; its own Jacobian is then
    compared with central differences. Parameters other than ``grad_outputs`` are as in
    `gradcheck`.

    Parameters
    ----------
    grad_outputs : Tensor or sequence of Tensor, optional
        The vectors of the products; random float64 tensors that require grad by default.
    """
    inputs = _checked_inputs(inputs)
    outs = _outputs(fn, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(seed)
        grad_outputs = [Tensor(rng.standard_normal(o.shape), dtype=o.dtype, requires_grad=True)
                        for o in outs]
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    grad_outputs = list(grad_outputs)
    n = len(inputs)
    wanted = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]

    def first_derivative(*args: Tensor) -> tuple:
        # Grad mode stays on even when gradcheck evaluates this under no_grad for its
        # finite differences: otherwise fn would record no graph, return no gradients,
        # and the numerical side would have nothing to compare.
        with enable_grad():
            ins, vs = args[:n], args[n:]
            out = _outputs(fn, ins)
            pairs = [(o, v) for o, v in zip(out, vs) if o.requires_grad]
            if not pairs:
                return tuple()
            grads = engine.grad([o for o, _ in pairs], [ins[i] for i in wanted],
                                [v for _, v in pairs], create_graph=True, allow_unused=True)
            return tuple(g for g in grads if g is not None)

    # Output o of the check is the gradient for the o-th input that requires grad; input i
    # counts the inputs first, then the grad_outputs.
    return _check(first_derivative, list(inputs) + grad_outputs, eps, atol, rtol,
                  raise_exception, fast_mode, False, seed, "gradgradcheck")


def check_invariants_of(fn: Callable, inputs: Sequence[Tensor]) -> None:
    """Checks a correct primitive passes, raising `GradcheckError` otherwise:

    * forward and backward leave the inputs unchanged;
    * each gradient has its input's shape and dtype;
    * no gradient shares memory with another gradient or with an input;
    * after backward (without ``retain_graph``) every node of the graph has freed its
      saved values.
    """
    wanted = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    before = [array_of(t).copy() for t in wanted]
    outs = [o for o in _outputs(fn, inputs) if o.requires_grad]
    if not outs:
        return
    nodes = _graph_nodes(outs)
    total = outs[0].sum()
    for o in outs[1:]:
        total = total + o.sum()
    kept = [t.grad for t in wanted]
    for t in wanted:
        t.grad = None
    try:
        total.backward()
        grads = [t.grad for t in wanted]
    finally:
        for t, g in zip(wanted, kept):
            t.grad = g
    for t, old in zip(wanted, before):
        if not np.array_equal(array_of(t), old, equal_nan=True):
            raise GradcheckError("invariant: an input was modified by forward or backward")
    arrays = [array_of(g) for g in grads if g is not None]
    for t, g in zip(wanted, grads):
        if g is not None and (g.shape != t.shape or g.dtype != t.dtype):
            raise GradcheckError(f"invariant: gradient of shape {g.shape} and dtype {g.dtype} "
                                 f"for an input of shape {t.shape} and dtype {t.dtype}")
    for a in range(len(arrays)):
        others = arrays[a + 1:] + [array_of(t) for t in wanted]
        if any(np.shares_memory(arrays[a], b) for b in others):
            raise GradcheckError("invariant: a gradient is a view of another gradient or "
                                 "of an input")
    for node in nodes:
        if not node.released:
            raise GradcheckError(f"invariant: node {node.name()} kept its saved values after "
                                 "backward")


def _graph_nodes(outputs: Sequence[Tensor]) -> list[Node]:
    seen, stack = set(), [o.grad_fn for o in outputs if o.grad_fn is not None]
    nodes = []
    while stack:
        node = stack.pop()
        if node in seen or not isinstance(node, Node):
            continue
        seen.add(node)
        nodes.append(node)
        stack.extend(e[0] for e in node.next_edges if e is not None)
    return nodes
