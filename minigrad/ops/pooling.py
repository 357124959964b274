"""Pooling primitives (max/avg). Being written; see issue 3."""
