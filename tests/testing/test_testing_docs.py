"""docs/testing.md and examples/custom_op.py: every Python block of the page runs, the
numbers it states are the real ones, and the example runs as a script."""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "testing.md"
EXAMPLE = ROOT / "examples" / "custom_op.py"


def python_blocks() -> list[str]:
    text = PAGE.read_text()
    return [textwrap.dedent(code) for _, code in
            re.findall(r"^( *)```python\n(.*?)^\1```", text, re.S | re.M)]


def test_the_page_has_code():
    assert len(python_blocks()) >= 5


@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_every_python_block_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # hypothesis writes its database in the working directory
    profile = settings.default
    try:
        exec(compile(python_blocks()[index], f"{PAGE.name} block {index}", "exec"),
             {"__name__": f"docs_block_{index}"})
    finally:
        settings.register_profile("_restored", profile)
        settings.load_profile("_restored")  # a block may load a profile: undo it


def test_the_documented_profiles_are_the_real_ones():
    text = PAGE.read_text()
    quick = settings.get_profile("quick").max_examples
    thorough = settings.get_profile("thorough").max_examples
    assert f"**quick** (the default): {quick} examples" in text
    assert f"**thorough**: {thorough} examples" in text
    assert "MINIGRAD_HYPOTHESIS=thorough" in text


def test_the_documented_default_tolerances_are_the_real_ones():
    import inspect

    from minigrad.testing import gradcheck

    params = inspect.signature(gradcheck).parameters
    text = PAGE.read_text()
    line = re.search(r"with\s+defaults (`eps=.*?)\.", text, re.S).group(1)
    stated = dict(re.findall(r"`(\w+)=([0-9.e-]+)`", line))
    assert {k: float(v) for k, v in stated.items()} == \
        {name: params[name].default for name in ("eps", "atol", "rtol")}


def test_the_custom_op_example_runs_as_a_script(tmp_path):
    result = subprocess.run([sys.executable, str(EXAMPLE)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert "gradients match finite differences" in result.stdout
    assert "BrokenSoftplus is caught" in result.stdout
    assert "inputs=(tensor(" in result.stdout  # the shrunk counterexample is shown
