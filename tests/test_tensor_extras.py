"""Tensor methods added for PyTorch programs, each compared with PyTorch: resize_,
resize_as_, new_empty_strided, prelu, hardshrink, the unsafe splits, addr_, the in-place
shifts, apply_/map_/map2_, dim_order, const_data_ptr and the flags of the kinds of tensor
minigrad never makes."""
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from differential import compare, two_derivatives

torch = pytest.importorskip("torch")

rng = np.random.default_rng(3)


@pytest.mark.parametrize("start, size", [((6,), (2, 3)), ((2, 3), (4,)), ((2, 3), (3, 3)),
                                         ((2, 3), ()), ((4,), (0,)), ((3,), [2, 1])])
def test_resize_keeps_the_first_elements_as_torch(start, size):
    def program(L):
        x = L.arange(float(np.prod(start))).reshape(start)
        out = x.resize_(size)
        kept = min(int(np.prod(start)), int(np.prod(size)))
        return out is x, tuple(x.shape), x.stride(), x.reshape(-1)[:kept]
    compare(program, f"resize_{size}")
    compare(lambda L: L.arange(6.0).reshape(2, 3).t().resize_(2, 2), "transposed")
    compare(lambda L: L.zeros(5).resize_as_(L.ones(2, 2)).shape, "resize_as_")


def test_resize_shares_memory_when_it_shrinks():
    def program(L):
        x = L.arange(6.0)
        v = x[:4]
        v.resize_(2, 2)
        v.fill_(7)
        return x
    compare(program)


@pytest.mark.parametrize("code", [
    "L.ones(2, requires_grad=True).resize_(2)", "(L.ones(2, requires_grad=True) * 1).resize_(3)",
    "L.ones(2).resize_(-1)", "L.ones(2).resize_(2.0)", "L.ones(2).resize_as_([1])",
    "L.resize_as_(L.ones(2), L.ones(3))[:2]",  # (the grown element is uninitialised)
])
def test_resize_refuses_as_torch(code):
    compare(lambda L: eval(code), code)


@pytest.mark.parametrize("size, stride", [((2, 3), (1, 2)), ((3,), (2,)), ((), ())])
def test_new_empty_strided_matches_torch(size, stride):
    def program(L):
        base = L.ones(1, dtype=L.float64)
        out = base.new_empty_strided(size, stride)
        other = base.new_empty_strided(size, stride, dtype=L.int32, requires_grad=False)
        grad = base.new_empty_strided(size, stride, requires_grad=True)
        return tuple(out.shape), out.stride(), out.dtype == L.float64, other.dtype == L.int32, \
            grad.requires_grad
    compare(program)


def test_prelu_and_hardshrink_methods_match_torch():
    x = rng.standard_normal((2, 3, 4))
    compare(two_derivatives(lambda L, x, w: x.prelu(w), x, rng.uniform(0.1, 0.5, 3)))
    for args in ((0.4,), ()):
        def program(L):
            t = L.tensor(x, requires_grad=True)
            out = t.hardshrink(*args)
            return out, L.autograd.grad((out * out).sum(), t)
        compare(program, f"hardshrink{args}")


def test_unsafe_splits_and_addr_():
    x = rng.standard_normal((5, 4))
    compare(two_derivatives(lambda L, x: L.cat(x.unsafe_split_with_sizes([2, 3]), 1), x))
    compare(two_derivatives(lambda L, x: L.cat(L.unsafe_split_with_sizes(x, [1, 3], 1)), x))
    compare(two_derivatives(lambda L, x: L.cat(x.unsafe_split(2), 1), x))
    compare(two_derivatives(lambda L, x: L.cat(x.unsafe_chunk(3, 1)), x))
    compare(lambda L: L.unsafe_split_with_sizes(L.ones(3), [1, 1]))
    compare(two_derivatives(lambda L, m, a, b: (m * 1).addr_(a, b, beta=0.5, alpha=2),
                            x, rng.standard_normal(5), rng.standard_normal(4)))
    compare(lambda L: L.ones(5, 4, requires_grad=True).addr_(L.ones(5), L.ones(4)))


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8"])
def test_in_place_shifts_match_torch(dtype):
    def program(L):
        x = L.tensor([1, 5, 9, 100], dtype=getattr(L, dtype))
        y = x.clone()
        return x.bitwise_left_shift_(2) is x, x, y.bitwise_right_shift_(L.tensor([0, 1, 2, 3])), y
    compare(program)
    compare(lambda L: L.ones(2).bitwise_left_shift_(1))


def test_apply_map_and_map2_match_torch():
    def program(L):
        x = L.tensor([[1.0, -2.0], [3.0, 0.5]])
        results = [x.apply_(lambda v: v * v + 1) is x, x.clone()]
        results += [x.map_(L.tensor([10.0, 20.0]), lambda a, b: a - b) is x, x.clone()]
        results += [x.map2_(L.ones(2, 1), L.tensor(2.0), lambda a, b, c: a * c + b), x]
        i = L.tensor([1, 2, 3])
        results.append(i.apply_(lambda v: v // 2 + 0.7))
        results.append(L.tensor(3.0).apply_(lambda v: -v))
        return results
    compare(program)
    compare(lambda L: L.ones(2, requires_grad=True).apply_(abs))
    compare(lambda L: L.ones(2).map_(L.ones(3), max))


@pytest.mark.parametrize("make", [lambda L: L.ones(2, 3, 4), lambda L: L.ones(2, 3, 4).permute(2, 0, 1),
                                  lambda L: L.ones(2, 3, 4, 5).contiguous(memory_format=L.channels_last),
                                  lambda L: L.ones(2, 3).t(), lambda L: L.tensor(1.0)])
def test_dim_order_and_data_pointers(make):
    compare(lambda L: make(L).dim_order())
    x = make(minigrad)
    assert x.const_data_ptr() == x.data_ptr()


@pytest.mark.parametrize("flag", ["is_mps", "is_xpu", "is_ipu", "is_xla", "is_mtia", "is_maia",
                                  "is_vulkan", "is_meta", "is_mkldnn", "is_quantized",
                                  "is_nested", "is_sparse_csr"])
def test_flags_of_kinds_minigrad_never_makes(flag):
    compare(lambda L: getattr(L.ones(2), flag))
    compare(lambda L: L.ones(2).is_distributed())
