"""One seeded NumPy Generator behind every random function of minigrad."""
from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the generator used by ``rand``, ``randn``, ``randint``, dropout, init and
    shuffling, so that runs repeat exactly. Returns the new generator."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def default_generator() -> np.random.Generator:
    """The generator that minigrad's random functions draw from."""
    return _generator
