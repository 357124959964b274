"""``minigrad.version``: the fields of PyTorch's ``torch.version``, with minigrad's answers.

``__version__`` is minigrad's own version (the one in ``pyproject.toml``, also
``minigrad.__version__``), not a PyTorch version. minigrad is built for no GPU, so
``cuda``, ``hip``, ``rocm`` and ``xpu`` are None, as in a CPU-only PyTorch, and ``debug``
is False. ``git_version`` is the commit of the checkout minigrad was imported from, read
from its ``.git`` directory, or ``"Unknown"`` for an installed copy.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["__version__", "debug", "cuda", "git_version", "hip", "rocm", "xpu"]

__version__ = "0.1.0"
debug = False
cuda: str | None = None
hip: str | None = None
rocm: str | None = None
xpu: str | None = None


def _checked_out_commit(root: Path) -> str:
    """The commit ``HEAD`` names in ``root/.git`` (files only, no ``git`` process)."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head  # a detached HEAD holds the commit itself
        ref = head[len("ref: "):]
        if (git / ref).is_file():
            return (git / ref).read_text().strip()
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0]
    except OSError:
        pass
    return "Unknown"


git_version = _checked_out_commit(Path(__file__).resolve().parent.parent)
