"""The backward pass as one self-contained HTML page: the graph, and the walk step by step.

The page holds the drawing of ``draw_graph`` as inline SVG, the steps of
``backward_steps`` as JSON, and a small script (``assets/backward.js``) that highlights
the current node and the edges gradients have crossed, and fills a side panel with the
step's gradients. Nothing is loaded from the network.
"""
from __future__ import annotations

import html
import inspect
import json
from pathlib import Path
from typing import Any

from ..internal import array_of
from . import trace as tr
from .graph import layout, require_dot
from .labels import format_attrs, module_label, module_names, tensor_facts
from .steps import BackwardSteps, Step, backward_steps

ASSETS = Path(__file__).with_name("assets")


def save_backward_html(output: Any, path: str | Path, gradient: Any = None,
                       params: Any = None, **draw_kwargs: Any) -> Path:
    """Write a page that steps through ``output.backward(gradient)`` node by node.

    The page is one offline file (scripts and styles inline): the graph drawn as by
    `draw_graph`, with the running node highlighted and the edges gradients have crossed
    marked, Previous / Next / Play buttons (and the arrow keys), and a panel with the
    step's gradient rule, the gradients that arrived and the ones sent on. Small tensors
    are shown in full, large ones as shape, dtype, min, mean, max and norm; NaN and Inf are
    flagged in red. No ``.grad`` is changed.

    Parameters
    ----------
    output : Tensor, sequence of Tensor, or BackwardSteps
        What backward starts from, or steps already taken with `backward_steps`.
    path : str or Path
        The ``.html`` file to write.
    gradient : Tensor or sequence, optional
        As in ``Tensor.backward``.
    params : dict of str to Tensor, or Module, optional
        Names for the parameters.
    **draw_kwargs
        Passed to `draw_graph` (``max_depth``, ``rankdir``, ...).

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> with minigrad.viz.record():      # module clusters and op attributes
    ...     loss = F.cross_entropy(model(images), labels)
    >>> minigrad.viz.save_backward_html(loss, "backward.html", params=model)
    """
    steps = output if isinstance(output, BackwardSteps) else \
        backward_steps(output, gradient, params)
    path = Path(path)
    path.write_text(backward_html(steps, **draw_kwargs), encoding="utf-8")
    return path


def backward_html(steps: BackwardSteps, **draw_kwargs: Any) -> str:
    """The page of `save_backward_html` as a string."""
    params = draw_kwargs.pop("params", steps.params)
    dot, graph = layout(steps.outputs, params, **draw_kwargs)
    require_dot("save_backward_html")
    svg = dot.pipe(format="svg").decode("utf-8")
    svg = svg[svg.index("<svg"):]
    names = module_names(([params] if params is not None else []) + _modules(steps))
    data = [_step_data(step, graph, names, len(steps)) for step in steps]
    return _page(svg, data)


def notebook_frame(page: str, height: int = 640) -> str:
    """``page`` in an iframe, for Jupyter: its script and styles stay inside the frame."""
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" style="width: 100%; '
            f'height: {height}px; border: 1px solid #ccc; resize: vertical"></iframe>')


def _page(svg: str, data: list[dict]) -> str:
    payload = json.dumps({"steps": data}, separators=(",", ":")).replace("</", "<\\/")
    template = (ASSETS / "backward.html").read_text(encoding="utf-8")
    return (template.replace("/*STYLE*/", (ASSETS / "backward.css").read_text("utf-8"))
            .replace("<!--SVG-->", svg)
            .replace("/*DATA*/", payload)
            .replace("/*SCRIPT*/", (ASSETS / "backward.js").read_text("utf-8")))


# --- one step as data for the page ---------------------------------------------------------
def _step_data(step: Step, graph: tr.Trace, names: dict[int, str], total: int) -> dict:
    """Everything the panel shows for ``step``, and what to highlight in the drawing."""
    if step.leaf is not None:
        key = graph.keys.get(id(step.leaf))
        title = _leaf_title(step.leaf, graph, key)
    else:
        key = graph.keys.get(id(step.node))
        title = step.name
    data: dict[str, Any] = {
        "number": step.number, "total": total, "node": key, "title": title,
        "attrs": " ".join(format_attrs(step.attrs)),
        "scope": " / ".join(module_label(m, names.get(id(m))) for m in step.scope),
        "rule": step.rule, "inputs": _arrivals(step, graph), "edges": _edges(step, graph),
        "outputs": [] if step.leaf is not None else _sent(step, graph)}
    if step.leaf is not None:
        final = step.grads_in[0] if step.leaf.grad is None else step.leaf.grad + step.grads_in[0]
        data["leaf_grad"] = tensor_facts(array_of(final))
    return data


def _arrivals(step: Step, graph: tr.Trace) -> list[dict]:
    """Per output of the node: the gradients that arrived and what the rule received."""
    found = []
    for nr, (arrived, received) in enumerate(zip(step.arrivals, step.grads_in)):
        found.append({
            "output": nr, "count": len(step.grads_in),
            "received": None if received is None else tensor_facts(array_of(received)),
            "hooked": step.hooked[nr],
            "from": [{"label": _sender(a), "grad": tensor_facts(array_of(a.grad))}
                     for a in arrived]})
    return found


def _sender(arrival: Any) -> str:
    if arrival.source is None:
        return "the start of backward"
    return f"{arrival.source.name} (step {arrival.source.number})"


def _sent(step: Step, graph: tr.Trace) -> list[dict]:
    """Per tensor input of the op: the gradient the rule returned and who received it."""
    names = _argument_names(step.node.function)
    sent = []
    for i, meta in enumerate(step.node.input_meta):
        if meta is None:
            continue
        grad = step.grads_out[i] if i < len(step.grads_out) else None
        target = step.targets[i] if i < len(step.targets) else None
        name = names[i] if i < len(names) else f"input {i}"
        if step.node.next_edges[i] is None:
            sent.append({"input": name, "to": f"{name} does not require grad", "grad": None})
        elif grad is None:
            sent.append({"input": name, "to": "the rule gave none", "grad": None})
        else:
            sent.append({"input": name, "to": _receiver(target, graph),
                         "grad": tensor_facts(array_of(grad))})
    return sent


def _receiver(target: Step | None, graph: tr.Trace) -> str:
    if target is None:
        return "nobody: no path to a leaf needs it"
    if target.leaf is not None:
        return f"{_leaf_title(target.leaf, graph, graph.keys.get(id(target.leaf)))} " \
               f"(step {target.number})"
    return f"{target.name} (step {target.number})"


def _edges(step: Step, graph: tr.Trace) -> list[str]:
    """Drawing edges the gradients of this step travel: into the node from each output
    that received one, and from the node towards each input it sent one to (edges
    folded into a module box are not drawn, so not listed)."""
    node_key = graph.keys.get(id(step.leaf if step.leaf is not None else step.node))
    found = []
    if step.leaf is None:
        for nr, grad in enumerate(step.grads_in):
            out_key = graph.keys.get((id(step.node), nr))
            if grad is not None and out_key is not None:
                found.append(f"{node_key}->{out_key}")
        for i, target in enumerate(step.targets):
            if target is None:
                continue
            edge = step.node.next_edges[i]
            feeder = graph.keys.get(id(target.leaf)) if target.leaf is not None else \
                graph.keys.get((id(edge[0]), edge[1]))
            if feeder is not None:
                found.append(f"{feeder}->{node_key}")
    drawn = {f"{a}->{b}" for a, b in graph.edges}
    return sorted(set(found) & drawn)


def _leaf_title(leaf: Any, graph: tr.Trace, key: str | None) -> str:
    vertex = graph.by_key().get(key) if key is not None else None
    name = vertex.title.split(" (")[0] if vertex is not None and vertex.kind != tr.MODULE \
        else ""
    return f"leaf {name}" if name else "leaf"


def _argument_names(function: Any) -> list[str]:
    """The names of ``forward``'s positional arguments after ``ctx`` (``x``, ``y``)."""
    try:
        params = list(inspect.signature(function.forward).parameters.values())[1:]
    except (TypeError, ValueError):
        return []
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def _modules(steps: BackwardSteps) -> list[Any]:
    """The outermost module of every step's scope, for naming the modules."""
    found: dict[int, Any] = {}
    for step in steps:
        if step.scope:
            found.setdefault(id(step.scope[0]), step.scope[0])
    return list(found.values())
