"""Layout: every screen usable at 80x24; columns fit the width; date columns show their format."""

from conftest import AppFactory, until, wait
from test_ui_screens import screen_text, visible_rows

from prodops_tui.widgets.columns import ColumnSpec
from prodops_tui.widgets.detail_pane import DetailPane
from prodops_tui.widgets.paged_table import PagedTable
from prodops_tui.widgets.table_layout import TableLayout

SMALL = (80, 24)
EXPECTED = {
    "home": ("Untriaged", "225", "New feedback", "Stale sources", "Next renewals", "Amplitude"),
    "backlog": ("Key", "Summary", "Status", "Updated", "PROD-1 ", "Improve export", "300 issues"),
    "inbox": ("Subject", "Requester", "Trouble with", "Requester 1 ", "80 new feedback"),
    "calendar": ("Calendar · by surface", "4 experiments", "Experiment ab", "n New"),
    "tools": ("Name", "Renewal", "Amplitude", "2025-03-22", "Monthly 1,000", "4 tools"),
}
ALWAYS = ("? Keys", "^q Quit", "jira 5m ago")


async def test_every_screen_is_usable_at_80x24(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SMALL) as pilot:
        for mode, wanted in EXPECTED.items():
            await app.switch_mode(mode)
            shown = (*wanted, *ALWAYS)
            await until(pilot, lambda s=shown: all(f in screen_text(app) for f in s), 10, mode)
            text = screen_text(app)
            for fragment in shown:
                assert fragment in text, (mode, fragment)
            if mode in ("home", "calendar"):  # no list table (the calendar is a timeline)
                continue
            table = app.screen.query_one(PagedTable)
            flex = [
                w
                for i, w in zip(table.grid.shown, table.grid.widths, strict=True)
                if table.columns[i].flex
            ]
            assert flex and flex[0] >= 20, mode
            assert table.grid.line_width <= table.scrollable_content_region.width, mode
            assert table.columns[0].key in {table.columns[i].key for i in table.grid.shown}
            assert len(visible_rows(table)) >= 15, mode
            detail = app.screen.query_one(DetailPane)
            assert not detail.display, mode


async def test_enter_opens_the_hidden_detail_pane_at_80x24(
    workspace_url: str, make_app: AppFactory
) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("f3")
        await wait(pilot)
        detail = app.screen.query_one(DetailPane)
        assert not detail.display
        await pilot.press("enter")
        await pilot.pause(0.2)
        await wait(pilot)
        assert detail.display
        text = screen_text(app)
        assert "Improve export flow number 1" in text and "untriaged" in text
        await pilot.press("d")
        assert not detail.display


async def test_detail_pane_shows_by_default_on_a_tall_terminal(
    workspace_url: str, make_app: AppFactory
) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f3")
        await wait(pilot)
        assert app.screen.query_one(DetailPane).display


async def test_updated_column_shows_the_whole_minute_at_120(
    workspace_url: str, make_app: AppFactory
) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f3")
        await wait(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.show_vertical_scrollbar
        assert table.grid.line_width <= table.scrollable_content_region.width
        assert table.render_line(0).text.rstrip().endswith("Updated ▼")
        rows = visible_rows(table)
        assert rows[0].startswith(" PROD-1 ")
        assert rows[0].rstrip().endswith("2025-03-10 11:59")
        assert all(row.rstrip()[-3] == ":" for row in rows if row.strip())


def test_narrow_layout_drops_the_highest_rank_first_and_gives_the_rest_to_the_flex_column() -> None:
    columns = (
        ColumnSpec("key", "Key", 8),
        ColumnSpec("summary", "Summary", 20, flex=True),
        ColumnSpec("labels", "Labels", 12, drop=2),
        ColumnSpec("assignee", "Assignee", 12, drop=1),
        ColumnSpec("updated", "Updated", 16),
    )
    layout = TableLayout(columns)
    layout.fit(100)
    assert [columns[i].key for i in layout.shown] == [c.key for c in columns]
    assert layout.widths == [8, 100 - 1 - 8 - 12 - 12 - 16 - 5, 12, 12, 16]
    assert layout.line_width == 100
    layout.fit(70)
    assert [columns[i].key for i in layout.shown] == ["key", "summary", "assignee", "updated"]
    assert layout.line_width == 70
    layout.fit(30)
    assert [columns[i].key for i in layout.shown] == ["key", "summary", "updated"]
    assert layout.widths == [8, 20, 16]
