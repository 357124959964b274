"""Batching sequences of different lengths for the recurrent layers."""
from __future__ import annotations

from typing import Iterable

from ... import ops
from ...tensor import Tensor


def pad_sequence(sequences: Iterable[Tensor], batch_first: bool = False,
                 padding_value: float = 0.0, padding_side: str = "right") -> Tensor:
    """Stack sequences of different lengths ``(L_i, *)`` into one tensor, padding each to
    the longest: ``(L, B, *)``, or ``(B, L, *)`` with ``batch_first`` (as
    ``torch.nn.utils.rnn.pad_sequence``)."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"pad_sequence: padding_side must be 'left' or 'right', got "
                         f"{padding_side!r}")
    items = list(sequences)
    if not items:
        raise RuntimeError("pad_sequence: received an empty list of sequences")
    longest = max(t.shape[0] for t in items)
    padded = []
    for t in items:
        missing = longest - t.shape[0]
        widths = [0, 0] * (t.ndim - 1) + ([0, missing] if padding_side == "right"
                                          else [missing, 0])
        padded.append(ops.pad(t, widths, value=padding_value) if missing else t)
    return ops.stack(padded, 0 if batch_first else 1)
