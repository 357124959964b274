"""Optimizers and learning-rate schedules.

Every optimizer updates the parameters' arrays in place with NumPy (float32 stays float32)
and marks them modified, so a graph that saved the old values refuses to run backward.
"""
from . import lr_scheduler, swa_utils
from .adafactor import Adafactor
from .adagrad import Adadelta, Adagrad
from .adam import Adam, AdamW
from .adam_variants import Adamax, NAdam, RAdam
from .lbfgs import LBFGS
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD
from .sign_and_averaging import ASGD, Rprop
from .sparse_adam import SparseAdam

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop",
           "Adagrad", "Adadelta", "Adafactor", "LBFGS", "Rprop", "ASGD", "SparseAdam",
           "lr_scheduler",
           "swa_utils"]
