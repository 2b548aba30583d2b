"""No input crashes or hangs the process: random words (uniform, and biased to valid
encodings from the ISA table), random byte files as flat binaries, and real ELF files with random bytes changed,
each run with a small instruction limit, end in a normal status or a Fault subclass.

The fuzz loops run in a child Python process, so a segfault in the C core shows up as
a failed test (a negative return code) instead of killing pytest; the child reports
how many runs ended each way and any exception that is not a Fault.
"""
from __future__ import annotations

import json
import random
import struct
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from zskip.core_model import Fault, Machine
from zskip.isa.elf import write_elf
from zskip.isa.errors import ZskipError
from zskip.isa.program import ProgramError, load_binary, load_program
from zskip.isa.table import INSTRUCTIONS

ROOT = Path(__file__).resolve().parents[2]
BASE = 0x10000
MAX_INSNS = 2000


def _words(rng: random.Random, n: int, biased: bool) -> bytes:
    if not biased:
        return rng.randbytes(4 * n)
    rows = [rng.choice(INSTRUCTIONS) for _ in range(n)]
    return struct.pack(f"<{n}I", *((rng.getrandbits(32) & ~r.mask) | r.match for r in rows))


def _mutated_elf(rng: random.Random) -> bytes:
    """A real ELF executable (zskip's writer) with a few random bytes changed."""
    data = bytearray(write_elf(load_binary(_words(rng, 32, True), BASE)))
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] = rng.getrandbits(8)
    return bytes(data)


def _outcome(program, functional: bool) -> str:
    m = Machine(program, functional=functional)
    try:
        m.run(MAX_INSNS)
    except Fault as e:
        if f"{e.pc:08x}" not in str(e):
            return f"BUG: {type(e).__name__} message lacks its pc: {e}"
        return type(e).__name__
    return m.status


def fuzz(kind: str, seed: int, n: int, scratch: str) -> Counter:
    """Outcome counts of `n` random programs of `kind`; exceptions other than Fault
    (or a ProgramError for a rejected file) are counted as 'BUG: ...'."""
    rng = random.Random(seed)
    seen: Counter = Counter()
    for i in range(n):
        try:
            if kind in ("words", "biased"):
                program = load_binary(_words(rng, 64, kind == "biased"), BASE)
            else:
                path = Path(scratch) / f"f{i % 8}"
                path.write_bytes(_mutated_elf(rng) if kind == "elf"
                                 else rng.randbytes(rng.randrange(1, 600)))
                program = load_program(path)
        except ProgramError:
            seen["rejected"] += 1
            continue
        for functional in (True, False):
            try:
                seen[_outcome(program, functional)] += 1
            except ZskipError as e:
                seen[f"BUG: non-Fault {type(e).__name__}: {e}"] += 1
            except Exception as e:  # noqa: BLE001 -- anything else is a bug to report
                seen[f"BUG: {type(e).__name__}: {e}"] += 1
    return seen


def _fuzz_in_child(kind: str, seed: int, n: int, scratch: Path) -> Counter:
    code = ("import json, sys; from tests.core_model.test_robustness import fuzz; "
            "print(json.dumps(fuzz(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])))")
    proc = subprocess.run([sys.executable, "-c", code, kind, str(seed), str(n), str(scratch)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"child died with {proc.returncode}: {proc.stderr[-2000:]}"
    return Counter(json.loads(proc.stdout.strip().splitlines()[-1]))


FAULTS_FROM_WORDS = {"IllegalInstruction", "MisalignedAccess", "AccessFault", "FetchFault",
                     "InstructionLimit", "UnsupportedEcall"}


@pytest.mark.parametrize("kind, n", [("words", 3000), ("biased", 3000), ("flat", 500),
                                     ("elf", 500)])
def test_random_inputs_never_crash(tmp_path, kind: str, n: int) -> None:
    seen = _fuzz_in_child(kind, 1234, n, tmp_path)
    bugs = [k for k in seen if k.startswith("BUG")]
    assert not bugs, bugs[:5]
    assert sum(seen.values()) >= n
    if kind == "biased":
        # valid encodings reach every fault path a word can take, and some exit
        assert FAULTS_FROM_WORDS <= set(seen), seen
        assert seen["exit"] + seen["breakpoint"] > 0, seen
    if kind == "elf":
        assert 0 < seen["rejected"] < n // 2, seen     # most mutants still load and run
    if kind == "words":
        assert seen["IllegalInstruction"] > n // 2, seen
