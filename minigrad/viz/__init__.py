"""See what minigrad recorded: a Graphviz drawing of the forward graph, and a model summary.

``draw_graph`` and ``save_graph`` need the optional ``graphviz`` Python package
(``pip install minigrad[viz]``); importing this module does not, and ``summary`` never does.
"""
from .graph import draw_graph, save_graph
from .summary import ModelSummary, summary

__all__ = ["draw_graph", "save_graph", "summary", "ModelSummary"]
