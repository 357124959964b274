"""PyTorch's linear-algebra functions of before 1.9 that it has since removed but still
names: ``torch.solve``, ``torch.lstsq``, ``torch.symeig``, ``torch.eig`` and
``torch.matrix_rank``. Calling one raises RuntimeError, as in PyTorch, saying what replaces
it, so that a program written for old PyTorch fails the same way on minigrad.
"""
from __future__ import annotations

from typing import Any, Callable

_REMOVED = "was deprecated in PyTorch 1.9 and is now removed"


def _removed(name: str, advice: str) -> Callable[..., Any]:
    """A function that refuses every call with PyTorch's RuntimeError and ``advice``."""
    def removed(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        raise RuntimeError(f"This function {_REMOVED}: torch.{name}. {advice}")
    removed.__name__ = removed.__qualname__ = name
    removed.__doc__ = f"Removed in PyTorch (raises RuntimeError): {advice}"
    return removed


solve = _removed("solve", "Use linalg.solve(A, B) instead (its arguments are the other way "
                          "round, and it returns no LU factorization).")
lstsq = _removed("lstsq", "Use linalg.lstsq(A, B).solution instead (its arguments are the "
                          "other way round; the residuals are a field of its result).")
symeig = _removed("symeig", "Use linalg.eigvalsh or linalg.eigh instead (they read the lower "
                            "triangle unless UPLO='U').")
eig = _removed("eig", "Use linalg.eigvals or linalg.eig instead (complex results).")
matrix_rank = _removed("matrix_rank", "Use linalg.matrix_rank instead ('symmetric' is now "
                                      "'hermitian').")
