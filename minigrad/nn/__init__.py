"""Neural-network building blocks: Module and Parameter, layers, losses, and the
stateless functions (``minigrad.nn.functional``) that the layers are made of."""
from . import functional, init, utils
from .activation import (CELU, ELU, GELU, GLU, SELU, Hardtanh, LeakyReLU, LogSigmoid,
                         LogSoftmax, Mish, PReLU, ReLU, ReLU6, Sigmoid, SiLU, Softmax, Softmin,
                         Softplus, Softsign, Tanh)
from .container import (ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential)
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .dropout import Dropout, Dropout1d, Dropout2d
from .flatten import Flatten, Unflatten
from .linear import Identity, Linear
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss,
                   MSELoss, NLLLoss, SmoothL1Loss)
from .module import IncompatibleKeys, Module
from .normalization import (BatchNorm1d, BatchNorm2d, GroupNorm, InstanceNorm1d,
                            InstanceNorm2d, LayerNorm, RMSNorm)
from .parameter import Parameter
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from .rnn import GRU, LSTM, RNN, RNNBase
from .rnn_cells import GRUCell, LSTMCell, RNNCell
from .sparse import Embedding

__all__ = [
    "Module", "Parameter", "IncompatibleKeys",
    # containers
    "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict",
    # layers
    "Identity", "Linear", "Embedding", "Conv1d", "Conv2d", "ConvTranspose1d",
    "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "Flatten", "Unflatten",
    # recurrent
    "RNNBase", "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell",
    # activations
    "ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
    "Hardtanh", "Softplus", "Tanh", "Sigmoid", "LogSigmoid", "Softsign", "GLU", "Softmax",
    "LogSoftmax", "Softmin",
    # regularisation and normalisation
    "Dropout", "Dropout1d", "Dropout2d", "BatchNorm1d", "BatchNorm2d", "InstanceNorm1d",
    "InstanceNorm2d", "LayerNorm", "GroupNorm", "RMSNorm",
    # losses
    "CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss",
    "BCELoss", "BCEWithLogitsLoss", "KLDivLoss",
    "functional", "init", "utils",
]
