"""Tests for minigrad/viz/trace.py: reading the recorded graph (no Graphviz needed)."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import scope
from minigrad.viz import record
from minigrad.viz import trace as tr


def kinds(graph):
    return [v.kind for v in graph.vertices]


def edges_by_title(graph):
    """Edges as (title or kind, title or kind), readable in assertions."""
    keys = graph.by_key()
    name = lambda k: keys[k].title or keys[k].kind  # noqa: E731
    return [(name(a), name(b)) for a, b in graph.edges]


def test_chain_is_read_in_forward_order_with_a_tensor_between_ops():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    out = x.exp().sum()
    graph = tr.trace([out], {"x": x})
    assert kinds(graph) == ["op", "param", "op", "tensor", "output"]
    assert edges_by_title(graph) == [("x", "exp"), ("exp", "tensor"), ("tensor", "sum"),
                                     ("sum", "output")]
    assert graph.vertices[-1].kind == tr.OUTPUT and graph.vertices[-1].title == "output"


def test_a_leaf_used_twice_is_one_vertex_with_two_edges():
    x = mg.tensor([3.0], requires_grad=True)
    graph = tr.trace([x * x], {"x": x})
    assert [v.title for v in graph.vertices if v.kind == tr.PARAM] == ["x"]
    assert edges_by_title(graph).count(("x", "mul")) == 2


def test_tensors_without_grad_are_inputs_and_scalars_are_constants():
    x = mg.ones(2, 3)
    w = mg.ones(3, requires_grad=True)
    with record():
        graph = tr.trace([(x * w) * 2.0])
    by_kind = {v.kind: v for v in graph.vertices}
    assert by_kind[tr.INPUT].shape == (2, 3)
    assert by_kind[tr.CONSTANT].shape == ()
    assert by_kind[tr.PARAM].title == ""  # no params given and no tensor name
    # without details, what is outside the graph (data, constants) was not recorded
    assert {v.kind for v in tr.trace([(x * w) * 2.0]).vertices} == \
        {tr.OP, tr.PARAM, tr.TENSOR, tr.OUTPUT}


def test_named_tensors_and_params_dict_give_titles():
    w = mg.ones(2, requires_grad=True)
    b = mg.ones(2, requires_grad=True)
    b.name = "bias"
    graph = tr.trace([w + b], {"weight": w})
    leaves = {v.title: v.kind for v in graph.vertices if v.kind in (tr.PARAM, tr.INPUT)}
    assert leaves == {"weight": tr.PARAM, "bias": tr.INPUT}  # b is not in params


def test_unnamed_grad_leaves_are_params_when_no_params_are_given():
    b = mg.ones(2, requires_grad=True)
    b.name = "bias"
    graph = tr.trace([b * 2.0])
    assert [v.title for v in graph.vertices if v.kind == tr.PARAM] == ["bias"]


def test_several_outputs_are_numbered():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    graph = tr.trace([h, h.sum()])
    outputs = [v for v in graph.vertices if v.kind == tr.OUTPUT]
    assert [v.title for v in outputs] == ["output 0", "output 1"]
    assert len(graph.vertices) == 5  # x, exp, h, sum, sum's output


def test_an_output_that_is_a_leaf_or_has_no_graph_is_still_drawn():
    x = mg.tensor([1.0], requires_grad=True)
    assert kinds(tr.trace([x])) == [tr.OUTPUT]
    assert kinds(tr.trace([mg.ones(2)])) == [tr.OUTPUT]


def test_ops_keep_their_attributes_without_tensor_placeholders():
    x = mg.ones(2, 3, requires_grad=True)
    with record():
        y = x.reshape(3, 2).sum(1)
    attrs = [v.attrs for v in tr.trace([y]).vertices if v.kind == tr.OP]
    assert attrs == [{"shape": (3, 2)}, {"dim": (1,)}]
    assert [v.attrs for v in tr.trace([x.reshape(3, 2).sum(1)]).vertices
            if v.kind == tr.OP] == [{}, {}]  # recorded without details


def test_multi_output_op_draws_only_the_outputs_used():
    x = mg.ones(4, requires_grad=True)
    a, b = x.split(2)
    graph = tr.trace([a.sum()])
    assert [v.title for v in graph.vertices if v.kind == tr.OP] == ["getitem", "sum"]
    assert len([v for v in graph.vertices if v.kind == tr.TENSOR]) == 1


def test_live_intermediate_tensors_are_attached():
    x = mg.tensor([1.0], requires_grad=True)
    with record():
        h = x.exp()
        out = h.sum()
    graph = tr.trace([out])
    tensor = next(v for v in graph.vertices if v.kind == tr.TENSOR)
    assert tensor.tensor is h
    plain = tr.trace([x.exp().sum()])
    assert next(v for v in plain.vertices if v.kind == tr.TENSOR).tensor is None


def test_deep_chain_needs_no_recursion():
    x = mg.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    graph = tr.trace([y])
    assert sum(v.kind == tr.OP for v in graph.vertices) == 3000


def test_bad_output_argument_is_rejected():
    with pytest.raises(TypeError, match="output must be a Tensor"):
        tr.as_tensor_list(np.ones(2))
    with pytest.raises(TypeError, match=r"output\[1\] must be a Tensor"):
        tr.as_tensor_list([mg.ones(1), 3])
    with pytest.raises(TypeError, match="params must be"):
        tr.parameter_names([mg.ones(1)])


# --- places and collapsing ------------------------------------------------------------------
def scoped_graph(fake_module):
    """net(block(lin)) then a loss outside the net."""
    lin = type("Linear", (fake_module,), {})("in=3, out=2")
    block = type("Block", (fake_module,), {})(lin=lin)
    net = type("Net", (fake_module,), {})(block=block)
    x = mg.ones(4, 3)
    w = mg.ones(3, 2, requires_grad=True)
    with record(), scope.entered(net):
        with scope.entered(block):
            with scope.entered(lin):
                h = x @ w
            h = h.relu()
        h = h * 2.0
    out = h.sum()
    return tr.trace([out], {"w": w}), (net, block, lin)


def places(graph):
    return {(v.title or v.kind): len(v.place) for v in graph.vertices}


def test_vertices_are_placed_in_the_deepest_module_holding_all_their_ops(fake_module):
    graph, (net, block, lin) = scoped_graph(fake_module)
    by_title = {v.title or v.kind: v for v in graph.vertices if v.kind != tr.TENSOR}
    assert by_title["w"].place == (net, block, lin)       # read only inside lin
    assert by_title["matmul"].place == (net, block, lin)
    assert by_title["input"].place == ()                  # data comes from outside
    assert by_title["constant"].place == (net,)           # the 2.0 of h * 2.0
    assert by_title["output"].place == ()
    between = [v.place for v in graph.vertices if v.kind == tr.TENSOR]
    # matmul -> relu crosses lin's border; relu -> mul leaves block; mul -> sum leaves net
    assert between == [(net, block), (net,), ()]


def test_common_prefix_compares_modules_by_identity():
    a, b, c = object(), object(), object()
    assert tr.common_prefix([(a, b), (a, b, c)]) == (a, b)
    assert tr.common_prefix([(a, b), (a, c)]) == (a,)
    assert tr.common_prefix([(a,), ()]) == ()
    assert tr.common_prefix([]) == ()


def test_collapse_folds_modules_at_max_depth_into_one_vertex(fake_module):
    graph, (net, block, lin) = scoped_graph(fake_module)
    folded = tr.collapse(graph, 1)
    boxes = [v for v in folded.vertices if v.kind == tr.MODULE]
    assert len(boxes) == 1 and boxes[0].module is block and boxes[0].place == (net,)
    assert boxes[0].hidden_params == 6  # w, 3 x 2
    assert edges_by_title(folded) == [("input", "module"), ("module", "tensor"),
                                      ("tensor", "mul"), ("constant", "mul"),
                                      ("mul", "tensor"), ("tensor", "sum"), ("sum", "output")]


def test_collapse_at_depth_zero_folds_the_whole_net_and_none_folds_nothing(fake_module):
    graph, (net, _, _) = scoped_graph(fake_module)
    folded = tr.collapse(graph, 0)
    assert [v.module for v in folded.vertices if v.kind == tr.MODULE] == [net]
    assert edges_by_title(folded) == [("input", "module"), ("module", "tensor"),
                                      ("tensor", "sum"), ("sum", "output")]
    assert tr.collapse(graph, None) is graph
    assert tr.collapse(graph, 5).vertices == graph.vertices
    with pytest.raises(ValueError, match="max_depth"):
        tr.collapse(graph, -1)


def test_collapse_keeps_edges_that_use_a_box_twice_once(fake_module):
    net = fake_module()
    a = mg.ones(2, requires_grad=True).exp()
    with record(), scope.entered(net):
        h = a * a + a
    folded = tr.collapse(tr.trace([h]), 0)
    assert edges_by_title(folded) == [("param", "exp"), ("exp", "tensor"), ("tensor", "module"),
                                      ("module", "output")]
