"""`zskip run`: output streaming, Ctrl-C, partial and mode-specific statistics, JSON,
flat binaries and the exit-status scheme (README.md, "Exit status")."""
from __future__ import annotations

import json
import re
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from zskip.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "kernels" / "examples"
START = "    .text\n    .globl _start\n_start:\n"
EXIT = "    li a7, 93\n    ecall\n"
# writes "first\n", then loops for ever
WRITE_THEN_LOOP = START + """\
    li   a0, 1
    la   a1, msg
    li   a2, 6
    li   a7, 64
    ecall
spin:
    addi t0, t0, 1
    j    spin
    .data
msg: .ascii "first\\n"
"""
# one skip whose block is live: skipping changes s0 (verify-skips must reject it)
UNSAFE_SKIP = START + """\
    la    t1, zero_word
    lw.zd t0, 0(t1)
    nop
    nop
    skz   t0, 1f
    addi  s0, s0, 1
1:  mv    a0, s0
""" + EXIT + "    .data\nzero_word: .word 0\n"


def source(tmp_path: Path, text: str, name: str = "prog.S") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def zskip(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "zskip", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def test_output_streams_and_ctrl_c_stops_cleanly_with_partial_stats(tmp_path) -> None:
    proc = zskip("run", source(tmp_path, WRITE_THEN_LOOP), "--stats", "--max-insns", "1e12")
    try:
        # the write is visible while the program still runs
        assert select.select([proc.stdout], [], [], 30)[0], "no output while running"
        assert proc.stdout.readline() == b"first\n"
        assert proc.poll() is None
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    text = err.decode()
    assert proc.returncode == 130 and out == b""
    assert "Traceback" not in text
    assert "stopped by an interrupt (Ctrl-C)" in text        # the partial table
    last = text.strip().splitlines()[-1]
    assert last.startswith("zskip run: interrupted at pc 0x000100") and "instructions retired" \
        in last


def test_program_exit_code_and_stderr_pass_through(tmp_path, capfd) -> None:
    prog = START + """\
    li a0, 2
    la a1, msg
    li a2, 4
    li a7, 64
    ecall
    li a0, 42
""" + EXIT + "    .data\nmsg: .ascii \"err\\n\"\n"
    assert main(["run", source(tmp_path, prog)]) == 42
    captured = capfd.readouterr()
    assert (captured.out, captured.err) == ("", "err\n")


@pytest.mark.parametrize("body, status, stopped_by", [
    ("    li a0, 1\n    lw a0, 2(zero)\n", 126, "a fault (misaligned access)"),
    ("1:  addi a0, a0, 1\n    j 1b\n", 124, "the instruction limit"),
])
def test_fault_and_limit_print_partial_statistics(tmp_path, capfd, body, status,
                                                  stopped_by) -> None:
    stats_json = tmp_path / "stats.json"
    assert main(["run", source(tmp_path, START + body), "--stats", "--max-insns", "100",
                 "--stats-json", str(stats_json)]) == status
    err = capfd.readouterr().err
    assert re.search(rf"^partial +stopped by {re.escape(stopped_by)}$", err, re.M)
    assert err.strip().splitlines()[-1].startswith("zskip run: error: ")   # the cause last
    saved = json.loads(stats_json.read_text())
    assert saved["partial"] == stopped_by and saved["instructions"] >= 1


def test_ebreak_has_its_own_status(tmp_path, capfd) -> None:
    assert main(["run", source(tmp_path, START + "    nop\n    ebreak\n")]) == 133
    assert "stopped at ebreak (pc 0x00010004)" in capfd.readouterr().err


def test_zskip_errors_are_125(tmp_path, capfd) -> None:
    assert main(["run", str(tmp_path / "absent.S")]) == 125
    assert main(["run", source(tmp_path, START + "    bogus\n")]) == 125
    assert main(["run", source(tmp_path, START + EXIT), "--config", "nope"]) == 125
    with pytest.raises(SystemExit) as usage:
        main(["run", "--max-insns", "0", "x.S"])
    assert usage.value.code == 125
    err = capfd.readouterr().err
    assert "unknown instruction 'bogus'" in err and "unknown preset 'nope'" in err


def test_unsafe_skip_is_127_and_the_real_run_is_safe_without_the_check(tmp_path,
                                                                       capfd) -> None:
    prog = source(tmp_path, UNSAFE_SKIP)
    assert main(["run", prog]) == 0                      # skipped: s0 stays 0
    assert main(["run", prog, "--verify-skips"]) == 127
    assert "unsafe skip" in capfd.readouterr().err


def test_verify_skips_stats_are_the_real_runs(capfd) -> None:
    assert main(["run", str(EXAMPLES / "dense_xzs.S"), "--verify-skips", "--stats"]) == 0
    err = capfd.readouterr().err
    assert "zskip run: verify-skips: all 15 skips were unobservable" in err
    rows = dict(line.split("  ", 1) for line in err.splitlines() if "  " in line)
    assert rows["instructions"].strip() == "2731"          # not the checking run's 4936
    assert rows["skip-branches / taken"].strip() == "32 / 15"
    assert rows["instructions skipped"].strip() == "180"


def test_functional_stats_show_only_what_the_mode_computes(capfd) -> None:
    assert main(["run", str(EXAMPLES / "dense_xzs.S"), "--functional", "--stats"]) == 0
    names = [line.split("  ")[0] for line in capfd.readouterr().err.splitlines()[2:]]
    assert names[:2] == ["config", "instructions"] and "instructions skipped" in names
    for absent in ("cycles", "CPI", "branches / taken / mispredicted", "stall:", "icache",
                   "dcache", "skips lost to timing", "energy: leakage", "energy total (nJ)"):
        assert not any(n.startswith(absent) for n in names), absent
    assert "energy total, without the timing model's terms (nJ)" in names


def test_units_are_named_in_the_table_and_json(capfd) -> None:
    assert main(["run", str(EXAMPLES / "dense_xzs.S"), "--stats", "--stats-json", "-"]) == 0
    captured = capfd.readouterr()
    energy_rows = [line for line in captured.err.splitlines() if line.startswith("energy")]
    assert energy_rows and all("(nJ)" in line for line in energy_rows)
    saved = json.loads(captured.out)                        # stdout holds only the JSON
    assert saved["schema"] == 1 and saved["energy_total_pj"] > 0
    assert "energy_total" not in saved and saved["energy_by_component_pj"]["xzs"] > 0


def test_flat_binary_at_base(tmp_path, capfd) -> None:
    assert main(["asm", source(tmp_path, START + "    auipc a0, 0\n" + EXIT), "-o",
                 str(tmp_path / "exit.bin"), "--format", "bin", "--text-base", "0x2000"]) == 0
    # the program exits with its own pc's low byte: 0x00 at 0x2000, 0x04 at 0x...04
    assert main(["run", str(tmp_path / "exit.bin"), "--base", "0x2000"]) == 0x00
    assert main(["run", str(tmp_path / "exit.bin"), "--base", "0x3004"]) == 0x04
    assert main(["run", str(tmp_path / "prog.S"), "--base", "0x2000"]) == 125
    assert "a load address (--base) applies to flat binaries; assembly source says" \
        in capfd.readouterr().err


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("zskip 0.")


def test_documented_c_recipe_builds_and_runs(tmp_path) -> None:
    """docs/core_model.md, "Running a C program": its start file and GCC command, as
    written."""
    from tests.conftest import require_tool
    doc = (Path(__file__).resolve().parents[2] / "docs" / "core_model.md").read_text()
    section = doc.split("## Running a C program", 1)[1].split("\n## ", 1)[0]
    start, command = re.findall(r"```(?:asm|sh)\n(.*?)```", section, re.S)
    (tmp_path / "start.S").write_text(start)
    (tmp_path / "prog.c").write_text("""
int squares[8];
static void write1(const char *s, long n) {
    register long a0 __asm__("a0") = 1, a1 __asm__("a1") = (long)s, a2 __asm__("a2") = n,
        a7 __asm__("a7") = 64;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
}
int main(void) {
    int sum = 0;
    for (int i = 0; i < 8; i++) sum += squares[i] = i * i;
    write1("hi\\n", 3);
    return sum;
}
""")
    gcc, run_line = command.replace("\\\n", " ").strip().splitlines()
    assert gcc.split()[0] == "riscv64-unknown-elf-gcc" and run_line.startswith("zskip run")
    subprocess.run([require_tool(gcc.split()[0]), *gcc.split()[1:]], cwd=tmp_path, check=True)
    done = subprocess.run([sys.executable, "-m", "zskip", *run_line.split()[1:]],
                          cwd=tmp_path, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (140, "hi\n")        # 0 + 1 + 4 + ... + 49
    assert "instructions" in done.stderr


def test_a_closed_output_pipe_is_141(tmp_path) -> None:
    flat = tmp_path / "nops.bin"
    flat.write_bytes(bytes.fromhex("13000000") * 50_000)     # a long listing
    listing = zskip("disasm", str(flat))
    listing.stdout.close()                       # the reader goes away, as `head` does
    _, err = listing.communicate(timeout=60)
    assert listing.returncode == 141 and b"Traceback" not in err


def test_run_help_documents_the_exit_statuses(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = capsys.readouterr().out
    for status in ("124", "125", "126", "127", "130", "133", "141"):
        assert re.search(rf"^  {status}  \S", out, re.M), status


def test_progress_line_clears_before_program_output_and_comes_back(capsys) -> None:
    from zskip.progress import RunProgress
    progress = RunProgress("running p", delay=0, interval=0)
    progress.enabled = True                       # as on a terminal
    progress(2_000_000)
    progress.done()                               # what the output hook does first
    progress(4_000_000)
    err = capsys.readouterr().err
    assert err.count("running p: ") == 2 and err.index("\r\033[K") < err.rindex("4.0 M")


def test_ctrl_c_outside_a_run_is_130_without_traceback(monkeypatch, capfd) -> None:
    import zskip.cmd_run

    def interrupted(*args) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr(zskip.cmd_run, "load_any", interrupted)   # e.g. while assembling
    assert main(["run", "x.S"]) == 130
    assert capfd.readouterr().err == "zskip run: interrupted\n"


def test_translate_gives_the_same_stats(tmp_path, capfd, monkeypatch) -> None:
    """--translate (here after 100 instructions: most of the run translated)."""
    from zskip.core_model import machine
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(machine, "TRANSLATE_AFTER", 100)
    runs = []
    for extra in ([], ["--translate"]):
        assert main(["run", str(EXAMPLES / "dense_xzs.S"), "--stats-json", "-", *extra]) == 0
        runs.append(json.loads(capfd.readouterr().out))
    assert runs[0] == runs[1] and runs[0]["instructions"] == 2731
    assert list((tmp_path / "zskip" / "translations").glob("*.so"))
