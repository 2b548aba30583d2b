"""Frontends: networks into the layer IR (compiler/network.py). shipped.py reads zskip's
own networks (traces/data); onnx_import.py reads ONNX models (the optional `onnx`
extra, so it is imported on its own: `from zskip.compiler.frontends.onnx_import import
load_onnx`)."""
from .shipped import SHIPPED, digits_inputs, load_npz, load_shipped

__all__ = ["SHIPPED", "digits_inputs", "load_npz", "load_shipped"]
