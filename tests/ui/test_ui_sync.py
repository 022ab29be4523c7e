"""Sync, priority edits, push and conflicts in the TUI against the fakes over loopback."""

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import wait
from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import Label, OptionList

from prodops_tui.app import ProdOpsApp
from prodops_tui.cli.build import build_synced_demo
from prodops_tui.fakes.serve import RunningFakes, start_fakes
from prodops_tui.screens.backlog import ID, KEY, PRIORITY
from prodops_tui.screens.conflicts import ConflictsDialog
from prodops_tui.screens.dialogs import PRIORITIES, PriorityDialog
from prodops_tui.services.generator import generate
from prodops_tui.services.sync_lock import SyncLock
from prodops_tui.store.store import Store
from prodops_tui.widgets.paged_table import PagedTable

DAY = date(2025, 1, 15)
SIZE = (160, 40)


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, RunningFakes]]:
    """A tiny demo workspace synced from the fakes; their tokens only in this process's env."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("PRODOPS_DATA_DIR", str(tmp_path / "data"))
    company = generate("tiny", 7, DAY)
    with start_fakes(company) as fakes:
        for kind, token in fakes.tokens.items():
            monkeypatch.setenv(f"PRODOPS_{kind.upper()}_TOKEN", token)
        path = tmp_path / "demo.db"
        build_synced_demo(path, company, fakes, quiet=True)
        yield f"sqlite:///{path}", fakes


def rows(url: str, sql: str, **params: Any) -> list[Any]:
    store = Store.open(url)
    try:
        with store.read() as conn:
            return list(conn.execute(text(sql), params).all())
    finally:
        store.close()


async def until(pilot: Pilot[None], done: Callable[[], bool], seconds: float = 20.0) -> None:
    """Let the app run until `done()` (workers and timers included), or fail."""
    deadline = datetime.now(UTC) + timedelta(seconds=seconds)
    while not done():
        assert datetime.now(UTC) < deadline, f"timed out: {status_line(pilot.app)}"  # type: ignore[arg-type]
        await wait(pilot)
        await pilot.pause(0.05)


def cursor_line(app: ProdOpsApp) -> str:
    table = app.screen.query_one(PagedTable)
    return table.render_line(table.cursor - round(table.scroll_y) + 1).text


def status_line(app: ProdOpsApp) -> str:
    return str(app.screen.query_one("#status-freshness", Label).render())


def notes(app: ProdOpsApp) -> list[str]:
    return [str(n.message) for n in app._notifications]  # noqa: SLF001


async def open_backlog(pilot: Pilot[None]) -> tuple[str, str, str]:
    """Show the Backlog and return the highlighted issue's id, key and priority."""
    await pilot.app.switch_mode("backlog")
    table = pilot.app.screen.query_one(PagedTable)
    await until(pilot, lambda: table.loaded and table.row_at(table.cursor) is not None)
    row = table.row_at(table.cursor)
    assert row is not None
    return str(row[ID]), str(row[KEY]), str(row[PRIORITY])


async def choose_priority(pilot: Pilot[None], name: str) -> None:
    await pilot.press("p")
    await until(pilot, lambda: isinstance(pilot.app.screen, PriorityDialog))
    await pilot.press("home", *["down"] * PRIORITIES.index(name), "enter")


def app_for(url: str, **options: Any) -> ProdOpsApp:
    return ProdOpsApp(url, workspace="demo", actor="pat", sync_interval=0, **options)


async def test_priority_is_queued_then_pushed_to_jira(demo: tuple[str, RunningFakes]) -> None:
    url, fakes = demo
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        issue_id, key, before = await open_backlog(pilot)
        wanted = "High" if before != "High" else "Low"
        await choose_priority(pilot, wanted)
        await until(pilot, lambda: "queued" in cursor_line(app))
        assert key in cursor_line(app) and wanted in cursor_line(app)
        decision = rows(url, "SELECT actor, action, detail, outbox_id FROM decision")
        assert len(decision) == 1 and decision[0][:2] == ("pat", "priority")
        assert f'"restore": {{"priority": "{before}"}}' in decision[0][2]
        assert f'"set": {{"priority": "{wanted}"}}' in decision[0][2]
        edit = rows(url, "SELECT id, op, payload, base_version, state, target FROM outbox")
        assert len(edit) == 1 and edit[0][0] == decision[0][3]
        assert edit[0][1:3] == ("priority", f'{{"name": "{wanted}"}}') and edit[0][5] == issue_id
        assert datetime.fromisoformat(edit[0][3]).tzinfo is not None
        await pilot.press("ctrl+u")
        await until(pilot, lambda: "pushed" in cursor_line(app))
        puts = [w for w in fakes.apps["jira"].state.writes if w["method"] == "PUT"]
        assert puts[-1]["path"].endswith(f"/issue/{issue_id.rsplit(':', 1)[1]}")
        assert puts[-1]["body"]["fields"]["priority"] == {"name": wanted}
        assert fakes.apps["jira"].state.data.find(key)["fields"]["priority"]["name"] == wanted
        assert rows(url, "SELECT state FROM outbox")[0][0] == "done"


async def test_a_remote_change_becomes_a_conflict_to_discard(
    demo: tuple[str, RunningFakes],
) -> None:
    url, fakes = demo
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        _, key, before = await open_backlog(pilot)
        ours, theirs = [p for p in ("Lowest", "Highest", "Medium") if p != before][:2]
        await choose_priority(pilot, ours)
        await until(pilot, lambda: "queued" in cursor_line(app))
        fakes.apps["jira"].state.touch(key, summary="Changed by someone else", priority=theirs)
        await pilot.press("ctrl+u")
        await until(pilot, lambda: "conflict" in cursor_line(app))
        assert "1 conflicts" in status_line(app)
        assert not fakes.apps["jira"].state.writes or all(
            w["method"] != "PUT" for w in fakes.apps["jira"].state.writes
        )
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, ConflictsDialog))
        options = app.screen.query_one(OptionList)
        await until(pilot, lambda: options.option_count == 1)
        assert key in str(options.get_option_at_index(0).prompt)
        await pilot.press("x")
        await until(pilot, lambda: rows(url, "SELECT state FROM outbox")[0][0] == "rejected")
        await until(pilot, lambda: options.option_count == 0)
        assert rows(url, "SELECT error FROM outbox")[0][0] == "discarded after a conflict"
        await pilot.press("escape")
        await until(pilot, lambda: theirs in cursor_line(app) and ours not in cursor_line(app))


async def test_ctrl_r_syncs_and_the_status_bar_shows_it(demo: tuple[str, RunningFakes]) -> None:
    url, _ = demo
    store = Store.open(url)
    try:
        with store.write() as conn:
            old = datetime.now(UTC) - timedelta(days=3)
            conn.execute(text("UPDATE sync_state SET last_success_at = :old"), {"old": old})
    finally:
        store.close()
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_backlog(pilot)
        await until(pilot, lambda: "jira 3d ago (stale)" in status_line(app))
        await pilot.press("ctrl+r")
        await until(pilot, lambda: re.search(r"\bjira \d+s ago", status_line(app)) is not None)
        assert "(stale)" not in status_line(app).split("jira")[1].split("·")[0]
        await until(pilot, lambda: any(note.startswith("Synced:") for note in notes(app)))


async def test_another_process_syncing_is_reported(demo: tuple[str, RunningFakes]) -> None:
    url, _ = demo
    store = Store.open(url)
    jira = rows(url, "SELECT id FROM connection WHERE kind = 'jira'")[0][0]
    lock = SyncLock(store, jira)
    assert lock.acquire() is None
    try:
        app = app_for(url)
        async with app.run_test(size=SIZE) as pilot:
            await open_backlog(pilot)
            await pilot.press("ctrl+r")
            await until(pilot, lambda: "jira already syncing" in status_line(app))
    finally:
        lock.release()
        store.close()


async def test_read_only_refuses_edits_and_sync(demo: tuple[str, RunningFakes]) -> None:
    url, _ = demo
    app = app_for(url, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_backlog(pilot)
        await pilot.press("p", "ctrl+r", "ctrl+u")
        await wait(pilot)
        assert not isinstance(app.screen, PriorityDialog)
        assert sum("Read-only workspace" in note for note in notes(app)) == 3
    assert rows(url, "SELECT count(*) FROM outbox")[0][0] == 0
