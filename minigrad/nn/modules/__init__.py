"""``minigrad.nn.modules``: PyTorch's ``torch.nn.modules`` layout over minigrad's files.

Programs name layers by their full PyTorch path (``torch.nn.modules.linear.Linear``,
``from torch.nn.modules.loss import _Loss``, lists of classes for ``safe_globals``).
minigrad keeps its layers in files of its own (``minigrad/nn/linear.py``, ...); this
package maps each of PyTorch's submodule names to the minigrad file that holds those
layers, so the same paths work. The classes are the very same objects as in
``minigrad.nn``.
"""
import sys
import types

from .. import (activation, adaptive, attention, container, conv, distance, dropout, flatten, lazy,
                linear, loss, module, normalization, padding, pooling, rnn, sparse, transformer,
                upsampling)
from .. import *  # noqa: F401,F403  (every layer, as torch.nn.modules exports them)
from .. import __all__  # noqa: F401

# PyTorch's submodule name -> the minigrad module holding those layers.
_SUBMODULES = {
    "activation": activation, "adaptive": adaptive, "batchnorm": normalization, "container": container,
    "conv": conv, "distance": distance, "dropout": dropout, "flatten": flatten,
    "fold": pooling, "instancenorm": normalization, "lazy": lazy, "linear": linear, "loss": loss,
    "module": module, "normalization": normalization, "padding": padding,
    "pixelshuffle": upsampling, "pooling": pooling, "rnn": rnn, "sparse": sparse,
    "transformer": transformer, "upsampling": upsampling,
}
# Layers PyTorch keeps in a submodule whose minigrad file does not hold them (the lazy
# layers, MultiheadAttention in "activation", the cells in "rnn"), by submodule name.
_ELSEWHERE = {
    "activation": ["MultiheadAttention"],
    "batchnorm": ["LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d"],
    "channelshuffle": ["ChannelShuffle"],
    "conv": ["LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
             "LazyConvTranspose2d", "LazyConvTranspose3d"],
    "instancenorm": ["LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d"],
    "linear": ["LazyLinear"],
    "rnn": ["RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"],
}


def _submodule(name: str) -> types.ModuleType:
    """The module standing for ``torch.nn.modules.<name>``: minigrad's file itself, or a
    namespace with its names and the layers PyTorch keeps there too."""
    module = _SUBMODULES.get(name)
    if name not in _ELSEWHERE:
        return module
    namespace = types.ModuleType(f"{__name__}.{name}", getattr(module, "__doc__", None))
    if module is not None:
        namespace.__dict__.update((k, v) for k, v in vars(module).items()
                                  if not k.startswith("__"))
    namespace.__dict__.update((layer, globals()[layer]) for layer in _ELSEWHERE[name])
    return namespace


for _name in sorted(set(_SUBMODULES) | set(_ELSEWHERE)):
    sys.modules[f"{__name__}.{_name}"] = globals()[_name] = _submodule(_name)
