"""core_model.compare, the library behind `zskip compare`: which core each program runs
on, result checks, ratios, and the Stats schema and run hooks it relies on."""
from __future__ import annotations

import pytest

from zskip.core_model import Interrupted, Machine, load_config
from zskip.core_model.compare import (MismatchError, check_same_results, config_for, ratios,
                                      run_program, to_dict)
from zskip.core_model.stats import SCHEMA
from zskip.isa.assembler import assemble

PROLOGUE = ".text\n.globl _start\n_start:\n"
EXIT = "    li a0, 0\n    li a7, 93\n    ecall\n"
SOFTWARE = PROLOGUE + "    la t0, out\n    li t1, 5\n    sw t1, 0(t0)\n" + EXIT + \
    ".data\nout: .word 0\n"
XZS = PROLOGUE + "    la t0, out\n    lw.zd t2, 0(t0)\n    li t1, 5\n    sw t1, 0(t0)\n" + \
    EXIT + ".data\nout: .word 0\n"


def test_software_programs_run_without_the_xzs_hardware() -> None:
    embedded = load_config()
    assert config_for(assemble(XZS), embedded) is embedded
    plain = config_for(assemble(SOFTWARE), embedded)
    assert plain.xzs is False and plain.name == "embedded"
    assert plain.updated({"xzs": True}) == embedded          # nothing else changes


def test_results_and_ratios() -> None:
    cfg = load_config()
    soft = run_program("soft", assemble(SOFTWARE), cfg)
    ext = run_program("ext", assemble(XZS), cfg)
    assert (soft.xzs, ext.xzs) == (False, True)
    assert check_same_results([soft, ext]).objects == 1
    (r,) = ratios([soft, ext])
    assert (r.program, r.over) == ("ext", "soft")
    assert r.instructions == pytest.approx(soft.stats.instructions / ext.stats.instructions)
    # without both kinds, every program is measured against the first
    other = run_program("soft2", assemble(SOFTWARE), cfg)
    assert [(r.program, r.over) for r in ratios([soft, other])] == [("soft2", "soft")]
    data = to_dict([soft, ext])
    assert data["schema"] == SCHEMA and data["programs"][0]["configuration"] == \
        "embedded, no Xzs"
    wrong = run_program("wrong", assemble(SOFTWARE.replace("li t1, 5", "li t1, 0x105")), cfg)
    with pytest.raises(MismatchError, match=r"results differ in out at byte offset 1: "
                                            r"0x00000005 \(word at \+0\) in soft, "
                                            r"0x00000105 \(word at \+0\) in wrong"):
        check_same_results([soft, wrong])


def test_stats_schema_names_units() -> None:
    stats = Machine(assemble(XZS)).run()
    data = stats.to_dict()
    assert data["schema"] == 1
    assert data["energy_total_pj"] == pytest.approx(sum(data["energy_pj"].values()))
    assert sum(data["energy_by_component_pj"].values()) == pytest.approx(
        data["energy_total_pj"])
    assert not {"energy", "energy_total", "energy_by_component"} & set(data)
    assert data["cycles"] > data["instructions"] == 8 and data["partial"] is None
    functional = Machine(assemble(XZS), functional=True).run().to_dict()
    assert functional["cycles"] is None and functional["caches"] is None
    assert functional["instructions"] == 8


def test_run_output_callback_sees_each_write_in_order() -> None:
    prog = PROLOGUE + "".join(
        f"    li a0, {fd}\n    la a1, m{i}\n    li a2, 2\n    li a7, 64\n    ecall\n"
        for i, fd in enumerate((1, 2, 1))) + EXIT + \
        ".data\nm0: .ascii \"a\\n\"\nm1: .ascii \"b\\n\"\nm2: .ascii \"c\\n\"\n"
    seen: list[tuple[int, bytes]] = []
    m = Machine(assemble(prog))
    m.run(output=lambda fd, data: seen.append((fd, data)))
    assert seen == [(1, b"a\n"), (2, b"b\n"), (1, b"c\n")]
    assert m.output == b"a\nb\nc\n"


def test_ctrl_c_between_batches_is_interrupted_with_the_pc() -> None:
    m = Machine(assemble(PROLOGUE + "1:  addi t0, t0, 1\n    j 1b\n"))

    def interrupt(retired: int) -> None:
        raise KeyboardInterrupt
    with pytest.raises(Interrupted, match=r"interrupted at pc 0x0001000[04]: .* \(100 "
                                          "instructions retired\\)") as info:
        m.run(100, progress=interrupt)
    assert isinstance(info.value, KeyboardInterrupt)           # still a KeyboardInterrupt
    assert m.stats.partial == "an interrupt (Ctrl-C)" and m.stats.instructions == 100


def test_an_interrupted_comparison_names_the_program() -> None:
    def interrupt(retired: int) -> None:
        raise KeyboardInterrupt
    with pytest.raises(Interrupted, match=r"^spin: interrupted at pc 0x"):
        run_program("spin", assemble(PROLOGUE + "1:  j 1b\n"), load_config(), max_insns=50,
                    progress=interrupt)
