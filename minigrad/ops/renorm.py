"""``renorm``: the slices of a tensor along one dim scaled down to a maximum p-norm."""
from __future__ import annotations

from ..tensor import Tensor
from ._util import normalize_dim
from .out_argument import takes_out
from .selection import where
from .norms import norm


@takes_out("same")
def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """Each slice ``input.select(dim, i)`` whose p-norm exceeds ``maxnorm``, scaled down to
    that norm (by ``maxnorm / (norm + 1e-7)``, as PyTorch); the others as they are."""
    if input.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} "
                           "dimensions")
    if not p > 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    dim = normalize_dim(dim, input.ndim, "renorm")
    others = tuple(d for d in range(input.ndim) if d != dim)
    norms = norm(input, p, others, keepdim=True)
    scale = where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)
    return input * scale
