"""The Backlog's triage keys against a demo synced from the fakes over loopback: each key, the
preview of a batch, undo, bad input, and a push that reaches the fake Jira."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from test_ui_sync import app_for, cursor_line, demo, notes, open_backlog, rows, until
from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList, Static

from prodops_tui.fakes.serve import RunningFakes
from prodops_tui.screens.dialogs import PickDialog, PriorityDialog, TextDialog
from prodops_tui.screens.triage_dialogs import (
    BreakdownDialog,
    FuzzyPickDialog,
    PreviewDialog,
    ScoreDialog,
)
from prodops_tui.widgets.detail_pane import DetailPane
from prodops_tui.widgets.paged_table import PagedTable

__all__ = ["demo"]
SIZE = (160, 40)
Demo = tuple[str, RunningFakes]


def issue(url: str, issue_id: str, *columns: str) -> tuple[Any, ...]:
    found = rows(url, f"SELECT {', '.join(columns)} FROM issue WHERE id = :i", i=issue_id)
    return tuple(found[0])


def decisions(url: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in rows(url, "SELECT action, target, reason FROM decision ORDER BY id")]


async def dialog(pilot: Pilot[None], kind: type) -> Any:
    await until(pilot, lambda: isinstance(pilot.app.screen, kind))
    return pilot.app.screen


async def answer(pilot: Pilot[None], text: str) -> None:
    await dialog(pilot, TextDialog)
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")


async def to_do_row(pilot: Pilot[None], url: str, skip: int = 0) -> tuple[str, str]:
    """Move the cursor to a `To Do` issue (the `skip`-th) and return its id and key."""
    table = pilot.app.screen.query_one(PagedTable)
    seen = 0
    for index in range(table.total):
        row = table.row_at(index)
        if row is not None and row[4] == "To Do":
            if seen == skip:
                table.cursor = index
                await pilot.pause()
                return str(row[6]), str(row[1])
            seen += 1
    raise AssertionError("no To Do issue on the first page")


@contextmanager
def write_locked(url: str) -> Iterator[sqlite3.Connection]:
    """Hold the workspace's write lock (another process writing): the app's writes wait."""
    conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    finally:
        conn.rollback()
        conn.close()


async def test_accept_decline_snooze_and_comment(demo: Demo) -> None:
    url, _ = demo
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_backlog(pilot)
        issue_id, key = await to_do_row(pilot, url)
        await until(pilot, lambda: app.screen.flow.ready is not None)  # read once, on mount
        with write_locked(url) as other:
            await pilot.press("1")
            await pilot.pause()  # not `until`: it waits for the write, which waits for the lock
            # the row shows the decision from the local change while its write still waits
            assert "Selected" in cursor_line(app)
            status = "SELECT status FROM issue WHERE id = ?"
            assert other.execute(status, (issue_id,)).fetchone() == ("To Do",)
        stored = ("Selected for Development", "accepted")
        await until(pilot, lambda: issue(url, issue_id, "status", "triage_state") == stored)
        await until(pilot, lambda: "queued" in cursor_line(app))
        other, _ = await to_do_row(pilot, url, skip=1)
        await pilot.press("3")
        await answer(pilot, "   ")
        note = app.screen.query_one("#text-note", Label)
        assert "A reason is required" in str(note.render())
        assert len(decisions(url)) == 1
        await answer(pilot, "Out of scope this year")
        await until(pilot, lambda: len(decisions(url)) == 2)
        assert decisions(url)[-1] == ("decline", other, "Out of scope this year")
        await pilot.press("c")
        await answer(pilot, "Talked to **sales**")
        await until(pilot, lambda: len(decisions(url)) == 3)
        await pilot.press("h")
        await answer(pilot, "someday")
        assert "YYYY-MM-DD" in str(app.screen.query_one("#text-note", Label).render())
        await answer(pilot, "+7d")
        await until(pilot, lambda: issue(url, other, "triage_state") == ("snoozed",))
        table = app.screen.query_one(PagedTable)
        await until(pilot, lambda: all(table.row_at(i)[6] != other for i in range(table.total)))


async def test_duplicate_labels_assignee_transition_and_score(demo: Demo) -> None:
    url, _ = demo
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_backlog(pilot)
        canonical, canonical_key = await to_do_row(pilot, url, skip=1)
        issue_id, key = await to_do_row(pilot, url)
        await pilot.press("2")
        picker = await dialog(pilot, FuzzyPickDialog)
        picker.query_one(Input).value = canonical_key
        options = picker.query_one(OptionList)
        await until(pilot, lambda: options.option_count == 1)
        assert canonical_key in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await until(pilot, lambda: issue(url, issue_id, "duplicate_of") == (canonical,))
        await pilot.press("l")
        await answer(pilot, "+needs-design -nothing")
        await until(pilot, lambda: "needs-design" in str(issue(url, issue_id, "labels")))
        await pilot.press("a")
        picker = await dialog(pilot, FuzzyPickDialog)
        options = picker.query_one(OptionList)
        await until(pilot, lambda: options.option_count > 1)
        name = str(options.get_option_at_index(1).prompt)
        await pilot.press("down", "enter")
        await until(pilot, lambda: issue(url, issue_id, "assignee") == (name,))
        await pilot.press("t")
        picker = await dialog(pilot, PickDialog)
        labels = [str(o.prompt) for o in picker.query_one(OptionList).options]
        assert any("In Progress" in label for label in labels)
        await pilot.press("escape")
        await pilot.press("s")
        score = await dialog(pilot, ScoreDialog)
        score.query_one("#reach", Input).value = "lots"
        await pilot.press("enter")
        assert "not a number" in str(score.query_one("#n", Label).render())
        score.query_one("#reach", Input).value = "400"
        score.query_one("#confidence", Input).value = "80%"
        await pilot.press("enter")
        await until(pilot, lambda: issue(url, issue_id, "reach", "confidence") == (400.0, 0.8))
        await pilot.press("b")
        shown = await dialog(pilot, BreakdownDialog)
        text = str(shown.query_one(Static).render())
        assert "typed in" in text and "RICE" in text


async def test_marked_rows_preview_batch_and_undo(demo: Demo) -> None:
    url, _ = demo
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_backlog(pilot)
        table = app.screen.query_one(PagedTable)
        table.cursor = 0
        marked = [table.row_at(i) for i in range(5)]
        await pilot.press(*["space"] * 5)
        assert all("●" in table.render_line(i + 1).text for i in range(5))
        await pilot.press("p")
        await dialog(pilot, PriorityDialog)
        await pilot.press("home", "enter")
        preview = await dialog(pilot, PreviewDialog)
        lines = str(preview.query_one("#preview-lines Static", Static).render())
        changing = [row for row in marked if row[5] != "Highest"]
        for row in changing:
            assert f"{row[1]}  priority  {row[5]} → Highest" in lines
        assert rows(url, "SELECT count(*) FROM outbox")[0][0] == 0
        await pilot.press("enter")
        await until(pilot, lambda: rows(url, "SELECT count(*) FROM decision")[0][0] == 5)
        assert {
            r[0]
            for r in rows(
                url,
                "SELECT DISTINCT priority FROM issue WHERE id IN "
                f"({', '.join(repr(r[6]) for r in marked)})",
            )
        } == {"Highest"}
        await until(pilot, lambda: "●" not in table.render_line(1).text)
        await pilot.press("u")
        await until(pilot, lambda: any(n.startswith("Undid") for n in notes(app)))
        for row in marked:
            assert issue(url, str(row[6]), "priority") == (row[5],)
        assert rows(url, "SELECT count(*) FROM outbox")[0][0] == 0


async def test_bad_input_changes_nothing(demo: Demo) -> None:
    url, _ = demo
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        issue_id, key, _ = await open_backlog(pilot)
        table = app.screen.query_one(PagedTable)
        status = table.row_at(table.cursor)[4]
        await until(pilot, lambda: app.screen.flow.ready not in (None, status))
        _mark_deleted(url, issue_id)
        with write_locked(url):
            await pilot.press("1")
            await pilot.pause()
            assert table.row_at(table.cursor)[4] == app.screen.flow.ready  # before the write
        await until(pilot, lambda: any("was deleted in Jira" in n for n in notes(app)))
        await until(pilot, lambda: table.row_at(table.cursor)[4] == status)  # refused: as stored
        await pilot.press("u")
        await until(pilot, lambda: any("nothing to undo" in n for n in notes(app)))
        assert rows(url, "SELECT count(*) FROM decision")[0][0] == 0
        assert rows(url, "SELECT count(*) FROM outbox")[0][0] == 0


def _mark_deleted(url: str, issue_id: str) -> None:
    from sqlalchemy import text

    from prodops_tui.store.store import Store

    store = Store.open(url)
    try:
        with store.write() as conn:
            conn.execute(text("UPDATE issue SET deleted = true WHERE id = :i"), {"i": issue_id})
    finally:
        store.close()


async def test_triage_then_push_reaches_the_fake_jira(demo: Demo) -> None:
    url, fakes = demo
    app = app_for(url)
    jira = fakes.apps["jira"].state
    async with app.run_test(size=SIZE) as pilot:
        await open_backlog(pilot)
        issue_id, key = await to_do_row(pilot, url)
        await pilot.press("3")
        await answer(pilot, "Duplicate of a partner request")
        await until(pilot, lambda: "queued" in cursor_line(app))
        await pilot.press("ctrl+u")
        await until(pilot, lambda: "pushed" in cursor_line(app))
        assert jira.data.find(key)["fields"]["status"]["name"] == "Declined"
        last = jira.data.comments[jira.data.keys[key]][-1]
        assert "Duplicate of a partner request" in str(last["body"])
        detail = app.screen.query_one(DetailPane)
        await until(
            pilot,
            lambda: "Declined in triage" in str(detail.query_one("#detail-extra", Static).render()),
        )
