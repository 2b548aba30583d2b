"""Fixtures shared by the core_model tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from .harness import C_PROGRAMS, OPTS, gcc_build


@pytest.fixture(scope="session")
def gcc_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every tests/progs C program at every level in OPTS, built once per session."""
    out = tmp_path_factory.mktemp("progs")
    return {(name, opt): gcc_build(name, opt, out) for name in C_PROGRAMS for opt in OPTS}
