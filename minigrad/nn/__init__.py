"""Neural-network building blocks: Module and Parameter, layers, losses, and the
stateless functions (``minigrad.nn.functional``) that the layers are made of."""
from . import functional, init, utils
from .activation import (CELU, ELU, GELU, GLU, SELU, Hardsigmoid, Hardswish, Hardtanh, LeakyReLU, LogSigmoid,
                         LogSoftmax, Mish, PReLU, ReLU, ReLU6, Sigmoid, SiLU, Softmax, Softmin,
                         Softplus, Softsign, Tanh, Threshold)
from .activation import Hardshrink, RReLU, Softmax2d, Softshrink, Tanhshrink
from .adaptive import AdaptiveLogSoftmaxWithLoss
from .attention import MultiheadAttention
from .container import (ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential)
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .conv import Conv3d, ConvTranspose3d
from .dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d, FeatureAlphaDropout
from .dropout import Dropout3d
from .flatten import Flatten, Unflatten
from .linear import Bilinear, Identity, Linear
from .lazy import (LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyConv1d, LazyConv2d,
                   LazyConvTranspose1d, LazyConvTranspose2d, LazyInstanceNorm1d,
                   LazyInstanceNorm2d, LazyInstanceNorm3d, LazyLinear,
                   UninitializedBuffer, UninitializedParameter)
from .lazy import LazyConv3d, LazyConvTranspose3d
from .loss import (BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss,
                   GaussianNLLLoss, HingeEmbeddingLoss, HuberLoss, KLDivLoss, L1Loss,
                   MarginRankingLoss, MSELoss, MultiLabelSoftMarginLoss, NLLLoss, NLLLoss2d,
                   PoissonNLLLoss, SmoothL1Loss, SoftMarginLoss, TripletMarginLoss, MultiMarginLoss,
                   MultiLabelMarginLoss, TripletMarginWithDistanceLoss)
from .loss import CTCLoss
from .module import IncompatibleKeys, Module
from . import parallel
from .parallel import DataParallel
from .normalization import CrossMapLRN2d, LocalResponseNorm, SyncBatchNorm
from .normalization import (BatchNorm1d, BatchNorm2d, BatchNorm3d, GroupNorm,
                            InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LayerNorm, RMSNorm)
from .parameter import Buffer, Parameter
from .distance import CosineSimilarity, PairwiseDistance
from .padding import (CircularPad1d, CircularPad2d, ConstantPad1d, ConstantPad2d, ConstantPad3d,
                      ReflectionPad1d, ReflectionPad2d, ReplicationPad1d, ReplicationPad2d,
                      ZeroPad1d, ZeroPad2d)
from .padding import CircularPad3d, ReflectionPad3d, ReplicationPad3d, ZeroPad3d
from .pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d,
                      AdaptiveMaxPool2d, AvgPool1d, AvgPool2d, Fold, MaxPool1d, MaxPool2d, Unfold)
from .pooling import LPPool1d, LPPool2d, MaxUnpool1d, MaxUnpool2d
from .pooling import (AdaptiveAvgPool3d, AdaptiveMaxPool3d, AvgPool3d, LPPool3d, MaxPool3d,
                      MaxUnpool3d)
from .pooling import FractionalMaxPool2d, FractionalMaxPool3d
from .transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer,
                          TransformerEncoder, TransformerEncoderLayer)
from .upsampling import (ChannelShuffle, PixelShuffle, PixelUnshuffle, Upsample,
                         UpsamplingBilinear2d, UpsamplingNearest2d)
from .rnn import GRU, LSTM, RNN, RNNBase
from .rnn_cells import GRUCell, LSTMCell, RNNCell, RNNCellBase
from .sparse import Embedding, EmbeddingBag

__all__ = [
    "Module", "Parameter", "Buffer", "IncompatibleKeys",
    # containers
    "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict",
    # layers
    "Identity", "Linear", "Bilinear", "LazyLinear", "LazyConv1d", "LazyConv2d",
    "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyConvTranspose1d",
    "LazyConvTranspose2d", "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d", "UninitializedParameter", "UninitializedBuffer", "Embedding", "EmbeddingBag", "Conv1d", "Conv2d", "ConvTranspose1d",
    "ConvTranspose2d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "MaxUnpool1d", "MaxUnpool2d", "LPPool1d", "LPPool2d", "Fold", "Unfold", "Flatten", "Unflatten", "Upsample",
    "UpsamplingNearest2d", "UpsamplingBilinear2d",
    "Conv3d", "ConvTranspose3d", "LazyConv3d", "LazyConvTranspose3d", "MaxPool3d", "AvgPool3d",
    "AdaptiveAvgPool3d", "AdaptiveMaxPool3d", "LPPool3d", "MaxUnpool3d",
    "FractionalMaxPool2d", "FractionalMaxPool3d",
    "PixelShuffle", "PixelUnshuffle", "ChannelShuffle", "CosineSimilarity", "PairwiseDistance",
    "ZeroPad1d", "ZeroPad2d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d", "ReplicationPad2d",
    "CircularPad1d", "CircularPad2d",
    "ZeroPad3d", "ReflectionPad3d", "ReplicationPad3d", "CircularPad3d",
    # attention
    "MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder",
    "TransformerDecoderLayer", "TransformerDecoder", "Transformer",
    # recurrent
    "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell",
    # activations
    "ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
    "Hardtanh", "Hardsigmoid", "Hardswish", "Threshold", "Softplus", "Tanh", "Sigmoid", "LogSigmoid", "Softsign", "GLU", "Softmax",
    "LogSoftmax", "Softmin", "Softmax2d", "RReLU", "Hardshrink", "Softshrink", "Tanhshrink",
    # regularisation and normalisation
    "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d",
    "InstanceNorm2d", "InstanceNorm3d", "LayerNorm", "GroupNorm", "RMSNorm", "LocalResponseNorm",
    "SyncBatchNorm", "CrossMapLRN2d",
    # losses
    "CrossEntropyLoss", "NLLLoss", "NLLLoss2d", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss",
    "BCELoss", "BCEWithLogitsLoss", "KLDivLoss", "PoissonNLLLoss", "GaussianNLLLoss",
    "MarginRankingLoss", "HingeEmbeddingLoss", "SoftMarginLoss", "MultiLabelSoftMarginLoss",
    "CosineEmbeddingLoss", "TripletMarginLoss", "MultiMarginLoss", "MultiLabelMarginLoss",
    "TripletMarginWithDistanceLoss", "CTCLoss", "AdaptiveLogSoftmaxWithLoss",
    # wrappers
    "DataParallel",
    "functional", "init", "utils", "parallel",
]

from . import modules  # noqa: E402  (PyTorch's torch.nn.modules paths; needs the above)
# nn.utils submodules built on Module and the containers (nn.module imports nn.utils).
from .utils import fusion, parametrize, parametrizations, prune, stateless  # noqa: E402,F401
