"""Named tuples returned by ops with several results (values and their indices, the
factors of a decomposition), printed as PyTorch's ``torch.return_types`` are
(``minigrad.return_types.sort(values=..., indices=...)``).

``values, indices = x.sort()`` and ``x.sort().values`` both work.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any


def _show(result: Any) -> str:
    """``minigrad.return_types.name(`` and each field on a line of its own, as PyTorch."""
    fields = ",\n".join(f"{name}={value!r}" for name, value in zip(result._fields, result))
    return f"minigrad.return_types.{type(result).__name__}(\n{fields})"


def _named_tuple(name: str, fields: str, doc: str) -> type:
    """A named tuple class ``name`` with ``fields`` (space-separated), printed by `_show`
    as PyTorch prints its return types."""
    base = namedtuple(name, fields)  # type: ignore[misc]  # noqa: PYI024
    return type(name, (base,), {"__doc__": doc, "__slots__": (), "__repr__": _show,
                                "__module__": __name__})


sort = _named_tuple("sort", "values indices", "What ``sort`` returns.")
topk = _named_tuple("topk", "values indices", "What ``topk`` returns.")
max = _named_tuple("max", "values indices", "What ``max(dim=...)`` returns.")
min = _named_tuple("min", "values indices", "What ``min(dim=...)`` returns.")
cummax = _named_tuple("cummax", "values indices", "What ``cummax`` returns.")
cummin = _named_tuple("cummin", "values indices", "What ``cummin`` returns.")
median = _named_tuple("median", "values indices", "What ``median(dim=...)`` returns.")
kthvalue = _named_tuple("kthvalue", "values indices", "What ``kthvalue`` returns.")
nanmedian = _named_tuple("nanmedian", "values indices", "What ``nanmedian(dim=...)`` returns.")
mode = _named_tuple("mode", "values indices", "What ``mode`` returns.")
slogdet = _named_tuple("slogdet", "sign logabsdet", "What ``slogdet`` returns.")
frexp = _named_tuple("frexp", "mantissa exponent",
                     "What ``frexp`` returns: ``input = mantissa * 2**exponent``.")
aminmax = _named_tuple("aminmax", "min max", "What ``aminmax`` returns.")
histogram = _named_tuple("histogram", "hist bin_edges", "What ``histogram`` returns.")
linalg_qr = _named_tuple("linalg_qr", "Q R", "What ``linalg.qr`` returns: ``A = Q R``.")
qr = _named_tuple("qr", "Q R", "What ``qr`` (PyTorch's older spelling of ``linalg.qr``) returns.")
linalg_eigh = _named_tuple("linalg_eigh", "eigenvalues eigenvectors",
                           "What ``linalg.eigh`` returns.")
linalg_svd = _named_tuple("linalg_svd", "U S Vh",
                          "What ``linalg.svd`` returns: ``A = U diag(S) Vh``.")
svd = _named_tuple("svd", "U S V",
                   "What ``svd`` (PyTorch's older spelling) returns: ``A = U diag(S) V^T``.")
linalg_lstsq = _named_tuple("linalg_lstsq", "solution residuals rank singular_values",
                            "What ``linalg.lstsq`` returns.")


# the LU family and the *_ex spellings of minigrad/ops/lu.py
linalg_lu = _named_tuple("linalg_lu", "P L U", "What ``linalg.lu`` returns: ``A = P L U``.")
linalg_lu_factor = _named_tuple("linalg_lu_factor", "LU pivots",
                                "What ``linalg.lu_factor`` returns.")
linalg_lu_factor_ex = _named_tuple("linalg_lu_factor_ex", "LU pivots info",
                                   "What ``linalg.lu_factor_ex`` returns.")
_lu_with_info = _named_tuple("_lu_with_info", "LU pivots info",
                             "What ``lu(..., get_infos=True)`` returns.")
lu_unpack = _named_tuple("lu_unpack", "P L U", "What ``lu_unpack`` returns.")
triangular_solve = _named_tuple("triangular_solve", "solution cloned_coefficient",
                                "What ``triangular_solve`` returns.")
linalg_cholesky_ex = _named_tuple("linalg_cholesky_ex", "L info",
                                  "What ``linalg.cholesky_ex`` returns.")
linalg_inv_ex = _named_tuple("linalg_inv_ex", "inverse info", "What ``linalg.inv_ex`` returns.")
linalg_solve_ex = _named_tuple("linalg_solve_ex", "result info",
                               "What ``linalg.solve_ex`` returns.")
