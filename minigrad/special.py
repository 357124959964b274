"""``minigrad.special``: PyTorch's ``torch.special`` names for the special functions that
minigrad has (``import minigrad as torch`` then finds ``torch.special.expit``, ...).

Each is the function of ``minigrad.ops`` of the same meaning; ``expit`` is ``sigmoid``,
``gammaln`` is ``lgamma``, ``psi`` is ``digamma``, ``multigammaln`` is ``mvlgamma``,
``gammainc`` and ``gammaincc`` are ``igamma`` and ``igammac``, and
``ndtr`` (the standard normal distribution function) is built from ``erfc``. The Bessel
functions ``i0``, ``i1``, ``i0e`` and ``i1e`` are the primitives of ``minigrad.ops.bessel``;
``erfcx``, ``log_ndtr`` and ``ndtri`` those of ``minigrad.ops.normal_tails``, and ``zeta``
that of ``minigrad.ops.zeta``. The Bessel functions without a gradient in PyTorch (J, Y, K,
...) are in ``minigrad.ops.bessel_functions``, the Airy function ``airy_ai`` in
``minigrad.ops.airy``, the orthogonal polynomials in
``minigrad.ops.orthogonal_polynomials``.
"""
from __future__ import annotations

import math

from . import ops
from .ops import (erf, erfc, erfinv, exp2, expm1, log1p, log_softmax, logit, logsumexp,
                  sinc, softmax, xlogy)
from .ops import digamma, entr, polygamma, xlog1py
from .ops import igamma as gammainc, igammac as gammaincc
from .ops import digamma as psi, lgamma as gammaln, mvlgamma as multigammaln
from .ops import sigmoid as expit
from .ops.airy import airy_ai
from .ops.bessel import i0, i0e, i1, i1e
from .ops.normal_tails import erfcx, log_ndtr, ndtri
from .ops.zeta import zeta
from .ops.bessel_functions import (
    bessel_j0, bessel_j1, bessel_y0, bessel_y1, modified_bessel_i0, modified_bessel_i1,
    modified_bessel_k0, modified_bessel_k1, scaled_modified_bessel_k0,
    scaled_modified_bessel_k1, spherical_bessel_j0)
from .ops.orthogonal_polynomials import (
    chebyshev_polynomial_t, chebyshev_polynomial_u, chebyshev_polynomial_v,
    chebyshev_polynomial_w, hermite_polynomial_h, hermite_polynomial_he, laguerre_polynomial_l,
    legendre_polynomial_p, shifted_chebyshev_polynomial_t, shifted_chebyshev_polynomial_u,
    shifted_chebyshev_polynomial_v, shifted_chebyshev_polynomial_w)
from .ops.out_argument import takes_out
from .tensor import Tensor

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
           "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
           "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1",
           "gammainc", "gammaincc", "gammaln", "hermite_polynomial_h",
           "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
           "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit",
           "logsumexp", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0",
           "modified_bessel_k1", "multigammaln", "ndtr", "ndtri", "polygamma", "psi",
           "round", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
           "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "sinc",
           "softmax", "spherical_bessel_j0", "xlog1py", "xlogy", "zeta"]


@takes_out(autograd="record")
def ndtr(input: Tensor) -> Tensor:
    """The standard normal distribution function ``(1 + erf(x / sqrt(2))) / 2``, computed
    as ``erfc(-x / sqrt(2)) / 2`` so that it keeps its digits in the lower tail."""
    return erfc(input * -math.sqrt(0.5)) * 0.5


@takes_out("same")
def round(input: Tensor, *, decimals: int = 0) -> Tensor:
    """`minigrad.round` of a floating-point tensor; an integer one is refused with
    ``NotImplementedError``, as PyTorch's ``special.round`` does (``minigrad.round``
    returns it unchanged)."""
    if isinstance(input, Tensor) and input.dtype.kind in "iu":
        raise NotImplementedError(f"special.round: \"round_vml_cpu\" not implemented for "
                                  f"{input.dtype} (input of shape {tuple(input.shape)})")
    return ops.round(input, decimals=decimals)
