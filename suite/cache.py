"""Results on disk, one JSON file per task key (suite.Task.key: program, config, inputs,
version), so a sweep run again computes only the points that changed."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .tasks import Record


def default_directory() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zskip"


class ResultCache:
    def __init__(self, directory: Path | str | None = None):
        self.directory = Path(directory) if directory is not None else default_directory()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Record | None:
        """The record stored under `key`; None when absent or unreadable (a file from
        another schema is recomputed, never trusted)."""
        try:
            return Record(**json.loads(self._path(key).read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def put(self, key: str, record: Record) -> None:
        """Store atomically: concurrent writers of one key leave one whole file."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False,
                                         suffix=".tmp") as f:
            json.dump(vars(record), f)
        os.replace(f.name, path)
