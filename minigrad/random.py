"""Random numbers: one seeded default Generator behind every random function of minigrad.

A `Generator` holds a NumPy ``Generator``. ``minigrad.manual_seed`` reseeds the
default one, which ``rand``, ``randn``, ``randint``, ``randperm``, dropout, ``nn.init``
and shuffling draw from unless they are given a ``generator=`` of their own.
"""
from __future__ import annotations

import contextlib
import copy
from typing import Any, Iterator

import numpy as np

from .devices import check_device


class Generator:
    """A source of random numbers with its own seed, as ``torch.Generator``.

    Parameters
    ----------
    device : str or minigrad.device
        Only ``"cpu"``.

    Examples
    --------
    >>> g = minigrad.Generator().manual_seed(42)
    >>> minigrad.randn(3, generator=g)  # the same three numbers on every run
    """

    def __init__(self, device: Any = "cpu") -> None:
        self._device = check_device(device, "Generator")
        self.seed()

    def manual_seed(self, seed: int) -> "Generator":
        """Restart the stream from ``seed``; returns the generator itself."""
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")
        self._initial_seed = int(seed) % 2**64  # negative seeds wrap, as in PyTorch
        self.rng = np.random.default_rng(self._initial_seed)
        return self

    def seed(self) -> int:
        """Reseed from the operating system's entropy and return the new seed."""
        seed = int(np.random.SeedSequence().entropy % 2**63)
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        """The seed the current stream started from."""
        return self._initial_seed

    def get_state(self) -> dict:
        """A copy of the generator's state, to give back to `set_state`."""
        return {"seed": self._initial_seed, "numpy": copy.deepcopy(self.rng.bit_generator.state)}

    def set_state(self, state: dict) -> "Generator":
        """Continue from a state taken with `get_state`."""
        self.manual_seed(state["seed"])
        self.rng.bit_generator.state = copy.deepcopy(state["numpy"])
        return self

    @property
    def device(self) -> Any:
        return self._device

    def __repr__(self) -> str:
        return f"minigrad.Generator(initial_seed={self._initial_seed})"


_default = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator, used by ``rand``, ``randn``, ``randint``, ``randperm``,
    dropout, init and shuffling, so that runs repeat exactly. Returns that generator."""
    return _default.manual_seed(seed)


def seed() -> int:
    """Reseed the default generator from the operating system and return the seed."""
    return _default.seed()


def initial_seed() -> int:
    """The seed the default generator started from."""
    return _default.initial_seed()


def get_rng_state() -> dict:
    """The default generator's state (a dict, where PyTorch gives a byte tensor)."""
    return _default.get_state()


def set_rng_state(new_state: dict) -> None:
    """Put the default generator back in a state taken with `get_rng_state`."""
    _default.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices: Any = None, enabled: bool = True,
             device_type: Any = None) -> Iterator[None]:
    """Run a block with the default generator's state restored afterwards, so its draws
    do not change those that follow (``enabled=False`` does nothing)."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


def default_generator() -> np.random.Generator:
    """The NumPy generator that minigrad's random functions draw from."""
    return _default.rng


def numpy_generator(generator: Any, op: str) -> np.random.Generator:
    """The NumPy generator behind ``generator``: a minigrad `Generator`, a
    ``numpy.random.Generator`` (used as it is), or None for the default one."""
    if generator is None:
        return _default.rng
    if isinstance(generator, Generator):
        return generator.rng
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(f"{op}: generator must be a minigrad.Generator (or a "
                    f"numpy.random.Generator), got {type(generator).__name__}")
