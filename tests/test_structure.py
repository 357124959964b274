"""The shape of the house (issue 10): short files, ops modules that import each other
downhill only, and private Tensor state touched only by tensor.py, autograd/ and the
documented internal API (minigrad/internal.py)."""
from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "minigrad"
PRIVATE = re.compile(r"\._(data|wrap|grad_fn|version|requires_grad|output_nr|accumulator"
                     r"|base|view_path|view_version|view_kind|get_version|bump_version)\b")
CORE = {"tensor.py", "internal.py"}


def test_no_file_in_the_package_is_over_500_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 500}
    assert long == {}


def _ops_imports() -> dict[str, set[str]]:
    graph = {}
    for path in (PACKAGE / "ops").glob("*.py"):
        deps = set()
        for line in path.read_text().splitlines():  # module level only: no indentation
            match = re.match(r"from \.(\w*) import (.*)", line)
            if match:
                names = match.group(2).split("#")[0].strip("() ")
                deps |= {match.group(1)} if match.group(1) else {
                    n.strip() for n in names.split(",")}
        graph[path.stem] = deps
    return graph


def test_the_ops_modules_import_each_other_without_a_cycle():
    graph = _ops_imports()
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in graph.get(node, ()):
            assert state.get(dep) != 1, f"import cycle: {' -> '.join(path + [dep])}"
            if dep in graph and dep not in state:
                visit(dep, path + [dep])
        state[node] = 2

    for module in graph:
        if module not in state and module != "__init__":
            visit(module, [module])


def test_private_tensor_state_is_reached_only_through_the_internal_api():
    found = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "autograd" or str(relative) in CORE:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if PRIVATE.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []
