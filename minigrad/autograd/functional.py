"""``minigrad.autograd.functional``: whole derivatives of a function, built on `grad`.

Each function takes a Python function ``func`` and the tensors to call it with, and
differentiates ``func`` at that point:

* `vjp`: ``v`` times the Jacobian (one backward pass);
* `jvp`: the Jacobian times ``v``, by the double-backward trick: backward is linear in
  its incoming gradient ``u``, so ``u -> J^T u`` is itself a function whose vjp with ``v``
  is ``J v``. Two reverse passes give what forward mode would;
* `jacobian`: one backward pass per output element, the rows stacked;
* `hessian`: the jacobian of the gradient;
* `vhp` and `hvp`: ``v`` times the Hessian, and the Hessian times ``v``.

The results follow the inputs' and outputs' structure as PyTorch's do: a single Tensor
where ``inputs`` (or the function's output) was a Tensor, a tuple where it was a tuple,
and nested tuples ``result[i][j]`` (output ``i``, input ``j``) for `jacobian` and `hessian`.

Where an output does not depend on an input, the derivative is a tensor of zeros; with
``strict=True`` that raises a ``RuntimeError`` instead. The function is always called
with new tensor objects that require grad (with ``create_graph=True`` they are views of
the inputs, so the derivatives can be differentiated again with respect to them).
"""
from __future__ import annotations

from typing import Any, Callable

from ..ops import stack
from ..tensor import Tensor
from .engine import grad
from .grad_mode import enable_grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]

_STRATEGIES = ("forward-mode", "reverse-mode")
_OUTPUTS = "outputs of the user-provided function"
_JACOBIAN = "minigrad.autograd.functional.jacobian"  # how PyTorch's messages name it


# --- structure: tensors or tuples of tensors ---------------------------------------------
def _as_tuple(value: Any, what: str, fn: str) -> tuple[bool, tuple[Tensor, ...]]:
    """(whether ``value`` was a tuple, ``value`` as a tuple), checking every element."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {what}"
            raise TypeError(f"{fn}: The {what} given to {fn} must be either a Tensor or a "
                            f"tuple of Tensors but {where} has type {type(item)}.")
    return is_tuple, items


def _unpack(result: tuple, was_tuple: bool) -> Any:
    return result if was_tuple else result[0]


def _fresh(tensors: tuple[Tensor, ...], create_graph: bool, requires_grad: bool) -> tuple:
    """New tensor objects, so that ``func`` cannot confuse them with tensors it captured:
    views of the originals (gradients flow back to them) when ``create_graph`` and the
    original requires grad, detached copies otherwise."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad
                 else t.detach().requires_grad_(requires_grad) for t in tensors)


def _fresh_inputs(fn: str, inputs: Any, create_graph: bool) -> tuple[bool, tuple]:
    """(whether ``inputs`` was a tuple, new tensor objects for them: see `_fresh`)."""
    inputs_are_tuple, inputs = _as_tuple(inputs, "inputs", fn)
    return inputs_are_tuple, _fresh(inputs, create_graph, requires_grad=True)


def _call(fn: str, func: Callable[..., Any], inputs: tuple, strict: bool) -> tuple[bool, tuple]:
    """(whether ``func`` returned a tuple, its outputs as a tuple), checked."""
    outputs_are_tuple, outputs = _as_tuple(func(*inputs), _OUTPUTS, fn)
    _check_differentiable(fn, outputs, "outputs", strict)
    return outputs_are_tuple, outputs


def _finish(result: tuple, create_graph: bool) -> tuple:
    """Without ``create_graph`` the results leave without their history (nested tuples too)."""
    if create_graph:
        return result
    return tuple(_finish(r, False) if isinstance(r, tuple) else r.detach() for r in result)


def _check_v(fn: str, v: Any, like: tuple[Tensor, ...], like_is_tuple: bool,
             create_graph: bool) -> tuple[Tensor, ...]:
    _, v = _as_tuple(v, "v", fn)
    v = _fresh(v, create_graph, requires_grad=False)
    if len(v) != len(like):
        raise RuntimeError(f"{fn}: v is a tuple of invalid length: should be {len(like)} but "
                           f"got {len(v)}." if like_is_tuple else
                           f"{fn}: The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, like)):
        if a.size() != b.size():
            entry = f"Entry {i} in " if like_is_tuple else ""
            raise RuntimeError(f"{fn}: {entry}v has invalid size: should be {b.size()} but got "
                               f"{a.size()}.")
    return v


def _require_single_element(fn: str, tensors: tuple[Tensor, ...], what: str) -> None:
    if len(tensors) != 1 or tensors[0].numel() != 1:
        raise RuntimeError(f"{fn}: The vector v can only be None if {what} a single Tensor "
                           "with a single element.")


def _require_scalar_output(fn: str, is_tuple: bool, output: Tensor) -> None:
    if is_tuple:
        raise RuntimeError(f"{fn}: The function given to {fn} should return a single Tensor")
    if output.numel() != 1:
        raise RuntimeError(f"{fn}: The Tensor returned by the function given to {fn} should "
                           "contain a single element")


# --- strict mode -----------------------------------------------------------------------------
_NOT_DIFFERENTIABLE = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The "
               "outputs must be computed in a differentiable manner from the input when "
               "running in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of "
                   "the user-provided function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided "
                "function with respect to input {i} is independent of the input. This is not "
                "allowed in strict mode. You should ensure that your function is twice "
                "differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).",
}
_MISSING = {  # a gradient that did not arrive, by the backward pass that missed it
    "back": "The output of the user-provided function is independent of input {i}. This is "
            "not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
                   "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry "
                         "{i} in the grad_jacobian. This is not allowed in strict mode as it "
                         "prevents from using the double backward trick to replace forward "
                         "mode AD.",
}


def _check_differentiable(fn: str, tensors: tuple, kind: str, strict: bool) -> None:
    """With ``strict``: every tensor must exist and require grad (``kind`` picks the message)."""
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(f"{fn}: " + _MISSING["back"].format(i=i))
        if not t.requires_grad:
            raise RuntimeError(f"{fn}: " + _NOT_DIFFERENTIABLE[kind].format(i=i))


def _zeros_where_missing(fn: str, grads: tuple, like: tuple[Tensor, ...], strict: bool,
                         create_graph: bool, stage: str) -> tuple[Tensor, ...]:
    """Zeros shaped as ``like[i]`` where no gradient arrived; in strict mode, an error."""
    result = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(f"{fn}: " + _MISSING[stage].format(i=i))
            g = like[i].new_zeros(like[i].shape)
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if stage.startswith("double") else "jacobian"
            raise RuntimeError(f"{fn}: The {what} of the user-provided function is independent "
                               f"of input {i}. This is not allowed in strict mode when "
                               "create_graph=True.")
        result.append(g)
    return tuple(result)


def _grad(outputs: tuple, inputs: tuple[Tensor, ...], grad_outputs: tuple | None = None,
          create_graph: bool = False, retain_graph: bool | None = None) -> tuple:
    """`grad` that skips outputs which are None or do not require grad (with their
    ``grad_outputs``), and gives None for every input when no output is left."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    kept = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not kept:
        return (None,) * len(inputs)
    return grad([o for o, _ in kept], list(inputs), [g for _, g in kept],
                retain_graph=retain_graph, create_graph=create_graph, allow_unused=True)


def _zeros_requiring_grad(like: tuple[Tensor, ...]) -> tuple[Tensor, ...]:
    return tuple(t.new_zeros(t.shape).requires_grad_() for t in like)


# --- the public functions ----------------------------------------------------------------------
def vjp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """The vector-Jacobian product ``v^T J`` of ``func`` at ``inputs``.

    Parameters
    ----------
    func : callable
        Takes the tensors of ``inputs`` as positional arguments and returns a Tensor or a
        tuple of Tensors.
    inputs : Tensor or tuple of Tensor
    v : Tensor or tuple of Tensor, optional
        Shaped as ``func``'s outputs. May be left out when ``func`` returns a single
        one-element tensor.
    create_graph : bool
        Record the computation, so that the result can be differentiated (with respect to
        ``inputs`` that require grad).
    strict : bool
        Raise ``RuntimeError`` when an output does not depend on an input, instead of
        returning zeros for it.

    Returns
    -------
    tuple
        ``(func_output, vjp)``; ``vjp`` is shaped as ``inputs`` (a Tensor or a tuple).
    """
    with enable_grad():
        inputs_are_tuple, inputs = _fresh_inputs("vjp", inputs, create_graph)
        outputs_are_tuple, outputs = _call("vjp", func, inputs, strict)
        if v is None:
            _require_single_element("vjp", outputs, "the user-provided function returns")
        else:
            v = _check_v("vjp", v, outputs, outputs_are_tuple, create_graph)
    grads = _grad(outputs, inputs, v, create_graph)
    grads = _zeros_where_missing("vjp", grads, inputs, strict, create_graph, "back")
    return (_unpack(_finish(outputs, create_graph), outputs_are_tuple),
            _unpack(_finish(grads, create_graph), inputs_are_tuple))


def jvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """The Jacobian-vector product ``J v`` of ``func`` at ``inputs``.

    Computed as PyTorch does, with the double-backward trick: for a placeholder ``u``
    shaped as the outputs, backward gives ``g(u) = J^T u`` with a graph; ``g`` is linear in
    ``u``, and the vjp of ``g`` with ``v`` is ``J v``. This needs ``func`` to be
    differentiable twice through minigrad's backward rules, which it is.

    Parameters
    ----------
    func : callable
        Takes the tensors of ``inputs`` and returns a Tensor or a tuple of Tensors.
    inputs : Tensor or tuple of Tensor
    v : Tensor or tuple of Tensor, optional
        Shaped as ``inputs``. May be left out when ``inputs`` is one one-element tensor.
    create_graph : bool
        Record the computation, so that the result can be differentiated.
    strict : bool
        Raise ``RuntimeError`` when an output does not depend on an input.

    Returns
    -------
    tuple
        ``(func_output, jvp)``; ``jvp`` is shaped as the outputs.
    """
    with enable_grad():
        inputs_are_tuple, inputs = _fresh_inputs("jvp", inputs, create_graph)
        if v is None:
            _require_single_element("jvp", inputs, "the input to the user-provided function is")
        else:
            v = _check_v("jvp", v, inputs, inputs_are_tuple, create_graph)
        outputs_are_tuple, outputs = _call("jvp", func, inputs, strict)
        # Backward is linear in u, so u's value never matters; zeros keep nan and inf out.
        u = _zeros_requiring_grad(outputs)
        transposed = _grad(outputs, inputs, u, create_graph=True)  # J^T u, with its graph
        _check_differentiable("jvp", transposed, "grad_inputs", strict)
    result = _grad(transposed, u, v, create_graph)
    result = _zeros_where_missing("jvp", result, outputs, strict, create_graph, "back_trick")
    return (_unpack(_finish(outputs, create_graph), outputs_are_tuple),
            _unpack(_finish(result, create_graph), outputs_are_tuple))


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False,
             strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``.

    Parameters
    ----------
    func : callable
        Takes the tensors of ``inputs`` and returns a Tensor or a tuple of Tensors.
    inputs : Tensor or tuple of Tensor
    create_graph : bool
        Record the computation, so that the Jacobian can be differentiated.
    strict : bool
        Raise ``RuntimeError`` when an output does not depend on an input. Not allowed
        together with ``vectorize=True`` or ``strategy="forward-mode"`` (as in PyTorch).
    vectorize : bool
        Accepted for PyTorch's sake. PyTorch batches the backward passes with vmap;
        minigrad has no vmap and runs the same loop either way, with the same result.
    strategy : str
        ``"reverse-mode"`` (one backward pass per output element) or ``"forward-mode"``,
        which PyTorch allows only with ``vectorize=True`` and without ``create_graph``;
        minigrad checks the same conditions and then computes the same numbers in
        reverse mode.

    Returns
    -------
    Tensor or tuple
        For one output and one input, a tensor of shape ``output.shape + input.shape``;
        a tuple over inputs (or outputs) where those were tuples; ``result[i][j]`` for
        output ``i`` and input ``j`` when both were.
    """
    if strategy not in _STRATEGIES:
        raise AssertionError(
            'jacobian: Expected strategy to be either "forward-mode" or "reverse-mode", but got '
            f'{strategy!r}. Hint: If your function has more outputs than inputs, '
            '"forward-mode" tends to be more performant. Otherwise, prefer to use '
            '"reverse-mode".')
    if strategy == "forward-mode":
        _check_forward_mode(inputs, create_graph, strict, vectorize)
    with enable_grad():
        inputs_are_tuple, inputs = _fresh_inputs("jacobian", inputs, create_graph)
        outputs_are_tuple, outputs = _call("jacobian", func, inputs, strict)
        if vectorize and strict:
            raise RuntimeError(f"{_JACOBIAN}: `strict=True` and `vectorized=True` are not "
                               "supported together. Please either set `strict=False` or "
                               "`vectorize=False`.")
        result = tuple(_jacobian_of_output(i, out, inputs, create_graph, strict)
                       for i, out in enumerate(outputs))
    result = tuple(_unpack(r, inputs_are_tuple) for r in _finish(result, create_graph))
    return _unpack(result, outputs_are_tuple)


def _check_forward_mode(inputs: Any, create_graph: bool, strict: bool,
                        vectorize: bool) -> None:
    if create_graph:
        raise NotImplementedError(f"{_JACOBIAN}: `create_graph=True` and "
                                  '`strategy="forward-mode"` are not supported together '
                                  "(yet). Please either set `create_graph=False` or "
                                  '`strategy="reverse-mode"`.')
    if strict:
        raise RuntimeError(f'{_JACOBIAN}: `strict=True` and `strategy="forward-mode"` are '
                           "not supported together (yet). Please either set `strict=False` "
                           'or `strategy="reverse-mode"`.')
    _as_tuple(inputs, "inputs", "jacobian")
    if not vectorize:
        raise NotImplementedError("jacobian: Computing Jacobian using forward-AD or "
                                  "forward-over-reverse Hessian is only implemented for "
                                  "`vectorize=True`.")


def _jacobian_of_output(i: int, out: Tensor, inputs: tuple[Tensor, ...], create_graph: bool,
                        strict: bool) -> tuple[Tensor, ...]:
    """d out / d input for every input: one backward pass per element of ``out``."""
    if out.numel() == 0:
        raise RuntimeError(f"jacobian: output {i} has no elements (shape {tuple(out.shape)}); "
                           "stack expects a non-empty TensorList")
    rows: list[list[Tensor]] = [[] for _ in inputs]
    flat = out.reshape(-1)
    for k in range(out.numel()):
        grads = _grad((flat[k],), inputs, create_graph=create_graph, retain_graph=True)
        for j, (g, inp) in enumerate(zip(grads, inputs)):
            if g is None:
                if strict:
                    raise RuntimeError(f"jacobian: Output {i} of the user-provided function is "
                                       f"independent of input {j}. This is not allowed in "
                                       "strict mode.")
                g = inp.new_zeros(inp.shape)
            elif strict and create_graph and not g.requires_grad:
                raise RuntimeError(f"jacobian: The jacobian of the user-provided function is "
                                   f"independent of input {j}. This is not allowed in strict "
                                   "mode when create_graph=True.")
            rows[j].append(g)
    return tuple(stack(r).reshape(tuple(out.shape) + tuple(inp.shape))
                 for r, inp in zip(rows, inputs))


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False,
            strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of the scalar function ``func`` at ``inputs``: the `jacobian` of its
    gradient.

    Parameters
    ----------
    func : callable
        Takes the tensors of ``inputs`` and returns a single one-element Tensor.
    inputs : Tensor or tuple of Tensor
    create_graph : bool
        Record the computation, so that the Hessian can be differentiated.
    strict : bool
        Raise ``RuntimeError`` when the output or the gradient does not depend on an input
        (a linear function, for example).
    vectorize : bool
        Accepted for PyTorch's sake; see `jacobian`.
    outer_jacobian_strategy : str
        The ``strategy`` of the outer `jacobian` (``"reverse-mode"`` or
        ``"forward-mode"``; the latter needs ``vectorize=True``).

    Returns
    -------
    Tensor or tuple
        ``input.shape + input.shape`` for one input; ``result[i][j]`` (the derivative
        with respect to inputs ``i`` and ``j``) when ``inputs`` is a tuple.
    """
    inputs_are_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in _STRATEGIES:
        raise AssertionError('hessian: Expected strategy to be either "forward-mode" or '
                             f'"reverse-mode", but got {outer_jacobian_strategy!r}.')

    def scalar_output(*args: Tensor) -> Tensor:
        is_tuple, outs = _call("hessian", func, args, strict)
        _require_scalar_output("hessian", is_tuple, outs[0])
        return outs[0].squeeze()

    def gradient(*args: Tensor) -> tuple[Tensor, ...]:
        grads = jacobian(scalar_output, args, create_graph=True)
        _check_differentiable("hessian", grads, "jacobian", strict)
        return grads

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict,
                      vectorize=vectorize, strategy=outer_jacobian_strategy)
    if inputs_are_tuple:
        return result
    return result[0][0]


def vhp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Tensor, Any]:
    """The vector-Hessian product ``v^T H`` of the scalar function ``func`` at ``inputs``.

    Parameters
    ----------
    func : callable
        Takes the tensors of ``inputs`` and returns a single one-element Tensor.
    inputs : Tensor or tuple of Tensor
    v : Tensor or tuple of Tensor, optional
        Shaped as ``inputs``; may be left out when ``inputs`` is one one-element tensor.
    create_graph : bool
        Record the computation, so that the result can be differentiated.
    strict : bool
        Raise ``RuntimeError`` when the output or the gradient does not depend on an input.

    Returns
    -------
    tuple
        ``(func_output, vhp)``; ``vhp`` is shaped as ``inputs``.
    """
    return _hessian_product("vhp", func, inputs, v, create_graph, strict)


def hvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Tensor, Any]:
    """The Hessian-vector product ``H v`` of the scalar function ``func`` at ``inputs``.

    It takes `vhp`'s arguments and returns ``(func_output, hvp)``, ``hvp`` shaped as
    ``inputs``. As in PyTorch, it is computed by the double-backward trick (see `jvp`)
    applied to the gradient: slower than `vhp`, and equal to it since the Hessian is
    symmetric.
    """
    return _hessian_product("hvp", func, inputs, v, create_graph, strict)


def _hessian_product(fn: str, func: Callable[..., Any], inputs: Any, v: Any,
                     create_graph: bool, strict: bool) -> tuple[Tensor, Any]:
    """`vhp` (the vjp of the gradient) or `hvp` (its jvp, by the double-backward trick)."""
    with enable_grad():
        inputs_are_tuple, inputs = _fresh_inputs(fn, inputs, create_graph)
        if v is None:
            _require_single_element(fn, inputs, "the input to the user-provided function is")
        else:
            v = _check_v(fn, v, inputs, inputs_are_tuple, create_graph)
        outputs_are_tuple, outputs = _call(fn, func, inputs, strict)
        _require_scalar_output(fn, outputs_are_tuple, outputs[0])
        gradient = _grad(outputs, inputs, create_graph=True)
        _check_differentiable(fn, gradient, "jacobian", strict)
        if fn == "hvp":
            u = _zeros_requiring_grad(inputs)
            transposed = _grad(gradient, inputs, u, create_graph=True)  # H^T u, with its graph
    if fn == "hvp":
        result = _grad(transposed, u, v, create_graph)
        stage = "double_back_trick"
    else:
        result, stage = _grad(gradient, inputs, v, create_graph), "double_back"
    result = _zeros_where_missing(fn, result, inputs, strict, create_graph, stage)
    return (_finish(outputs, create_graph)[0],
            _unpack(_finish(result, create_graph), inputs_are_tuple))
