"""``minigrad.mps``: Apple's GPU, absent, answering as PyTorch does where it has no MPS."""
from __future__ import annotations


def _refuse(what: str) -> RuntimeError:
    return RuntimeError(f"Cannot execute {what}() without MPS backend (minigrad computes on "
                        "the CPU only).")


def is_available() -> bool:
    """False: minigrad has no MPS device."""
    return False


def device_count() -> int:
    """0: there is no MPS device."""
    return 0


def manual_seed(seed: int) -> None:
    """Does nothing: there is no MPS generator to seed."""


def seed() -> None:
    """Raise ``RuntimeError``, as PyTorch without MPS (there is no generator to reseed)."""
    raise _refuse("getDefaultGenerator")


def synchronize() -> None:
    """Raise ``RuntimeError``, as PyTorch without MPS."""
    raise _refuse("deviceSynchronize")


def empty_cache() -> None:
    """Raise ``RuntimeError``, as PyTorch without MPS."""
    raise _refuse("emptyCache")


def current_allocated_memory() -> int:
    """Raise ``RuntimeError``, as PyTorch without MPS."""
    raise _refuse("getCurrentAllocatedMemory")
