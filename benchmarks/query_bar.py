"""Issue 4's query-bar goal: a query-bar filter over 100k issues <= 100 ms (large workspace).

    uv run python benchmarks/query_bar.py [--size large | --db PATH] [--runs 5] [--store-only]

Two views of the same queries on the Backlog (100,000 issues):
- store: parse + the Reader calls behind the table, timed alone (first page of 256 rows, the
  seq snapshot of every match, the exact count);
- app (headless, 120x36): the bar is open with the query typed; the clock starts when Enter is
  posted and stops when the first rows of the new list are drawn ("rows"), then when the whole
  snapshot is in and the status bar knows the total ("loaded"). Between runs an empty query
  (untimed) brings every row back.
Prints medians / p95 and the number of matches; asserts nothing about the timings.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from common import summarise
from interaction import rest, show_query
from keys import post_key, timed_key, until
from textual.pilot import Pilot
from textual.widgets import Input
from workspace import TODAY, ensure_workspace, sqlite_url

from prodops_tui.app import ProdOpsApp
from prodops_tui.screens.backlog import COLUMNS as BACKLOG_COLUMNS
from prodops_tui.services.query import parse
from prodops_tui.store.reads import ListQuery, Reader
from prodops_tui.widgets.paged_table import PagedTable
from prodops_tui.widgets.query_bar import QueryBar

SIZE = (120, 36)
NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)
QUERIES = (
    'status:"To Do"',
    "priority:high label:security",
    "has:evidence type:bug",
    "updated<7d sort:-updated",
    "(priority:high OR priority:highest) -has:evidence sort:priority",
    'export status:"In Progress"',
    "assignee:a* -label:regression type:bug sort:-updated",
    "label:quick-win priority:lowest",
    "key:API-4242",
)


def clock() -> datetime:
    return NOW


def _ms(call: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU milliseconds of one call (CPU: what it costs on a machine to itself)."""
    started, cpu = time.perf_counter(), time.thread_time()
    call()
    return (time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000


def store_costs(
    url: str, base: ListQuery, runs: int, queries: Sequence[str] = QUERIES
) -> dict[str, Any]:
    """Per query: parse, first page, snapshot and count, each timed alone (medians, ms)."""
    reader = Reader(url)
    try:
        return {text: _store_costs(reader, base, text, runs) for text in queries}
    finally:
        reader.close()


def _store_costs(reader: Reader, base: ListQuery, text: str, runs: int) -> dict[str, Any]:
    parsed = parse(text, "issue", NOW)
    query = replace(base, order=parsed.order or base.order, where=parsed.where)
    calls: dict[str, Callable[[], object]] = {
        "parse": partial(parse, text, "issue", NOW),
        "first_page": partial(reader.first_page, query, 256),
        "snapshot": partial(reader.snapshot, query),
        "count": partial(reader.count, query),
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in calls}
    for _ in range(runs):
        for name, call in calls.items():
            times[name].append(_ms(call))
    out: dict[str, Any] = {
        name: "/".join(str(summarise([v[i] for v in values]).median) for i in (0, 1))
        for name, values in times.items()
    }
    out["matches"] = reader.count(query)
    return out


async def enter_query(pilot: Pilot[None], table: PagedTable, text: str) -> dict[str, float]:
    """Open the bar, put `text` in it (untimed), then time Enter to rows drawn and loaded."""
    bar = pilot.app.screen.query_one(QueryBar)
    field = bar.query_one(Input)
    await timed_key(pilot, "colon", lambda: field.has_focus)
    field.value = text
    await rest(pilot)
    return await show_query(pilot, table, lambda: post_key(pilot.app, "enter"))


async def app_costs(url: str, runs: int, queries: Sequence[str] = QUERIES) -> dict[str, Any]:
    app = ProdOpsApp(url, workspace="bench", clock=clock, read_only=True, sync_interval=0)
    out: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: not app.workers)
        await app.switch_mode("backlog")
        table = app.screen.query_one(PagedTable)
        await until(lambda: table.loaded)
        await rest(pilot)
        everything = table.total
        for text in queries:
            rows, loaded = [], []
            for _ in range(runs):
                step = await enter_query(pilot, table, text)
                rows.append(step["rows_painted_ms"])
                loaded.append(step["loaded_ms"])
                await enter_query(pilot, table, "")
                assert table.total == everything
            out[text] = {
                "rows": summarise(rows).as_dict(),
                "loaded": summarise(loaded).as_dict(),
                "matches": step["rows"],
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="large")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--store-only", action="store_true", help="skip the headless app")
    parser.add_argument("--db", type=Path, help="a workspace file to read instead of --size")
    args = parser.parse_args()
    url = sqlite_url(args.db or ensure_workspace(args.size))
    base = ListQuery("issue", tuple(column.key for column in BACKLOG_COLUMNS))
    print(f"store calls over the {args.size} workspace (median ms, wall/CPU):")
    for text, costs in store_costs(url, base, args.runs).items():
        cells = "  ".join(f"{k} {v}" for k, v in costs.items())
        print(f"  {text:<66} {cells}")
    if args.store_only:
        return
    print(f"app, Enter in the query bar on the Backlog (p50 / p95 ms), {args.runs} runs:")
    for text, result in asyncio.run(app_costs(url, args.runs)).items():
        rows, loaded = result["rows"], result["loaded"]
        print(
            f"  {text:<66} rows {rows['median']:6.1f} {rows['p95']:6.1f}"
            f"  loaded {loaded['median']:6.1f} {loaded['p95']:6.1f}  ({result['matches']:,})"
        )


if __name__ == "__main__":
    main()
