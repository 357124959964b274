"""L-BFGS: a quasi-Newton method that re-evaluates the objective through a closure.

The whole method works on one flat vector: the parameters' gradients are concatenated
(``_gather_flat_grad``) and a step ``t * d`` is added back slice by slice (``_add_grad``).
The state lives, as in PyTorch, under the first parameter; its entries are PyTorch's
(``d``, ``t``, ``old_dirs``, ``old_stps``, ``ro``, ``H_diag``, ``al``, ``prev_flat_grad``,
``prev_loss``, ``func_evals``, ``n_iter``) with the same kinds of values: tensors where
PyTorch keeps tensors (``H_diag``, ``ro`` and ``al`` hold 0-d tensors) and Python numbers
where it keeps numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..internal import array_of, mark_modified, wrap
from ..tensor import Tensor
from .line_search import Scalar, strong_wolfe
from .optimizer import Optimizer, writable_data


class LBFGS(Optimizer):
    """Limited-memory BFGS (Nocedal, 1980), as PyTorch runs it: each ``step(closure)``
    does up to ``max_iter`` iterations, each moving along a direction built from the last
    ``history_size`` gradient changes (the two-loop recursion), either by the fixed step
    ``lr`` (the very first one scaled by ``min(1, 1 / |g|_1)``) or by the step a
    strong-Wolfe line search finds starting from it.

    Parameters
    ----------
    params : iterable of Tensor
        One group only (per-parameter options are not supported, as in PyTorch).
    lr : float or Tensor
        The fixed step, or the line search's first trial step (default 1).
    max_iter : int
        Iterations per ``step``.
    max_eval : int, optional
        Closure evaluations per ``step`` (default ``max_iter * 5 // 4``).
    tolerance_grad : float
        Stop when the largest gradient entry is at most this.
    tolerance_change : float
        Stop when the loss or the step changes less than this.
    history_size : int
        How many curvature pairs to remember.
    line_search_fn : {None, 'strong_wolfe'}
        ``'strong_wolfe'`` runs `minigrad.optim.line_search.strong_wolfe` each iteration
        (with PyTorch's constants ``c1=1e-4``, ``c2=0.9``); any other name raises
        ``RuntimeError`` at ``step``, as in PyTorch.

    Examples
    --------
    >>> x = minigrad.tensor([1.5, -0.5], requires_grad=True)
    >>> opt = LBFGS([x], lr=1.0, line_search_fn="strong_wolfe")
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = ((x - 3.0) ** 2).sum()
    ...     loss.backward()
    ...     return loss
    >>> _ = opt.step(closure)
    >>> [round(v, 4) for v in x.tolist()]
    [3.0, 3.0]
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float | Tensor = 1,
                 max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9,
                 history_size: int = 100, line_search_fn: str | None = None) -> None:
        max_eval = max_iter * 5 // 4 if max_eval is None else max_eval
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                                      tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change,
                                      history_size=history_size,
                                      line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _check_options(self, group: dict) -> None:
        lr = group["lr"]
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError(f"LBFGS: Tensor lr must be 1-element, got shape {tuple(lr.shape)}")
        super()._check_options(group)

    # --- the flat vector ---------------------------------------------------------------
    def _gather_flat_grad(self) -> np.ndarray:
        """All gradients as one new vector (zeros for a parameter without a gradient)."""
        return np.concatenate([np.zeros(p.numel(), p.dtype) if p.grad is None
                               else array_of(p.grad).reshape(-1) for p in self._params])

    def _add_grad(self, t: Scalar, update: np.ndarray) -> None:
        """Add ``t * update`` to the parameters, in place."""
        offset = 0
        for p in self._params:
            n = p.numel()
            writable_data(p)[...] += (t * update[offset:offset + n]).reshape(p.shape)
            mark_modified(p)
            offset += n

    def _set_params(self, arrays: list[np.ndarray]) -> None:
        for p, array in zip(self._params, arrays):
            writable_data(p)[...] = array
            mark_modified(p)

    def _evaluate(self, closure: Callable[[], Any]) -> tuple[float, np.ndarray]:
        """Run ``closure`` with gradients enabled; return its loss and the flat gradient."""
        with enable_grad():
            loss = float(closure())
        return loss, self._gather_flat_grad()

    # --- the step ----------------------------------------------------------------------
    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` iterations.

        Parameters
        ----------
        closure : callable
            Zeroes the gradients, computes the loss, calls ``backward`` and returns the
            loss (a Tensor or a float). It is required, as in PyTorch.

        Returns
        -------
        The first value ``closure`` returned, unchanged.
        """
        if len(self.param_groups) != 1:
            raise AssertionError(f"Expected exactly one param_group, but got "
                                 f"{len(self.param_groups)}")
        group = self.param_groups[0]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        with enable_grad():
            orig_loss = closure()
        state["func_evals"] += 1
        grad = self._gather_flat_grad()
        if np.abs(grad).max() <= group["tolerance_grad"]:
            return orig_loss
        memory = _Memory.from_state(state)
        self._iterate(closure, memory, state, float(orig_loss), grad)
        memory.to_state(state)
        return orig_loss

    def _iterate(self, closure: Callable[[], Any], memory: "_Memory", state: dict,
                 loss: float, grad: np.ndarray) -> None:
        """The iterations of one ``step``, from the loss and gradient at the start."""
        group = self.param_groups[0]
        lr, max_iter, max_eval = _scalar(group["lr"]), group["max_iter"], group["max_eval"]
        evals = 1
        for n_iter in range(1, max_iter + 1):
            state["n_iter"] += 1
            first = state["n_iter"] == 1
            memory.update(grad, first, group["history_size"])
            memory.prev_grad, memory.prev_loss = grad, loss
            memory.t = min(1.0, 1.0 / np.abs(grad).sum()) * lr if first else lr
            gtd = grad.dot(memory.d)
            if gtd > -group["tolerance_change"]:
                return
            loss, grad, memory.t, used = self._move(closure, memory, loss, grad, gtd,
                                                    max_eval - evals, n_iter == max_iter)
            evals += used
            state["func_evals"] += used
            if (n_iter == max_iter or evals >= max_eval
                    or np.abs(grad).max() <= group["tolerance_grad"]
                    or np.abs(memory.d * memory.t).max() <= group["tolerance_change"]
                    or abs(loss - memory.prev_loss) < group["tolerance_change"]):
                return

    def _move(self, closure: Callable[[], Any], memory: "_Memory", loss: float,
              grad: np.ndarray, gtd: Scalar, budget: int,
              last: bool) -> tuple[float, np.ndarray, Scalar, int]:
        """Step along ``memory.d`` from ``memory.t``, by the line search or by the fixed
        step (not re-evaluated on the ``last`` iteration). Returns the new loss, gradient
        and step length, and the number of closure evaluations spent."""
        t, d = memory.t, memory.d
        line_search_fn = self.param_groups[0]["line_search_fn"]
        if line_search_fn is None:
            self._add_grad(t, d)
            return (loss, grad, t, 0) if last else (*self._evaluate(closure), t, 1)
        if line_search_fn != "strong_wolfe":
            raise RuntimeError("only 'strong_wolfe' is supported")
        start = [array_of(p).copy() for p in self._params]

        def phi(step: Scalar) -> tuple[float, np.ndarray]:
            self._add_grad(step, d)
            result = self._evaluate(closure)
            self._set_params(start)
            return result

        loss, grad, t, used = strong_wolfe(phi, t, d, loss, grad, gtd, max_ls=budget)
        self._add_grad(t, d)
        return loss, grad, t, used

    # --- state dicts -------------------------------------------------------------------
    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the state and options saved by `state_dict`. Float tensors, also those
        inside the history lists, take the first parameter's dtype (PyTorch's rule); the
        flat vectors keep their shape."""
        super().load_state_dict({**state_dict, "state": {}})
        ids = [int(i) for i in state_dict["param_groups"][0]["params"]]
        params = dict(zip(ids, self._params))
        for key, saved in state_dict["state"].items():
            p = params.get(int(key))
            if p is not None:
                self.state[p] = {name: _cast(value, p.dtype) for name, value in saved.items()}


# The state entries that carry the memory between steps, and the _Memory field of each.
_STATE_KEYS = (("d", "d"), ("t", "t"), ("old_dirs", "dirs"), ("old_stps", "steps"),
               ("ro", "ro"), ("H_diag", "h_diag"), ("prev_flat_grad", "prev_grad"),
               ("prev_loss", "prev_loss"))


@dataclass
class _Memory:
    """What one step leaves for the next: the curvature pairs (``dirs`` holds the
    gradient changes y, ``steps`` the steps s, ``ro`` their 1 / (y . s)), the scale
    ``h_diag`` of the initial inverse Hessian, the last direction ``d`` and step ``t``,
    the previous gradient and loss, and the two-loop scratch ``alphas``. Vectors are
    arrays; scalars are NumPy scalars where PyTorch has 0-d tensors."""

    d: np.ndarray | None = None
    t: Scalar = None
    dirs: list | None = None
    steps: list | None = None
    ro: list | None = None
    h_diag: Scalar = None
    prev_grad: np.ndarray | None = None
    prev_loss: float | None = None
    alphas: list | None = None

    @classmethod
    def from_state(cls, state: dict) -> "_Memory":
        memory = cls(**{name: _to_numpy(state.get(key)) for key, name in _STATE_KEYS})
        memory.alphas = _to_numpy(state.get("al"))
        return memory

    def to_state(self, state: dict) -> None:
        if self.alphas is not None:
            state["al"] = _to_tensors(self.alphas)
        state.update({key: _to_tensors(getattr(self, name)) for key, name in _STATE_KEYS})

    def update(self, grad: np.ndarray, first: bool, history_size: int) -> None:
        """Record the last step's curvature pair and compute the next direction ``d``."""
        if first:
            self.d, self.dirs, self.steps, self.ro, self.h_diag = -grad, [], [], [], 1
            return
        self._remember(grad - self.prev_grad, self.d * self.t, history_size)
        self.d = self._two_loop(-grad, history_size)

    def _remember(self, y: np.ndarray, s: np.ndarray, history_size: int) -> None:
        """Keep the pair (y, s) if it has positive curvature, dropping the oldest pair when
        the history is full, and rescale the initial inverse Hessian to (y.s) / (y.y)."""
        ys = y.dot(s)
        if not ys > 1e-10:
            return
        if len(self.dirs) == history_size:
            self.dirs.pop(0), self.steps.pop(0), self.ro.pop(0)
        self.dirs.append(y)
        self.steps.append(s)
        self.ro.append(1.0 / ys)
        self.h_diag = ys / y.dot(y)

    def _two_loop(self, q: np.ndarray, history_size: int) -> np.ndarray:
        """The inverse-Hessian estimate times ``q`` (Nocedal & Wright, algorithm 7.4)."""
        if self.alphas is None:
            self.alphas = [None] * history_size
        alphas = self.alphas
        for i in range(len(self.dirs) - 1, -1, -1):
            alphas[i] = self.steps[i].dot(q) * self.ro[i]
            q = q - alphas[i] * self.dirs[i]
        r = q * self.h_diag
        for i in range(len(self.dirs)):
            beta = self.dirs[i].dot(r) * self.ro[i]
            r = r + (alphas[i] - beta) * self.steps[i]
        return r


def _scalar(value: Any) -> Scalar:
    """A one-element Tensor (``lr``) as a NumPy scalar; other values unchanged."""
    return array_of(value).reshape(())[()] if isinstance(value, Tensor) else value


def _to_numpy(value: Any) -> Any:
    """A state value as the step computes with it: tensors as arrays (0-d ones as NumPy
    scalars), lists element by element, anything else unchanged."""
    if isinstance(value, Tensor):
        array = array_of(value)
        return array[()] if array.ndim == 0 else array
    if isinstance(value, list):
        return [_to_numpy(v) for v in value]
    return value


def _to_tensors(value: Any) -> Any:
    """The inverse of `_to_numpy`: arrays and NumPy scalars become tensors (new lists)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return wrap(np.asarray(value))
    if isinstance(value, list):
        return [_to_tensors(v) for v in value]
    return value


def _cast(value: Any, dtype: np.dtype) -> Any:
    """A copy of a loaded state value; float tensors (at any depth) take ``dtype``."""
    if isinstance(value, Tensor):
        array = array_of(value)
        return wrap(array.astype(dtype if array.dtype.kind == "f" else array.dtype))
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, dtype) for v in value)
    if isinstance(value, dict):
        return {k: _cast(v, dtype) for k, v in value.items()}
    return value
