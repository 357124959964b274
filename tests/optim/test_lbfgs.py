"""LBFGS against torch.optim.LBFGS: the same closure-driven trajectory."""
import numpy as np
import pytest

import minigrad
import minigrad.optim as optim

torch = pytest.importorskip("torch")


def _rosenbrock(lib, xy):
    return (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2


def _trajectory(lib, opt_cls, steps, **kwargs):
    xy = lib.tensor(np.array([-1.5, 2.0]), requires_grad=True)
    w = lib.tensor(np.array([[0.3, -0.2], [0.1, 0.4]]), requires_grad=True)
    opt = opt_cls([xy, w], **kwargs)

    def closure():
        opt.zero_grad()
        loss = _rosenbrock(lib, xy) + ((w @ xy - 1.0) ** 2).sum()
        loss.backward()
        return loss

    history = []
    for _ in range(steps):
        loss = opt.step(closure)
        history.append([loss.item()] + xy.detach().numpy().tolist()
                       + w.detach().numpy().ravel().tolist())
    return np.array(history)


@pytest.mark.parametrize("kwargs, rtol", [
    (dict(lr=0.5, max_iter=5, history_size=3), 1e-9),
    (dict(lr=1.0, max_iter=3, max_eval=2), 1e-9),
    (dict(lr=0.05, tolerance_change=1e-3), 1e-9),
    # 120 iterations down Rosenbrock's valley amplify the last-bit differences of the dot
    # products' summation order (NumPy's vs PyTorch's) to ~1e-7.
    (dict(lr=0.1), 1e-5),
])
def test_lbfgs_matches_torch(kwargs, rtol):
    ours = _trajectory(minigrad, optim.LBFGS, 6, **kwargs)
    theirs = _trajectory(torch, torch.optim.LBFGS, 6, **kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-12)
    assert not np.allclose(ours[-1, 1:], ours[0, 1:])


def test_lbfgs_arguments():
    p = minigrad.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="per-parameter options"):
        optim.LBFGS([{"params": [p]}, {"params": [minigrad.zeros(1, requires_grad=True)]}])
    with pytest.raises(TypeError, match="closure"):  # required, as in PyTorch
        optim.LBFGS([p]).step()
