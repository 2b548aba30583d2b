"""zskip: a processor ISA-extension simulator for zero-skipping in neural-network kernels."""
__version__ = "0.1.0"
