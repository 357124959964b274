"""Learning-rate schedules: they change each parameter group's ``lr`` once per ``step()``.

As in PyTorch, a schedule is *chainable*: each step derives the new rate from the group's
current rate, so two schedules on one optimizer compose (for example a decay on top of a
rate set by hand). Without outside changes every schedule follows the closed form given in
its docstring, where ``t`` counts the calls to ``step()`` since construction.
"""
from .base import LRScheduler
from .composite import ChainedScheduler, SequentialLR
from .cyclic import CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from .decay import (ConstantLR, ExponentialLR, LambdaLR, LinearLR, MultiplicativeLR,
                    MultiStepLR, PolynomialLR, StepLR)
from .plateau import ReduceLROnPlateau

_LRScheduler = LRScheduler  # PyTorch's old name, still used by older programs

__all__ = ["LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR",
           "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR", "CosineAnnealingLR",
           "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR", "ReduceLROnPlateau",
           "SequentialLR", "ChainedScheduler"]
