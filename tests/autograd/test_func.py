"""minigrad/func: grad, vjp, jvp, jacrev, jacfwd, hessian, vmap and functional_call against
torch.func (values, result structures, requires_grad, exception types), a Jacobian against
central differences, and the per-sample-gradient recipe of PyTorch's tutorial."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
X = RNG.standard_normal(3)
Y = RNG.standard_normal(2)
M = RNG.standard_normal((4, 3))
N = RNG.standard_normal((3, 4))


def lib_of(name: str):
    return minigrad if name == "minigrad" else torch


def to(lib, tree):
    """Arrays (in tuples, lists and dicts) as tensors of ``lib``."""
    if isinstance(tree, dict):
        return {k: to(lib, v) for k, v in tree.items()}
    if isinstance(tree, (tuple, list)):
        return type(tree)(to(lib, v) for v in tree)
    return lib.tensor(tree) if isinstance(tree, np.ndarray) else tree


def same(ours, theirs, rtol=1e-5, atol=1e-6, requires_grad=True):
    """Structures, shapes, dtypes, values (and requires_grad) agree."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and list(ours) == list(theirs)
        for k in theirs:
            same(ours[k], theirs[k], rtol, atol, requires_grad)
    elif isinstance(theirs, (tuple, list)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            same(a, b, rtol, atol, requires_grad)
    elif isinstance(theirs, torch.Tensor):
        assert isinstance(ours, minigrad.Tensor), type(ours)
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
        if requires_grad:
            assert ours.requires_grad == theirs.requires_grad
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol, atol)
    else:
        assert ours == theirs


def run_both(make, *arrays, **kw):
    """``make(lib)`` returns a function of tensors; call it with ``arrays`` in each library."""
    return make(minigrad)(*to(minigrad, arrays)), make(torch)(*to(torch, arrays))


# --- grad and grad_and_value ----------------------------------------------------------------
GRAD_CASES = {
    "one": (lambda lib: lambda x: (x.sin() * x).sum(), {}, (X,)),
    "second": (lambda lib: lambda x, y: (x ** 2).sum() * y.exp().sum(), {"argnums": 1}, (X, Y)),
    "both": (lambda lib: lambda x, y: (x ** 2).sum() * y.exp().sum(), {"argnums": (0, 1)},
             (X, Y)),
    "negative": (lambda lib: lambda x, y: (x * x).sum() + y.sum(), {"argnums": -2}, (X, Y)),
    "unused": (lambda lib: lambda x, y: x.sum() * 2, {"argnums": (1, 0)}, (X, Y)),
    "aux": (lambda lib: lambda x: ((x ** 3).sum(), {"mean": x.mean()}),
            {"has_aux": True}, (X,)),
    "pytree": (lambda lib: lambda d: (d["a"] * d["b"][0]).sum() + d["b"][1].tanh().sum(), {},
               ({"a": X, "b": [X + 1, Y]},)),
}


def test_grad_of_grad_gives_second_derivatives():
    for lib_name in ("minigrad", "torch"):
        lib = lib_of(lib_name)
        f = lib.func.grad(lib.func.grad(lambda t: t.sin() * t ** 3))
        g = lib.func.grad(lambda t: lib.func.grad(lambda s: (s ** 3 * s.exp()).sum())(t).sum())
        if lib is minigrad:
            ours = (f(minigrad.tensor(0.7)), g(minigrad.tensor(X)))
        else:
            theirs = (f(torch.tensor(0.7)), g(torch.tensor(X)))
    same(ours, theirs)
    x = 0.7  # d2/dx2 (x^3 sin x), by hand
    assert ours[0].item() == pytest.approx(6 * x * np.sin(x) + 6 * x * x * np.cos(x)
                                           - x ** 3 * np.sin(x), rel=1e-6)


def test_grad_composes_with_ordinary_autograd_and_leaves_inputs_alone():
    results = {}
    for lib in (minigrad, torch):
        x = lib.tensor(X, requires_grad=True)
        w = lib.tensor(Y[:1].repeat(3), requires_grad=True)
        plain = lib.tensor(X)
        g = lib.func.grad(lambda t: (t ** 3).sum())(x)
        g.sum().backward()
        captured = lib.func.grad(lambda t: (t * w).sum())(plain)
        alone = lib.func.grad(lambda t: (t ** 2).sum())(plain)
        assert not plain.requires_grad and plain.grad is None and w.grad is None
        results[lib] = (g, x.grad, captured, alone)
    same(results[minigrad], results[torch])


# --- vjp and jvp ------------------------------------------------------------------------------
def test_vjp_values_structures_and_repeated_calls():
    outs = {}
    for lib in (minigrad, torch):
        x, y = lib.tensor(X), lib.tensor(Y)
        out, fn = lib.func.vjp(lambda a, b: {"s": a.sin() * b.sum(), "p": (a, b * b)}, x, y)
        cot = {"s": lib.ones(3), "p": (lib.tensor(X), lib.ones(2))}
        out1, fn1, aux = lib.func.vjp(lambda a: (a.exp(), [a.mean()]), x, has_aux=True)
        outs[lib] = (out, fn(cot), fn(cot), out1, fn1(lib.ones(3)), aux)
    same(outs[minigrad], outs[torch])


def test_jvp_values_and_structures():
    outs = {}
    for lib in (minigrad, torch):
        x, y = lib.tensor(X), lib.tensor(Y)
        first = lib.func.jvp(lambda a, b: (a.sin() * b.sum(), b.exp()), (x, y),
                             (lib.ones(3), lib.tensor(Y)))
        second = lib.func.jvp(lambda d: (d["a"] ** 3, {"c": d["a"].cos()}), ({"a": x},),
                              ({"a": lib.tensor(X)},), has_aux=True)
        constant = lib.func.jvp(lambda a: lib.ones(2), (x,), (lib.ones(3),))
        outs[lib] = (first, second, constant)
    same(outs[minigrad], outs[torch])


# --- Jacobians and Hessians ------------------------------------------------------------------
JAC_CASES = {
    "vector": (lambda lib: lambda x: x.sin() * x.sum(), {}, (X,)),
    "matrix": (lambda lib: lambda m: m @ m.T, {}, (M,)),
    "scalar": (lambda lib: lambda x: (x ** 3).sum(), {}, (X,)),
    "tuple_out": (lambda lib: lambda x, y: (x.sum() * y, x * 2), {"argnums": (0, 1)}, (X, Y)),
    "dict_out": (lambda lib: lambda x: {"a": x * 2, "b": x.prod()}, {}, (X,)),
    "dict_arg": (lambda lib: lambda d: d["a"] * d["b"].sum(), {}, ({"a": X, "b": Y},)),
    "aux": (lambda lib: lambda x: (x.exp(), x.sum()), {"has_aux": True}, (X,)),
}


TRANSFORM_CASES = [pytest.param(t, table[n], id=f"{t}-{n}")
                   for ts, table in ((("grad", "grad_and_value"), GRAD_CASES),
                                     (("jacrev", "jacfwd"), JAC_CASES))
                   for t in ts for n in table]


@pytest.mark.parametrize("transform, case", TRANSFORM_CASES)
def test_grad_and_jacobians_match_torch(transform, case):
    make, kwargs, arrays = case
    ours, theirs = run_both(lambda lib: getattr(lib.func, transform)(make(lib), **kwargs),
                            *arrays)
    same(ours, theirs)


@pytest.mark.parametrize("argnums", [0, (0, 1)])
def test_hessian_matches_torch(argnums):
    ours, theirs = run_both(lambda lib: lib.func.hessian(
        lambda x, y: (x ** 3).sum() * y.sin().sum() + (x * x).prod(), argnums), X, Y)
    same(ours, theirs)


def test_jacobian_agrees_with_central_differences_in_float64():
    def f(lib):
        return lambda m, v: (m.tanh() @ v.exp()) * m.sum(dim=1)

    m, v = RNG.standard_normal((3, 4)), RNG.standard_normal(4)
    jm, jv = minigrad.func.jacrev(f(minigrad), argnums=(0, 1))(minigrad.tensor(m),
                                                              minigrad.tensor(v))
    jm_fwd = minigrad.func.jacfwd(f(minigrad))(minigrad.tensor(m), minigrad.tensor(v))

    def numpy_f(m, v):  # the same function on arrays
        return (np.tanh(m) @ np.exp(v)) * m.sum(axis=1)

    eps = 1e-6
    for jac, arg in ((jm, 0), (jv, 1), (jm_fwd, 0)):
        base = [m, v]
        expected = np.zeros((3,) + base[arg].shape)
        for index in np.ndindex(base[arg].shape):
            plus = [a.copy() for a in base]
            minus = [a.copy() for a in base]
            plus[arg][index] += eps
            minus[arg][index] -= eps
            expected[(slice(None),) + index] = (numpy_f(*plus) - numpy_f(*minus)) / (2 * eps)
        assert jac.dtype == minigrad.float64
        np.testing.assert_allclose(jac.numpy(), expected, rtol=1e-6, atol=1e-8)


# --- vmap ---------------------------------------------------------------------------------------
VMAP_CASES = {
    "default": (lambda lib: lib.vmap(lambda a: a.sin().sum()), (M,)),
    "in_dims": (lambda lib: lib.vmap(lambda a, b: a * b, in_dims=(0, 1)), (M, N)),
    "unmapped": (lambda lib: lib.vmap(lambda a, b: a @ b, in_dims=(0, None)), (M, N)),
    "negative": (lambda lib: lib.vmap(lambda a: a.exp(), in_dims=-1, out_dims=-1), (N,)),
    "out_dims": (lambda lib: lib.vmap(lambda a: (a * 2, a.sum()), out_dims=(1, 0)), (M,)),
    "out_none": (lambda lib: lib.vmap(lambda a, b: (a + 1, b * 2), in_dims=(0, None),
                                      out_dims=(0, None)), (M, Y)),
    "broadcast_out": (lambda lib: lib.vmap(lambda a, b: b * 2, in_dims=(0, None)), (M, Y)),
    "dict_in": (lambda lib: lib.vmap(lambda d: d["a"] + d["b"],
                                     in_dims=({"a": 0, "b": 1},)), ({"a": M, "b": N},)),
    "list_in": (lambda lib: lib.vmap(lambda l: l[0] - l[1], in_dims=([0, None],)),
                ([M, X],)),
    "dict_out": (lambda lib: lib.vmap(lambda a: {"s": a.sum(), "d": [a * 2]},
                                      out_dims={"s": 0, "d": 1}), (M,)),
    "nested": (lambda lib: lib.vmap(lib.vmap(lambda a, b: a * b, in_dims=(0, None)),
                                    in_dims=(None, 0)), (X, Y)),
    "nested_2d": (lambda lib: lib.vmap(lib.vmap(lambda a: a.sum())), (M,)),
    "empty": (lambda lib: lib.vmap(lambda a: a.sum()), (np.zeros((0, 3)),)),
    "vmap_of_grad": (lambda lib: lib.vmap(lib.func.grad(lambda a, b: (a * b).sin().sum()),
                                          in_dims=(None, 0)), (X, M)),
    "jacrev_in_vmap": (lambda lib: lib.vmap(lib.func.jacrev(lambda a: a.tanh() * a.sum())),
                       (M,)),
}


@pytest.mark.parametrize("name", VMAP_CASES)
def test_vmap_matches_torch(name):
    make, arrays = VMAP_CASES[name]
    ours, theirs = run_both(make, *arrays)
    same(ours, theirs)


def test_vmap_keyword_arguments_are_not_mapped_and_func_also_as_minigrad_func_vmap():
    assert minigrad.vmap is minigrad.func.vmap
    ours, theirs = run_both(lambda lib: lambda a, s: lib.vmap(lambda r, scale: r * scale)(
        a, scale=s), M, X)
    same(ours, theirs)


def test_vmap_randomness_modes():
    x = minigrad.ones(4, 3)
    with pytest.raises(RuntimeError, match="randomness error mode"):
        minigrad.vmap(lambda a: a * minigrad.rand(3))(x)
    with pytest.raises(RuntimeError, match="randomness error mode"):
        minigrad.vmap(lambda a: minigrad.nn.functional.dropout(a, 0.5))(x)
    with pytest.raises(RuntimeError, match="randomness error mode"):
        minigrad.func.jacfwd(lambda a: a * minigrad.rand(3))(x[0])
    same_rows = minigrad.vmap(lambda a: a * minigrad.rand(3), randomness="same")(x)
    assert (same_rows == same_rows[0]).all()
    different = minigrad.vmap(lambda a: a * minigrad.rand(3), randomness="different")(x)
    assert not (different == different[0]).all()
    minigrad.func.jacfwd(lambda a: a * minigrad.rand(3), randomness="same")(x[0])


# --- functional_call and per-sample gradients ---------------------------------------------------
def mlp(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(3, 5), lib.nn.Tanh(), lib.nn.Linear(5, 2))


def test_per_sample_gradients_recipe_matches_torch():
    params = {"0.weight": RNG.standard_normal((5, 3)), "0.bias": RNG.standard_normal(5),
              "2.weight": RNG.standard_normal((2, 5)), "2.bias": RNG.standard_normal(2)}
    params = {k: v.astype(np.float32) for k, v in params.items()}
    data = RNG.standard_normal((6, 3)).astype(np.float32)
    targets = np.array([0, 1, 1, 0, 1, 0])
    results = {}
    for lib in (minigrad, torch):
        model = mlp(lib)
        buffers = {k: v.detach() for k, v in model.named_buffers()}

        def compute_loss(params, buffers, sample, target):
            predictions = lib.func.functional_call(model, (params, buffers),
                                                   (sample.unsqueeze(0),))
            return lib.nn.functional.cross_entropy(predictions, target.unsqueeze(0))

        per_sample = lib.func.vmap(lib.func.grad(compute_loss), in_dims=(None, None, 0, 0))
        grads = per_sample(to(lib, params), buffers, lib.tensor(data), lib.tensor(targets))
        whole = lib.func.grad(lambda p: lib.nn.functional.cross_entropy(
            lib.func.functional_call(model, p, (lib.tensor(data),)), lib.tensor(targets),
            reduction="sum"))(to(lib, params))
        results[lib] = (grads, whole)
        assert all(p.grad is None for p in model.parameters())
    same(results[minigrad], results[torch], rtol=1e-4, atol=1e-6)
    for k in params:  # the per-sample gradients add up to the gradient of the summed loss
        np.testing.assert_allclose(results[minigrad][0][k].sum(0).numpy(),
                                   results[minigrad][1][k].numpy(), rtol=1e-4, atol=1e-6)


def test_functional_call_restores_parameters_even_after_an_exception():
    model = mlp(minigrad)
    before = {k: v for k, v in model.named_parameters()}
    x = minigrad.ones(2, 3)
    out = minigrad.func.functional_call(model, {"2.bias": minigrad.full((2,), 7.0),
                                                "2.weight": minigrad.zeros(2, 5)}, x)
    assert (out == 7.0).all()
    assert {k: v for k, v in model.named_parameters()} == before  # the same objects

    def boom(module, args):
        raise KeyError("boom")

    handle = model[2].register_forward_pre_hook(boom)
    with pytest.raises(KeyError):
        minigrad.func.functional_call(model, {"0.weight": minigrad.zeros(5, 3), "extra": 1}, (x,))
    handle.remove()
    assert model[0].weight is before["0.weight"] and not hasattr(model, "extra")


def test_functional_call_tied_weights_and_strict_match_torch():
    def make(lib):
        class Tied(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.a = lib.nn.Linear(3, 3)
                self.b = self.a

            def forward(self, x):
                return self.b(self.a(x))
        return Tied()

    for lib in (minigrad, torch):
        module, x = make(lib), lib.tensor(M).float()
        module_out = lib.func.functional_call(module, ({"a.weight": lib.zeros(3, 3)},
                                                       {"a.bias": lib.ones(3)}), (x,))
        assert (module_out == 1).all()
        with pytest.raises(ValueError, match="tied"):
            lib.func.functional_call(module, {"a.weight": lib.zeros(3, 3),
                                              "b.weight": lib.ones(3, 3)}, (x,))
        with pytest.raises(RuntimeError, match="Missing key\\(s\\): 'a.bias'"):
            lib.func.functional_call(module, {"a.weight": lib.zeros(3, 3)}, (x,), strict=True)


# --- errors: the same exception types as PyTorch ----------------------------------------------
ERRORS = {
    "grad_not_scalar": lambda lib, x: lib.func.grad(lambda t: t * 2)(x),
    "grad_not_tensor": lambda lib, x: lib.func.grad(lambda t: 3.0)(x),
    "grad_aux_not_pair": lambda lib, x: lib.func.grad(lambda t: t.sum(), has_aux=True)(x),
    "grad_aux_not_tensor": lambda lib, x: lib.func.grad(lambda t: (t.sum(), 3), True)(x),
    "argnums_out_of_range": lambda lib, x: lib.func.grad(lambda t: t.sum(), argnums=1)(x),
    "argnums_empty": lambda lib, x: lib.func.grad(lambda t: t.sum(), argnums=())(x),
    "argnums_repeated": lambda lib, x: lib.func.grad(lambda t, u: t.sum(), (0, 0))(x, x),
    "argnums_list": lambda lib, x: lib.func.grad(lambda t: t.sum(), argnums=[0])(x),
    "non_tensor_argument": lambda lib, x: lib.func.grad(lambda t: t * 2)(3.0),
    "integer_argument": lambda lib, x: lib.func.grad(lambda t: t.sum())(lib.arange(3)),
    "vjp_structure": lambda lib, x: lib.func.vjp(lambda t: t * 2, x)[1]((lib.ones(3),)),
    "vjp_shape": lambda lib, x: lib.func.vjp(lambda t: t * 2, x)[1](lib.ones(2)),
    "vjp_non_tensor_output": lambda lib, x: lib.func.vjp(lambda t: 2.0, x),
    "jvp_primals_not_tuple": lambda lib, x: lib.func.jvp(lambda t: t, x, lib.ones(3)),
    "jvp_structure": lambda lib, x: lib.func.jvp(lambda t, u: t, (x, x), (x,)),
    "jvp_shape": lambda lib, x: lib.func.jvp(lambda t: t, (x,), (lib.ones(2),)),
    "jacrev_chunk_size": lambda lib, x: lib.func.jacrev(lambda t: t, chunk_size=0),
    "jacfwd_randomness": lambda lib, x: lib.func.jacfwd(lambda t: t, randomness="x")(x),
    "vmap_sizes": lambda lib, x: lib.vmap(lambda a, b: a + b)(x, lib.ones(4)),
    "vmap_in_dim_range": lambda lib, x: lib.vmap(lambda a: a, in_dims=1)(x),
    "vmap_scalar": lambda lib, x: lib.vmap(lambda a: a)(x.sum()),
    "vmap_out_dim_range": lambda lib, x: lib.vmap(lambda a: a, out_dims=2)(x),
    "vmap_in_dims_none": lambda lib, x: lib.vmap(lambda a: a, in_dims=None)(x),
    "vmap_all_unmapped": lambda lib, x: lib.vmap(lambda a: a, in_dims=(None,))(x),
    "vmap_in_dims_structure": lambda lib, x: lib.vmap(lambda a, b: a, in_dims=(0,))(x, x),
    "vmap_non_tensor_mapped": lambda lib, x: lib.vmap(lambda a, s: a * s)(x, 2.0),
    "vmap_non_tensor_out": lambda lib, x: lib.vmap(lambda a: 2.0)(x),
    "vmap_out_none_batched": lambda lib, x: lib.vmap(lambda a: a * 2, out_dims=None)(x),
    "vmap_out_dims_float": lambda lib, x: lib.vmap(lambda a: a, out_dims=0.5)(x),
    "vmap_no_inputs": lambda lib, x: lib.vmap(lambda: lib.ones(2))(),
    "vmap_chunk_size": lambda lib, x: lib.vmap(lambda a: a, chunk_size=0),
    "vmap_randomness": lambda lib, x: lib.vmap(lambda a: a, randomness="x"),
    "functional_call_repeated": lambda lib, x: lib.func.functional_call(
        lib.nn.Linear(3, 2), ({"bias": lib.ones(2)}, {"bias": lib.ones(2)}), (x,)),
    "functional_call_not_dict": lambda lib, x: lib.func.functional_call(
        lib.nn.Linear(3, 2), [1], (x,)),
    "functional_call_bad_path": lambda lib, x: lib.func.functional_call(
        lib.nn.Sequential(lib.nn.Linear(3, 2)), {"1.weight": lib.ones(2, 3)}, (x,)),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_have_torch_types(name):
    raised = {}
    for lib in (minigrad, torch):
        with pytest.raises(Exception) as info:
            ERRORS[name](lib, lib.tensor(X))
        raised[lib] = type(info.value)
    assert raised[minigrad] is raised[torch], (raised, name)
