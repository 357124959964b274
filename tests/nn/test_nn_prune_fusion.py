"""nn.utils.prune, nn.utils.fusion, nn.utils.stateless, skip_init and LazyModuleMixin
against PyTorch: the same weights give the same masks, state dicts (keys in order),
outputs, gradients of ``weight_orig`` and SGD trajectories."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from nn_oracle import assert_close, assert_same_state

torch = pytest.importorskip("torch")
import torch.nn.utils.prune  # noqa: E402  (torch does not import it with torch.nn.utils)

LIBS = (minigrad, torch)


def conv(lib, seed=0):
    """A float64 Conv2d(3, 4, 2) with distinct random weights in both libraries."""
    layer = lib.nn.Conv2d(3, 4, 2).double()
    rng = np.random.default_rng(seed)
    with lib.no_grad():
        for p in layer.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape))))
    return layer


def run(lib, layer, steps=3):
    """Outputs of a few SGD steps on sum(layer(x)**2), and the last weight_orig grad."""
    x = np.random.default_rng(9).standard_normal((2, 3, 4, 4))
    opt = lib.optim.SGD(layer.parameters(), lr=0.01)
    outs = []
    for _ in range(steps):
        opt.zero_grad()
        out = layer(lib.tensor(x))
        (out ** 2).sum().backward()
        opt.step()
        outs.append(out.detach().numpy())
    return outs


PRUNINGS = [
    [("l1_unstructured", dict(name="weight", amount=0.3))],
    [("l1_unstructured", dict(name="weight", amount=7))],
    [("l1_unstructured", dict(name="weight", amount=0))],
    [("ln_structured", dict(name="weight", amount=0.5, n=2, dim=0))],
    [("ln_structured", dict(name="weight", amount=1, n=1, dim=1))],
    [("ln_structured", dict(name="weight", amount=1, n=float("inf"), dim=-1))],
    [("identity", dict(name="bias"))],
    # iterative pruning: PruningContainer combines the masks
    [("l1_unstructured", dict(name="weight", amount=0.2)),
     ("ln_structured", dict(name="weight", amount=1, n=2, dim=0)),
     ("l1_unstructured", dict(name="weight", amount=5)),
     ("l1_unstructured", dict(name="bias", amount=2))],
    [("ln_structured", dict(name="weight", amount=1, n=2, dim=0)),
     ("ln_structured", dict(name="weight", amount=0.34, n=1, dim=0))],
]


@pytest.mark.parametrize("steps", PRUNINGS)
def test_pruning_matches_torch(steps):
    layers = []
    for lib in LIBS:
        layer = conv(lib)
        for function, kwargs in steps:
            getattr(lib.nn.utils.prune, function)(layer, **kwargs)
        layers.append(layer)
    mine, theirs = layers
    assert_same_state(mine, theirs)
    assert minigrad.nn.utils.prune.is_pruned(mine)
    assert isinstance(mine.weight_orig if hasattr(theirs, "weight_orig") else mine.weight,
                      minigrad.nn.Parameter)
    for a, b in zip(run(minigrad, mine), run(torch, theirs)):
        assert_close(a, b, 1e-10, 1e-12)
    for (name, p), q in zip(mine.named_parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad, 1e-10, 1e-12)
    assert_same_state(mine, theirs, 1e-10, 1e-12)
    for name in {kwargs["name"] for _, kwargs in steps}:
        minigrad.nn.utils.prune.remove(mine, name)
        torch.nn.utils.prune.remove(theirs, name)
    assert not minigrad.nn.utils.prune.is_pruned(mine)
    assert_same_state(mine, theirs, 1e-10, 1e-12)
    assert all(isinstance(p, minigrad.nn.Parameter) for p in mine.parameters())


def test_global_and_custom_pruning_match_torch():
    def setup(lib):
        model = lib.nn.Sequential(conv(lib, 1), lib.nn.Flatten(), lib.nn.Linear(36, 3).double())
        rng = np.random.default_rng(2)
        with lib.no_grad():
            for p in model[2].parameters():
                p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape))))
        P = lib.nn.utils.prune
        P.l1_unstructured(model[2], "weight", amount=10)
        P.global_unstructured([(model[0], "weight"), (model[2], "weight"), (model[0], "bias")],
                              pruning_method=P.L1Unstructured, amount=0.4)
        mask = lib.tensor((np.arange(4) % 2).astype(np.float64))
        P.custom_from_mask(model[0], "bias", mask)
        return model
    mine, theirs = setup(minigrad), setup(torch)
    assert_same_state(mine, theirs)
    x = np.random.default_rng(3).standard_normal((2, 3, 4, 4))
    a, b = mine(minigrad.tensor(x)), theirs(torch.tensor(x))
    assert_close(a, b, 1e-10, 1e-12)


@settings(max_examples=20, deadline=None)
@given(rows=st.integers(2, 5), cols=st.integers(2, 5), seed=st.integers(0, 2**16),
       amount=st.one_of(st.integers(0, 4), st.floats(0, 1)), dim=st.sampled_from([0, 1, -1]),
       n=st.sampled_from([1, 2, 3]))
def test_l1_and_ln_masks_any_shape(rows, cols, seed, amount, dim, n):
    values = np.random.default_rng(seed).standard_normal((rows, cols))  # no ties
    masks = []
    for lib in LIBS:
        P = lib.nn.utils.prune
        t = lib.tensor(values)
        masks.append([P.L1Unstructured(amount).compute_mask(t, lib.ones_like(t)).numpy()
                      if amount <= rows * cols or isinstance(amount, float) else None,
                      P.LnStructured(amount, n, dim).compute_mask(t, lib.ones_like(t)).numpy()
                      if isinstance(amount, float) or amount <= values.shape[dim] else None])
    for a, b in zip(*masks):
        if b is not None:
            np.testing.assert_array_equal(a, b)
            assert a.dtype == b.dtype


def test_random_pruning_counts_and_structure():
    layer = conv(minigrad)
    minigrad.nn.utils.prune.random_unstructured(layer, "weight", amount=0.25)
    assert int((layer.weight_mask.numpy() == 0).sum()) == round(0.25 * 48)
    minigrad.nn.utils.prune.random_structured(layer, "weight", amount=2, dim=0)
    alive = layer.weight_mask.numpy().reshape(4, -1).any(axis=1)
    assert alive.sum() == 2
    assert layer.weight_mask.dtype == np.float64
    np.testing.assert_array_equal(layer.weight.detach().numpy(),
                                  layer.weight_orig.detach().numpy() * layer.weight_mask.numpy())


@pytest.mark.parametrize("case", ["negative amount", "big fraction", "string amount",
                                  "too many", "1-d structured", "bad dim", "not pruned",
                                  "global structured"])
def test_pruning_errors_match_torch(case):
    def attempt(lib):
        P, layer = lib.nn.utils.prune, lib.nn.Linear(3, 2)
        {"negative amount": lambda: P.l1_unstructured(layer, "weight", -1),
         "big fraction": lambda: P.l1_unstructured(layer, "weight", 1.5),
         "string amount": lambda: P.l1_unstructured(layer, "weight", "half"),
         "too many": lambda: P.l1_unstructured(layer, "weight", 7),
         "1-d structured": lambda: P.ln_structured(layer, "bias", 1, 2, 0),
         "bad dim": lambda: P.ln_structured(layer, "weight", 1, 2, 2),
         "not pruned": lambda: P.remove(layer, "weight"),
         "global structured": lambda: P.global_unstructured(
             [(layer, "weight")], P.LnStructured, amount=1, n=2)}[case]()
        return layer
    types = []
    for lib in LIBS:
        with pytest.raises(Exception) as info:
            attempt(lib)
        types.append(info.type)
    assert types[0] is types[1]
    if case == "too many":  # a failed first pruning puts the parameter back (last, as torch)
        layers = [attempt_quietly(lib) for lib in LIBS]
        assert list(layers[0].state_dict()) == list(layers[1].state_dict())


def attempt_quietly(lib):
    layer = lib.nn.Linear(3, 2)
    with pytest.raises(ValueError):
        lib.nn.utils.prune.l1_unstructured(layer, "weight", 7)
    return layer


# --- fusion ------------------------------------------------------------------------------------
def trained_bn(lib, bn_cls, channels):
    bn = getattr(lib.nn, bn_cls)(channels).double()
    rng = np.random.default_rng(5)
    with lib.no_grad():
        for t in (bn.weight, bn.bias, bn.running_mean):
            t.copy_(lib.tensor(rng.standard_normal(channels)))
        bn.running_var.copy_(lib.tensor(rng.uniform(0.5, 2.0, channels)))
    return bn.eval()


@pytest.mark.parametrize("kind", ["conv", "conv without bias", "transposed", "linear"])
def test_fusion_matches_torch_and_the_unfused_pair(kind):
    x = np.random.default_rng(6).standard_normal((2, 3, 5, 5) if kind != "linear" else (4, 3))
    results = []
    for lib in LIBS:
        if kind == "linear":
            layer, bn = lib.nn.Linear(3, 4).double().eval(), trained_bn(lib, "BatchNorm1d", 4)
        else:
            cls = lib.nn.ConvTranspose2d if kind == "transposed" else lib.nn.Conv2d
            layer = cls(3, 4, 2, bias=kind != "conv without bias").double().eval()
            bn = trained_bn(lib, "BatchNorm2d", 4)
        with lib.no_grad():
            for p in layer.parameters():  # the same weights in both libraries
                p.copy_(lib.tensor(np.linspace(-1, 1, p.numel()).reshape(tuple(p.shape))))
        fused = (lib.nn.utils.fuse_linear_bn_eval(layer, bn) if kind == "linear" else
                 lib.nn.utils.fuse_conv_bn_eval(layer, bn, transpose=kind == "transposed"))
        xt = lib.tensor(x)
        assert_close(fused(xt), bn(layer(xt)).detach().numpy(), 1e-10, 1e-12)
        assert isinstance(fused.bias, lib.nn.Parameter)
        results.append(fused)
    assert_same_state(*results, 1e-12, 1e-14)
    with pytest.raises(AssertionError, match="eval"):
        minigrad.nn.utils.fuse_linear_bn_eval(minigrad.nn.Linear(3, 4),
                                              minigrad.nn.BatchNorm1d(4))


def test_fuse_weights_keep_float32():
    w, b = minigrad.randn(4, 3, 2, 2), minigrad.randn(4)
    rm, rv = minigrad.zeros(4, dtype=minigrad.float64), minigrad.ones(4, dtype=minigrad.float64)
    fw, fb = minigrad.nn.utils.fuse_conv_bn_weights(w, b, rm, rv, 1e-5, None, None)
    assert fw.dtype == fb.dtype == minigrad.float32
    assert_close(fw, w.numpy() / np.sqrt(1 + 1e-5), 1e-6, 1e-7)


# --- stateless, skip_init, LazyModuleMixin ----------------------------------------------------------
def test_stateless_functional_call_warns_and_matches_func():
    layer = minigrad.nn.Linear(3, 2)
    x, w = minigrad.randn(4, 3), minigrad.zeros(2, 3)
    with pytest.warns(FutureWarning, match="torch.func.functional_call"):
        out = minigrad.nn.utils.stateless.functional_call(layer, {"weight": w}, (x,))
    assert_close(out, np.broadcast_to(layer.bias.detach().numpy(), (4, 2)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_close(minigrad.func.functional_call(layer, {"weight": w}, (x,)), out.detach().numpy())


def test_skip_init_needs_a_device_argument():
    for lib in LIBS:
        layer = lib.nn.utils.skip_init(lib.nn.Linear, 3, 2, bias=False)
        assert repr(layer) == "Linear(in_features=3, out_features=2, bias=False)"
        with pytest.raises(RuntimeError, match="device"):
            lib.nn.utils.skip_init(lib.nn.ReLU)


def test_lazy_module_mixin_path_and_protocol():
    for lib in LIBS:
        Mixin = lib.nn.modules.lazy.LazyModuleMixin
        assert isinstance(lib.nn.LazyLinear(2), Mixin)

        class Scale(Mixin, lib.nn.Module):
            def __init__(self, finish=True):
                super().__init__()
                self.finish = finish
                self.weight = lib.nn.UninitializedParameter()

            def initialize_parameters(self, x):
                if self.finish:
                    self.weight.materialize((x.shape[-1],))
                    with lib.no_grad():
                        self.weight.fill_(2.0)

            def forward(self, x):
                return x * self.weight

        layer = Scale()
        assert layer.has_uninitialized_params()
        assert_close(layer(lib.ones(3, 4)), np.full((3, 4), 2.0, np.float32))
        assert not layer.has_uninitialized_params() and tuple(layer.weight.shape) == (4,)
        with pytest.raises(RuntimeError, match="not been fully initialized"):
            Scale(finish=False)(lib.ones(3, 4))
        loaded = Scale()
        loaded.load_state_dict({"weight": lib.ones(5)})
        assert tuple(loaded.weight.shape) == (5,)
