"""Issue 4's triage goals headless on a copy of a workspace: a triage key (`1`, accept, no
dialog; the write runs in a worker) until the row is repainted with the local change, and `d`
(opening the detail pane at 80x24, where it starts hidden) until it is drawn with the row:
once after the cursor rested on the row (its details already read), once right after the
cursor moved (read on `d`), the latter also until the issue's context (comments, feedback,
experiments, changes) is drawn.

    uv run python benchmarks/triage.py --size large [--count 20] [--out result.json]

The workspace is copied first (the keys write decisions); the cached one stays as built.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import emit_json, summarise
from keys import drain, post_key, repaint, timed_key, until
from textual.pilot import Pilot
from textual.widgets import Static
from workspace import ensure_workspace, sqlite_url

from prodops_tui.app import ProdOpsApp
from prodops_tui.widgets.detail_pane import DetailPane
from prodops_tui.widgets.paged_table import PagedTable

GAP = 0.1


async def rest(pilot: Pilot[None]) -> None:
    await asyncio.sleep(GAP)
    busy = ("triage-", "badges", "detail", "table-")
    await until(
        lambda: not [w for w in pilot.app.workers if str(w.group).startswith(busy)], timeout=60
    )
    await drain(pilot)


def cursor_text(table: PagedTable) -> str:
    return table.render_line(table.cursor - round(table.scroll_y) + 1).text


async def accept_keys(pilot: Pilot[None], count: int) -> dict[str, Any]:
    """`1` on `count` untriaged rows: key -> the cursor row drawn with its new status."""
    table = pilot.app.screen.query_one(PagedTable)
    times = []
    for _ in range(count):
        while "Selected" in cursor_text(table) or "To Do" not in cursor_text(table):
            table.action_cursor_down()
            await rest(pilot)
        times.append(await timed_key(pilot, "1", lambda: "Selected" in cursor_text(table)))
        print(f"accept {len(times)}: {times[-1]:.1f} ms", file=sys.stderr, flush=True)
        await rest(pilot)
        table.action_cursor_down()
        await rest(pilot)
    return summarise(times).as_dict()


async def open_detail(pilot: Pilot[None], count: int) -> dict[str, Any]:
    """`d` at 80x24 (pane hidden): key -> the pane drawn with the highlighted row's facts."""
    table = pilot.app.screen.query_one(PagedTable)
    pane = pilot.app.screen.query_one(DetailPane)
    body = pane.query_one("#detail-body", Static)
    times = []
    for _ in range(count):
        table.action_cursor_down()
        await rest(pilot)
        row = table.row_at(table.cursor)
        assert row is not None
        key = str(row[1])

        def shown(key: str = key) -> bool:
            return pane.display and key in str(body.render())

        times.append(await timed_key(pilot, "d", shown))
        print(f"detail {len(times)}: {times[-1]:.1f} ms", file=sys.stderr, flush=True)
        await rest(pilot)
        await timed_key(pilot, "d", lambda: not pane.display)
        await rest(pilot)
    return summarise(times).as_dict()


async def open_detail_cold(pilot: Pilot[None], count: int) -> dict[str, dict[str, Any]]:
    """`d` right after a cursor move (pane hidden, the row not read yet): key -> the row's facts
    drawn ("facts"), and -> its comments/feedback/experiments section drawn too ("context")."""
    table = pilot.app.screen.query_one(PagedTable)
    pane = pilot.app.screen.query_one(DetailPane)
    body = pane.query_one("#detail-body", Static)
    extra = pane.query_one("#detail-extra", Static)
    facts, context = [], []
    for _ in range(count):
        table.action_cursor_down()
        row = table.row_at(table.cursor)
        assert row is not None
        key = str(row[1])
        started = time.perf_counter()
        post_key(pilot.app, "d")
        await until(lambda key=key: pane.display and key in str(body.render()), poll=0)
        await repaint(pilot)
        facts.append((time.perf_counter() - started) * 1000)
        await until(lambda: bool(str(extra.render()).strip()), poll=0)
        await repaint(pilot)
        context.append((time.perf_counter() - started) * 1000)
        print(f"detail cold {len(facts)}: {facts[-1]:.1f} / {context[-1]:.1f} ms", file=sys.stderr)
        await rest(pilot)
        await timed_key(pilot, "d", lambda: not pane.display)
        await rest(pilot)
    return {"facts": summarise(facts).as_dict(), "context": summarise(context).as_dict()}


async def measure(url: str, count: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    app = ProdOpsApp(url, workspace="bench", actor="bench", sync_interval=0)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.switch_mode("backlog")
        table = app.screen.query_one(PagedTable)
        await until(lambda: table.loaded, timeout=60)
        await rest(pilot)
        out["issues"] = table.total
        out["accept_key_ms"] = await accept_keys(pilot, count)
    app = ProdOpsApp(url, workspace="bench", actor="bench", sync_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("backlog")
        table = app.screen.query_one(PagedTable)
        await until(lambda: table.loaded, timeout=60)
        await rest(pilot)
        started = time.perf_counter()
        await repaint(pilot)
        out["repaint_floor_ms"] = round((time.perf_counter() - started) * 1000, 2)
        out["open_detail_ms"] = await open_detail(pilot, count)
        out["open_detail_cold_ms"] = await open_detail_cold(pilot, count)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="large")
    parser.add_argument("--db", type=Path, help="a workspace file to copy instead of --size")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    source = args.db or ensure_workspace(args.size)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "workspace.db"
        shutil.copyfile(source, copy)
        result = asyncio.run(measure(sqlite_url(copy), args.count))
    emit_json(result, args.out)


if __name__ == "__main__":
    main()
