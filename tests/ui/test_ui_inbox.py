"""Inbox keys on a generated workspace: link, accept, new issue, tag, done, archive, snooze,
marks with a preview, views; each checked in the store afterwards."""

from datetime import date, timedelta

import pytest
from conftest import AppFactory
from inbox_helpers import calm, inbox_url, open_inbox, query, quiet_credentials  # noqa: F401
from textual.widgets import Input, OptionList

from prodops_tui.screens.inbox_dialogs import ChoiceDialog, ConfirmDialog, NewIssueDialog
from prodops_tui.screens.inbox_link import LinkDialog, QuoteDialog
from prodops_tui.services.feedback_actions import Action, apply
from prodops_tui.store.store import Store

SIZE = (120, 36)
UNTIL = date.today() + timedelta(days=7)


pytestmark = pytest.mark.usefixtures("no_credentials")


async def first_ticket(pilot, screen) -> str:  # type: ignore[no-untyped-def]
    """Move the cursor to the first Zendesk ticket of the list; its id."""
    for _ in range(40):
        current = screen.current_id()
        if current and ":ticket:" in current:
            return str(current)
        await pilot.press("down")
        await calm(pilot)
    raise AssertionError("no ticket in the first rows")


async def test_l_links_with_importance_and_a_quote(url: str, make_app: AppFactory) -> None:
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        feedback = await first_ticket(pilot, screen)
        await pilot.press("l")
        await calm(pilot, 0.3)
        assert isinstance(app.screen, LinkDialog)
        picked = app.screen.found[0]
        await pilot.press("enter")
        await calm(pilot)
        assert isinstance(app.screen, QuoteDialog)
        quote = app.screen.quotes[1]
        await pilot.press("3", "down", "down", "enter")
        await calm(pilot, 0.3)
    rows = query(
        url, "SELECT issue_id, importance, quote FROM evidence WHERE feedback_id = :f", f=feedback
    )
    assert rows == [(picked.id, 3, quote)]
    assert query(url, "SELECT state FROM feedback WHERE id = :f", f=feedback) == [("processed",)]
    edits = query(url, "SELECT op, payload FROM outbox WHERE target = :f", f=feedback)
    assert [op for op, _ in edits] == ["tags"] and "prodops_linked" in str(edits[0][1])


async def test_typing_in_the_picker_narrows_it(url: str, make_app: AppFactory) -> None:
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_inbox(pilot)
        await pilot.press("l")
        await calm(pilot, 0.3)
        dialog = app.screen
        assert isinstance(dialog, LinkDialog)
        key = dialog.found[-1].key
        await pilot.press(*key.lower())
        await calm(pilot, 0.3)
        assert dialog.query_one(Input).value == key.lower()
        assert dialog.found and all(s.key.startswith(key) for s in dialog.found)
        await pilot.press("escape")
        await calm(pilot)
    assert query(url, "SELECT count(*) FROM decision") == [(0,)]


async def test_a_accepts_the_suggested_issue(url: str, make_app: AppFactory) -> None:
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        await pilot.pause(0.6)
        await calm(pilot)
        for _ in range(20):
            feedback = await first_ticket(pilot, screen)
            await calm(pilot, 0.2)
            if screen.suggested is not None:
                break
            await pilot.press("down")
        suggested = screen.suggested
        assert suggested is not None
        await pilot.press("a")
        await calm(pilot, 0.3)
    rows = query(
        url, "SELECT issue_id, importance FROM evidence WHERE feedback_id = :f", f=feedback
    )
    assert rows == [(suggested.id, 1)]


async def test_n_creates_a_linked_issue(url: str, make_app: AppFactory) -> None:
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        feedback = await first_ticket(pilot, screen)
        await calm(pilot, 0.3)
        subject = screen.reading.subject if screen.reading else ""
        await pilot.press("n")
        await calm(pilot)
        dialog = app.screen
        assert isinstance(dialog, NewIssueDialog)
        assert dialog.query_one("#issue-summary", Input).value == subject
        dialog.query_one("#issue-project", Input).value = "API"
        await pilot.press("ctrl+s")
        await calm(pilot, 0.3)
    [(issue_id, key, summary)] = query(
        url, "SELECT id, key, summary FROM issue WHERE key = 'API-new'"
    )
    assert summary == " ".join(subject.split())
    assert query(url, "SELECT op FROM outbox WHERE target = :i", i=issue_id) == [("create",)]
    assert query(url, "SELECT issue_id FROM evidence WHERE feedback_id = :f", f=feedback) == [
        (issue_id,)
    ]


async def test_t_d_x_h_change_the_item(url: str, make_app: AppFactory) -> None:
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        tagged = await first_ticket(pilot, screen)
        await pilot.press("t")
        await calm(pilot)
        await pilot.press(*"slow-export", "enter")
        await calm(pilot, 0.3)
        done = screen.current_id()
        await pilot.press("d")
        await calm(pilot, 0.3)
        archived = screen.current_id()
        await pilot.press("x")
        await calm(pilot, 0.3)
        snoozed = screen.current_id()
        await pilot.press("h")
        await calm(pilot)
        app.screen.query_one(Input).value = str(UNTIL)
        await pilot.press("enter")
        await calm(pilot, 0.3)
    assert "slow-export" in str(query(url, "SELECT tags FROM feedback WHERE id = :i", i=tagged))
    states = dict(
        query(
            url,
            "SELECT id, state FROM feedback WHERE id IN (:a, :b, :c)",
            a=done,
            b=archived,
            c=snoozed,
        )
    )
    assert states == {done: "processed", archived: "archived", snoozed: "snoozed"}
    [(until,)] = query(url, "SELECT snoozed_until FROM feedback WHERE id = :i", i=snoozed)
    assert str(until).startswith(str(UNTIL))


async def test_space_marks_and_a_bulk_archive_is_previewed(url: str, make_app: AppFactory) -> None:
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        first = screen.current_id()
        await pilot.press("space")
        await calm(pilot)
        second = screen.current_id()
        await pilot.press("space")
        await calm(pilot)
        assert screen.marked == {first, second}
        await pilot.press("x")
        await calm(pilot, 0.3)
        assert isinstance(app.screen, ConfirmDialog)
        assert len(app.screen.lines) == 2
        await pilot.press("escape")
        await calm(pilot)
        assert query(
            url,
            "SELECT count(*) FROM feedback WHERE state = 'archived' AND id IN (:a, :b)",
            a=first,
            b=second,
        ) == [(0,)]
        await pilot.press("x")
        await calm(pilot, 0.3)
        await pilot.press("enter")
        await calm(pilot, 0.3)
        assert screen.marked == set()
    rows = query(url, "SELECT state FROM feedback WHERE id IN (:a, :b)", a=first, b=second)
    assert rows == [("archived",), ("archived",)]


async def test_a_bulk_action_keeps_another_members_change(url: str, make_app: AppFactory) -> None:
    """Bob processes an item while Ana's bulk archive preview is open: hers is logged for it,
    not applied, and she is told; the other marked item is archived."""
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        first = screen.current_id()
        await pilot.press("space", "space")
        await calm(pilot)
        second = next(iter(screen.marked - {first}))
        await pilot.press("x")
        await calm(pilot, 0.3)
        assert isinstance(app.screen, ConfirmDialog)
        bob = Store.open(url)
        try:
            apply(bob, [str(first)], Action("processed"), "bob")
        finally:
            bob.close()
        await pilot.press("enter")
        await calm(pilot, 0.3)
        notes = [str(n.message) for n in app._notifications]  # noqa: SLF001
        assert any("changed under you by bob" in note for note in notes), notes
        assert screen.marked == set()
    states = dict(
        query(url, "SELECT id, state FROM feedback WHERE id IN (:a, :b)", a=first, b=second)
    )
    assert states == {first: "processed", second: "archived"}


async def test_w_switches_to_a_state_view(url: str, make_app: AppFactory) -> None:
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        await pilot.press("w")
        await calm(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        options = app.screen.query_one(OptionList)
        options.highlighted = [key for key, _ in app.screen.options].index("archived")
        await pilot.press("enter")
        await calm(pilot, 0.3)
        assert screen.table.wanted_query.filters == (("state", "archived"),)
        [(archived,)] = query(url, "SELECT count(*) FROM feedback WHERE state = 'archived'")
        assert screen.table.total == archived


async def test_read_only_changes_nothing(url: str, make_app: AppFactory) -> None:
    app = make_app(url, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_inbox(pilot)
        for key in ("d", "x", "l", "t"):
            await pilot.press(key)
            await calm(pilot)
            assert not isinstance(app.screen, LinkDialog)
    assert query(url, "SELECT count(*) FROM decision") == [(0,)]


async def test_the_query_bar_takes_feedback_fields(url: str, make_app: AppFactory) -> None:
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        await pilot.press("colon")
        await calm(pilot)
        await pilot.press(*"kind:nps", "enter")
        await calm(pilot, 0.3)
        [(nps,)] = query(url, "SELECT count(*) FROM feedback WHERE state = 'new' AND kind = 'nps'")
        assert screen.table.total == nps
        assert screen.table.row_at(0) is not None
        assert all(
            row is not None and row[2] == "nps"
            for row in (screen.table.row_at(i) for i in range(min(nps, 10)))
        )
