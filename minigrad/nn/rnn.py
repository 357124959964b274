"""Multi-layer recurrent layers: RNN, LSTM and GRU, made of the steps in ``rnn_cells``.

Each layer projects the whole sequence through ``W_ih`` in one matmul, then runs the
recurrence one time step at a time (a Python loop; backward goes through every step).
Parameter names, shapes, initialisation, input and output layouts follow PyTorch, so a
PyTorch state dict loads as it is.
"""
from __future__ import annotations

import warnings
from typing import Any

from .. import ops
from ..creation import zeros
from ..tensor import Tensor
from . import functional as F
from ._placement import check_device
from .module import Module
from .rnn_cells import (GATES, add_recurrent_weights, gru_step, lstm_step, project, rnn_step,
                        uniform_by_hidden_size)


class RNNBase(Module):
    """What RNN, LSTM and GRU share; ``mode`` is 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'.

    Parameters
    ----------
    input_size, hidden_size : int
    num_layers : int
        Stacked layers; each one's output is the next one's input.
    bias : bool
    batch_first : bool
        Inputs and outputs are ``(N, L, features)`` instead of ``(L, N, features)``.
    dropout : float
        Dropout on the outputs of every layer but the last, while training.
    bidirectional : bool
        Also run each layer backwards in time; the outputs of both directions are
        concatenated.
    proj_size : int
        Not supported (must be 0).
    device, dtype
        The CPU only; the dtype of the weights.
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        name = type(self).__name__
        check_device(device, name)
        if proj_size:
            raise NotImplementedError(f"{name}: proj_size is not supported")
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError(f"{name}: dropout should be a number in range [0, 1] representing "
                             f"the probability of an element being zeroed, got {dropout}")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"{name}: dropout option adds dropout after all but last recurrent "
                          f"layer, so non-zero dropout expects num_layers greater than 1, but "
                          f"got dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, 0
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * directions
            for direction in range(directions):
                add_recurrent_weights(self, _suffix(layer, direction), GATES[mode],
                                      layer_input, hidden_size, bias, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every parameter from PyTorch's default distribution."""
        uniform_by_hidden_size(self, self.hidden_size)

    def flatten_parameters(self) -> None:
        """A no-op (PyTorch compacts the weights for cuDNN)."""

    def forward(self, input: Tensor, hx: Any = None) -> tuple[Tensor, Any]:
        x, unbatched = self._sequence_first(input)
        states = self._initial_states(x, hx, unbatched)
        directions = 2 if self.bidirectional else 1
        finals: list[list[Tensor]] = [[] for _ in states]
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                out, last = self._run(x, layer, direction, [s[index] for s in states])
                outputs.append(out)
                for kept, value in zip(finals, last):
                    kept.append(value)
            x = outputs[0] if directions == 1 else ops.cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        output = x.squeeze(1) if unbatched else (x.transpose(0, 1) if self.batch_first else x)
        final = [ops.stack(kept, 0) for kept in finals]
        if unbatched:
            final = [f.squeeze(1) for f in final]
        return output, (tuple(final) if self.mode == "LSTM" else final[0])

    def _sequence_first(self, input: Tensor) -> tuple[Tensor, bool]:
        """``(L, N, features)``, whatever the layout; an unbatched input gains N = 1."""
        name = type(self).__name__
        if input.ndim not in (2, 3):
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D "
                             f"tensor of shape {tuple(input.shape)}")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{name}: input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")
        if input.ndim == 2:
            return input.unsqueeze(1), True
        return (input.transpose(0, 1) if self.batch_first else input), False

    def _initial_states(self, x: Tensor, hx: Any, unbatched: bool) -> list[Tensor]:
        """[h0] (or [h0, c0] for an LSTM), each ``(D * num_layers, N, hidden_size)``."""
        count = 2 if self.mode == "LSTM" else 1
        expected = ((2 if self.bidirectional else 1) * self.num_layers, x.shape[1],
                    self.hidden_size)
        if hx is None:
            return [zeros(*expected, dtype=x.dtype) for _ in range(count)]
        given = list(hx) if self.mode == "LSTM" else [hx]
        if len(given) != count:
            raise RuntimeError(f"{type(self).__name__}: expected {count} initial states, got "
                               f"{len(given)}")
        states = [g.unsqueeze(1) if unbatched else g for g in given]
        for state in states:
            if tuple(state.shape) != expected:
                raise RuntimeError(f"{type(self).__name__}: Expected hidden size {expected}, "
                                   f"got {list(state.shape)}")
        return states

    def _run(self, x: Tensor, layer: int, direction: int,
             state: list[Tensor]) -> tuple[Tensor, list[Tensor]]:
        """One direction of one layer over the sequence: (outputs, final states)."""
        suffix = _suffix(layer, direction)
        w_hh, b_hh = getattr(self, f"weight_hh{suffix}"), getattr(self, f"bias_hh{suffix}")
        gx = project(x, getattr(self, f"weight_ih{suffix}"), getattr(self, f"bias_ih{suffix}"))
        steps = range(x.shape[0] - 1, -1, -1) if direction else range(x.shape[0])
        outputs: list[Tensor | None] = [None] * x.shape[0]
        for t in steps:
            if self.mode == "LSTM":
                state = list(lstm_step(gx[t], state[0], state[1], w_hh, b_hh))
            elif self.mode == "GRU":
                state = [gru_step(gx[t], state[0], w_hh, b_hh)]
            else:
                state = [rnn_step(gx[t], state[0], w_hh, b_hh, self.mode == "RNN_RELU")]
            outputs[t] = state[0]
        return ops.stack(outputs, 0), state

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if self.batch_first:
            text += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += f", bidirectional={self.bidirectional}"
        return text


def _suffix(layer: int, direction: int) -> str:
    return f"_l{layer}" + ("_reverse" if direction else "")


class RNN(RNNBase):
    """A multi-layer Elman RNN: ``h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``,
    act tanh (default) or relu (``nonlinearity='relu'``).

    The forward pass takes ``input`` ((L, N, input_size), (N, L, input_size) with
    ``batch_first``, or unbatched (L, input_size)) and an optional ``h0`` (zeros by
    default), and returns ``(output, h_n)``: the top layer's states at every step, and
    every layer's last state. Other parameters as in `RNNBase`.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: unknown nonlinearity '{nonlinearity}'. Select from 'tanh' "
                             f"or 'relu'.")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """A multi-layer long short-term memory. Parameters as in `RNNBase`.

    The forward pass takes ``input`` (as for `RNN`) and an optional ``(h0, c0)``, and
    returns ``(output, (h_n, c_n))``.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device, dtype)


class GRU(RNNBase):
    """A multi-layer gated recurrent unit. Parameters as in `RNNBase`.

    The forward pass takes ``input`` (as for `RNN`) and an optional ``h0``, and returns
    ``(output, h_n)``.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device=device, dtype=dtype)
