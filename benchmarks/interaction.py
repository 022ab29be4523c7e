"""Goals (b), (c), (d) headless: cursor keys and paging, filter-as-you-type and memory.

Run as a script (one size per process, so its memory is the app's alone):
    python benchmarks/interaction.py --size large --out result.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from common import peak_rss_mb, rss_mb, summarise
from keys import drain, repaint, rows_painted, timed_key, until, visible_rows_ready
from textual.pilot import Pilot
from textual.widgets import Input, Label
from workspace import ensure_workspace, sqlite_url

from prodops_tui.app import ProdOpsApp
from prodops_tui.widgets.paged_table import PagedTable

SIZE = (120, 36)
GAP = 0.06
"""Seconds of rest after each key (longer than the detail pane's 50 ms delay), not timed."""
WORD = "export"

Target = Callable[[PagedTable], int]
MOVES: dict[str, tuple[str, int, Target]] = {
    "down": ("down", 50, lambda t: min(t.cursor + 1, t.total - 1)),
    "up": ("up", 20, lambda t: max(t.cursor - 1, 0)),
    "page_down": ("pagedown", 20, lambda t: min(t.cursor + max(t.size.height - 2, 1), t.total - 1)),
    "end": ("end", 5, lambda t: t.total - 1),
    "home": ("home", 5, lambda t: 0),
}


async def rest(pilot: Pilot[None]) -> None:
    """Let the key's follow-up work (detail pane, page loads) finish before the next key."""
    await asyncio.sleep(GAP)
    await until(lambda: not pilot.app.workers)
    await drain(pilot)


async def show_query(
    pilot: Pilot[None], table: PagedTable, apply: Callable[[], None]
) -> dict[str, float]:
    """Time a (re)load of the table: first rows painted, then the full snapshot (Loaded)."""
    before = table.wanted_query
    started = time.perf_counter()
    apply()
    await until(lambda: table.wanted_query != before and table.list_query == table.wanted_query)
    first_rows = await rows_painted(pilot, table, started)
    await until(lambda: table.loaded)
    await repaint(pilot)
    loaded = (time.perf_counter() - started) * 1000
    await rest(pilot)
    return {
        "rows_painted_ms": round(first_rows, 1),
        "loaded_ms": round(loaded, 1),
        "rows": table.total,
    }


def at_row(table: PagedTable, index: int) -> bool:
    return table.cursor == index


async def browse(pilot: Pilot[None], table: PagedTable, cap: int | None) -> dict[str, Any]:
    """Each move key N times: key -> cursor drawn; -> every follow-up message handled and drawn
    (includes the harness's walk over all widgets); -> the viewport's rows loaded and drawn.
    `cap` limits the presses per key (the smoke run presses each once)."""
    results: dict[str, Any] = {}
    for name, (key, count, target) in MOVES.items():
        drawn, settled, filled = [], [], []
        for _ in range(min(count, cap or count)):
            expected = target(table)
            started = time.perf_counter()
            drawn.append(await timed_key(pilot, key, partial(at_row, table, expected)))
            await drain(pilot)
            settled.append((time.perf_counter() - started) * 1000)
            filled.append(await rows_painted(pilot, table, started))
            await rest(pilot)
        results[name] = {
            "drawn": summarise(drawn).as_dict(),
            "settled": summarise(settled).as_dict(),
            "rows": summarise(filled).as_dict(),
        }
    return results


def exact_count_shown(count: Label, typed: str) -> bool:
    """The count label holds the exact count of `typed` (not a bound, not the last search's)."""
    counted = getattr(count.parent, "counted", typed)  # older code: no bounds shown
    return counted == typed and str(count.content).endswith(("match", "matches"))


async def filter_key(
    pilot: Pilot[None], table: PagedTable, field: Input, count: Label, typed: str
) -> dict[str, Any]:
    """Type the last char of `typed`: echo drawn, then (>= 2 chars) each of rows drawn,
    snapshot loaded and exact count shown, timed on its own (whichever comes first)."""
    started = time.perf_counter()
    echo = await timed_key(pilot, typed[-1], lambda: field.value == typed)
    step: dict[str, Any] = {"text": typed, "echo_ms": round(echo, 1)}
    if len(typed) < 2:
        return step
    marks: dict[str, Callable[[], bool]] = {
        "rows_painted_ms": lambda: table.list_query.search == typed and visible_rows_ready(table),
        "loaded_ms": lambda: table.list_query.search == typed and table.loaded,
        "count_ms": lambda: (
            table.wanted_query.search == typed  # the old count is cleared
            and exact_count_shown(count, typed)
        ),
    }
    while marks:
        await until(lambda: any(reached() for reached in marks.values()), poll=0.001)
        done = [name for name, reached in marks.items() if reached()]
        await repaint(pilot)
        for name in done:
            step[name] = round((time.perf_counter() - started) * 1000, 1)
            del marks[name]
    step["rows"] = table.total
    step["count"] = str(count.content)
    return step


async def type_filter(pilot: Pilot[None], table: PagedTable, word: str) -> list[dict[str, Any]]:
    """Open `/`, type `word` one key at a time (waiting for each result) and time every key."""
    field = pilot.app.screen.query_one(Input)
    count = pilot.app.screen.query_one("#filter-count", Label)
    await timed_key(pilot, "slash", lambda: field.has_focus)
    await rest(pilot)
    steps = []
    for n in range(1, len(word) + 1):
        steps.append(await filter_key(pilot, table, field, count, word[:n]))
        await rest(pilot)
    return steps


def db_costs(app: ProdOpsApp, table: PagedTable, word: str) -> dict[str, float]:
    """The store calls behind the filter, timed alone in this thread (ms)."""
    query = replace(table.list_query, search=word)
    costs: dict[str, float] = {}
    for name, call in (
        ("first_page", lambda: app.reader.first_page(query, 256)),
        ("snapshot", lambda: app.reader.snapshot(query)),
        ("count", lambda: app.reader.count(query)),
    ):
        started = time.perf_counter()
        call()
        costs[name] = round((time.perf_counter() - started) * 1000, 2)
    return costs


async def harness_floor(pilot: Pilot[None], count: int = 20) -> dict[str, float]:
    """What the timing itself costs: a zero sleep and a repaint with nothing to draw (ms)."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        await asyncio.sleep(0)
        await repaint(pilot)
        times.append((time.perf_counter() - started) * 1000)
    return summarise(times).as_dict()


async def drain_floor(pilot: Pilot[None], count: int = 20) -> dict[str, float]:
    """What `drain` costs with nothing queued (ms): part of every "settled" time."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        await drain(pilot)
        times.append((time.perf_counter() - started) * 1000)
    return summarise(times).as_dict()


async def measure(
    url: str, word: str, filter_only: bool = False, cap: int | None = None
) -> dict[str, Any]:
    app = ProdOpsApp(url, workspace="bench")
    out: dict[str, Any] = {"rss_mb": {}}
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: not app.workers)
        out["rss_mb"]["home"] = rss_mb()
        started = time.perf_counter()
        await app.switch_mode("inbox")
        table = app.screen.query_one(PagedTable)
        await until(lambda: table.loaded)
        await repaint(pilot)
        out["open_inbox_ms"] = round((time.perf_counter() - started) * 1000, 1)
        await rest(pilot)
        if filter_only:
            return await measure_filters(pilot, table, word, out)
        out["harness_floor_ms"] = await harness_floor(pilot)
        out["drain_floor_ms"] = await drain_floor(pilot)
        out["inbox"] = {"rows": table.total, "keys": await browse(pilot, table, cap)}
        all_rows = replace(table.list_query, filters=())
        out["all_feedback_load"] = await show_query(pilot, table, lambda: table.set_query(all_rows))
        out["all_feedback"] = {"rows": table.total, "keys": await browse(pilot, table, cap)}
        out["rss_mb"]["after_browse"] = rss_mb()
        out["filter"] = await type_filter(pilot, table, word)
        out["filter_db_ms"] = db_costs(app, table, word)
        out["rss_mb"]["after_search"] = rss_mb()
    out["rss_mb"]["peak"] = peak_rss_mb()
    return out


async def measure_filters(
    pilot: Pilot[None], table: PagedTable, word: str, out: dict[str, Any]
) -> dict[str, Any]:
    """Only the filter: typed over the Inbox (state = new), then over all feedback."""
    out["filter_inbox"] = await type_filter(pilot, table, word)
    out["filter_inbox_db_ms"] = db_costs(pilot.app, table, word)  # type: ignore[arg-type]
    await timed_key(pilot, "escape")
    await rest(pilot)
    all_rows = replace(table.list_query, filters=(), search="")
    await show_query(pilot, table, lambda: table.set_query(all_rows))
    out["filter"] = await type_filter(pilot, table, word)
    out["filter_db_ms"] = db_costs(pilot.app, table, word)  # type: ignore[arg-type]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="large")
    parser.add_argument("--word", default=WORD)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--filter-only", action="store_true", help="only `/` (Inbox, then all)")
    parser.add_argument("--keys", type=int, help="at most this many presses of each move key")
    args = parser.parse_args()
    url = sqlite_url(ensure_workspace(args.size))
    result = asyncio.run(measure(url, args.word, args.filter_only, args.keys))
    result["size"] = args.size
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
