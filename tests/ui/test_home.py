"""Home: counts that open what they count, charts with literal remote text, refresh on new
data, and a helpful screen for an empty workspace."""

from datetime import timedelta
from pathlib import Path

import pytest
from conftest import AppFactory, wait
from sqlmodel import SQLModel
from test_ui_screens import screen_text
from ui_rows import NOW

from prodops_tui.screens.conflicts import ConflictsDialog
from prodops_tui.screens.home import HomeScreen
from prodops_tui.screens.home_cards import CARDS, Card
from prodops_tui.screens.home_charts import EMPTY
from prodops_tui.services import health
from prodops_tui.store.store import Store
from prodops_tui.widgets.activity import DATA
from prodops_tui.widgets.charts import Chart

SIZE = (120, 36)


def cards(app: object) -> dict[str, str]:
    screen = app.screen  # type: ignore[attr-defined]
    return {card.spec.title: str(card.render()) for card in screen.query(Card)}


def snooze_two(url: str) -> None:
    """PROD-1 snoozed until yesterday (due back), PROD-2 until tomorrow; PROD-3 is done."""
    issue = SQLModel.metadata.tables["issue"]
    changes = {
        "jira:acme:1": {"triage_state": "snoozed", "snoozed_until": NOW - timedelta(days=1)},
        "jira:acme:2": {"triage_state": "snoozed", "snoozed_until": NOW + timedelta(days=1)},
        "jira:acme:3": {"status_category": "done"},
    }
    store = Store.open(url)
    try:
        with store.write() as conn:
            for id_, values in changes.items():
                conn.execute(issue.update().where(issue.c.id == id_).values(**values))
    finally:
        store.close()


def add_rows(url: str) -> None:
    """Two new untriaged issues, and recent tagged feedback linked to the hostile issue."""
    store = Store.open(url)
    try:
        store.upsert(
            "issue",
            [
                {"id": f"jira:acme:new{n}", "key": f"NEW-{n}", "summary": "New", "labels": []}
                | {"updated": NOW, "transitions": []}
                for n in (1, 2)
            ],
        )
        store.upsert(
            "feedback",
            [
                {"id": f"zd:recent{n}", "subject": "Recent", "tags": ["checkout-theme"]}
                | {"created": NOW - timedelta(days=n), "updated": NOW, "org_id": "org-2"}
                for n in (1, 2, 3)
            ],
        )
        store.upsert(
            "evidence",
            [{"feedback_id": f"zd:recent{n}", "issue_id": "jira:acme:300"} for n in (1, 2)],
        )
    finally:
        store.close()


async def test_number_keys_open_the_list_each_card_counts(
    workspace_url: str, make_app: AppFactory
) -> None:
    snooze_two(workspace_url)
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        shown = cards(app)
        assert "of 300 issues" in shown["Untriaged"] and "of 120 items" in shown["New feedback"]
        assert all("counting…" not in text for text in shown.values())
        counts = dict(app.screen.counts)
        assert (counts["issues_untriaged"], counts["feedback_new"]) == (
            222,
            80,
        )  # 225, less two snoozed and one done
        assert (counts["snoozed_issues_due"], counts["snoozed_feedback_due"]) == (1, 0)
        for key, mode, count in (
            ("1", "backlog", "issues_untriaged"),
            ("2", "inbox", "feedback_new"),
            ("3", "backlog", "snoozed_issues_due"),
            ("4", "inbox", "snoozed_feedback_due"),
        ):
            await pilot.press("f2")
            await wait(pilot)
            await pilot.press(key)
            await wait(pilot)
            assert app.current_mode == mode, key
            assert app.screen.query_text == CARDS[int(key) - 1].query, key
            assert app.screen.status.rows == counts[count], key
        for key, mode in (("5", "calendar"), ("6", "tools"), ("7", "tools")):
            await pilot.press("f2")
            await wait(pilot)
            await pilot.press(key)
            await wait(pilot)
            assert app.current_mode == mode, key
        await pilot.press("f2")
        await wait(pilot)
        await pilot.press("8")
        await wait(pilot)
        assert isinstance(app.screen, ConflictsDialog)


async def test_stale_sources_follow_the_tools_screens_rule(
    workspace_url: str, make_app: AppFactory
) -> None:
    """Home counts a source stale by the Tools screen's rule (services/staleness.py): Jira's
    issues synced 5 min ago but its fields an hour ago (stale with a 30-min sync interval,
    though within a day), Zendesk 3 days ago."""
    store = Store.open(workspace_url)
    try:
        hour_ago = {"connection_id": "jira-1", "stream": "fields"} | {
            "last_success_at": NOW - timedelta(hours=1)
        }
        store.upsert("sync_state", [hour_ago])
        tools = {
            c: health.connection_health(
                store, c, now=NOW, interval_minutes=30, lookup=lambda row: ("keyring", None)
            )
            for c in ("jira-1", "zd-1")
        }
    finally:
        store.close()
    assert {c: h.state for c, h in tools.items() if h} == {"jira-1": "stale", "zd-1": "stale"}
    app = make_app(workspace_url, sync_interval=30 * 60)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        assert (app.screen.counts["stale"], app.screen.counts["sources"]) == (2, 2)
        assert cards(app)["Stale sources"].splitlines()[1:] == ["2", "of 2 sources"]


async def test_enter_on_a_focused_card_opens_its_screen(
    workspace_url: str, make_app: AppFactory
) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("right", "enter")
        await wait(pilot)
        assert app.current_mode == "inbox"


async def test_home_reads_again_when_rows_change(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        assert "225" in cards(app)["Untriaged"]
        assert EMPTY["top"] in str(app.screen.query_one("#top", Chart).render())
        add_rows(workspace_url)
        app.activity.changed.publish(DATA)  # what a finished sync, edit or push announces
        await wait(pilot)
        assert "227" in cards(app)["Untriaged"] and "of 302 issues" in cards(app)["Untriaged"]
        text = screen_text(app)
        assert "PROD-300" in text and "2 ev" in text
        assert "[@click=app.quit]x[/]" in text  # the hostile summary, literally
        assert "checkout-theme" in text
        assert app.current_mode == "home" and isinstance(app.screen, HomeScreen)


async def test_an_empty_workspace_says_what_to_do(sqlite_url: str, make_app: AppFactory) -> None:
    Store.open(sqlite_url).close()
    app = make_app(sqlite_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        text = screen_text(app)
        assert "This workspace has no data yet" in text and "prodops demo" in text
        assert "counting…" not in text
        assert "No renewals ahead" in text and EMPTY["trends"] in text
        assert "0 sources" in text


async def test_the_palette_writes_the_digest(
    workspace_url: str,
    make_app: AppFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PRODOPS_DATA_DIR", str(tmp_path / "data"))
    add_rows(workspace_url)
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"write digest (html")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait(pilot)
        written = tmp_path / "data" / "reports" / "digest-default-2025-03-10.html"
        assert written.is_file()
        page = written.read_text(encoding="utf-8")
        assert "PROD-300" in page and "[@click=app.quit]x[/]" in page and "<svg" in page
        assert any(str(written) in n.message for n in app._notifications)
