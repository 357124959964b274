"""``minigrad.utils.data``: the same objects as `minigrad.data`, under PyTorch's name
(``from minigrad.utils.data import DataLoader, TensorDataset``).

PyTorch's submodule paths name the same modules too: ``minigrad.utils.data.sampler``,
``.dataset``, ``.dataloader`` and ``.distributed`` are `minigrad.data.sampler`,
`minigrad.data.dataset`, `minigrad.data.dataloader` and `minigrad.data.distributed` themselves (registered under both names, as
``minigrad.nn.modules`` does), so ``from minigrad.utils.data.sampler import
RandomSampler`` gives the class ``minigrad.data`` defines.
"""
import sys

from ..data import *  # noqa: F401,F403  (the same objects, not copies)
from ..data import __all__  # noqa: F401
from ..data import dataloader, dataset, distributed, sampler

for _module in (dataloader, dataset, distributed, sampler):
    sys.modules[f"{__name__}.{_module.__name__.rsplit('.', 1)[1]}"] = _module
