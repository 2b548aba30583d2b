"""cffi (API mode) build of the C core: python core_model/build_core.py builds in place."""
from pathlib import Path

from cffi import FFI

CSRC = Path(__file__).resolve().parent / "csrc"

ffibuilder = FFI()
ffibuilder.cdef("int zs_probe(void);")
ffibuilder.set_source("zskip.core_model._core", "int zs_probe(void) { return 42; }",
                      extra_compile_args=["-O2"])

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
