"""minigrad: a small, readable automatic-differentiation framework on NumPy."""
import math

import numpy as np

from .tensor import Tensor
from .devices import device, get_default_device, get_device, set_default_device
from .size import Size
from ._printing import set_printoptions
from . import accelerator, backends, cpu, cuda, mps, return_types, version
from . import autograd, ops
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .autograd import (inference_mode, is_anomaly_check_nan_enabled, is_anomaly_enabled,
                       is_inference_mode_enabled)
from .dtypes import get_default_dtype, promote_types, result_type, set_default_dtype
from .creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full,
                       full_like, is_floating_point, is_tensor, linspace, logspace, numel,
                       ones, ones_like, rand, rand_like, randint, randn, randn_like, randperm,
                       tensor, zeros, zeros_like)
from .random import (Generator, get_rng_state, initial_seed, manual_seed, seed,
                     set_rng_state)
from .sampling import bernoulli, binomial, multinomial, normal, poisson
from .serialization import load, save
from .threads import (get_num_interop_threads, get_num_threads, set_num_interop_threads,
                      set_num_threads)
from .tensor_types import (BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor,
                           HalfTensor, IntTensor, LongTensor, ShortTensor)
from . import data, distributions, nn, optim, testing, utils, viz
from . import amp  # mixed precision: GradScaler; autocast is disabled or refused
from .amp import autocast
from .amp.autocast_mode import get_autocast_dtype, is_autocast_enabled
from . import linalg
from . import special  # torch.special's names
from . import onnx, safetensors  # optional extras: their packages load on first use
from .ops import (abs, amax, amin, argmax, argmin, cat, chunk, clamp, cos, exp, flatten,
                  gather, log, log_softmax, logsumexp, matmul, max, maximum, mean, min,
                  minimum, permute, prod, relu, reshape, sigmoid, sin, softmax, split, sqrt,
                  squeeze, stack, std, sum, tanh, transpose, unsqueeze, var, where)
from .ops import (all, allclose, any, argsort, bmm, clone, cumsum, dot, eq, equal, flip, ge,
                  gt, isclose, isfinite, isinf, isnan, le, lt, masked_fill, mm, narrow, ne,
                  nonzero, roll, sort, t, tile, topk, unflatten, unique)
from .ops import ceil, floor, round, sign, trunc  # noqa: A004
from .ops import select, unbind
from .ops import unique_consecutive
from .ops import (acos, acosh, addcdiv, addcmul, asin, asinh, atan, atan2, atanh, clamp_max,
                  clamp_min, cosh, deg2rad, erf, erfc, expm1, fmod, frac, heaviside, hypot,
                  lerp, log10, log1p, log2, logaddexp, logical_and, logical_not, logical_or,
                  logical_xor, logit, nan_to_num, neg, rad2deg, reciprocal, rsqrt, sgn,
                  signbit, sinc, sinh, tan, xlogy)
from .ops import frexp
from .ops import digamma, gcd, isreal, lcm, ldexp, lgamma, mvlgamma, nextafter, polygamma
from .ops import (bitwise_and, bitwise_not, bitwise_or, bitwise_xor, copysign, erfinv, exp2,
                  float_power, fmax, fmin, isneginf, isposinf, logaddexp2, positive)
from .ops import neg as negative  # PyTorch's aliases of the math functions
from .ops import abs as absolute, trunc as fix  # noqa: A004
from .ops import (acos as arccos, acosh as arccosh, asin as arcsin, asinh as arcsinh,
                  atan as arctan, atan2 as arctan2, atanh as arctanh)
from .ops import clamp as clip  # PyTorch's alias of clamp
from .ops.arithmetic import (add, div, floor_divide, mul, pow, remainder, square, sub,
                             true_divide)
from .ops import cat as concat, cat as concatenate  # PyTorch's aliases of cat
from .ops import (addbmm, addmm, addmv, baddbmm, cross, diag, diag_embed, diagflat, diagonal,
                  einsum, inner, mv, outer, tensordot, trace, tril, tril_indices, triu,
                  triu_indices)
from .ops import outer as ger  # PyTorch's old name of outer
from .ops import histogram, renorm
from .ops import adjoint, angle, dsplit, hsplit, is_nonzero, isin, vander, vdot, vsplit
from .dtypes import can_cast
from .nn.functional import (celu, channel_shuffle, hardshrink, pdist, prelu, rrelu, selu,
                            threshold)  # as torch.selu
from .nn.functional import (adaptive_avg_pool1d, avg_pool1d, bilinear, conv1d, conv2d,
                            conv_transpose1d, conv_transpose2d, cosine_similarity, max_pool1d,
                            max_pool2d, pairwise_distance, pixel_shuffle, pixel_unshuffle)
from .nn.functional import conv3d, conv_transpose3d, max_pool3d
from .aten_spellings import (alpha_dropout, detach, dropout, feature_alpha_dropout,
                             group_norm, is_complex, is_same_size, layer_norm)
from .settings import (are_deterministic_algorithms_enabled, get_float32_matmul_precision,
                       is_deterministic_algorithms_warn_only_enabled,
                       set_float32_matmul_precision, use_deterministic_algorithms)
from .settings import (is_warn_always_enabled, set_default_tensor_type, set_flush_denormal,
                       set_warn_always)
from .type_objects import (channels_last, channels_last_3d, contiguous_format, dtype, layout,
                           memory_format, preserve_format, sparse_bsc, sparse_bsr, sparse_coo,
                           sparse_csc, sparse_csr, strided)
from .type_info import finfo, iinfo
from .linalg import inv as inverse  # torch.inverse
from .ops import cholesky, det, logdet, slogdet
from .ops import matrix_exp, pinverse, qr, svd
from .ops import (cholesky_inverse, cholesky_solve, lu, lu_solve, lu_unpack,
                  triangular_solve)
from .ops import geqrf, orgqr, ormqr
from .ops.removed_linalg import eig, lstsq, matrix_rank, solve, symeig
from .ops import masked_scatter, narrow_copy, put, unravel_index
from .ops import as_strided, as_strided_
from .ops import (aminmax, corrcoef, cov, cumulative_trapezoid, dist, logcumsumexp, matrix_power,
                  msort, ravel, trapezoid, trapz)
from .ops import gradient, histogramdd, segment_reduce
from .ops import (chain_matmul, diagonal_scatter, histc, index_put, index_put_, scatter_reduce,
                  select_scatter, slice_scatter)
from .ops import (argwhere, block_diag, bucketize, cartesian_prod, combinations, fliplr, flipud,
                  kron, kthvalue, nanquantile, quantile, rot90, searchsorted)
from .ops import (index_add, index_copy, index_fill, index_reduce, index_select,
                  masked_select, repeat_interleave, scatter, scatter_add, take, take_along_dim)
from .ops import (atleast_1d, atleast_2d, atleast_3d, broadcast_shapes, broadcast_tensors,
                  broadcast_to, column_stack, dstack, hstack, meshgrid, moveaxis, movedim,
                  row_stack, split_with_sizes, swapaxes, swapdims, tensor_split, vstack)
from .ops import (bincount, cdist, count_nonzero, cummax, cummin, cumprod, diff, median,
                  nanmean, nansum, norm, std_mean, var_mean)
from .ops.arithmetic import rsub
from .ops.arithmetic import div as divide, mul as multiply, sub as subtract  # aliases
from .ops import (ge as greater_equal, gt as greater, le as less_equal, lt as less,
                  ne as not_equal)
from .ops import i0, mode, nanmedian
from .aten_spellings import batch_norm, embedding, feature_dropout, instance_norm
from .creation import asarray, empty_strided
from .creation import randint_like
from .buffer_factories import frombuffer, scalar_tensor
from .window_functions import (bartlett_window, blackman_window, hamming_window, hann_window,
                               kaiser_window)
from .ops import addr, bitwise_left_shift, bitwise_right_shift, igamma, igammac
from .aten_spellings import (conj, conj_physical, fill, is_conj, is_inference, is_neg,
                             is_signed, nuclear_norm, resolve_conj, resolve_neg, unsafe_chunk,
                             unsafe_split)
from .tensor_types import typename
from .aten_functions import (binary_cross_entropy_with_logits, constant_pad_nd, convolution,
                             cosine_embedding_loss, frobenius_norm, hinge_embedding_loss,
                             kl_div, margin_ranking_loss, native_batch_norm, native_dropout,
                             native_layer_norm, poisson_nll_loss, rms_norm,
                             triplet_margin_loss)
from .ops import nonzero_static
from .layout_factories import empty_permuted
from .copy_functions import (alias_copy, as_strided_copy, as_strided_scatter, detach_copy,
                             diagonal_copy, expand_copy, permute_copy, select_copy, slice_copy,
                             split_copy, split_with_sizes_copy, squeeze_copy, t_copy,
                             transpose_copy, unbind_copy, unfold_copy, unsqueeze_copy,
                             view_copy)
from .aten_functions import deprecated_range as range  # noqa: A004  (as torch.range)
from .inplace_functions import (  # torch.relu_(x) and the like: the methods as functions
    abs_, acos_, acosh_, addmv_, arccos_, arccosh_, arcsin_, arcsinh_, arctan_, arctanh_,
    asin_, asinh_, atan_, atanh_, ceil_, clamp_, clamp_max_, clamp_min_, clip_,
    conj_physical_, cos_, cosh_, deg2rad_, detach_, erf_, erfc_, exp2_, exp_, expm1_, fill_,
    fix_, floor_, frac_, gcd_, i0_, lcm_, ldexp_, log10_, log1p_, log2_, log_, logit_,
    nan_to_num_, neg_, negative_, rad2deg_, reciprocal_, relu_, resize_as_, round_, rsqrt_,
    sigmoid_, sin_, sinc_, sinh_, sqrt_, square_, tan_, tanh_, trunc_, xlogy_, zero_)
from .nn.functional import celu_, rrelu_, selu_, threshold_
from .aten_spellings import (alpha_dropout_, dropout_, embedding_renorm_,
                             feature_alpha_dropout_, feature_dropout_, unsafe_split_with_sizes)
from .compilation import compile  # noqa: A004  (as torch.compile: an identity here)
from . import func  # torch.func: grad, vjp, jvp, jacrev, jacfwd, hessian, vmap (a loop)
from .func import vmap
from . import sparse  # torch.sparse: mm, addmm, sum with sparse COO tensors
from . import profiler  # torch.profiler: profile, record_function, schedule
from .autograd import profiler as _autograd_profiler  # noqa: F401  (torch.autograd.profiler)
from .sparse_tensors import sparse_coo_tensor
from .ops.linalg import mm as spmm  # torch.spmm: mm with a sparse first operand

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
uint8 = np.dtype(np.uint8)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)
# PyTorch's other names for them (these shadow builtins here, so they come last).
half = float16
float = float32  # noqa: A001  (as torch.float)
double = float64
short = int16
int = int32  # noqa: A001  (as torch.int)
long = int64
bool = bool_  # noqa: A001  (as torch.bool)

# PyTorch's constants: Python floats (the math module's), and None for indexing.
pi = math.pi
e = math.e
inf = math.inf
nan = math.nan
newaxis = None

from .version import __version__  # noqa: E402  (one place: minigrad/version.py)
