"""``segment_reduce`` against torch.segment_reduce: every reduction with lengths or
offsets, batched lengths, ``initial``, gradients, and the same errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.differential import both_raise, compare, f64, needs_torch

pytestmark = needs_torch

REDUCTIONS = ["sum", "mean", "max", "min", "prod"]


@st.composite
def _case(draw):
    lengths = draw(st.lists(st.integers(0, 3), min_size=1, max_size=5))
    trailing = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    reduce = draw(st.sampled_from(REDUCTIONS))
    initial = draw(st.sampled_from([None, 0.5, -1.5]))
    use_offsets = draw(st.booleans())
    seed = draw(st.integers(0, 2**16))
    return lengths, trailing, reduce, initial, use_offsets, seed


@settings(max_examples=80, deadline=None)
@given(_case())
def test_values_and_gradients_match_torch(case):
    lengths, trailing, reduce, initial, use_offsets, seed = case
    # Distinct values (no ties for max/min) away from zero.
    values = np.random.default_rng(seed).permutation(np.arange(1, 200))[
        :int(np.prod((sum(lengths),) + trailing))].reshape((sum(lengths),) + trailing) / 50.0

    def program(lib):
        data = f64(lib, values, requires_grad=True)
        kwargs = {"initial": initial}
        if use_offsets:
            kwargs["offsets"] = lib.tensor(np.concatenate([[0], np.cumsum(lengths)]))
        else:
            kwargs["lengths"] = lib.tensor(lengths)
        out = lib.segment_reduce(data, reduce, **kwargs)
        finite = lib.where(lib.isfinite(out), out, lib.zeros_like(out))
        grad, = lib.autograd.grad((finite * 0.75).sum(), data, allow_unused=True)
        return out, grad
    compare(program, rtol=1e-10)


@pytest.mark.parametrize("reduce", REDUCTIONS)
def test_batched_lengths_along_the_last_axis(reduce):
    def program(lib):
        data = f64(lib, np.arange(1.0, 13.0).reshape(3, 4) / 4, requires_grad=True)
        out = lib.segment_reduce(data, reduce, lengths=lib.tensor([[1, 3], [2, 2], [4, 0]]),
                                 axis=1, initial=2.0)
        out.sum().backward()
        return out, data.grad
    compare(program)


def test_offsets_need_not_start_at_zero_and_float32_stays():
    compare(lambda lib: lib.segment_reduce(lib.arange(12.0).reshape(3, 4), "sum",
                                           offsets=lib.tensor([1, 2, 3])))


@pytest.mark.parametrize("error, call", [
    (RuntimeError, lambda lib, d: lib.segment_reduce(d, "sum", lengths=lib.tensor([1, 3]),
                                                     axis=1)),
    (RuntimeError, lambda lib, d: lib.segment_reduce(d, "sum", indices=lib.tensor([0, 0, 1]))),
    (RuntimeError, lambda lib, d: lib.segment_reduce(d, "avg", lengths=lib.tensor([1, 2]))),
    (RuntimeError, lambda lib, d: lib.segment_reduce(d, "sum")),
    (RuntimeError, lambda lib, d: lib.segment_reduce(d, "sum", lengths=lib.tensor([1, -1, 3]))),
    (RuntimeError, lambda lib, d: lib.segment_reduce(d, "sum", lengths=lib.tensor([2, 2]))),
    (NotImplementedError, lambda lib, d: lib.segment_reduce(d, "sum",
                                                            lengths=lib.tensor([1.0, 2.0]))),
    (NotImplementedError, lambda lib, d: lib.segment_reduce(d.long(), "sum",
                                                            lengths=lib.tensor([1, 2]))),
])
def test_errors_match_torch(error, call):
    both_raise(lambda lib: call(lib, lib.arange(12.0).reshape(3, 4)), error)


def test_unsafe_skips_the_length_check():
    compare(lambda lib: lib.segment_reduce(lib.arange(12.0).reshape(3, 4), "max",
                                           lengths=lib.tensor([1, 1]), unsafe=True))
