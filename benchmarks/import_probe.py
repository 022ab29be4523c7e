"""Run a module like `python -m`, logging when the heavy libraries are first imported.

Usage: python benchmarks/import_probe.py LOGFILE MODULE [ARGS...]

Each first import of a watched package appends "name wall-clock-time" to LOGFILE at once (the
benchmark kills the app with SIGKILL, so nothing can wait for exit).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import runpy
import sys
import time
from collections.abc import Sequence
from types import ModuleType

WATCHED = ("sqlmodel", "sqlalchemy", "pydantic", "pydantic_core", "httpx")


class ImportLogger(importlib.abc.MetaPathFinder):
    """Never finds anything itself; notes the first time a watched top-level package is asked."""

    def __init__(self, log_path: str) -> None:
        self.log_path = log_path
        self.seen: set[str] = set()

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in WATCHED and fullname not in self.seen:
            self.seen.add(fullname)
            with open(self.log_path, "a", encoding="utf-8") as log:
                log.write(f"{fullname} {time.time():.6f}\n")
        return None


def main(argv: list[str]) -> None:
    log_path, module, *args = argv
    with open(log_path, "w", encoding="utf-8") as log:
        log.write(f"__start__ {time.time():.6f}\n")
    sys.meta_path.insert(0, ImportLogger(log_path))
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
