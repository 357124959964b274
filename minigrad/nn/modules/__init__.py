"""``minigrad.nn.modules``: PyTorch's ``torch.nn.modules`` layout over minigrad's files.

Programs name layers by their full PyTorch path (``torch.nn.modules.linear.Linear``,
``from torch.nn.modules.loss import _Loss``, lists of classes for ``safe_globals``).
minigrad keeps its layers in files of its own (``minigrad/nn/linear.py``, ...); this
package maps each of PyTorch's submodule names to the minigrad file that holds those
layers, so the same paths work. The classes are the very same objects as in
``minigrad.nn``.
"""
import sys

from .. import (activation, attention, container, conv, distance, dropout, flatten, linear,
                loss, module, normalization, padding, pooling, rnn, sparse, transformer,
                upsampling)
from .. import *  # noqa: F401,F403  (every layer, as torch.nn.modules exports them)
from .. import __all__  # noqa: F401

# PyTorch's submodule name -> the minigrad module holding those layers.
_SUBMODULES = {
    "activation": activation, "batchnorm": normalization, "container": container,
    "conv": conv, "distance": distance, "dropout": dropout, "flatten": flatten,
    "fold": pooling, "instancenorm": normalization, "linear": linear, "loss": loss,
    "module": module, "normalization": normalization, "padding": padding,
    "pixelshuffle": upsampling, "pooling": pooling, "rnn": rnn, "sparse": sparse,
    "transformer": transformer, "upsampling": upsampling,
}
for _name, _module in _SUBMODULES.items():
    sys.modules[f"{__name__}.{_name}"] = _module
    globals()[_name] = _module
