"""Draw the recorded forward graph with Graphviz, and save it to a file.

``draw_graph`` reads the graph (see ``minigrad.viz.trace``), folds deep modules
(``max_depth``), styles each vertex by kind, and nests vertices in one cluster per module.
The ``graphviz`` Python package is optional: it is imported only when a drawing is made.
Rendering to SVG/PNG/PDF runs the Graphviz program ``dot`` without a shell.
"""
from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any, Iterator

from ..internal import array_of
from . import trace as tr
from .labels import grad_stats, module_label, module_names, nonfinite, op_label, format_shape

BAD_COLOR = "#ff8a80"  # fill of a vertex holding NaN or Inf (value or gradient)
FORMATS = ("svg", "png", "pdf", "dot")
RANKDIRS = ("TB", "LR", "BT", "RL")

STYLES: dict[str, dict[str, str]] = {
    tr.OP: {"shape": "box", "style": "rounded,filled", "fillcolor": "#eeeeee"},
    tr.PARAM: {"shape": "ellipse", "style": "filled", "fillcolor": "#cfe2ff"},
    tr.INPUT: {"shape": "ellipse", "style": "filled", "fillcolor": "#fff2cc"},
    tr.CONSTANT: {"shape": "ellipse", "style": "dashed", "color": "#888888",
                  "fontcolor": "#555555"},
    tr.TENSOR: {"shape": "ellipse"},
    tr.OUTPUT: {"shape": "ellipse", "style": "filled", "fillcolor": "#c8e6c9",
                "peripheries": "2"},
    tr.MODULE: {"shape": "box3d", "style": "filled", "fillcolor": "#ffe0b2"},
}
_BAD = {"fillcolor": BAD_COLOR, "color": "red"}
_CLUSTER = {"style": "rounded", "color": "#888888", "labeljust": "l", "fontsize": "10",
            "fontname": "Helvetica"}

INSTALL_GRAPHVIZ = ("Install Graphviz: `apt-get install graphviz` (Debian/Ubuntu), "
                    "`brew install graphviz` (macOS), `conda install -c conda-forge graphviz`, "
                    "or see https://graphviz.org/download/")


def require_graphviz() -> Any:
    """Import the optional ``graphviz`` package, or say how to install it."""
    try:
        import graphviz
    except ImportError as error:
        raise ImportError("minigrad.viz.draw_graph needs the optional `graphviz` Python "
                          "package: `pip install graphviz` (or, in a clone of minigrad, "
                          "`pip install -e \".[viz]\"`)") from error
    return graphviz


def require_dot(who: str) -> None:
    """Raise, saying how to install it, when the Graphviz program ``dot`` is missing."""
    if shutil.which("dot") is None:
        raise RuntimeError(f"{who}: the Graphviz program `dot` was not found, and it lays "
                           f"out the drawing. {INSTALL_GRAPHVIZ}")


def draw_graph(output: Any, params: Any = None, *, show_shapes: bool = True,
               show_attrs: bool = True, show_grads: bool = False, group_modules: bool = True,
               max_depth: int | None = None, rankdir: str = "TB") -> Any:
    """Draw the forward graph that produced ``output``.

    Tensors are ellipses and ops are rounded boxes; edges follow the data flow
    (``input -> op -> tensor -> next op``). Leaves that require grad are blue, tensors
    without grad (inputs) yellow, 0-d constants dashed and the output green with a double
    border. A tensor holding NaN or Inf is filled red (``BAD_COLOR``), and so is the op
    where such values first appear among the tensors still alive.

    Module clusters, op attributes and the names of inputs are only known for a graph
    recorded inside ``with minigrad.viz.record():`` (an ordinary forward keeps only what
    backward needs); any other graph is drawn with its ops and tensors alone.

    Parameters
    ----------
    output : Tensor or sequence of Tensor
        The result(s) whose graph is drawn.
    params : dict of str to Tensor, or Module, optional
        Names for the parameters (a Module's ``named_parameters()`` are used). When given,
        other leaves that require grad are drawn as inputs.
    show_shapes : bool
        Write the shape and dtype on tensor vertices.
    show_attrs : bool
        Write the non-default arguments of each op, e.g. ``conv2d stride=2 padding=1``.
    show_grads : bool
        Write ``.grad`` statistics (norm, min, max) on tensors that have one (leaves after
        ``backward``, and intermediates that ``retain_grad()`` and are still alive), and
        highlight non-finite gradients.
    group_modules : bool
        Draw the ops recorded inside an ``nn.Module`` call in a cluster per module,
        labelled like ``features.0: Conv2d(1, 6, kernel_size=(5, 5))``.
    max_depth : int, optional
        With ``group_modules``, fold each module at this depth (the outermost module is
        depth 0, its children depth 1) into a single box showing its parameter count; the
        tensors entering and leaving it stay visible.
    rankdir : {"TB", "LR", "BT", "RL"}
        Direction of the data flow.

    Returns
    -------
    graphviz.Digraph
        Display it in a notebook, read ``.source``, or ``.render()`` it.

    Examples
    --------
    >>> loss = model(x).log_softmax(1).mean()
    >>> minigrad.viz.draw_graph(loss, params=model, max_depth=1)
    """
    return layout(output, params, show_shapes=show_shapes, show_attrs=show_attrs,
                  show_grads=show_grads, group_modules=group_modules, max_depth=max_depth,
                  rankdir=rankdir)[0]


def layout(output: Any, params: Any = None, *, show_shapes: bool = True,
           show_attrs: bool = True, show_grads: bool = False, group_modules: bool = True,
           max_depth: int | None = None, rankdir: str = "TB") -> tuple[Any, tr.Trace]:
    """``draw_graph``'s drawing together with the `Trace` it drew (whose ``keys`` say
    which DOT node shows which graph node)."""
    graphviz = require_graphviz()
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    outputs = tr.as_tensor_list(output)
    graph = tr.trace(outputs, params)
    if group_modules:
        graph = tr.collapse(graph, max_depth)
    names = module_names(([params] if params is not None else []) + _outermost(graph))
    dot = graphviz.Digraph("minigrad", graph_attr={"rankdir": rankdir, "ranksep": "0.3"},
                           node_attr={"fontname": "Helvetica", "fontsize": "10"},
                           edge_attr={"arrowsize": "0.7"})
    bad = _bad_keys(graph, show_grads)
    root = _cluster_tree(graph.vertices, group_modules)
    _emit(dot, root, lambda v: _node_attrs(v, bad, names, show_shapes, show_attrs, show_grads),
          names, graphviz, itertools.count(1))
    for a, b in graph.edges:
        dot.edge(a, b)
    return dot, graph


def save_graph(output: Any, path: str | Path, format: str | None = None,
               **draw_kwargs: Any) -> Path:
    """Draw the graph of ``output`` and write it to ``path``.

    Parameters
    ----------
    output : Tensor or sequence of Tensor
    path : str or Path
        Where to write. Without a suffix, the format's suffix is added.
    format : {"svg", "png", "pdf", "dot"}, optional
        Defaults to the suffix of ``path`` when it names one of these, else ``"svg"``.
        ``"dot"`` writes the Graphviz source and needs no Graphviz program.
    **draw_kwargs
        Passed to `draw_graph` (``params``, ``max_depth``, ...).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    RuntimeError
        If the Graphviz program ``dot`` is missing. The DOT source is then still written
        (next to ``path``, with the suffix ``.dot``) and the message says how to install it.
    """
    path = Path(path)
    fmt = _pick_format(path, format)
    target = path if path.suffix else path.with_suffix("." + fmt)
    dot = draw_graph(output, **draw_kwargs)
    if fmt == "dot":
        target.write_text(dot.source)
        return target
    if shutil.which("dot") is None:
        _missing_dot(dot, target, fmt)
    graphviz = require_graphviz()
    try:
        data = dot.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        _missing_dot(dot, target, fmt)
    target.write_bytes(data)
    return target


def _pick_format(path: Path, format: str | None) -> str:
    if format is None:
        suffix = path.suffix.lstrip(".").lower()
        return suffix if suffix in FORMATS else "svg"
    if format not in FORMATS:
        raise ValueError(f"save_graph: format must be one of {FORMATS}, got {format!r}")
    return format


def _missing_dot(dot: Any, target: Path, fmt: str) -> None:
    source = target.with_suffix(".dot")
    source.write_text(dot.source)
    raise RuntimeError(
        f"save_graph: the Graphviz program `dot` was not found, so no {fmt} could be made; "
        f"the DOT source was written to {source}. {INSTALL_GRAPHVIZ}. Then run "
        f"`dot -T{fmt} {source} -o {target}`, or save with format='dot'.")


# --- problems: NaN and Inf ------------------------------------------------------------
def _problems(vertex: tr.Vertex, show_grads: bool) -> list[str]:
    """Lines naming the non-finite values of a tensor vertex (its value, its gradient)."""
    tensor = vertex.tensor
    if tensor is None:
        return []
    found = []
    value = nonfinite(array_of(tensor))
    if value:
        found.append(f"value has {value}")
    grad = array_of(tensor.grad) if show_grads and tensor.grad is not None else None
    if nonfinite(grad):
        found.append(f"grad has {nonfinite(grad)}")
    return found


def _bad_keys(graph: tr.Trace, show_grads: bool) -> set[str]:
    """Tensor vertices with non-finite values or gradients, and the ops where non-finite
    values first appear (see ``_first_bad_ops``)."""
    bad = {v.key for v in graph.vertices if v.kind != tr.OP and _problems(v, show_grads)}
    return bad | _first_bad_ops(graph)


def _first_bad_ops(graph: tr.Trace) -> set[str]:
    """Ops with a live output holding NaN or Inf whose inputs are all known to be finite.

    An intermediate tensor that is no longer alive cannot be checked, so an op fed by one
    is never blamed; tensors without grad (inputs, constants) are not kept by the graph
    and are taken as given.
    """
    unknown_or_bad = {v.key for v in graph.vertices if v.kind != tr.OP and (
        (v.tensor is None and v.kind in (tr.TENSOR, tr.OUTPUT))
        or (v.tensor is not None and nonfinite(array_of(v.tensor))))}
    blocked = {b for a, b in graph.edges if a in unknown_or_bad}
    return {v.key for v in graph.vertices
            if v.kind == tr.OP and v.key not in blocked
            and any(t is not None and nonfinite(array_of(t)) for t in v.outputs)}


# --- vertices -------------------------------------------------------------------------
def _node_attrs(vertex: tr.Vertex, bad: set[str], names: dict[int, str], show_shapes: bool,
                show_attrs: bool, show_grads: bool) -> dict[str, str]:
    """The DOT attributes (label and style) of one vertex."""
    if vertex.kind == tr.OP:
        lines = op_label(vertex.title, vertex.attrs, show_attrs)
    elif vertex.kind == tr.MODULE:
        lines = [module_label(vertex.module, names.get(id(vertex.module)))]
        if vertex.hidden_params:
            lines.append(f"{vertex.hidden_params:,} params")
    else:
        lines = _tensor_lines(vertex, show_shapes, show_grads)
    style = dict(STYLES[vertex.kind])
    if vertex.key in bad:
        style.update(_BAD, style=_with_fill(style.get("style", "")))
        if vertex.kind == tr.OP:
            style["penwidth"] = "3"
    if vertex.kind == tr.TENSOR and not any(lines):
        style.update(shape="point", width="0.08")
    return {"label": "\\n".join(_escape(line) for line in lines), **style}


def _tensor_lines(vertex: tr.Vertex, show_shapes: bool, show_grads: bool) -> list[str]:
    lines = [vertex.title] if vertex.title else []
    if show_shapes:
        lines.append(f"{format_shape(vertex.shape)} {vertex.dtype}")
    lines += _problems(vertex, show_grads)
    tensor = vertex.tensor
    if show_grads and tensor is not None and tensor.grad is not None:
        lines.append(grad_stats(array_of(tensor.grad)))
    return lines


def _with_fill(style: str) -> str:
    """A DOT ``style`` list that includes ``filled`` (keeping ``rounded``, ``dashed``...)."""
    words = [w for w in style.split(",") if w]
    return ",".join(words if "filled" in words else words + ["filled"])


def _escape(text: str) -> str:
    """Protect backslashes so that DOT shows the text as written."""
    return text.replace("\\", "\\\\")


# --- clusters -------------------------------------------------------------------------
class _Cluster:
    """One module's cluster: the vertices drawn directly in it and its child clusters."""

    def __init__(self, module: Any = None) -> None:
        self.module = module
        self.vertices: list[tr.Vertex] = []
        self.children: dict[int, _Cluster] = {}


def _cluster_tree(vertices: list[tr.Vertex], group_modules: bool) -> _Cluster:
    root = _Cluster()
    for vertex in vertices:
        cluster = root
        for module in (vertex.place if group_modules else ()):
            cluster = cluster.children.setdefault(id(module), _Cluster(module))
        cluster.vertices.append(vertex)
    return root


def _emit(container: Any, cluster: _Cluster, attrs_of: Any, names: dict[int, str],
          graphviz: Any, numbers: Iterator[int]) -> None:
    """Add the vertices of ``cluster`` to ``container`` and a subgraph per child module
    (recursion depth is the module nesting depth, not the graph depth)."""
    for vertex in cluster.vertices:
        attrs = attrs_of(vertex)
        container.node(vertex.key, graphviz.nohtml(attrs.pop("label")), **attrs)
    for child in cluster.children.values():
        label = _escape(module_label(child.module, names.get(id(child.module))))
        with container.subgraph(name=f"cluster_{next(numbers)}") as sub:
            sub.attr(label=graphviz.nohtml(label), **_CLUSTER)
            _emit(sub, child, attrs_of, names, graphviz, numbers)


def _outermost(graph: tr.Trace) -> list[Any]:
    """The outermost module of every place, in order of first appearance."""
    found: dict[int, Any] = {}
    for vertex in graph.vertices:
        path = vertex.place or ((vertex.module,) if vertex.module is not None else ())
        if path:
            found.setdefault(id(path[0]), path[0])
    return list(found.values())
