"""Saved views by key: `V` saves the query, sort and columns; `v` lists, switches and deletes."""

from conftest import AppFactory, wait
from textual.widgets import Input, Label, OptionList
from ui_rows import NOW

from prodops_tui.screens.list_screen import ListScreen
from prodops_tui.screens.views import SaveViewDialog, ViewsDialog
from prodops_tui.services.saved_views import list_views, save_view
from prodops_tui.services.view_spec import SavedView
from prodops_tui.store.store import Store
from prodops_tui.widgets.paged_table import PagedTable
from prodops_tui.widgets.query_bar import QueryBar

SIZE = (120, 36)


def _views(url: str, screen: str = "backlog") -> list[SavedView]:
    store = Store.open(url)
    try:
        return list_views(store, screen)
    finally:
        store.close()


async def test_save_switch_and_delete_a_view(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await wait(pilot)
        screen = app.screen
        assert isinstance(screen, ListScreen)
        table = screen.query_one(PagedTable)
        await pilot.press("colon", *"priority:high sort:key", "enter")
        await wait(pilot)
        high = table.total
        await pilot.press("O", "V")  # flip the sort, then save
        await wait(pilot)
        assert isinstance(app.screen, SaveViewDialog)
        await pilot.press("enter")
        assert "a view needs a name" in str(app.screen.query_one("#view-problem", Label).render())
        await pilot.press(*"High first", "enter")
        await wait(pilot)
        assert app.screen is screen
        [saved] = _views(workspace_url)
        assert (saved.name, saved.query, saved.sort) == (
            "High first",
            "priority:high sort:key",
            (("key", True),),
        )
        assert saved.columns == table.shown_columns
        await pilot.press("colon", "ctrl+u", "enter")
        await wait(pilot)
        assert table.total == 300
        await pilot.press("v")
        await wait(pilot)
        assert isinstance(app.screen, ViewsDialog)
        assert app.screen.query_one(OptionList).option_count == 1
        await pilot.press("enter")
        await wait(pilot)
        assert app.screen is screen
        assert (table.total, table.order) == (high, ("key", True))
        assert screen.query_one(QueryBar).query_one(Input).value == "priority:high sort:key"
        await pilot.press("v")
        await wait(pilot)
        await pilot.press("x")
        await wait(pilot)
        assert app.screen.query_one("#views-empty").display
        await pilot.press("escape")
        await wait(pilot)
        assert _views(workspace_url) == [] and app.screen is screen


async def test_a_view_restores_its_columns_and_replaces_by_name(
    workspace_url: str, make_app: AppFactory
) -> None:
    store = Store.open(workspace_url)
    try:
        view = SavedView("Narrow", "inbox", "tag:export", (), ("kind", "subject", "updated"))
        save_view(store, view, NOW)
    finally:
        store.close()
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await wait(pilot)
        table = app.screen.query_one(PagedTable)
        assert len(table.shown_columns) > 3
        await pilot.press("v")
        await wait(pilot)
        await pilot.press("enter")
        await wait(pilot)
        assert table.shown_columns == ("kind", "subject", "updated")
        await pilot.press("V")
        await wait(pilot)
        dialog = app.screen
        assert isinstance(dialog, SaveViewDialog)
        assert dialog.query_one(Input).value == "Narrow"  # the view switched to last
        assert "Enter replaces it" in str(dialog.query_one("#view-problem", Label).render())
        await pilot.press("enter")
        await wait(pilot)
        assert [v.name for v in _views(workspace_url, "inbox")] == ["Narrow"]
