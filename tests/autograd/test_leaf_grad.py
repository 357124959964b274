"""Post-accumulate-grad hooks and ``grad_dtype``: each program runs in minigrad and in torch,
and both give the same log, the same gradients and the same exception types."""
import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")


def _outcome(program, lib):
    """What ``program(lib)`` returned (numbers as nested lists), or the exception type."""
    try:
        result = program(lib)
    except (RuntimeError, TypeError, ValueError) as error:
        return type(error)
    return _plain(result)


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (minigrad.Tensor, torch.Tensor)):
        return ["tensor", str(value.dtype).replace("torch.", ""), value.detach().tolist()]
    if value is not None and not isinstance(value, (bool, int, float, str)):
        return str(value).replace("torch.", "")  # a dtype
    return value


def _same(program):
    ours, theirs = _outcome(program, minigrad), _outcome(program, torch)
    assert ours == theirs
    return ours


def _leaf(lib, values=(1.0, -2.0, 3.0)):
    return lib.tensor(list(values), requires_grad=True)


# --- post-accumulate-grad hooks -----------------------------------------------------------
def test_hook_sees_the_accumulated_grad_and_can_be_removed():
    def program(lib):
        x, log = _leaf(lib), []
        handle = x.register_post_accumulate_grad_hook(
            lambda t: log.append(("first", t is x, t.grad.clone())))
        x.register_post_accumulate_grad_hook(lambda t: log.append(("second", t.grad.sum())))
        (x * x).sum().backward()
        (x * 3).sum().backward()
        handle.remove()
        (x * 2).sum().backward()
        return log
    assert len(_same(program)) == 5


def test_tensor_hooks_run_before_and_post_hooks_after():
    def program(lib):
        x, log = _leaf(lib), []
        x.register_post_accumulate_grad_hook(lambda t: log.append(("post", t.grad)))
        x.register_hook(lambda g: g * 10)
        x.register_hook(lambda g: log.append(("pre", g)))
        (x ** 3).sum().backward()
        return log
    assert [entry[0] for entry in _same(program)] == ["pre", "post"]


def test_hook_can_change_grad_and_step_the_parameter():
    def program(lib):
        x, y = _leaf(lib), _leaf(lib, (0.5, 0.25, -1.0))

        def step(t):
            with lib.no_grad():
                t.sub_(0.1 * t.grad)
            t.grad = None

        x.register_post_accumulate_grad_hook(step)
        y.register_post_accumulate_grad_hook(lambda t: t.grad.mul_(2))
        (x * y).sum().backward()
        (y * 2).sum().backward()
        return x, x.grad, y.grad
    _same(program)


def test_backward_with_inputs_runs_hooks_but_autograd_grad_does_not():
    def program(lib):
        x, log = _leaf(lib), []
        x.register_post_accumulate_grad_hook(lambda t: log.append(t.grad.clone()))
        lib.autograd.grad((x * 2).sum(), x)
        (x * 4).sum().backward(inputs=[x])
        return log
    assert len(_same(program)) == 1


@pytest.mark.parametrize("case", ["non_leaf", "no_grad", "returns_value"])
def test_hook_errors_match_torch(case):
    def program(lib):
        x = _leaf(lib)
        if case == "non_leaf":
            (x * 2).register_post_accumulate_grad_hook(lambda t: None)
        elif case == "no_grad":
            lib.ones(2).register_post_accumulate_grad_hook(lambda t: None)
        else:
            x.register_post_accumulate_grad_hook(lambda t: t.grad)
            x.sum().backward()
        return "no error"
    assert _same(program) is RuntimeError


# --- grad_dtype -------------------------------------------------------------------------------
def test_grad_dtype_defaults_to_the_dtype():
    def program(lib):
        return (_leaf(lib).grad_dtype, lib.tensor([1, 2]).grad_dtype, lib.ones(2).grad_dtype,
                lib.ones(2, dtype=lib.float64).grad_dtype)
    _same(program)


@pytest.mark.parametrize("wanted", ["float64", "float32", None])
def test_gradients_are_cast_to_grad_dtype(wanted):
    def program(lib):
        x = _leaf(lib)
        x.grad_dtype = None if wanted is None else getattr(lib, wanted)
        (x * x).sum().backward()
        (x * 2.5).sum().backward()
        through_grad, = lib.autograd.grad((x ** 3).sum(), x)
        return x.grad_dtype, x.grad, through_grad
    _same(program)


def test_grad_dtype_none_accepts_any_assigned_dtype_and_adds_up():
    def program(lib):
        x = _leaf(lib)
        x.grad_dtype = None
        x.grad = lib.ones(3, dtype=lib.float64)
        (x * 2).sum().backward()
        return x.grad
    _same(program)


@pytest.mark.parametrize("case", ["get_non_leaf", "set_non_leaf", "not_a_dtype",
                                  "conflicts_with_grad", "assign_other_dtype",
                                  "assign_wrong_shape", "assign_to_default"])
def test_grad_dtype_errors_match_torch(case):
    def program(lib):
        x = _leaf(lib)
        if case == "get_non_leaf":
            return (x * 2).grad_dtype
        if case == "set_non_leaf":
            (x * 2).grad_dtype = lib.float64
        elif case == "not_a_dtype":
            x.grad_dtype = 3
        elif case == "conflicts_with_grad":
            x.grad_dtype = lib.float64
            x.grad = lib.ones(3, dtype=lib.float64)
            x.grad_dtype = lib.float32
        elif case == "assign_other_dtype":
            x.grad_dtype = lib.float64
            x.grad = lib.ones(3)
        elif case == "assign_wrong_shape":
            x.grad_dtype = lib.float64
            x.grad = lib.ones(4, dtype=lib.float64)
        else:
            x.grad = lib.ones(3, dtype=lib.float64)
        return "no error"
    assert _same(program) is RuntimeError


def test_detach_starts_from_the_default_grad_dtype():
    def program(lib):
        x = _leaf(lib)
        x.grad_dtype = lib.float64
        return x.detach().grad_dtype, x.grad_dtype
    _same(program)
    np.testing.assert_equal(_outcome(lambda lib: _leaf(lib).grad_dtype, minigrad), "float32")
