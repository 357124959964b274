"""The lowering table covers every registered primitive, each exportable primitive runs in
ONNX Runtime with minigrad's numbers, and the docs table says the same as the code."""
from __future__ import annotations

import re

import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad.autograd import primitives
from minigrad.internal import wrap
from minigrad.onnx import support
from minigrad.onnx.table import LOWERINGS, NOT_EXPORTABLE

from onnx_helpers import ROOT, assert_matches, export_bytes, forward, run_onnx

_rng = np.random.default_rng(0)
W = wrap(_rng.standard_normal((5, 4)).astype(np.float32))
K = wrap(_rng.standard_normal((6, 3, 3, 3)).astype(np.float32))
INDEX = np.array([[[[0, 2, 1, 4]]]], dtype=np.int64).repeat(3, 1).repeat(4, 2)  # (1, 3, 4, 4)

# primitive -> a function of x of shape (N, 3, 4, 5) that uses it
EXAMPLES = {
    "add": lambda x: x + 1.5, "sub": lambda x: 0.25 - x, "mul": lambda x: x * x,
    "div": lambda x: x / 2.5, "pow": lambda x: (x.abs() + 0.5) ** 1.5,
    "maximum": lambda x: minigrad.maximum(x, x * 0.5),
    "minimum": lambda x: minigrad.minimum(x, 0.2 - x),
    "matmul": lambda x: x @ W, "neg": lambda x: -x, "exp": lambda x: x.exp(),
    "det": lambda x: minigrad.linalg.det(x[..., :4] + 2 * minigrad.eye(4)),
    "log": lambda x: (x.abs() + 1).log(), "sqrt": lambda x: (x.abs() + 1).sqrt(),
    "sin": lambda x: x.sin(), "cos": lambda x: x.cos(), "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(), "relu": lambda x: x.relu(), "abs": lambda x: x.abs(),
    "erf": lambda x: F.gelu(x), "softplus": lambda x: F.softplus(x * 4),
    "clone": lambda x: x.clone(), "where": lambda x: F.leaky_relu(x, 0.2),
    "clamp": lambda x: x.clamp(-0.5, 0.7), "cast": lambda x: x.to(minigrad.float64) * 2,
    "sum": lambda x: x.sum((1, 3)), "amax": lambda x: x.amax(-1),
    "amin": lambda x: x.amin(1, keepdim=True), "reshape": lambda x: x.reshape(-1, 10),
    "permute": lambda x: x.permute(0, 3, 1, 2), "expand": lambda x: x[:, :1].expand(-1, 3, 4, 5),
    "cat": lambda x: minigrad.cat([x, x * 2], 2),
    "pad": lambda x: F.pad(x, (1, 2, 0, 1), value=0.5),
    "gather": lambda x: x.gather(3, INDEX),
    "getitem": lambda x: minigrad.cat([x[:, 1:3, None, ::2, -1].flatten(1),
                                       x[:, [2, 0], 1:2, 4].flatten(1),
                                       x[:, :, 3][..., None, 1].flatten(1),
                                       x[..., 1::2].flatten(1), x[:, 2, -3:].flatten(1)], 1),
    "conv2d": lambda x: F.conv2d(x, K, padding=1, stride=(1, 2)),
    "max_pool2d": lambda x: F.max_pool2d(x, 2, ceil_mode=True, padding=1),
    "avg_pool2d": lambda x: F.avg_pool2d(x, (2, 3), stride=1),
    "reciprocal": lambda x: (x.abs() + 0.5).reciprocal(), "tan": lambda x: x.tan(),
    "atan": lambda x: x.atan(), "asin": lambda x: x.tanh().asin(),
    "acos": lambda x: x.tanh().acos(), "sinh": lambda x: x.sinh(), "cosh": lambda x: x.cosh(),
    "asinh": lambda x: x.asinh(), "acosh": lambda x: (x.abs() + 1).acosh(),
    "atanh": lambda x: (x.tanh() * 0.9).atanh(), "fmod": lambda x: minigrad.fmod(x * 3, 0.7),
    "remainder": lambda x: minigrad.remainder(x * 3, x[:1, :1] - 0.2),
    "log2": lambda x: (x.abs() + 0.5).log2(), "log10": lambda x: (x.abs() + 0.5).log10(),
    "rsqrt": lambda x: (x.abs() + 0.5).rsqrt(), "exp2": lambda x: x.exp2(),
}


def test_every_registered_primitive_is_exportable_or_says_why_not():
    registered = set(primitives())
    assert set(support()) == registered
    assert not set(LOWERINGS) & set(NOT_EXPORTABLE)
    assert set(LOWERINGS) <= registered, "a lowering for a primitive that no longer exists"
    assert set(NOT_EXPORTABLE) <= registered, "a reason for a primitive that no longer exists"
    assert all(reason for reason in support().values() if reason is not None)


def test_every_exportable_primitive_has_an_example_here():
    assert set(EXAMPLES) == {name for name, reason in support().items() if reason is None}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_lowering_matches_minigrad_in_onnx_runtime(name):
    fn = EXAMPLES[name]
    data = export_bytes(fn, minigrad.randn(2, 3, 4, 5), dynamic_axes={"input": {0: "batch"}})
    for n in (1, 2):
        x = minigrad.randn(n, 3, 4, 5)
        assert_matches(run_onnx(data, {"input": x.numpy()}), forward(fn, x))


def _docs_table() -> dict[str, bool]:
    """primitive -> exportable, from the table in docs/taking-a-model-further.md."""
    text = (ROOT / "docs" / "taking-a-model-further.md").read_text()
    section = text.split("## Which primitives export", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| (yes|no)\b", section, re.M)
    return {name: answer == "yes" for name, answer in rows}


def test_the_docs_table_lists_every_primitive_as_the_code_does():
    assert _docs_table() == {name: reason is None for name, reason in support().items()}
