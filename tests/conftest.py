"""Shared test helpers.

Cross-check tests need real external tools (GNU binutils/GCC for RISC-V, qemu-riscv32).
Outside CI they skip with a message saying what to install; with ZSKIP_REQUIRE_TOOLS=1
(set by .ci/run) a missing tool is a failure, so CI can never pass by skipping them.
"""
from __future__ import annotations

import os
import shutil

import pytest

DEBIAN_PACKAGE = {
    "riscv64-unknown-elf-as": "binutils-riscv64-unknown-elf",
    "riscv64-unknown-elf-ld": "binutils-riscv64-unknown-elf",
    "riscv64-unknown-elf-objdump": "binutils-riscv64-unknown-elf",
    "riscv64-unknown-elf-objcopy": "binutils-riscv64-unknown-elf",
    "riscv64-unknown-elf-nm": "binutils-riscv64-unknown-elf",
    "riscv64-unknown-elf-readelf": "binutils-riscv64-unknown-elf",
    "riscv64-unknown-elf-gcc": "gcc-riscv64-unknown-elf",
    "qemu-riscv32": "qemu-user",
}


def require_tool(name: str) -> str:
    """Path of an external tool; skip (or fail under ZSKIP_REQUIRE_TOOLS=1) if missing."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} not found: apt-get install {DEBIAN_PACKAGE.get(name, name)}"
    if os.environ.get("ZSKIP_REQUIRE_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)
