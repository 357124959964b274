"""L-BFGS: a quasi-Newton method that re-evaluates the objective through a closure."""
from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..internal import array_of, mark_modified, wrap
from ..tensor import Tensor
from .optimizer import Optimizer, writable_data


class LBFGS(Optimizer):
    """Limited-memory BFGS (Nocedal, 1980), as PyTorch runs it: each ``step(closure)``
    does up to ``max_iter`` iterations, each moving along a direction built from the last
    ``history_size`` gradient changes (the two-loop recursion) by a fixed step ``lr``
    (the first one scaled by ``min(1, 1 / |g|_1)``).

    Parameters
    ----------
    params : iterable of Tensor
        One group only (per-parameter options are not supported, as in PyTorch).
    lr : float
    max_iter : int
        Iterations per ``step``.
    max_eval : int, optional
        Closure evaluations per ``step`` (default ``max_iter * 5 // 4``).
    tolerance_grad : float
        Stop when the largest gradient entry is at most this.
    tolerance_change : float
        Stop when the loss or the step changes less than this.
    history_size : int
    line_search_fn : None
        ``'strong_wolfe'`` is not supported.

    Examples
    --------
    >>> x = minigrad.tensor([1.5, -0.5], requires_grad=True)
    >>> opt = LBFGS([x], lr=1.0)
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = ((x - 3.0) ** 2).sum()
    ...     loss.backward()
    ...     return loss
    >>> _ = opt.step(closure)
    >>> [round(v, 4) for v in x.tolist()]
    [3.0, 3.0]
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 1.0,
                 max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9,
                 history_size: int = 100, line_search_fn: str | None = None) -> None:
        if line_search_fn is not None:
            raise NotImplementedError(f"LBFGS: line_search_fn={line_search_fn!r} is not "
                                      "supported; use the default fixed step (None)")
        max_eval = max_iter * 5 // 4 if max_eval is None else max_eval
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                                      tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change,
                                      history_size=history_size, line_search_fn=None))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _flat_grad(self) -> np.ndarray:
        parts = [np.zeros(p.numel(), p.dtype) if p.grad is None else array_of(p.grad).reshape(-1)
                 for p in self._params]
        return np.concatenate(parts)

    def _add_to_params(self, step: float, direction: np.ndarray) -> None:
        offset = 0
        for p in self._params:
            n = p.numel()
            data = writable_data(p)
            data += (step * direction[offset:offset + n]).reshape(p.shape).astype(p.dtype)
            mark_modified(p)
            offset += n

    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` iterations; ``closure`` (required) zeroes the gradients,
        computes the loss, calls ``backward`` and returns the loss. Returns the first
        loss."""
        if closure is None:
            raise RuntimeError("LBFGS.step requires a closure that re-evaluates the model "
                               "and returns the loss")
        group = self.param_groups[0]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        with enable_grad():
            first_loss = closure()
        loss = float(first_loss)
        evals = 1
        state["func_evals"] += 1
        grad = self._flat_grad()
        if np.abs(grad).max() <= group["tolerance_grad"]:
            return first_loss
        memory = _Memory.from_state(state, group["history_size"])
        for iteration in range(1, group["max_iter"] + 1):
            state["n_iter"] += 1
            memory.update(grad, state["n_iter"] == 1)
            direction = memory.direction
            memory.prev_grad, memory.prev_loss = grad.copy(), loss
            lr = float(group["lr"])
            memory.t = min(1.0, 1.0 / np.abs(grad).sum()) * lr if state["n_iter"] == 1 else lr
            if grad.dot(direction) > -group["tolerance_change"]:
                break
            self._add_to_params(memory.t, direction)
            small_grad = False
            if iteration != group["max_iter"]:
                with enable_grad():
                    loss = float(closure())
                grad = self._flat_grad()
                small_grad = np.abs(grad).max() <= group["tolerance_grad"]
                evals += 1
                state["func_evals"] += 1
            if (iteration == group["max_iter"] or evals >= group["max_eval"] or small_grad
                    or np.abs(direction * memory.t).max() <= group["tolerance_change"]
                    or abs(loss - memory.prev_loss) < group["tolerance_change"]):
                break
        memory.save(state)
        return first_loss


class _Memory:
    """The curvature pairs (s, y), the last direction and step, and the previous gradient
    and loss, kept in the optimizer's state between calls of ``step``."""

    def __init__(self, history_size: int) -> None:
        self.history_size = history_size
        self.dirs: list[np.ndarray] = []
        self.steps: list[np.ndarray] = []
        self.ro: list[float] = []
        self.h_diag = 1.0
        self.direction: np.ndarray | None = None
        self.t = 0.0
        self.prev_grad: np.ndarray | None = None
        self.prev_loss: float | None = None

    @classmethod
    def from_state(cls, state: dict, history_size: int) -> "_Memory":
        memory = cls(history_size)
        if "d" in state:
            memory.direction = array_of(state["d"])
            memory.t = float(state["t"])
            memory.dirs = [array_of(v) for v in state["old_dirs"]]
            memory.steps = [array_of(v) for v in state["old_stps"]]
            memory.ro = list(state["ro"])
            memory.h_diag = float(state["H_diag"])
            memory.prev_grad = array_of(state["prev_flat_grad"])
            memory.prev_loss = state["prev_loss"]
        return memory

    def save(self, state: dict) -> None:
        state.update(d=wrap(self.direction), t=self.t, old_dirs=[wrap(v) for v in self.dirs],
                     old_stps=[wrap(v) for v in self.steps], ro=list(self.ro),
                     H_diag=self.h_diag, prev_flat_grad=wrap(self.prev_grad),
                     prev_loss=self.prev_loss)

    def update(self, grad: np.ndarray, first: bool) -> None:
        """Record the last step's curvature and compute the next direction."""
        if first:
            self.direction, self.dirs, self.steps, self.ro, self.h_diag = -grad, [], [], [], 1.0
            return
        y = grad - self.prev_grad
        s = self.direction * self.t
        ys = float(y.dot(s))
        if ys > 1e-10:
            if len(self.dirs) == self.history_size:
                self.dirs.pop(0), self.steps.pop(0), self.ro.pop(0)
            self.dirs.append(y)
            self.steps.append(s)
            self.ro.append(1.0 / ys)
            self.h_diag = ys / float(y.dot(y))
        self.direction = self._two_loop(-grad)

    def _two_loop(self, q: np.ndarray) -> np.ndarray:
        """The product of the inverse-Hessian estimate with ``q``."""
        alphas = [0.0] * len(self.dirs)
        for i in range(len(self.dirs) - 1, -1, -1):
            alphas[i] = float(self.steps[i].dot(q)) * self.ro[i]
            q = q - alphas[i] * self.dirs[i]
        r = q * self.h_diag
        for i in range(len(self.dirs)):
            beta = float(self.dirs[i].dot(r)) * self.ro[i]
            r = r + (alphas[i] - beta) * self.steps[i]
        return r
