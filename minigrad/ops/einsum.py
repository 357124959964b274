"""``einsum``, built from the diagonal view, sum, permute, reshape, expand and matmul, so
its gradients (of any order) come from theirs.

The equation is read as in PyTorch: letters ``a-z`` and ``A-Z`` name dims, ``...`` stands
for the dims no letter names (aligned from the right and broadcast across operands), and
without ``->`` the output has the letters seen exactly once, in alphabetical order, after
the ellipsis dims.

The plan: in each operand take the diagonal of a repeated letter and sum away the letters
no one else needs, then multiply the operands in turn, each product one batched
``matmul`` over the shared letters.
"""
from __future__ import annotations

import math
import string
from typing import Any

from ..tensor import Tensor
from .broadcasting import expand, reshape, sum
from .diagonal import Diagonal
from .linalg import matmul
from .movement import permute
from .out_argument import takes_out

_LETTERS = set(string.ascii_letters)


class _Operand:
    """A tensor with one letter per dim (no letter repeated)."""

    def __init__(self, tensor: Tensor, letters: list[str]) -> None:
        self.tensor, self.letters = tensor, letters

    def size(self, letter: str) -> int:
        return self.tensor.shape[self.letters.index(letter)]

    def arranged(self, order: list[str], sizes: dict[str, int]) -> Tensor:
        """The tensor with its dims in ``order`` (a letter it lacks: a new dim of size 1),
        each broadcast to ``sizes``."""
        t = permute(self.tensor, [self.letters.index(c) for c in order if c in self.letters])
        kept = [c for c in order if c in self.letters]
        t = reshape(t, tuple(t.shape[kept.index(c)] if c in kept else 1 for c in order))
        return expand(t, tuple(sizes[c] for c in order))


def _split_equation(equation: str, count: int) -> tuple[list[str], str | None]:
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    terms = inputs.split(",")
    if len(terms) != count:
        raise RuntimeError("einsum(): more operands were provided than specified in the "
                           "equation" if count > len(terms) else
                           f"einsum(): fewer operands were provided than specified in the "
                           f"equation ({equation!r} for {count} operand(s))")
    for term in terms + ([output] if arrow else []):
        bad = set(term.replace("...", "")) - _LETTERS
        if bad or term.count("...") > 1:
            raise RuntimeError(f"einsum(): invalid subscript in equation {equation!r}: "
                               f"subscripts must be letters in [a-zA-Z] and at most one "
                               f"ellipsis per operand")
    return terms, output if arrow else None


def _expand_ellipsis(term: str, ndim: int, ellipsis: list[str], op_index: int) -> list[str]:
    letters = term.replace("...", "")
    if "..." not in term:
        if len(letters) != ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation "
                               f"({len(letters)}) does not match the number of dimensions "
                               f"({ndim}) for operand {op_index}")
        return list(letters)
    extra = ndim - len(letters)
    if extra < 0:
        raise RuntimeError(f"einsum(): the number of subscripts in the equation "
                           f"({len(letters)}) is more than the number of dimensions ({ndim}) "
                           f"for operand {op_index}")
    head, tail = term.split("...")
    return list(head) + ellipsis[len(ellipsis) - extra:] + list(tail)


def _take_diagonals(t: Tensor, letters: list[str]) -> _Operand:
    """Collapse each repeated letter to its diagonal, which moves to the end."""
    while len(set(letters)) != len(letters):
        first = next(c for c in letters if letters.count(c) > 1)
        i = letters.index(first)
        j = letters.index(first, i + 1)
        if t.shape[i] != t.shape[j]:
            raise RuntimeError(f"einsum(): subscript {first} is repeated for an operand but "
                               f"the sizes don't match, {t.shape[i]} != {t.shape[j]}")
        t = Diagonal.apply(t, 0, i, j)
        letters = [c for k, c in enumerate(letters) if k not in (i, j)] + [first]
    return _Operand(t, letters)


def _sum_away(operand: _Operand, needed: set[str]) -> _Operand:
    dims = tuple(i for i, c in enumerate(operand.letters) if c not in needed)
    if not dims:
        return operand
    return _Operand(sum(operand.tensor, dims),
                    [c for c in operand.letters if c in needed])


def _contract(a: _Operand, b: _Operand, needed: set[str], sizes: dict[str, int]) -> _Operand:
    """The product of two operands, summed over the letters they share that are not
    ``needed`` later: one matmul of (batch, a only, shared) by (batch, shared, b only)."""
    batch = [c for c in a.letters if c in b.letters and c in needed]
    shared = [c for c in a.letters if c in b.letters and c not in needed]
    a_only = [c for c in a.letters if c not in b.letters]
    b_only = [c for c in b.letters if c not in a.letters]
    nb, nm, nk, nn = (math.prod(sizes[c] for c in group)
                      for group in (batch, a_only, shared, b_only))
    left = reshape(a.arranged(batch + a_only + shared, sizes), (nb, nm, nk))
    right = reshape(b.arranged(batch + shared + b_only, sizes), (nb, nk, nn))
    out = reshape(matmul(left, right), tuple(sizes[c] for c in batch + a_only + b_only))
    return _Operand(out, batch + a_only + b_only)


def einsum(equation: str, *operands: Any) -> Tensor:
    """Sum of products of the operands' elements, as the equation names them.

    Examples
    --------
    >>> minigrad.einsum("ij,jk->ik", a, b)      # a @ b
    >>> minigrad.einsum("bij->bji", x)          # x.transpose(1, 2)
    >>> minigrad.einsum("ii", m)                # m.trace()
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): the equation must be a str, got {type(equation).__name__}")
    for i, t in enumerate(operands):
        if not isinstance(t, Tensor):
            raise TypeError(f"einsum(): operand {i} must be a Tensor, got "
                            f"{type(t).__name__}")
    terms, output = _split_equation(equation, len(operands))
    width = max([t.ndim - len(term.replace("...", ""))
                 for term, t in zip(terms, operands) if "..." in term] + [0])
    ellipsis = [f"...{i}" for i in range(width)]  # names no letter can clash with
    lettered = [_expand_ellipsis(term, t.ndim, ellipsis, i)
                for i, (term, t) in enumerate(zip(terms, operands))]
    if output is None:
        seen = [c for letters in lettered for c in letters if c not in ellipsis]
        out_letters = ellipsis + sorted({c for c in seen if seen.count(c) == 1})
    else:
        out_letters = _expand_ellipsis(output, width + len(output.replace("...", "")),
                                       ellipsis, -1) if "..." in output else list(output)
        for c in out_letters:
            if out_letters.count(c) > 1 or not any(c in ls for ls in lettered):
                raise RuntimeError(f"einsum(): output subscript {c} "
                                   + ("appears more than once in the output"
                                      if out_letters.count(c) > 1 else
                                      "does not appear in the equation for any input "
                                      "operand"))
    sizes: dict[str, int] = {}
    for letters, t in zip(lettered, operands):
        for c, n in zip(letters, t.shape):
            if sizes.get(c, 1) != 1 and n != 1 and sizes[c] != n:
                raise RuntimeError(f"einsum(): operands do not broadcast with remapped "
                                   f"shapes: subscript {c[-1] if c in ellipsis else c} has "
                                   f"sizes {sizes[c]} and {n}")
            sizes[c] = n if sizes.get(c, 1) == 1 else sizes[c]
    items = [_take_diagonals(t, letters) for t, letters in zip(operands, lettered)]
    for i in range(len(items)):
        others = {c for k, it in enumerate(items) if k != i for c in it.letters}
        items[i] = _sum_away(items[i], others | set(out_letters))
    result = items[0]
    for k in range(1, len(items)):
        later = {c for it in items[k + 1:] for c in it.letters}
        result = _contract(result, items[k], later | set(out_letters), sizes)
    return result.arranged(out_letters, sizes)


@takes_out("same", autograd="record")
def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Sum of products over the last ``dims`` dims of ``a`` and the first ``dims`` dims
    of ``b``, or over the dims listed as ``([dims of a], [dims of b])``; the result has
    ``a``'s other dims, then ``b``'s."""
    for name, t in (("a", a), ("b", b)):
        if not isinstance(t, Tensor):
            raise TypeError(f"tensordot(): argument '{name}' must be Tensor, not "
                            f"{type(t).__name__}")
    if isinstance(dims, Tensor):
        dims = int(dims.item()) if dims.ndim == 0 else dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got "
                               f"dims={dims}")
        pairs = list(zip(range(a.ndim - dims, a.ndim), range(dims)))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
        if len(dims_a) != len(dims_b):
            raise RuntimeError(f"both dimension lists should have same length, got "
                               f"{dims_a} and {dims_b}")
        pairs = [(d % max(a.ndim, 1), e % max(b.ndim, 1)) for d, e in zip(dims_a, dims_b)]
    for d, e in pairs:
        if a.shape[d] != b.shape[e]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[d]} in dim {d} and second has size "
                               f"{b.shape[e]} in dim {e}")
    letters = iter(string.ascii_letters)
    sa = [next(letters) for _ in range(a.ndim)]
    sb = [next(letters) for _ in range(b.ndim)]
    for d, e in pairs:
        sb[e] = sa[d]
    shared = {sa[d] for d, _ in pairs}
    out = [c for c in sa if c not in shared] + [c for c in sb if c not in shared]
    return einsum(f"{''.join(sa)},{''.join(sb)}->{''.join(out)}", a, b)
