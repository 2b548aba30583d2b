"""Code generation: a layer-IR network (compiler/network.py) to one RV32IM program."""
