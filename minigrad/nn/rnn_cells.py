"""Recurrent cells: one time step of an Elman RNN, an LSTM or a GRU.

The step functions take the input's projection ``gx = x @ W_ih^T + b_ih`` (computed for
all time steps at once by the multi-layer modules) and the previous state; the gates are
stacked along the last dim in PyTorch's order (LSTM: i, f, g, o; GRU: r, z, n), so
weights load from PyTorch state dicts unchanged.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..creation import zeros
from ..dtypes import get_default_dtype
from ..ops._util import size_arg
from ..tensor import Tensor
from . import functional as F
from . import init
from ._placement import check_device
from .module import Module
from .parameter import Parameter

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def project(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    """``x @ weight^T + bias``."""
    return F.linear(x, weight, bias)


def rnn_step(gx: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None, relu: bool) -> Tensor:
    """``h' = act(gx + h @ W_hh^T + b_hh)``, act tanh or relu."""
    pre = gx + project(h, w_hh, b_hh)
    return ops.relu(pre) if relu else ops.tanh(pre)


def lstm_step(gx: Tensor, h: Tensor, c: Tensor, w_hh: Tensor,
              b_hh: Tensor | None) -> tuple[Tensor, Tensor]:
    """``c' = f c + i g``, ``h' = o tanh(c')`` with the gates i, f, o (sigmoid) and g (tanh)
    of ``gx + h @ W_hh^T + b_hh``."""
    i, f, g, o = ops.chunk(gx + project(h, w_hh, b_hh), 4, -1)
    c_next = ops.sigmoid(f) * c + ops.sigmoid(i) * ops.tanh(g)
    return ops.sigmoid(o) * ops.tanh(c_next), c_next


def gru_step(gx: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """``h' = (1 - z) n + z h`` with ``r, z = sigmoid(gx_rz + gh_rz)`` and
    ``n = tanh(gx_n + r gh_n)``, ``gh = h @ W_hh^T + b_hh``."""
    xr, xz, xn = ops.chunk(gx, 3, -1)
    hr, hz, hn = ops.chunk(project(h, w_hh, b_hh), 3, -1)
    r, z = ops.sigmoid(xr + hr), ops.sigmoid(xz + hz)
    n = ops.tanh(xn + r * hn)
    return (1 - z) * n + z * h


def add_recurrent_weights(module: Module, suffix: str, gates: int, input_size: int,
                          hidden_size: int, bias: bool, dtype: Any,
                          state_size: int | None = None) -> None:
    """Register ``weight_ih{suffix}``, ``weight_hh{suffix}`` and (with ``bias``) the two
    biases, with PyTorch's names and shapes (filled later by ``reset_parameters``);
    ``state_size`` is the size of h where it differs from ``hidden_size`` (a projected
    LSTM)."""
    dtype = np.dtype(dtype or get_default_dtype())
    op = type(module).__name__
    rows = gates * hidden_size
    module.register_parameter(f"weight_ih{suffix}",
                              Parameter(np.empty(size_arg(op, (rows, input_size)), dtype)))
    module.register_parameter(f"weight_hh{suffix}", Parameter(np.empty(
        size_arg(op, (rows, state_size or hidden_size)), dtype)))
    for name in ("bias_ih", "bias_hh"):
        module.register_parameter(f"{name}{suffix}",
                                  Parameter(np.empty(rows, dtype)) if bias else None)


def uniform_by_hidden_size(module: Module, hidden_size: int) -> None:
    """PyTorch's default for recurrent layers: every parameter uniform on
    ``[-1/sqrt(hidden_size), 1/sqrt(hidden_size)]``."""
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    for param in module.parameters():
        init.uniform_(param, -bound, bound)


class RNNCellBase(Module):
    """The base class of `RNNCell`, `LSTMCell` and `GRUCell`: their parameters and checks.

    Parameters
    ----------
    input_size, hidden_size : int
    bias : bool
        Whether there are ``bias_ih`` and ``bias_hh``.
    num_chunks : int
        The number of gates stacked in the weights: ``weight_ih`` is
        (num_chunks * hidden_size, input_size), ``weight_hh`` (num_chunks * hidden_size,
        hidden_size).
    device, dtype
        The CPU only; the dtype of the weights.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        add_recurrent_weights(self, "", num_chunks, input_size, hidden_size, bias, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every parameter from PyTorch's default distribution."""
        uniform_by_hidden_size(self, self.hidden_size)

    def _batched(self, input: Tensor) -> tuple[Tensor, bool]:
        """The input as a batch (an unbatched ``(input_size,)`` one gains a dim)."""
        if input.ndim not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got "
                             f"{input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{type(self).__name__}: expected input of shape "
                               f"(N, {self.input_size}) or ({self.input_size},), got "
                               f"{tuple(input.shape)}")
        unbatched = input.ndim == 1
        return (input.unsqueeze(0) if unbatched else input), unbatched

    def _state(self, x: Tensor, given: Tensor | None, unbatched: bool,
               name: str = "hidden") -> Tensor:
        """The given state (batched like ``x``), or zeros."""
        if given is None:
            return zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
        if given.ndim not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected {name} to be 1D or 2D, got "
                             f"{given.ndim}D instead")
        state = given.unsqueeze(0) if unbatched else given
        if tuple(state.shape) != (x.shape[0], self.hidden_size):
            raise RuntimeError(f"{type(self).__name__}: expected a hidden state of shape "
                               f"{(x.shape[0], self.hidden_size)}, got {tuple(given.shape)}")
        return state

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or
    relu with ``nonlinearity='relu'``).

    Parameters
    ----------
    input_size, hidden_size : int
    bias : bool
    nonlinearity : {'tanh', 'relu'}
    device, dtype
        The CPU only; the dtype of the weights.

    Notes
    -----
    The forward pass takes ``input`` (N, input_size) or (input_size,) and an optional
    ``hx`` (zeros by default), and returns ``h'``.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, GATES["RNN_TANH"], device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"RNNCell: Unknown nonlinearity: {self.nonlinearity}")
        x, unbatched = self._batched(input)
        h = self._state(x, hx, unbatched)
        out = rnn_step(project(x, self.weight_ih, self.bias_ih), h, self.weight_hh,
                       self.bias_hh, self.nonlinearity == "relu")
        return out.squeeze(0) if unbatched else out


class LSTMCell(RNNCellBase):
    """One step of an LSTM (gates i, f, g, o); see `lstm_step`.

    The forward pass takes ``input`` and an optional ``(h, c)`` (zeros by default) and
    returns ``(h', c')``.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, GATES["LSTM"], device, dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
                ) -> tuple[Tensor, Tensor]:
        x, unbatched = self._batched(input)
        if hx is not None and not isinstance(hx, (tuple, list)):
            raise TypeError(f"LSTMCell: hx must be a tuple of Tensors (h, c), not "
                            f"{type(hx).__name__}")
        if hx is not None and len(hx) != 2:
            raise RuntimeError(f"LSTMCell: expects two hidden states (h, c), got {len(hx)}")
        h, c = (None, None) if hx is None else hx
        h, c = self._state(x, h, unbatched, "hx[0]"), self._state(x, c, unbatched, "hx[1]")
        h, c = lstm_step(project(x, self.weight_ih, self.bias_ih), h, c, self.weight_hh,
                         self.bias_hh)
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)


class GRUCell(RNNCellBase):
    """One step of a GRU (gates r, z, n); see `gru_step`.

    The forward pass takes ``input`` and an optional ``hx`` (zeros by default) and
    returns ``h'``.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, GATES["GRU"], device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, unbatched = self._batched(input)
        h = self._state(x, hx, unbatched)
        out = gru_step(project(x, self.weight_ih, self.bias_ih), h, self.weight_hh,
                       self.bias_hh)
        return out.squeeze(0) if unbatched else out
