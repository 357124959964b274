"""torch.autograd's other names, against PyTorch: Variable, inference_mode, anomaly
detection, gradcheck under PyTorch's signature, and nn.init's deprecated names."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")
LIBS = [minigrad, torch]


@pytest.mark.parametrize("lib", LIBS, ids=["minigrad", "torch"])
def test_variable_is_the_tensor_itself(lib):
    V = lib.autograd.Variable
    t = lib.ones(2, requires_grad=True)
    alias = V(t)
    assert alias is not t and not alias.requires_grad and alias.is_leaf
    assert alias.data_ptr() == t.data_ptr()  # the same memory
    v = V(lib.ones(2), requires_grad=True)
    assert v.requires_grad and v.is_leaf and isinstance(v, lib.Tensor)
    assert isinstance(lib.zeros(1), V)
    (v * 3).sum().backward()
    assert v.grad.tolist() == [3.0, 3.0]


@pytest.mark.parametrize("lib", LIBS, ids=["minigrad", "torch"])
def test_inference_mode_records_nothing(lib):
    x = lib.ones(2, requires_grad=True)
    with lib.inference_mode():
        assert lib.is_inference_mode_enabled() and not lib.is_grad_enabled()
        assert not (x * 2).requires_grad
    assert not lib.is_inference_mode_enabled() and lib.is_grad_enabled()
    with lib.inference_mode(False):
        assert (x * 2).requires_grad and not lib.is_inference_mode_enabled()

    @lib.inference_mode()
    def predict(t):
        return t * 3

    assert not predict(x).requires_grad and lib.is_grad_enabled()


@pytest.mark.parametrize("lib", LIBS, ids=["minigrad", "torch"])
def test_detect_anomaly_names_the_first_node_with_a_nan_gradient(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        with lib.autograd.detect_anomaly():
            with pytest.raises(RuntimeError, match=r"Function 'DivBackward0' returned nan "
                                                   r"values in its 1th output"):
                (x / x).sum().backward()
    assert not lib.is_anomaly_enabled()
    (x / x).sum().backward()  # off again: NaN reaches .grad silently
    assert np.isnan(x.grad.numpy()).any()
    y = lib.tensor([1.0, 0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with lib.autograd.detect_anomaly():
            lib.sqrt(y).sum().backward()  # inf is not an anomaly
    assert np.isinf(y.grad.numpy()).any()


@pytest.mark.parametrize("lib", LIBS, ids=["minigrad", "torch"])
def test_set_detect_anomaly_switches_at_once_and_back_as_a_context(lib):
    lib.autograd.set_detect_anomaly(True)
    try:
        assert lib.is_anomaly_enabled()
        x = lib.tensor([0.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="returned nan values"):
            lib.autograd.grad((x / x).sum(), x)
    finally:
        lib.autograd.set_detect_anomaly(False)
    with lib.autograd.set_detect_anomaly(True):
        assert lib.is_anomaly_enabled()
    assert not lib.is_anomaly_enabled()


@pytest.mark.parametrize("lib", LIBS, ids=["minigrad", "torch"])
def test_autograd_gradcheck_takes_torchs_arguments(lib):
    x = lib.tensor([0.5, 2.0], dtype=lib.float64, requires_grad=True)
    assert lib.autograd.gradcheck(lambda a: (a * a.exp()).sum(), (x,), eps=1e-6, atol=1e-4,
                                  nondet_tol=0.0, check_undefined_grad=True)
    assert lib.autograd.gradgradcheck(lambda a: (a ** 3).sum(), (x,))
    wrong = lib.autograd.gradcheck(_wrong_square(lib).apply, (x,), raise_exception=False)
    assert wrong is False
    with pytest.raises(TypeError):
        lib.autograd.gradcheck(lambda a: a.sum(), (x,), no_such_option=True)


def _wrong_square(lib):
    """a * a with a wrong backward (g instead of 2 a g), for either library."""
    class WrongSquare(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * a

        @staticmethod
        def backward(ctx, g):
            return g

    return WrongSquare


@pytest.mark.parametrize("name", ["uniform", "normal", "constant", "xavier_uniform",
                                  "xavier_normal", "kaiming_uniform", "kaiming_normal",
                                  "orthogonal", "eye"])
def test_init_names_without_underscore_warn_and_fill_in_place(name):
    args = (0.5,) if name == "constant" else ()
    for lib in LIBS:
        t = lib.zeros(4, 3)
        with pytest.warns(FutureWarning, match=f"`nn.init.{name}` is now deprecated"):
            out = getattr(lib.nn.init, name)(t, *args)
        assert out is t and bool((t != 0).any())
