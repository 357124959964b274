"""The exporter's errors, named and typed as ``torch.onnx``'s."""
from __future__ import annotations


class OnnxExporterError(RuntimeError):
    """The model cannot be exported as it is; nothing was written."""


class UnsupportedOperatorError(OnnxExporterError):
    """A primitive (or a use of it) has no ONNX lowering; the message names the primitive
    and the module it ran in."""
