"""cffi (API mode) build of the C core.

setup.py names `ffibuilder` as a cffi module, so `pip install` compiles it;
`python -m zskip.core_model.build_core` (or `python core_model/build_core.py`) rebuilds
the extension in place after editing csrc/. The cdef is made from csrc/zs_core.h (see
its top comment), so the boundary is written once: the state structs Python sets and
reads, the status, counter and op-class enums, and three functions.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent
CSRC = HERE / "csrc"

def cdef() -> str:
    """The cffi declarations, from the header itself: zs_core.h preprocessed with ZS_CDEF
    defined (its Python-visible part: enums, zs_config, zs_arch, zs_report, the counters
    and the functions; zs_state partial), and its numeric ZS_* #defines as `...`."""
    cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    out = subprocess.run([*cc, "-E", "-P", "-DZS_CDEF", "-I", str(CSRC), "-"],
                         input='#include "zs_core.h"\n', capture_output=True, text=True,
                         check=True).stdout
    headers = "".join((CSRC / name).read_text() for name in ("zs_core.h", "isa_table.h"))
    defines = re.findall(r"^#define (ZS_[A-Z0-9_]+) \d+\s*$", headers, flags=re.M)
    return "".join(f"#define {name} ...\n" for name in defines) + out

def make_builder(absolute_paths: bool) -> FFI:
    """setuptools wants source paths relative to setup.py (the project root); a direct
    build compiles in a temporary directory and needs absolute ones."""
    source = CSRC / "zs_core.c"
    builder = FFI()
    builder.cdef(cdef())
    builder.set_source(
        "zskip.core_model._core",
        '#include "zs_core.h"\n',
        sources=[str(source if absolute_paths else source.relative_to(HERE.parent))],
        include_dirs=[str(CSRC if absolute_paths else CSRC.relative_to(HERE.parent))],
        depends=[str(p) for p in CSRC.iterdir()] if absolute_paths else [],
        # -O2: -O3 and -march=native were no faster for this loop (DESIGN.md);
        # -fno-crossjumping keeps a copy of the dispatch in every handler (threading);
        # handlers on 32-byte boundaries in 64-byte aligned loops: without, the loops'
        # speed moved by up to a fifth with unrelated edits (where the code fell)
        extra_compile_args=["-O2", "-fno-crossjumping", "-falign-labels=32",
                            "-falign-functions=64", "-std=gnu11", "-Wall", "-Wno-unused-label",
                            "-Wno-unused-variable", "-Wno-unused-but-set-variable"],
    )
    return builder


ffibuilder = make_builder(absolute_paths=False)   # named in setup.py's cffi_modules


def build_in_place() -> Path:
    """Compile the extension and copy it next to this file (editable installs). Other
    builds there (`_core.abi3.so` beside `_core.cpython-311-...so`) are removed: Python
    would import whichever its suffix order prefers, perhaps a stale one. The new file
    replaces the old one by rename: a process that has the old one loaded keeps it."""
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(make_builder(absolute_paths=True).compile(tmpdir=tmp, verbose=False))
        target = HERE / built.name
        for other in HERE.glob("_core.*.so"):
            if other.name != target.name:
                other.unlink()
        staged = target.with_name(target.name + ".new")
        shutil.copy2(built, staged)
        os.replace(staged, target)
    return target


if __name__ == "__main__":
    print(build_in_place(), file=sys.stderr)
