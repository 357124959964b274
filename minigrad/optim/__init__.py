"""Optimizers and learning-rate schedules.

Every optimizer updates the parameters' arrays in place with NumPy (float32 stays float32)
and bumps their versions, so a graph that saved the old values refuses to run backward.
"""
from . import lr_scheduler
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "lr_scheduler"]
