"""The registered primitives and the functions built on them, one family per module."""
from ._util import (as_tensor, check_same_dtype, is_operand, normalize_dim, normalize_dims,
                    shape_arg, size_arg)
from .reduction import (amax, amin, argmax, argmin, log_softmax, logsumexp, max, mean, min,
                        prod, softmax, std, sum, sum_to, var)
from .elementwise import (abs, add, cast, clone, cos, div, exp, log, mul, neg, positive, pow,
                          relu, sigmoid, sin, sqrt, sub, tanh)
from .selection import (bitwise, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, clamp,
                        clamp_max, clamp_min, compare, locally_constant, maximum, minimum,
                        where)
from .movement import (cat, chunk, expand, view, flatten, narrow, pad, permute, reshape,
                       select, split, squeeze, stack, transpose, unbind, unsqueeze)
from .indexing import gather, getitem, setitem
from .linalg import matmul
from .inplace import inplace, setitem_
from .conv import conv2d, fold, unfold
from .pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from .special import erf, erfc, erfinv, softplus
from .gamma import digamma, lgamma, mvlgamma, polygamma
from .linalg import bmm, dot, mm
from .logic import (all, allclose, any, eq, equal, ge, gt, isclose, isfinite, isinf, isnan, le,
                    lt, masked_fill, ne, nonzero)
from .logic import (isneginf, isposinf, isreal, logical_and, logical_not, logical_or, logical_xor,
                    nan_to_num)
from .sorting import argsort, sort, topk, unique
from .cumulative import cumsum
from .layout import flip, repeat, roll, t, tile, unflatten
from .rounding import ceil, floor, frac, round, sgn, sign, signbit, trunc
from .unary_math import (acos, acosh, asin, asinh, atan, atanh, cosh, deg2rad, exp2, expm1,
                         log10, log1p, log2, logit, rad2deg, reciprocal, rsqrt, sinc, sinh, tan,
                         entr, frexp)
from .binary_math import (addcdiv, addcmul, atan2, copysign, float_power, fmax, fmin, fmod,
                          gcd, heaviside, hypot, lcm, ldexp, nextafter, lerp, logaddexp, logaddexp2, xlog1py,
                          xlogy)
from . import arithmetic
