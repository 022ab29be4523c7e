"""Baselines measured in the same run as prodops, for the ratios in the report:

- the empty Textual app (empty_app.py) headless: a bound key until its change is drawn, a
  character into an `Input` until it is drawn, and its RSS (run as a script, in its own
  process, so the RSS is Textual's alone: `python benchmarks/baselines.py --out r.json`);
- raw `sqlite3` doing by hand what prodops's store does: the filter's first page and count
  over the same workspace, and an upsert of as many issue-like rows as ingest wrote.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from common import peak_rss_mb, rss_mb, summarise
from empty_app import EmptyApp
from keys import repaint, timed_key, until
from textual.widgets import Input, Static

SIZE = (120, 36)


class KeyApp(EmptyApp):
    """The empty app plus an `Input` and one bound key that changes the Static."""

    BINDINGS = [("f5", "bump", "Bump")]
    presses = 0

    def compose(self):  # type: ignore[no-untyped-def]
        yield from super().compose()
        yield Input()

    def action_bump(self) -> None:
        self.presses += 1
        self.query_one(Static).update(f"pressed {self.presses}")


async def empty_app(keys: int) -> dict[str, Any]:
    app = KeyApp()
    async with app.run_test(size=SIZE) as pilot:
        await repaint(pilot)
        first_paint = rss_mb()
        field = app.query_one(Input)
        app.set_focus(None)
        bound = []
        for n in range(1, keys + 2):  # the first press warms up, untimed
            bound.append(await timed_key(pilot, "f5", lambda n=n: app.presses == n))
            await asyncio.sleep(0.02)
        field.focus()
        await until(lambda: field.has_focus)
        echo = []
        for n in range(1, keys + 2):
            echo.append(await timed_key(pilot, "x", lambda n=n: len(field.value) == n))
            await asyncio.sleep(0.02)
        return {
            "key_drawn_ms": summarise(bound[1:]).as_dict(),
            "input_echo_ms": summarise(echo[1:]).as_dict(),
            "rss_mb": {"first_paint": first_paint, "after_keys": rss_mb(), "peak": peak_rss_mb()},
        }


FEEDBACK_COLUMNS = "seq, id, kind, subject, requester, updated"


def _ms(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> float:
    started = time.perf_counter()
    conn.execute(sql, params).fetchall()
    return round((time.perf_counter() - started) * 1000, 2)


def raw_filter(db: Path, word: str) -> dict[str, Any]:
    """Per prefix of `word` (>= 2 chars) over all feedback, as prodops's first page does it: the
    newest 256 FTS hits (off the doclist, rowid order) sorted by `updated`; and the exact match
    count. Plain sqlite3, read-only."""
    page = (
        f"SELECT {FEEDBACK_COLUMNS} FROM feedback WHERE seq IN (SELECT rowid FROM feedback_fts"
        " WHERE feedback_fts MATCH ? ORDER BY rowid DESC LIMIT 256) ORDER BY updated DESC"
    )
    count = "SELECT count(*) FROM feedback_fts WHERE feedback_fts MATCH ?"
    out: dict[str, Any] = {"first_page_ms": {}, "count_ms": {}}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        for n in range(2, len(word) + 1):
            match = f'"{word[:n]}"*'
            out["first_page_ms"][word[:n]] = _ms(conn, page, (match,))
            out["count_ms"][word[:n]] = _ms(conn, count, (match,))
    return out


ISSUE_TABLE = """CREATE TABLE issue (id TEXT PRIMARY KEY, key TEXT, summary TEXT, status TEXT,
    priority TEXT, updated TEXT, description TEXT)"""


def raw_upsert(rows: int, page: int = 100) -> dict[str, float]:
    """`rows` issue-like rows (~300-char text) upserted with `executemany` in page-sized
    transactions (WAL, synchronous=FULL as on the sync path, two secondary indexes)."""
    data = [
        (f"jira:acme:{n}", f"API-{n}", f"Summary {n} export fails", "To Do", "High",
         f"2025-05-{1 + n % 28:02d}T10:00:00", "lorem ipsum dolor " * 17)
        for n in range(rows)
    ]  # fmt: skip
    upsert = (
        "INSERT INTO issue VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
        " summary = excluded.summary, status = excluded.status, updated = excluded.updated,"
        " description = excluded.description"
    )
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(Path(folder) / "raw.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(ISSUE_TABLE)
        conn.execute("CREATE INDEX issue_updated ON issue (updated)")
        conn.execute("CREATE INDEX issue_status ON issue (status)")
        started = time.perf_counter()
        for at in range(0, rows, page):
            conn.execute("BEGIN")
            conn.executemany(upsert, data[at : at + page])
            conn.execute("COMMIT")
        seconds = time.perf_counter() - started
        conn.close()
    return {"rows": rows, "seconds": round(seconds, 3), "rows_per_s": round(rows / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=30)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.write_text(json.dumps(asyncio.run(empty_app(args.keys)), indent=2))


if __name__ == "__main__":
    main()
