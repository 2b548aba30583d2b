"""The built wheel is complete: installed (non-editable) into a fresh venv, away from the
source tree, it assembles and runs a program, compares the example kernels and runs a
suite kernel on its shipped network."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "kernels" / "examples"
PROGRAM = """\
    .text
    .globl _start
_start:
    la   a1, msg
    li   a0, 1
    li   a2, 3
    li   a7, 64
    ecall
    li   a0, 7
    li   a7, 93
    ecall
    .data
msg: .ascii "ok\\n"
"""


def sh(*cmd: str | Path, cwd: Path, status: int = 0) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == status, f"{cmd}: {done.returncode}\n{done.stdout}{done.stderr}"
    return done


def test_wheel_installs_and_runs_in_a_fresh_venv(tmp_path: Path) -> None:
    # build from a copy of the source files (tracked and new), not the working tree
    files = sh("git", "ls-files", "-co", "--exclude-standard", cwd=ROOT).stdout.split()
    src = tmp_path / "src"
    for name in files:
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
       "-w", tmp_path / "dist", src, cwd=tmp_path)
    wheel, = (tmp_path / "dist").glob("zskip-*.whl")
    venv = tmp_path / "venv"
    sh(sys.executable, "-m", "venv", "--system-site-packages", venv, cwd=tmp_path)
    python, zskip = venv / "bin" / "python", venv / "bin" / "zskip"
    sh(python, "-m", "pip", "install", "--no-deps", "-q", wheel, cwd=tmp_path)

    work = tmp_path / "work"
    work.mkdir()
    where = sh(python, "-c", "import zskip.isa.assembler, zskip; print(zskip.__file__)",
               cwd=work).stdout
    assert where.startswith(str(venv)), where          # the wheel, not the source tree
    (work / "ok.S").write_text(PROGRAM)
    assert sh(python, "-m", "zskip", "run", "ok.S", cwd=work, status=7).stdout == "ok\n"
    sh(zskip, "asm", "ok.S", "-o", "ok.elf", cwd=work)
    assert sh(zskip, "run", "ok.elf", cwd=work, status=7).stdout == "ok\n"
    for name in ("dense_baseline.S", "dense_xzs.S", "dense_data.inc"):
        shutil.copy(EXAMPLES / name, work / name)
    table = sh(zskip, "compare", "dense_baseline.S", "dense_xzs.S", cwd=work).stdout
    assert "dense_xzs.S over dense_baseline.S" in table
    # the suite's kernels, their networks and the data set ship in the wheel
    done = sh(zskip, "run", "--kernel", "cnn", "--variant", "sasa", "--images", "2", cwd=work)
    assert "outputs equal the reference" in done.stderr
    # the built-in suite (README's first command), hand-written and compiled workloads
    suite = sh(zskip, "compare", "--kernels", "mlp_is,compiled_cnn", "--images", "2",
               "--jobs", "1", cwd=work).stdout
    assert suite.count("operand zero fractions") == 2 and "compiled_cnn on embedded" in suite
    sh(zskip, "compile", "mlp", "--variant", "xzs", "--images", "2", "-o", "mlp.S", cwd=work)
    sh(zskip, "run", "mlp.S", cwd=work)
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert sh(zskip, "--version", cwd=work).stdout == f"zskip {version}\n"
