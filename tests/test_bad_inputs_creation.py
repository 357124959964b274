"""Tensor creation, random sampling and argument parsing on inputs a fuzzer found: each
line runs in minigrad and in PyTorch, and both must raise the same exception type or
return tensors of the same shape and dtype (and values, for what is not random).

Tests ``minigrad/creation.py``, ``buffer_factories.py``, ``sampling.py``, the random
fills of ``Tensor``, ``tensor_args.py`` (reading data), ``dtypes.dtype_arg`` and the
argument checks of ``ops/_util.py`` used by ``ops/linalg.py``, ``ops/layout.py`` and
``ops/logic.py``.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from tests.differential import MINE, assert_same, needs_torch, run, same_outcome, torch

pytestmark = needs_torch


def _outcome(code: str, lib: Any) -> tuple[Any, BaseException | None]:
    space = {"L": lib, "np": np, "x": lib.ones(3), "m": lib.ones(2, 2),
             "s": lib.tensor(2.5), "i": lib.ones(3, dtype=lib.int64)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run(lambda _: eval(code, space), lib)  # noqa: S307 (test programs)


def _check(code: str, values: bool) -> None:
    mine, my_error = _outcome(code, MINE)
    theirs, their_error = _outcome(code, torch)
    same_outcome(my_error, their_error, code)
    if their_error is not None:
        return
    if values:
        assert_same(mine, theirs, code, requires_grad=False)
    else:  # random draws: the streams differ, the shape and dtype must not
        assert tuple(mine.shape) == tuple(theirs.shape), code
        assert str(mine.dtype) == str(theirs.dtype).replace("torch.", ""), code


RANDOM_ON_0D = [  # every *_like factory and random function on a 0-d tensor
    "L.randn_like(s)", "L.rand_like(s)", "L.randint_like(s, 3)", "L.empty_like(s)",
    "L.rand_like(s, dtype=L.float64)", "L.randn_like(L.tensor(2), dtype=L.float64)",
    "L.randn_like(L.tensor(2))", "L.rand_like(L.tensor([1, 2]))",
    "L.poisson(s)", "L.bernoulli(L.tensor(0.5))", "L.normal(L.tensor(0.5))",
    "L.normal(L.tensor(0.5), 1.0)", "L.normal(0.5, L.tensor(1.0))",
    "L.binomial(L.tensor(3.), L.tensor(0.5))", "L.multinomial(L.tensor(0.5), 1)",
    "s.clone().uniform_()", "s.clone().normal_()", "s.clone().bernoulli_()",
    "s.clone().bernoulli_(L.tensor(0.5))", "s.clone().cauchy_()", "s.clone().exponential_()",
    "s.clone().geometric_(0.5)", "s.clone().log_normal_()", "s.clone().random_(3)",
]

RANDOM_FILLS = [
    "i.clone().normal_()", "i.clone().uniform_()", "L.ones(3, dtype=L.bool).uniform_()",
    "L.ones(3, dtype=L.bool).normal_()", "i.clone().log_normal_()", "i.clone().cauchy_()",
    "x.clone().uniform_(2, 1)", "x.clone().uniform_(1, 1)", "x.clone().uniform_(0, float('inf'))",
    "x.clone().uniform_(float('nan'), 1)", "x.clone().uniform_(-3e38, 3e38)",
    "L.ones(3, dtype=L.float16).uniform_(0, 1e5)", "x.clone().uniform_('a')",
    "x.clone().uniform_(L.tensor(0.), 1)", "x.clone().normal_(0, -1)",
    "x.clone().normal_(0, float('nan'))", "x.clone().normal_('a')",
    "x.clone().normal_(0, L.tensor([1., 2]))", "x.clone().cauchy_(0, -1)",
    "x.clone().cauchy_(0, 0)", "L.ones(0, 3).bernoulli_(L.ones(4))",
    "L.ones(0, 3).bernoulli_(L.ones(4, dtype=L.int64))", "L.ones(2, 3).bernoulli_(L.ones(4))",
    "L.ones(2, 3).bernoulli_(L.ones(1, 3))", "x.clone().bernoulli_(i)",
    "L.ones(0, 3, dtype=L.int64).uniform_()", "L.ones(0).normal_(0, -1)",
    "L.normal(L.tensor([1, 2]))", "L.normal(L.tensor([1, 2]), L.tensor([1., 2]))",
    "L.normal(L.tensor([1., 2]), L.tensor([1, 2]))", "L.normal(1.0, L.tensor([1, 2]))",
    "L.normal(L.zeros(3), L.ones(4))", "L.normal(L.zeros(2, 1), L.ones(3))",
    "L.normal(0.0, 1.0, (-1,))", "L.normal(0.0, 1.0, 3)", "L.normal('a', 1.0, (2,))",
    "L.normal(L.zeros(3), 'a')", "L.normal(0., float('nan'), (2,))",
    "L.normal(0., 1., (2,), dtype=L.int64)", "L.normal(0, 1, (2,), dtype='float32')",
    "L.multinomial(L.tensor([1, 1]), 1)", "L.multinomial(L.tensor([True, True]), 1)",
    "L.multinomial(L.tensor([1., 1]), 1.5)", "L.multinomial([1., 1], 1)",
    "L.bernoulli(L.tensor([1, 0]))", "L.bernoulli(L.tensor([True]))", "L.bernoulli([0.5])",
    "L.randint(0, 5, 3)", "L.randint(5, 3)", "L.randint(0, 5, (-1,))", "L.randint(0.5, 5, (2,))",
    "L.randint(5, size=(2,))", "L.randint(1, 5, (2,))", "L.randint(5, (2,))",
    "L.randperm(2.5)", "L.randperm('a')", "L.randperm(-1)", "L.randperm(np.int64(3))",
]

DTYPE_ARGUMENTS = [f"{call[:-1]}, dtype={dtype})" if call.endswith(")") else call
                   for call in ("L.zeros(2)", "L.ones(2)", "L.empty(2)", "L.full((2,), 1)",
                                "L.arange(3)", "L.linspace(0, 1, 3)", "L.logspace(0, 1, 3)",
                                "L.eye(2)", "L.rand(2)", "L.randn(2)", "L.randint(0, 3, (2,))",
                                "L.randperm(3)", "L.tensor([1, 2])", "L.zeros_like(x)",
                                "L.ones_like(x)", "L.full_like(x, 1)", "L.rand_like(x)",
                                "L.randn_like(x)", "L.randint_like(x, 3)", "L.empty_like(x)",
                                "L.as_tensor([1, 2])", "L.asarray([1, 2])",
                                "L.scalar_tensor(1)", "L.empty_strided((2,), (1,))",
                                "x.new_zeros(2)", "x.new_tensor([1])")
                   for dtype in ("'float32'", "'a'", "3", "float", "int", "bool")]

CONVERSIONS = [
    "L.tensor(np.array(['a']))", "L.tensor(np.array([object()]))", "L.tensor(np.array([1, None]))",
    "L.tensor(np.array([b'a']))", "L.tensor(['a'])", "L.tensor(2**63)", "L.tensor(-2**63 - 1)",
    "L.tensor(2**64)", "L.tensor([2**63])", "L.tensor([1, 2**63])", "L.tensor([[2**63]])",
    "L.tensor([True, 2**63])", "L.tensor(2**63 - 1)", "L.tensor([2**63, 1.5])",
    "L.tensor([1.5, 2**70])", "L.tensor([2**63], dtype=L.float32)",
    "L.tensor([2**63], dtype=L.int64)", "L.tensor([300], dtype=L.uint8)",
    "L.tensor([-1], dtype=L.uint8)", "L.tensor(-1, dtype=L.uint8)",
    "L.tensor(300, dtype=L.uint8)", "L.tensor([-255], dtype=L.uint8)",
    "L.tensor([-256], dtype=L.uint8)", "L.tensor([255, -1], dtype=L.uint8)",
    "L.tensor([True, -1], dtype=L.uint8)", "L.tensor([[1, 2], [300, 4]], dtype=L.uint8)",
    "L.tensor([300], dtype=L.int8)", "L.tensor([-129], dtype=L.int8)",
    "L.tensor([2**31], dtype=L.int32)", "L.tensor([1e10], dtype=L.int32)",
    "L.tensor([1.5], dtype=L.uint8)", "L.tensor([-1.5], dtype=L.uint8)",
    "L.tensor([-0.5], dtype=L.uint8)", "L.tensor([255.9], dtype=L.uint8)",
    "L.tensor([127.5], dtype=L.int8)", "L.tensor([float('inf')], dtype=L.int32)",
    "L.tensor([float('nan')], dtype=L.int64)", "L.tensor([1e20], dtype=L.int64)",
    "L.tensor([1e10], dtype=L.float16)", "L.tensor([1e300], dtype=L.float32)",
    "L.tensor([1.5], dtype=L.bool)", "L.tensor(np.array([300]), dtype=L.uint8)",
    "L.tensor(np.array([-1]), dtype=L.uint8)", "L.tensor(np.int64(300), dtype=L.uint8)",
    "L.tensor(np.int64(-1), dtype=L.uint8)", "L.tensor([np.float64(300.0)], dtype=L.uint8)",
    "L.tensor(L.tensor([300]), dtype=L.uint8)", "L.tensor([L.tensor(300)], dtype=L.uint8)",
    "L.full((2,), 300, dtype=L.uint8)", "L.full((2,), -1, dtype=L.uint8)",
    "L.full((2,), -256, dtype=L.uint8)", "L.full((2,), 1.5, dtype=L.uint8)",
    "L.full((2,), -1.5, dtype=L.uint8)", "L.full((2,), 2**63)", "L.full((2,), 1e40)",
    "L.full((2,), 1e10, dtype=L.float16)", "L.full((2,), float('inf'), dtype=L.float16)",
    "L.full((2,), 2**63, dtype=L.float32)", "L.full((2,), True)",
    "L.full_like(L.ones(2, dtype=L.uint8), 300)", "L.full_like(L.ones(2, dtype=L.uint8), -1)",
    "L.full_like(x, 'a')", "L.full((2,), 'a')", "L.scalar_tensor(300, dtype=L.uint8)",
    "L.scalar_tensor(-1, dtype=L.uint8)", "L.as_tensor([300], dtype=L.uint8)",
    "L.as_tensor([-1], dtype=L.uint8)", "L.as_tensor(2**63)", "L.asarray([300], dtype=L.uint8)",
    "x.new_tensor([300], dtype=L.uint8)", "x.new_full((2,), 300, dtype=L.uint8)",
]

ARGUMENTS = [
    "L.arange('a')", "L.arange(0, 'a')", "L.arange(0, 3, 'a')", "L.arange(None)",
    "L.nan_to_num(x, None)", "L.nan_to_num(x, 'a')", "L.nan_to_num(x, neginf='a')",
    "L.nan_to_num(x, nan=L.tensor(1.0))", "L.nan_to_num(x, posinf=L.tensor(1.0))",
    "L.empty(-1, 2)", "L.ones((2, -3))", "L.empty(2.5)",
    "L.tile(x, L.tensor([2]))", "L.tile(x, (L.tensor(2),))", "L.tile(x, 'a')", "L.tile(x, 2)",
    "L.flip(x, L.tensor([0]))", "L.flip(x, (L.tensor(0),))", "L.flip(x, 0)", "L.flip(x, [0])",
    "L.roll(x, L.tensor(1))", "L.roll(x, 1, 0)", "L.roll(m, (1, 1), (0, 1))",
    "L.dot(x, 'a')", "L.dot('a', x)", "L.dot(x, [1, 2, 3])", "L.dot(x, 2.0)", "L.mm(m, 'a')",
    "L.mm('a', m)", "L.mm(m, 2.0)", "L.bmm(L.ones(1, 2, 2), 'a')", "L.vdot(x, 'a')",
    "L.equal(x, 'a')", "L.equal('a', x)", "L.equal(x, x)", "x.type_as('a')", "x.type_as(i)",
    "x.dot('a')", "m.mm('a')",
]


@pytest.mark.parametrize("code", RANDOM_ON_0D + RANDOM_FILLS)
def test_random_draws_and_fills_match_torch(code: str) -> None:
    _check(code, values=False)


@pytest.mark.parametrize("code", DTYPE_ARGUMENTS)
def test_dtype_arguments_match_torch(code: str) -> None:
    _check(code, values="rand" not in code and "empty" not in code)


@pytest.mark.parametrize("code", CONVERSIONS + ARGUMENTS)
def test_conversions_and_arguments_match_torch(code: str) -> None:
    _check(code, values="empty" not in code)


def test_dtype_arg_names_the_op_and_keeps_numpy_spellings() -> None:
    import minigrad
    with pytest.raises(TypeError, match=r"zeros\(\): argument 'dtype' must be .*str"):
        minigrad.zeros(2, dtype="float32")
    with pytest.raises(TypeError, match="zeros_like"):
        minigrad.zeros_like(minigrad.ones(2), dtype=minigrad.FloatTensor)
    assert minigrad.zeros(2, dtype=np.float32).dtype == np.float32  # NumPy's own spellings
    assert minigrad.tensor([1], dtype=np.dtype("int16")).dtype == np.int16
