"""The machine a benchmark ran on: CPU model and NumPy's BLAS, for the header of a run.

Ratios against PyTorch differ from CPU to CPU, so every benchmark prints this line.
"""
from __future__ import annotations

import os
import platform

import numpy as np


def describe() -> str:
    """``CPU: <model> (<n> cores); NumPy <version> with <BLAS>``."""
    cpu = platform.processor() or platform.machine() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    blas = "unknown BLAS"
    try:
        config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{config.get('name', '?')} {config.get('version', '')}".strip()
    except Exception:  # older NumPy: no dict mode
        pass
    return f"CPU: {cpu} ({os.cpu_count()} cores); NumPy {np.__version__} with {blas}"
