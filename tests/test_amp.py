"""minigrad.amp against torch.amp: GradScaler's scales, skipped steps, unscaled gradients,
errors and state dicts; autocast's warnings, errors and state; the deprecated
minigrad.cuda.amp and minigrad.cpu.amp spellings.

An enabled CPU autocast region with float16 or bfloat16 is where minigrad departs from
PyTorch on purpose: PyTorch casts, minigrad raises RuntimeError naming the dtype (see
minigrad/amp/autocast_mode.py). Everything else is compared with PyTorch."""
from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

import minigrad
from differential import compare, dtype_name, run

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)


def with_warnings(make):
    """A program returning what ``make(lib)`` returns and the warning categories it gave."""
    def program(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = make(lib)
        return result, [w.category.__name__ for w in caught]
    return program


def name_of(dtype) -> str:
    return getattr(dtype, "name", None) or dtype_name(dtype)


def train(lib, steps=11, inf_at=(2, 7), scaler_args=None, dtype=np.float32, clip=True):
    """A small model trained with a GradScaler; the loss is made inf at ``inf_at``, so those
    steps must be skipped. Returns weights, (scale, growth tracker) after each update, the
    values ``scaler.step`` returned and the final state dict."""
    data = np.random.default_rng(1)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 1))
    with lib.no_grad():
        for p in model.parameters():
            p.copy_(lib.tensor(data.standard_normal(tuple(p.shape))))
    model = model.to(lib.float32 if dtype == np.float32 else lib.float64)
    opt = lib.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    scaler = lib.amp.GradScaler("cpu", **(scaler_args or {}))
    x, y = (lib.tensor(data.standard_normal(shape).astype(dtype)) for shape in ((8, 3), (8, 1)))
    scales, returned = [], []
    for i in range(steps):
        opt.zero_grad()
        loss = lib.nn.functional.mse_loss(model(x), y)
        if i in inf_at:
            loss = loss * float("inf")
        scaler.scale(loss).backward()
        if clip:
            scaler.unscale_(opt)
            lib.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        returned.append(scaler.step(opt))
        scaler.update()
        scales.append((scaler.get_scale(), scaler._get_growth_tracker()))
    weights = [p.detach().numpy().copy() for p in model.parameters()]
    return weights, scales, returned, scaler.state_dict()


# --- GradScaler: training ------------------------------------------------------------------
@pytest.mark.parametrize("scaler_args", [
    {"growth_interval": 3},
    # awkward factors: a float32 product instead of PyTorch's float64 one gives other scales
    {"init_scale": 1000.1, "growth_factor": 1.7, "backoff_factor": 0.3, "growth_interval": 2},
    {"init_scale": 2.0**127, "growth_interval": 1},   # growth would overflow: the scale stays
])
@pytest.mark.parametrize("clip", [True, False])
def test_training_with_a_cpu_scaler_follows_torch(scaler_args, clip):
    mine = train(minigrad, scaler_args=scaler_args, clip=clip)
    theirs = train(torch, scaler_args=scaler_args, clip=clip)
    assert mine[1] == theirs[1]  # every scale, bit for bit, and every growth tracker
    assert mine[2] == theirs[2] == [None] * 11
    assert mine[3] == theirs[3]
    for a, b in zip(mine[0], theirs[0]):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)


def test_the_scale_backs_off_on_inf_and_grows_after_the_interval():
    _, scales, _, _ = train(minigrad, steps=8, inf_at=(1,), scaler_args={"growth_interval": 3})
    assert [s for s, _ in scales] == [2.0**16, 2.0**15, 2.0**15, 2.0**15, 2.0**16, 2.0**16,
                                      2.0**16, 2.0**17]
    assert [t for _, t in scales] == [1, 0, 1, 2, 0, 1, 2, 0]


def test_float64_models_train_to_torch_weights():
    mine, theirs = (train(lib, dtype=np.float64, scaler_args={"init_scale": 3.0})
                    for lib in (minigrad, torch))
    assert mine[1] == theirs[1]
    for a, b in zip(mine[0], theirs[0]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_skipped_step_leaves_the_weights_alone():
    model = minigrad.nn.Linear(2, 1)
    before = [p.detach().numpy().copy() for p in model.parameters()]
    opt, scaler = minigrad.optim.SGD(model.parameters(), lr=0.1), minigrad.amp.GradScaler("cpu")
    scaler.scale(model(minigrad.ones(1, 2)).sum() * float("nan")).backward()
    assert scaler.step(opt) is None
    assert all((p.detach().numpy() == b).all() for p, b in zip(model.parameters(), before))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("init_scale", [3.0, 2.0**16, 1.0])
def test_unscale_divides_each_gradient_as_torch_does_bit_for_bit(dtype, init_scale):
    grads = [rng.standard_normal(shape).astype(dtype) * 1e4 for shape in ((3, 4), (5,), ())]
    grads[1][2] = np.inf if init_scale != 1.0 else np.nan

    def program(lib):
        params = [lib.zeros(g.shape, dtype=getattr(lib, dtype), requires_grad=True)
                  for g in grads]
        for p, g in zip(params, grads):
            p.grad = lib.tensor(g)
        opt = lib.optim.SGD(params, lr=1.0)
        scaler = lib.amp.GradScaler("cpu", init_scale=init_scale)
        scaler.scale(lib.ones(()))
        scaler.unscale_(opt)
        return [p.grad for p in params], scaler.step(opt), [p.detach() for p in params]

    compare(program, "unscale_", rtol=0, atol=0)


def test_step_returns_what_the_optimizer_returns_and_forwards_its_arguments():
    def program(lib):
        class Recording(lib.optim.SGD):
            def step(self, *args, **kwargs):
                super().step()
                return args, kwargs

        p = lib.ones(2, requires_grad=True)
        opt, scaler = Recording([p], lr=0.1), lib.amp.GradScaler("cpu")
        scaler.scale(p.sum()).backward()
        stepped = scaler.step(opt, 1, extra="x")
        scaler.update()
        opt.zero_grad()
        scaler.scale(p.sum() * float("inf")).backward()
        return stepped, scaler.step(opt, 2), p.detach()

    compare(program)


# --- GradScaler: the rest of its surface ---------------------------------------------------
def _scaler_with_grad(lib, dtype="float32"):
    p = lib.ones(2, dtype=getattr(lib, dtype), requires_grad=True)
    opt, scaler = lib.optim.SGD([p], lr=0.1), lib.amp.GradScaler("cpu")
    scaler.scale(p.sum()).backward()
    return scaler, opt, p


def _twice(first, second):
    """A program that calls ``first`` then ``second``, each ``(lib, scaler, optimizer)``."""
    def program(lib):
        scaler, opt, _ = _scaler_with_grad(lib)
        first(lib, scaler, opt)
        second(lib, scaler, opt)
    return program


def _step(lib, scaler, opt):
    scaler.step(opt)


def _unscale(lib, scaler, opt):
    scaler.unscale_(opt)


MISUSES = {  # each raises in PyTorch; minigrad must raise the same type
    "step before scale": lambda L: L.amp.GradScaler("cpu").step(
        L.optim.SGD([L.ones(1, requires_grad=True)], lr=0.1)),
    "update before scale": lambda L: L.amp.GradScaler("cpu").update(),
    "unscale_ twice": _twice(_unscale, _unscale),
    "step twice": _twice(_step, _step),
    "unscale_ after step": _twice(_step, _unscale),
    "closure keyword": _twice(_unscale, lambda L, s, o: s.step(o, closure=lambda: 0)),
    "float16 gradients": lambda L: (lambda s, o, p: s.step(o))(*_scaler_with_grad(L, "float16")),
    "no gradients, step": lambda L: _scaler_with_grad(L)[0].step(
        L.optim.SGD([L.ones(1, requires_grad=True)], lr=0.1)),
    "no inf checks, update": lambda L: _scaler_with_grad(L)[0].update(),
    "update(int)": _twice(_step, lambda L, s, o: s.update(4)),
    "update(two elements)": _twice(_step, lambda L, s, o: s.update(L.tensor([1.0, 2.0]))),
    "update(requires grad)": _twice(_step, lambda L, s, o: s.update(
        L.tensor(8.0, requires_grad=True))),
    "scale(a number)": lambda L: L.amp.GradScaler("cpu").scale(3.0),
    "scale([tensor, number])": lambda L: L.amp.GradScaler("cpu").scale([L.ones(1), 3]),
    "growth_factor 1": lambda L: L.amp.GradScaler("cpu", growth_factor=1.0),
    "backoff_factor 1": lambda L: L.amp.GradScaler("cpu", backoff_factor=1.0),
    "empty state dict": lambda L: L.amp.GradScaler("cpu").load_state_dict({}),
    "disabled, options": lambda L: L.amp.GradScaler("cpu", enabled=False).get_growth_factor(),
}


@pytest.mark.parametrize("misuse", list(MISUSES))
def test_misuse_raises_the_error_torch_raises(misuse):
    assert compare(MISUSES[misuse], misuse) is not None


def test_update_takes_a_new_scale_as_a_float_or_a_tensor():
    def program(lib):
        scaler, opt, _ = _scaler_with_grad(lib)
        scaler.step(opt)
        scaler.update(3.3)  # rounded to float32
        got = [scaler.get_scale()]
        scaler.update(lib.tensor(8, dtype=lib.int64))
        return got + [scaler.get_scale(), scaler._get_growth_tracker()]

    compare(program, rtol=0, atol=0)


def test_scale_keeps_the_structure_and_the_dtype_rules_of_torch():
    def program(lib):
        scaler = lib.amp.GradScaler("cpu", init_scale=4.0)
        x = lib.tensor([1.0, -2.0], requires_grad=True)
        nested = scaler.scale([x, (x * 2, [x.double()])])
        lazy = scaler.scale(iter([x]))
        kinds = [type(nested).__name__, type(nested[1]).__name__, type(lazy).__name__]
        halves = [scaler.scale(lib.ones(2, dtype=d)) for d in (lib.float16, lib.int64)]
        return nested, list(lazy), halves, kinds, nested[0].grad_fn.name()

    compare(program)


def test_state_dicts_have_torch_keys_and_round_trip():
    def program(lib):
        early = lib.amp.GradScaler("cpu", init_scale=1024).state_dict()  # the int as given
        state = {"scale": 4.0, "growth_factor": 3.0, "backoff_factor": 0.25,
                 "growth_interval": 5, "_growth_tracker": 2}
        fresh = lib.amp.GradScaler("cpu")
        fresh.load_state_dict(state)
        started, opt, _ = _scaler_with_grad(lib)
        started.load_state_dict(state)
        started.step(opt)
        started.update()
        return early, fresh.state_dict(), started.state_dict(), started.get_growth_interval()

    compare(program)


def test_setters_change_the_schedule_as_in_torch():
    def program(lib):
        p = lib.ones(2, requires_grad=True)
        opt, scaler = lib.optim.SGD([p], lr=0.1), lib.amp.GradScaler("cpu")
        scaler.set_growth_factor(4.0)
        scaler.set_backoff_factor(0.125)
        scaler.set_growth_interval(1)
        scales = []
        for factor in (1.0, float("inf"), 1.0):
            opt.zero_grad()
            scaler.scale(p.sum() * factor).backward()
            scaler.step(opt)
            scaler.update()
            scales.append(scaler.get_scale())
        return scales, scaler.get_growth_factor(), scaler.get_backoff_factor(), p.detach()

    compare(program, rtol=0, atol=0)
    assert run(program, minigrad)[0][0] == [2.0**18, 2.0**15, 2.0**17]


# --- disabled scalers ----------------------------------------------------------------------
SCALERS = {
    "amp, cuda": lambda L: L.amp.GradScaler(),
    "amp, cuda, disabled": lambda L: L.amp.GradScaler("cuda", enabled=False),
    "amp, cpu, disabled": lambda L: L.amp.GradScaler("cpu", enabled=False),
    "amp, cpu": lambda L: L.amp.GradScaler("cpu"),
    "amp, mps": lambda L: L.amp.GradScaler("mps"),
    "cuda.amp": lambda L: L.cuda.amp.GradScaler(init_scale=8.0),
    "cuda.amp, disabled": lambda L: L.cuda.amp.GradScaler(enabled=False),
    "cpu.amp": lambda L: L.cpu.amp.GradScaler(),
}


@pytest.mark.parametrize("spelling", list(SCALERS))
def test_scaler_constructors_warn_and_enable_as_torch(spelling):
    compare(with_warnings(lambda L: (SCALERS[spelling](L).is_enabled(),
                                     SCALERS[spelling](L).get_scale())), spelling)


@pytest.mark.parametrize("spelling", ["amp, cuda", "amp, cpu, disabled", "cuda.amp"])
def test_a_disabled_scaler_is_the_identity(spelling):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scaler = SCALERS[spelling](minigrad)
    model = minigrad.nn.Linear(3, 1)
    opt = minigrad.optim.SGD(model.parameters(), lr=0.1)
    loss = model(minigrad.ones(2, 3)).sum()
    assert scaler.scale(loss) is loss
    loss.backward()
    grads = [p.grad.numpy().copy() for p in model.parameters()]
    scaler.unscale_(opt)
    assert all((p.grad.numpy() == g).all() for p, g in zip(model.parameters(), grads))
    assert scaler.step(opt, closure=lambda: 5.0) == 5.0  # a plain optimizer.step
    scaler.update()
    scaler.load_state_dict({})
    assert (scaler.get_scale(), scaler.state_dict(), scaler.is_enabled()) == (1.0, {}, False)


def test_disabled_scaler_training_equals_plain_training():
    unscaled = train(minigrad, inf_at=(), scaler_args={"enabled": False}, clip=False)[0]
    scaled = train(minigrad, inf_at=(), scaler_args={"enabled": True}, clip=False)[0]
    for a, b in zip(unscaled, scaled):
        np.testing.assert_array_equal(a, b)  # scale 2**16 is a power of two: exact both ways


# --- autocast ------------------------------------------------------------------------------
AUTOCASTS = {
    "cuda": lambda L: L.autocast("cuda"),
    "cuda, disabled": lambda L: L.autocast(device_type="cuda", dtype=L.float16, enabled=False),
    "cuda, float32": lambda L: L.autocast("cuda", dtype=L.float32),
    "cuda:0": lambda L: L.autocast("cuda:0"),
    "cpu, disabled": lambda L: L.autocast("cpu", enabled=False),
    "cpu, float16, disabled": lambda L: L.autocast("cpu", dtype=L.float16, enabled=False),
    "cpu, float32": lambda L: L.autocast("cpu", dtype=L.float32),
    "cpu, float64, disabled": lambda L: L.autocast("cpu", dtype=L.float64, enabled=False),
    "mps": lambda L: L.amp.autocast("mps"),
    "mps, float32": lambda L: L.amp.autocast("mps", dtype=L.float32),
    "xpu": lambda L: L.amp.autocast("xpu", cache_enabled=False),
    "cuda.amp": lambda L: L.cuda.amp.autocast(),
    "cuda.amp, disabled": lambda L: L.cuda.amp.autocast(enabled=False),
    "cpu.amp, disabled": lambda L: L.cpu.amp.autocast(enabled=False),
    "meta": lambda L: L.autocast("meta"),
    "privateuseone": lambda L: L.autocast("privateuseone"),
    "unknown device": lambda L: L.autocast("tpu"),
    "a device object": lambda L: L.autocast(L.device("cpu")),
    "no device": lambda L: L.autocast(),
}
KINDS = ["cpu", "cuda", "mps", "xpu"]


def region_state(make):
    """Warnings, then inside the region: enabled and dtype per device type."""
    def program(lib):
        with make(lib):
            return [(lib.is_autocast_enabled(k), name_of(lib.get_autocast_dtype(k)))
                    for k in KINDS] + [lib.is_autocast_enabled()]
    return with_warnings(program)


@pytest.mark.parametrize("spelling", list(AUTOCASTS))
def test_autocast_regions_warn_disable_and_set_state_as_torch(spelling):
    compare(region_state(AUTOCASTS[spelling]), spelling)
    assert not any(minigrad.is_autocast_enabled(k) for k in KINDS)  # restored


CPU_CASTS = {  # spelling: the dtype PyTorch casts to
    "autocast": (lambda L: L.autocast("cpu"), "bfloat16"),
    "amp.autocast, float16": (lambda L: L.amp.autocast("cpu", dtype=L.float16), "float16"),
    "cpu.amp.autocast": (lambda L: L.cpu.amp.autocast(), "bfloat16"),
    "cpu.amp.autocast, float16": (lambda L: L.cpu.amp.autocast(dtype=L.float16), "float16"),
}


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("spelling", list(CPU_CASTS))
def test_enabled_cpu_autocast_raises_where_torch_would_cast(spelling):
    make, dtype = CPU_CASTS[spelling]
    with make(torch):  # PyTorch casts a matmul here...
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == getattr(torch, dtype)
    with pytest.raises(RuntimeError, match=dtype):  # ...minigrad refuses to pretend
        make(minigrad)


def test_disabled_autocast_is_a_noop():
    def program(lib):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Conv2d(2, 3, 3), lib.nn.ReLU(), lib.nn.Flatten(),
                                  lib.nn.Linear(12, 2))
        with lib.no_grad():
            for p in model.parameters():
                p.copy_(lib.tensor(np.linspace(-1, 1, p.numel()).reshape(tuple(p.shape))))
        x = lib.tensor(np.linspace(-2, 2, 32).reshape(1, 2, 4, 4).astype(np.float32))
        outside = model(x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.autocast("cuda", dtype=lib.float16), lib.autocast("cpu", enabled=False):
                inside = model(x)
                loss = lib.nn.functional.cross_entropy(inside, lib.tensor([1]))
        loss.backward()
        return outside, inside, loss, [p.grad for p in model.parameters()]

    compare(program, rtol=1e-5, atol=1e-6)


def test_autocast_decorates_functions_and_restores_state_after_errors():
    region = minigrad.autocast("mps")

    @region
    def inside(fail=False):
        if fail:
            raise KeyError("x")
        return minigrad.is_autocast_enabled("mps")

    assert inside() and inside.__name__ == "inside"
    with pytest.raises(KeyError):
        inside(fail=True)
    with region, minigrad.autocast("mps", enabled=False):
        assert not minigrad.is_autocast_enabled("mps")
        with region:
            assert minigrad.is_autocast_enabled("mps")
        assert not minigrad.is_autocast_enabled("mps")
    assert not minigrad.is_autocast_enabled("mps")
    assert compare(lambda L: L.autocast("cpu", enabled=False)(3)) is not None  # TypeError


def test_the_autocast_state_belongs_to_each_thread():
    seen = []
    with minigrad.autocast("mps"):
        worker = threading.Thread(target=lambda: seen.append(minigrad.is_autocast_enabled("mps")))
        worker.start(), worker.join()
        assert minigrad.is_autocast_enabled("mps")
    assert seen == [False]


@pytest.mark.parametrize("device_type", KINDS + ["hpu", "xla", "mtia", "ipu", "cuda:1", "meta",
                                               "lazy", "tpu", 3])
def test_availability_state_and_default_dtypes_match_torch(device_type):
    compare(lambda L: L.amp.is_autocast_available(device_type), f"available {device_type}")
    compare(lambda L: L.is_autocast_enabled(device_type), f"enabled {device_type}")
    mine, my_error = run(lambda L: name_of(L.get_autocast_dtype(device_type)), minigrad)
    theirs, their_error = run(lambda L: name_of(L.get_autocast_dtype(device_type)), torch)
    assert (mine, type(my_error)) == (theirs, type(their_error))


def test_custom_fwd_and_bwd_record_and_restore_the_region():
    def program(lib):
        class Double(lib.autograd.Function):
            @staticmethod
            @lib.amp.custom_fwd(device_type="mps", cast_inputs=lib.float16)
            def forward(ctx, x):
                ctx.inside = lib.is_autocast_enabled("mps")
                return x * 2

            @staticmethod
            @lib.amp.custom_bwd(device_type="mps")
            def backward(ctx, g):
                ctx.backward_inside = lib.is_autocast_enabled("mps")
                return g * 2

        x = lib.tensor([1.0, 3.0], requires_grad=True)
        with lib.autocast("mps"):
            y = Double.apply(x)
        y.sum().backward()
        return y, x.grad, y.grad_fn.inside, y.grad_fn.backward_inside

    compare(program)


def test_deprecated_custom_fwd_and_bwd_warn():
    def program(lib):
        def forward(ctx, x):
            return x
        return callable(lib.cuda.amp.custom_fwd(forward)), callable(
            lib.cuda.amp.custom_bwd(forward)), callable(lib.cuda.amp.custom_fwd(
                cast_inputs=lib.float32)(forward))

    compare(with_warnings(program))


def test_module_paths_and_names_are_torch_s():
    from minigrad.cpu.amp import GradScaler as CpuScaler
    from minigrad.cuda.amp import GradScaler as CudaScaler, autocast as cuda_autocast

    assert minigrad.autocast is minigrad.amp.autocast is minigrad.amp.autocast_mode.autocast
    assert issubclass(CudaScaler, minigrad.amp.GradScaler)
    assert issubclass(CpuScaler, minigrad.amp.grad_scaler.GradScaler)
    assert issubclass(cuda_autocast, minigrad.autocast)
    assert minigrad.amp.__all__ == torch.amp.__all__
    assert minigrad.cuda.amp.__all__ == torch.cuda.amp.__all__
    assert minigrad.cuda.amp.amp_definitely_not_available()
    for module in ("amp", "cuda.amp", "cpu.amp"):
        mine, theirs = minigrad, torch
        for part in module.split("."):
            mine, theirs = getattr(mine, part), getattr(theirs, part)
        public = {n for n in dir(theirs) if not n.startswith("_")} - {
            "autocast_mode", "grad_scaler", "common"}
        assert public <= set(dir(mine)), module
