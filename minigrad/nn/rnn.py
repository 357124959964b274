"""Multi-layer recurrent layers: RNN, LSTM and GRU, made of the steps in ``rnn_cells``.

Each layer projects the whole sequence through ``W_ih`` in one matmul, then runs the
recurrence one time step at a time (a Python loop; backward goes through every step).
Parameter names, shapes, initialisation, input and output layouts follow PyTorch, so a
PyTorch state dict loads as it is.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import ops
from ..creation import zeros
from ..tensor import Tensor
from . import functional as F
from ._placement import check_device
from .module import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence
from .rnn_cells import (GATES, add_recurrent_weights, gru_step, lstm_step, project, rnn_step,
                        uniform_by_hidden_size)



def _check_sizes(input_size: Any, hidden_size: Any, num_layers: Any) -> None:
    """PyTorch's checks of a recurrent layer's sizes."""
    if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
        raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
    for name, value in (("hidden_size", hidden_size), ("num_layers", num_layers),
                        ("input_size", input_size)):
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero")

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
        LSTM only: project each hidden state to this size (``weight_hr``, without bias),
        which is then the size of h and of the outputs; 0 (the default) does not.
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
        _check_sizes(input_size, hidden_size, num_layers)
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError(f"{name}: dropout should be a number in range [0, 1] representing "
                             f"the probability of an element being zeroed, got {dropout}")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"{name}: dropout option adds dropout after all but last recurrent "
                          f"layer, so non-zero dropout expects num_layers greater than 1, but "
                          f"got dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional = float(dropout), bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else self._state_size * directions
            for direction in range(directions):
                suffix = _suffix(layer, direction)
                add_recurrent_weights(self, suffix, GATES[mode], layer_input, hidden_size,
                                      bias, dtype, self._state_size)
                if proj_size:  # h = (o * tanh(c)) @ W_hr^T: the state h is projected
                    self.register_parameter(f"weight_hr{suffix}", Parameter(
                        np.empty((proj_size, hidden_size), np.dtype(dtype or np.float32))))
        self.reset_parameters()

    @property
    def _state_size(self) -> int:
        """The size of h: ``proj_size`` for a projected LSTM, else ``hidden_size``."""
        return self.proj_size or self.hidden_size

    def reset_parameters(self) -> None:
        """Draw every parameter from PyTorch's default distribution."""
        uniform_by_hidden_size(self, self.hidden_size)

    def flatten_parameters(self) -> None:
        """A no-op (PyTorch compacts the weights for cuDNN)."""

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Any]:
        packed = isinstance(input, PackedSequence)
        if packed:
            x, unbatched = input.data, False
            steps = [int(b) for b in input.batch_sizes.tolist()]
            hx = _reorder_states(hx, input.sorted_indices)
            states = self._initial_states(steps[0], x.dtype, hx, False)
        else:
            x, unbatched = self._sequence_first(input)
            steps = None
            states = self._initial_states(x.shape[1], x.dtype, hx, unbatched)
        directions = 2 if self.bidirectional else 1
        finals: list[list[Tensor]] = [[] for _ in states]
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                out, last = self._run(x, steps, layer, direction, [s[index] for s in states])
                outputs.append(out)
                for kept, value in zip(finals, last):
                    kept.append(value)
            x = outputs[0] if directions == 1 else ops.cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        final = [ops.stack(kept, 0) for kept in finals]
        if packed:
            output = input._replace(data=x)
            final = _reorder_states(final, input.unsorted_indices)
        else:
            output = x.squeeze(1) if unbatched else (
                x.transpose(0, 1) if self.batch_first else x)
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

    def _initial_states(self, batch: int, dtype: Any, hx: Any,
                        unbatched: bool) -> list[Tensor]:
        """[h0] (or [h0, c0] for an LSTM), each ``(D * num_layers, batch, size)``: the
        hidden size, or ``proj_size`` for a projected LSTM's h0."""
        count = 2 if self.mode == "LSTM" else 1
        layers = (2 if self.bidirectional else 1) * self.num_layers
        sizes = [(layers, batch, self._state_size), (layers, batch, self.hidden_size)][:count]
        if hx is None:
            return [zeros(*size, dtype=dtype) for size in sizes]
        given = list(hx) if self.mode == "LSTM" else [hx]
        if len(given) != count:
            raise RuntimeError(f"{type(self).__name__}: expected {count} initial states, got "
                               f"{len(given)}")
        states = [g.unsqueeze(1) if unbatched else g for g in given]
        for state, expected in zip(states, sizes):
            if tuple(state.shape) != expected:
                raise RuntimeError(f"{type(self).__name__}: Expected hidden size {expected}, "
                                   f"got {list(state.shape)}")
        return states

    def _run(self, x: Tensor, steps: list[int] | None, layer: int, direction: int,
             state: list[Tensor]) -> tuple[Tensor, list[Tensor]]:
        """One direction of one layer over the sequence: (outputs, final states).

        ``x`` is ``(L, N, features)``, or, when ``steps`` (a PackedSequence's batch sizes)
        is given, the packed data: step t then runs only the first ``steps[t]`` rows (the
        sequences still going), and the others keep their state. Backwards, a sequence
        starts from its initial state at its own last step.
        """
        suffix = _suffix(layer, direction)
        w_hh, b_hh = getattr(self, f"weight_hh{suffix}"), getattr(self, f"bias_hh{suffix}")
        gx = project(x, getattr(self, f"weight_ih{suffix}"), getattr(self, f"bias_ih{suffix}"))
        if steps is None:
            inputs = [gx[t] for t in range(x.shape[0])]
        else:
            starts = np.concatenate([[0], np.cumsum(steps)])
            inputs = [gx[int(a):int(b)] for a, b in zip(starts[:-1], starts[1:])]
        order = range(len(inputs) - 1, -1, -1) if direction else range(len(inputs))
        outputs: list[Tensor | None] = [None] * len(inputs)
        for t in order:
            active = inputs[t].shape[0]
            going = [s if s.shape[0] == active else s[:active] for s in state]
            if self.mode == "LSTM":
                new = list(lstm_step(inputs[t], going[0], going[1], w_hh, b_hh))
                if self.proj_size:
                    new[0] = project(new[0], getattr(self, f"weight_hr{suffix}"), None)
            elif self.mode == "GRU":
                new = [gru_step(inputs[t], going[0], w_hh, b_hh)]
            else:
                new = [rnn_step(inputs[t], going[0], w_hh, b_hh, self.mode == "RNN_RELU")]
            state = [n if s.shape[0] == active else ops.cat([n, s[active:]], 0)
                     for n, s in zip(new, state)]
            outputs[t] = new[0]
        return (ops.stack(outputs, 0) if steps is None else ops.cat(outputs, 0)), state

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            text += f", proj_size={self.proj_size}"
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
                 dtype: Any = None, proj_size: int = 0) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: unknown nonlinearity '{nonlinearity}'. Select from 'tanh' "
                             f"or 'relu'.")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device=device, dtype=dtype)
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
                 bidirectional: bool = False, device: Any = None, dtype: Any = None,
                 proj_size: int = 0) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device=device, dtype=dtype)


def _reorder_states(states: Any, order: Tensor | None) -> Any:
    """Initial or final states (a tensor, or a tuple/list of them) with their batch dim
    (1) in ``order``; unchanged when there is none."""
    if states is None or order is None:
        return states
    if isinstance(states, Tensor):
        return ops.index_select(states, 1, order)
    return type(states)(ops.index_select(s, 1, order) for s in states)
