"""minigrad/profiler/ and minigrad/autograd/profiler.py: the API of torch.profiler (checked
against PyTorch where it is installed: signatures, schedules, errors) and that events are
recorded (names, nesting, shapes, counts; not timings)."""
from __future__ import annotations

import inspect
import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from minigrad.profiler import (ProfilerAction, ProfilerActivity, profile, record_function,
                               schedule, tensorboard_trace_handler)

BACKWARD = "autograd::engine::evaluate_function: "


def train_step(lib):
    x = lib.tensor(np.arange(12.0).reshape(3, 4) / 10, requires_grad=True)
    w = lib.tensor(np.ones((4, 2)), requires_grad=True)
    with record_function("my_block") if lib is minigrad else lib.profiler.record_function(
            "my_block"):
        y = (x @ w).relu().sum()
    y.backward()


def test_primitive_calls_backward_steps_and_blocks_are_events():
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        train_step(minigrad)
    names = [e.name for e in prof.events()]
    assert names[0] == "my_block"
    assert {"matmul", "relu", "sum"} <= set(names)
    assert {BACKWARD + "SumBackward0", BACKWARD + "ReluBackward0",
            BACKWARD + "MmBackward0"} <= set(names)
    block = prof.events()[0]
    assert {c.name for c in block.cpu_children} >= {"matmul", "relu", "sum"}
    assert all(c.cpu_parent is block for c in block.cpu_children)
    matmul = next(e for e in prof.events() if e.name == "matmul")
    assert matmul.input_shapes == [[3, 4], [4, 2]]
    for e in prof.events():
        assert e.cpu_time_total >= 0 and 0 <= e.self_cpu_time_total <= e.cpu_time_total + 1e-6
    assert block.cpu_time_total >= sum(c.cpu_time_total for c in block.cpu_children) - 1e-6


def test_nothing_is_recorded_outside_a_profile():
    with profile() as prof:
        minigrad.ones(3).exp()
    minigrad.ones(3).sin()
    names = [e.name for e in prof.events()]
    assert names[-1] == "exp" and "sin" not in names


def test_key_averages_count_calls_per_name_and_table():
    with profile(record_shapes=True, profile_memory=True) as prof:
        x = minigrad.ones(2, 3)
        for _ in range(3):
            x = x.exp()
        x.reshape(3, 2).exp()
    averages = {a.key: a for a in prof.key_averages()}
    assert averages["exp"].count == 4
    assert averages["exp"].cpu_memory_usage == 4 * 6 * 4
    by_shape = [(a.key, a.input_shapes, a.count) for a in
                prof.key_averages(group_by_input_shape=True) if a.key == "exp"]
    assert sorted(by_shape) == [("exp", [[2, 3]], 3), ("exp", [[3, 2]], 1)]
    table = prof.key_averages().table(sort_by="cpu_time_total", row_limit=1)
    lines = table.splitlines()
    assert "Name" in lines[1] and "Self CPU %" in lines[1] and "# of Calls" in lines[1]
    assert "CPU Mem" in lines[1]
    assert len([line for line in lines if line.strip().startswith(("exp", "ones",
                                                                   "reshape"))]) == 1
    assert lines[-1].startswith("Self CPU time total:")
    rows = prof.key_averages().table(sort_by="count", row_limit=-1).splitlines()
    assert rows[3].split()[0] == "exp"
    with pytest.raises(AttributeError):
        prof.key_averages().table(sort_by="not_a_column")


def test_chrome_trace_is_valid_json_with_one_complete_event_per_call(tmp_path):
    with profile(record_shapes=True) as prof:
        train_step(minigrad)
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    trace = json.loads(path.read_text())
    complete = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    assert [e["name"] for e in complete] == [e.name for e in prof.events()]
    for e in complete:
        assert {"ts", "dur", "pid", "tid", "name", "cat"} <= set(e)
        assert e["dur"] >= 0
    assert complete[0]["cat"] == "user_annotation"


def test_record_function_as_a_decorator_and_the_autograd_aliases():
    @record_function("helper")
    def helper(t):
        return t.sin()

    with minigrad.autograd.profiler.profile() as prof:
        with minigrad.autograd.profiler.record_function("outer"):
            helper(minigrad.ones(2))
    events = {e.name: e for e in prof.function_events}
    assert events["helper"].cpu_parent is events["outer"]
    assert events["sin"].cpu_parent is events["helper"]
    assert minigrad.autograd.profiler.record_function is record_function
    assert "sin" in prof.table()
    with minigrad.autograd.profiler.profile(enabled=False) as disabled:
        minigrad.ones(2).exp()
    assert disabled is None
    assert helper(minigrad.zeros(1)).item() == 0.0  # and outside a profile it just runs


def collect_cycles(make_schedule, steps, **kwargs):
    cycles = []

    def ready(p):
        cycles.append((p.step_num, [e.name for e in p.events() if e.name.startswith("step")]))

    with profile(schedule=make_schedule(wait=1, warmup=1, active=2, repeat=2),
                 on_trace_ready=ready, **kwargs) as prof:
        for i in range(steps):
            with record_function(f"step{i}"):
                minigrad.ones(1).exp()
            prof.step()
    return cycles


def test_schedule_cycles_call_on_trace_ready_with_the_active_steps():
    assert collect_cycles(schedule, 10) == [(4, ["step2", "step3"]), (8, ["step6", "step7"])]
    stopped_early = collect_cycles(schedule, 3)
    assert stopped_early == [(3, ["step2"])]


def test_tensorboard_trace_handler_writes_traces(tmp_path):
    with profile(schedule=schedule(wait=0, warmup=1, active=1, repeat=1),
                 on_trace_ready=tensorboard_trace_handler(str(tmp_path), "worker")) as prof:
        for _ in range(3):
            minigrad.ones(2).exp()
            prof.step()
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].name.startswith("worker.")
    assert files[0].name.endswith(".pt.trace.json")
    assert any(e["name"] == "exp" for e in json.loads(files[0].read_text())["traceEvents"])


def test_errors():
    with pytest.raises(AssertionError, match="Invalid profiler schedule"):
        schedule(wait=0, warmup=1, active=0)
    with pytest.raises(AssertionError, match="No activities"):
        with profile(activities=[ProfilerActivity.CUDA]):
            pass
    with pytest.raises(AssertionError, match="initialized"):
        profile().key_averages()
    with profile(schedule=schedule(wait=5, warmup=1, active=1)) as prof:
        prof.step()
    with pytest.raises(AssertionError, match="initialized"):
        prof.key_averages()


# --- against PyTorch ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 3), st.integers(0, 2), st.integers(1, 3), st.integers(0, 2),
       st.integers(0, 2), st.integers(0, 1))
def test_schedule_matches_pytorch(wait, warmup, active, repeat, skip_first, skip_first_wait):
    torch = pytest.importorskip("torch")
    kwargs = dict(wait=wait, warmup=warmup, active=active, repeat=repeat,
                  skip_first=skip_first, skip_first_wait=skip_first_wait)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine, theirs = schedule(**kwargs), torch.profiler.schedule(**kwargs)
    assert [mine(i).name for i in range(20)] == [theirs(i).name for i in range(20)]


@pytest.mark.parametrize("bad", [dict(wait=-1, warmup=1, active=1),
                                 dict(wait=0, warmup=0, active=0),
                                 dict(wait=0, warmup=0, active=1, repeat=-1),
                                 dict(wait=0, warmup=1, active=1, skip_first=-1)])
def test_schedule_errors_match_pytorch(torch, bad):
    with pytest.raises(AssertionError) as theirs:
        torch.profiler.schedule(**bad)
    with pytest.raises(AssertionError) as mine:
        schedule(**bad)
    assert str(mine.value) == str(theirs.value)


def test_warmup_zero_warns_as_pytorch(torch):
    with pytest.warns(UserWarning, match="warmup"):
        torch.profiler.schedule(wait=0, warmup=0, active=1)
    with pytest.warns(UserWarning, match="warmup"):
        schedule(wait=0, warmup=0, active=1)


def test_cycles_match_pytorch(torch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = []

        def ready(p):
            theirs.append((p.step_num, [e.name for e in p.events()
                                        if e.name.startswith("step")]))
        for steps in (10, 3):
            with torch.profiler.profile(
                    schedule=torch.profiler.schedule(wait=1, warmup=1, active=2, repeat=2),
                    on_trace_ready=ready) as prof:
                for i in range(steps):
                    with torch.profiler.record_function(f"step{i}"):
                        torch.ones(1).exp()
                    prof.step()
    assert collect_cycles(schedule, 10) + collect_cycles(schedule, 3) == theirs


@pytest.mark.parametrize("name", ["profile", "record_function", "schedule",
                                  "tensorboard_trace_handler"])
def test_signatures_match_pytorch(torch, name):
    def parameters(f):
        f = f.__init__ if inspect.isclass(f) else f
        return [(p.name, p.kind, p.default) for p in inspect.signature(f).parameters.values()]
    assert parameters(getattr(minigrad.profiler, name)) == \
        parameters(getattr(torch.profiler, name))


def test_autograd_profiler_signature_and_enums_match_pytorch(torch):
    def names(f):
        return list(inspect.signature(f.__init__).parameters)
    assert names(minigrad.autograd.profiler.profile) == names(torch.autograd.profiler.profile)
    assert list(ProfilerActivity.__members__) == list(torch.profiler.ProfilerActivity.__members__)
    assert set(ProfilerAction.__members__) <= set(torch.profiler.ProfilerAction.__members__)
