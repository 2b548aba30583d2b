"""What the ONNX importer refuses, and how it says so: the node's name and operator."""
import numpy as np
import pytest
from onnx import helper

from zskip.compiler.frontends.onnx_import import OnnxImportError, load_onnx
from zskip.compiler.network import NetworkError
from zskip.isa.errors import ZskipError

from .test_onnx_import import const, float_mlp, model, qdq_mlp


def test_error_is_a_zskip_error():
    assert issubclass(OnnxImportError, NetworkError) and issubclass(OnnxImportError, ZskipError)


def test_unsupported_operator_names_node_and_operator():
    nodes = [helper.make_node("MatMul", ["x", "w"], ["h"], name="fc"),
             helper.make_node("Sigmoid", ["h"], ["y"], name="gate")]
    built = model(nodes, [const("w", np.ones((64, 10)), np.float32)], [64])
    with pytest.raises(OnnxImportError, match=r"node 'gate' \(Sigmoid\): operator Sigmoid "
                                              r"is not supported \(supported: .*Gemm"):
        load_onnx(built, calibration=np.zeros((4, 64)))


def test_unnamed_node_is_named_by_position():
    nodes = [helper.make_node("MatMul", ["x", "w"], ["h"]), helper.make_node("Tanh", ["h"], ["y"])]
    built = model(nodes, [const("w", np.ones((64, 10)), np.float32)], [64])
    with pytest.raises(OnnxImportError, match=r"node '#1 Tanh' \(Tanh\)"):
        load_onnx(built)


def test_asymmetric_weights_are_refused():
    built = qdq_mlp()
    built.graph.initializer.append(const("z_w", 3, np.int8))
    for node in built.graph.node:
        if node.input[0] == "w1":
            node.input[2] = "z_w"
    with pytest.raises(OnnxImportError, match="nonzero zero point: zskip needs symmetric"):
        load_onnx(built)


def test_per_channel_weight_scales_are_refused():
    built = qdq_mlp()
    built.graph.initializer.append(const("sw_channels", np.linspace(0.01, 0.02, 64), np.float32))
    built.graph.initializer.append(const("z_channels", np.zeros(64), np.int8))
    for node in built.graph.node:
        if node.input[0] == "w1":
            node.input[1:] = ["sw_channels", "z_channels"]
    with pytest.raises(OnnxImportError, match="one scale per channel"):
        load_onnx(built)


def test_float_model_needs_calibration():
    with pytest.raises(OnnxImportError, match=r"node 'fc1' reads the float input 'x': a float "
                                              r"model needs calibration data"):
        load_onnx(float_mlp())


def test_branching_graph_is_refused():
    nodes = [helper.make_node("Relu", ["x"], ["a"], name="relu"),
             helper.make_node("Add", ["a", "x"], ["y"], name="skip")]
    built = model(nodes, [], [64], out_shape=(64,))
    with pytest.raises(OnnxImportError, match=r"node 'skip' \(Add\): reads a, x: zskip "
                                              r"imports chains"):
        load_onnx(built)


def test_unreadable_file(tmp_path):
    path = tmp_path / "broken.onnx"
    path.write_bytes(b"not a model")
    with pytest.raises(OnnxImportError, match="cannot read an ONNX model"):
        load_onnx(path)


def test_dims_must_be_known():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    built = model(nodes, [], ["k"], out_shape=("k",))
    with pytest.raises(OnnxImportError, match="with known sizes"):
        load_onnx(built)
