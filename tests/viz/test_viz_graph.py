"""Tests for minigrad/viz/graph.py: the DOT that draw_graph writes, and save_graph."""
import math
import shutil

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import scope
from minigrad.viz import draw_graph, record, save_graph
from minigrad.viz.graph import BAD_COLOR

graphviz = pytest.importorskip("graphviz")


def small_net():
    """y = relu(x @ w + b); loss = sum(y * 2)."""
    x = mg.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    w = mg.tensor(np.ones((3, 4), dtype=np.float32), requires_grad=True)
    b = mg.tensor(np.zeros(4, dtype=np.float32), requires_grad=True)
    with record():
        loss = ((x @ w + b).relu() * 2.0).sum()
    return loss, {"w": w, "b": b}


def test_node_and_edge_counts_of_a_small_graph(parse):
    loss, params = small_net()
    dot = parse(draw_graph(loss, params).source)
    # ops: matmul add relu mul sum; tensors: x w b 2.0, 4 results, output
    assert len(dot.nodes) == 5 + 4 + 4 + 1
    assert len(dot.edges) == 2 + 2 + 1 + 2 + 1 + 5  # op inputs + one edge out of each op
    ops = sorted(dot.label(k) for k, a in dot.nodes.items() if "rounded" in a.get("style", ""))
    assert ops == ["add", "matmul", "mul", "relu", "sum dim=(0,1)"]


def test_edges_follow_the_data_flow(parse):
    loss, params = small_net()
    dot = parse(draw_graph(loss, params).source)
    w, matmul, relu = dot.one("w"), dot.one("matmul"), dot.one("relu")
    (product,) = [b for a, b in dot.edges if a == matmul]
    assert (w, matmul) in dot.edges and (product, dot.one("add")) in dot.edges
    (relu_out,) = [b for a, b in dot.edges if a == relu]
    assert (relu_out, dot.one("mul")) in dot.edges
    (out,) = [b for a, b in dot.edges if a == dot.one("sum")]
    assert dot.label(out).startswith("output")


def test_tensor_labels_carry_names_shapes_and_dtypes(parse):
    loss, params = small_net()
    dot = parse(draw_graph(loss, params).source)
    assert dot.label(dot.one("w")) == "w\\n(3, 4) float32"
    assert dot.label(dot.one("b")) == "b\\n(4,) float32"
    assert dot.label(dot.one("input")) == "input\\n(2, 3) float32"
    assert dot.label(dot.one("constant")) == "constant\\n() float32"
    assert dot.label(dot.one("output")) == "output\\n() float32"
    assert len(dot.find("(2, 4) float32")) == 4


def test_show_shapes_and_show_attrs_can_be_turned_off(parse):
    loss, params = small_net()
    dot = parse(draw_graph(loss, params, show_shapes=False, show_attrs=False).source)
    assert not dot.find("float32")
    assert dot.find("sum") and not dot.find("dim=")
    assert dot.label(dot.one("w")) == "w"
    points = [k for k, a in dot.nodes.items() if a.get("shape") == "point"]
    assert len(points) == 4  # intermediate results have nothing left to say


def test_kinds_are_visually_distinct(parse):
    loss, params = small_net()
    dot = parse(draw_graph(loss, params).source)
    looks = {name: tuple(sorted(dot.nodes[dot.one(name)].items() - {("label", "")}))
             for name in ("w", "input", "constant", "output", "matmul")}
    looks = {k: tuple(i for i in v if i[0] != "label") for k, v in looks.items()}
    assert len(set(looks.values())) == 5
    assert dot.nodes[dot.one("output")]["peripheries"] == "2"
    assert "dashed" in dot.nodes[dot.one("constant")]["style"]


def test_params_from_a_dict_name_leaves_and_others_become_inputs(parse):
    loss, params = small_net()
    dot = parse(draw_graph(loss, {"w": params["w"]}).source)
    assert dot.find("w\\n") and not dot.find("b\\n")
    assert len(dot.find("input")) == 2  # x, and b which is not in params


def test_several_outputs(parse):
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    dot = parse(draw_graph([h, h.sum()]).source)
    assert len(dot.find("output 0")) == 1 and len(dot.find("output 1")) == 1
    assert len(dot.edges) == 4


def test_rankdir(parse):
    loss, _ = small_net()
    assert "rankdir=LR" in draw_graph(loss, rankdir="LR").source
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(loss, rankdir="sideways")


def test_bad_arguments_are_reported():
    with pytest.raises(TypeError, match="output must be a Tensor"):
        draw_graph(np.ones(3))
    with pytest.raises(TypeError, match="params"):
        draw_graph(mg.ones(1), params=[1, 2])


def test_user_text_is_escaped(parse):
    x = mg.tensor([1.0], requires_grad=True)
    x.name = 'a "quoted" \\ name'
    source = draw_graph(x * 1.0).source
    assert 'a \\"quoted\\" \\\\ name' in source


# --- modules ----------------------------------------------------------------------------
def scoped(fake_module):
    """net = Net(block=Block(lin=Linear)): lin does x @ w, block adds relu, net * 2."""
    lin = type("Linear", (fake_module,), {})("3, 2")
    block = type("Block", (fake_module,), {})(lin=lin)
    net = type("Net", (fake_module,), {})(block=block)
    x = mg.ones(4, 3)
    w = mg.ones(3, 2, requires_grad=True)
    lin.own_parameters["weight"] = w
    with record(), scope.entered(net):
        with scope.entered(block):
            with scope.entered(lin):
                h = x @ w
            h = h.relu()
        h = h * 2.0
    return h.sum(), net


def test_clusters_per_module_are_nested_and_named(fake_module, parse):
    loss, net = scoped(fake_module)
    dot = parse(draw_graph(loss, params=net).source)
    assert dot.clusters() == ["Net", "block: Block", "block.lin: Linear(3, 2)"]
    inner = dot.source.split("block.lin: Linear(3, 2)")[1].split("}")[0]
    assert "matmul" in inner and "relu" not in inner


def test_group_modules_false_draws_no_clusters(fake_module, parse):
    loss, net = scoped(fake_module)
    dot = parse(draw_graph(loss, group_modules=False, max_depth=0).source)
    assert dot.clusters() == [] and "box3d" not in dot.source
    assert len(dot.nodes) == 11


def test_max_depth_folds_modules_into_boxes(fake_module, parse):
    loss, net = scoped(fake_module)
    full = parse(draw_graph(loss, params=net).source)
    folded = parse(draw_graph(loss, params=net, max_depth=1).source)
    (box,) = [k for k, a in folded.nodes.items() if a.get("shape") == "box3d"]
    assert folded.label(box) == "block: Block\\n6 params"
    assert folded.clusters() == ["Net"]
    assert not folded.find("matmul") and not folded.find("relu")
    assert len(folded.nodes) == len(full.nodes) - 4 + 1  # matmul, w, its result, relu
    assert (folded.one("input"), box) in folded.edges
    (leaving,) = [b for a, b in folded.edges if a == box]
    assert (leaving, folded.one("mul")) in folded.edges
    whole = parse(draw_graph(loss, params=net, max_depth=0).source)
    assert whole.clusters() == [] and whole.find("Net\\n6 params")


# --- NaN, Inf and gradients -----------------------------------------------------------------
def test_nan_from_log_of_a_negative_is_highlighted_where_it_appears(parse):
    x = mg.tensor([1.0, -1.0], requires_grad=True)
    with record(), np.errstate(invalid="ignore"):  # details keep the outputs to inspect
        shifted = x * 2.0
        logged = shifted.log()
        out = logged.sum()
    dot = parse(draw_graph(out, {"x": x}).source)
    red = {k for k, a in dot.nodes.items() if a.get("fillcolor") == BAD_COLOR}
    log_op, mul_op = dot.one("log"), dot.one("mul")
    (log_out,) = [b for a, b in dot.edges if a == log_op]
    assert {log_op, log_out, dot.one("output")} <= red
    assert dot.one("sum") not in red  # it only passes the NaN on
    assert mul_op not in red and dot.one("x") not in red
    assert "value has NaN" in dot.label(log_out)
    assert dot.nodes[log_op]["style"] == "rounded,filled"


def test_an_op_fed_by_a_tensor_that_died_is_not_blamed(parse):
    x = mg.tensor([-1.0], requires_grad=True)
    with np.errstate(invalid="ignore"):
        out = (x * 2.0).log().sum()  # the result of log is gone
    dot = parse(draw_graph(out).source)
    red = {k for k, a in dot.nodes.items() if a.get("fillcolor") == BAD_COLOR}
    assert dot.one("sum") not in red and dot.one("output") in red


def test_show_grads_writes_gradient_statistics(parse):
    x = mg.tensor([3.0, -4.0], requires_grad=True)
    with record():
        h = x * 1.0
    h.retain_grad()
    (h * h).sum().backward()
    with record():
        drawn = h.sum() * 1.0
    dot = parse(draw_graph(drawn, {"x": x}, show_grads=True).source)
    expected = f"grad norm={math.hypot(6, 8):.3g} min=-8 max=6"
    assert expected in dot.label(dot.one("x"))
    assert len(dot.find(expected)) == 2  # x and the retained h
    assert not parse(draw_graph(h, {"x": x}).source).find("grad")


def test_nan_gradient_is_highlighted_only_with_show_grads(parse):
    x = mg.tensor([0.0, 1.0], requires_grad=True)
    out = x.sqrt().sum()
    with np.errstate(divide="ignore"):
        out.backward()  # d sqrt(x)/dx at 0 is inf
    with_grads = parse(draw_graph(out, {"x": x}, show_grads=True).source)
    leaf = with_grads.one("x")
    assert with_grads.nodes[leaf]["fillcolor"] == BAD_COLOR
    assert "grad has Inf" in with_grads.label(leaf)
    without = parse(draw_graph(out, {"x": x}).source)
    assert without.nodes[without.one("x")]["fillcolor"] != BAD_COLOR


# --- saving ---------------------------------------------------------------------------------
def test_save_dot_needs_no_graphviz_program(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    loss, params = small_net()
    path = save_graph(loss, tmp_path / "net.dot", params=params)
    assert path == tmp_path / "net.dot"
    assert path.read_text().startswith("digraph") and "matmul" in path.read_text()
    assert save_graph(loss, tmp_path / "plain", format="dot") == tmp_path / "plain.dot"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_save_svg_renders_a_real_file(tmp_path):
    loss, params = small_net()
    path = save_graph(loss, tmp_path / "net", params=params)
    assert path == tmp_path / "net.svg"
    text = path.read_text()
    assert "<svg" in text and "matmul" in text and "(3, 4) float32" in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_format_comes_from_the_suffix(tmp_path):
    loss, _ = small_net()
    assert save_graph(loss, tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    assert save_graph(loss, tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")


def test_missing_dot_still_writes_the_source_and_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    loss, _ = small_net()
    with pytest.raises(RuntimeError, match="apt-get install graphviz") as info:
        save_graph(loss, tmp_path / "net.svg")
    assert "brew install graphviz" in str(info.value) and "conda" in str(info.value)
    assert (tmp_path / "net.dot").read_text().startswith("digraph")
    assert not (tmp_path / "net.svg").exists()


def test_dot_vanishing_after_the_check_is_handled_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/dot")

    def missing(self, *args, **kwargs):
        raise graphviz.ExecutableNotFound(("dot",))

    monkeypatch.setattr(graphviz.Digraph, "pipe", missing)
    loss, _ = small_net()
    with pytest.raises(RuntimeError, match="Graphviz program `dot` was not found"):
        save_graph(loss, tmp_path / "net.png")
    assert (tmp_path / "net.dot").exists()


def test_unknown_format_is_rejected(tmp_path):
    loss, _ = small_net()
    with pytest.raises(ValueError, match="format must be one of"):
        save_graph(loss, tmp_path / "net.jpg", format="jpg")


# --- real modules ---------------------------------------------------------------------------
def lenet_loss(lenet):
    nn = pytest.importorskip("minigrad.nn")
    model = lenet()
    with record():
        out = model(mg.randn(2, 1, 28, 28))
        return nn.functional.cross_entropy(out, mg.tensor([1, 2])), model


def test_lenet_clusters_carry_module_names(lenet, parse):
    loss, model = lenet_loss(lenet)
    dot = parse(draw_graph(loss, params=model).source)
    clusters = dot.clusters()
    assert clusters[:3] == ["LeNet5", "features: Sequential",
                            "features.0: Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), "
                            "padding=(2, 2))"]
    assert len(clusters) == 1 + 2 + 12
    assert dot.one("conv2d padding=2")
    names = {dot.label(k).split("\\n")[0] for k, a in dot.nodes.items()
             if a.get("fillcolor") == "#cfe2ff"}
    assert names == {name for name, _ in model.named_parameters()}


def test_lenet_at_depth_one_is_two_boxes(lenet, parse):
    loss, model = lenet_loss(lenet)
    dot = parse(draw_graph(loss, params=model, max_depth=1).source)
    boxes = sorted(dot.label(k) for k, a in dot.nodes.items() if a.get("shape") == "box3d")
    assert boxes == ["classifier: Sequential\\n59,134 params",
                     "features: Sequential\\n2,572 params"]
    assert dot.clusters() == ["LeNet5"]
    assert len(dot.find("(2, 16, 5, 5) float32")) == 1  # what passes between the boxes
    assert not dot.find("conv2d")


def test_lenet_renders(lenet, tmp_path):
    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not installed")
    loss, model = lenet_loss(lenet)
    loss.backward()
    path = save_graph(loss, tmp_path / "lenet.svg", params=model, show_grads=True,
                      max_depth=2)
    assert "features.0: Conv2d" in path.read_text()


def test_a_graph_recorded_without_details_is_drawn_without_clusters_or_arguments(lenet,
                                                                                  parse):
    nn = pytest.importorskip("minigrad.nn")
    model = lenet()
    loss = nn.functional.cross_entropy(model(mg.randn(2, 1, 28, 28)), mg.tensor([1, 2]))
    dot = parse(draw_graph(loss, params=model).source)
    assert dot.clusters() == [] and len(dot.find("conv2d")) == 2
    assert not dot.find("padding=") and dot.find("features.0.weight")


def test_params_can_name_an_input_recorded_with_details(parse):
    x = mg.ones(2, 3)
    w = mg.ones(3, requires_grad=True)
    with record():
        y = (x * w).sum()
    assert parse(draw_graph(y, {"x": x, "w": w}).source).one("x")
    plain = parse(draw_graph((x * w).sum(), {"x": x, "w": w}).source)
    assert not plain.find("x\\n") and not plain.find("input")  # not recorded at all
