"""The documentation runs: every ```python block in docs/**/*.md and README.md.

How a page is executed
----------------------
* The blocks of one page share a namespace and run in order, in a temporary working
  directory of their own (pictures and checkpoints a snippet writes land there).
* A ```python block followed (blank lines aside) by a ```text block must print exactly
  that text: every number the docs show as output is the real one.
* An HTML comment on the line just above a block tunes it (it is invisible on the site):
  ``<!-- docs-test: requires=graphviz,dot -->`` skips the block when a Python module or
  a program is missing, and ``<!-- docs-test: skip -->`` never runs it. A block that may
  be skipped must not define names that later blocks use.
* A block that fails because an optional package is missing (scikit-learn for the digits,
  graphviz, hypothesis, ...) skips itself and the rest of its page.
* A line ``--8<-- "path"`` (pymdownx.snippets) is replaced by the file it names, as on
  the site.

Each block is one test, named after its page and first line (``docs/convolution...md:57``),
so a failure points at the Markdown line. Running one block alone runs the blocks before it
first. Global state a page may touch (grad mode, hypothesis profile, the primitive
registry, the random generator) is restored after it.
"""
from __future__ import annotations

import contextlib
import importlib.util
import inspect
import io
import os
import re
import shutil
import subprocess
import sys
import textwrap
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")  # matplotlib must never open a window

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md")) + [ROOT / "README.md"]

_FENCE = re.compile(r"^(?P<indent> *)(?P<ticks>`{3,})(?P<lang>[\w+-]*)\s*$")
_MARKER = re.compile(r"^\s*<!--\s*docs-test:\s*(?P<what>.*?)\s*-->\s*$")
_INCLUDE = re.compile(r'^(?P<indent> *)--8<--\s+"(?P<path>[^"]+)"\s*$')


@dataclass
class Fence:
    lang: str
    line: int               # 1-based line of the opening fence
    body: str               # content, without the fence's own indentation
    marker: str = ""        # the docs-test comment just above, if any
    end: int = 0            # 1-based line of the closing fence


@dataclass
class Block:
    page: Path
    line: int
    code: str
    expected: str | None = None
    requires: tuple[str, ...] = ()
    skip: bool = False

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def fences(path: Path) -> list[Fence]:
    """Every fenced block of a Markdown file (fences may be indented, as in lists)."""
    lines = path.read_text().splitlines()
    found, i = [], 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match or not match.group("lang"):
            i += 1
            continue
        indent, ticks = match.group("indent"), match.group("ticks")
        close = re.compile(rf"^{indent}{ticks}`*\s*$")
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        if j == len(lines):
            raise ValueError(f"{path}:{i + 1}: unclosed code fence")
        marker = _MARKER.match(lines[i - 1]) if i > 0 else None
        body = "\n".join(line[len(indent):] if line.startswith(indent) else line.lstrip()
                         for line in lines[i + 1:j]) + "\n"
        found.append(Fence(match.group("lang"), i + 1, body,
                           marker.group("what") if marker else "", j + 1))
        i = j + 1
    return found


def blocks(path: Path) -> list[Block]:
    """The Python blocks of a page, each with the output it must print, if the page says."""
    all_fences = fences(path)
    lines = path.read_text().splitlines()
    result = []
    for n, fence in enumerate(all_fences):
        if fence.lang != "python":
            continue
        block = Block(path, fence.line, _expand(fence.body, path, fence.line))
        words = fence.marker.split()
        block.skip = "skip" in words
        for word in words:
            if word.startswith("requires="):
                block.requires = tuple(w for w in word[len("requires="):].split(",") if w)
        after = all_fences[n + 1] if n + 1 < len(all_fences) else None
        if after is not None and after.lang == "text" and not any(
                line.strip() for line in lines[fence.end:after.line - 1]):
            block.expected = after.body
        result.append(block)
    return result


def _expand(code: str, page: Path, line: int) -> str:
    """Replace ``--8<-- "path"`` lines by the file they include (paths from the root)."""
    out = []
    for text in code.splitlines():
        match = _INCLUDE.match(text)
        if match is None:
            out.append(text)
            continue
        target = ROOT / match.group("path")
        if not target.is_file():
            raise FileNotFoundError(f"{page}:{line}: included file {target} is missing")
        out.append(textwrap.indent(target.read_text(), match.group("indent")))
    return "\n".join(out) + "\n"


def _available(requirement: str) -> bool:
    if requirement == "dot":
        return shutil.which("dot") is not None
    return importlib.util.find_spec(requirement) is not None


OPTIONAL = {"sklearn", "graphviz", "matplotlib", "hypothesis", "torch", "tqdm", "yaml"}


def _missing_optional(error: BaseException) -> str | None:
    """The optional package whose absence caused ``error``, if that is what happened."""
    while error is not None:
        if isinstance(error, ModuleNotFoundError) and error.name and \
                error.name.split(".")[0] in OPTIONAL:
            return error.name.split(".")[0]
        error = error.__cause__ or error.__context__
    return None


def _normalize(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


ALL_BLOCKS = [block for page in PAGES for block in blocks(page)]


# --- running a page ------------------------------------------------------------------
class PageRun:
    """The shared namespace of one page and how far it has run."""

    def __init__(self, page: Path, workdir: Path) -> None:
        self.page = page
        self.workdir = workdir
        self.blocks = [b for b in ALL_BLOCKS if b.page == page]
        self.namespace: dict = {"__name__": "__docs__"}
        self.done = 0
        self.failed: Block | None = None
        self.missing: str | None = None
        self.saved = _GlobalState()

    def run_through(self, block: Block) -> None:
        index = self.blocks.index(block)
        if self.failed is not None:
            pytest.skip(f"an earlier block of this page failed: {self.failed.name}")
        if self.missing is not None:
            pytest.skip(f"this page needs {self.missing}")
        while self.done <= index:
            current = self.blocks[self.done]
            self.done += 1
            try:
                self._run(current, is_target=current is block)
            except BaseException:
                if not isinstance(sys.exc_info()[1], pytest.skip.Exception):
                    self.failed = current
                raise
            finally:
                if self.done == len(self.blocks) or self.failed is not None:
                    self.saved.restore()

    def _run(self, block: Block, is_target: bool) -> None:
        if block.skip:
            if is_target:
                pytest.skip("marked docs-test: skip")
            return
        missing = [r for r in block.requires if not _available(r)]
        if missing:
            if is_target:
                pytest.skip(f"needs {', '.join(missing)}")
            return
        # Leading newlines make tracebacks show the line numbers of the Markdown file.
        code = compile("\n" * block.line + block.code, str(block.page), "exec")
        captured = io.StringIO()
        cwd = os.getcwd()
        os.chdir(self.workdir)
        try:
            with contextlib.redirect_stdout(captured):
                exec(code, self.namespace)
        except ImportError as error:
            self.missing = _missing_optional(error)
            if self.missing is None:
                raise AssertionError(f"{block.name} raised:\n{traceback.format_exc()}") from None
            pytest.skip(f"this page needs {self.missing}")
        except Exception:
            raise AssertionError(f"{block.name} raised:\n{traceback.format_exc()}\n"
                                 f"printed before that:\n{captured.getvalue()}") from None
        finally:
            os.chdir(cwd)
            self.saved.after_block()
        if block.expected is not None:
            printed, expected = _normalize(captured.getvalue()), _normalize(block.expected)
            assert printed == expected, (
                f"{block.name}: the printed output differs from the ```text block below it\n"
                f"--- printed:\n{printed}\n--- the page says:\n{expected}")


class _GlobalState:
    """What a page may change globally, saved when it starts and put back when it ends."""

    def __init__(self) -> None:
        import minigrad.random
        from hypothesis import settings
        from minigrad.autograd import function

        self.registry = dict(function._REGISTRY)
        self.generator = minigrad.get_rng_state()
        self.profile = settings.default

    def after_block(self) -> None:
        import minigrad

        minigrad.set_grad_enabled(True)  # a block may have switched recording off

    def restore(self) -> None:
        import minigrad.random
        from hypothesis import settings
        from minigrad.autograd import function

        function._REGISTRY.clear()
        function._REGISTRY.update(self.registry)
        minigrad.set_rng_state(self.generator)
        settings.register_profile("_docs_restored", self.profile)
        settings.load_profile("_docs_restored")


_RUNS: dict[Path, PageRun] = {}


@pytest.fixture
def page_run(request, tmp_path_factory):
    def get(page: Path) -> PageRun:
        if page not in _RUNS:
            workdir = tmp_path_factory.mktemp(page.stem.replace("-", "_"))
            _RUNS[page] = PageRun(page, workdir)
        return _RUNS[page]
    return get


@pytest.mark.parametrize("block", ALL_BLOCKS, ids=[b.name for b in ALL_BLOCKS])
def test_block(block: Block, page_run) -> None:
    page_run(block.page).run_through(block)


# --- the collection itself --------------------------------------------------------------
def test_every_page_is_collected():
    names = {p.relative_to(DOCS).as_posix() for p in PAGES if p.parent.is_relative_to(DOCS)}
    for required in ("index.md", "getting-started.md", "tensors-and-the-graph.md",
                     "how-backward-works.md", "writing-a-primitive.md",
                     "convolution-from-scratch.md", "training-a-cnn.md",
                     "seeing-the-graph.md", "watching-backward.md", "testing.md",
                     "performance.md"):
        assert required in names
    assert len(ALL_BLOCKS) >= 60


def test_the_parser_pairs_code_with_its_output(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(textwrap.dedent("""\
        Text.

        ```python
        print(1 + 1)
        ```

        ```text
        2
        ```

        <!-- docs-test: requires=no_such_module_xyz -->
        ```python
        import no_such_module_xyz
        ```

        1. A list item:

           ```python
           x = 3
           ```
        """))
    found = blocks(page)
    assert [b.line for b in found] == [3, 12, 18]
    assert found[0].expected == "2\n"
    assert found[1].requires == ("no_such_module_xyz",) and found[1].expected is None
    assert found[2].code == "x = 3\n"
    assert not _available("no_such_module_xyz")


def test_every_page_in_the_nav_exists_and_every_page_is_in_the_nav():
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())

    def walk(items):
        for item in items:
            if isinstance(item, str):
                yield item
            else:
                for value in item.values():
                    yield from (walk(value) if isinstance(value, list) else [value])

    listed = set(walk(config["nav"]))
    present = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert listed == present


def test_pictures_the_docs_show_are_committed():
    pattern = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
    for page in PAGES:
        for target in pattern.findall(page.read_text()):
            if "://" in target:
                continue
            assert (page.parent / target).resolve().is_file(), f"{page}: missing {target}"


# --- docs/testing.md states real numbers ---------------------------------------------------
TESTING_PAGE = DOCS / "testing.md"


def test_the_documented_profiles_are_the_real_ones():
    from hypothesis import settings

    text = TESTING_PAGE.read_text()
    quick = settings.get_profile("quick").max_examples
    thorough = settings.get_profile("thorough").max_examples
    assert f"**quick** (the default): {quick} examples" in text
    assert f"**thorough**: {thorough} examples" in text
    assert "MINIGRAD_HYPOTHESIS=thorough" in text


def test_the_documented_default_tolerances_are_the_real_ones():
    from minigrad.testing import gradcheck

    params = inspect.signature(gradcheck).parameters
    line = re.search(r"with\s+defaults (`eps=.*?)\.", TESTING_PAGE.read_text(), re.S).group(1)
    stated = dict(re.findall(r"`(\w+)=([0-9.e-]+)`", line))
    assert {k: float(v) for k, v in stated.items()} == \
        {name: params[name].default for name in ("eps", "atol", "rtol")}


# --- the examples the docs point to run as scripts -----------------------------------------
def test_the_custom_op_example_runs_as_a_script(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "custom_op.py")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert "gradients match finite differences" in result.stdout
    assert "BrokenSoftplus is caught" in result.stdout
    assert "inputs=(tensor(" in result.stdout  # the shrunk counterexample is shown


def test_the_demo_options_on_the_training_page_are_the_real_ones():
    import ast

    tree = ast.parse((ROOT / "examples" / "train_cnn.py").read_text())
    options, per_dataset = {}, None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_argument":
            keywords = {k.arg: k.value for k in node.keywords}
            flag = "off" if "action" in keywords else None
            options[node.args[0].value] = flag or ast.literal_eval(keywords["default"])
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "defaults":
            table = node.value.value if isinstance(node.value, ast.Subscript) else node.value
            per_dataset = ast.literal_eval(table)  # dataset -> (epochs, batch, lr, schedule)
    rows = dict(re.findall(r"^\| `(--[\w-]+)` \| (.*?) \|", (DOCS / "training-a-cnn.md")
                           .read_text(), re.M))
    assert set(rows) == set(options)
    for i, flag in enumerate(("--epochs", "--batch-size", "--lr")):
        stated = {name.lower(): float(value) for value, name in
                  re.findall(r"([\d.e-]+) \((digits|MNIST)\)", rows[flag])}
        assert stated == {name: float(values[i]) for name, values in per_dataset.items()}
        del options[flag]
    stated = {name.lower(): value for value, name in
              re.findall(r"`(\w+)` \((digits|MNIST)\)", rows["--schedule"])}
    assert stated == {name: values[3] for name, values in per_dataset.items()}
    del options["--schedule"]
    for flag, default in options.items():
        assert rows[flag].strip("`") == str(default), flag


def test_the_performance_table_lists_the_benchmarked_cases():
    import ast

    tree = ast.parse((ROOT / "benchmarks" / "bench_conv.py").read_text())
    shapes = {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
              if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
              and node.targets[0].id in ("CONV_SHAPES", "POOL_SHAPES")}
    page = (DOCS / "performance.md").read_text()
    table = page.split("## Latest measurements", 1)[1]
    listed = [ast.literal_eval(case) for case in re.findall(r"^\| [^|]+ \| (\([\d, ]+\)) \|",
                                                              table, re.M)]
    assert listed == [tuple(s) for s in shapes["CONV_SHAPES"] + shapes["POOL_SHAPES"]]


def test_the_training_page_builds_the_demos_model():
    import runpy

    demo = runpy.run_path(str(ROOT / "examples" / "train_cnn.py"))
    code = next(b.code for b in ALL_BLOCKS
                if b.page.name == "training-a-cnn.md" and "def digits_cnn" in b.code)
    namespace: dict = {}
    exec("import minigrad.nn as nn\n" + code, namespace)
    assert repr(namespace["digits_cnn"]()) == repr(demo["digits_cnn"]())


def test_the_figure_script_draws_from_the_library(tmp_path):
    for requirement in ("graphviz", "matplotlib", "dot"):
        if not _available(requirement):
            pytest.skip(f"docs/gen_figures.py needs {requirement}")
    spec = importlib.util.spec_from_file_location("gen_figures", DOCS / "gen_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with contextlib.redirect_stdout(io.StringIO()):
        written = module.main(["backward-graph", "lenet-graph", "nan-graph", "im2col",
                               "backward-pages", "--out", str(tmp_path)])
    names = sorted(path.name for path in written)
    assert names == sorted(["backward-graph.svg", "backward-graph-lr.svg", "lenet-graph.svg",
                            "lenet-graph-depth1.svg", "nan-graph.svg", "im2col.svg",
                            "backward-tanh.html", "backward-reuse.html"])
    for path in written:
        assert path.stat().st_size > 1000 and (DOCS / "img" / path.name).is_file()


def test_code_lines_in_the_docs_fit_the_page():
    """At most 88 columns per line of code or output, included files too: the docs'
    stylesheet makes 88 columns fit a 1280 px window without scrolling sideways."""
    too_long = []
    for page in (p for p in PAGES if p.is_relative_to(DOCS)):
        for fence in fences(page):
            for i, line in enumerate(_expand(fence.body, page, fence.line).splitlines()):
                if len(line) > 88:
                    too_long.append(f"{page.name}:{fence.line + 1 + i}: {len(line)} columns")
    assert not too_long, "\n".join(too_long)


# --- the API reference is rendered from the docstrings ------------------------------------
def _documented_objects():
    """``(qualified name, object)`` of every public function, class and method that a
    ``::: name`` line of the API pages renders."""
    for page in sorted((DOCS / "api").glob("*.md")):
        for name in re.findall(r"^::: ([\w.]+)", page.read_text(), re.M):
            try:
                target = importlib.import_module(name)
                owned = [(f"{name}.{k}", v) for k, v in vars(target).items()
                         if not k.startswith("_") and getattr(v, "__module__", None) == name]
            except ModuleNotFoundError:
                parent, _, attr = name.rpartition(".")
                owned = [(name, getattr(importlib.import_module(parent), attr))]
            for qualified, value in owned:
                yield qualified, value
                if inspect.isclass(value):
                    yield from ((f"{qualified}.{m}", f) for m, f in vars(value).items()
                                if not m.startswith("_") and callable(f))


def test_docstrings_use_markdown_not_sphinx_roles():
    role = re.compile(r":(?:class|func|meth|mod|attr|obj|exc|data):`")
    found = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "minigrad").rglob("*.py"))
             for n, line in enumerate(path.read_text().splitlines(), 1) if role.search(line)]
    assert not found, "Sphinx roles show up raw in the API reference:\n" + "\n".join(found)


# Private-looking arguments that PyTorch's own signatures have (F.softmax's _stacklevel,
# nn.Embedding's _weight and _freeze, Distribution.expand's _instance, fractional max
# pooling's _random_samples): kept, so that PyTorch calls (and PyTorch-style subclasses)
# keep working.
PYTORCH_PRIVATE_ARGUMENTS = {"_stacklevel", "_weight", "_freeze", "_instance",
                             "_random_samples"}


def test_public_signatures_in_the_api_reference_have_no_private_arguments():
    found = []
    for qualified, value in _documented_objects():
        try:
            params = inspect.signature(value).parameters
        except (TypeError, ValueError):
            continue
        found += [f"{qualified}({p})" for p in params
                  if p.startswith("_") and p != "_" and p not in PYTORCH_PRIVATE_ARGUMENTS]
    assert not found, "\n".join(found)
