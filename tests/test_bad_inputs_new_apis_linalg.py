"""Wrong and unusual calls of the Householder functions (``geqrf``, ``orgqr``, ``ormqr``,
``linalg.householder_product``), ``linalg.ldl_*``, ``linalg.vander/tensorinv/tensorsolve``,
the newer ``special`` functions, ``optim.Adafactor/SparseAdam``, ``testing.make_tensor``,
the profiler and ``saved_tensors_hooks``, against PyTorch: both raise the same exception
type, or both return the same values, dtype and shape."""
from __future__ import annotations

import numpy as np
import pytest

from differential import all_agree

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")


def _r(*shape, dtype="float32", seed=0):
    values = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return lambda L: L.tensor(values.copy())


# matrices for each call: name -> lambda L: tensor
MATRICES = {
    "square": _r(3, 3), "tall": _r(4, 2), "wide": _r(2, 4), "batch": _r(2, 3, 3),
    "1-d": _r(3), "0-d": lambda L: L.tensor(1.0), "empty": lambda L: L.ones(0, 3),
    "empty batch": lambda L: L.ones(0, 3, 3), "int64": lambda L: L.ones(3, 3, dtype=L.int64),
    "float64": _r(3, 3, dtype="float64"), "float16": lambda L: L.ones(3, 3, dtype=L.float16),
    "nan": lambda L: L.full((3, 3), NAN), "list": lambda L: [[1.0, 0.0], [0.0, 1.0]],
}
TAUS = {"tau 2": _r(2, seed=1), "tau 4": _r(4, seed=1), "tau 2-d": _r(1, 2, seed=1),
        "tau float64": _r(2, dtype="float64", seed=1),
        "tau int": lambda L: L.ones(2, dtype=L.int64)}


def test_householder_functions():
    programs = {}
    for m, a in MATRICES.items():
        if m == "nan":  # (LAPACK's reflectors of NaN give arbitrary numbers: not compared)
            continue
        programs[f"geqrf {m}"] = lambda L, a=a: tuple(L.geqrf(a(L)))
        for t, tau in TAUS.items():
            programs[f"householder_product {m} {t}"] = (
                lambda L, a=a, tau=tau: L.linalg.householder_product(a(L), tau(L)))
            programs[f"orgqr {m} {t}"] = lambda L, a=a, tau=tau: L.orgqr(a(L), tau(L))
            for left in (True, False):
                programs[f"ormqr {m} {t} left={left}"] = (
                    lambda L, a=a, tau=tau, left=left: L.ormqr(a(L), tau(L), _r(3, 3)(L),
                                                             left=left))
    programs["ormqr other wrong"] = lambda L: L.ormqr(_r(3, 3)(L), _r(2)(L), _r(2, 2)(L))
    programs["ormqr other list"] = lambda L: L.ormqr(_r(3, 3)(L), _r(2)(L), [[1.0]])
    all_agree(programs, rtol=1e-4, atol=1e-5)


def _symmetric(L, n=3, dtype="float32"):
    a = np.random.default_rng(5).standard_normal((n, n))
    return L.tensor((a + a.T).astype(dtype))


def test_ldl_functions():
    programs = {}
    for m, a in MATRICES.items():
        if m == "nan":  # (PyTorch fails an internal assert: not compared)
            continue
        programs[f"ldl_factor {m}"] = lambda L, a=a: tuple(L.linalg.ldl_factor(a(L)))
        programs[f"ldl_factor_ex {m}"] = lambda L, a=a: tuple(L.linalg.ldl_factor_ex(a(L)))
    programs["ldl_factor hermitian"] = lambda L: tuple(L.linalg.ldl_factor(
        _symmetric(L), hermitian=True))

    def solve(L, pivots=None, b=None, **kw):
        ld, piv = L.linalg.ldl_factor(_symmetric(L))
        piv = piv if pivots is None else pivots(L, piv)
        return L.linalg.ldl_solve(ld, piv, _r(3, 2)(L) if b is None else b(L), **kw)
    programs["ldl_solve"] = solve
    programs["ldl_solve b wrong"] = lambda L: solve(L, b=_r(2, 2))
    programs["ldl_solve b 1-d"] = lambda L: solve(L, b=_r(3))
    programs["ldl_solve b float64"] = lambda L: solve(L, b=_r(3, 2, dtype="float64"))
    programs["ldl_solve b int"] = lambda L: solve(L, b=lambda L: L.ones(3, 2, dtype=L.int64))
    programs["ldl_solve pivots float"] = lambda L: solve(L, pivots=lambda L, p: p.float())
    programs["ldl_solve pivots int64"] = lambda L: solve(L, pivots=lambda L, p: p.long())
    programs["ldl_solve pivots short"] = lambda L: solve(L, pivots=lambda L, p: p[:2])
    programs["ldl_solve hermitian"] = lambda L: solve(L, hermitian=True)
    programs["ldl_solve list"] = lambda L: L.linalg.ldl_solve([[1.0]], L.tensor([1]), L.ones(1, 1))
    all_agree(programs, rtol=1e-4, atol=1e-5)


def _linalg_error(L, function, *args, **kwargs):
    """``function(*args, **kwargs)``, its library's ``LinAlgError`` raised as a
    ``ZeroDivisionError`` (the two libraries' classes differ; this compares the kind)."""
    try:
        return function(*args, **kwargs)
    except L.linalg.LinAlgError as error:
        raise ZeroDivisionError(str(error)) from error


def test_vander_tensorinv_tensorsolve():
    programs = {}
    for m, a in MATRICES.items():
        programs[f"vander {m}"] = lambda L, a=a: L.linalg.vander(a(L))
        programs[f"tensorinv {m}"] = lambda L, a=a: L.linalg.tensorinv(a(L), ind=1)
    for n in (None, 0, -1, 1, 4, 2.5):
        programs[f"vander N={n}"] = lambda L, n=n: L.linalg.vander(_r(3)(L), N=n)
        programs[f"vander int N={n}"] = lambda L, n=n: L.linalg.vander(L.tensor([1, 2, 3]), N=n)
    programs["vander bool"] = lambda L: L.linalg.vander(L.tensor([True, False]))
    for ind in (0, -1, 1, 2, 3, 1.5):
        programs[f"tensorinv 4-d ind={ind}"] = (
            lambda L, ind=ind: L.linalg.tensorinv(_r(2, 3, 6)(L).reshape(6, 2, 3), ind=ind))
    programs["tensorinv singular"] = lambda L: _linalg_error(L, L.linalg.tensorinv,
                                                             L.zeros(2, 2), ind=1)
    programs["tensorinv not square"] = lambda L: L.linalg.tensorinv(_r(2, 3, 2)(L), ind=1)
    solves = {
        "right": (_r(2, 3, 6), _r(2, 3), None),
        "dims": (_r(6, 2, 3), _r(2, 3), (0,)),
        "dims out of range": (_r(6, 2, 3), _r(2, 3), (3,)),
        "b wrong": (_r(2, 3, 6), _r(3, 2), None),
        "not square": (_r(2, 3, 5), _r(2, 3), None),
        "b float64": (_r(2, 3, 6), _r(2, 3, dtype="float64"), None),
        "int64": (lambda L: L.ones(2, 3, 6, dtype=L.int64), _r(2, 3), None),
        "singular": (lambda L: L.zeros(2, 3, 6), _r(2, 3), None),
        "b list": (_r(2, 3, 6), lambda L: [1.0], None),
    }
    for name, (a, b, dims) in solves.items():
        programs[f"tensorsolve {name}"] = (
            lambda L, a=a, b=b, dims=dims: _linalg_error(L, L.linalg.tensorsolve, a(L), b(L),
                                                         dims=dims))
    all_agree(programs, rtol=1e-4, atol=1e-4)


UNARY_SPECIAL = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "entr",
                 "erfcx", "i0e", "i1", "i1e", "log_ndtr", "modified_bessel_i0",
                 "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "ndtr",
                 "ndtri", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "sinc",
                 "spherical_bessel_j0", "digamma", "expit", "gammaln", "logit", "exp2",
                 "erfinv", "psi", "round"]
POLYNOMIALS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
               "chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
               "laguerre_polynomial_l", "legendre_polynomial_p",
               "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
               "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w"]
BINARY_SPECIAL = ["xlog1py", "xlogy", "zeta", "gammainc", "gammaincc"]
SPECIAL_INPUTS = {
    "edges": lambda L: L.tensor([NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, 30.0, -30.0]),
    "int64": lambda L: L.tensor([0, 1, 2, -3]), "bool": lambda L: L.tensor([True, False]),
    "float64": lambda L: L.tensor([0.25, 2.0, -1.5], dtype=L.float64),
    "float16": lambda L: L.tensor([0.25, 2.0], dtype=L.float16),
    "empty": lambda L: L.ones(0, 2), "0-d": lambda L: L.tensor(0.75),
    "list": lambda L: [0.5], "number": lambda L: 0.5, "None": lambda L: None,
}

NOT_NAN = lambda L: L.tensor([INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, 30.0, -30.0])  # noqa: E731


def test_special_functions():
    programs = {}
    for kind, x in SPECIAL_INPUTS.items():
        for name in UNARY_SPECIAL:
            programs[f"{name}({kind})"] = lambda L, name=name, x=x: getattr(L.special, name)(x(L))
        for name in POLYNOMIALS:
            for n in (lambda L: 3, lambda L: L.tensor([0, 2, 5]), lambda L: L.tensor(-1),
                      lambda L: L.tensor(2.5), lambda L: 2.5):
                # (PyTorch's polynomials of NaN give arbitrary numbers: not compared)
                xp = NOT_NAN if kind == "edges" else x
                programs[f"{name}({kind}, {n(torch)})"] = (
                    lambda L, name=name, x=xp, n=n: getattr(L.special, name)(x(L), n(L)))
        for name in BINARY_SPECIAL:
            for y in (lambda L: L.tensor([0.5, 2.0]), lambda L: 2, lambda L: L.ones(3)):
                programs[f"{name}({kind}, {y(torch)})"] = (
                    lambda L, name=name, x=x, y=y: getattr(L.special, name)(x(L), y(L)))
        programs[f"polygamma(1, {kind})"] = lambda L, x=x: L.special.polygamma(1, x(L))
        programs[f"polygamma(-1, {kind})"] = lambda L, x=x: L.special.polygamma(-1, x(L))
        programs[f"multigammaln({kind}, 2)"] = lambda L, x=x: L.special.multigammaln(x(L), 2)
        programs[f"multigammaln({kind}, 0)"] = lambda L, x=x: L.special.multigammaln(x(L), 0)
        programs[f"logit({kind}, eps)"] = lambda L, x=x: L.special.logit(x(L), eps=0.1)
    all_agree(programs, rtol=2e-3, atol=1e-5)
