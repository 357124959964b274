"""See what minigrad recorded and watch backward walk it.

* `draw_graph` / `save_graph`: a Graphviz drawing of the forward graph;
* `backward_steps` / `save_backward_html`: the backward pass node by node, as data and as
  a self-contained page that steps through it;
* `summary`: a model's layers as a table;
* `record`: a context manager under which the graph also keeps module scopes and op
  attributes, for clusters and labels in the drawings.

The drawings need the optional ``graphviz`` Python package (``pip install graphviz``, or
``pip install -e ".[viz]"`` in a clone of minigrad) and the pages also the Graphviz
program ``dot``; importing this module needs neither, and ``summary`` never does.
"""
from ..autograd.details import record_details as record
from .graph import draw_graph, save_graph
from .steps import Arrival, BackwardSteps, Step, backward_steps
from .summary import ModelSummary, summary
from .viewer import save_backward_html

__all__ = ["record", "draw_graph", "save_graph", "backward_steps", "save_backward_html",
           "BackwardSteps", "Step", "Arrival", "summary", "ModelSummary"]
