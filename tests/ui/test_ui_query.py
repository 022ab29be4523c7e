"""The `:` query bar on the Backlog and the Inbox, and ListScreen.apply_query."""

import pytest
from conftest import AppFactory, wait
from textual.pilot import Pilot
from textual.widgets import Input, Label
from ui_rows import feedback, issues

from prodops_tui.app import ProdOpsApp
from prodops_tui.screens.list_screen import ListScreen
from prodops_tui.services.query import QueryError
from prodops_tui.widgets.paged_table import PagedTable
from prodops_tui.widgets.query_bar import QueryBar

SIZE = (120, 36)
TO_DO_EXPORT = [
    row["key"] for row in issues(300) if row["status"] == "To Do" and "export" in row["labels"]
]


def _error(app_screen: ListScreen) -> str:
    return str(app_screen.query_one("#query-error", Label).render())


async def _shown(app: ProdOpsApp, pilot: Pilot[None], key: str) -> tuple[ListScreen, PagedTable]:
    """Switch with `key` (F3 Backlog, F4 Inbox); the list screen and its table once loaded."""
    await pilot.press(key)
    await wait(pilot)
    screen = app.screen
    assert isinstance(screen, ListScreen)
    return screen, screen.query_one(PagedTable)


async def test_colon_opens_the_bar_and_enter_applies(
    workspace_url: str, make_app: AppFactory
) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await _shown(app, pilot, "f3")
        assert table.total == 300
        await pilot.press("colon", *'status:"To Do" label:export sort:key')
        bar = screen.query_one(QueryBar)
        assert bar.query_one(Input).value == 'status:"To Do" label:export sort:key'
        await pilot.press("enter")
        await wait(pilot)
        assert table.total == len(TO_DO_EXPORT) > 0
        assert table.order == ("key", False)
        assert [table.row_at(i)[1] for i in range(3)] == sorted(TO_DO_EXPORT)[:3]  # type: ignore[index]
        assert table.has_focus and bar.display
        assert screen.query_text == 'status:"To Do" label:export sort:key'


async def test_a_bad_query_says_where_and_changes_nothing(
    workspace_url: str, make_app: AppFactory
) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await _shown(app, pilot, "f3")
        await pilot.press("colon", *"stauts:open")
        assert _error(screen) == "unknown field 'stauts' at 1 — did you mean status?"
        await pilot.press("enter")
        await wait(pilot)
        assert table.total == 300
        assert screen.query_one(QueryBar).query_one(Input).has_focus
        await pilot.press("ctrl+u", *"(score>x")
        assert _error(screen) == "bad number 'x' at 8 — score takes e.g. 20, 2.5 or 100k"
        await pilot.press("backspace", "5")
        assert _error(screen) == "'(' at 1 is never closed — add ')'"
        await pilot.press("escape")
        await wait(pilot)
        assert table.total == 300 and table.has_focus
        assert not screen.query_one(QueryBar).display
        assert screen.query_text == ""


async def test_escape_keeps_the_applied_query(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await _shown(app, pilot, "f3")
        await pilot.press("colon", *"priority:high", "enter")
        await wait(pilot)
        high = table.total
        assert high == sum(1 for row in issues(300) if row["priority"] == "High")
        await pilot.press("colon", " ", *"type:bug", "escape")
        await wait(pilot)
        assert table.total == high
        assert screen.query_one(QueryBar).query_one(Input).value == "priority:high"
        await pilot.press("colon", "ctrl+u", "enter")  # an empty query shows every row
        await wait(pilot)
        assert table.total == 300
        assert not screen.query_one(QueryBar).display


async def test_inbox_queries_feedback_fields(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await _shown(app, pilot, "f4")
        assert table.total == 80  # the Inbox shows new feedback
        await pilot.press("colon", *"tag:export")
        assert _error(screen).startswith("Fields: kind state tag org")
        await pilot.press("enter")
        await wait(pilot)
        new_export = [r for r in feedback(120) if r["state"] == "new" and "export" in r["tags"]]
        assert table.total == len(new_export)
        screen.apply_query("state:processed")  # a state term replaces the Inbox's own filter
        await wait(pilot)
        assert table.total == 40
        with pytest.raises(QueryError, match="unknown field 'label' at 1"):
            screen.apply_query("label:export")
        assert table.total == 40


async def test_apply_query_right_after_switching_mode(
    workspace_url: str, make_app: AppFactory
) -> None:
    """Home and triage sessions open a list filtered: switch_mode, then apply_query at once."""
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        app.switch_mode("backlog")
        screen = app.screen
        assert isinstance(screen, ListScreen)
        screen.apply_query("triage:accepted sort:-score")
        await wait(pilot)
        table = screen.query_one(PagedTable)
        accepted = [r for r in issues(300) if r["triage_state"] == "accepted"]
        assert table.total == len(accepted)
        assert table.order == ("score", True)
        assert screen.query_one(QueryBar).query_one(Input).value == "triage:accepted sort:-score"
        assert screen.query_text == "triage:accepted sort:-score"
