"""Translation: a program's code compiled into the block loop (libriscv's binary
translation, the way this core can do it).

The block loop (csrc/run_loop.h) dispatches every instruction through its slot's
handler and reads the slot's fields from memory. A translation is the same template
compiled with TRANSLATED: the slot's register numbers, immediate and branch target as
constants (and the memory's bounds, the data cache's geometry and, where it checks
triggers, the SASA table's size: a translation made for one configuration runs in no
other), each slot's code falling into the next's, a label (in a table from slot to
label) only where a block may start, and a check of the SASA table at the slots that
are triggers; a terminator whose successor is a block the interpreter knows enters it
with a direct jump, its length and schedule constants. Everything else is the block
loop's: block counts, static schedules, caches, predictors, skips, SASA, faults; its
helpers are compiled in from zs_core.c (ZS_TRANSLATION). So a translated run gives the
counters, registers and memory of an interpreted one; tests/core_model/test_translate.py
checks it against the per-instruction loop.

Only slots the interpreter has decoded are translated (their fields as decoded: a word
the program rewrote without fence.i runs as the interpreter would run it). A block
entered where there is no code runs in the interpreter (after many such exits the core
asks the Machine for a new translation); a SASA write making a trigger the translation
does not check, fence.i and reset drop it. The source is compiled with the system C
compiler into a shared object cached by its digest (~/.cache/zskip/translations), so a
second machine on the same code and config loads it without compiling; where no
compiler is found, the interpreter runs alone.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import shlex
import shutil
import subprocess
import sysconfig
import tempfile
from pathlib import Path

import numpy as np

from zskip.isa.cheader import insn_roles
from zskip.isa.table import INSTRUCTIONS

from ._core import ffi, lib

CSRC = Path(__file__).resolve().parent / "csrc"
SLOT_DTYPE = np.dtype([("target", "<i4"), ("h", "<i4", (2,)), ("imm", "<i4"),
                       ("count", "<u4"), ("rd", "u1"), ("rs1", "u1"), ("rs2", "u1"),
                       ("opc", "u1"), ("id", "<u2"), ("blen", "<u2"), ("blk", "<u4")])
assert SLOT_DTYPE.itemsize == lib.ZS_SLOT_SIZE
NO_TARGET = -(1 << 31)
NO_BLOCK = (1 << 32) - 1
# no SLP vectorizing: it packs a block's register stores into vector shuffles
CFLAGS = ["-O2", "-std=gnu11", "-fPIC", "-shared", "-fno-crossjumping",
          "-fno-tree-slp-vectorize", "-w"]
# A translation that checks SASA triggers leaves its straight code at each skip and comes
# back through the loop's one computed goto; GCC's global CSE puts the code's slot
# addresses in front of that jump (spilled, 34 host instructions a skip on snn/sasa).
# Without it such code runs about 9% faster, and code without triggers 1-4% slower.
TRIGGER_CFLAGS = ["-fno-gcse"]


def translation_source(slots: np.ndarray, config, *, timing: bool, predicting: bool,
                       checked: np.ndarray) -> str | None:
    """The C source of the translated block loop of the decoded slots (`slots`: the
    machine's slot buffer) for the core's `config` (its zs_config: memory and data
    cache become constants), checking the slots where `checked` (one bool per slot) as
    SASA triggers; None when nothing is decoded."""
    s = slots.view(SLOT_DTYPE)
    decoded = ((s["h"][:, 0] != 0) | (s["h"][:, 1] != 0)) & (s["id"] < len(INSTRUCTIONS))
    where = np.flatnonzero(decoded)
    if not len(where):
        return None
    lo, hi = int(where[0]), int(where[-1])
    entries = _entries(s, decoded, lo, hi)
    labelled = entries | checked.astype(bool)

    def scheduled(x: int) -> bool:
        """Slot x starts a block with a static schedule (or timing is off)."""
        return not timing or s["blk"][x] not in (0, NO_BLOCK)

    def successor(x: int) -> str:
        """A terminator's successor at slot x: (1, x, its block's length, its static
        schedule) where it has code and a known block the slot keeps (a length once
        learned, a schedule once built, until fence.i or reset drop the translation),
        else (0, ...): the block loop's way in."""
        if lo <= x <= hi and decoded[x] and labelled[x] and s["blen"][x] and scheduled(x):
            return f"(1, {x}, {s['blen'][x]}u, {s['blk'][x]}u)"
        return "(0, 0, 0, 0)"

    code = []
    starts: list[int] = []          # where the block running at slot i may have started
    # the data access just before slot i in straight code (base register, offset), while
    # its base holds: an access to a nearby offset is likely to its line, which the slot
    # compares with the last access's before any lookup (run_loop.h DCACHE)
    access: tuple[int, int] | None = None
    line_bytes = 1 << config.dcache.line_shift
    for i in range(lo, hi + 1):
        if not decoded[i]:
            code.append(f"E({i})")
            starts, access = [], None
            continue
        row, slot = INSTRUCTIONS[s["id"][i]], s[i]
        same_line = 0
        if labelled[i]:
            access = None           # entered from elsewhere too
        if row.cls.memory:
            same_line = int(timing and access is not None and access[0] == slot["rs1"]
                            and abs(int(slot["imm"]) - access[1]) < line_bytes)
            access = (int(slot["rs1"]), int(slot["imm"]))
        if access is not None and row.writes_rd() and slot["rd"] == access[0]:
            access = None
        target = "NO_TARGET" if slot["target"] == NO_TARGET else str(int(slot["target"]))
        kind = "T" if checked[i] else "S" if entries[i] else "F"
        if labelled[i]:
            starts.append(i)
        taken = fall = "(0, 0, 0, 0)"
        # a terminator's likely running block: the one from the nearest start (where
        # the loops that run it often enter it), its static schedule and its slot (-1:
        # no other start), else (0, 0)
        running = "0u, 0"
        if row.cls.ends_block:
            fall = successor(i + 1)
            if slot["target"] != NO_TARGET:
                taken = successor(i + int(slot["target"]) // SLOT_DTYPE.itemsize)
            if timing and starts and scheduled(starts[-1]):
                running = f"{s['blk'][starts[-1]]}u, {starts[-1] if len(starts) > 1 else -1}"
            starts = []
        code.append(f"{kind}({i}, {row.ident}, {insn_roles(row)}, "
                    f"{slot['rd']}, {slot['rs1']}, {slot['rs2']}, {int(slot['imm'])}, {target}, "
                    f"{taken}, {fall}, {running}, {same_line})")
    code.append(f"E({hi + 1})")
    fields = ", ".join(f".{name} = {getattr(config.dcache, name)}u"
                       for name, _ in ffi.typeof(config.dcache).fields)
    dcache = f"#define ZS_T_DCACHE {{ {fields} }}\n" if timing else ""
    body = " \\\n    ".join(code)
    # the SASA table's size folds into trigger checks; code without any reads it at run
    # time (GCC lays that code out better: 7% fewer host instructions on branchy)
    sasa = f"#define ZS_T_SASA_ENTRIES {config.sasa_entries}u\n" if checked.any() else ""
    return f"""/* generated by zskip.core_model.translate */
#define ZS_TRANSLATION
{sasa}#include "zs_core.c"
#define ZS_T_LO {lo}u
#define ZS_T_HI {hi}u
#define ZS_T_MEM_BASE {config.mem_base}u
#define ZS_T_MEM_SIZE {config.mem_size}u
{dcache}#define ZS_TRANSLATED_CODE(S, F, T, E) \\
    {body}
#define RUN_NAME translated_run
#define TIMING {int(timing)}
#define VERIFY 0
#define BLOCKS 1
#define PREDICTING {int(predicting)}
#define TRANSLATED 1
#include "run_loop.h"
__attribute__((visibility("default")))
int zs_translated_run(zs_state *st, uint8_t *mem, zs_slot *slots, uint64_t max_insns)
{{
    return translated_run(st, mem, slots, max_insns);
}}
"""


def _entries(s: np.ndarray, decoded: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """The slots a block may start at, as far as the decoded code tells: a known block's
    start, a static target, the slot after a terminator. Only they get a label in the
    table (a block entered anywhere else leaves the translation), so the code between
    two of them is straight code the compiler keeps registers through."""
    entries = s["blen"] != 0
    entries[lo] = True
    for i in range(lo, hi + 1):
        if not decoded[i]:
            continue
        if INSTRUCTIONS[s["id"][i]].cls.ends_block and i + 1 < len(entries):
            entries[i + 1] = True
        if s["target"][i] != NO_TARGET:
            entries[i + s["target"][i] // SLOT_DTYPE.itemsize] = True
    return entries


def compiler() -> list[str] | None:
    """The C compiler (CC, else the one Python was built with, else cc), None if absent."""
    cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    return cc if cc and shutil.which(cc[0]) else None


def _core_digest() -> str:
    h = hashlib.sha256()
    for path in sorted(CSRC.iterdir()):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def cache_directory() -> Path:
    return (Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
            / "zskip" / "translations")


def compile_translation(source: str, cc: list[str], flags: list[str] = CFLAGS) -> Path:
    """The shared object of `source` compiled with `flags`: from the cache, else compiled
    into it."""
    key = hashlib.sha256("\0".join([source, _core_digest(), *cc, *flags]).encode())
    directory = cache_directory()
    target = directory / f"{key.hexdigest()[:32]}.so"
    if target.exists():
        return target
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        c_file, so_file = Path(tmp) / "translation.c", Path(tmp) / "translation.so"
        c_file.write_text(source)
        subprocess.run([*cc, *flags, "-I", str(CSRC), "-o", str(so_file), str(c_file)],
                       check=True, capture_output=True)
        os.replace(so_file, target)
    return target


class Translation:
    """A compiled translation loaded into this process (keep it while a state uses it)
    and the slots it checks as SASA triggers."""

    def __init__(self, path: Path, checked: np.ndarray):
        self.path = path
        self.checked = np.ascontiguousarray(checked, dtype=np.uint8)
        self._library = ctypes.CDLL(str(path), mode=os.RTLD_LOCAL)
        self.entry = ctypes.cast(self._library.zs_translated_run, ctypes.c_void_p).value

    def install(self, state) -> None:
        lib.zs_translate(state, ffi.cast("void *", self.entry),
                         ffi.from_buffer("uint8_t[]", self.checked))


def translate(slots: np.ndarray, config, *, timing: bool, predicting: bool,
              checked: np.ndarray) -> Translation | None:
    """A translation of the decoded slots for the core's `config` (zs_config) checking
    the slots where `checked` as SASA triggers, or None (nothing decoded, no
    compiler)."""
    cc = compiler()
    source = translation_source(slots, config, timing=timing, predicting=predicting,
                                checked=checked)
    if cc is None or source is None:
        return None
    flags = CFLAGS + TRIGGER_CFLAGS if checked.any() else CFLAGS
    return Translation(compile_translation(source, cc, flags), checked)
