"""Read the graph recorded behind some output tensors into plain vertices and edges.

Nothing here knows about Graphviz. ``trace`` walks back from the outputs along
``node.next_edges`` (with an explicit stack, so any depth works) and returns the graph
in forward order: data tensors and parameters first, then each op followed by the
tensors it made. ``collapse`` then folds modules deeper than a given depth into one
vertex each.

Every tensor becomes its own vertex between the ops, so the edges follow the data:
``input -> op -> tensor -> next op``. Each vertex also gets a *place*: the path of
modules (outermost first) whose cluster it is drawn in. An op's place is the scope it
was recorded in. A tensor's place is the deepest module that holds both the op that
made it and every op that reads it, so a tensor passed from one layer to the next is
drawn between them, in their common parent.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from ..tensor import Tensor

# Vertex kinds.
OP = "op"
PARAM = "param"        # a leaf that requires grad
INPUT = "input"        # a tensor without grad: data, targets, masks
CONSTANT = "constant"  # a 0-d tensor without grad, e.g. the 2 in ``x * 2``
TENSOR = "tensor"      # an intermediate result
OUTPUT = "output"      # one of the tensors being drawn
MODULE = "module"      # a collapsed module (see ``collapse``)


@dataclass(eq=False)
class Vertex:
    """One box or ellipse of the drawing.

    Attributes
    ----------
    key : str
        The DOT node id, unique in the drawing.
    kind : str
        One of ``op``, ``param``, ``input``, ``constant``, ``tensor``, ``output``, ``module``.
    title : str
        The first line: op name, parameter name, ``input``, ``output`` (or ``""``).
    shape, dtype :
        Of a tensor vertex.
    attrs : dict
        Of an op: its non-default, non-tensor arguments.
    tensor : Tensor or None
        A tensor vertex's live tensor, when it is still alive (for values and grads).
    outputs : list of Tensor or None
        An op's live outputs (used to find where non-finite values first appear).
    module : object
        Of a module vertex: the collapsed module.
    place : tuple
        The modules whose clusters hold this vertex, outermost first.
    hidden_params : int
        Of a module vertex: the number of parameter elements folded into it.
    """

    key: str
    kind: str
    title: str = ""
    shape: tuple | None = None
    dtype: Any = None
    attrs: dict = field(default_factory=dict)
    tensor: Tensor | None = None
    outputs: list = field(default_factory=list)
    module: Any = None
    place: tuple = ()
    hidden_params: int = 0


@dataclass
class Trace:
    """Vertices in forward order, edges as ``(from key, to key)`` along the data flow.

    ``keys`` finds the vertex of a graph object: ``id(node)`` for an op,
    ``(id(node), nr)`` for output ``nr`` of an op, ``id(tensor)`` for a leaf.
    """

    vertices: list[Vertex]
    edges: list[tuple[str, str]]
    keys: dict[Any, str] = field(default_factory=dict)

    def by_key(self) -> dict[str, Vertex]:
        return {v.key: v for v in self.vertices}


def as_tensor_list(output: Any) -> list[Tensor]:
    """``output`` (a Tensor or a sequence of Tensors) as a non-empty list."""
    if isinstance(output, Tensor):
        return [output]
    tensors = list(output) if isinstance(output, (list, tuple)) else []
    if not tensors:
        raise TypeError("draw_graph: output must be a Tensor or a non-empty sequence of "
                        f"Tensors, got {type(output).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"draw_graph: output[{i}] must be a Tensor, got {type(t).__name__}")
    return tensors


def parameter_names(params: Any) -> dict[int, str]:
    """``id(tensor) -> name`` from a dict of tensors or a Module's ``named_parameters()``."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        items: Iterable = params.named_parameters()
    elif isinstance(params, Mapping):
        items = params.items()
    else:
        raise TypeError("draw_graph: params must be a dict of name -> Tensor or a Module, "
                        f"got {type(params).__name__}")
    names = {}
    for name, tensor in items:
        if not isinstance(tensor, Tensor):
            raise TypeError(f"draw_graph: params[{name!r}] must be a Tensor, "
                            f"got {type(tensor).__name__}")
        names.setdefault(id(tensor), str(name))
    return names


def forward_order(roots: Sequence[Any]) -> list[Any]:
    """The op nodes reachable from ``roots``, each after every op that feeds it."""
    visited, order = set(), []
    for root in roots:
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(_op_inputs(root)))]
        while stack:
            node, pending = stack[-1]
            for child in pending:
                if child not in visited:
                    visited.add(child)
                    stack.append((child, iter(_op_inputs(child))))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def _op_inputs(node: Any) -> list[Any]:
    """The op nodes (not leaf accumulators) that feed ``node``."""
    return [edge[0] for edge in node.next_edges
            if edge is not None and hasattr(edge[0], "function")]


def common_prefix(paths: Sequence[tuple]) -> tuple:
    """The longest module path that starts every path in ``paths`` (by identity)."""
    if not paths:
        return ()
    shortest = min(paths, key=len)
    for depth, module in enumerate(shortest):
        if any(path[depth] is not module for path in paths):
            return shortest[:depth]
    return shortest


class _Builder:
    """Collects vertices and edges while ``trace`` walks the ops in forward order."""

    def __init__(self, names: dict[int, str], explicit_params: bool) -> None:
        self.names = names
        self.explicit_params = explicit_params
        self.vertices: list[Vertex] = []
        self.edges: list[tuple[str, str]] = []
        self.ops: dict[int, Vertex] = {}                 # id(node) -> op vertex
        self.results: dict[tuple[int, int], Vertex] = {}  # (id(node), nr) -> tensor vertex
        self.leaves: dict[int, Vertex] = {}              # id(leaf tensor) -> vertex
        self.scopes: dict[str, list[tuple]] = {}         # key -> scopes of ops touching it
        self.top: set[str] = set()                       # keys also drawn at the top level

    def add(self, kind: str, title: str = "", **facts: Any) -> Vertex:
        vertex = Vertex(key=f"{kind[0]}{len(self.vertices)}", kind=kind, title=title, **facts)
        self.vertices.append(vertex)
        self.scopes[vertex.key] = []
        return vertex

    def leaf(self, tensor: Tensor) -> Vertex:
        """The vertex of a leaf that requires grad (one per leaf, however often used)."""
        found = self.leaves.get(id(tensor))
        if found is None:
            name = self.names.get(id(tensor)) or tensor.name or ""
            is_param = id(tensor) in self.names or not self.explicit_params
            found = self.add(PARAM if is_param else INPUT, name or ("" if is_param else INPUT),
                             shape=tuple(tensor.shape), dtype=tensor.dtype, tensor=tensor)
            if not is_param:
                self.top.add(found.key)
            self.leaves[id(tensor)] = found
        return found

    def result(self, node: Any, nr: int) -> Vertex:
        """The vertex of output ``nr`` of op ``node`` (made on first use)."""
        found = self.results.get((id(node), nr))
        if found is None:
            alive = node.outputs()[nr]
            shape, dtype = node.output_meta[nr]
            found = self.add(TENSOR, (alive.name if alive is not None else None) or "",
                             shape=tuple(shape), dtype=dtype, tensor=alive)
            self.scopes[found.key].append(node.scope or ())
            self.edges.append((self.ops[id(node)].key, found.key))
            self.results[(id(node), nr)] = found
        return found

    def source(self, edge: Any, meta: Any, given: Any) -> Vertex:
        """The vertex feeding one tensor argument of an op (``given``: the argument
        itself when the graph was recorded with details, else None)."""
        if edge is None:
            shape, dtype = meta
            kind = CONSTANT if len(shape) == 0 else INPUT
            name = self.names.get(id(given)) or getattr(given, "name", None) or kind
            vertex = self.add(kind, name, shape=tuple(shape), dtype=dtype)
            if kind == INPUT:
                self.top.add(vertex.key)
            return vertex
        node, nr = edge
        return self.result(node, nr) if hasattr(node, "function") else self.leaf(node.variable)

    def op(self, node: Any) -> None:
        scope = node.scope or ()
        vertex = self.add(OP, primitive_name(node), place=scope, outputs=node.outputs(),
                          attrs={k: v for k, v in node.attrs.items() if v is not None})
        self.ops[id(node)] = vertex
        given = getattr(node, "inputs", ()) or ()
        for i, (edge, meta) in enumerate(zip(node.next_edges, node.input_meta)):
            if meta is None:
                continue
            feeder = self.source(edge, meta, given[i] if i < len(given) else None)
            self.scopes[feeder.key].append(scope)
            self.edges.append((feeder.key, vertex.key))

    def mark_output(self, tensor: Tensor, index: int, count: int) -> None:
        if tensor.grad_fn is not None:
            vertex = self.result(tensor.grad_fn, output_index(tensor))
        elif tensor.requires_grad:
            vertex = self.leaf(tensor)
        else:
            vertex = self.add(OUTPUT, tensor.name or "", shape=tuple(tensor.shape),
                              dtype=tensor.dtype)
        label = OUTPUT if count == 1 else f"{OUTPUT} {index}"
        vertex.title = f"{vertex.title} ({label})" if vertex.title else label
        vertex.kind = OUTPUT
        vertex.tensor = tensor
        self.top.add(vertex.key)

    def finish(self) -> Trace:
        for vertex in self.vertices:
            if vertex.kind != OP:
                scopes = self.scopes[vertex.key] + ([()] if vertex.key in self.top else [])
                vertex.place = common_prefix(scopes)
        keys = {k: v.key for k, v in self.ops.items()}
        keys.update((k, v.key) for k, v in self.results.items())
        keys.update((k, v.key) for k, v in self.leaves.items())
        return Trace(self.vertices, self.edges, keys)


def primitive_name(node: Any) -> str:
    """The registered name of the primitive that made ``node`` (``mul``), or its class
    name for an unregistered Function."""
    return node.function.name or node.function.__name__


def output_index(tensor: Tensor) -> int:
    """Which output of its node ``tensor`` is."""
    return tensor.output_nr


def trace(outputs: Sequence[Tensor], params: Any = None) -> Trace:
    """Read the graph behind ``outputs`` into a `Trace` (vertices in forward order).

    Parameters
    ----------
    outputs : sequence of Tensor
        The tensors to draw.
    params : dict of str to Tensor, or Module, optional
        Names for the leaves. When given, leaves that require grad but are not named in it
        are drawn as inputs.
    """
    builder = _Builder(parameter_names(params), explicit_params=params is not None)
    roots = [t.grad_fn for t in outputs if t.grad_fn is not None]
    for node in forward_order(roots):
        builder.op(node)
    for i, tensor in enumerate(outputs):
        builder.mark_output(tensor, i, len(outputs))
    return builder.finish()


def collapse(graph: Trace, max_depth: int | None) -> Trace:
    """Fold every module at depth ``max_depth`` (the outermost module has depth 0) into one
    ``module`` vertex holding all vertices placed inside it; edges through it are kept.

    Parameters
    ----------
    graph : Trace
    max_depth : int or None
        None keeps every module expanded.
    """
    if max_depth is None:
        return graph
    if max_depth < 0:
        raise ValueError(f"draw_graph: max_depth must be None or >= 0, got {max_depth}")
    boxes: dict[tuple, Vertex] = {}
    rename: dict[str, str] = {}
    kept: list[Vertex] = []
    for vertex in graph.vertices:
        if len(vertex.place) <= max_depth:
            kept.append(vertex)
            continue
        path = vertex.place[:max_depth + 1]
        box_key = tuple(id(m) for m in path)
        box = boxes.get(box_key)
        if box is None:
            box = boxes[box_key] = Vertex(key=f"m{len(boxes)}", kind=MODULE, module=path[-1],
                                          place=path[:-1])
            kept.append(box)
        if vertex.kind == PARAM and vertex.tensor is not None:
            box.hidden_params += vertex.tensor.numel()
        rename[vertex.key] = box.key
    keys = {k: rename.get(key, key) for k, key in graph.keys.items()}
    return Trace(kept, _redirect(graph.edges, rename), keys)


def _redirect(edges: list[tuple[str, str]], rename: dict[str, str]) -> list[tuple[str, str]]:
    """Edges with collapsed ends renamed; loops inside a box and repeats into it dropped."""
    result, seen = [], set()
    for a, b in edges:
        moved = a in rename or b in rename
        a, b = rename.get(a, a), rename.get(b, b)
        if a == b or (moved and (a, b) in seen):
            continue
        seen.add((a, b))
        result.append((a, b))
    return result
