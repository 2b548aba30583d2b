"""Translated runs (core_model/translate.py: the block loop with the program's decoded
code compiled in) against the exact per-instruction loop: every counter, per-instruction
count, register, SpRF bit, memory byte, output and stop reason identical. Translation
starts after `after` instructions (the code decoded by then; the rest runs in the
interpreter, handed over to and back), so the random programs run on both sides of it.
Each program compiles its own translation with the system C compiler."""
from __future__ import annotations

import pytest

from zskip.core_model import Machine, load_config, machine, translate
from zskip.core_model.faults import InstructionLimit

from .harness import program_of
from .randprog import random_program
from .test_block_loop import (LAST_PASS, PREDICTOR_CONFIGS, SASA_LAST_PASS, SASA_LOOP,
                              XZS_LOOP, ZD_BEFORE_SKIP, assert_same)

pytestmark = pytest.mark.skipif(translate.compiler() is None, reason="no C compiler")


@pytest.fixture(autouse=True)
def _translations_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))


def assert_translated_same(program, *, after: int, functional: bool = False, config=None,
                           max_insns: int = 1_000_000) -> Machine:
    """The run translated after `after` instructions equals the per-instruction one (and
    a translation was made); returns the translated machine."""
    saved = machine.TRANSLATE_AFTER
    machine.TRANSLATE_AFTER = after
    try:
        m = assert_same(program, functional=functional, config=config, max_insns=max_insns,
                        translate=True)
    finally:
        machine.TRANSLATE_AFTER = saved
    assert m.translation is not None
    return m


@pytest.mark.parametrize("config", [None, "application"])
def test_random_programs(config) -> None:
    for seed in range(4000, 4004):
        source = random_program(seed, n_units=25, repeat=7, csr_reads=seed % 2 == 0)
        for functional in (False, True):
            assert_translated_same(program_of(source), after=(seed * 37) % 300,
                                   functional=functional, config=config)


@pytest.mark.parametrize("config", ["application bimodal small", "embedded gshare"])
def test_random_programs_dynamic_predictors(config: str) -> None:
    for seed in range(4100, 4102):
        source = random_program(seed, n_units=25, repeat=7)
        assert_translated_same(program_of(source), after=seed % 200,
                               config=PREDICTOR_CONFIGS[config])


def test_stopped_by_the_limit() -> None:
    program = program_of(random_program(4200, n_units=25, repeat=7))
    for limit in (150, 333, 2000):
        assert_translated_same(program, after=100, max_insns=limit)


@pytest.mark.parametrize("last", LAST_PASS)
@pytest.mark.parametrize("functional", [False, True])
def test_xzs_loop(last: str, functional: bool) -> None:
    """Skip-branches, SASA (the interpreter's: a translation runs no SASA), faults."""
    program = program_of(XZS_LOOP.format(last=LAST_PASS[last]))
    assert_translated_same(program, after=60, functional=functional)


@pytest.mark.parametrize("last", SASA_LAST_PASS)
def test_sasa_loop(last: str) -> None:
    program = program_of(SASA_LOOP.format(last=SASA_LAST_PASS[last]))
    assert_translated_same(program, after=30)


@pytest.mark.parametrize("config", [None, "application"])
@pytest.mark.parametrize("pad", range(3))
def test_zero_flag_late_after_a_block(pad: int, config) -> None:
    """A translation made after the zero-detect load was decoded knows it was (it has no
    decoder of its own)."""
    program = program_of(ZD_BEFORE_SKIP.format(pad="    nop\n" * pad))
    assert_translated_same(program, after=100, config=config)


SELF_MODIFYING = """
.text
.globl _start
_start:
    li    s0, 200
    la    t0, patch
    la    t1, new
    lw    t2, 0(t1)
loop:
    addi  a0, a0, 1
patch:
    addi  a1, a1, 1
    addi  s0, s0, -1
    bnez  s0, loop
    bnez  s1, done
    sw    t2, 0(t0)         # rewritten once translated: runs as decoded before
    {fence}
    li    s0, 100
    li    s1, 1
    j     loop
done:
    mv    a0, a1
    li    a7, 93
    ecall
new:
    addi  a1, a1, 100
"""


@pytest.mark.parametrize("fence", ["", "fence.i"])
def test_rewritten_code(fence: str) -> None:
    """A word rewritten without fence.i runs as decoded (both loops); fence.i drops the
    translation with the decoded slots (the rewritten word runs in the interpreter)."""
    program = program_of(SELF_MODIFYING.format(fence=fence))
    for functional in (False, True):
        assert_translated_same(program, after=100, functional=functional)
    m = Machine(program)
    m.run()
    assert m.exit_code == (300 if not fence else 200 + 100 * 100)


@pytest.mark.parametrize("option", ["per_instruction", "verify_skips"])
def test_not_translated_beside_the_per_instruction_loop(option: str) -> None:
    saved = machine.TRANSLATE_AFTER
    machine.TRANSLATE_AFTER = 10
    try:
        m = Machine(program_of(SELF_MODIFYING.format(fence="")), translate=True,
                    **{option: True})
        m.run()
    finally:
        machine.TRANSLATE_AFTER = saved
    assert m.translation is None and m.stats.instructions > 100


TWO_PHASES = """
.text
.globl _start
_start:
    li    s0, 40
1:  addi  a0, a0, 1
    addi  s0, s0, -1
    bnez  s0, 1b
    li    s0, 300000        # a phase whose code the first translation has not seen
    la    s1, data
2:  lw    t0, 0(s1)
    add   a1, a1, t0
    andi  t1, s0, 1
    beqz  t1, 3f
    addi  a1, a1, 3
3:  addi  s0, s0, -1
    bnez  s0, 2b
    andi  a0, a1, 0xff
    li    a7, 93
    ecall
.data
data: .word 5
"""


def test_a_later_phase_is_translated_too() -> None:
    """The first translation (after 100 instructions) has no code for the second loop:
    after ZS_RETRANSLATE_EXITS exits to the interpreter the core asks for a new one."""
    program = program_of(TWO_PHASES)
    for functional in (False, True):
        assert_translated_same(program, after=100, functional=functional)
    saved = machine.TRANSLATE_AFTER
    machine.TRANSLATE_AFTER = 100
    try:
        m = Machine(program, translate=True)
        m.run()
    finally:
        machine.TRANSLATE_AFTER = saved
    assert m._translations_left == machine.RETRANSLATIONS - 2



STRIDED = """
.text
.globl _start
_start:
    li    s0, 3000
    li    s2, 0
    li    s3, 0xfff
    la    s1, buf
loop:
    add   t1, s1, s2
    lw    t0, 0(t1)
    add   a0, a0, t0
    addi  s2, s2, 96        # a new line each time: which ones miss, the geometry decides
    and   s2, s2, s3
    addi  s0, s0, -1
    bnez  s0, loop
    li    a7, 93
    ecall
.bss
buf: .zero 4096
"""


# (a program, a configuration it runs differently in than in the default one, and a
# counter that shows it)
OTHER_CONFIGS = {
    "data cache": (STRIDED, {"dcache": {"size": 2048, "ways": 1}}, "DCACHE_MISSES", 1000),
    "SASA table": (SASA_LOOP.format(last=""), {"sasa_entries": 1}, "SASA_HITS", 500),
}


@pytest.mark.parametrize("what", OTHER_CONFIGS)
def test_a_translation_runs_in_its_configuration_only(what: str) -> None:
    """A translation has the data cache's geometry and the SASA table's size compiled
    in: installed in a machine of another configuration it does not run there (the core
    drops it and the Machine translates again), so that machine's counters stay its
    own."""
    source, change, counter, made_limit = OTHER_CONFIGS[what]
    program = program_of(source)
    other = load_config("embedded").updated(change)
    saved = machine.TRANSLATE_AFTER
    machine.TRANSLATE_AFTER = 200
    try:
        made, m = Machine(program, translate=True), Machine(program, other, translate=True)
        for machine_, limit in ((made, made_limit), (m, 300)):
            with pytest.raises(InstructionLimit):
                machine_.run(max_insns=limit)
        assert made.translation is not None
        made.translation.install(m._st)
        m.run()
    finally:
        machine.TRANSLATE_AFTER = saved
    exact, own = (Machine(program, config, per_instruction=True) for config in (other, None))
    exact.run()
    own.run()
    counts = [dict(x._counters_by_name())[counter] for x in (own, exact)]
    assert counts[0] != counts[1]                   # the configuration matters here
    assert dict(m._counters_by_name()) == dict(exact._counters_by_name())


SAME_LINE_STORE = """
.text
.globl _start
_start:
    li    s0, 600               # past the block loop's run where a translation has no
    la    a0, buf               # code (the batch after translating stops mid-block)
    li    t3, 4096              # the default data cache's set stride (8 KiB, 2 ways)
loop:
    lw    t0, 0(a0)             # a block's first access: looked up
    addi  t0, t0, 1
    sw    t0, 8(a0)             # the same base, the same line: no lookup, yet dirty
    add   a1, a0, t3
    lw    t1, 0(a1)             # two more lines of the set: the stored one is evicted
    add   a2, a1, t3
    lw    t2, 0(a2)
    addi  a0, a0, 32            # the next set (and round again)
    addi  s0, s0, -1
    bnez  s0, loop
    li    a0, 0
    li    a7, 93
    ecall
.bss
.balign 4096
buf: .zero 28672
"""


def test_a_store_to_the_last_line_dirties_it() -> None:
    """Translated, an access to the line of the access before it skips the lookup: a
    store there still makes the line dirty, so its eviction writes it back."""
    m = assert_translated_same(program_of(SAME_LINE_STORE), after=40)
    assert dict(m._counters_by_name())["DCACHE_WRITEBACKS"] >= 590
