"""``grad``, ``vjp``, ``jvp`` and the Jacobians of ``minigrad.func``, built on
`minigrad.autograd.grad`.

Each transform calls the user's function with *differentiable copies* of the chosen
arguments (a `_Level`), so the arguments need not require grad and no ``.grad`` is
touched: a detached copy that requires grad, or, for a tensor that already requires grad,
a view of it (so that gradients keep flowing to it, as PyTorch's transforms compose with
ordinary autograd).

Whether the derivatives are recorded (``create_graph``) is decided by looking at the
function's output: if its graph reaches a tensor that requires grad and is not one of this
call's copies (a leaf of the user's, a captured parameter, or the copy of an enclosing
transform, as in ``grad(grad(f))``), the derivatives are recorded so that the outer
computation can differentiate them. Otherwise they, the output and the ``aux`` values
leave detached, as PyTorch's do.

``jvp`` uses the double-backward trick of `minigrad.autograd.functional.jvp`; ``jacfwd``
computes the same numbers as ``jacrev``, in reverse mode.
"""
from __future__ import annotations

import functools
import weakref
from typing import Any, Callable

from ..autograd.engine import grad as _autograd_grad
from ..autograd.function import AccumulateGrad, gradient_edge
from ..autograd.grad_mode import enable_grad
from ..creation import eye
from ..ops import stack
from ..tensor import Tensor
from .pytree import tree_flatten, tree_map, tree_unflatten
from .randomness import check_randomness, watch_randomness

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian"]

# Copies made by transforms that have returned: no longer "outside" anything (by id).
_RETIRED: "weakref.WeakValueDictionary[int, Tensor]" = weakref.WeakValueDictionary()


class _Level:
    """One call of a transform: the differentiable copies it made of its inputs."""

    def __init__(self) -> None:
        self.own: dict[int, Tensor] = {}

    def fresh(self, value: Any) -> Tensor:
        if not isinstance(value, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(value)}")
        copy = value.view_as(value) if value.requires_grad else value.detach().requires_grad_()
        self.own[id(copy)] = copy
        return copy

    def reaches_outside(self, tensors: list) -> bool:
        """Whether the graph of ``tensors`` reaches a leaf that requires grad and is
        neither this level's copy nor one of a transform that has returned."""
        stack_ = [edge[0] for t in tensors if isinstance(t, Tensor) and t.requires_grad
                  and (edge := gradient_edge(t)) is not None]
        seen: set[int] = set()
        while stack_:
            node = stack_.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, AccumulateGrad):
                leaf = node.variable
                if id(leaf) not in self.own and _RETIRED.get(id(leaf)) is not leaf:
                    return True
            else:
                stack_.extend(edge[0] for edge in node.next_edges if edge is not None)
        return False

    def retire(self) -> None:
        for key, copy in self.own.items():
            _RETIRED[key] = copy


def _gradients(outputs: list, inputs: list, grad_outputs: list | None,
               create_graph: bool) -> list[Tensor]:
    """d outputs / d inputs with ``grad_outputs``; zeros where an input is not used."""
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    kept = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    found: tuple = (None,) * len(inputs)
    if kept:
        found = _autograd_grad([o for o, _ in kept], inputs, [g for _, g in kept],
                               retain_graph=True, create_graph=create_graph,
                               allow_unused=True)
    return [g if g is not None else x.new_zeros(x.shape) for g, x in zip(found, inputs)]


def _detach_tree(tree: Any) -> Any:
    return tree_map(lambda t: t.detach() if isinstance(t, Tensor) else t, tree)


def _split_aux(output: Any, has_aux: bool, api: str) -> tuple[Any, Any]:
    if not has_aux:
        return output, None
    if not isinstance(output, tuple) or len(output) != 2:
        raise RuntimeError(f"{api}: output of function f should be a tuple: (output, aux) "
                           "if has_aux is True")
    for leaf in tree_flatten(output[1])[0]:
        if not isinstance(leaf, Tensor):
            raise RuntimeError(f"Expected tensors, got unsupported type {type(leaf)}")
    return output


def _check_tensors(leaves: list, api: str) -> None:
    for leaf in leaves:
        if not isinstance(leaf, Tensor):
            raise RuntimeError(f"{api}: expected f(*primals) to return only tensors, got "
                               f"unsupported type {type(leaf)}")


# --- argnums -----------------------------------------------------------------------------
def _argnums(argnums: Any, num_args: int) -> tuple[int, ...]:
    """``argnums`` checked against the call, as a tuple of non-negative positions."""
    is_int = isinstance(argnums, int) and not isinstance(argnums, bool)
    if not is_int and not (isinstance(argnums, tuple)
                           and all(isinstance(a, int) for a in argnums)):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    nums = (argnums,) if is_int else argnums
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for a in nums:
        if not -num_args <= a < num_args:
            raise RuntimeError(f"Got argnum={a}, but only {num_args} positional inputs")
    result = tuple(a % num_args for a in nums)
    if len(set(result)) != len(result):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    return result


def _fresh_args(level: _Level, args: tuple, argnums: Any) -> tuple[list, Any, Any]:
    """(args with copies at ``argnums``, the copies as ``argnums`` shapes them: one tree
    for an int, a tuple of trees for a tuple, the leaves' spec)."""
    nums = _argnums(argnums, len(args))
    args = list(args)
    for i in nums:
        args[i] = tree_map(level.fresh, args[i])
    chosen = args[nums[0]] if isinstance(argnums, int) else tuple(args[i] for i in nums)
    return args, chosen, tree_flatten(chosen)


# --- grad ----------------------------------------------------------------------------------
def grad_and_value(func: Callable, argnums: Any = 0, has_aux: bool = False) -> Callable:
    """A function that returns ``(gradient, value)`` of ``func`` at its arguments.

    Parameters
    ----------
    func : callable
        Returns a 0-dimensional tensor (with ``has_aux``, a pair ``(tensor, aux)``).
    argnums : int or tuple of int
        The positional arguments to differentiate with respect to; each may be a tensor
        or a pytree (tuple, list, dict) of tensors. Negative numbers count from the end.
    has_aux : bool
        ``func`` returns ``(output, aux)``; ``aux`` is returned beside the value and is
        not differentiated.

    Returns
    -------
    callable
        Called as ``func``, it returns ``(gradient, value)`` (``(gradient, (value, aux))``
        with ``has_aux``). ``gradient`` has the structure of the argument (a tuple over
        the arguments when ``argnums`` is a tuple); zeros where ``func`` does not depend
        on an input.
    """
    api = "grad_and_value(f)(*args)"

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> tuple:
        level = _Level()
        with enable_grad():
            args, _, (inputs, spec) = _fresh_args(level, args, argnums)
            output, aux = _split_aux(func(*args, **kwargs), has_aux, api)
            if not isinstance(output, Tensor):
                raise RuntimeError(f"{api}: Expected f(*args) to return a Tensor, got "
                                   f"{type(output)}")
            if output.dim() != 0:
                raise RuntimeError(f"{api}: Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {output.dim()} dims. Maybe you wanted to use "
                                   "the vjp or jacrev APIs instead?")
            outside = level.reaches_outside([output] + tree_flatten(aux)[0])
            grads = tree_unflatten(_gradients([output], inputs, None, outside), spec)
        level.retire()
        if not outside:
            output, aux = output.detach(), _detach_tree(aux)
        return grads, ((output, aux) if has_aux else output)

    return wrapper


def grad(func: Callable, argnums: Any = 0, has_aux: bool = False) -> Callable:
    """A function that returns the gradient of the scalar function ``func``.

    Takes `grad_and_value`'s arguments; the returned function gives the gradient alone
    (``(gradient, aux)`` with ``has_aux``). Transforms nest: ``grad(grad(f))`` is the
    second derivative, ``vmap(grad(f))`` gives per-sample gradients.

    Examples
    --------
    >>> grad(lambda x: x.sin())(minigrad.tensor(0.0))
    tensor(1.)
    """
    both = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gradient, value = both(*args, **kwargs)
        return (gradient, value[1]) if has_aux else gradient

    return wrapper


# --- vjp and jvp ---------------------------------------------------------------------------
def vjp(func: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """``func(*primals)`` and a function that multiplies a vector by its Jacobian.

    Parameters
    ----------
    func : callable
        Takes ``primals`` and returns a tensor or a pytree of tensors (with
        ``has_aux``, a pair ``(output, aux)``).
    *primals : Tensor or pytree of Tensor
    has_aux : bool

    Returns
    -------
    tuple
        ``(output, vjp_fn)``, or ``(output, vjp_fn, aux)``. ``vjp_fn(cotangents)``, with
        ``cotangents`` structured and shaped as ``output``, returns a tuple with one
        vector-Jacobian product per primal; it may be called many times.
    """
    api = "vjp(f, *primals)"
    level = _Level()
    with enable_grad():
        fresh = tuple(tree_map(level.fresh, p) for p in primals)
        output, aux = _split_aux(func(*fresh), has_aux, api)
        outputs, out_spec = tree_flatten(output)
        _check_tensors(outputs, api)
        outside = level.reaches_outside(outputs + tree_flatten(aux)[0])
    level.retire()
    inputs, in_spec = tree_flatten(fresh)

    def vjp_fn(cotangents: Any, retain_graph: bool = True,
               create_graph: bool | None = None) -> tuple:
        given, spec = tree_flatten(cotangents)
        if spec != out_spec:
            raise RuntimeError("Expected pytree structure of cotangents to be the same as "
                               "pytree structure of outputs to the function. cotangents: "
                               f"{spec}, primal output: {out_spec}")
        for i, (c, o) in enumerate(zip(given, outputs)):
            if not isinstance(c, Tensor):
                raise TypeError("gradients can be either Tensors or None, but got "
                                f"{type(c).__name__}")
            if c.shape != o.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                                   f"{c.shape} and output[{i}] has a shape of {o.shape}.")
        if create_graph is None:
            create_graph = outside or _Level().reaches_outside(given)
        with enable_grad():
            given = [c.to(o.dtype) for c, o in zip(given, outputs)]
            return tree_unflatten(_gradients(outputs, inputs, given, create_graph), in_spec)

    if not outside:
        output, aux = _detach_tree(output), _detach_tree(aux)
    return (output, vjp_fn, aux) if has_aux else (output, vjp_fn)


def jvp(func: Callable, primals: Any, tangents: Any, *, strict: bool = False,
        has_aux: bool = False) -> tuple:
    """``func(*primals)`` and the Jacobian-vector product ``J @ tangents``.

    Computed by the double-backward trick (see `minigrad.autograd.functional.jvp`):
    two reverse passes give what forward mode would.

    Parameters
    ----------
    func : callable
        Takes ``primals`` and returns a tensor or a pytree of tensors.
    primals : tuple
        The arguments (tensors or pytrees of tensors).
    tangents : tuple
        Structured and shaped as ``primals``.
    strict : bool
        Accepted, and ignored, as in PyTorch 2.13.
    has_aux : bool

    Returns
    -------
    tuple
        ``(output, jvp_out)`` or ``(output, jvp_out, aux)``; ``jvp_out`` is structured
        as ``output``.
    """
    api = "jvp(f, primals, tangents)"
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{api}: Expected primals to be a tuple. E.g. it should be valid "
                           "to call f(*primals).")
    p_leaves, p_spec = tree_flatten(primals)
    t_leaves, t_spec = tree_flatten(tangents)
    if p_spec != t_spec:
        raise RuntimeError(f"{api}: Expected primals and tangents to have the same python "
                           "structure. For example, if primals is a tuple of 3 tensors, "
                           "tangents also must be. Got primals with structure "
                           f"{p_spec} and tangents with structure {t_spec}")
    if not p_leaves:
        raise RuntimeError(f"{api}: Expected primals to contain at least one Tensor.")
    for p, t in zip(p_leaves, t_leaves):
        if isinstance(p, Tensor) and isinstance(t, Tensor) and p.shape != t.shape:
            raise RuntimeError("Trying to set a forward gradient that has a different size "
                               "than that of the original Tensor, this is not supported. "
                               f"Tensor is of size {list(p.shape)} while the given forward "
                               f"gradient is of size {list(t.shape)}.")
    level = _Level()
    with enable_grad():
        fresh = tree_map(level.fresh, primals)
        output, aux = _split_aux(func(*fresh), has_aux, api)
        outputs, out_spec = tree_flatten(output)
        _check_tensors(outputs, api)
        outside = (level.reaches_outside(outputs + tree_flatten(aux)[0])
                   or _Level().reaches_outside(t_leaves))
        # Backward is linear in u, so u's value never matters: J^T u, then its vjp with v.
        differentiable = [o for o in outputs if o.requires_grad]
        u = [level.fresh(o.new_zeros(o.shape)) for o in differentiable]
        transposed = _gradients(differentiable, tree_flatten(fresh)[0], u, create_graph=True)
        found = iter(_gradients(transposed, u, t_leaves, outside) if u else [])
        result = [next(found) if o.requires_grad else o.new_zeros(o.shape) for o in outputs]
    level.retire()
    result = tree_unflatten(result, out_spec)
    if not outside:
        output, result, aux = _detach_tree(output), _detach_tree(result), _detach_tree(aux)
    return (output, result, aux) if has_aux else (output, result)


# --- Jacobians and the Hessian ---------------------------------------------------------------
def _jacobian_rows(output: Tensor, inputs: list, create_graph: bool) -> list[Tensor]:
    """d output / d input for every input leaf: one backward pass per element of
    ``output``, the rows stacked and shaped ``output.shape + input.shape``."""
    n = output.numel()
    shapes = [tuple(output.shape) + tuple(x.shape) for x in inputs]
    if n == 0 or not output.requires_grad:
        return [x.new_zeros(shape) for x, shape in zip(inputs, shapes)]
    basis = eye(n, dtype=output.dtype)
    rows = [_gradients([output], inputs, [basis[k].reshape(output.shape)], create_graph)
            for k in range(n)]
    return [stack([row[j] for row in rows]).reshape(shape) for j, shape in enumerate(shapes)]


def _jacobian(func: Callable, argnums: Any, has_aux: bool, randomness: str | None,
              args: tuple, kwargs: dict) -> Any:
    level = _Level()
    with enable_grad():
        args, chosen, (inputs, spec) = _fresh_args(level, args, argnums)
        with watch_randomness(randomness):
            output = func(*args, **kwargs)
        output, aux = _split_aux(output, has_aux, "vjp(f, *primals)")
        outputs, out_spec = tree_flatten(output)
        _check_tensors(outputs, "vjp(f, *primals)")
        outside = level.reaches_outside(outputs + tree_flatten(aux)[0])
        per_output = [tree_unflatten(_jacobian_rows(o, inputs, outside), spec)
                      for o in outputs]
    level.retire()
    result = tree_unflatten(per_output, out_spec)
    if not outside:
        result, aux = _detach_tree(result), _detach_tree(aux)
    return (result, aux) if has_aux else result


def jacrev(func: Callable, argnums: Any = 0, *, has_aux: bool = False,
           chunk_size: int | None = None) -> Callable:
    """A function that returns the Jacobian of ``func`` (one backward pass per output
    element).

    Parameters
    ----------
    func : callable
        Returns a tensor or a pytree of tensors (with ``has_aux``, ``(output, aux)``).
    argnums : int or tuple of int
        The arguments (tensors or pytrees of tensors) to differentiate with respect to.
    has_aux : bool
    chunk_size : int, optional
        Checked (it must be positive) and otherwise unused: the rows are computed one
        at a time in any case.

    Returns
    -------
    callable
        Its result is structured as ``func``'s output; each output tensor is replaced by
        its Jacobian, shaped ``output.shape + input.shape``, with the structure of the
        argument (a tuple over the arguments when ``argnums`` is a tuple).
    """
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _jacobian(func, argnums, has_aux, None, args, kwargs)

    return wrapper


def jacfwd(func: Callable, argnums: Any = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable:
    """A function that returns the Jacobian of ``func``: `jacrev`'s numbers and structure.

    PyTorch computes it in forward mode with vmap; minigrad has no forward mode and
    computes it in reverse mode. ``randomness`` is checked as `vmap` checks it: with
    ``"error"`` (the default) a random draw from the default generator inside ``func``
    raises ``RuntimeError``.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        check_randomness(randomness)
        return _jacobian(func, argnums, has_aux, randomness, args, kwargs)

    return wrapper


def hessian(func: Callable, argnums: Any = 0) -> Callable:
    """A function that returns the Hessian of the scalar function ``func``: the Jacobian
    of its gradient, ``jacfwd(jacrev(func, argnums), argnums)``.

    For a tensor argument of shape ``S`` and an output of shape ``O`` the result has
    shape ``O + S + S``; with a tuple ``argnums``, ``result[i][j]`` pairs arguments ``i``
    and ``j``.
    """
    return jacfwd(jacrev(func, argnums), argnums)
