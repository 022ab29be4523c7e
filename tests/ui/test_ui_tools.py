"""The Tools screen: the inventory with totals, the tool form (validation kept in the form),
retire and delete with a yes, the export key, and connector health with its keys."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import until, wait
from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import Label, Static

from prodops_tui.app import ProdOpsApp
from prodops_tui.screens.dialogs import ConfirmDialog
from prodops_tui.screens.tool_form import ToolForm
from prodops_tui.services.demo import fill_workspace
from prodops_tui.services.tool_csv import import_tools
from prodops_tui.store.store import Store
from prodops_tui.widgets.paged_table import PagedTable

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
SIZE = (120, 36)


def clock() -> datetime:
    return NOW


@pytest.fixture(autouse=True)
def no_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No OS keyring, no tokens in the environment, credential files in tmp."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("PRODOPS_DATA_DIR", str(tmp_path / "data"))
    for kind in ("JIRA", "ZENDESK", "GROWTHBOOK", "MIXPANEL"):
        monkeypatch.delenv(f"PRODOPS_{kind}_TOKEN", raising=False)


@pytest.fixture
def demo_url(sqlite_url: str) -> str:
    store = Store.open(sqlite_url)
    try:
        fill_workspace(store, "tiny", seed=7, today=NOW.date())
    finally:
        store.close()
    return sqlite_url


def query(url: str, sql: str) -> list[Any]:
    store = Store.open(url)
    try:
        with store.read() as conn:
            return list(conn.execute(text(sql)).all())
    finally:
        store.close()


def detail(app: ProdOpsApp) -> str:
    return str(app.screen.query_one("#detail-body", Static).render())


def notes(app: ProdOpsApp) -> list[str]:
    return [str(n.message) for n in app._notifications]  # noqa: SLF001


def names(app: ProdOpsApp) -> list[str]:
    table = app.screen.query_one(PagedTable)
    return [str(row[1]) for row in (table.row_at(i) for i in range(table.total)) if row]


async def open_tools(pilot: Pilot[None], row: str = "") -> None:
    await pilot.app.switch_mode("tools")
    table = pilot.app.screen.query_one(PagedTable)
    await until(pilot, lambda: table.loaded and table.row_at(table.cursor) is not None)
    while row and str(table.row_at(table.cursor)[1]) != row:  # type: ignore[index]
        await pilot.press("j")
    await pilot.pause(0.2)
    await wait(pilot)


async def type_into(pilot: Pilot[None], field: str, value: str) -> None:
    form = pilot.app.screen
    form.query_one(f"#{field}").value = value  # type: ignore[attr-defined]
    await pilot.pause()


async def test_the_inventory_shows_costs_renewals_and_totals(demo_url: str) -> None:
    app = ProdOpsApp(demo_url, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_tools(pilot, "Figma")
        summary = str(app.screen.query_one("#list-summary", Label).render())
        assert "Unused seats 184" in summary and "Over-used 3" in summary
        assert "Support 4,400 · Analytics 2,950" in summary
        text = detail(app)
        assert "33 used of 30 bought  3 above bought" in text
        assert "1,350 a month · 16,200 a year" in text
        assert "(in 45 days)" in text


async def test_add_keeps_bad_input_in_the_form_and_saves_good_input(demo_url: str) -> None:
    app = ProdOpsApp(demo_url, clock=clock, actor="pat")
    async with app.run_test(size=SIZE) as pilot:
        await open_tools(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ToolForm))
        await type_into(pilot, "name", "Figma")
        await type_into(pilot, "monthly_cost", "lots")
        await pilot.press("ctrl+s")
        form = app.screen
        await until(
            pilot, lambda: "monthly cost" in str(form.query_one(".form-error", Label).render())
        )
        await type_into(pilot, "monthly_cost", "99")
        await pilot.press("ctrl+s")
        await until(
            pilot, lambda: "already exists" in str(form.query_one(".form-error", Label).render())
        )
        assert isinstance(app.screen, ToolForm)
        await type_into(pilot, "name", "Whimsical")
        await type_into(pilot, "seats_bought", "2")
        await type_into(pilot, "seats_used", "5")
        await type_into(pilot, "renewal_date", "2026-01-01")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, ToolForm))
        await until(pilot, lambda: "Whimsical" in names(app))
        assert "5 seats used, above the 2 bought" in notes(app)
        assert "renewal date 2026-01-01 is in the past" in notes(app)
    assert query(
        demo_url, "SELECT actor, action FROM decision WHERE target = 'tool:whimsical'"
    ) == [("pat", "tool.add")]


async def test_edit_retire_and_delete_after_a_yes(demo_url: str) -> None:
    app = ProdOpsApp(demo_url, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_tools(pilot, "Miro")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ToolForm))
        assert app.screen.query_one("#seats_used").value == "31"  # type: ignore[attr-defined]
        await type_into(pilot, "seats_used", "12")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "12 used of 50 bought" in detail(app))
        await pilot.press("r")
        await until(pilot, lambda: "Status     retired" in detail(app))
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        await wait(pilot)
        assert "Miro" in names(app)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: "Miro" not in names(app))
    actions = query(demo_url, "SELECT action FROM decision WHERE target = 'tool:miro' ORDER BY id")
    assert [a for (a,) in actions] == ["tool.edit", "tool.retire", "tool.delete"]


async def test_read_only_refuses_edits(demo_url: str) -> None:
    app = ProdOpsApp(demo_url, clock=clock, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_tools(pilot)
        for key in ("a", "e", "r", "x", "s", "c"):
            await pilot.press(key)
            await wait(pilot)
            assert not isinstance(app.screen, ToolForm | ConfirmDialog)
        assert "Read-only workspace: edits, sync and sign-in are off" in notes(app)


async def test_export_key_writes_a_csv_that_imports_back(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = ProdOpsApp(demo_url, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_tools(pilot)
        await pilot.press("E")
        written = tmp_path / "tools-2026-11-27.csv"
        await until(pilot, lambda: any("Wrote 27 tools" in n for n in notes(app)))
    store = Store.open(demo_url)
    try:
        report = import_tools(store, written.read_text(encoding="utf-8"), "pat", date(2026, 11, 27))
    finally:
        store.close()
    assert (report.added, report.updated, report.unchanged) == (0, 0, 27)


async def test_a_stale_connection_is_flagged(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRODOPS_JIRA_TOKEN", "from-the-environment")
    store = Store.open(demo_url)
    try:
        two_hours_ago = {"last_success_at": NOW - timedelta(hours=2), "last_error": ""}
        store.upsert(
            "sync_state", [{"connection_id": "jira:acme", "stream": "issues", **two_hours_ago}]
        )
    finally:
        store.close()
    app = ProdOpsApp(demo_url, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_tools(pilot, "Jira")
        await until(pilot, lambda: "Connection Acme Jira" in detail(app))
        lines = detail(app).split("\n")
        assert "Connection Acme Jira  stale" in lines
        assert "Sign-in    api_token; secret in env" in lines
        assert any("2026-11-27 08:00 (2h ago) stale (every 15 min)" in line for line in lines)


async def test_a_failing_stream_shows_its_error_with_its_time(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generator's Mixpanel NPS stream last synced days ago and hit a 429 since."""
    monkeypatch.setenv("PRODOPS_MIXPANEL_TOKEN", "from-the-environment")
    app = ProdOpsApp(demo_url, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_tools(pilot, "Mixpanel")
        await until(pilot, lambda: "Connection Acme Mixpanel" in detail(app))
        text = detail(app)
        assert "Connection Acme Mixpanel  failing" in text
        assert "error 2026-11-27 07:40 (2h ago): HTTP 429 Too Many Requests" in text
        assert "Rate       0 requests left" in text


async def test_the_query_bar_filters_tools_by_field(demo_url: str) -> None:
    app = ProdOpsApp(demo_url, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_tools(pilot)
        await pilot.press("colon", *"status:retiring cost>900", "enter")
        await until(pilot, lambda: names(app) == ["Amplitude"])
        await pilot.press("colon", "ctrl+u", *"use>100 sort:-cost", "enter")
        await until(pilot, lambda: names(app) == ["Figma", "Mixpanel", "Maze"])
        await pilot.press("colon", "ctrl+u", *"renewal<2026-12-15 status:active", "enter")
        await until(pilot, lambda: names(app) == ["Mixpanel", "Productboard"])
