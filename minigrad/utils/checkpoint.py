"""``minigrad.utils.checkpoint``: PyTorch's activation checkpointing, for programs that use it.

In PyTorch, ``checkpoint(f, x)`` runs ``f`` without keeping its intermediate results and
runs it again during backward to get them back: less memory for more compute. minigrad's
graph keeps every saved value until backward has used it, and it has no way to drop them
and recompute them later, so here ``checkpoint`` simply calls ``f``. **No memory is
saved**; the values and the gradients are exactly those of calling ``f`` directly, which
are also PyTorch's (its recomputation replays the same random numbers, so dropout inside
``f`` gives the same result either way).

What PyTorch checks is checked here too, with the same outcome: ``use_reentrant`` left
out warns and means ``True``; ``use_reentrant=True`` refuses keyword arguments for ``f``,
``context_fn`` and ``debug``, and, when no tensor argument requires grad, warns and
returns a result without a graph (PyTorch's reentrant variant behaves so: the parameters
inside ``f`` then get no gradient).
"""
from __future__ import annotations

import contextlib
import warnings
from typing import Any, Callable, ContextManager, Sequence

from ..autograd.grad_mode import no_grad
from ..nn.container import Sequential
from ..tensor import Tensor

__all__ = ["checkpoint", "checkpoint_sequential", "noop_context_fn"]

_DETERMINISM_CHECKS = ("default", "none")


def noop_context_fn() -> tuple[ContextManager, ContextManager]:
    """The default ``context_fn``: two context managers that do nothing."""
    return contextlib.nullcontext(), contextlib.nullcontext()


def _warn_implicit_reentrant(fn: str) -> None:
    warnings.warn(f"{fn}: the use_reentrant parameter should be passed explicitly; without it "
                  "use_reentrant=True is used, as in PyTorch. use_reentrant=False is "
                  "recommended (in minigrad both give the same values and gradients).",
                  UserWarning, stacklevel=3)


def _no_unexpected(fn: str, kwargs: dict) -> None:
    if kwargs:
        raise ValueError(f"{fn}: Unexpected keyword arguments: " + ",".join(kwargs))


def checkpoint(function: Callable[..., Any], *args: Any, use_reentrant: bool | None = None,
               context_fn: Callable[[], tuple[ContextManager, ContextManager]] = noop_context_fn,
               determinism_check: str = "default", debug: bool = False,
               early_stop: bool = True, **kwargs: Any) -> Any:
    """Call ``function(*args, **kwargs)``, as PyTorch's checkpoint does, keeping its graph.

    Parameters
    ----------
    function : callable
        The part of the model to checkpoint.
    *args
        Its positional arguments.
    use_reentrant : bool, optional
        PyTorch's two variants. Without it, a ``UserWarning`` and ``True``, as in PyTorch.
        With ``True``, keyword arguments for ``function``, ``context_fn`` and ``debug`` are
        refused (``ValueError``), and a call where no tensor in ``args`` requires grad
        warns and returns a result without a graph.
    context_fn : callable
        Returns two context managers; ``function`` runs inside the first (the second is
        PyTorch's recomputation context, which minigrad never needs).
    determinism_check : str
        ``"default"`` or ``"none"``; anything else raises ``ValueError``.
    debug, early_stop : bool
        Accepted for PyTorch's sake; they change nothing here.
    **kwargs
        ``preserve_rng_state`` (accepted: there is no recomputation whose random numbers
        could differ) and, with ``use_reentrant=False``, keyword arguments for ``function``.

    Returns
    -------
    Any
        What ``function`` returns.
    """
    if use_reentrant is None:
        _warn_implicit_reentrant("minigrad.utils.checkpoint")
        use_reentrant = True
    kwargs.pop("preserve_rng_state", True)
    if use_reentrant:
        _no_unexpected("checkpoint", kwargs)
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("checkpoint: Passing `context_fn` or `debug` is only supported "
                             "when use_reentrant=False.")
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            warnings.warn("checkpoint: None of the inputs have requires_grad=True. Gradients "
                          "will be None", UserWarning, stacklevel=2)
            with no_grad():
                return function(*args)
        return function(*args)
    if determinism_check not in _DETERMINISM_CHECKS:
        raise ValueError(f"checkpoint: determinism_check should be one of "
                         f"{list(_DETERMINISM_CHECKS)}, but got {determinism_check}")
    forward_context, _ = context_fn()
    with forward_context:
        return function(*args, **kwargs)


def checkpoint_sequential(functions: Sequential | Sequence[Callable[[Any], Any]], segments: int,
                          input: Any, use_reentrant: bool | None = None,  # noqa: A002
                          **kwargs: Any) -> Any:
    """Run ``functions`` one after the other on ``input``, checkpointing each segment.

    As in PyTorch, the functions are split into ``segments`` runs of
    ``len(functions) // segments``; every run but the last goes through `checkpoint`
    and the last (with the remainder) is called directly.

    Parameters
    ----------
    functions : nn.Sequential or sequence of callables
    segments : int
        How many segments; at most ``len(functions)``.
    input : Any
        Passed to the first function; each result goes to the next.
    use_reentrant : bool, optional
        As for `checkpoint` (left out: a ``UserWarning`` and ``True``).
    **kwargs
        Only ``preserve_rng_state``; anything else raises ``ValueError``.

    Returns
    -------
    Any
        The last function's result.
    """
    if use_reentrant is None:
        _warn_implicit_reentrant("minigrad.utils.checkpoint.checkpoint_sequential")
        use_reentrant = True
    preserve_rng_state = kwargs.pop("preserve_rng_state", True)
    _no_unexpected("checkpoint_sequential", kwargs)
    if isinstance(functions, Sequential):
        functions = list(functions.children())
    if segments == 0:
        raise ZeroDivisionError("checkpoint_sequential: segments must not be 0")
    size = len(functions) // segments
    if size == 0:
        raise ValueError(f"checkpoint_sequential: segments ({segments}) must not be more than "
                         f"the number of functions ({len(functions)})")

    def run(start: int, stop: int) -> Callable[[Any], Any]:
        def forward(x: Any) -> Any:
            for j in range(start, stop):
                x = functions[j](x)
            return x
        return forward

    start = 0
    for _ in range(segments - 1 if size > 0 else 0):
        input = checkpoint(run(start, start + size), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve_rng_state)
        start += size
    return run(start, len(functions))(input)
