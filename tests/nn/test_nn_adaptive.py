"""nn.AdaptiveLogSoftmaxWithLoss against PyTorch from the same weights: the (output, loss)
named tuple, log_prob, predict, gradients of every parameter, structure and state-dict
names, and the inputs that raise."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from differential import both_raise, compare, dtype_name
from nn_oracle import copy_weights

torch = pytest.importorskip("torch")


def paired(config, seed=0):
    torch.manual_seed(seed)
    reference = torch.nn.AdaptiveLogSoftmaxWithLoss(**config).double()
    mine = minigrad.nn.AdaptiveLogSoftmaxWithLoss(**config).double()
    copy_weights(reference, mine)
    return mine, reference


@st.composite
def configs(draw):
    n_classes = draw(st.integers(3, 30))
    cutoffs = sorted(draw(st.sets(st.integers(1, n_classes - 1), min_size=1, max_size=3)))
    return {"in_features": draw(st.integers(2, 9)), "n_classes": n_classes,
            "cutoffs": cutoffs, "div_value": draw(st.sampled_from([1.0, 2.0, 4.0])),
            "head_bias": draw(st.booleans())}


@settings(max_examples=30, deadline=None)
@given(configs(), st.integers(0, 8), st.integers(0, 2 ** 16))
def test_forward_log_prob_predict_and_gradients_match_torch(config, batch, seed):
    mine, reference = paired(config, seed)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, config["in_features"]))
    target = rng.integers(0, config["n_classes"], batch)

    def program(lib):
        module = mine if lib is minigrad else reference
        xt = lib.tensor(x, requires_grad=True)
        result = module(xt, lib.tensor(target))
        params = [p for _, p in module.named_parameters()]
        grads = lib.autograd.grad(result.loss, [xt] + params, allow_unused=True) if batch else ()
        grads = tuple(lib.zeros_like(p) if g is None else g for g, p in zip(grads, [xt] + params))
        return (tuple(result), type(result).__name__, result._fields, grads,
                module.log_prob(xt), module.predict(xt))
    compare(program, rtol=1e-9, atol=1e-12)


def test_structure_names_and_repr_match_torch():
    config = {"in_features": 16, "n_classes": 100, "cutoffs": [10, 40, 70], "div_value": 2.0}
    mine, reference = paired(config)
    assert repr(mine) == repr(reference)
    assert [(k, tuple(v.shape)) for k, v in mine.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in reference.state_dict().items()]
    for name in ("in_features", "n_classes", "cutoffs", "div_value", "head_bias",
                 "shortlist_size", "n_clusters", "head_size"):
        assert getattr(mine, name) == getattr(reference, name), name
    assert minigrad.nn.modules.adaptive.AdaptiveLogSoftmaxWithLoss is type(mine)


def test_unbatched_input_and_float32():
    def program(lib):
        lib.manual_seed(0)
        module = lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 6])
        out = module(lib.ones(4), lib.tensor(7))
        return (tuple(out.output.shape), tuple(out.loss.shape), dtype_name(out.output.dtype),
                dtype_name(out.loss.dtype))
    compare(program)


@pytest.mark.parametrize("cutoffs, error", [([], ValueError), ([5, 5], ValueError),
                                            ([12, 5], ValueError), ([0, 5], ValueError),
                                            ([5, 20], ValueError), ([5.0], TypeError)])
def test_bad_cutoffs_raise_as_in_torch(cutoffs, error):
    both_raise(lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, cutoffs), error)


@pytest.mark.parametrize("input_shape, target, error", [
    ((6, 8), [0, 1, 2], RuntimeError), ((6, 8), [0, 0, 0, 0, 0, 20], RuntimeError),
    ((6, 8), [0, 0, 0, 0, 0, -1], RuntimeError), ((1, 6, 8), [0] * 6, RuntimeError),
    ((6, 8), [[0] * 6], RuntimeError), ((8,), [1], RuntimeError), ((2, 8), 1, RuntimeError),
])
def test_bad_inputs_raise_as_in_torch(input_shape, target, error):
    def program(lib):
        module = lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [5, 12])
        return module(lib.zeros(*input_shape), lib.tensor(target))
    both_raise(program, error)
    both_raise(lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [5])
               .log_prob(lib.zeros(8)), IndexError)
