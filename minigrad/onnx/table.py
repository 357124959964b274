"""The lowering table: registry name of a primitive -> the function that writes its ONNX.

A lowering is ``lower(g, step)``: it reads the step's arguments through the graph builder
``g`` and writes ONNX nodes whose outputs carry the step's output names. Lowerings are
declared with ``@lowers("name")`` in the ``lower_*`` modules, one family per module, as the
primitives are in ``minigrad.ops``.

Primitives without a lowering are listed in ``NOT_EXPORTABLE`` with the reason, so that
`support` (and the docs table, which a test compares with it) covers every
registered primitive.
"""
from __future__ import annotations

from typing import Callable

LOWERINGS: dict[str, Callable] = {}

NOT_EXPORTABLE: dict[str, str] = {
    "unfold": "im2col has no ONNX operator; conv2d lowers to Conv without it",
    "fold": "col2im, the backward of unfold and of conv2d's input; appears in backward "
            "graphs, no lowering yet",
    "locally_constant": "a mask or sign read from the data (derivative 0) that backward rules "
                        "use; appears in backward graphs only",
    "index_add_at": "the backward of getitem; appears in backward graphs only",
    "scatter_add": "the backward of gather; appears in backward graphs only",
    "setitem": "out-of-place x[index] = v has no lowering yet",
    "binary_cross_entropy": "a loss (training only); no lowering yet",
    "ctc_loss": "a loss (training only); no ONNX operator",
    "ceil": "no lowering yet (ONNX Ceil would do)",
    "cumsum": "no lowering yet (ONNX CumSum would do)",
    "sliding_windows": "Tensor.unfold; no lowering yet (a Gather of the window positions "
                       "would do)",
    "as_strided": "no lowering yet (a Gather of the storage positions would do)",
    "cholesky": "no lowering (ONNX has no Cholesky operator)",
    "inverse": "no lowering (ONNX has no standard matrix-inverse operator)",
    "linalg_qr": "no lowering (ONNX has no QR operator)",
    "linalg_eigh": "no lowering (ONNX has no eigendecomposition operator)",
    "linalg_svd": "no lowering (ONNX has no SVD operator)",
    "linalg_pinv": "no lowering (ONNX has no SVD operator)",
    "linalg_solve_triangular": "no lowering (ONNX has no triangular-solve operator)",
    "linalg_lu": "no lowering (ONNX has no LU operator)",
    "cholesky_solve": "no lowering (ONNX has no triangular-solve operator)",
    "linalg_matrix_exp": "no lowering yet (scaling and squaring with MatMuls would do)",
    "diagonal": "no lowering yet (a Gather at the diagonal's flat positions would do)",
    "diagonal_embed": "diag of a vector and the backward of diagonal; no lowering yet "
                      "(ScatterND would do)",
    "floor": "no lowering yet (ONNX Floor would do)",
    "round": "no lowering yet (ONNX Round, for decimals=0)",
    "sign": "no lowering yet (ONNX Sign would do)",
    "trunc": "no lowering yet (no single ONNX operator)",
    "copy_slices": "an in-place write through a view (y[0].mul_(2) in grad mode); no "
                   "lowering yet",
    "log1p": "no lowering yet (Log(1 + x) would lose log1p's accuracy near 0)",
    "expm1": "no lowering yet (Exp(x) - 1 would lose expm1's accuracy near 0)",
    "sinc": "no lowering yet (no single ONNX operator)",
    "logit": "no lowering yet (no single ONNX operator)",
    "erfc": "no lowering yet (1 - Erf(x) would lose erfc's accuracy for large x)",
    "atan2": "no lowering yet (no single ONNX operator)",
    "hypot": "no lowering yet (no single ONNX operator)",
    "logaddexp": "no lowering yet (no single ONNX operator)",
    "xlogy": "no lowering yet (no single ONNX operator)",
    "erfinv": "no ONNX operator",
    "entr": "no lowering yet (no single ONNX operator)",
    "xlog1py": "no lowering yet (no single ONNX operator)",
    "lgamma": "no ONNX operator",
    "polygamma": "no ONNX operator (digamma and its derivatives)",
    "igamma": "no ONNX operator (the regularised incomplete gamma function)",
    "igammac": "no ONNX operator (the regularised incomplete gamma function)",
    "i0": "no ONNX operator (the modified Bessel function I0)",
    "i1": "no ONNX operator (the modified Bessel function I1)",
    "special_i0e": "no ONNX operator (the scaled modified Bessel function I0)",
    "special_i1e": "no ONNX operator (the scaled modified Bessel function I1)",
    "special_erfcx": "no ONNX operator (the scaled complementary error function)",
    "special_log_ndtr": "no ONNX operator (the log of the normal distribution function)",
    "special_ndtri": "no ONNX operator (the inverse of the normal distribution function)",
    "special_zeta": "no ONNX operator (the Hurwitz zeta function)",
    "addcdiv": "no lowering yet (Div, Mul and Add would do)",
    "logaddexp2": "no lowering yet (no single ONNX operator)",
    "copysign": "no lowering yet (no single ONNX operator)",
    "fmax": "no lowering yet (ONNX Max propagates NaN; fmax ignores it)",
    "fmin": "no lowering yet (ONNX Min propagates NaN; fmin ignores it)",
    "max_pool2d_route": "the backward of max_pool2d; appears in backward graphs only",
    "max_pool2d_gather": "the double backward of max_pool2d; appears in backward graphs only",
}


def lowers(name: str, varying: tuple[int, ...] = ()) -> Callable[[Callable], Callable]:
    """Declare the lowering of primitive ``name``.

    ``varying`` lists the positions of non-tensor arguments that may differ between a run
    at one batch size and a run at another (a reshape's target shape): the lowering turns
    them into shapes that follow the dynamic axes. Any other argument that differs makes
    the export fail, since a number baked into the file would be wrong at other sizes.
    """

    def register(fn: Callable) -> Callable:
        if name in LOWERINGS:
            raise ValueError(f"lowers: {name!r} already has a lowering")
        fn.varying = frozenset(varying)
        LOWERINGS[name] = fn
        return fn

    return register


def support() -> dict[str, str | None]:
    """Every registered primitive -> None when it can be exported, else the reason why not.

    Examples
    --------
    >>> from minigrad.onnx import support
    >>> support()["conv2d"] is None
    True
    """
    from ..autograd import primitives
    from . import lower_conv, lower_math, lower_shape  # noqa: F401  (fill the table)

    return {name: None if name in LOWERINGS else
            NOT_EXPORTABLE.get(name, "no ONNX lowering (a primitive defined outside minigrad?)")
            for name in primitives()}
