"""zskip's compiler: networks (zskip's own and ONNX models) in a small layer IR
(network.py), their bit-exact integer reference (reference.py), code generation to
RV32IM assembly (codegen/), and the zero-skip pass that turns baseline assembly into
extended code (zeroskip/)."""
