"""``minigrad.linalg``: PyTorch's ``torch.linalg`` names for the linear algebra of
`minigrad.ops` (norms, products, ``inv``, ``solve``, ``det`` and ``slogdet``), the
decompositions with their gradients (``qr``, ``eigh``, ``eigvalsh``, ``svd``, ``svdvals``,
``cholesky``), ``householder_product``, the LDL family (``ldl_factor``,
``ldl_factor_ex``, ``ldl_solve``), the LU family (``lu``, ``lu_factor``,
``lu_solve``, and the ``*_ex`` spellings) and what is built on them
(``solve_triangular``, ``pinv``, ``lstsq``, ``matrix_rank``, ``cond``, ``matrix_exp``,
``vander``, ``tensorinv``, ``tensorsolve``)."""
from __future__ import annotations

from .ops.broadcasting import sum as _sum
from .ops.diagonal import diagonal as _diagonal
from .ops.linalg import LinAlgError, cholesky, det, inv, matmul, slogdet, solve
from .ops.matrix_functions import matrix_power, multi_dot
from .ops.linalg import cross as _cross
from .ops.decompositions import eigh, eigvalsh, qr, solve_triangular, svd, svdvals
from .ops.householder import householder_product
from .ops.ldl import ldl_factor, ldl_factor_ex, ldl_solve
from .ops.lu import cholesky_ex, inv_ex, lu, lu_factor, lu_factor_ex, lu_solve, solve_ex
from .ops.matrix_functions import cond, lstsq, matrix_exp, matrix_rank, pinv
from .ops.norms import linalg_norm as norm, matrix_norm, vector_norm
from .ops.out_argument import takes_out
from .ops.tensor_linalg import tensorinv, tensorsolve, vander
from .tensor import Tensor

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eigh",
           "eigvalsh", "householder_product", "inv", "inv_ex", "lstsq", "lu", "lu_factor",
           "lu_factor_ex", "lu_solve", "ldl_factor", "ldl_factor_ex", "ldl_solve", "matmul",
           "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv",
           "qr", "slogdet", "solve", "solve_ex", "solve_triangular", "svd", "svdvals", "tensorinv",
           "tensorsolve", "vander", "vecdot", "vector_norm"]


@takes_out("same")
def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (the last by default)."""
    return _cross(input, other, dim)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonals of the matrices in the last two dims (a view)."""
    return _diagonal(A, offset, dim1, dim2)


@takes_out("same")
def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """The dot product of the vectors along ``dim`` (the inputs broadcast)."""
    return _sum(x * y, dim)

