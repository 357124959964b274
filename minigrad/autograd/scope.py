"""Which modules are running: ``nn.Module.__call__`` enters a scope, and every graph node
records the path of modules it was made in (``node.scope``), for drawing clusters.

Entering a scope costs one tuple append per module call; nodes only keep a reference.
"""
from __future__ import annotations

from typing import Any

_path: tuple = ()


def current() -> tuple:
    """The modules entered so far, outermost first."""
    return _path


class entered:
    """Context manager: run a module's forward inside its scope."""

    __slots__ = ("module", "previous")

    def __init__(self, module: Any) -> None:
        self.module = module

    def __enter__(self) -> None:
        global _path
        self.previous = _path
        _path = _path + (self.module,)

    def __exit__(self, *exc: Any) -> None:
        global _path
        _path = self.previous
