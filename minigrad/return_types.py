"""Named tuples returned by ops with several results (values and their indices, the
factors of a decomposition), printed as PyTorch's ``torch.return_types`` are
(``minigrad.return_types.sort(values=..., indices=...)``).

``values, indices = x.sort()`` and ``x.sort().values`` both work.
"""
from __future__ import annotations

from typing import Any, NamedTuple


def _show(result: Any) -> str:
    """``minigrad.return_types.name(`` and each field on a line of its own, as PyTorch."""
    fields = ",\n".join(f"{name}={value!r}" for name, value in zip(result._fields, result))
    return f"minigrad.return_types.{type(result).__name__}(\n{fields})"


class sort(NamedTuple):  # noqa: N801  (named as the op, like torch.return_types.sort)
    """What ``sort`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class topk(NamedTuple):  # noqa: N801
    """What ``topk`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class max(NamedTuple):  # noqa: N801, A001
    """What ``max(dim=...)`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class min(NamedTuple):  # noqa: N801, A001
    """What ``min(dim=...)`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class cummax(NamedTuple):  # noqa: N801
    """What ``cummax`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class cummin(NamedTuple):  # noqa: N801
    """What ``cummin`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class median(NamedTuple):  # noqa: N801
    """What ``median(dim=...)`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class kthvalue(NamedTuple):  # noqa: N801
    """What ``kthvalue`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class nanmedian(NamedTuple):  # noqa: N801
    """What ``nanmedian(dim=...)`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class mode(NamedTuple):  # noqa: N801
    """What ``mode`` returns."""

    values: Any
    indices: Any

    def __repr__(self) -> str:
        return _show(self)


class slogdet(NamedTuple):  # noqa: N801
    """What ``slogdet`` returns."""

    sign: Any
    logabsdet: Any

    def __repr__(self) -> str:
        return (f"minigrad.return_types.slogdet(\nsign={self.sign!r},\n"
                f"logabsdet={self.logabsdet!r})")


class frexp(NamedTuple):  # noqa: N801
    """What ``frexp`` returns: ``input = mantissa * 2**exponent``."""

    mantissa: Any
    exponent: Any

    def __repr__(self) -> str:
        return (f"minigrad.return_types.frexp(\nmantissa={self.mantissa!r},\n"
                f"exponent={self.exponent!r})")


class aminmax(NamedTuple):  # noqa: N801
    """What ``aminmax`` returns."""

    min: Any
    max: Any

    def __repr__(self) -> str:
        return f"minigrad.return_types.aminmax(\nmin={self.min!r},\nmax={self.max!r})"


class histogram(NamedTuple):  # noqa: N801
    """What ``histogram`` returns."""

    hist: Any
    bin_edges: Any

    def __repr__(self) -> str:
        return (f"minigrad.return_types.histogram(\nhist={self.hist!r},\n"
                f"bin_edges={self.bin_edges!r})")


class histogramdd(NamedTuple):  # noqa: N801
    """What ``histogramdd`` returns: the counts and a tuple of edges per dimension."""

    hist: Any
    bin_edges: Any

    def __repr__(self) -> str:
        return (f"minigrad.return_types.histogramdd(\nhist={self.hist!r},\n"
                f"bin_edges={self.bin_edges!r})")


class linalg_qr(NamedTuple):  # noqa: N801
    """What ``linalg.qr`` returns: ``A = Q R``."""

    Q: Any
    R: Any

    def __repr__(self) -> str:
        return _show(self)


class linalg_ldl_factor(NamedTuple):  # noqa: N801
    """What ``linalg.ldl_factor`` returns: the compact factors and the pivots."""

    LD: Any
    pivots: Any

    def __repr__(self) -> str:
        return _show(self)


class linalg_ldl_factor_ex(NamedTuple):  # noqa: N801
    """What ``linalg.ldl_factor_ex`` returns: ``ldl_factor``'s pair and LAPACK's ``info``."""

    LD: Any
    pivots: Any
    info: Any

    def __repr__(self) -> str:
        return _show(self)


class geqrf(NamedTuple):  # noqa: N801
    """What ``geqrf`` returns: R and the reflectors in ``a``, their scales in ``tau``."""

    a: Any
    tau: Any

    def __repr__(self) -> str:
        return _show(self)


class qr(NamedTuple):  # noqa: N801
    """What ``qr`` (PyTorch's older spelling of ``linalg.qr``) returns."""

    Q: Any
    R: Any

    def __repr__(self) -> str:
        return _show(self)


class linalg_eigh(NamedTuple):  # noqa: N801
    """What ``linalg.eigh`` returns."""

    eigenvalues: Any
    eigenvectors: Any

    def __repr__(self) -> str:
        return _show(self)


class linalg_svd(NamedTuple):  # noqa: N801
    """What ``linalg.svd`` returns: ``A = U diag(S) Vh``."""

    U: Any
    S: Any
    Vh: Any

    def __repr__(self) -> str:
        return _show(self)


class svd(NamedTuple):  # noqa: N801
    """What ``svd`` (PyTorch's older spelling) returns: ``A = U diag(S) V^T``."""

    U: Any
    S: Any
    V: Any

    def __repr__(self) -> str:
        return _show(self)


class linalg_lstsq(NamedTuple):  # noqa: N801
    """What ``linalg.lstsq`` returns."""

    solution: Any
    residuals: Any
    rank: Any
    singular_values: Any

    def __repr__(self) -> str:
        return _show(self)


class linalg_lu(NamedTuple):  # noqa: N801
    """What ``linalg.lu`` returns: ``A = P L U``."""

    P: Any
    L: Any
    U: Any

    def __repr__(self) -> str:
        return _show(self)


class linalg_lu_factor(NamedTuple):  # noqa: N801
    """What ``linalg.lu_factor`` returns."""

    LU: Any
    pivots: Any

    def __repr__(self) -> str:
        return _show(self)


class linalg_lu_factor_ex(NamedTuple):  # noqa: N801
    """What ``linalg.lu_factor_ex`` returns."""

    LU: Any
    pivots: Any
    info: Any

    def __repr__(self) -> str:
        return _show(self)


class _lu_with_info(NamedTuple):  # noqa: N801
    """What ``lu(..., get_infos=True)`` returns."""

    LU: Any
    pivots: Any
    info: Any

    def __repr__(self) -> str:
        return _show(self)


class lu_unpack(NamedTuple):  # noqa: N801
    """What ``lu_unpack`` returns."""

    P: Any
    L: Any
    U: Any

    def __repr__(self) -> str:
        return _show(self)


class triangular_solve(NamedTuple):  # noqa: N801
    """What ``triangular_solve`` returns."""

    solution: Any
    cloned_coefficient: Any

    def __repr__(self) -> str:
        return _show(self)


class linalg_cholesky_ex(NamedTuple):  # noqa: N801
    """What ``linalg.cholesky_ex`` returns."""

    L: Any
    info: Any

    def __repr__(self) -> str:
        return _show(self)


class linalg_inv_ex(NamedTuple):  # noqa: N801
    """What ``linalg.inv_ex`` returns."""

    inverse: Any
    info: Any

    def __repr__(self) -> str:
        return _show(self)


class linalg_solve_ex(NamedTuple):  # noqa: N801
    """What ``linalg.solve_ex`` returns."""

    result: Any
    info: Any

    def __repr__(self) -> str:
        return _show(self)
