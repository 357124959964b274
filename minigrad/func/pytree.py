"""Pytrees: nested tuples, lists and dicts, with tensors (or anything else) as leaves.

`minigrad.func` takes and returns such structures, as ``torch.func`` does: the argument
of ``grad`` may be a dict of parameters, and its gradient is a dict with the same keys.
`tree_flatten` lists the leaves (depth first, dicts in their key order) together with a
`TreeSpec` that records the structure, and `tree_unflatten` puts new leaves back into it.
Tuples (named tuples too), lists and dicts are containers; anything else, ``None``
included, is a leaf.
"""
from __future__ import annotations

from typing import Any, Callable

__all__ = ["TreeSpec", "tree_flatten", "tree_unflatten", "tree_map", "broadcast_prefix"]


class TreeSpec:
    """The structure of a pytree: its container types and dict keys, without the leaves.

    Two specs are equal when the structures are (a tuple and a list are different
    structures, as in PyTorch). ``repr`` draws a leaf as ``*``: ``({'a': *}, [*, *])``.
    """

    __slots__ = ("kind", "keys", "children", "num_leaves")

    def __init__(self, kind: type | None, keys: tuple = (), children: tuple = ()) -> None:
        self.kind = kind          # the container's type; None for a leaf
        self.keys = keys          # a dict's keys, in order
        self.children = children  # the specs of the items
        self.num_leaves = 1 if kind is None else sum(c.num_leaves for c in children)

    def is_leaf(self) -> bool:
        return self.kind is None

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, TreeSpec) and self.kind is other.kind
                and self.keys == other.keys and self.children == other.children)

    def __hash__(self) -> int:
        return hash((self.kind, self.keys, self.children))

    def __repr__(self) -> str:
        if self.kind is None:
            return "*"
        items = [repr(c) for c in self.children]
        if issubclass(self.kind, dict):
            return "{" + ", ".join(f"{k!r}: {c}" for k, c in zip(self.keys, items)) + "}"
        if issubclass(self.kind, list):
            return "[" + ", ".join(items) + "]"
        if self.kind is tuple:
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        return f"{self.kind.__name__}(" + ", ".join(items) + ")"


_LEAF = TreeSpec(None)


def _items(tree: Any) -> tuple[type | None, tuple, list]:
    """(container type or None, dict keys, items) of one level of ``tree``."""
    if isinstance(tree, dict):
        return type(tree), tuple(tree), list(tree.values())
    if isinstance(tree, (tuple, list)):
        return type(tree), (), list(tree)
    return None, (), []


def tree_flatten(tree: Any) -> tuple[list, TreeSpec]:
    """(the leaves of ``tree`` in order, its structure)."""
    leaves: list = []

    def walk(node: Any) -> TreeSpec:
        kind, keys, items = _items(node)
        if kind is None:
            leaves.append(node)
            return _LEAF
        return TreeSpec(kind, keys, tuple(walk(item) for item in items))

    return leaves, walk(tree)


def tree_unflatten(leaves: list, spec: TreeSpec) -> Any:
    """The pytree of structure ``spec`` whose leaves are ``leaves``, in order."""
    if len(leaves) != spec.num_leaves:
        raise ValueError(f"tree_unflatten: expected {spec.num_leaves} leaves, got {len(leaves)}")
    values = iter(leaves)

    def build(node: TreeSpec) -> Any:
        if node.kind is None:
            return next(values)
        items = [build(child) for child in node.children]
        if issubclass(node.kind, dict):
            return node.kind(zip(node.keys, items))
        if issubclass(node.kind, tuple) and hasattr(node.kind, "_fields"):  # a named tuple
            return node.kind(*items)
        return node.kind(items)

    return build(spec)


def tree_map(fn: Callable[[Any], Any], tree: Any) -> Any:
    """``tree`` with ``fn`` applied to every leaf."""
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(leaf) for leaf in leaves], spec)


def broadcast_prefix(prefix: Any, tree: Any) -> list | None:
    """One value of ``prefix`` per leaf of ``tree``: where ``prefix`` has a leaf, that
    value stands for the whole subtree of ``tree`` there (how vmap's ``in_dims=(0, None)``
    covers a dict argument). None when ``prefix`` is not a prefix of ``tree``'s structure."""
    result: list = []

    def walk(p: Any, node: Any) -> bool:
        p_kind, p_keys, p_items = _items(p)
        if p_kind is None:
            result.extend([p] * tree_flatten(node)[1].num_leaves)
            return True
        kind, keys, items = _items(node)
        if kind is not p_kind or keys != p_keys or len(items) != len(p_items):
            return False
        return all(walk(a, b) for a, b in zip(p_items, items))

    return result if walk(prefix, tree) else None
