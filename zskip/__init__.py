"""zskip: a processor ISA-extension simulator for zero-skipping in neural-network kernels."""
