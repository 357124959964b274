"""Autograd: Function and the primitive registry, the backward engine, and grad modes
(plus ``functional``: jacobian, hessian, vjp, jvp; ``forward_ad``: dual tensors; anomaly
detection; PyTorch's legacy names: ``Variable``, ``gradcheck``)."""
from . import details
from .details import record_details
from .function import Function, Node, primitives, register
from .engine import backward, grad, observe_backward
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                        is_inference_mode_enabled, no_grad, set_grad_enabled)
from .anomaly import (detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled,
                      set_detect_anomaly)
from .legacy import Variable, gradcheck, gradgradcheck
from . import functional  # vjp, jvp, jacobian, hessian, vhp, hvp
from . import forward_ad  # dual tensors: make_dual, unpack_dual, dual_level
from . import graph  # saved_tensors_hooks, save_on_cpu, disable_saved_tensors_hooks

__all__ = ["Function", "Node", "primitives", "register", "backward", "grad",
           "observe_backward", "record_details", "enable_grad",
           "is_grad_enabled", "no_grad", "set_grad_enabled", "inference_mode",
           "is_inference_mode_enabled", "detect_anomaly", "set_detect_anomaly",
           "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "Variable", "gradcheck", "gradgradcheck",
           "functional", "forward_ad", "graph"]
