"""A network named the way a user names it on the command line (a shipped name, an
.npz in the shipped formats, an .onnx model), and calibration samples for it: the
real inputs a user gives, or by default digits training images (pixels / 16, what
zskip's networks were trained on) for a network of 64 inputs."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from zskip.traces.digits import load_digits

from ..network import Network, NetworkError
from .shipped import PIXEL_VALUE, SHIPPED, digits_inputs, load_npz, load_shipped

DIGIT_PIXELS = 64


def _digits(n: int | None = None) -> np.ndarray:
    images = load_digits("train").images
    return images if n is None else images[:n]


def load_network(spec: str, calibration: np.ndarray | None = None) -> Network:
    """`spec`: a shipped name (SHIPPED), an .npz or an .onnx file. A float ONNX model
    is quantized on `calibration` (real inputs as the model takes them), by default
    on the digits training images when the model takes 64 values."""
    path = Path(spec)
    if path.suffix == ".onnx":
        from .onnx_import import load_onnx, model_input_size
        if calibration is None and model_input_size(path) == DIGIT_PIXELS:
            calibration = _digits().reshape(-1, DIGIT_PIXELS) * PIXEL_VALUE
        return load_onnx(path, calibration)
    if path.suffix == ".npz":
        return load_npz(path)
    if spec in SHIPPED:
        return load_shipped(spec)
    raise NetworkError(f"{spec}: not a shipped network ({', '.join(SHIPPED)}), an .npz "
                       "or an .onnx file")


def calibration_inputs(net: Network, n: int, calibration: np.ndarray | None = None
                       ) -> np.ndarray:
    """`n` stored samples for `net`: the first n of `calibration` (real inputs as the
    network's source takes them), else of the digits training images."""
    if "onnx_input_order" in net.metadata:
        from .onnx_import import onnx_inputs
        if calibration is None:
            if net.input.size != DIGIT_PIXELS:
                raise NetworkError(f"{net.name}: takes {net.input.shape}, not digits: give "
                                   "calibration inputs")
            calibration = _digits(n).reshape(-1, DIGIT_PIXELS) * PIXEL_VALUE
        return onnx_inputs(net, np.asarray(calibration)[:n])
    if calibration is not None:
        return net.quantize_input(np.asarray(calibration)[:n].reshape(-1, *net.input.shape))
    return digits_inputs(net, _digits(n))
