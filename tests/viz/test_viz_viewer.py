"""Tests for minigrad/viz/viewer.py: the page save_backward_html writes (its content;
tests/viz/test_viz_browser.py runs it in a browser)."""
import html
import json
import re
import shutil

import numpy as np
import pytest

import minigrad as mg
from minigrad.viz import backward_steps, record, save_backward_html
from minigrad.viz import graph as graph_module

pytest.importorskip("graphviz")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz `dot`")


def page_data(text):
    """The steps JSON and the SVG node and edge titles of a page."""
    payload = re.search(r'<script id="steps-data" type="application/json">(.*?)</script>',
                        text, re.S).group(1)
    titles = [html.unescape(t) for t in re.findall(r"<title>(.*?)</title>", text)]
    return json.loads(payload)["steps"], set(titles)


def shown(facts):
    """The numbers a panel tensor shows, flattened."""
    text = facts["values"]
    return np.array([float(v) for v in re.findall(r"-?(?:\d+\.?\d*(?:e[-+]?\d+)?|nan|inf)",
                                                   text)])


def one_layer(details=True):
    mg.manual_seed(0)
    x = mg.randn(4, 3)
    w = mg.randn(3, 2, requires_grad=True)
    b = mg.zeros(2, requires_grad=True)
    if not details:
        return (x @ w + b).tanh().mean(), {"x": x, "w": w, "b": b}
    with record():
        return (x @ w + b).tanh().mean(), {"x": x, "w": w, "b": b}


@needs_dot
def test_the_page_is_one_offline_file(tmp_path):
    loss, params = one_layer()
    text = save_backward_html(loss, tmp_path / "b.html", params=params).read_text()
    assert "<script src" not in text and "<link" not in text and "@import" not in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", text))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink",
                    "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"}, urls
    assert text.count("<svg") == 1 and "Previous" in text and "Play" in text


@needs_dot
def test_every_step_points_at_a_node_of_the_drawing(tmp_path):
    loss, params = one_layer()
    steps = backward_steps(loss, params=params)
    data, titles = page_data(save_backward_html(steps, tmp_path / "b.html").read_text())
    assert [d["number"] for d in data] == list(range(1, len(steps) + 1))
    assert all(d["node"] in titles for d in data)
    assert all(edge in titles for d in data for edge in d["edges"])
    leaf_names = {id(params["w"]): "leaf w", id(params["b"]): "leaf b"}
    assert [d["title"] for d in data] == [leaf_names[id(s.leaf)] if s.leaf is not None
                                          else s.name for s in steps]
    assert len({d["node"] for d in data}) == len(data)


@needs_dot
def test_the_panel_data_holds_the_steps_numbers(tmp_path):
    loss, params = one_layer()
    steps = backward_steps(loss, params=params)
    data, _ = page_data(save_backward_html(steps, tmp_path / "b.html").read_text())
    tanh = next(d for d, s in zip(data, steps) if s.name == "tanh")
    step = next(s for s in steps if s.name == "tanh")
    assert tanh["rule"].startswith("z = tanh(x).") and tanh["inputs"][0]["from"][0]["label"] \
        == "sum (step 2)"
    np.testing.assert_allclose(shown(tanh["outputs"][0]["grad"]),
                               step.grads_out[0].numpy().ravel(), rtol=1e-3, atol=1e-4)
    leaf_w = next(d for d in data if d["title"] == "leaf w")
    np.testing.assert_allclose(shown(leaf_w["leaf_grad"]),
                               steps.leaf_grads()[id(params["w"])].numpy().ravel(),
                               rtol=1e-3, atol=1e-4)
    matmul = next(d for d in data if d["title"] == "matmul")
    assert [o["input"] for o in matmul["outputs"]] == ["x", "y"]
    assert matmul["outputs"][0] == {"input": "x", "to": "x does not require grad",
                                    "grad": None}


@needs_dot
def test_large_tensors_are_summarised_and_nan_is_flagged(tmp_path):
    a = mg.tensor(np.linspace(-1, 1, 100, dtype=np.float32), requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = (a * 0.0).sqrt().sum()  # sqrt'(0) is inf, times 0 is NaN
        data, _ = page_data(save_backward_html(loss, tmp_path / "b.html").read_text())
    leaf = data[-1]["leaf_grad"]
    assert leaf["shape"] == "(100,)" and leaf["dtype"] == "float32" and "values" not in leaf
    assert set(leaf["stats"]) == {"min", "mean", "max", "norm"}
    assert leaf["bad"] == "NaN"


@needs_dot
def test_a_leaf_shows_its_final_grad(tmp_path):
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    a.grad = mg.tensor([10.0, 10.0])
    data, _ = page_data(save_backward_html((a * 3.0).sum(), tmp_path / "b.html").read_text())
    assert list(shown(data[-1]["leaf_grad"])) == [13.0, 13.0]
    assert list(shown(data[-1]["inputs"][0]["received"])) == [3.0, 3.0]


@needs_dot
def test_module_scopes_reach_the_panel_when_recorded(lenet, tmp_path):
    nn = pytest.importorskip("minigrad.nn")
    mg.manual_seed(0)
    model = lenet()
    with record():
        loss = nn.functional.cross_entropy(model(mg.randn(2, 1, 28, 28)), mg.tensor([1, 2]))
    data, _ = page_data(save_backward_html(loss, tmp_path / "b.html", params=model)
                        .read_text())
    conv = [d for d in data if d["title"] == "conv2d"]
    assert conv[-1]["scope"].endswith("features.0: Conv2d(1, 6, kernel_size=(5, 5), "
                                      "stride=(1, 1), padding=(2, 2))") or \
        "features.0: Conv2d(1, 6" in conv[-1]["scope"]
    assert "padding=2" in conv[-1]["attrs"]


@needs_dot
def test_lenet5_at_batch_64_stays_under_two_megabytes(tmp_path):
    nn = pytest.importorskip("minigrad.nn")
    mg.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    with record():
        loss = nn.functional.cross_entropy(model(mg.randn(64, 1, 28, 28)),
                                           mg.randint(0, 10, (64,)))
    path = save_backward_html(loss, tmp_path / "lenet.html", params=model)
    assert path.stat().st_size < 2_000_000
    data, _ = page_data(path.read_text())
    assert 30 <= len(data) <= 60


def test_without_dot_the_error_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(graph_module.shutil, "which", lambda name: None)
    x = mg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="save_backward_html.*apt-get install graphviz"):
        save_backward_html((x * 2.0).sum(), tmp_path / "b.html")
    assert not (tmp_path / "b.html").exists()


@needs_dot
def test_in_jupyter_the_steps_show_the_page_in_a_frame():
    loss, params = one_layer()
    frame = backward_steps(loss, params=params)._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and "&lt;svg" in frame
    assert "<script" not in frame  # the page's script is escaped inside srcdoc


@needs_dot
def test_draw_graph_displays_itself_in_jupyter():
    x = mg.tensor([1.0], requires_grad=True)
    bundle = mg.viz.draw_graph(x.exp())._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


def test_without_graphviz_a_notebook_falls_back_to_the_text(monkeypatch):
    monkeypatch.setattr(graph_module.shutil, "which", lambda name: None)
    x = mg.tensor([1.0], requires_grad=True)
    steps = backward_steps((x * 2.0).sum())
    assert steps._repr_html_() is None and repr(steps).startswith("<BackwardSteps: 3 steps")


@needs_dot
def test_a_graph_recorded_without_details_still_steps_through(tmp_path):
    loss, params = one_layer(details=False)
    steps = backward_steps(loss, params=params)
    data, titles = page_data(save_backward_html(steps, tmp_path / "b.html").read_text())
    assert len(data) == len(steps) == 7 and all(d["node"] in titles for d in data)
    matmul = next(d for d in data if d["title"] == "matmul")
    assert [o["input"] for o in matmul["outputs"]] == ["y"]  # x was not recorded
    assert all(d["attrs"] == "" and d["scope"] == "" for d in data)


@needs_dot
def test_folded_modules_highlight_their_box(lenet, tmp_path):
    nn = pytest.importorskip("minigrad.nn")
    mg.manual_seed(0)
    model = lenet()
    with record():
        loss = nn.functional.cross_entropy(model(mg.randn(2, 1, 28, 28)), mg.tensor([1, 2]))
    path = save_backward_html(loss, tmp_path / "b.html", params=model, max_depth=1)
    data, titles = page_data(path.read_text())
    assert all(d["node"] in titles for d in data)
    conv = [d for d in data if d["title"] == "conv2d"]
    assert len({d["node"] for d in conv}) == 1  # both convolutions are in the features box
    assert all(edge in titles for d in data for edge in d["edges"])
