"""minigrad: a small, readable automatic-differentiation framework on NumPy."""
import numpy as np

from .tensor import Tensor
from . import autograd, ops
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .dtypes import get_default_dtype, promote_types, result_type, set_default_dtype
from .creation import (arange, eye, from_numpy, full, ones, ones_like, rand, randint, randn,
                       tensor, zeros, zeros_like)
from .random import manual_seed
from .serialization import load, save
from . import data, nn, optim, testing, viz
from . import onnx, safetensors  # optional extras: their packages load on first use
from .ops import (abs, amax, amin, argmax, argmin, cat, chunk, clamp, cos, exp, flatten,
                  gather, log, log_softmax, logsumexp, matmul, max, maximum, mean, min,
                  minimum, permute, prod, relu, reshape, sigmoid, sin, softmax, split, sqrt,
                  squeeze, stack, std, sum, tanh, transpose, unsqueeze, var, where)

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)
float = float32  # noqa: A001  (as torch.float)
double = float64
long = int64

__version__ = "0.1.0"
