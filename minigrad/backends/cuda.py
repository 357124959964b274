"""``minigrad.backends.cuda``: the CUDA flags programs set, as a CPU-only PyTorch has them.

``matmul.allow_tf32`` reads and writes the float32 matmul precision (True means "high",
False "highest"), as in PyTorch; the other flags are recorded and change nothing, since
minigrad computes in full precision on the CPU.
"""
from __future__ import annotations

from typing import Any

from .. import settings


class _MatmulFlags:
    """``minigrad.backends.cuda.matmul``: cuBLAS's flags; an unknown name is refused."""

    _flags = ("allow_tf32", "allow_fp16_reduced_precision_reduction",
              "allow_bf16_reduced_precision_reduction", "allow_fp16_accumulation",
              "fp32_precision")

    def __init__(self) -> None:
        object.__setattr__(self, "_values", {
            "allow_fp16_reduced_precision_reduction": True,
            "allow_bf16_reduced_precision_reduction": True,
            "allow_fp16_accumulation": False, "fp32_precision": "none"})

    def __getattr__(self, name: str) -> Any:
        if name == "allow_tf32":
            return settings.get_float32_matmul_precision() != "highest"
        if name in self._values:
            return self._values[name]
        raise AttributeError(f"Unknown attribute {name}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "allow_tf32":
            settings.set_float32_matmul_precision("high" if value else "highest")
        elif name in self._values:
            self._values[name] = value
        else:
            raise AttributeError(f"Unknown attribute {name}")


matmul = _MatmulFlags()

_sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def is_built() -> bool:
    """False: minigrad has no CUDA back end."""
    return False


def flash_sdp_enabled() -> bool:
    """Whether flash attention is allowed (a recorded flag; True by default)."""
    return _sdp["flash"]


def enable_flash_sdp(enabled: bool) -> None:
    """Record whether flash attention is allowed (it changes nothing on the CPU)."""
    _sdp["flash"] = bool(enabled)


def mem_efficient_sdp_enabled() -> bool:
    """Whether memory-efficient attention is allowed (a recorded flag; True by default)."""
    return _sdp["mem_efficient"]


def enable_mem_efficient_sdp(enabled: bool) -> None:
    """Record whether memory-efficient attention is allowed."""
    _sdp["mem_efficient"] = bool(enabled)


def math_sdp_enabled() -> bool:
    """Whether the plain (math) attention is allowed (a recorded flag; True by default)."""
    return _sdp["math"]


def enable_math_sdp(enabled: bool) -> None:
    """Record whether the plain (math) attention is allowed."""
    _sdp["math"] = bool(enabled)


def cudnn_sdp_enabled() -> bool:
    """Whether cuDNN attention is allowed (a recorded flag; True by default)."""
    return _sdp["cudnn"]


def enable_cudnn_sdp(enabled: bool) -> None:
    """Record whether cuDNN attention is allowed."""
    _sdp["cudnn"] = bool(enabled)
