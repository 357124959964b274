"""The backward pass as a list of steps, in the order the engine runs them.

``backward_steps`` asks the engine to run the walk that ``backward()`` runs, with an
observer instead of ``.grad`` (``minigrad.autograd.engine.observe_backward``), and writes
down what happens at each node: the gradients that arrived (and from whom), the node's
gradient rule, and what it sent on. Nothing here computes a gradient itself, so the
steps cannot disagree with ``backward()``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

import numpy as np

from ..autograd import engine
from ..creation import ones_like, tensor as as_tensor
from ..internal import array_of
from ..tensor import Tensor
from .trace import as_tensor_list, output_index, primitive_name


@dataclass
class Arrival:
    """One gradient that reached a node output.

    Attributes
    ----------
    source : Step or None
        The step that sent it; None for the gradient ``backward`` starts from (the
        ``gradient`` argument, or 1 for a scalar output).
    index : int
        Which input of the sender it was the gradient of.
    grad : Tensor
    """

    source: "Step | None"
    index: int
    grad: Tensor


@dataclass(eq=False)
class Step:
    """What one node did during backward.

    Attributes
    ----------
    number : int
        Position in the walk, from 1.
    node : object
        The graph node: an op's ``grad_fn``, or the ``AccumulateGrad`` node of a leaf.
    name : str
        The primitive's name, or ``"leaf"`` for a leaf.
    leaf : Tensor or None
        For a leaf step, the leaf tensor (whose ``.grad`` ``backward()`` would add
        ``grads_in[0]`` to).
    attrs : dict
        The op's non-default arguments (empty unless the forward ran inside
        ``minigrad.viz.record()``).
    scope : tuple
        The modules the op was recorded in, outermost first (same condition).
    rule : str
        The gradient rule, from the primitive's docstring (``z = x * y.  dz/dx = y, ...``).
    arrivals : list of list of Arrival
        Per output: every gradient that reached it, in order.
    grads_in : list of Tensor or None
        Per output: the gradient the rule received, after adding the arrivals up and
        running the hooks; None where nothing arrived (the rule then gets zeros).
    grads_out : tuple of Tensor or None
        Per positional input: the gradient the rule returned for it; empty for a leaf.
    targets : list of Step or None
        Per positional input: the step that received ``grads_out[i]``, when one did.
    """

    number: int
    node: Any
    name: str
    leaf: Tensor | None = None
    attrs: dict = field(default_factory=dict)
    scope: tuple = ()
    rule: str = ""
    arrivals: list = field(default_factory=list)
    grads_in: list = field(default_factory=list)
    grads_out: tuple = ()
    targets: list = field(default_factory=list)

    @property
    def hooked(self) -> list[bool]:
        """Per output: whether a hook changed the sum of the arrivals."""
        return [g is not None and len(a) > 0
                and not np.array_equal(array_of(_sum(a)), array_of(g))
                for a, g in zip(self.arrivals, self.grads_in)]

    def __repr__(self) -> str:
        return f"<Step {self.number}: {self.name}>"


class BackwardSteps(Sequence[Step]):
    """The steps of one backward pass; a sequence of `Step`.

    In Jupyter it displays itself as the step-by-step viewer of `save_backward_html`.
    """

    def __init__(self, steps: list[Step], outputs: list[Tensor], params: Any) -> None:
        self.steps, self.outputs, self.params = steps, outputs, params

    def __getitem__(self, i: Any) -> Any:
        return self.steps[i]

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def leaf_grads(self) -> dict[int, Tensor]:
        """``id(leaf) -> gradient`` this backward pass adds to each leaf's ``.grad``."""
        return {id(s.leaf): s.grads_in[0] for s in self.steps if s.leaf is not None}

    def __repr__(self) -> str:
        names = " -> ".join(s.name for s in self.steps[:8])
        more = " -> ..." if len(self.steps) > 8 else ""
        return f"<BackwardSteps: {len(self.steps)} steps: {names}{more}>"

    def to_html(self, **options: Any) -> str:
        """The viewer page as a string (see `save_backward_html`)."""
        from .viewer import backward_html

        return backward_html(self, **options)

    def _repr_html_(self) -> str | None:
        """The viewer in a frame; None (so the text repr is shown) without Graphviz."""
        from .viewer import notebook_frame

        try:
            return notebook_frame(self.to_html())
        except (ImportError, RuntimeError):
            return None


def backward_steps(output: Any, gradient: Any = None, params: Any = None) -> BackwardSteps:
    """The steps of ``output.backward(gradient)``, in the order the engine runs them.

    The walk is the engine's own (hooks included), run with ``retain_graph=True``, and no
    ``.grad`` is changed. Op attributes and module scopes are only known for a graph
    recorded inside ``minigrad.viz.record()``.

    Parameters
    ----------
    output : Tensor or sequence of Tensor
        What ``backward`` would start from.
    gradient : Tensor or sequence, optional
        As in ``Tensor.backward``; None for a scalar output.
    params : dict of str to Tensor, or Module, optional
        Names for the leaves, used when the steps are drawn.

    Returns
    -------
    BackwardSteps
        A sequence of `Step`. Leaves appear as steps named ``"leaf"`` whose
        ``grads_in[0]`` is what ``backward()`` adds to their ``.grad``.

    Examples
    --------
    >>> b = a * a
    >>> c = b + b
    >>> [s.name for s in minigrad.viz.backward_steps(c.sum())]
    ['sum', 'add', 'mul', 'leaf']
    """
    outputs = as_tensor_list(output)
    if gradient is not None and not isinstance(gradient, (list, tuple)):
        gradient = [gradient]
    recorder = _Recorder()
    for tensor, g in zip(outputs, gradient or [None] * len(outputs)):
        recorder.seed(tensor, g)
    engine.observe_backward(outputs, gradient, observer=recorder)
    return BackwardSteps(recorder.finish(), outputs, params)


class _Recorder:
    """Turns the engine's events into steps (sends may come before or after their run)."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.by_node: dict[int, Step] = {}
        self.sends: list[tuple[Any, int, Any, int, Tensor]] = []
        self.seeds: list[tuple[Any, int, Tensor]] = []

    def seed(self, tensor: Tensor, gradient: Any) -> None:
        """Note the gradient ``backward`` starts from at ``tensor`` (ones for a scalar)."""
        if not isinstance(gradient, Tensor):
            gradient = (ones_like(tensor) if gradient is None
                        else as_tensor(gradient, dtype=tensor.dtype))
        if tensor.grad_fn is not None:
            self.seeds.append((tensor.grad_fn, output_index(tensor), gradient))
        else:  # a leaf: matched to its step by the tensor
            self.seeds.append((tensor, 0, gradient))

    def __call__(self, event: str, **fields: Any) -> None:
        if event == "send":
            self.sends.append((fields["source"], fields["index"], fields["target"],
                               fields["target_nr"], fields["grad"]))
        elif event == "run":
            node = fields["node"]
            step = self._new_step(node, primitive_name(node), None)
            step.grads_in = list(fields["grads_in"])
            step.grads_out = tuple(fields["grads_out"])
            step.attrs = {k: v for k, v in node.attrs.items() if v is not None}
            step.scope = tuple(node.scope or ())
            step.rule = gradient_rule(node.function)
        elif event == "leaf":
            node = fields["node"]
            step = self._new_step(node, "leaf", node.variable)
            step.grads_in = [fields["grad"]]
            step.rule = "added to .grad"

    def _new_step(self, node: Any, name: str, leaf: Tensor | None) -> Step:
        step = Step(number=len(self.steps) + 1, node=node, name=name, leaf=leaf)
        self.steps.append(step)
        self.by_node[id(node)] = step
        return step

    def finish(self) -> list[Step]:
        for step in self.steps:
            outputs = len(step.grads_in)
            step.arrivals = [[] for _ in range(outputs)]
            step.targets = [None] * len(step.grads_out)
        for node, nr, gradient in self.seeds:
            step = self._step_of_seed(node)
            if step is not None:
                step.arrivals[nr].append(Arrival(None, 0, gradient))
        for source, index, target, target_nr, grad in self.sends:
            sender, receiver = self.by_node.get(id(source)), self.by_node.get(id(target))
            if receiver is not None:
                receiver.arrivals[target_nr].append(Arrival(sender, index, grad))
            if sender is not None:
                sender.targets[index] = receiver
        return self.steps

    def _step_of_seed(self, node: Any) -> Step | None:
        if isinstance(node, Tensor):
            return next((s for s in self.steps if s.leaf is node), None)
        return self.by_node.get(id(node))


def gradient_rule(function: Any) -> str:
    """The first paragraph of a primitive's docstring, on one line."""
    lines = []
    for line in (function.__doc__ or "").strip().splitlines():
        if not line.strip():
            break
        lines.append(line.strip())
    return " ".join(lines)


def _sum(arrivals: list[Arrival]) -> Tensor:
    total = arrivals[0].grad
    for arrival in arrivals[1:]:
        total = total + arrival.grad
    return total

