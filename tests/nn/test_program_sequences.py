"""Sequence programs of pytorch/examples, in small versions, run in minigrad and in PyTorch
from one source (each builder takes ``lib``) and from the same initial weights:

* time_sequence_prediction (generate_sine_wave.py + train.py): sine waves with random
  phase shifts, two stacked ``nn.LSTMCell`` in double driven by a Python loop over time
  steps (``split`` / ``chunk`` / ``unbind`` of the input, ``cat`` / ``stack`` of the
  outputs), prediction of future values by feeding the output back, ``nn.MSELoss`` and
  ``optim.LBFGS(lr=0.8)`` stepped with a closure; the data file written with
  ``save(data, open(path, 'wb'))``;
* mnist_rnn: ``nn.LSTM(batch_first=True)`` over image rows, the last time step,
  BatchNorm1d, Dropout2d on a 2-D input (with its deprecation warning), Linear,
  log_softmax and nll_loss, Adadelta with StepLR, and the evaluation loop
  (``argmax(dim=1, keepdim=True)``, ``pred.eq(target.view_as(pred)).sum().item()``) with
  the program's printed log lines.

Compared: every loss the closure sees, the values ``step`` returns, outputs, LBFGS state,
final weights (and buffers), dtypes, shapes and formatted log strings. float64 runs are
compared at rtol 1e-8; float32 runs only more loosely (see each test).
"""
import warnings

import numpy as np
import pytest

import minigrad
from nn_oracle import (assert_same_state, copy_weights, dtype_name,
                       seeded_libraries)  # noqa: F401  (a fixture, used by name)

torch = pytest.importorskip("torch")

LIBS = (torch, minigrad)
pytestmark = pytest.mark.usefixtures("seeded_libraries")


# --------------------------------------------------------------------------------------
# time_sequence_prediction
# --------------------------------------------------------------------------------------
def _sine_waves(n=6, length=24, period=20, seed=2):
    """What generate_sine_wave.py computes, smaller: sin of shifted ranges, float64."""
    rs = np.random.RandomState(seed)
    x = np.empty((n, length), "int64")
    x[:] = np.array(range(length)) + rs.randint(-4 * period, 4 * period, n).reshape(n, 1)
    return np.sin(x / 1.0 / period).astype("float64")


def _sequence(lib, hidden=6, dtype=None, split="split", join="cat"):
    dtype = lib.double if dtype is None else dtype

    class Sequence(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm1 = lib.nn.LSTMCell(1, hidden)
            self.lstm2 = lib.nn.LSTMCell(hidden, hidden)
            self.linear = lib.nn.Linear(hidden, 1)

        def _steps(self, input):
            if split == "split":
                return input.split(1, dim=1)
            if split == "chunk":
                return input.chunk(input.size(1), 1)
            return [t.unsqueeze(1) for t in input.unbind(1)]

        def forward(self, input, future=0):
            outputs = []
            h_t = lib.zeros(input.size(0), hidden, dtype=dtype)
            c_t = lib.zeros(input.size(0), hidden, dtype=dtype)
            h_t2 = lib.zeros(input.size(0), hidden, dtype=dtype)
            c_t2 = lib.zeros(input.size(0), hidden, dtype=dtype)
            for input_t in self._steps(input):
                h_t, c_t = self.lstm1(input_t, (h_t, c_t))
                h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
                output = self.linear(h_t2)
                outputs += [output]
            for _ in range(future):
                h_t, c_t = self.lstm1(output, (h_t, c_t))
                h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
                output = self.linear(h_t2)
                outputs += [output]
            if join == "cat":
                return lib.cat(outputs, dim=1)
            return lib.stack(outputs, 1).squeeze(2)

    model = Sequence()
    return model.double() if dtype == lib.double else model


def _train_sequence(lib, model, data, steps, future=5, dtype=np.float64, **lbfgs):
    """train.py's loop; returns (closure losses, step results, test losses, last pred)."""
    input, target = lib.from_numpy(data[3:, :-1].astype(dtype)), lib.from_numpy(
        data[3:, 1:].astype(dtype))
    test_input = lib.from_numpy(data[:3, :-1].astype(dtype))
    test_target = lib.from_numpy(data[:3, 1:].astype(dtype))
    criterion = lib.nn.MSELoss()
    optimizer = lib.optim.LBFGS(model.parameters(), lr=0.8, **lbfgs)
    seen, returned, tested, pred = [], [], [], None
    for _ in range(steps):
        def closure():
            optimizer.zero_grad()
            out = model(input)
            loss = criterion(out, target)
            seen.append("loss: {}".format(loss.item()))
            loss.backward()
            return loss
        result = optimizer.step(closure)
        returned.append((type(result).__name__, result.detach().item()))
        with lib.no_grad():
            pred = model(test_input, future=future)
            loss = criterion(pred[:, :-future], test_target)
            tested.append(loss.item())
    return seen, returned, tested, pred, optimizer


def _float_lines(lines):
    return [float(line.split(": ")[1]) for line in lines]


def test_time_sequence_prediction_lbfgs_matches_torch():
    """Three LBFGS steps of 8 iterations each. LBFGS amplifies rounding: PyTorch against
    itself, with the weights perturbed by one ulp, drifts to ~1e-10 relative after 40
    iterations but stays below 1e-11 for 24, so rtol 1e-8 holds with margin here."""
    data = _sine_waves()
    theirs, ours = _sequence(torch), _sequence(minigrad)
    copy_weights(theirs, ours)
    runs = [_train_sequence(lib, model, data, steps=3, max_iter=8)
            for lib, model in zip(LIBS, (theirs, ours))]
    (seen_t, ret_t, test_t, pred_t, _), (seen_o, ret_o, test_o, pred_o, _) = runs
    assert len(seen_o) == len(seen_t)  # same number of closure evaluations
    np.testing.assert_allclose(_float_lines(seen_o), _float_lines(seen_t), rtol=1e-8)
    assert [r[0] for r in ret_o] == [r[0] for r in ret_t] == ["Tensor"] * 3
    np.testing.assert_allclose([r[1] for r in ret_o], [r[1] for r in ret_t], rtol=1e-8)
    np.testing.assert_allclose(test_o, test_t, rtol=1e-8)
    assert tuple(pred_o.shape) == tuple(pred_t.shape) == (3, data.shape[1] - 1 + 5)
    assert dtype_name(pred_o.dtype) == dtype_name(pred_t.dtype) == "float64"
    assert pred_o.requires_grad is pred_t.requires_grad is False
    np.testing.assert_allclose(pred_o.numpy(), pred_t.numpy(), rtol=1e-8, atol=1e-12)
    assert_same_state(ours, theirs)


@pytest.mark.parametrize("split,join", [("chunk", "stack"), ("unbind", "stack"),
                                        ("split", "stack")])
def test_time_sequence_step_loop_spellings_match_torch(split, join):
    """The same loop written with chunk / unbind and stack: outputs and gradients."""
    data = _sine_waves(n=4, length=10)
    theirs, ours = _sequence(torch, split=split, join=join), _sequence(minigrad, split=split,
                                                                        join=join)
    copy_weights(theirs, ours)
    results = []
    for lib, model in zip(LIBS, (theirs, ours)):
        out = model(lib.from_numpy(data[:, :-1]), future=3)
        loss = lib.nn.MSELoss()(out[:, :-3], lib.from_numpy(data[:, 1:]))
        loss.backward()
        results.append((out.detach().numpy(), loss.item(),
                        {n: p.grad.numpy() for n, p in model.named_parameters()}))
    (out_t, loss_t, grads_t), (out_o, loss_o, grads_o) = results
    assert out_o.shape == out_t.shape == (4, 12)
    np.testing.assert_allclose(out_o, out_t, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(loss_o, loss_t, rtol=1e-8)
    assert list(grads_o) == list(grads_t)
    for name in grads_t:
        np.testing.assert_allclose(grads_o[name], grads_t[name], rtol=1e-8, atol=1e-12,
                                   err_msg=name)


def test_time_sequence_float32_matches_torch():
    """The program in float32 (module left float, float32 zeros and data). The two
    libraries may sum in different orders, so values are compared at rtol 1e-4 over a
    short LBFGS run (max_iter=4); dtypes exactly."""
    data = _sine_waves(n=5, length=12)
    theirs = _sequence(torch, dtype=torch.float32)
    ours = _sequence(minigrad, dtype=minigrad.float32)
    copy_weights(theirs, ours)
    runs = [_train_sequence(lib, model, data, steps=1, future=3, dtype=np.float32,
                            max_iter=4) for lib, model in zip(LIBS, (theirs, ours))]
    (seen_t, _, test_t, pred_t, _), (seen_o, _, test_o, pred_o, _) = runs
    assert len(seen_o) == len(seen_t)
    np.testing.assert_allclose(_float_lines(seen_o), _float_lines(seen_t), rtol=1e-4)
    np.testing.assert_allclose(test_o, test_t, rtol=1e-4)
    assert dtype_name(pred_o.dtype) == dtype_name(pred_t.dtype) == "float32"
    for name, value in ours.state_dict().items():
        assert dtype_name(value.dtype) == "float32", name
    np.testing.assert_allclose(pred_o.numpy(), pred_t.numpy(), rtol=1e-4, atol=1e-5)


def test_lstm_cell_with_double_state_in_float_module_raises_like_torch():
    """Forgetting seq.double() while the state is double: both refuse."""
    errors = []
    for lib in LIBS:
        cell = lib.nn.LSTMCell(1, 3)
        state = lib.zeros(2, 3, dtype=lib.double)
        with pytest.raises(RuntimeError) as info:
            cell(lib.ones(2, 1, dtype=lib.double), (state, state))
        errors.append(type(info.value))
    assert errors[0] is errors[1]


def test_lbfgs_state_matches_torch():
    """After two closure-driven steps the optimizer state holds the same entries and
    values (iteration and evaluation counters, direction, step, curvature history)."""
    data = _sine_waves(n=5, length=10)
    theirs, ours = _sequence(torch, hidden=4), _sequence(minigrad, hidden=4)
    copy_weights(theirs, ours)
    states = []
    for lib, model in zip(LIBS, (theirs, ours)):
        *_, optimizer = _train_sequence(lib, model, data, steps=2, max_iter=6,
                                        history_size=4)
        states.append(optimizer.state[optimizer.param_groups[0]["params"][0]])
    theirs_state, ours_state = states
    for key in ("func_evals", "n_iter"):
        assert ours_state[key] == theirs_state[key], key
    for key in ("t", "prev_loss", "H_diag"):
        np.testing.assert_allclose(float(ours_state[key]), float(theirs_state[key]),
                                   rtol=1e-8, err_msg=key)
    for key in ("d", "prev_flat_grad"):
        np.testing.assert_allclose(ours_state[key].numpy(),
                                   theirs_state[key].numpy(), rtol=1e-7, atol=1e-12,
                                   err_msg=key)
    for key in ("old_dirs", "old_stps"):
        assert len(ours_state[key]) == len(theirs_state[key]), key
        for a, b in zip(ours_state[key], theirs_state[key]):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-7, atol=1e-12)
    assert sorted(ours_state) == sorted(theirs_state)  # PyTorch also keeps 'al'
    assert type(ours_state["H_diag"]).__name__ == type(theirs_state["H_diag"]).__name__


def test_lbfgs_strong_wolfe_matches_torch():
    """train.py with the other line search PyTorch offers: losses and weights."""
    data = _sine_waves(n=5, length=10)
    theirs, ours = _sequence(torch, hidden=4), _sequence(minigrad, hidden=4)
    copy_weights(theirs, ours)
    runs = [_train_sequence(lib, model, data, steps=2, max_iter=5,
                            line_search_fn="strong_wolfe")
            for lib, model in zip(LIBS, (theirs, ours))]
    assert len(runs[1][0]) == len(runs[0][0])
    np.testing.assert_allclose(_float_lines(runs[1][0]), _float_lines(runs[0][0]), rtol=1e-8)
    assert_same_state(ours, theirs)


@pytest.mark.parametrize("open_for_load", [False, True])
def test_sine_wave_file_saved_through_open_file_loads_back(tmp_path, open_for_load):
    """generate_sine_wave.py saves with ``save(data, open(path, 'wb'))`` (a file object),
    train.py loads by path; ``load`` also takes an open file in PyTorch."""
    data = _sine_waves()
    for lib in LIBS:
        path = tmp_path / f"traindata_{lib.__name__}.pt"
        with open(path, "wb") as f:
            lib.save(data, f)
        if open_for_load:
            with open(path, "rb") as f:
                loaded = lib.load(f, weights_only=False)
        else:
            loaded = lib.load(str(path), weights_only=False)
        assert isinstance(loaded, np.ndarray), lib.__name__
        assert loaded.dtype == np.float64
        np.testing.assert_array_equal(loaded, data)


# --------------------------------------------------------------------------------------
# mnist_rnn
# --------------------------------------------------------------------------------------
def _mnist_rnn(lib, rows=7, hidden=10, p1=0.0, p2=0.0):
    F = lib.nn.functional

    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = lib.nn.LSTM(input_size=rows, hidden_size=hidden, batch_first=True)
            self.batchnorm = lib.nn.BatchNorm1d(hidden)
            self.dropout1 = lib.nn.Dropout2d(p1)
            self.dropout2 = lib.nn.Dropout2d(p2)
            self.fc1 = lib.nn.Linear(hidden, 8)
            self.fc2 = lib.nn.Linear(8, 10)

        def forward(self, input):
            input = input.reshape(-1, rows, rows)
            output, hidden_state = self.rnn(input)
            output = output[:, -1, :]
            output = self.batchnorm(output)
            output = self.dropout1(output)
            output = F.relu(self.fc1(output))
            output = self.dropout2(output)
            return F.log_softmax(self.fc2(output), dim=1)

    return Net()


def _run_mnist_rnn(lib, model, np_dtype, epochs=2, batches=3, rows=7):
    F = lib.nn.functional
    rng = np.random.default_rng(11)
    optimizer = lib.optim.Adadelta(model.parameters(), lr=0.1)
    scheduler = lib.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    log, losses, info = [], [], []
    n_train, n_test = batches * 6, 2 * 7
    for epoch in range(1, epochs + 1):
        model.train()
        for batch_idx in range(batches):
            data = lib.tensor(rng.standard_normal((6, 1, rows, rows)).astype(np_dtype))
            target = lib.tensor(rng.integers(0, 10, 6))
            optimizer.zero_grad()
            output = model(data)
            loss = F.nll_loss(output, target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            log.append("Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}".format(
                epoch, batch_idx * len(data), n_train, 100. * batch_idx / batches,
                loss.item()))
        model.eval()
        test_loss, correct = 0, 0
        with lib.no_grad():
            for _ in range(2):
                data = lib.tensor(rng.standard_normal((7, 1, rows, rows)).astype(np_dtype))
                target = lib.tensor(rng.integers(0, 10, 7))
                output = model(data)
                test_loss += F.nll_loss(output, target, reduction="sum").item()
                pred = output.argmax(dim=1, keepdim=True)
                correct += pred.eq(target.view_as(pred)).sum().item()
                info.append((tuple(pred.shape), dtype_name(pred.dtype), type(correct),
                             dtype_name(output.dtype), pred.numpy().ravel().tolist()))
                losses.append(test_loss)
        test_loss /= n_test
        log.append("Test set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)".format(
            test_loss, correct, n_test, 100. * correct / n_test))
        scheduler.step()
        losses.append(scheduler.get_last_lr()[0])
    return log, losses, info


def test_mnist_rnn_training_and_evaluation_match_torch():
    theirs, ours = _mnist_rnn(torch).double(), _mnist_rnn(minigrad).double()
    copy_weights(theirs, ours)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Dropout2d on 2-D input
        run_t = _run_mnist_rnn(torch, theirs, np.float64)
        run_o = _run_mnist_rnn(minigrad, ours, np.float64)
    np.testing.assert_allclose(run_o[1], run_t[1], rtol=1e-8)
    assert run_o[0] == run_t[0]
    assert run_o[2] == run_t[2]
    assert_same_state(ours, theirs)


def test_mnist_rnn_float32_matches_torch():
    """The program's own dtype. float32 sums may be ordered differently: rtol 1e-5 on
    losses and weights; dtypes of outputs, parameters and buffers must agree exactly."""
    theirs, ours = _mnist_rnn(torch), _mnist_rnn(minigrad)
    copy_weights(theirs, ours)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        run_t = _run_mnist_rnn(torch, theirs, np.float32, epochs=1)
        run_o = _run_mnist_rnn(minigrad, ours, np.float32, epochs=1)
    np.testing.assert_allclose(run_o[1], run_t[1], rtol=1e-5)
    assert [i[:4] for i in run_o[2]] == [i[:4] for i in run_t[2]]
    assert run_o[2][0][3] == "float32"
    assert_same_state(ours, theirs, rtol=1e-5, atol=1e-6)


def test_mnist_rnn_dropout2d_on_2d_input_warns_and_drops_elementwise_like_torch():
    """The program applies Dropout2d to (batch, features): PyTorch warns (a deprecated
    input rank) and, with no spatial dimensions, drops single elements and scales the
    rest by 1/(1-p). Each library must show the same warning (category and first
    sentence) and the same structure."""
    messages = []
    for lib in LIBS:
        lib.manual_seed(0)
        layer = lib.nn.Dropout2d(0.5)
        x = lib.ones(300, 40, dtype=lib.float64)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = layer(x).numpy()
        messages.append([(w.category, str(w.message).split(". ")[0]) for w in caught])
        assert set(np.unique(y)) <= {0.0, 2.0}, lib.__name__
        assert 0.4 < (y == 0).mean() < 0.6, lib.__name__
        assert not (y == 0).all(axis=0).any(), lib.__name__  # no whole column dropped
        assert not (y == 0).all(axis=1).any(), lib.__name__  # no whole row dropped
        layer.eval()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            np.testing.assert_array_equal(layer(x).numpy(), x.numpy())
    assert messages[1] == messages[0]
