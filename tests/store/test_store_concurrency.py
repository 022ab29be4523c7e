"""Several processes writing one SQLite file: no 'database is locked', no lost update."""

import multiprocessing
import os
import sqlite3
from pathlib import Path

from sqlalchemy import text
from store_helpers import issue_row, scalar

from prodops_tui.store.store import Store

PROCESSES = 4
INCREMENTS = int(os.environ.get("PRODOPS_CONCURRENCY_WRITES", "1000"))
"""Write transactions per process (issue 10: 4 x 1,000)."""


def _increment(url: str, count: int) -> list[str]:
    """Read-modify-write the counter `count` times; the errors met, as text."""
    store = Store.open(url, create=False)
    errors: list[str] = []
    try:
        for _ in range(count):
            try:
                with store.write() as conn:
                    value = conn.execute(text("SELECT version FROM issue")).scalar_one()
                    conn.execute(text("UPDATE issue SET version = :v"), {"v": value + 1})
            except Exception as exc:  # counted and reported by the test
                errors.append(str(exc).splitlines()[0])
    finally:
        store.close()
    return errors


def test_four_processes_lose_no_increment_on_postgresql(pg_url: str) -> None:
    store = Store.open(pg_url)
    store.upsert("issue", [issue_row(1, version=0)])
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        results = pool.starmap(_increment, [(pg_url, INCREMENTS)] * PROCESSES)
    errors = [error for result in results for error in result]
    try:
        assert errors == []
        assert scalar(store, "SELECT version FROM issue") == PROCESSES * INCREMENTS
    finally:
        store.close()


def test_four_processes_lose_no_increment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'workspace.db'}"
    store = Store.open(url)
    store.upsert("issue", [issue_row(1, version=0)])
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        results = pool.starmap(_increment, [(url, INCREMENTS)] * PROCESSES)
    errors = [error for result in results for error in result]
    try:
        assert errors == []
        assert scalar(store, "SELECT version FROM issue") == PROCESSES * INCREMENTS
        assert scalar(store, "PRAGMA integrity_check") == "ok"
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "workspace.db") as check:
        assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    check.close()
