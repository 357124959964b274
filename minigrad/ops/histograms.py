"""Histograms of a tensor's values: ``histc`` (counts in equal bins) and ``histogram``
(counts or densities, and the bin edges). Outside the graph, as in PyTorch."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import return_types
from ..internal import array_of, wrap
from ..tensor import Tensor
from ._util import unary_input
from .out_argument import takes_out


@takes_out("same", autograd="none")
def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """Counts of the elements in ``bins`` equal bins between ``min`` and ``max`` (the
    data's own range when both are 0; elements outside are not counted, the maximum goes
    in the last bin), in ``input``'s float dtype. No gradient."""
    input = unary_input("histc", input)
    if input.dtype.kind != "f":
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for {input.dtype}")
    if bins <= 0:
        raise RuntimeError(f"torch.histc: bins must be > 0, but got {bins}")
    array = array_of(input)
    low, high = float(min), float(max)
    if low == high and array.size:
        low, high = float(array.min()), float(array.max())
    if low == high:
        low, high = low - 1, high + 1
    if low > high:
        raise RuntimeError("torch.histc: max must be larger than min")
    counts, _ = np.histogram(array, bins=bins, range=(low, high))
    return wrap(counts.astype(input.dtype))


@takes_out("same")
def histogram(input: Tensor, bins: Any = 100, *, range: Any = None, weight: Any = None,
              density: bool = False) -> return_types.histogram:
    """``(hist, bin_edges)``: counts (or, with ``weight``, summed weights; with
    ``density``, densities) of the elements in ``bins`` equal bins over ``range`` (the data's
    own range by default, widened by 0.5 each side when it is one value), or in the bins
    between the edges of a 1-D ``bins`` tensor. The last bin includes its right edge."""
    input = unary_input("histogram", input)
    if input.dtype.kind != "f":
        raise NotImplementedError(f"\"histogramdd\" not implemented for {input.dtype}")
    edges = array_of(bins) if isinstance(bins, Tensor) else int(bins)
    weights = array_of(weight).reshape(-1) if isinstance(weight, Tensor) else None
    hist, bin_edges = np.histogram(array_of(input).reshape(-1), bins=edges, range=range,
                                   weights=weights, density=density)
    return return_types.histogram(wrap(hist.astype(input.dtype)),
                                  wrap(bin_edges.astype(input.dtype)))
