"""graphviz is an optional extra: minigrad and minigrad.viz import without it, and drawing
says what to install."""
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import minigrad as mg

ROOT = Path(__file__).resolve().parents[2]


def test_draw_graph_without_graphviz_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    import minigrad.viz as viz

    viz = importlib.reload(viz)
    x = mg.tensor([1.0], requires_grad=True)
    with pytest.raises(ImportError, match=r'pip install graphviz.*pip install -e "\.\[viz\]"'):
        viz.draw_graph(x * 2.0)
    with pytest.raises(ImportError, match="pip install graphviz"):
        viz.save_graph(x * 2.0, "unused.svg")


def test_summary_works_without_graphviz(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    nn = pytest.importorskip("minigrad.nn")
    from minigrad.viz import summary

    text = summary(nn.Linear(3, 2), (1, 3), verbose=False)
    assert "Total params: 8" in text


def test_a_fresh_interpreter_imports_minigrad_and_viz_without_graphviz():
    code = ("import sys; sys.modules['graphviz'] = None; import minigrad, minigrad.viz; "
            "print('graphviz' in sys.modules and sys.modules['graphviz'] is None)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_importing_viz_does_not_import_graphviz():
    code = "import sys, minigrad.viz; print('graphviz' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
