"""`Pointwise`: the shared shape of a primitive that is one NumPy function applied
elementwise, with one gradient rule per input.

A subclass names its function (``compute``), what its backward reads (``saves``: some of
``"x"`` and ``"y"``, the inputs, and ``"z"``, the output; the same values PyTorch saves,
so an in-place change to anything else does not block backward) and one rule per input,
``rule(g, x, y, z)``, written with minigrad operations so that the gradient can be
differentiated again. Values not saved reach the rules as None; each gradient is summed
back to its input's shape, for inputs that were broadcast. A subclass whose rules share
a term can compute it once in ``prepare(x, y, z)``, which returns what the rules receive.

```python
@register("log1p")
class Log1p(Pointwise):
    \"\"\"z = log(1 + x).  dz/dx = 1 / (1 + x).\"\"\"

    compute = staticmethod(np.log1p)
    saves = "x"
    rules = (lambda g, x, y, z: g / (x + 1),)
```
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..autograd.function import Function
from .broadcasting import sum_to


class Pointwise(Function):
    """z = compute(x) or compute(x, y) elementwise.  dz/d(input i) = ``rules[i](g, x, y, z)``."""

    compute: Callable[..., np.ndarray]
    saves: str = ""
    rules: tuple[Callable[..., Any], ...] = ()

    @classmethod
    def forward(cls, ctx, *inputs):
        with np.errstate(all="ignore"):  # poles and out-of-domain values give inf and nan
            z = cls.compute(*inputs)
        values = dict(zip("xy", inputs), z=z)
        ctx.save_for_backward(*[values.get(k) if k in cls.saves else None for k in "xyz"])
        ctx.shapes = tuple(a.shape for a in inputs)
        return z

    @classmethod
    def prepare(cls, x: Any, y: Any, z: Any) -> tuple[Any, Any, Any]:
        return x, y, z

    @staticmethod
    def backward(ctx, g):
        x, y, z = ctx.function.prepare(*ctx.saved_tensors)
        return tuple(sum_to(rule(g, x, y, z), shape) if needed else None
                     for rule, shape, needed in zip(ctx.function.rules, ctx.shapes,
                                                    ctx.needs_input_grad))
