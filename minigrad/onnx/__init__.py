"""Export a minigrad model to ONNX, to run it in ONNX Runtime or anywhere else.

>>> minigrad.onnx.export(model, example, "model.onnx", dynamic_axes={"input": {0: "batch"}})

``export`` runs the model on example inputs, reads the graph the run recorded, and writes
every primitive through its entry in one lowering table (``support()`` lists every
registered primitive as exportable or not, with the reason). It needs the optional
``onnx`` package (``pip install "minigrad[onnx]"``), imported only when ``export`` runs.

The modules of this package:

* ``trace``: run the model, read the graph as steps;
* ``consistency``: a second run at other sizes finds the dynamic dims and refuses values
  computed outside the graph;
* ``derive``: the data-derived helper arrays it recognises (softmax's shift, masks);
* ``table`` with ``lower_math``, ``lower_shape``, ``lower_conv``: the lowerings;
* ``modules``: whole-module lowerings (BatchNorm in eval); ``fold_pads``: a pad read by a
  conv or pooling step becomes that operator's pads;
* ``builder``: the ONNX graph under construction; ``export``: the entry point.
"""
from .errors import OnnxExporterError, UnsupportedOperatorError
from .export import DEFAULT_OPSET, export
from .table import support

__all__ = ["export", "support", "OnnxExporterError", "UnsupportedOperatorError",
           "DEFAULT_OPSET"]
