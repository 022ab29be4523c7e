"""Cached benchmark workspaces: built once under benchmarks/.data/, reused by every run."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import date
from pathlib import Path

DATA_DIR = Path(os.environ.get("PRODOPS_BENCH_DATA") or Path(__file__).resolve().parent / ".data")
"""Where the built workspaces and the children's bytecode live (PRODOPS_BENCH_DATA moves it)."""
SEED = 7
TODAY = date(2025, 6, 2)
"""A fixed "today" so every run of a size holds the same rows."""


def workspace_path(size: str) -> Path:
    return DATA_DIR / f"{size}-seed{SEED}.db"


def ensure_workspace(size: str) -> Path:
    """Return the cached workspace of `size`, building it first if it is missing."""
    path = workspace_path(size)
    if path.exists():
        upgrade(path)
        return path
    from prodops_tui.cli.build import build_demo_workspace

    started = time.perf_counter()
    print(f"building the {size} workspace at {path} (once; large takes minutes)...", flush=True)
    build_demo_workspace(path, size=size, seed=SEED, today=TODAY, quiet=True)
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def upgrade(path: Path) -> None:
    """Bring a workspace built by an older prodops to the current schema (read-only opens and
    the start-up path expect it)."""
    from prodops_tui.store.probe import is_current_sqlite

    if not is_current_sqlite(sqlite_url(path)):
        from prodops_tui.store.store import Store

        Store.open(sqlite_url(path)).close()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def table_count(path: Path, table: str, where: str = "") -> int:
    """Rows in `table` (read-only connection, outside the app)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        (count,) = conn.execute(f"SELECT count(*) FROM {table} {where}").fetchone()
    return int(count)


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:] or ["large"]:
        ensure_workspace(name)
