"""Adafactor and SparseAdam against torch.optim: step by step from the same weights and
gradients, state dicts both ways, and the same errors."""
import numpy as np
import pytest

import minigrad
import minigrad.optim as optim

torch = pytest.importorskip("torch")

SHAPES = [(3, 4), (5,), (2, 3, 4), (), (1, 6)]
DTYPES = {np.float64: (torch.float64, 1e-10), np.float32: (torch.float32, 2e-5)}


def _problem(steps, seed=0):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(shape) for shape in SHAPES]
    grads = [[rng.standard_normal(shape) for shape in SHAPES] for _ in range(steps)]
    grads[1][0] = None  # a parameter without a gradient in one step is skipped
    return params, grads


def _pair(params, dtype):
    mine = [minigrad.tensor(p, dtype=dtype, requires_grad=True) for p in params]
    ref = [torch.tensor(p, dtype=DTYPES[dtype][0], requires_grad=True) for p in params]
    return mine, ref


def _set_grads(mine, ref, grads, dtype):
    for a, b, g in zip(mine, ref, grads):
        a.grad = None if g is None else minigrad.tensor(g, dtype=dtype)
        b.grad = None if g is None else torch.tensor(g, dtype=DTYPES[dtype][0])


def _assert_state_equal(ours, theirs, rtol):
    assert ours.keys() == theirs.keys()
    for index, state in theirs.items():
        assert list(ours[index]) == list(state)
        for key, value in state.items():
            mine = ours[index][key]
            if isinstance(value, torch.Tensor):
                assert isinstance(mine, minigrad.Tensor)
                assert "torch." + str(mine.dtype) == str(value.dtype)
                np.testing.assert_allclose(mine.numpy(), value.numpy(), rtol=rtol, atol=rtol)
            else:
                assert type(mine) is type(value) and mine == value


ADAFACTOR_OPTIONS = [
    {},
    dict(lr=0.05, weight_decay=0.1),
    dict(maximize=True, beta2_decay=-0.5, d=1.5),
    dict(eps=(1e-3, 1e-2), lr=0.2),
    dict(eps=(None, 0.0), foreach=True),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("options", ADAFACTOR_OPTIONS)
def test_adafactor_matches_torch_step_by_step(options, dtype):
    params, grads = _problem(8)
    mine, ref = _pair(params, dtype)
    ours, theirs = optim.Adafactor(mine, **options), torch.optim.Adafactor(ref, **options)
    rtol = DTYPES[dtype][1]
    for step_grads in grads:
        _set_grads(mine, ref, step_grads, dtype)
        ours.step()
        theirs.step()
        for a, b in zip(mine, ref):
            assert a.dtype == dtype
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol,
                                       atol=rtol)
    _assert_state_equal(ours.state_dict()["state"], theirs.state_dict()["state"], rtol)
    assert not np.allclose(mine[0].detach().numpy(), params[0])


def test_adafactor_state_dict_round_trips_and_loads_torch_values():
    params, grads = _problem(6, seed=3)
    options = dict(lr=0.05, weight_decay=0.01)
    mine, ref = _pair(params, np.float64)
    ours, theirs = optim.Adafactor(mine, **options), torch.optim.Adafactor(ref, **options)
    for step_grads in grads[:3]:
        _set_grads(mine, ref, step_grads, np.float64)
        theirs.step()
    # Our optimizer starts from torch's weights and torch's state values.
    for a, b in zip(mine, ref):
        a.data = minigrad.tensor(b.detach().numpy().copy())
    saved = theirs.state_dict()
    ours.load_state_dict({
        "state": {i: {k: minigrad.tensor(v.numpy().copy()) if isinstance(v, torch.Tensor)
                      else v for k, v in s.items()} for i, s in saved["state"].items()},
        "param_groups": saved["param_groups"]})
    _assert_state_equal(ours.state_dict()["state"], saved["state"], 0)
    assert ours.state_dict()["param_groups"] == saved["param_groups"]
    for step_grads in grads[3:]:
        _set_grads(mine, ref, step_grads, np.float64)
        ours.step()
        theirs.step()
    for a, b in zip(mine, ref):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10)
    # and our own state dict loads into a fresh optimizer that then steps identically
    copy = [minigrad.tensor(a.detach().numpy().copy(), requires_grad=True) for a in mine]
    again = optim.Adafactor(copy, **options)
    again.load_state_dict(ours.state_dict())
    for a, b, g in zip(mine, copy, grads[0]):
        a.grad = b.grad = None if g is None else minigrad.tensor(g)
    ours.step()
    again.step()
    for a, b in zip(mine, copy):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


@pytest.mark.parametrize("options", [
    dict(lr=-1.0), dict(beta2_decay=0.5), dict(eps=(-1.0, 1e-3)), dict(eps=(None, -1.0)),
    dict(d=0.5), dict(weight_decay=-0.1),
])
def test_adafactor_rejects_bad_options_like_torch(options):
    with pytest.raises(ValueError) as theirs:
        torch.optim.Adafactor([torch.zeros(2, requires_grad=True)], **options)
    with pytest.raises(ValueError) as ours:
        optim.Adafactor([minigrad.zeros(2, requires_grad=True)], **options)
    assert str(theirs.value) in str(ours.value)


def _sparse_grads(steps, shape, seed=0):
    """(indices, values) per step: rows of a 2-d parameter, some repeated, sometimes
    none at all."""
    rng = np.random.default_rng(seed)
    result = []
    for step in range(steps):
        nnz = 0 if step == 2 else int(rng.integers(1, 7))
        rows = rng.integers(0, shape[0], size=(1, nnz))
        result.append((rows, rng.standard_normal((nnz, shape[1]))))
    return result


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("options", [{}, dict(lr=0.05, betas=(0.8, 0.9), eps=1e-4),
                                     dict(maximize=True, lr=0.01)])
def test_sparse_adam_matches_torch_with_sparse_gradients(options, dtype):
    shape = (6, 3)
    start = np.random.default_rng(1).standard_normal(shape)
    mine, ref = _pair([start], dtype)
    ours, theirs = optim.SparseAdam(mine, **options), torch.optim.SparseAdam(ref, **options)
    rtol = DTYPES[dtype][1]
    for rows, values in _sparse_grads(6, shape):
        mine[0].grad = minigrad.sparse_coo_tensor(rows, values.astype(dtype), shape)
        ref[0].grad = torch.sparse_coo_tensor(torch.tensor(rows),
                                              torch.tensor(values, dtype=DTYPES[dtype][0]),
                                              shape)
        ours.step()
        theirs.step()
        assert mine[0].dtype == dtype
        np.testing.assert_allclose(mine[0].detach().numpy(), ref[0].detach().numpy(),
                                   rtol=rtol, atol=rtol)
    _assert_state_equal(ours.state_dict()["state"], theirs.state_dict()["state"], rtol)
    assert ours.state_dict()["param_groups"] == theirs.state_dict()["param_groups"]


def test_sparse_adam_loads_torch_state():
    shape = (5, 2)
    start = np.random.default_rng(2).standard_normal(shape)
    mine, ref = _pair([start], np.float64)
    ours, theirs = optim.SparseAdam(mine, lr=0.1), torch.optim.SparseAdam(ref, lr=0.1)
    grads = _sparse_grads(5, shape, seed=4)
    for rows, values in grads[:3]:
        ref[0].grad = torch.sparse_coo_tensor(torch.tensor(rows), torch.tensor(values), shape)
        theirs.step()
    mine[0].data = minigrad.tensor(ref[0].detach().numpy().copy())
    saved = theirs.state_dict()
    ours.load_state_dict({"state": {i: {k: minigrad.tensor(v.numpy().copy())
                                        if isinstance(v, torch.Tensor) else v
                                        for k, v in s.items()}
                                    for i, s in saved["state"].items()},
                          "param_groups": saved["param_groups"]})
    for rows, values in grads[3:]:
        mine[0].grad = minigrad.sparse_coo_tensor(rows, values, shape)
        ref[0].grad = torch.sparse_coo_tensor(torch.tensor(rows), torch.tensor(values), shape)
        ours.step()
        theirs.step()
    np.testing.assert_allclose(mine[0].detach().numpy(), ref[0].detach().numpy(), rtol=1e-10)
    _assert_state_equal(ours.state_dict()["state"], theirs.state_dict()["state"], 1e-10)


def test_sparse_adam_refuses_dense_gradients_like_torch():
    mine, ref = _pair([np.ones((2, 2))], np.float64)
    ours, theirs = optim.SparseAdam(mine), torch.optim.SparseAdam(ref)
    mine[0].grad, ref[0].grad = minigrad.ones(2, 2, dtype=minigrad.float64), torch.ones(2, 2,
                                                                        dtype=torch.float64)
    with pytest.raises(RuntimeError) as theirs_error:
        theirs.step()
    with pytest.raises(RuntimeError) as ours_error:
        ours.step()
    assert str(theirs_error.value) == str(ours_error.value)
    np.testing.assert_array_equal(mine[0].detach().numpy(), 1.0)


@pytest.mark.parametrize("options", [dict(lr=0.0), dict(eps=0.0), dict(betas=(1.0, 0.9)),
                                     dict(betas=(0.9, -0.1))])
def test_sparse_adam_rejects_bad_options_like_torch(options):
    with pytest.raises(ValueError):
        torch.optim.SparseAdam([torch.zeros(2, requires_grad=True)], **options)
    with pytest.raises(ValueError):
        optim.SparseAdam([minigrad.zeros(2, requires_grad=True)], **options)


def test_adafactor_refuses_sparse_gradients_like_torch():
    mine, ref = _pair([np.ones((3, 2))], np.float64)
    ours, theirs = optim.Adafactor(mine), torch.optim.Adafactor(ref)
    mine[0].grad = minigrad.sparse_coo_tensor([[0]], [[1.0, 2.0]], (3, 2),
                                              dtype=minigrad.float64)
    ref[0].grad = torch.sparse_coo_tensor([[0]], [[1.0, 2.0]], (3, 2), dtype=torch.float64)
    with pytest.raises(RuntimeError) as theirs_error:
        theirs.step()
    with pytest.raises(RuntimeError) as ours_error:
        ours.step()
    assert str(theirs_error.value) == str(ours_error.value)
