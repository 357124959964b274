"""scikit-learn's bundled 8x8 handwritten digits: a real dataset that needs no download."""
from __future__ import annotations

import numpy as np

from ..internal import wrap
from ..tensor import Tensor


def load_digits() -> tuple[Tensor, Tensor]:
    """The 1,797 8x8 handwritten digits shipped inside scikit-learn (no network needed).

    Returns
    -------
    images : Tensor
        float32, shape (N, 1, 8, 8), values in [0, 1] (the 0..16 grey levels divided by 16).
    labels : Tensor
        int64, shape (N,), the digit 0..9.

    Raises
    ------
    ImportError
        If scikit-learn is not installed.

    Examples
    --------
    >>> images, labels = load_digits()
    >>> train, test = random_split(TensorDataset(images, labels), [0.8, 0.2], seed=0)
    """
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
    except ImportError as exc:
        raise ImportError("load_digits: the 8x8 digits ship with scikit-learn, which is not "
                          "installed; run `pip install scikit-learn` (or, in a clone "
                          "of minigrad, `pip install -e \".[examples]\"`)") from exc
    bunch = sklearn_load_digits()
    images = (bunch.images.astype(np.float32) / np.float32(16)).reshape(-1, 1, 8, 8)
    return wrap(images), wrap(bunch.target.astype(np.int64))
