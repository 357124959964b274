"""Shared helpers for the viz tests: read a DOT source back into nodes and edges."""
from __future__ import annotations

import re

import pytest

_NODE = re.compile(r'^\s*(\w+) \[(.*)\]\s*$')
_EDGE = re.compile(r'^\s*(\w+) -> (\w+)')
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s"]+)')


class Dot:
    """The nodes (id -> attributes) and edges of a DOT source written by draw_graph."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.nodes: dict[str, dict[str, str]] = {}
        self.edges: list[tuple[str, str]] = []
        for line in source.splitlines():
            edge = _EDGE.match(line)
            node = _NODE.match(line)
            if edge:
                self.edges.append(edge.groups())
            elif node and node.group(1) not in ("graph", "node", "edge"):
                attrs = {k: v.strip('"') for k, v in _ATTR.findall(node.group(2))}
                self.nodes[node.group(1)] = attrs

    def label(self, key: str) -> str:
        return self.nodes[key]["label"]

    def find(self, text: str) -> list[str]:
        """Ids of the nodes whose label contains ``text``."""
        return [k for k, a in self.nodes.items() if text in a.get("label", "")]

    def one(self, title: str) -> str:
        """Id of the one node whose first label line is ``title`` (or ``title`` + attrs)."""
        found = [k for k, a in self.nodes.items()
                 if (a.get("label", "").split("\\n")[0] + " ").startswith(title + " ")]
        assert len(found) == 1, f"expected one node titled {title!r}, got {found}"
        return found[0]

    def clusters(self) -> list[str]:
        """Cluster labels, in the order they open."""
        found = re.findall(r'subgraph cluster_\d+ \{\s*\n\s*[^\n]*label=("[^"]*"|\S+)',
                           self.source)
        return [label.strip('"') for label in found]


@pytest.fixture
def parse():
    pytest.importorskip("graphviz")
    return Dot


class FakeModule:
    """Stands in for an nn.Module: a class name, an ``extra_repr`` and named children."""

    def __init__(self, extra: str = "", **children: "FakeModule") -> None:
        self.extra, self.children = extra, children
        self.own_parameters: dict = {}

    def extra_repr(self) -> str:
        return self.extra

    def named_modules(self, prefix: str = ""):
        yield prefix, self
        for name, child in self.children.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def named_parameters(self):
        for path, module in self.named_modules():
            for name, tensor in module.own_parameters.items():
                yield (f"{path}.{name}" if path else name), tensor


@pytest.fixture
def fake_module():
    return FakeModule


def make_lenet5():
    """LeNet-5 for 28 x 28 digits: two conv/tanh/avg-pool stages and three dense layers."""
    nn = pytest.importorskip("minigrad.nn")

    class LeNet5(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(),
                                          nn.AvgPool2d(2), nn.Conv2d(6, 16, 5), nn.Tanh(),
                                          nn.AvgPool2d(2))
            self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(400, 120), nn.Tanh(),
                                            nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10))

        def forward(self, x):
            return self.classifier(self.features(x))

    return LeNet5()


@pytest.fixture
def lenet():
    return make_lenet5
