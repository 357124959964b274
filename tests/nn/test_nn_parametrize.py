"""nn.utils.parametrize and nn.utils.parametrizations against PyTorch: the same weights
in both libraries give the same outputs, gradients of the original tensors, state-dict
keys and values, reprs and SGD trajectories."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from nn_oracle import assert_close, assert_same_state

torch = pytest.importorskip("torch")
LIBS = (minigrad, torch)


def symmetric(lib):
    class Symmetric(lib.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu()
    return Symmetric()


def scaled(lib):
    class Scale(lib.nn.Module):
        def forward(self, X):
            return 2.0 * X

        def right_inverse(self, A):
            return A / 2.0
    return Scale()


def rank_one(lib):
    class RankOne(lib.nn.Module):
        def forward(self, x, y):
            return x.unsqueeze(-1) @ y.unsqueeze(-2)

        def right_inverse(self, Z):
            return Z[:, 0].clone(), Z[0, :].clone()
    return RankOne()


def square_linear(lib, n=4, seed=0):
    """A float64 Linear(n, n) with the same weights in both libraries."""
    layer = lib.nn.Linear(n, n).double()
    rng = np.random.default_rng(seed)
    with lib.no_grad():
        for p in layer.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape))))
    return layer


def train(lib, model, x, steps=3, lr=0.1):
    """A few SGD steps on sum(model(x)**2); returns the outputs seen."""
    opt = lib.optim.SGD(model.parameters(), lr=lr)
    seen = []
    for _ in range(steps):
        opt.zero_grad()
        out = model(lib.tensor(x))
        (out ** 2).sum().backward()
        opt.step()
        seen.append(out.detach().numpy())
    return seen


def both(setup):
    """``setup(lib)`` run for each library: (ours, theirs)."""
    return tuple(setup(lib) for lib in LIBS)


# --- parametrize ---------------------------------------------------------------------------
@pytest.mark.parametrize("make", [symmetric, scaled])
def test_registered_parametrization_matches_torch(make):
    def setup(lib):
        layer = square_linear(lib)
        lib.nn.utils.parametrize.register_parametrization(layer, "weight", make(lib))
        return layer
    mine, theirs = both(setup)
    assert type(mine).__name__ == type(theirs).__name__ == "ParametrizedLinear"
    assert repr(mine).replace("minigrad", "torch") == repr(theirs)
    assert_same_state(mine, theirs)
    x = np.random.default_rng(1).standard_normal((3, 4))
    for a, b in zip(train(minigrad, mine, x), train(torch, theirs, x)):
        assert_close(a, b, 1e-12, 1e-12)
    assert_same_state(mine, theirs)
    assert_close(mine.weight, theirs.weight, 1e-12, 1e-12)
    assert mine.parametrizations.weight.original.grad is not None


def test_chain_of_parametrizations_assignment_and_removal():
    def setup(lib):
        layer = square_linear(lib)
        P = lib.nn.utils.parametrize
        P.register_parametrization(layer, "weight", symmetric(lib))
        P.register_parametrization(layer, "weight", scaled(lib))
        P.register_parametrization(layer, "bias", scaled(lib))
        with lib.no_grad():
            layer.weight = lib.tensor(np.arange(16.0).reshape(4, 4) / 10)
        return layer
    mine, theirs = both(setup)
    assert repr(mine).replace("minigrad", "torch") == repr(theirs)
    assert_same_state(mine, theirs)
    assert_close(mine.weight, theirs.weight)
    for leave in (True, False):
        a, b = both(setup)  # (a deep copy would share the Parametrized class, as in torch)
        original = a.parametrizations.weight.original
        for lib, layer in zip(LIBS, (a, b)):
            lib.nn.utils.parametrize.remove_parametrizations(layer, "weight", leave)
        assert type(a).__name__ == type(b).__name__ == "ParametrizedLinear"
        assert a.weight is original  # the same object, so an optimizer still holds it
        assert_same_state(a, b)
        for lib, layer in zip(LIBS, (a, b)):
            lib.nn.utils.parametrize.remove_parametrizations(layer, "bias", leave)
        assert type(a) is minigrad.nn.Linear and type(b) is torch.nn.Linear
        assert_same_state(a, b)
        assert not hasattr(a, "parametrizations")


def test_several_originals_and_their_errors():
    def setup(lib):
        layer = square_linear(lib)
        lib.nn.utils.parametrize.register_parametrization(layer, "weight", rank_one(lib))
        return layer
    mine, theirs = both(setup)
    assert list(mine.state_dict()) == list(theirs.state_dict())
    assert "parametrizations.weight.original1" in mine.state_dict()
    assert_same_state(mine, theirs)
    x = np.random.default_rng(2).standard_normal((2, 4))
    for a, b in zip(train(minigrad, mine, x), train(torch, theirs, x)):
        assert_close(a, b, 1e-12, 1e-12)
    for lib, layer in zip(LIBS, (mine, theirs)):
        with pytest.raises(ValueError, match="sequence of tensors"):
            lib.nn.utils.parametrize.remove_parametrizations(layer, "weight",
                                                              leave_parametrized=False)
    expected = theirs.weight.detach().numpy()
    minigrad.nn.utils.parametrize.remove_parametrizations(mine, "weight")
    assert isinstance(mine.weight, minigrad.nn.Parameter)
    assert_close(mine.weight, expected)


@pytest.mark.parametrize("case", ["no tensor", "dtype", "shape", "missing", "not parametrized"])
def test_bad_parametrizations_raise_as_torch(case):
    def attempt(lib):
        layer = lib.nn.Linear(3, 3)
        P = lib.nn.utils.parametrize

        class Bad(lib.nn.Module):
            def forward(self, X):
                return {"no tensor": lambda: 1.0, "dtype": lambda: X.double(),
                        "shape": lambda: X[:2]}.get(case, lambda: X)()
        if case == "missing":
            P.register_parametrization(layer, "nothing", Bad())
        elif case == "not parametrized":
            P.remove_parametrizations(layer, "weight")
        else:
            P.register_parametrization(layer, "weight", Bad())
    for lib in LIBS:
        with pytest.raises(ValueError):
            attempt(lib)


def test_assignment_needs_right_inverse_and_unsafe_allows_a_new_shape():
    for lib in LIBS:
        class Double(lib.nn.Module):
            def forward(self, X):
                return lib.cat([X, X])
        layer = lib.nn.Linear(3, 2)
        lib.nn.utils.parametrize.register_parametrization(layer, "weight", Double(), unsafe=True)
        assert tuple(layer.weight.shape) == (4, 3)
        with pytest.raises(RuntimeError, match="right_inverse"):
            layer.weight = lib.zeros(4, 3)


def test_cached_reuses_one_tensor_and_helpers_agree():
    P = minigrad.nn.utils.parametrize
    layer = square_linear(minigrad)
    assert not P.is_parametrized(layer)
    P.register_parametrization(layer, "weight", symmetric(minigrad))
    assert P.is_parametrized(layer) and P.is_parametrized(layer, "weight")
    assert not P.is_parametrized(layer, "bias")
    assert P.type_before_parametrizations(layer) is minigrad.nn.Linear
    assert layer.weight is not layer.weight
    with P.cached():
        assert layer.weight is layer.weight
    assert layer.weight is not layer.weight
    with pytest.raises(RuntimeError, match="state_dict"):
        layer.__getstate__()
    other = square_linear(minigrad, seed=3)
    P.transfer_parametrizations_and_params(layer, other)
    assert other.parametrizations.weight.original is layer.parametrizations.weight.original
    assert_close(other.weight, layer.weight.detach().numpy())


# --- weight_norm, spectral_norm, orthogonal ----------------------------------------------------
CASES = [("weight_norm", {}), ("weight_norm", {"dim": None}), ("weight_norm", {"dim": 1}),
         ("weight_norm", {"dim": -2}),
         ("spectral_norm", {}), ("spectral_norm", {"n_power_iterations": 3, "dim": 1}),
         ("spectral_norm", {"eps": 1e-3}),
         ("orthogonal", {}), ("orthogonal", {"orthogonal_map": "cayley"}),
         ("orthogonal", {"orthogonal_map": "householder"}),
         ("orthogonal", {"orthogonal_map": "householder", "use_trivialization": False}),
         ("orthogonal", {"orthogonal_map": "matrix_exp", "use_trivialization": False}),
         ("orthogonal", {"orthogonal_map": "cayley", "use_trivialization": False})]


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3)])
@pytest.mark.parametrize("name, kwargs", CASES)
def test_parametrizations_match_torch_from_the_same_state(name, kwargs, shape):
    def setup(lib):
        layer = lib.nn.Linear(shape[1], shape[0]).double()
        getattr(lib.nn.utils.parametrizations, name)(layer, **kwargs)
        return layer
    mine, theirs = both(setup)
    assert repr(mine).replace("minigrad", "torch") == repr(theirs)
    mine.load_state_dict({k: v.numpy().copy() for k, v in theirs.state_dict().items()})
    assert_same_state(mine, theirs)
    x = np.random.default_rng(4).standard_normal((2, shape[1]))
    for a, b in zip(train(minigrad, mine, x), train(torch, theirs, x)):
        assert_close(a, b, 1e-9, 1e-11)
    assert_same_state(mine, theirs, 1e-9, 1e-11)
    mine.eval(), theirs.eval()
    assert_close(mine(minigrad.tensor(x)), theirs(torch.tensor(x)), 1e-9, 1e-11)


def test_orthogonal_weights_are_orthogonal_and_assignable():
    for kind in ("matrix_exp", "cayley", "householder"):
        layer = minigrad.nn.Linear(3, 5).double()
        minigrad.nn.utils.parametrizations.orthogonal(layer, orthogonal_map=kind)
        w = layer.weight.detach().numpy()
        np.testing.assert_allclose(w.T @ w, np.eye(3), atol=1e-12)
        q = np.linalg.qr(np.random.default_rng(5).standard_normal((5, 3)))[0]
        with minigrad.no_grad():
            layer.weight = minigrad.tensor(q)
        np.testing.assert_allclose(layer.weight.detach().numpy(), q, atol=1e-12)


def test_conv_and_batched_weights():
    def setup(lib):
        conv = lib.nn.Conv2d(2, 3, 2).double()
        lib.nn.utils.parametrizations.spectral_norm(conv)
        tconv = lib.nn.ConvTranspose2d(2, 3, 2).double()
        lib.nn.utils.parametrizations.spectral_norm(tconv)
        wn = lib.nn.Conv1d(2, 3, 2).double()
        lib.nn.utils.parametrizations.weight_norm(wn, dim=2)
        return lib.nn.ModuleList([conv, tconv, wn])
    mine, theirs = both(setup)
    assert theirs[1].parametrizations.weight[0].dim == mine[1].parametrizations.weight[0].dim == 1
    mine.load_state_dict({k: v.numpy().copy() for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(6)
    x2, x1 = rng.standard_normal((1, 2, 4, 4)), rng.standard_normal((1, 2, 5))
    for i, x in ((0, x2), (1, x2), (2, x1)):
        a, b = mine[i](minigrad.tensor(x)), theirs[i](torch.tensor(x))
        assert_close(a, b, 1e-10, 1e-12)
        a.sum().backward(), b.sum().backward()
    for (key, p), q in zip(mine.named_parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad, 1e-9, 1e-11)
    assert_same_state(mine, theirs, 1e-10, 1e-12)


def test_old_weight_norm_state_dict_loads_into_the_parametrization():
    old = minigrad.nn.Linear(3, 2)
    with pytest.warns(FutureWarning):
        minigrad.nn.utils.weight_norm(old)
    new = minigrad.nn.utils.parametrizations.weight_norm(minigrad.nn.Linear(3, 2))
    new.load_state_dict(old.state_dict())
    assert_close(new.weight, old.weight.detach().numpy(), 1e-6, 1e-7)


@pytest.mark.parametrize("case", ["1-d orthogonal", "bad map", "no tensor", "bad dim",
                                  "power iterations"])
def test_parametrization_errors_match_torch(case):
    def attempt(lib):
        layer, utils = lib.nn.Linear(3, 2), lib.nn.utils.parametrizations
        {"1-d orthogonal": lambda: utils.orthogonal(layer, "bias"),
         "bad map": lambda: utils.orthogonal(layer, orthogonal_map="qr"),
         "no tensor": lambda: utils.spectral_norm(layer, "nothing"),
         "bad dim": lambda: utils.spectral_norm(layer, dim=2),
         "power iterations": lambda: utils.spectral_norm(layer, n_power_iterations=0)}[case]()
    errors = []
    for lib in LIBS:
        with pytest.raises(Exception) as info:
            attempt(lib)
        errors.append(info.type)
    assert errors[0] is errors[1]


@settings(max_examples=15, deadline=None)
@given(rows=st.integers(1, 5), cols=st.integers(1, 5), seed=st.integers(0, 2**16),
       dim=st.sampled_from([0, 1, None]))
def test_weight_norm_any_shape(rows, cols, seed, dim):
    def setup(lib):
        layer = lib.nn.Linear(cols, rows).double()
        lib.nn.utils.parametrizations.weight_norm(layer, dim=dim)
        return layer
    mine, theirs = both(setup)
    mine.load_state_dict({k: v.numpy().copy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(seed).standard_normal((2, cols))
    for a, b in zip(train(minigrad, mine, x, 2), train(torch, theirs, x, 2)):
        assert_close(a, b, 1e-10, 1e-12)
    assert_same_state(mine, theirs, 1e-10, 1e-12)
