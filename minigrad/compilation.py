"""``torch.compile``, for programs that call it: minigrad has no compiler, so it returns the
function or module it is given.

PyTorch's ``compile`` traces Python bytecode into graphs and generates fused kernels for
them. minigrad runs every operation eagerly on NumPy, one primitive at a time, and keeps
no compiler: handing back the callable itself is exactly what running "uncompiled" means,
and it gives the same numbers (PyTorch's compiled code is meant to as well). The arguments
are still checked where PyTorch checks them before compiling, so a program with a typo in
``mode`` or ``backend`` fails here as it would there.
"""
from __future__ import annotations

from typing import Any, Callable

from .nn import Module

# What PyTorch 2.13 accepts by name: its modes, and the backends that it lists with
# torch._dynamo.list_backends(None), leaving out its own test-only ones.
MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
BACKENDS = ("inductor", "eager", "aot_eager", "aot_eager_decomp_partition",
            "aot_eager_decomp_partition_crossref", "aot_eager_decomp_partition_with_mode",
            "aot_eager_default_partitioner", "aot_ts", "cudagraphs", "eager_debug",
            "eager_noexcept", "invoke_subgraph", "openxla", "openxla_eval",
            "pre_dispatch_eager", "ts", "tvm", "dynamo_accuracy_minifier_backend",
            "dynamo_minifier_backend")


def compile(model: Callable | None = None, *, fullgraph: bool = False,  # noqa: A001
            dynamic: bool | None = None, backend: str | Callable | None = None,
            mode: str | None = None, options: dict[str, Any] | None = None,
            name: str | None = None, disable: bool = False,
            recompile_limit: int | None = None, isolate_recompiles: bool = False,
            shapes_spec: Any = None) -> Callable:
    """``model`` itself: the identity, because minigrad has no compiler (see the module's
    notes). Used as PyTorch's, also as a decorator, bare (``@minigrad.compile``) or with
    arguments (``@minigrad.compile(mode="max-autotune")``).

    Parameters
    ----------
    model : callable, optional
        The function or module. Without it, the result is a decorator that applies
        ``compile`` with these arguments.
    fullgraph, dynamic, backend, mode, options, name, disable, recompile_limit,
    isolate_recompiles, shapes_spec
        PyTorch's arguments, with its defaults (``backend=None`` is ``"inductor"``). They
        change nothing here; these are checked as PyTorch checks them: ``mode`` and
        ``options`` not both given, ``backend`` a callable or a backend's name, ``mode`` one
        of PyTorch's (for the inductor backend), ``dynamic`` None or a bool (unless
        ``disable``), ``model`` callable.

    Returns
    -------
    callable
        ``model`` itself for a function; for a module, an `OptimizedModule` that calls it,
        as in PyTorch (so ``state_dict`` keys start with ``_orig_mod.``).

    Raises
    ------
    RuntimeError
        Both ``mode`` and ``options``; an unknown ``mode`` or ``backend`` name; a
        decorator applied to None.
    AssertionError
        ``model`` not callable, or ``dynamic`` not a bool (as PyTorch's assertions).
    """
    settings = dict(fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                    options=options, name=name, disable=disable,
                    recompile_limit=recompile_limit, isolate_recompiles=isolate_recompiles,
                    shapes_spec=shapes_spec)
    if model is None:
        def decorate(model: Callable) -> Callable:
            if model is None:
                raise RuntimeError("compile: Model can't be None")
            return compile(model, **settings)
        return decorate
    if mode is not None and options is not None:
        raise RuntimeError(f"compile: Either mode or options can be specified, but both "
                           f"can't be specified at the same time (mode={mode!r}, "
                           f"options={options!r}).")
    backend = "inductor" if backend is None else backend
    if isinstance(backend, str) and backend not in BACKENDS:
        raise RuntimeError(f"compile: Invalid backend: {backend!r}; PyTorch's are "
                           f"{', '.join(BACKENDS)} (or a callable)")
    if backend == "inductor" and mode is not None and mode not in MODES:
        raise RuntimeError(f"compile: Unrecognized mode={mode}, should be one of: "
                           f"{', '.join(MODES)}")
    if not disable and dynamic is not None and not isinstance(dynamic, bool):
        raise AssertionError(f"compile: Expected dynamic to be a bool, got {type(dynamic)}")
    if not callable(model):
        raise AssertionError(f"compile: A callable function is expected, but "
                             f"{type(model)} is provided.")
    return OptimizedModule(model) if isinstance(model, Module) else model


class OptimizedModule(Module):
    """What ``compile`` returns for a module, as in PyTorch: a module holding the original
    as ``_orig_mod`` and calling it. Its parameters are the original's (their names, as
    in PyTorch, start with ``_orig_mod.``), and attributes it lacks are looked up on the
    original (``compiled.in_features``)."""

    def __init__(self, module: Any) -> None:
        super().__init__()
        self._orig_mod = module

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self._orig_mod(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            if name == "_orig_mod":
                raise
            return getattr(self._orig_mod, name)
