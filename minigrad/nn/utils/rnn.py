"""Batching sequences of different lengths for the recurrent layers: padding
(``pad_sequence``) and packing (``PackedSequence``, ``pack_padded_sequence``,
``pad_packed_sequence`` and friends), as ``torch.nn.utils.rnn``."""
from __future__ import annotations

from typing import Any, Iterable, NamedTuple, Sequence

import numpy as np

from ... import ops
from ...creation import full
from ...internal import wrap
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


class PackedSequence(NamedTuple):
    """Sequences of different lengths packed time step by time step, as PyTorch's.

    ``data`` holds, for t = 0, 1, ..., the step-t elements of the sequences that are at
    least t + 1 long, longest sequence first; ``batch_sizes[t]`` says how many that is.
    ``sorted_indices`` is the order the sequences were sorted into (None when they came
    sorted) and ``unsorted_indices`` its inverse. The recurrent layers take it as input
    and run each sequence only over its own length.
    """

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        """The data converted by ``Tensor.to`` (the bookkeeping tensors stay as they are)."""
        return self._replace(data=self.data.to(*args, **kwargs))

    def cpu(self) -> "PackedSequence":
        return self

    @property
    def is_cuda(self) -> bool:
        return False


def _lengths(lengths: Any) -> np.ndarray:
    values = lengths.detach().numpy() if isinstance(lengths, Tensor) else np.asarray(lengths)
    return values.astype(np.int64).reshape(-1)


def pack_padded_sequence(input: Tensor, lengths: Any, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch ``(L, B, *)`` (``(B, L, *)`` with ``batch_first``) whose
    sequence ``i`` is ``lengths[i]`` long.

    With ``enforce_sorted`` the lengths must not increase; otherwise the sequences are
    sorted here and the order is kept in the result.
    """
    sizes = _lengths(lengths)
    if sizes.size and sizes.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    steps = input.shape[1 if batch_first else 0]
    if sizes.size and sizes.max() > steps:
        raise RuntimeError(f"pack_padded_sequence: a length ({int(sizes.max())}) is longer "
                           f"than the padded sequences ({steps} steps)")
    sorted_indices = unsorted_indices = None
    if enforce_sorted:
        if np.any(np.diff(sizes) > 0):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                               "`enforce_sorted` is True. You can pass `enforce_sorted=False` "
                               "to pack_padded_sequence and/or pack_sequence to sidestep this "
                               "requirement if you do not need ONNX exportability.")
    else:
        order = np.argsort(-sizes, kind="stable")
        sorted_indices, unsorted_indices = wrap(order), wrap(np.argsort(order))
        input = ops.index_select(input, 0 if batch_first else 1, sorted_indices)
        sizes = sizes[order]
    time_major = ops.transpose(input, 0, 1) if batch_first else input
    batch_sizes = np.array([(sizes > t).sum() for t in range(int(sizes.max()))], np.int64)
    data = ops.cat([time_major[t, :int(b)] for t, b in enumerate(batch_sizes)], 0)
    return PackedSequence(data, wrap(batch_sizes), sorted_indices, unsorted_indices)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """The inverse of `pack_padded_sequence`: the padded batch (in the original order)
    and the int64 lengths."""
    batch_sizes = _lengths(sequence.batch_sizes)
    steps = len(batch_sizes)
    if total_length is not None and total_length < steps:
        raise ValueError(f"Expected total_length to be at least the length of the longest "
                         f"sequence in input, but got total_length={total_length} and max "
                         f"sequence length being {steps}")
    width, data = int(batch_sizes[0]), sequence.data
    filler = full((width,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype)
    rows, start = [], 0
    for b in batch_sizes:
        step = data[start:start + int(b)]
        rows.append(step if b == width else ops.cat([step, filler[int(b):]], 0))
        start += int(b)
    rows += [filler] * ((total_length or steps) - steps)
    padded = ops.stack(rows, 0)
    lengths = np.array([(batch_sizes > i).sum() for i in range(width)], np.int64)
    if sequence.unsorted_indices is not None:
        padded = ops.index_select(padded, 1, sequence.unsorted_indices)
        lengths = lengths[_lengths(sequence.unsorted_indices)]
    return (ops.transpose(padded, 0, 1) if batch_first else padded), wrap(lengths)


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences ``(L_i, *)`` (longest first, unless not
    ``enforce_sorted``)."""
    lengths = [t.shape[0] for t in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Tensor, lengths: Any,
                   batch_first: bool = False) -> list[Tensor]:
    """The sequences of a padded batch, each cut to its length."""
    batch = padded_sequences if batch_first else ops.transpose(padded_sequences, 0, 1)
    return [batch[i, :int(n)] for i, n in enumerate(_lengths(lengths))]


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The sequences of a `PackedSequence`, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
