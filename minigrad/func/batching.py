"""``vmap``: map a function over a dimension of its inputs, as a Python loop.

PyTorch's vmap runs the function once on "batched" tensors, with a batching rule for
every operator. minigrad has no batching rules: `vmap` slices the inputs along their
mapped dimension, calls the function once per slice, and stacks the results. For a
function without side effects the numbers are PyTorch's; the time is that of the loop
(B calls for a batch of B), not of one batched call.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from ..ops import stack
from ..tensor import Tensor
from .pytree import TreeSpec, broadcast_prefix, tree_flatten, tree_unflatten
from .randomness import SameDraws, check_randomness, watch_randomness

__all__ = ["vmap"]


def _is_dim(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _name(func: Callable) -> str:
    return getattr(func, "__name__", repr(func))


def _in_dims(func: Callable, in_dims: Any, args: tuple) -> list:
    """One in_dim per leaf of ``args``, checked as PyTorch checks them."""
    where = f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>)"
    if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
        raise ValueError(f"{where}: expected `in_dims` to be int or a (potentially nested) "
                         "tuple matching the structure of inputs, got: "
                         f"{type(in_dims)}.")
    dims = broadcast_prefix(in_dims, args)
    if dims is None:
        raise ValueError(f"{where}: in_dims is not compatible with the structure of "
                         f"`inputs`. in_dims has structure {tree_flatten(in_dims)[1]} but "
                         f"inputs has structure {tree_flatten(args)[1]}.")
    for dim, leaf in zip(dims, tree_flatten(args)[0]):
        if not _is_dim(dim):
            raise ValueError(f"{where}: in_dim must be an int or None, got {dim!r}.")
        if dim is None:
            continue
        if not isinstance(leaf, Tensor):
            raise ValueError(f"{where}: Got in_dim={dim} for an input but the input is of "
                             f"type {type(leaf)}. We cannot vmap over non-Tensor arguments, "
                             "please use None as the respective in_dim")
        n = leaf.dim()
        if not -n <= dim < n:
            raise ValueError(f"{where}: Got in_dim={dim} for some input, but that input is a "
                             f"Tensor of dimensionality {n} so expected in_dim to satisfy "
                             f"-{n} <= in_dim < {n}.")
    return dims


def _batch_size(leaves: list, dims: list) -> int:
    sizes = [leaf.shape[d] for leaf, d in zip(leaves, dims) if d is not None]
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if len(set(sizes)) > 1:
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    return sizes[0]


def _out_dims(func: Callable, out_dims: Any, output: Any) -> list:
    where = f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>)"
    dims = broadcast_prefix(out_dims, output)
    flat = tree_flatten(out_dims)[0]
    if not all(_is_dim(d) for d in flat):
        raise ValueError(f"vmap({_name(func)}, ..., out_dims={out_dims}): `out_dims` must be "
                         "an int, None or a python collection of ints representing where in "
                         "the outputs the vmapped dimension should appear.")
    if dims is None:
        raise ValueError(f"{where}: out_dims is not compatible with the structure of "
                         f"`outputs`. out_dims has structure {tree_flatten(out_dims)[1]} but "
                         f"outputs has structure {tree_flatten(output)[1]}.")
    return dims


def _combine(func: Callable, values: list, dim: int | None, size: int) -> Any:
    """The per-sample results of one output, stacked along ``dim`` (None: not mapped);
    for a batch of ``size`` 0, ``values`` holds one sample to take the shape from."""
    first = values[0]
    if dim is None:
        if isinstance(first, Tensor) and not all(v.equal(first) for v in values[1:]):
            raise ValueError(f"vmap({_name(func)}, ...): `{_name(func)}` can not return a "
                             "BatchedTensor when out_dim is None")
        return first
    if not isinstance(first, Tensor):
        raise ValueError(f"vmap({_name(func)}, ...): `{_name(func)}` must only return "
                         f"Tensors, got type {type(first)}. Did you mean to set out_dims= to "
                         "None for output?")
    stacked = stack(values, dim)
    return stacked if size else stacked.narrow(dim, 0, 0)


def _slice(leaves: list, dims: list, index: int) -> list:
    return [leaf if d is None else leaf.select(d, index) for leaf, d in zip(leaves, dims)]


def _empty_batch(call: Callable, leaves: list, dims: list) -> tuple[Any, list]:
    """For a batch of size 0: call ``func`` once on zeros shaped as one sample, to learn
    the outputs' structure and shapes (`_combine` then keeps 0 samples of each)."""
    zeros = [leaf if d is None else
             leaf.new_zeros([s for i, s in enumerate(leaf.shape) if i != d % leaf.dim()])
             for leaf, d in zip(leaves, dims)]
    output = call(zeros)
    return output, [[o] for o in tree_flatten(output)[0]]


def vmap(func: Callable, in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable:
    """Map ``func`` over a dimension of its inputs: a loop over the samples, then a stack.

    ``vmap(func)(x)`` equals ``stack([func(x[0]), func(x[1]), ...])``, which is how
    minigrad computes it: there are no batching rules, so ``func`` runs once per sample
    and the time grows with the batch (PyTorch runs it once on the whole batch). The
    numbers are PyTorch's for functions without side effects (a function that writes to
    a captured tensor, or prints, does so once per sample here).

    Parameters
    ----------
    func : callable
        Takes the inputs with the mapped dimension removed; returns a tensor or a pytree
        of tensors.
    in_dims : int or tuple
        The dimension of each input to map over: an int for all of them, or a tuple with
        one entry per positional argument, each an int, None (not mapped: passed whole
        to every call) or a nested tuple/list/dict matching that argument's structure.
        Keyword arguments are never mapped.
    out_dims : int, None or tuple
        Where the mapped dimension goes in each output; None for an output that does
        not depend on the sample (checked: its values must be the same in every call).
    randomness : str
        ``"error"`` (a random draw inside ``func`` raises ``RuntimeError``), ``"same"``
        or ``"different"``; see `minigrad.func.randomness`.
    chunk_size : int, optional
        Checked and otherwise unused (the loop already runs one sample at a time).

    Returns
    -------
    callable
        Called with the batched inputs, it returns ``func``'s outputs stacked along
        ``out_dims``.

    Examples
    --------
    >>> x = minigrad.arange(6.0).reshape(2, 3)
    >>> vmap(lambda row: row.sum())(x)
    tensor([ 3., 12.])
    """
    check_randomness(randomness)
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not args:
            raise ValueError(f"vmap({_name(func)})(<inputs>): got no inputs. Maybe you forgot "
                             "to add inputs, or you are trying to vmap over a function with "
                             "no inputs. The latter is unsupported.")
        dims = _in_dims(func, in_dims, args)
        leaves, spec = tree_flatten(args)
        size = _batch_size(leaves, dims)
        same = SameDraws() if randomness == "same" else None

        def call(sample: list) -> Any:
            if same is not None:
                same.restart()
            with watch_randomness(randomness):
                return func(*tree_unflatten(sample, spec), **kwargs)

        if size == 0:
            output, columns = _empty_batch(call, leaves, dims)
        else:
            results = [call(_slice(leaves, dims, b)) for b in range(size)]
            output = results[0]
            for result in results[1:]:
                _check_same_structure(func, tree_flatten(output)[1], tree_flatten(result)[1])
            columns = [list(c) for c in zip(*(tree_flatten(r)[0] for r in results))]
        dims_out = _out_dims(func, out_dims, output)
        combined = [_combine(func, c, d, size) for c, d in zip(columns, dims_out)]
        return tree_unflatten(combined, tree_flatten(output)[1])

    return wrapped


def _check_same_structure(func: Callable, first: TreeSpec, other: TreeSpec) -> None:
    if other != first:
        raise ValueError(f"vmap({_name(func)}, ...): `{_name(func)}` returned outputs of "
                         f"different structures for different samples ({first} and {other}); "
                         "vmap needs one structure")

