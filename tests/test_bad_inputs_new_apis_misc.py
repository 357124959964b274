"""Wrong and unusual calls of ``index_reduce``, ``nonzero_static``, ``empty_permuted``,
``gradient``, ``histogramdd``, ``segment_reduce``, the Householder and LDL functions,
``linalg.vander/tensorinv/tensorsolve`` and the newer ``special`` functions, against
PyTorch: both raise the same exception type, or both return the same values, dtype and
shape."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from differential import all_agree, compare

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")


def _r(*shape, dtype="float32", seed=0):
    values = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return lambda L: L.tensor(values.copy())


def _i(*values):
    return lambda L: L.tensor(list(values))


INDEX_REDUCE = {
    "right": (_r(4, 3), 0, _i(0, 2), _r(2, 3, seed=1), "prod"),
    "amax": (_r(4, 3), 1, _i(0, 0, 2), _r(4, 3, seed=1), "amax"),
    "mean no self": (_r(4, 3), 0, _i(1, 1), _r(2, 3, seed=1), "mean", False),
    "bad reduce": (_r(4, 3), 0, _i(0), _r(1, 3), "sum"),
    "index out of range": (_r(4, 3), 0, _i(4), _r(1, 3), "amin"),
    "negative index": (_r(4, 3), 0, _i(-1), _r(1, 3), "amin"),
    "float index": (_r(4, 3), 0, lambda L: L.tensor([0.0]), _r(1, 3), "amin"),
    "int32 index": (_r(4, 3), 0, lambda L: L.tensor([0], dtype=L.int32), _r(1, 3), "amin"),
    "2-d index": (_r(4, 3), 0, lambda L: L.tensor([[0]]), _r(1, 3), "amin"),
    "source wrong size": (_r(4, 3), 0, _i(0, 1), _r(3, 3), "amin"),
    "source wrong trailing": (_r(4, 3), 0, _i(0), _r(1, 2), "amin"),
    "source float64": (_r(4, 3), 0, _i(0), _r(1, 3, dtype="float64"), "amin"),
    "dim out of range": (_r(4, 3), 2, _i(0), _r(1, 3), "amin"),
    "int64 self": (_r(4, 3, dtype="int64"), 0, _i(0), _r(1, 3, dtype="int64"), "mean"),
    "0-d": (lambda L: L.tensor(1.0), 0, _i(0), lambda L: L.tensor(2.0), "prod"),
    "empty index": (_r(4, 3), 0, lambda L: L.tensor([], dtype=L.int64), _r(0, 3), "prod"),
    "list source": (_r(4, 3), 0, _i(0), lambda L: [[1.0, 2.0, 3.0]], "prod"),
}


def test_index_reduce():
    programs = {}
    for name, (x, dim, index, source, reduce, *rest) in INDEX_REDUCE.items():
        programs[name] = (lambda L, x=x, dim=dim, index=index, source=source, reduce=reduce,
                          rest=rest: L.index_reduce(x(L), dim, index(L), source(L), reduce,
                                                    include_self=rest[0] if rest else True))
    all_agree(programs, rtol=1e-6, atol=1e-6)


@given(n=st.integers(0, 4), size=st.integers(-2, 6), fill=st.integers(-3, 3),
       shape=st.sampled_from([(5,), (2, 3), (), (0, 2)]))
def test_nonzero_static_random_sizes(n, size, fill, shape):
    values = (np.arange(int(np.prod(shape))) % (n + 1)).reshape(shape)
    compare(lambda L: L.nonzero_static(L.tensor(values), size=size, fill_value=fill),
            f"nonzero_static {shape} size={size}")


def test_nonzero_static_and_empty_permuted_misuse():
    def permuted(size, layout):
        return lambda L: (lambda t: (tuple(t.shape), t.stride(), str(t.dtype)[-7:]))(
            L.empty_permuted(size, layout))
    all_agree({
        "nonzero_static without size": lambda L: L.nonzero_static(L.ones(2)),
        "nonzero_static float size": lambda L: L.nonzero_static(L.ones(2), size=1.5),
        "nonzero_static list": lambda L: L.nonzero_static([1, 0], size=1),
        "nonzero_static nan": lambda L: L.nonzero_static(L.tensor([NAN, 0.0]), size=2),
        "empty_permuted": permuted((2, 3, 4), (0, 2, 1)),
        "empty_permuted short layout": permuted((2, 3, 4), (0, 1)),
        "empty_permuted repeated": permuted((2, 3, 4), (0, 1, 1)),
        "empty_permuted out of range": permuted((2, 3, 4), (0, 1, 3)),
        "empty_permuted negative size": permuted((2, -3), (1, 0)),
        "empty_permuted zero size": permuted((2, 0, 4), (2, 1, 0)),
        "empty_permuted negative dim": permuted((2, 3), (-1, 0)),
        "empty_permuted 0-d": permuted((), ()),
    })


GRADIENT = {
    "default": lambda L: L.gradient(_r(5)(L)),
    "2-d": lambda L: L.gradient(_r(3, 4)(L)),
    "dim": lambda L: L.gradient(_r(3, 4)(L), dim=1),
    "dims": lambda L: L.gradient(_r(3, 4)(L), dim=[1, 0]),
    "dim out of range": lambda L: L.gradient(_r(3, 4)(L), dim=2),
    "repeated dim": lambda L: L.gradient(_r(3, 4)(L), dim=[0, 0]),
    "spacing number": lambda L: L.gradient(_r(5)(L), spacing=2.0),
    "spacing list": lambda L: L.gradient(_r(3, 4)(L), spacing=[2.0, 0.5]),
    "spacing list too long": lambda L: L.gradient(_r(3, 4)(L), spacing=[2.0, 0.5, 1.0]),
    "spacing coordinates": lambda L: L.gradient(_r(5)(L), spacing=(L.tensor(
        [0.0, 1.0, 3.0, 4.0, 7.0]),)),
    # (coordinates shorter than the dim: PyTorch reads past their end; not compared)
    "spacing zero": lambda L: L.gradient(_r(5)(L), spacing=0.0),
    "edge_order 2": lambda L: L.gradient(_r(5)(L), edge_order=2),
    "edge_order 3": lambda L: L.gradient(_r(5)(L), edge_order=3),
    "edge_order 0": lambda L: L.gradient(_r(5)(L), edge_order=0),
    "too short": lambda L: L.gradient(_r(1)(L)),
    "too short for edge_order 2": lambda L: L.gradient(_r(2)(L), edge_order=2),
    "0-d": lambda L: L.gradient(L.tensor(1.0)),
    "int64": lambda L: L.gradient(L.tensor([1, 4, 9, 16])),
    "bool": lambda L: L.gradient(L.tensor([True, False, True])),
    "float64": lambda L: L.gradient(_r(4, dtype="float64")(L)),
    "empty dim": lambda L: L.gradient(L.ones(0, 3), dim=1),
    "list": lambda L: L.gradient([1.0, 2.0, 3.0]),
    "nan and inf": lambda L: L.gradient(L.tensor([NAN, 1.0, INF, 2.0])),
}


def test_gradient():
    all_agree(GRADIENT, rtol=1e-5, atol=1e-6)


HISTOGRAMDD = {
    "right": lambda L: L.histogramdd(_r(10, 2)(L), bins=[3, 4]),
    "int bins": lambda L: L.histogramdd(_r(10, 2)(L), bins=3),
    "too few bins": lambda L: L.histogramdd(_r(10, 2)(L), bins=[3]),
    "zero bins": lambda L: L.histogramdd(_r(10, 2)(L), bins=[0, 3]),
    "negative bins": lambda L: L.histogramdd(_r(10, 2)(L), bins=-1),
    "range": lambda L: L.histogramdd(_r(10, 2)(L), bins=[2, 2], range=[-1.0, 1.0, 0.0, 1.0]),
    "range too short": lambda L: L.histogramdd(_r(10, 2)(L), bins=[2, 2], range=[-1.0, 1.0]),
    "range reversed": lambda L: L.histogramdd(_r(10, 2)(L), bins=[2, 2],
                                              range=[1.0, -1.0, 0.0, 1.0]),
    "range with nan": lambda L: L.histogramdd(_r(10, 2)(L), bins=[2, 2],
                                              range=[NAN, 1.0, 0.0, 1.0]),
    "weight": lambda L: L.histogramdd(_r(10, 2)(L), bins=[2, 2], weight=_r(10, seed=3)(L)),
    "weight wrong size": lambda L: L.histogramdd(_r(10, 2)(L), bins=2, weight=_r(9)(L)),
    "weight float64": lambda L: L.histogramdd(_r(10, 2)(L), bins=2,
                                              weight=_r(10, dtype="float64")(L)),
    "density": lambda L: L.histogramdd(_r(10, 2)(L), bins=[2, 3], density=True),
    "edges": lambda L: L.histogramdd(_r(10, 2)(L), bins=[L.tensor([-1.0, 0.0, 1.0]),
                                                         L.tensor([-2.0, 2.0])]),
    "unsorted edges": lambda L: L.histogramdd(_r(10, 2)(L), bins=[L.tensor([1.0, 0.0]),
                                                                  L.tensor([-2.0, 2.0])]),
    "1-d input": lambda L: L.histogramdd(_r(10)(L), bins=[3]),
    "3-d input": lambda L: L.histogramdd(_r(2, 5, 2)(L), bins=[2, 2]),
    "empty": lambda L: L.histogramdd(L.ones(0, 2), bins=[2, 2]),
    "int64": lambda L: L.histogramdd(L.ones(4, 2, dtype=L.int64), bins=[2, 2]),
    "float64": lambda L: L.histogramdd(_r(10, 2, dtype="float64")(L), bins=[2, 2]),
    "nan values": lambda L: L.histogramdd(L.tensor([[NAN, 0.0], [0.5, 0.5]]), bins=[2, 2],
                                          range=[0.0, 1.0, 0.0, 1.0]),
    "inf values": lambda L: L.histogramdd(L.tensor([[INF, 0.0], [0.5, 0.5]]), bins=[2, 2]),
    "list": lambda L: L.histogramdd([[0.0, 1.0]], bins=[2, 2]),
}


def test_histogramdd():
    all_agree({name: (lambda L, f=f: tuple(f(L))) for name, f in HISTOGRAMDD.items()},
              rtol=1e-5, atol=1e-6)


SEGMENTS = {
    "sum": ("sum", {"lengths": _i(2, 0, 3)}),
    "max": ("max", {"lengths": _i(2, 0, 3)}),
    "mean initial": ("mean", {"lengths": _i(2, 0, 3), "initial": 1.0}),
    "prod offsets": ("prod", {"offsets": _i(0, 2, 2, 5)}),
    "bad reduce": ("median", {"lengths": _i(5)}),
    "lengths too long": ("sum", {"lengths": _i(3, 3)}),
    "lengths too short": ("sum", {"lengths": _i(1, 1)}),
    "negative length": ("sum", {"lengths": _i(6, -1)}),
    "float lengths": ("sum", {"lengths": lambda L: L.tensor([2.0, 3.0])}),
    "no lengths": ("sum", {}),
    "indices": ("sum", {"indices": _i(0, 0, 1, 1, 1)}),
    "axis 1": ("sum", {"lengths": _i(5), "axis": 1}),
    "axis out of range": ("sum", {"lengths": _i(5), "axis": 2}),
    "unsafe": ("min", {"lengths": _i(2, 3), "unsafe": True}),
}


def test_segment_reduce():
    programs = {name: (lambda L, reduce=reduce, kw=kw: L.segment_reduce(
        _r(5, 2)(L), reduce, **{k: v(L) if callable(v) else v for k, v in kw.items()}))
        for name, (reduce, kw) in SEGMENTS.items()}
    programs["int64 data"] = lambda L: L.segment_reduce(L.ones(5, dtype=L.int64), "sum",
                                                        lengths=_i(5)(L))
    programs["list data"] = lambda L: L.segment_reduce([1.0], "sum", lengths=_i(1)(L))
    programs["0-d data"] = lambda L: L.segment_reduce(L.tensor(1.0), "sum", lengths=_i(1)(L))
    all_agree(programs, rtol=1e-5, atol=1e-6)
