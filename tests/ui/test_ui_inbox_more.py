"""Inbox: CSV import from the screen, the thread read from the (fake) Zendesk, hostile text in
the reading pane, and the trends charts."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import AppFactory
from inbox_helpers import TODAY, calm, inbox_url, open_inbox, query, quiet_credentials  # noqa: F401
from textual.widgets import Input, OptionList, Static

from prodops_tui.fakes.serve import start_fakes
from prodops_tui.screens.inbox_dialogs import ChoiceDialog, ConfirmDialog, TextDialog
from prodops_tui.screens.inbox_trends import TrendsDialog
from prodops_tui.services.generator import generate
from prodops_tui.store.store import Store
from prodops_tui.widgets.charts import Chart

SIZE = (120, 36)
HOSTILE = "[bold red]boom[/] \x1b[2J\u202eevil"


pytestmark = pytest.mark.usefixtures("no_credentials")


async def test_i_imports_a_csv_after_a_preview(
    url: str, make_app: AppFactory, tmp_path: Path
) -> None:
    path = tmp_path / "nps.csv"
    path.write_text("id,score,comment\nq1,9,Great\nq2,11,Too high\nq3,2,Slow\n", encoding="utf-8")
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_inbox(pilot)
        await pilot.press("i")
        await calm(pilot)
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one(Input).value = str(path)
        await pilot.press("enter")
        await calm(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        app.screen.query_one(OptionList).highlighted = 1
        await pilot.press("enter")
        await calm(pilot, 0.3)
        assert isinstance(app.screen, ConfirmDialog)
        shown = "\n".join(line.plain for line in app.screen.lines)
        assert "would add 2" in shown and "line 3: NPS score 11 is outside 0-10" in shown
        assert query(
            url, "SELECT count(*) FROM feedback WHERE kind = 'nps' AND id LIKE 'csv:%'"
        ) == [(0,)]
        await pilot.press("enter")
        await calm(pilot, 0.3)
    assert query(url, "SELECT count(*) FROM feedback WHERE id LIKE 'csv:nps:%'") == [(2,)]


async def test_a_bad_path_is_one_line_and_imports_nothing(url: str, make_app: AppFactory) -> None:
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_inbox(pilot)
        await pilot.press("i")
        await calm(pilot)
        app.screen.query_one(Input).value = "/nonexistent/file.csv"
        await pilot.press("enter")
        await calm(pilot)
        await pilot.press("enter")
        await calm(pilot, 0.3)
        assert not isinstance(app.screen, ConfirmDialog)
    assert query(url, "SELECT count(*) FROM feedback WHERE id LIKE 'csv:%'") == [(0,)]


async def test_the_thread_is_read_from_zendesk_and_cached(
    url: str, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    with start_fakes(generate("tiny", 7, TODAY), kinds=["zendesk"]) as fakes:
        store = Store.open(url)
        with store.write() as conn:
            conn.exec_driver_sql(
                "UPDATE connection SET base_url = ? WHERE id = 'zendesk:acme'",
                (fakes.urls["zendesk"],),
            )
        store.close()
        monkeypatch.setenv("PRODOPS_ZENDESK_TOKEN", fakes.tokens["zendesk"])
        app = make_app(url)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_inbox(pilot)
            ticket = screen.current_id()
            assert ticket is not None and ":ticket:" in ticket
            for _ in range(20):
                await calm(pilot, 0.2)
                if query(url, "SELECT count(*) FROM comment WHERE target = :t", t=ticket)[0][0]:
                    break
            await calm(pilot, 0.3)
            pane = str(screen.query_one("#inbox-reading", Static).render())
    [(count,)] = query(url, "SELECT count(*) FROM comment WHERE target = :t", t=ticket)
    assert count >= 1
    assert f"Thread ({count})" in pane


async def test_hostile_text_in_the_reading_pane_stays_literal(
    url: str, make_app: AppFactory
) -> None:
    store = Store.open(url)
    now = datetime.now(UTC)
    row = {"id": "zendesk:acme:ticket:99999", "kind": "ticket", "connection_id": "zendesk:acme"}
    row |= {"subject": HOSTILE, "body": HOSTILE + " " * 10 + "x" * 1_000_000, "updated": now}
    store.upsert("feedback", [row])
    comment = {"target": row["id"], "remote_id": "1", "author": HOSTILE, "body": HOSTILE}
    with store.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO comment (target, remote_id, author, body, public) VALUES (?, ?, ?, ?, 1)",
            tuple(comment.values()),
        )
    store.close()
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        assert screen.current_id() == row["id"]
        await calm(pilot, 0.3)
        pane = screen.query_one("#inbox-reading", Static).render()
        text = str(pane)
        assert "[bold red]boom[/]" in text and "Thread (1)" in text
        assert "\x1b" not in text and "\u202e" not in text
        detail = str(screen.query_one("#detail-body", Static).render())
        assert "more characters" in detail and len(detail) < 30_000


async def test_s_shows_the_trends(url: str, make_app: AppFactory) -> None:
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_inbox(pilot)
        await pilot.press("s")
        await calm(pilot, 0.3)
        assert isinstance(app.screen, TrendsDialog)
        themes = str(app.screen.query_one("#trend-themes", Chart).render())
        scores = str(app.screen.query_one("#trend-scores", Chart).render())
        issues = str(app.screen.query_one("#trend-issues", Chart).render())
        assert "bug" in themes and "NPS" in scores and "CSAT" in scores
        assert "orgs" in issues
        await pilot.press("s")
        await calm(pilot)
        assert not isinstance(app.screen, TrendsDialog)
