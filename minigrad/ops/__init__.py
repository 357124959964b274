"""The registered primitives and the functions built on them, one family per module."""
from ._util import (as_tensor, check_same_dtype, is_operand, normalize_dim, normalize_dims,
                    shape_arg, size_arg, sizes_arg)
from .reduction import (amax, amin, argmax, argmin, log_softmax, logsumexp, max, mean, min,
                        prod, softmax, std, sum, sum_to, var)
from .elementwise import (abs, add, cast, clone, cos, div, exp, log, mul, neg, positive, pow,
                          relu, sigmoid, sin, sqrt, sub, tanh)
from .selection import bitwise_left_shift, bitwise_right_shift
from .selection import (bitwise, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, clamp,
                        clamp_max, clamp_min, compare, locally_constant, maximum, minimum,
                        where)
from .movement import (cat, chunk, expand, view, view_dtype, flatten, narrow, pad, permute, reshape,
                       select, sliding_windows, split, squeeze, stack, transpose, unbind,
                       unsqueeze)
from .indexing import gather, getitem, setitem
from .linalg import matmul
from .inplace import copy_, fill_, inplace, restride_, setitem_
from .conv import conv2d, fold, unfold
from .pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from .special import erf, erfc, erfinv, softplus
from .gamma import digamma, lgamma, mvlgamma, polygamma
from .incomplete_gamma import igamma, igammac
from .linalg import bmm, dot, mm, vdot
from .logic import is_nonzero, isin, nonzero_static
from .layout import adjoint, dsplit, hsplit, vsplit
from .logic import (all, allclose, any, eq, equal, ge, gt, isclose, isfinite, isinf, isnan, le,
                    lt, masked_fill, ne, nonzero)
from .logic import (isneginf, isposinf, isreal, logical_and, logical_not, logical_or, logical_xor,
                    nan_to_num)
from .sorting import argsort, sort, topk, unique, unique_consecutive
from .cumulative import cumsum
from .layout import flip, repeat, roll, t, tile, unflatten
from .rounding import angle, ceil, floor, frac, round, sgn, sign, signbit, trunc
from .unary_math import (acos, acosh, asin, asinh, atan, atanh, cosh, deg2rad, exp2, expm1,
                         log10, log1p, log2, logit, rad2deg, reciprocal, rsqrt, sinc, sinh, tan,
                         entr, frexp)
from .binary_math import (addcdiv, addcmul, atan2, copysign, float_power, fmax, fmin, fmod,
                          gcd, heaviside, hypot, lcm, ldexp, nextafter, lerp, logaddexp, logaddexp2, xlog1py,
                          xlogy)
from . import arithmetic
from .diagonal import (diag, diag_embed, diagflat, diagonal, trace, tril, tril_indices, triu,
                       triu_indices)
from .linalg import addr
from .linalg import (addbmm, addmm, addmv, baddbmm, cross, det, inner, inv, logdet, mv, outer,
                     slogdet, solve)
from .einsum import einsum, tensordot
from .indexed import (index_add, index_copy, index_fill, index_reduce, index_select,
                      masked_select, repeat_interleave, scatter, scatter_add, take, take_along_dim)
from .layout import (atleast_1d, atleast_2d, atleast_3d, broadcast_shapes, broadcast_tensors,
                     broadcast_to, column_stack, dstack, hstack, meshgrid, moveaxis, movedim,
                     row_stack, split_with_sizes, swapaxes, swapdims, tensor_split, vstack)
from .cumulative import cummax, cummin, cumprod, diff
from .statistics import (bincount, cdist, count_nonzero, median, nanmean, nansum, std_mean,
                         var_mean)
from .norms import norm
from .layout import fliplr, flipud, rot90
from .renorm import renorm
from .construction import block_diag, cartesian_prod, combinations, kron, vander
from .statistics import kthvalue, nanquantile, quantile
from .sorting import bucketize, searchsorted
from .logic import argwhere
from .indexed import scatter_reduce
from .placement import index_put, index_put_, select_scatter, slice_scatter
from .diagonal import diagonal_scatter
from .linalg import cholesky
from .matrix_functions import chain_matmul, multi_dot
from .histograms import histc, histogram
from .histogramdd import histogramdd
from .segment_reduce import segment_reduce
from .cumulative import cumulative_trapezoid, logcumsumexp, trapezoid, trapz
from .finite_differences import gradient
from .statistics import aminmax, corrcoef, cov, dist
from .matrix_functions import matrix_power
from .sorting import msort
from .layout import ravel
from .placement import fill_diagonal_, masked_scatter, put, unravel_index
from .movement import narrow_copy
from .strided import as_strided, as_strided_, strided_view
from .bessel import i0
from .sorting import mode
from .statistics import nanmedian
from .decompositions import legacy_qr as qr, legacy_svd as svd  # torch.qr, torch.svd
from .matrix_functions import matrix_exp, pinverse
from .householder import geqrf, householder_product, orgqr, ormqr
from .lu import (cholesky_inverse, cholesky_solve, legacy_lu as lu, legacy_lu_solve as lu_solve,
                 lu_unpack, triangular_solve)
