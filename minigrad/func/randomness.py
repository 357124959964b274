"""``randomness=`` of `vmap` and `jacfwd`: what a random draw inside the function does.

minigrad has no batched random numbers, so the three modes are emulated by watching the
default generator (`minigrad.random.default_generator`), which every random function of
minigrad draws from unless it is given a ``generator=`` of its own:

* ``"error"``: a draw during the call raises ``RuntimeError``, as in PyTorch;
* ``"same"``: every sample sees the same draws (the generator is put back before each);
* ``"different"``: the samples draw one after another, so they differ.

Draws from a generator passed explicitly are not seen, and the numbers drawn are not
PyTorch's (the generators differ).
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

from .. import random

_MODES = ("error", "different", "same")


def check_randomness(randomness: Any) -> None:
    if randomness not in _MODES:
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")


def _fingerprint() -> tuple:
    rng = random.default_generator()
    return id(rng), rng.bit_generator.state


@contextlib.contextmanager
def watch_randomness(randomness: str | None) -> Iterator[None]:
    """With ``"error"``: raise ``RuntimeError`` if the block draws from the default
    generator; any other mode (or None) lets it draw."""
    if randomness != "error":
        yield
        return
    before = _fingerprint()
    yield
    if _fingerprint() != before:
        raise RuntimeError("vmap: called random operation while in randomness error mode. "
                           "Please either use the 'same' or 'different' randomness flags on "
                           "vmap or perform the randomness operation out of vmap")


class SameDraws:
    """For ``randomness="same"``: `restart` before each sample puts the default
    generator back where it was when this object was made."""

    def __init__(self) -> None:
        self.state = random.get_rng_state()

    def restart(self) -> None:
        random.set_rng_state(self.state)
