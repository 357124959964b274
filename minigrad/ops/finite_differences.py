"""``gradient``: derivatives of sampled values estimated by finite differences, built from
``narrow``, arithmetic and ``cat`` (so it is differentiable, in the values and in the
sample coordinates)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype, is_number
from ..tensor import Tensor
from ._util import normalize_dim
from .broadcasting import reshape
from .cumulative import diff
from .movement import cat, narrow


def gradient(input: Tensor, *, spacing: Any = 1, dim: Any = None,
             edge_order: int = 1) -> tuple[Tensor, ...]:
    """The derivative of ``input`` along each dim in ``dim``, by finite differences.

    Inside, the central difference (second-order accurate, also for unevenly spaced
    samples); at the two ends, a one-sided difference of order ``edge_order``.

    Parameters
    ----------
    input : Tensor
        Samples of a function; integer samples give a float result.
    spacing : number, list of numbers, or list of 1-d Tensors
        The distance between neighbouring samples: one number for every dim, one per dim,
        or the coordinates of the samples along each dim.
    dim : int or list of int, optional
        The dims to differentiate along (all by default).
    edge_order : {1, 2}
        The order of accuracy at the ends; every dim needs ``edge_order + 1`` samples.

    Returns
    -------
    tuple of Tensor
        One derivative per dim, each shaped like ``input``.

    Examples
    --------
    >>> minigrad.gradient(minigrad.tensor([1.0, 4.0, 9.0, 16.0]))
    (tensor([3., 4., 6., 7.]),)
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"gradient(): argument 'input' must be Tensor, not "
                        f"{type(input).__name__}")
    if input.dtype == np.bool_:
        raise RuntimeError("gradient: subtraction of bool tensors is not supported; convert "
                           "the input to a number dtype first")
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = _dims(input, dim)
    steps = _spacings(spacing, len(dims), dim is None, input.ndim)
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError(f"torch.gradient expected each dimension size to be at least "
                               f"edge_order+1 (dim {d} of shape {tuple(input.shape)} has "
                               f"{input.shape[d]}, edge_order={edge_order})")
    values = input if input.dtype.kind in "fc" else input.to(get_default_dtype())
    return tuple(_along(values, d, step, edge_order) for d, step in zip(dims, steps))


def _dims(input: Tensor, dim: Any) -> list[int]:
    """The dims asked for, checked; none for a 0-d input (the result is then empty)."""
    if dim is None:
        return list(range(input.ndim))
    given = [dim] if isinstance(dim, int) else list(dim)
    dims = [normalize_dim(d, input.ndim, "gradient") for d in given]
    for d in dims:
        if dims.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return dims


def _spacings(spacing: Any, count: int, all_dims: bool, ndim: int) -> list:
    """One spacing per dim: a number, or a 1-d tensor of coordinates."""
    if is_number(spacing) or (isinstance(spacing, Tensor) and spacing.ndim == 0):
        return [spacing] * count
    if not isinstance(spacing, (list, tuple)):
        raise TypeError(f"gradient(): argument 'spacing' must be a number, a tuple of "
                        f"numbers or a tuple of Tensors, not {type(spacing).__name__}")
    if len(spacing) != count:
        if all_dims:
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar, "
                               f"or a list of length equal to 'self.dim() = {ndim}', since "
                               f"dim argument was not given, but got a list of length "
                               f"{len(spacing)}")
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or "
                           f"it's spacing and dim arguments to have the same length, but got "
                           f"a spacing argument of length {len(spacing)} and a dim argument "
                           f"of length {count}.")
    for step in spacing:
        if isinstance(step, Tensor) and step.ndim != 1:
            raise RuntimeError(f"torch.gradient expected each element of spacing to have one "
                               f"dimension, but got an element with {step.ndim} dimensions!")
        if not isinstance(step, Tensor) and not is_number(step):
            raise TypeError(f"gradient(): spacing must hold numbers or Tensors, not "
                            f"{type(step).__name__}")
    return list(spacing)


def _along(f: Tensor, dim: int, step: Any, edge_order: int) -> Tensor:
    """The derivative along one dim: [left end, interior, right end] joined."""
    n = f.shape[dim]

    def part(start: int, length: int) -> Tensor:
        return narrow(f, dim, start if start >= 0 else n + start, length)

    if not isinstance(step, Tensor) or step.ndim == 0:
        interior = (part(2, n - 2) - part(0, n - 2)) / (2 * step)
        if edge_order == 1:
            left = (part(1, 1) - part(0, 1)) / step
            right = (part(-1, 1) - part(-2, 1)) / step
        else:
            left = (part(0, 1) * -3 + part(1, 1) * 4 - part(2, 1)) / (2 * step)
            right = (part(-1, 1) * 3 - part(-2, 1) * 4 + part(-3, 1)) / (2 * step)
        return cat([left, interior, right], dim)
    if step.shape[0] != n:
        raise RuntimeError(f"torch.gradient expected the coordinates along dim {dim} to have "
                           f"{n} elements (the size of that dim), but got {step.shape[0]}")
    if step.dtype.kind not in "fc":
        step = step.to(get_default_dtype())
    gaps = reshape(diff(step), (n - 1,) + (1,) * (f.ndim - dim - 1))

    def gap(start: int, length: int) -> Tensor:
        return narrow(gaps, 0, start if start >= 0 else n - 1 + start, length)

    h1, h2 = gap(0, n - 2), gap(1, n - 2)  # the gaps before and after each interior sample
    interior = (part(2, n - 2) * (h1 * h1) - part(0, n - 2) * (h2 * h2)
                + part(1, n - 2) * (h2 * h2 - h1 * h1)) / (h1 * h2 * (h1 + h2))
    if edge_order == 1:
        left = (part(1, 1) - part(0, 1)) / gap(0, 1)
        right = (part(-1, 1) - part(-2, 1)) / gap(-1, 1)
    else:
        left = _one_sided(part(0, 1), part(1, 1), part(2, 1), gap(0, 1), gap(1, 1))
        right = -_one_sided(part(-1, 1), part(-2, 1), part(-3, 1), gap(-1, 1), gap(-2, 1))
    return cat([left, interior, right], dim)


def _one_sided(f0: Tensor, f1: Tensor, f2: Tensor, h1: Tensor, h2: Tensor) -> Tensor:
    """The second-order derivative estimate at ``x0`` from samples at ``x0``, ``x0 + h1``
    and ``x0 + h1 + h2`` (mirrored, ``-_one_sided`` gives the right end)."""
    total = h1 + h2
    return (f0 * -(h1 + total) / (h1 * total) + f1 * total / (h1 * h2)
            - f2 * h1 / (h2 * total))
