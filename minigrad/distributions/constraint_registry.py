"""``biject_to`` and ``transform_to``: from a constraint to a transform that maps
unconstrained reals onto it, as ``torch.distributions.constraint_registry``. Use them to
optimise a constrained parameter in unconstrained space:

```python
unconstrained = minigrad.zeros(3, requires_grad=True)
scale = transform_to(constraints.positive)(unconstrained)   # always > 0
```

``biject_to(c)`` is a bijection (so its log-Jacobian can enter a density, as in HMC);
``transform_to(c)`` only needs to land in ``c`` (``SoftmaxTransform`` for the simplex,
which is cheaper than stick breaking). Both dispatch on the constraint's class; register
more with ``biject_to.register(constraint_or_class, factory)``.
"""
from __future__ import annotations

from typing import Any, Callable

from . import constraints
from .elementwise_transforms import (AffineTransform, ExpTransform, SigmoidTransform,
                                     SoftmaxTransform, StickBreakingTransform)
from .matrix_transforms import (CorrCholeskyTransform, LowerCholeskyTransform,
                                PositiveDefiniteTransform)
from .structured_transforms import CatTransform, StackTransform
from .transform import ComposeTransform, IndependentTransform, Transform, identity_transform

__all__ = ["ConstraintRegistry", "biject_to", "transform_to"]


class ConstraintRegistry:
    """Constraint class -> factory ``f(constraint) -> Transform``."""

    def __init__(self) -> None:
        self._registry: dict[type, Callable] = {}

    def register(self, constraint: Any, factory: Callable | None = None) -> Any:
        """Register ``factory`` for the class of ``constraint`` (an instance or a
        subclass of `constraints.Constraint`); without ``factory``, a decorator."""
        if factory is None:
            return lambda factory: self.register(constraint, factory)
        if isinstance(constraint, constraints.Constraint):
            constraint = type(constraint)
        if not isinstance(constraint, type) or \
                not issubclass(constraint, constraints.Constraint):
            raise TypeError(f"Expected constraint to be either a Constraint subclass or "
                            f"instance, but got {constraint}")
        self._registry[constraint] = factory
        return factory

    def __call__(self, constraint: constraints.Constraint) -> Transform:
        """The registered transform for ``constraint``.

        Raises
        ------
        NotImplementedError
            If nothing is registered for its class.
        """
        try:
            factory = self._registry[type(constraint)]
        except KeyError:
            raise NotImplementedError(f"Cannot transform {type(constraint).__name__} "
                                      f"constraints") from None
        return factory(constraint)


biject_to = ConstraintRegistry()
transform_to = ConstraintRegistry()


def _both(*kinds: Any) -> Callable:
    """Register the decorated factory with both registries, for each constraint kind."""
    def register(factory: Callable) -> Callable:
        for kind in kinds:
            biject_to.register(kind, factory)
            transform_to.register(kind, factory)
        return factory
    return register


@_both(constraints.real)
def _to_real(constraint: Any) -> Transform:
    return identity_transform


@_both(constraints.positive, constraints.nonnegative)
def _to_greater_than(constraint: Any) -> Transform:
    """``lower + exp(x)``."""
    return ComposeTransform([ExpTransform(), AffineTransform(constraint.lower_bound, 1)])


@_both(constraints.less_than)
def _to_less_than(constraint: Any) -> Transform:
    """``upper - exp(x)``."""
    return ComposeTransform([ExpTransform(), AffineTransform(constraint.upper_bound, -1)])


@_both(constraints.interval, constraints.half_open_interval)
def _to_interval(constraint: Any) -> Transform:
    """``sigmoid`` itself for [0, 1], else rescaled: ``lower + (upper - lower) sigmoid``."""
    lower, upper = constraint.lower_bound, constraint.upper_bound
    if isinstance(lower, (int, float)) and isinstance(upper, (int, float)) and \
            lower == 0 and upper == 1:
        return SigmoidTransform()
    return ComposeTransform([SigmoidTransform(), AffineTransform(lower, upper - lower)])


biject_to.register(constraints.simplex, lambda c: StickBreakingTransform())
transform_to.register(constraints.simplex, lambda c: SoftmaxTransform())
transform_to.register(constraints.lower_cholesky, lambda c: LowerCholeskyTransform())
transform_to.register(constraints.positive_definite, lambda c: PositiveDefiniteTransform())
transform_to.register(constraints.positive_semidefinite,
                      lambda c: PositiveDefiniteTransform())
_both(constraints.corr_cholesky)(lambda c: CorrCholeskyTransform())


def _to_independent(registry: ConstraintRegistry) -> Callable:
    return lambda c: IndependentTransform(registry(c.base_constraint),
                                          c.reinterpreted_batch_ndims)


def _to_cat(registry: ConstraintRegistry) -> Callable:
    return lambda c: CatTransform([registry(part) for part in c.cseq], c.dim, c.lengths)


def _to_stack(registry: ConstraintRegistry) -> Callable:
    return lambda c: StackTransform([registry(part) for part in c.cseq], c.dim)


for _registry in (biject_to, transform_to):
    _registry.register(constraints.independent, _to_independent(_registry))
    _registry.register(constraints.cat, _to_cat(_registry))
    _registry.register(constraints.stack, _to_stack(_registry))
