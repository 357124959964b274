"""``minigrad.utils.data``: the same objects as `minigrad.data`, under PyTorch's name
(``from minigrad.utils.data import DataLoader, TensorDataset``)."""
from ..data import *  # noqa: F401,F403  (the same objects, not copies)
from ..data import __all__  # noqa: F401
