"""Stateless neural-network functions: layers, activations and losses on tensors.

Everything here is written with the primitives of ``minigrad.ops``, so gradients (and
gradients of gradients) come for free. The modules of ``minigrad.nn`` are thin stateful
shells around these functions. Usually imported as ``import minigrad.nn.functional as F``.

The functions live in one file per family, all re-exported here:

* ``activations``: relu, gelu, silu, softmax, ...
* ``dense``: linear, embedding, one_hot; ``bags``: embedding_bag
* ``convolution``: conv1d, conv3d, conv_transpose1d/2d/3d (conv2d, unfold and fold come
  from ``ops``)
* ``pooling``: the 1-D and 3-D poolings (the 2-D ones come from ``ops``); ``unpooling``:
  max_unpool1d, max_unpool2d, max_unpool3d; ``fractional_pooling``: fractional_max_pool2d/3d
* ``padding``: pad, with every mode and negative amounts
* ``resampling``: interpolate, pixel_shuffle, pixel_unshuffle, channel_shuffle
* ``sampling``: affine_grid, grid_sample
* ``distance``: cosine_similarity, pairwise_distance, pdist
* ``attention``: scaled_dot_product_attention
* ``dropouts``: dropout, dropout1d, dropout2d, dropout3d
* ``normalization``: batch_norm, layer_norm, group_norm, instance_norm, rms_norm, normalize
* ``losses``: regression, binary, KL and likelihood losses; ``classification``: nll_loss,
  cross_entropy; ``ctc``: ctc_loss; ``margin_losses``: ranking, hinge, soft-margin, cosine and triplet losses
"""
from ...ops import flatten
from ...ops.conv import conv2d, fold, unfold
from ...ops.pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from .activations import (celu, celu_, elu, elu_, gelu, glu, hardsigmoid, hardswish, hardtanh, leaky_relu, log_softmax, logsigmoid,
                          mish, prelu, relu, relu6, selu, sigmoid, silu, softmax, softmin,
                          softplus, softsign, tanh, threshold)
from .activations import hardtanh_, leaky_relu_, relu_, selu_, threshold_
from .activations import hardshrink, softshrink, tanhshrink
from .activations import gumbel_softmax, rrelu, rrelu_
from .attention import scaled_dot_product_attention
from .bags import embedding_bag
from .classification import cross_entropy, nll_loss
from .ctc import ctc_loss
from .convolution import conv1d, conv_transpose1d, conv_transpose2d
from .convolution import conv3d, conv_transpose3d
from .dense import bilinear, embedding, linear, one_hot
from .dropouts import alpha_dropout, dropout, dropout1d, dropout2d, feature_alpha_dropout
from .dropouts import dropout3d
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits,
                     gaussian_nll_loss, huber_loss, kl_div, l1_loss, mse_loss, poisson_nll_loss,
                     smooth_l1_loss)
from .margin_losses import (cosine_embedding_loss, hinge_embedding_loss, margin_ranking_loss,
                            multilabel_soft_margin_loss, soft_margin_loss, triplet_margin_loss)
from .margin_losses import (multi_margin_loss, multilabel_margin_loss,
                            triplet_margin_with_distance_loss)
from .normalization import (batch_norm, group_norm, instance_norm, layer_norm,
                            local_response_norm, normalize, rms_norm)
from .distance import cosine_similarity, pairwise_distance, pdist
from .fractional_pooling import (fractional_max_pool2d, fractional_max_pool2d_with_indices,
                                 fractional_max_pool3d, fractional_max_pool3d_with_indices)
from .padding import pad
from .pooling import (adaptive_avg_pool1d, adaptive_max_pool1d, adaptive_max_pool2d, avg_pool1d,
                      max_pool1d)
from .pooling import (adaptive_max_pool1d_with_indices, adaptive_max_pool2d_with_indices,
                      lp_pool1d, lp_pool2d, max_pool1d_with_indices, max_pool2d_with_indices)
from .pooling import (adaptive_avg_pool3d, adaptive_max_pool3d, adaptive_max_pool3d_with_indices,
                      avg_pool3d, lp_pool3d, max_pool3d, max_pool3d_with_indices)
from .resampling import channel_shuffle, interpolate, pixel_shuffle, pixel_unshuffle
from .resampling import upsample, upsample_bilinear, upsample_nearest
from .sampling import affine_grid, grid_sample
from .unpooling import max_unpool1d, max_unpool2d, max_unpool3d

__all__ = [
    # layers
    "linear", "bilinear", "embedding", "embedding_bag", "one_hot", "conv1d", "conv2d", "conv_transpose1d",
    "conv_transpose2d", "unfold", "fold", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d",
    "max_pool1d", "avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d", "adaptive_max_pool2d",
    "max_pool1d_with_indices", "max_pool2d_with_indices", "lp_pool1d", "lp_pool2d", "max_unpool1d", "max_unpool2d", "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices", "flatten",
    "conv3d", "conv_transpose3d", "max_pool3d", "avg_pool3d", "adaptive_avg_pool3d",
    "adaptive_max_pool3d", "max_pool3d_with_indices", "adaptive_max_pool3d_with_indices",
    "lp_pool3d", "max_unpool3d", "fractional_max_pool2d", "fractional_max_pool3d",
    "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices",
    "pad", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "affine_grid", "grid_sample", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "cosine_similarity",
    "pairwise_distance", "pdist", "scaled_dot_product_attention",
    # activations
    "relu", "relu6", "leaky_relu", "hardtanh", "hardsigmoid", "hardswish", "threshold", "elu", "selu", "celu", "gelu", "silu", "mish",
    "relu_", "leaky_relu_", "hardtanh_", "threshold_", "elu_", "selu_", "celu_",
    "softplus", "logsigmoid", "softsign", "hardshrink", "softshrink", "tanhshrink",
    "rrelu", "rrelu_", "gumbel_softmax", "tanh", "sigmoid", "glu", "prelu", "softmax",
    "log_softmax", "softmin",
    # regularisation and normalisation
    "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout", "batch_norm", "instance_norm", "layer_norm",
    "group_norm", "rms_norm", "normalize", "local_response_norm",
    # losses
    "cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss",
    "gaussian_nll_loss", "margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss",
    "multilabel_soft_margin_loss", "cosine_embedding_loss", "triplet_margin_loss",
    "multi_margin_loss", "multilabel_margin_loss", "triplet_margin_with_distance_loss",
    "ctc_loss",
]
