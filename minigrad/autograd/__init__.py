"""Autograd: Function and the primitive registry, the backward engine, and grad modes."""
from . import details
from .details import record_details
from .function import Function, Node, primitives, register
from .engine import backward, grad, observe_backward
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, no_grad,
                        set_grad_enabled)

__all__ = ["Function", "Node", "primitives", "register", "backward", "grad",
           "observe_backward", "record_details", "enable_grad", "inference_mode",
           "is_grad_enabled", "no_grad", "set_grad_enabled"]
