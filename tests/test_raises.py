"""Bad input raises where PyTorch raises, with PyTorch's error type and a message that
names the op.

Each case is written once for a library ``L`` (minigrad or torch): with torch installed the
same call must raise there too, with the same type unless the case says otherwise. Calls
that PyTorch accepts (reductions over dim 0 of a 0-d tensor) are compared by value.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.nn import functional as F

try:
    import torch
except ImportError:  # the differential half is optional
    torch = None


def _f(L):
    return getattr(L.nn, "functional")


# (id, call(L), minigrad's exception, message pattern, torch raises the same type)
CASES = [
    # matmul, linear: no promotion between operands
    ("matmul float32 @ float64", lambda L: L.ones(2, 2) @ L.ones(2, 2, dtype=L.float64),
     RuntimeError, r"matmul: .*input of dtype float32 and other of dtype float64", True),
    ("matmul int64 @ float32", lambda L: L.matmul(L.ones(2, 3, dtype=L.int64), L.ones(3)),
     RuntimeError, r"matmul: .*input of dtype int64 and other of dtype float32", True),
    ("linear float64 input", lambda L: _f(L).linear(L.ones(2, 2, dtype=L.float64),
                                                    L.ones(3, 2)),
     RuntimeError, r"linear: .*input of dtype float64 and weight of dtype float32", True),
    ("linear float64 bias", lambda L: _f(L).linear(L.ones(2, 2), L.ones(3, 2),
                                                   L.ones(3, dtype=L.float64)),
     RuntimeError, r"linear: .*input of dtype float32 and bias of dtype float64", True),
    ("Linear int64 batch", lambda L: L.nn.Linear(2, 3)(L.ones(4, 2, dtype=L.int64)),
     RuntimeError, r"linear: .*input of dtype int64 and weight of dtype float32", True),
    # elementwise rules
    ("int ** negative int", lambda L: L.tensor([2, 3]) ** -1,
     RuntimeError, r"pow: Integers to negative integer powers", True),
    ("bool - bool", lambda L: L.tensor([True]) - L.tensor([False]),
     RuntimeError, r"sub: Subtraction.*two bool tensors", True),
    ("int - bool", lambda L: L.tensor([1]) - L.tensor([True]),
     RuntimeError, r"sub: Subtraction.*a bool tensor", True),
    ("-bool", lambda L: -L.tensor([True]), RuntimeError, r"neg: Negation", True),
    ("broadcast mismatch", lambda L: L.ones(2, 3) + L.ones(3, 2),
     RuntimeError, r"add: shapes \(2, 3\) and \(3, 2\)", True),
    ("where with an int condition", lambda L: L.where(L.tensor([1, 0]), L.ones(2), 0.0),
     RuntimeError, r"where: .*boolean.*int64", True),
    ("clamp without bounds", lambda L: L.ones(2).clamp(),
     RuntimeError, r"clamp: At least one", True),
    ("exp of a list", lambda L: L.exp([1.0]), TypeError, r"exp: .*list", True),
    ("add with alpha='a'", lambda L: L.ones(2).add(L.ones(2), alpha="a"),
     TypeError, r"add\(\): argument 'alpha' must be Number", True),
    ("add with alpha=True", lambda L: L.ones(2).add(L.ones(2), alpha=True),
     RuntimeError, r"add: Boolean alpha", True),
    ("chunk(2.0)", lambda L: L.ones(2, 3).chunk(2.0), TypeError, r"chunk\(\): argument", True),
    ("requires_grad_('a')", lambda L: L.ones(2).requires_grad_("a"),
     TypeError, r"requires_grad_\(\): argument", True),
    # kernels PyTorch lacks for a dtype: NotImplementedError (a RuntimeError)
    ("abs of bool", lambda L: L.abs(L.tensor([True])), NotImplementedError, r"abs: ", True),
    ("float & float", lambda L: L.tensor([1.0]) & L.tensor([1.0]),
     NotImplementedError, r"bitwise_and: .*float32", True),
    ("int | float", lambda L: L.tensor([1]) | 1.5, NotImplementedError, r"bitwise_or: ", True),
    ("~float", lambda L: ~L.tensor([1.0]), TypeError, r"bitwise_not: ", True),
    ("bitwise_not of float", lambda L: L.tensor([1.0]).bitwise_not(), NotImplementedError,
     r"bitwise_not: .*float32", True),
    ("mT of 1-D", lambda L: L.tensor([1.0]).mT, RuntimeError, r"mT", True),
    ("split of 0-d", lambda L: L.tensor(1.0).split(1), RuntimeError, r"split", True),
    ("chunk of 0-d", lambda L: L.tensor(1.0).chunk(2), RuntimeError, r"chunk", True),
    ("isclose with a number", lambda L: L.isclose(L.tensor([1.0]), 1.0), TypeError,
     r"isclose", True),
    ("kthvalue of bool", lambda L: L.tensor([True, False]).kthvalue(1), NotImplementedError,
     r"kthvalue", True),
    ("searchsorted in bool", lambda L: L.searchsorted(L.tensor([False, True]),
                                                      L.tensor([True])),
     NotImplementedError, r"searchsorted", True),
    ("matmul of bool", lambda L: L.tensor([[True]]) @ L.tensor([[True]]), NotImplementedError,
     r"matmul: .*Bool", True),
    ("mv of bool", lambda L: L.mv(L.tensor([[True]]), L.tensor([True])), NotImplementedError,
     r"matmul: .*Bool", True),
    ("sum in int64 of a tensor that requires grad",
     lambda L: L.ones(2, requires_grad=True).sum(dtype=L.int64), RuntimeError,
     r"Autograd not support dtype: Long", True),
    ("cumprod in int16 of a tensor that requires grad",
     lambda L: L.ones(2, requires_grad=True).cumprod(0, dtype=L.int16), RuntimeError,
     r"Autograd not support dtype: Short", True),
    ("integer // 0", lambda L: L.tensor([1, 2]) // 0, RuntimeError, r"div: ZeroDivision", True),
    ("integer % 0", lambda L: L.tensor([1, 2]) % 0, RuntimeError, r"remainder: ZeroDivision",
     True),
    ("fill_ of int8 past its range", lambda L: L.zeros(2, dtype=L.int8).fill_(300),
     RuntimeError, r"fill_: .*without overflow", True),
    ("masked_fill of uint8 with inf",
     lambda L: L.zeros(2, dtype=L.uint8).masked_fill(L.tensor([True, False]), float("inf")),
     RuntimeError, r"masked_fill: .*without overflow", True),
    ("setitem of int16 with nan",
     lambda L: L.zeros(2, dtype=L.int16).__setitem__(0, float("nan")), RuntimeError,
     r"setitem: .*without overflow", True),
    ("Tensor.softmax of int64", lambda L: L.tensor([[1, 2]]).softmax(-1),
     NotImplementedError, r"softmax: .*int64", True),
    ("softmax of bool", lambda L: L.softmax(L.tensor([True, False]), 0),
     NotImplementedError, r"softmax: .*bool", True),
    ("Tensor.log_softmax of int32", lambda L: L.tensor([1, 2], dtype=L.int32).log_softmax(0),
     NotImplementedError, r"log_softmax: .*int32", True),
    ("argmax of bool", lambda L: L.tensor([True, False]).argmax(),
     RuntimeError, r"argmax: .*bool", True),
    ("argmin(dim) of bool", lambda L: L.tensor([[True, False]]).argmin(1),
     RuntimeError, r"argmin: .*bool", True),
    ("topk of bool", lambda L: L.tensor([True, False]).topk(1),
     RuntimeError, r"topk: .*bool", True),
    ("maximum with a number", lambda L: L.maximum(L.ones(2), 2),
     TypeError, r"maximum\(\): argument 'other' \(position 2\) must be Tensor, not int", True),
    ("minimum of a number", lambda L: L.minimum(2.0, L.ones(2)),
     TypeError, r"minimum\(\): argument 'input' \(position 1\) must be Tensor", True),
    ("Tensor.maximum with a float", lambda L: L.ones(2).maximum(2.0), TypeError, r"maximum", True),
    ("tensor + list", lambda L: L.ones(2) + [1.0, 2.0], TypeError, r"add: .*list", True),
    ("tensor @ number", lambda L: L.ones(2) @ 2.0, TypeError, r"matmul: .*float", True),
    # convolution and pooling arguments: RuntimeError, as PyTorch's functional forms
    ("conv2d of a 2-d input", lambda L: _f(L).conv2d(L.zeros(8, 8), L.zeros(4, 1, 3, 3)),
     RuntimeError, r"Expected 3D \(unbatched\) or 4D", True),
    ("conv2d stride 0", lambda L: _f(L).conv2d(L.zeros(1, 1, 6, 6), L.zeros(1, 1, 3, 3),
                                               stride=0),
     RuntimeError, r"conv2d: stride", True),
    ("conv2d dilation 0", lambda L: _f(L).conv2d(L.zeros(1, 1, 6, 6), L.zeros(1, 1, 3, 3),
                                                 dilation=0),
     RuntimeError, r"conv2d: dilation", True),
    ("conv2d padding -1", lambda L: _f(L).conv2d(L.zeros(1, 1, 6, 6), L.zeros(1, 1, 3, 3),
                                                 padding=-1),
     RuntimeError, r"conv2d: padding", True),
    ("conv2d 'same' strided", lambda L: _f(L).conv2d(L.zeros(1, 1, 6, 6),
                                                     L.zeros(1, 1, 3, 3), padding="same",
                                                     stride=2),
     RuntimeError, r"conv2d: padding='same'", True),
    ("conv2d padding 'full'", lambda L: _f(L).conv2d(L.zeros(1, 1, 6, 6), L.zeros(1, 1, 3, 3),
                                                     padding="full"),
     RuntimeError, r"conv2d: invalid padding string", True),
    ("conv2d groups 0", lambda L: _f(L).conv2d(L.zeros(1, 1, 6, 6), L.zeros(1, 1, 3, 3),
                                               groups=0),
     RuntimeError, r"conv2d: non-positive groups", True),
    ("conv2d out_channels % groups", lambda L: _f(L).conv2d(L.zeros(1, 4, 8, 8),
                                                            L.zeros(3, 2, 3, 3), groups=2),
     RuntimeError, r"conv2d: out_channels \(3\) must be divisible", True),
    ("unfold kernel 0", lambda L: _f(L).unfold(L.zeros(1, 1, 4, 4), 0),
     RuntimeError, r"unfold: kernel_size", True),
    ("max_pool2d kernel 0", lambda L: _f(L).max_pool2d(L.zeros(1, 1, 4, 4), 0),
     RuntimeError, r"max_pool2d: kernel_size", True),
    ("max_pool2d pad over half", lambda L: _f(L).max_pool2d(L.zeros(1, 1, 4, 4), 2, padding=2),
     RuntimeError, r"max_pool2d: pad should be at most half", True),
    ("max_pool2d of a 2-d input", lambda L: _f(L).max_pool2d(L.zeros(8, 8), 2),
     RuntimeError, r"Expected 3D \(unbatched\) or 4D", True),
    ("avg_pool2d divisor_override 0", lambda L: _f(L).avg_pool2d(L.zeros(1, 1, 4, 4), 2,
                                                                 divisor_override=0),
     RuntimeError, r"avg_pool2d: divisor_override", True),
    ("adaptive_avg_pool2d of a 2-d input", lambda L: _f(L).adaptive_avg_pool2d(L.zeros(8, 8),
                                                                               2),
     RuntimeError, r"Expected 3D \(unbatched\) or 4D", True),
    ("nn.MaxPool2d(0)", lambda L: L.nn.MaxPool2d(0)(L.zeros(1, 1, 4, 4)),
     RuntimeError, r"max_pool2d: kernel_size", True),
    # activations and losses
    ("gelu approximate='fast'", lambda L: _f(L).gelu(L.ones(2), approximate="fast"),
     RuntimeError, r"gelu: approximate", True),
    ("nn.GELU('fast') on its first call", lambda L: L.nn.GELU("fast")(L.ones(2)),
     RuntimeError, r"gelu: approximate", True),
    ("celu alpha 0", lambda L: _f(L).celu(L.ones(2), alpha=0.0), RuntimeError, r"celu: ", True),
    ("nn.Hardtanh(1, 0)", lambda L: L.nn.Hardtanh(1, 0), AssertionError, r"Hardtanh: ", True),
    ("cross_entropy target of another shape", lambda L: _f(L).cross_entropy(
        L.ones(2, 3, 4), L.tensor([0, 1])), RuntimeError, r"cross_entropy: expected a target",
     True),
    ("cross_entropy 2-d class target", lambda L: _f(L).cross_entropy(
        L.zeros(4, 3), L.tensor([[0], [1], [2], [0]])),
     RuntimeError, r"cross_entropy: 0D or 1D target tensor expected", True),
    ("cross_entropy target batch 1", lambda L: _f(L).cross_entropy(L.ones(2, 3),
                                                                   L.tensor([[0, 1]])),
     ValueError, r"cross_entropy: Expected input batch_size \(2\) to match target "
                 r"batch_size \(1\)", True),
    ("nll_loss 0-d target", lambda L: _f(L).nll_loss(L.zeros(4, 3), L.tensor(1)),
     ValueError, r"batch_size \(0\)", True),
    # joining
    ("cat of nothing", lambda L: L.cat([]), ValueError, r"cat: expected a non-empty", True),
    ("stack of nothing", lambda L: L.stack([]), RuntimeError, r"stack: expected a non-empty",
     True),
    ("cat of 0-d", lambda L: L.cat([L.tensor(1.0), L.tensor(2.0)]),
     RuntimeError, r"cat: zero-dimensional", True),
    ("cat with a list", lambda L: L.cat([L.ones(2), [1.0]]),
     TypeError, r"cat: expected minigrad.Tensor as element 1, but got list", True),
    ("stack of different shapes", lambda L: L.stack([L.ones(2), L.ones(3)]),
     RuntimeError, r"stack: .*\(2,\).*\(3,\)", True),
    # reductions
    ("mean of ints", lambda L: L.tensor([1, 2]).mean(), RuntimeError, r"mean: ", True),
    ("var of ints", lambda L: L.tensor([1, 2]).var(), RuntimeError, r"var: ", True),
    ("repeated dims", lambda L: L.ones(2, 3).sum((1, -1)),
     RuntimeError, r"sum: .*multiple times", True),
    ("dim 1 of a 0-d tensor", lambda L: L.tensor(2.0).max(dim=1),
     IndexError, r"max: dimension out of range", True),
    ("max of an empty tensor", lambda L: L.ones(0).max(),
     RuntimeError, r"max: Expected reduction dim to be specified", True),
    ("max over an empty dim", lambda L: L.ones(0, 2).max(dim=0),
     IndexError, r"max: Expected reduction dim 0 to have non-zero size", True),
    ("argmax of an empty tensor", lambda L: L.ones(0).argmax(),
     IndexError, r"argmax: Expected reduction dim", True),
    # creation
    ("ragged nested list", lambda L: L.tensor([[1, 2], [3]]),
     ValueError, r"tensor: expected sequence of length 2 at dim 1 \(got 1\)", True),
    ("tensor(None)", lambda L: L.tensor(None), RuntimeError, r"tensor: Could not infer", True),
    ("None among floats", lambda L: L.tensor([1.0, None]), RuntimeError,
     r"tensor: Could not infer dtype of NoneType", True),
    ("None in a nested list", lambda L: L.tensor([[1, 2], [3, None]]), RuntimeError,
     r"tensor: Could not infer dtype of NoneType", True),
    ("zeros(-1)", lambda L: L.zeros(-1), RuntimeError, r"zeros: .*negative dimension -1", True),
    ("ones(2, -3)", lambda L: L.ones(2, -3), RuntimeError, r"ones: .*negative dimension", True),
    ("randn(2.5)", lambda L: L.randn(2.5), TypeError, r"randn: .*tuple of ints.*float", True),
    ("rand('a')", lambda L: L.rand("a"), TypeError, r"rand: .*tuple of ints.*str", True),
    ("full(2, 1.5)", lambda L: L.full(2, 1.5), TypeError, r"full: .*tuple of ints", True),
    ("full((-1,), 1.5)", lambda L: L.full((-1,), 1.5),
     RuntimeError, r"full: .*negative dimension", True),
    ("arange step 0", lambda L: L.arange(0, 1, 0), RuntimeError, r"arange: step", True),
    ("arange to inf", lambda L: L.arange(0, float("inf")),
     RuntimeError, r"arange: unsupported range", True),
    ("linspace(0, 1, 2.5)", lambda L: L.linspace(0, 1, 2.5),
     TypeError, r"linspace\(\): argument 'steps' must be int", True),
    ("rand of int64", lambda L: L.rand(2, 3, dtype=L.int64), NotImplementedError, r"rand: ", True),
    ("randn of int64", lambda L: L.randn(2, dtype=L.int64), NotImplementedError, r"randn: ", True),
    ("round(decimals=2.5)", lambda L: L.ones(2).round(decimals=2.5),
     TypeError, r"round\(\): argument 'decimals' must be int", True),
    ("masked_fill with a str", lambda L: L.ones(2).masked_fill(L.ones(2) > 0, "a"),
     TypeError, r"masked_fill\(\): argument 'value'", True),
    ("x['a']", lambda L: L.ones(2, 3)["a"], TypeError, r"getitem: .*str", True),
    ("reshape of nothing to (0, -1)", lambda L: L.zeros(0, 3).reshape(0, -1),
     RuntimeError, r"reshape: cannot reshape tensor of 0 elements into shape \[0, -1\]", True),
    ("arange wrong direction", lambda L: L.arange(0, 5, -1),
     RuntimeError, r"arange: upper bound and lower bound", True),
    ("eye(-1)", lambda L: L.eye(-1), RuntimeError, r"eye: .*negative", True),
    ("randint low >= high", lambda L: L.randint(5, 2, (2,)), RuntimeError, r"randint: ", True),
    ("from_numpy(list)", lambda L: L.from_numpy([1, 2]),
     TypeError, r"from_numpy: expected np.ndarray", True),
    ("zeros_like(list)", lambda L: L.zeros_like([1, 2]), TypeError, r"zeros_like: ", True),
    ("int tensor requires grad", lambda L: L.tensor([1], requires_grad=True),
     RuntimeError, r"requires_grad: only Tensors of floating point", True),
    ("set_default_dtype(int64)", lambda L: L.set_default_dtype(L.int64),
     TypeError, r"set_default_dtype: only floating-point", True),
    # movement and indexing
    ("x[1.0]", lambda L: L.ones(3)[1.0], IndexError, r"getitem: only integers", True),
    ("x[5]", lambda L: L.ones(3)[5], IndexError, r"getitem: index 5", True),
    ("reshape(2.5)", lambda L: L.ones(4).reshape(2.5),
     TypeError, r"reshape: .*tuple of ints.*float", True),
    ("view('a')", lambda L: L.ones(4).view("a"), TypeError, r"view: .*str", True),
    ("permute with a repeated dim", lambda L: L.ones(2, 2).permute(0, 0),
     RuntimeError, r"permute: ", True),
    ("split sizes that do not add up", lambda L: L.ones(4).split([1, 2]),
     RuntimeError, r"split: ", True),
    ("chunk(0)", lambda L: L.ones(4).chunk(0), RuntimeError, r"chunk: ", True),
    ("flatten(1, 0)", lambda L: L.ones(2, 2, 2).flatten(1, 0), RuntimeError, r"flatten: ", True),
    ("expand(-1) of a new leading dim", lambda L: L.ones(2).expand(-1, 2),
     RuntimeError, r"expand: .*\(-1\) isn't allowed in a leading, non-existing dimension 0",
     True),
    ("expand(-2) of a size-1 dim", lambda L: L.ones(2, 1).expand(2, -2),
     RuntimeError, r"expand: .*\(-2\) isn't allowed", True),
    ("gather index past the end", lambda L: L.ones(2, 3).gather(1, L.tensor([[0], [3]])),
     RuntimeError, r"gather: index 3 is out of bounds for dimension 1 with size 3", True),
    ("gather negative index", lambda L: L.ones(2, 3).gather(1, L.tensor([[0], [-1]])),
     RuntimeError, r"gather: index -1 is out of bounds", True),
    # conversions
    ("float() of two elements", lambda L: float(L.ones(2)),
     ValueError, r"only one element tensors", True),
    ("numpy() of a tensor that requires grad", lambda L: L.ones(2, requires_grad=True).numpy(),
     RuntimeError, r"numpy: Can't call numpy\(\) on Tensor that requires grad", True),
    ("np.asarray of a tensor that requires grad",
     lambda L: np.asarray(L.ones(2, requires_grad=True)),
     RuntimeError, r"numpy: .*requires grad.*detach\(\)\.numpy\(\)", True),
    # modules
    ("load_state_dict(list)", lambda L: L.nn.Linear(2, 2).load_state_dict([1, 2]),
     TypeError, r"load_state_dict: Expected state_dict to be dict-like", True),
    ("load_state_dict of a string value",
     lambda L: L.nn.Linear(2, 2).load_state_dict({"weight": "w", "bias": L.zeros(2)}),
     RuntimeError, r'While copying the parameter named "weight"', True),
]


@pytest.mark.parametrize("call, error, pattern, same_type",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_raises_with_a_message_that_names_the_op(call, error, pattern, same_type):
    with pytest.raises(error, match=pattern):
        call(minigrad)
    if torch is None:
        return
    with pytest.raises(error if same_type else Exception):
        call(torch)


def test_nothing_was_left_changed_by_a_failed_set_default_dtype():
    with pytest.raises(TypeError):
        minigrad.set_default_dtype(np.int32)
    assert minigrad.get_default_dtype() == np.float32


# --- .grad assignment --------------------------------------------------------------------------
@pytest.mark.parametrize("make_grad, error, pattern", [
    (lambda L: L.ones(3, 2), RuntimeError, r"grad: .*size \[3, 2\].*size \[2, 3\]"),
    (lambda L: L.ones(2, 3, dtype=L.float64), RuntimeError, r"grad: .*dtype float64.*float32"),
    (lambda L: L.ones(2, 3, dtype=L.int64), RuntimeError, r"grad: .*dtype int64"),
    (lambda L: np.ones((2, 3), np.float32), TypeError, r"grad: .*numpy.ndarray"),
    (lambda L: 1.0, TypeError, r"grad: .*float"),
], ids=["shape", "dtype", "int dtype", "ndarray", "number"])
def test_assigning_a_wrong_grad_raises(make_grad, error, pattern):
    x = minigrad.ones(2, 3, requires_grad=True)
    with pytest.raises(error, match=pattern):
        x.grad = make_grad(minigrad)
    assert x.grad is None  # nothing was assigned
    if torch is not None:
        t = torch.ones(2, 3, requires_grad=True)
        with pytest.raises(error):
            t.grad = make_grad(torch)


def test_assigning_a_right_grad_or_none_works():
    x = minigrad.ones(2, 3, requires_grad=True)
    g = minigrad.full((2, 3), 0.5)
    x.grad = g
    assert x.grad is g
    x.grad = None
    assert x.grad is None


# --- minigrad meets torch --------------------------------------------------------------------
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

MIXED = [
    ("mg + torch", lambda m, t: m + t, r"add: unsupported operand types minigrad.Tensor and "
                                       r"torch.Tensor"),
    ("torch + mg", lambda m, t: t + m, r"add: unsupported operand types torch.Tensor and "
                                       r"minigrad.Tensor"),
    ("torch * mg", lambda m, t: t * m, r"mul: .*torch.Tensor and minigrad.Tensor"),
    ("mg < torch", lambda m, t: m < t, r"less: .*minigrad.Tensor and torch.Tensor"),
    ("mg @ torch", lambda m, t: m @ t, r"matmul: .*minigrad.Tensor and torch.Tensor"),
    ("maximum", lambda m, t: minigrad.maximum(m, t),
     r"maximum\(\): argument .other. \(position 2\) must be Tensor, not torch.Tensor"),
    ("where", lambda m, t: minigrad.where(m > 0, m, t), r"where: .*minigrad.Tensor and "
                                                        r"torch.Tensor"),
    ("cat", lambda m, t: minigrad.cat([m, t]),
     r"cat: expected minigrad.Tensor as element 1, but got torch.Tensor"),
    ("stack", lambda m, t: minigrad.stack([m, t]), r"stack: .*torch.Tensor"),
    ("clamp bound", lambda m, t: m.clamp(min=t), r"clamp: .*torch.Tensor"),
    ("in-place add", lambda m, t: m.add_(t), r"add: .*torch.Tensor"),
    ("nn.Linear", lambda m, t: nn.Linear(2, 3)(t),
     r"linear\(\): argument 'input' \(position 1\) must be Tensor, not torch.Tensor"),
    ("F.linear weight", lambda m, t: F.linear(m, t), r"linear\(\): argument 'weight' .*must be Tensor, not torch.Tensor"),
]


@needs_torch
@pytest.mark.parametrize("call, pattern", [c[1:] for c in MIXED], ids=[c[0] for c in MIXED])
def test_a_torch_tensor_is_refused_with_both_types_named(call, pattern):
    m, t = minigrad.ones(2), torch.ones(2)
    with pytest.raises(TypeError, match=pattern):
        call(m, t)


# --- reductions over dim 0 of a 0-d tensor, and over dim=() -----------------------------------
ZERO_D = {
    "max(dim=0)": lambda L, x: x.max(dim=0),
    "max(dim=-1)": lambda L, x: x.max(dim=-1),
    "min(0, keepdim)": lambda L, x: x.min(0, keepdim=True),
    "prod(dim=0)": lambda L, x: x.prod(dim=0),
    "sum(dim=0)": lambda L, x: x.sum(dim=0),
    "sum(dim=0, keepdim)": lambda L, x: x.sum(0, keepdim=True),
    "mean(dim=-1)": lambda L, x: x.mean(dim=-1),
    "amax(0)": lambda L, x: x.amax(0),
    "argmax(0)": lambda L, x: x.argmax(0),
    "argmin(-1, keepdim)": lambda L, x: x.argmin(-1, keepdim=True),
    "logsumexp(0)": lambda L, x: x.logsumexp(0),
    "softmax(0)": lambda L, x: x.softmax(0),
}


def _values(result):
    parts = result if isinstance(result, tuple) else (result,)
    return [(p.detach().numpy().tolist(), str(p.dtype).split(".")[-1], tuple(p.shape))
            for p in parts]


@pytest.mark.parametrize("name", sorted(ZERO_D))
def test_reductions_over_dim_0_of_a_0d_tensor(name):
    x = minigrad.tensor(2.0, requires_grad=True)
    out = ZERO_D[name](minigrad, x)
    value = out[0] if isinstance(out, tuple) else out
    assert value.shape == () and (value.dtype == np.int64 or value.item() in (2.0, 1.0))
    if value.requires_grad:
        value.backward()
        assert x.grad.shape == ()
    if torch is not None:
        expected = ZERO_D[name](torch, torch.tensor(2.0))
        assert _values(out) == _values(tuple(expected) if isinstance(expected, tuple)
                                        else expected)


@pytest.mark.parametrize("op", ["sum", "mean", "amax", "amin", "var"])
def test_an_empty_dim_tuple_reduces_over_everything(op):
    x = np.arange(6.0).reshape(2, 3)
    out = getattr(minigrad.tensor(x), op)(dim=())
    assert out.shape == ()
    if torch is not None:
        np.testing.assert_allclose(out.item(), getattr(torch.tensor(x), op)(dim=()).item())


def test_equality_with_something_that_is_no_operand_is_false_as_in_pytorch():
    for lib in (minigrad,) if torch is None else (minigrad, torch):
        t = lib.ones(2)
        assert (t == None) is False and (t != None) is True  # noqa: E711
        assert (t == [1.0, 1.0]) is False and (t == "a") is False


def test_squeeze_of_an_empty_dim_tuple_squeezes_nothing():
    assert minigrad.ones(1, 2).squeeze(()).shape == (1, 2)


def test_numpy_after_detach_and_tolist_work_on_a_tensor_that_requires_grad():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    assert x.detach().numpy().tolist() == [1.0, 2.0] and x.tolist() == [1.0, 2.0]
    assert np.asarray(x.detach()).dtype == np.float32


# --- load refuses arrays a checkpoint cannot hold ---------------------------------------------
def _checkpoint(path, array):
    tree = {"type": "dict", "items": [["w", {"type": "tensor", "array": "arr_0",
                                               "requires_grad": False}]]}
    header = json.dumps({"format": "minigrad", "version": 1, "tree": tree}).encode()
    np.savez(path, arr_0=array, __minigrad__=np.frombuffer(header, dtype=np.uint8))


@pytest.mark.parametrize("array, pattern", [
    (np.array(["a", "b"]), r"load: .*dtype <U1 .*nothing was loaded"),
    (np.array([1 + 2j]), r"load: .*dtype complex128 .*nothing was loaded"),
    (np.array([{}], dtype=object), r"load: .*pickle"),
], ids=["strings", "complex", "objects"])
def test_load_refuses_arrays_of_strings_complex_numbers_or_objects(tmp_path, array, pattern):
    path = tmp_path / "bad.npz"
    _checkpoint(path, array)
    with pytest.raises(ValueError, match=pattern):
        minigrad.load(path)


@pytest.mark.parametrize("array", [np.array(["a"]), np.array([1j])], ids=["strings", "complex"])
def test_save_refuses_what_load_would_refuse(tmp_path, array):
    with pytest.raises(TypeError, match=r"save: obj\['w'\] is an array of dtype"):
        minigrad.save({"w": array}, tmp_path / "x.npz")
