"""Random draws parameterised by tensors: ``multinomial``, ``bernoulli``, ``normal``,
``binomial`` and ``poisson``.

Like the random factories they draw from ``generator`` (a ``minigrad.Generator`` or a
``numpy.random.Generator``) or from minigrad's seeded default generator. The streams are
NumPy's, so the numbers differ from PyTorch's for the same seed; the distributions and
the shapes, dtypes and errors are PyTorch's. The results are outside the graph.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import random
from .devices import check_device
from .internal import array_of, wrap
from .autograd.grad_mode import is_grad_enabled
from .dtypes import dtype_arg, get_default_dtype, is_number, scalar_type_name
from .ops._util import broadcast_shape, float_arg, int_arg, size_arg, tensor_arg
from .ops.out_argument import takes_out
from .ops.selection import locally_constant, without_derivative
from .tensor import Tensor


@takes_out("same", resize_warns=False, autograd="none")
def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Any = None) -> Tensor:
    """Indices drawn with probabilities proportional to the weights in ``input``.

    Parameters
    ----------
    input : Tensor
        Non-negative weights, 1-d (one distribution) or 2-d (one per row).
    num_samples : int
    replacement : bool
        Without replacement an index is drawn at most once (then at most as many samples
        as categories); indices of weight 0 come only after all the others.
    generator : minigrad.Generator or numpy.random.Generator, optional

    Returns
    -------
    Tensor
        int64, shape ``(num_samples,)`` or ``(rows, num_samples)``.
    """
    input = tensor_arg("multinomial", input, "input", 1)
    num_samples = int_arg("multinomial", num_samples, "num_samples")
    if input.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{scalar_type_name(input.dtype)}")
    weights = array_of(input).astype(np.float64)
    if weights.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: prob_dist must be 1 or 2 dim, got shape "
                           f"{tuple(input.shape)}")
    if num_samples <= 0:
        raise RuntimeError(f"multinomial: cannot sample n_sample <= 0 samples "
                           f"(got {num_samples})")
    if not replacement and num_samples > weights.shape[-1]:
        raise RuntimeError(f"multinomial: cannot sample n_sample > prob_dist.size(-1) "
                           f"samples without replacement ({num_samples} > "
                           f"{weights.shape[-1]})")
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise RuntimeError("multinomial: probability tensor contains either `inf`, `nan` or "
                           "element < 0")
    rows = weights.reshape(-1, weights.shape[-1])
    if np.any(rows.sum(axis=1) <= 0):
        raise RuntimeError("multinomial: invalid multinomial distribution (sum of "
                           "probabilities <= 0)")
    rng = random.numpy_generator(generator, "multinomial")
    if replacement:
        cumulative = np.cumsum(rows, axis=1)
        u = rng.random((len(rows), num_samples)) * cumulative[:, -1:]
        drawn = np.stack([np.searchsorted(c, row_u, side="right")
                          for c, row_u in zip(cumulative, u)])
        drawn = np.minimum(drawn, rows.shape[1] - 1)
    else:
        # Exponential races: the k smallest of E_i / w_i are a weighted draw without
        # replacement (weight 0 gives an infinite key, so it comes last).
        with np.errstate(divide="ignore"):
            keys = rng.exponential(size=rows.shape) / rows
        drawn = np.argsort(keys, axis=1, kind="stable")[:, :num_samples]
    return wrap(drawn.astype(np.int64).reshape(weights.shape[:-1] + (num_samples,)))


@takes_out("copy", resize_warns=False)
def bernoulli(input: Tensor, *, generator: Any = None) -> Tensor:
    """1 with probability ``input`` and 0 otherwise, elementwise, in ``input``'s dtype."""
    p = array_of(tensor_arg("bernoulli", input, "input", 1))
    check_floating("bernoulli_tensor_cpu_p_", p.dtype)
    if np.any((p < 0) | (p > 1)) or np.any(np.isnan(p)):
        raise RuntimeError("bernoulli: expected 0 <= p <= 1 for every probability")
    rng = random.numpy_generator(generator, "bernoulli")
    return wrap((rng.random(p.shape) < p).astype(p.dtype))


@takes_out()
def normal(mean: Any, std: Any = 1.0, size: Sequence[int] | None = None, *,
           generator: Any = None, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Samples from N(mean, std**2): ``mean`` and ``std`` are numbers (then ``size`` is
    required) or tensors, which broadcast together."""
    check_device(device, "normal")
    rng = random.numpy_generator(generator, "normal")
    for name, value in (("mean", mean), ("std", std)):
        if not isinstance(value, Tensor) and not is_number(value):
            raise TypeError(f"normal(): argument '{name}' must be Tensor or float, not "
                            f"{type(value).__name__}")
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    if not tensors:
        if not isinstance(size, (tuple, list)):
            raise TypeError(f"normal(): with a number mean and std, argument 'size' must be "
                            f"tuple of ints, not {type(size).__name__}")
        dtype = dtype_arg("normal", dtype)
        out_dtype = get_default_dtype() if dtype is None else dtype
        shape = size_arg("normal", (tuple(size),))
    else:
        out_dtype = tensors[0].dtype
        shape = broadcast_shape("normal", *(t.shape for t in tensors))
    check_floating("normal_kernel_cpu", out_dtype)
    m = array_of(mean) if isinstance(mean, Tensor) else mean
    s = array_of(std) if isinstance(std, Tensor) else std
    if not isinstance(std, Tensor):
        check_std("normal", std)
    elif not np.all(s >= 0):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    t = wrap((m + s * rng.standard_normal(shape)).astype(out_dtype))
    t.requires_grad = requires_grad
    return t


def binomial(count: Tensor, prob: Tensor, generator: Any = None) -> Tensor:
    """The number of successes in ``count`` trials of probability ``prob`` each, drawn
    elementwise (the two broadcast), as floats of their dtype.

    ``count`` and ``prob`` must be floating tensors of one dtype. As in PyTorch, nothing
    else is checked: a probability outside [0, 1] acts as the nearer end, a negative count
    as 0, a NaN probability gives NaN. Backward through the result raises.
    """
    count = tensor_arg("binomial", count, "count")
    prob = tensor_arg("binomial", prob, "prob")
    if count.dtype.kind != "f":
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: "
                         f"{scalar_type_name(count.dtype)}")
    if prob.dtype != count.dtype:
        raise RuntimeError(f"binomial: Found dtype {scalar_type_name(prob.dtype)} but "
                           f"expected {scalar_type_name(count.dtype)}")
    n, p = np.broadcast_arrays(array_of(count).astype(np.float64),
                               array_of(prob).astype(np.float64))
    bad = np.isnan(n) | np.isnan(p)
    trials = np.where(bad | (n < 0), 0, np.floor(np.where(bad, 0, n))).astype(np.int64)
    draws = random.numpy_generator(generator, "binomial").binomial(
        trials, np.clip(np.where(bad, 0, p), 0, 1))
    value = np.where(bad, np.nan, draws).astype(count.dtype)
    grad = [t for t in (count, prob) if t.requires_grad and is_grad_enabled()]
    return without_derivative(grad[0], value, "binomial") if grad else wrap(value)


def poisson(input: Tensor, generator: Any = None) -> Tensor:
    """A Poisson draw with rate ``input``, elementwise, in ``input``'s (floating) dtype.
    The gradient with respect to the rate is 0, as PyTorch defines it."""
    rate = tensor_arg("poisson", input, "input")
    if rate.dtype.kind != "f":
        raise NotImplementedError(f"\"poisson_cpu\" not implemented for "
                                  f"'{scalar_type_name(rate.dtype)}'")
    lam = array_of(rate).astype(np.float64)
    if not np.all(lam >= 0):  # NaN fails too
        raise RuntimeError("poisson: invalid Poisson rate, expected rate to be non-negative")
    value = np.asarray(random.numpy_generator(generator, "poisson").poisson(lam))
    value = value.astype(rate.dtype)
    return locally_constant(rate, value) if rate.requires_grad else wrap(value)


# --- checks of the random fills (``Tensor.uniform_``, ``normal_``, ...) -----------------

def check_floating(kernel: str, dtype: np.dtype) -> None:
    """PyTorch's ``NotImplementedError`` naming its ``kernel`` for a draw of floats into
    a tensor of integers or bools (which would silently hold zeros)."""
    if dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{scalar_type_name(dtype)}'")


def check_std(op: str, std: float) -> None:
    """PyTorch's ``RuntimeError`` for a negative (or NaN) standard deviation."""
    if not std >= 0:
        raise RuntimeError(f"{op} expects std >= 0.0, but found std {std:g}")


def uniform_range(dtype: np.dtype, low: Any, high: Any) -> tuple[float, float]:
    """The checked ``[from, to)`` of ``uniform_`` into a tensor of ``dtype``."""
    check_floating("check_uniform_bounds", dtype)
    low = float_arg("uniform_", low, "from", 1)
    high = float_arg("uniform_", high, "to", 2)
    limit = float(np.finfo(dtype).max)
    for name, value in (("from", low), ("to", high)):
        if not -limit <= value <= limit:
            raise RuntimeError(f"uniform_: {name} is out of bounds for {dtype} (got {value})")
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={low:g} > to={high:g}")
    if high - low > limit:
        raise RuntimeError(f"uniform_ expects to-from <= the largest {dtype}, but found "
                           f"to={high:g} and from={low:g}")
    return low, high


def bernoulli_chance(target: Tensor, p: Any) -> Any:
    """The probabilities of ``target.bernoulli_(p)``: a number, or an array of ``p`` (a
    floating tensor) broadcast to ``target``'s shape; PyTorch's errors for anything
    else, and none for an empty ``target``, which gets no draws."""
    if not isinstance(p, Tensor):
        chance = float_arg("bernoulli_", p, "p", 1)
    elif target.numel() == 0:
        return np.zeros(target.shape)
    else:
        check_floating("bernoulli_tensor_cpu_p_", p.dtype)
        try:
            chance = np.broadcast_to(array_of(p).astype(np.float64), target.shape)
        except ValueError:
            raise RuntimeError(f"bernoulli_: the probabilities of shape {tuple(p.shape)} "
                               f"cannot be expanded to the tensor's shape "
                               f"{tuple(target.shape)}") from None
    if not np.all((chance >= 0) & (chance <= 1)):
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return chance
