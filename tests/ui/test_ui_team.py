"""Team mode in the TUI: another member's edit, sync and outage reach an open app without a
restart (within 2 seconds), on PostgreSQL and on a shared SQLite file."""

import time
from collections.abc import Callable, Iterator

import pytest
from conftest import fixed_clock, wait
from textual.pilot import Pilot
from textual.widgets import Label
from ui_rows import fill, issues

from prodops_tui.app import ProdOpsApp
from prodops_tui.screens.backlog import ID, PRIORITY
from prodops_tui.screens.home import Card
from prodops_tui.services.edits import set_priority
from prodops_tui.services.sync_lock import SyncLock
from prodops_tui.store.store import Store
from prodops_tui.widgets.paged_table import PagedTable

LAG = 2.0
SIZE = (120, 36)


@pytest.fixture
def team(db_url: str) -> Iterator[tuple[str, Store]]:
    """A filled workspace and a second member's Store on it."""
    other = Store.open(db_url)
    fill(other, issue_count=30, feedback_count=10)
    other.actor = "bob"
    try:
        yield db_url, other
    finally:
        other.close()


def member_app(url: str) -> ProdOpsApp:
    app = ProdOpsApp(url, workspace="team", actor="alice", clock=fixed_clock, sync_interval=0)
    app.WATCH_AFTER = 0.1
    return app


async def within(pilot: Pilot[None], seconds: float, done: Callable[[], bool]) -> float:
    """Seconds until `done()`; fails after `seconds`."""
    started = time.monotonic()
    while not done():
        assert time.monotonic() - started < seconds, "not seen in time"
        await pilot.pause(0.05)
    return time.monotonic() - started


def status_line(app: ProdOpsApp) -> str:
    return str(app.screen.query_one("#status-freshness", Label).render())


async def test_another_members_priority_shows_in_the_backlog(team: tuple[str, Store]) -> None:
    url, other = team
    app = member_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await app.switch_mode("backlog")
        table = app.screen.query_one(PagedTable)
        await within(pilot, 10, lambda: table.loaded and table.row_at(table.cursor) is not None)
        await wait(pilot)
        await pilot.pause(0.5)  # the watcher is listening
        row = table.row_at(table.cursor)
        assert row is not None
        new = "Highest" if row[PRIORITY] != "Highest" else "Lowest"
        set_priority(other, str(row[ID]), new, "bob")

        def shown() -> bool:
            current = table.row_at(table.cursor)
            return current is not None and current[PRIORITY] == new

        assert await within(pilot, LAG, shown) < LAG


async def test_home_counts_follow_another_members_change(team: tuple[str, Store]) -> None:
    url, other = team
    app = member_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        card = app.screen.query_one("#card-1", Card)
        before = str(card.render())
        await pilot.pause(0.5)
        other.upsert("issue", list(issues(37, hostile=False))[30:])
        assert await within(pilot, LAG, lambda: str(card.render()) != before) < LAG
        await wait(pilot)


async def test_who_is_syncing_elsewhere_is_shown(team: tuple[str, Store]) -> None:
    url, other = team
    app = member_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.pause(0.5)
        lock = SyncLock(other, "jira-1")
        assert lock.acquire() is None
        try:
            await within(pilot, LAG, lambda: "jira syncing (bob)…" in status_line(app))
        finally:
            lock.release()
        await within(pilot, LAG, lambda: "jira syncing" not in status_line(app))
