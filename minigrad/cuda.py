"""``minigrad.cuda``: minigrad has no GPU, and these answer the usual questions about one.

They exist so that device boilerplate runs unchanged: ``is_available()`` is False,
``device_count()`` is 0, memory counters are 0, and seeding the (absent) CUDA generators
does nothing, as in a CPU-only PyTorch; what needs a device (``synchronize``,
``get_device_name``, ...) raises ``AssertionError`` as PyTorch's CPU build does.
"""
from __future__ import annotations

import collections
import sys
from typing import Any

from .amp import cuda_amp as amp  # torch.cuda.amp: the deprecated spellings

sys.modules[f"{__name__}.amp"] = amp  # so that `from minigrad.cuda.amp import ...` works


def is_available() -> bool:
    """False: minigrad computes on the CPU only."""
    return False


def device_count() -> int:
    """0: there is no CUDA device."""
    return 0


def manual_seed(seed: int) -> None:
    """Does nothing: there is no CUDA generator to seed (use ``minigrad.manual_seed``)."""


def manual_seed_all(seed: int) -> None:
    """Does nothing: there is no CUDA generator to seed (use ``minigrad.manual_seed``)."""


def empty_cache() -> None:
    """Does nothing: there is no CUDA memory to release."""


# --- what a CPU-only PyTorch answers without a device, and what it refuses -------------------

_NO_CUDA = "Torch not compiled with CUDA enabled (minigrad computes on the CPU only)"


def _refuse(name: str) -> AssertionError:
    return AssertionError(f"{name}: {_NO_CUDA}")


def is_initialized() -> bool:
    """False: CUDA is never initialized."""
    return False


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """False: there is no CUDA device."""
    return False


def is_tf32_supported() -> bool:
    """False: there is no CUDA device."""
    return False


def get_arch_list() -> list[str]:
    """[]: no CUDA architectures were compiled in."""
    return []


def memory_allocated(device: Any = None) -> int:
    """0: no CUDA memory is in use."""
    return 0


def max_memory_allocated(device: Any = None) -> int:
    """0: no CUDA memory was ever in use."""
    return 0


def memory_reserved(device: Any = None) -> int:
    """0: no CUDA memory is reserved."""
    return 0


def max_memory_reserved(device: Any = None) -> int:
    """0: no CUDA memory was ever reserved."""
    return 0


def memory_stats(device: Any = None) -> dict:
    """An empty dict: there are no CUDA memory statistics."""
    return collections.OrderedDict()


def seed() -> None:
    """Does nothing: there is no CUDA generator to seed."""


def seed_all() -> None:
    """Does nothing: there is no CUDA generator to seed."""


def init() -> None:
    """Raise ``AssertionError``, as a CPU-only PyTorch: there is no CUDA to initialize."""
    raise _refuse("init")


def synchronize(device: Any = None) -> None:
    """Raise ``AssertionError``, as a CPU-only PyTorch: there is no CUDA device to wait for."""
    raise _refuse("synchronize")


def current_device() -> int:
    """Raise ``AssertionError``, as a CPU-only PyTorch."""
    raise _refuse("current_device")


def get_device_name(device: Any = None) -> str:
    """Raise ``AssertionError``, as a CPU-only PyTorch: there is no device to name."""
    raise _refuse("get_device_name")


def get_device_properties(device: Any = None) -> Any:
    """Raise ``AssertionError``, as a CPU-only PyTorch."""
    raise _refuse("get_device_properties")


def get_device_capability(device: Any = None) -> tuple[int, int]:
    """Raise ``AssertionError``, as a CPU-only PyTorch."""
    raise _refuse("get_device_capability")


def mem_get_info(device: Any = None) -> tuple[int, int]:
    """Raise ``AssertionError``, as a CPU-only PyTorch."""
    raise _refuse("mem_get_info")


def get_rng_state(device: Any = "cuda") -> Any:
    """Raise ``AssertionError``, as a CPU-only PyTorch: there is no CUDA generator."""
    raise _refuse("get_rng_state")


def current_stream(device: Any = None) -> Any:
    """Raise ``AssertionError``, as a CPU-only PyTorch: there are no CUDA streams."""
    raise _refuse("current_stream")


def default_stream(device: Any = None) -> Any:
    """Raise ``AssertionError``, as a CPU-only PyTorch: there are no CUDA streams."""
    raise _refuse("default_stream")


def ipc_collect() -> None:
    """Raise ``AssertionError``, as a CPU-only PyTorch."""
    raise _refuse("ipc_collect")
