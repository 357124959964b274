"""How a loss turns per-element losses into its result: ``reduction`` and the legacy
``size_average`` / ``reduce`` flags that PyTorch still accepts."""
from __future__ import annotations

import warnings

from ...tensor import Tensor

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction: str, op: str, allowed: tuple[str, ...] = REDUCTIONS) -> None:
    """Raise PyTorch's ``ValueError`` for a ``reduction`` outside ``allowed``."""
    if reduction not in allowed:
        raise ValueError(f"{op}: {reduction} is not a valid value for reduction (expected "
                         f"one of {', '.join(repr(r) for r in allowed)})")


def legacy_reduction(size_average: bool | None, reduce: bool | None, reduction: str,
                     op: str) -> str:
    """``reduction``, or the one the deprecated flags ask for (with PyTorch's warning):
    ``reduce=False`` gives 'none', ``size_average=False`` 'sum', otherwise 'mean'."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    result = "none" if not reduce else ("mean" if size_average else "sum")
    warnings.warn(f"{op}: size_average and reduce args will be deprecated, please use "
                  f"reduction='{result}' instead.", stacklevel=3)
    return result


def apply_reduction(losses: Tensor, reduction: str, op: str) -> Tensor:
    """``losses.mean()``, ``losses.sum()`` or ``losses`` itself."""
    check_reduction(reduction, op)
    if reduction == "mean":
        return losses.mean()
    return losses.sum() if reduction == "sum" else losses
