"""`zskip compile`: a network to a program `zskip run` runs, the pass alone on assembly
(profiled, or with --zero-rate), --explain, and the errors (exit 125, naming the input)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zskip.cli import main
from zskip.compiler import reference
from zskip.compiler.frontends import calibration_inputs, load_network
from zskip.core_model import Machine, load_config
from zskip.isa.assembler import assemble
from zskip.kernels.harness import fetch

EXAMPLES = Path(__file__).resolve().parents[2] / "kernels" / "examples"
START = "    .text\n    .globl _start\n_start:\n"
EXIT = "    li a0, 0\n    li a7, 93\n    ecall\n"
# the only loads feed stores that change memory: no region is null
NO_SAFE_REGION = START + """\
    la   s0, a
    li   s1, 4
loop:
    lw   t0, 0(s0)
    addi t0, t0, 1
    sw   t0, 0(s0)
    addi s0, s0, 4
    addi s1, s1, -1
    bnez s1, loop
""" + EXIT + """\
    .data
a:  .word 0, 3, 0, 5
"""


def test_network_compiles_to_a_program_that_runs_and_equals_the_reference(
        tmp_path, capsys) -> None:
    out = tmp_path / "mlp.S"
    assert main(["compile", "mlp", "-o", str(out), "--variant", "xzs", "--images", "2"]) == 0
    assert main(["run", str(out)]) == 0
    net = load_network("mlp")
    x = calibration_inputs(net, 2)
    machine = Machine(assemble(out.read_text(), str(out)), load_config("embedded"),
                      verify_skips=True)
    machine.run()
    assert machine.exit_code == 0
    want = reference.outputs(net, x)
    assert np.array_equal(fetch(machine, "output", "<i4", want.shape), want)
    assert "skz" in out.read_text()


def test_explain_on_a_network(capsys) -> None:
    assert main(["compile", "mlp", "--variant", "sasa", "--images", "1", "--explain"]) == 0
    captured = capsys.readouterr()
    assert "sasa.or" in captured.out                         # the program on stdout
    assert "zero-skip pass, target sasa" in captured.err     # the explanation on stderr
    assert "kept" in captured.err


def test_assembly_row_loop_region_is_found(tmp_path, capsys) -> None:
    out = tmp_path / "dense.S"
    src = EXAMPLES / "dense_baseline.S"
    assert main(["compile", str(src), "-o", str(out), "--explain"]) == 0
    report = capsys.readouterr().out
    assert "zero rates profiled on a run of the program" in report
    assert f"{src}:12: `lw t0, 0(s0)`: kept, skz over lines 15-26" in report
    assert "checked: run with verify-skips, the transformed program left" in report
    base = Machine(assemble(src.read_text(), str(src)), load_config("embedded"))
    base.run()
    skipped = Machine(assemble(out.read_text(), str(src)), load_config("embedded"),
                      verify_skips=True)
    skipped.run()
    assert np.array_equal(fetch(skipped, "y", "<i4", (16,)), fetch(base, "y", "<i4", (16,)))


def test_the_check_refuses_a_program_that_leaves_other_data() -> None:
    from zskip.compiler.zeroskip import _check_same_run
    from zskip.core_model.compare import MismatchError
    src = EXAMPLES / "dense_baseline.S"
    text = src.read_text()
    altered = text.replace("add   t4, t4, t3", "sub   t4, t4, t3", 1)   # y = -x.W
    assert altered != text
    with pytest.raises(MismatchError, match="y"):
        _check_same_run(assemble(text, str(src)), assemble(altered, str(src)),
                        load_config("embedded"))


def test_no_safe_region_leaves_the_program_byte_identical(tmp_path, capsys) -> None:
    src, out = tmp_path / "inc.S", tmp_path / "out.S"
    src.write_text(NO_SAFE_REGION)
    assert main(["compile", str(src), "-o", str(out), "--explain"]) == 0
    assert out.read_bytes() == src.read_bytes()
    report = capsys.readouterr().out
    assert "the store `sw t0, 0(s0)` may change memory" in report
    assert "the program is unchanged" in report


def test_a_program_that_does_not_exit_falls_back_to_the_default_rate(tmp_path,
                                                                     capsys) -> None:
    src, config = tmp_path / "spin.S", tmp_path / "short.toml"
    src.write_text(START + "    la s0, a\nspin:\n    lw t0, 0(s0)\n    mul t1, t1, t0\n"
                   "    j spin\n    .data\na: .word 0\n")
    config.write_text('extends = "embedded"\nmax_insns = 100_000\n')
    assert main(["compile", str(src), "--explain", "--config", str(config)]) == 0
    err = capsys.readouterr().err
    assert "could not be profiled (no exit within 100000 instructions)" in err
    assert "probability 0.5" in err


def test_zero_rate_replaces_the_profile(tmp_path, capsys) -> None:
    assert main(["compile", str(EXAMPLES / "dense_baseline.S"), "--zero-rate", "0",
                 "--explain", "--variant", "branch"]) == 0
    captured = capsys.readouterr()
    assert "probability 0 (given)" in captured.err and "beqz" not in captured.out


@pytest.mark.parametrize("args, message", [
    (["nosuchnet"], "nosuchnet: not a shipped network"),
    (["missing.S"], "No such file or directory: missing.S"),
    (["missing.npz"], "missing.npz: cannot read a network"),
    (["kernels.S", "--zero-rate", "2"], "the zero rate must be in [0, 1]"),
])
def test_errors_exit_125_and_name_the_input(tmp_path, capsys, monkeypatch, args,
                                            message) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kernels.S").write_text(START + EXIT)
    assert main(["compile", *args]) == 125
    assert message in capsys.readouterr().err


def test_an_assembly_error_names_file_line_column(tmp_path, capsys) -> None:
    src = tmp_path / "bad.S"
    src.write_text(START + "    addi t0, t0\n" + EXIT)
    assert main(["compile", str(src)]) == 125
    assert f"{src}:4:" in capsys.readouterr().err
