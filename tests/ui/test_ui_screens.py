"""The app on a real SQLite workspace: every mode shows rows; filter, sort, keys, palette."""

import html
import re

from conftest import AppFactory, wait
from textual.command import CommandPalette
from textual.content import Content
from textual.widgets import Label, OptionList
from ui_rows import connections

from prodops_tui.screens.help import HelpScreen
from prodops_tui.store.store import Store
from prodops_tui.widgets.paged_table import PagedTable

SIZE = (120, 36)


def screen_text(app: object) -> str:
    svg = app.export_screenshot()  # type: ignore[attr-defined]
    parts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(parts)).replace("\xa0", " ")


def visible_rows(table: PagedTable) -> list[str]:
    return [table.render_line(y).text for y in range(1, table.size.height)]


async def test_every_mode_shows_real_rows(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    expected = {
        "home": "Untriaged",
        "backlog": "PROD-1",
        "inbox": "Trouble with",
        "calendar": "Experiment ab 1",
        "tools": "Amplitude",
    }
    async with app.run_test(size=SIZE) as pilot:
        for mode, text in expected.items():
            await app.switch_mode(mode)
            await wait(pilot)
            assert text in screen_text(app), mode
        await app.switch_mode("home")
        await wait(pilot)
        assert "225" in screen_text(app)  # untriaged issues: 3 of every 4


async def test_function_keys_and_tab_switch_modes(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("f4")
        assert app.current_mode == "inbox"
        await pilot.press("tab")
        assert app.current_mode == "calendar"
        await pilot.press("shift+tab", "shift+tab")
        assert app.current_mode == "backlog"
        await pilot.press("f2", "2")
        await wait(pilot)
        assert app.current_mode == "inbox"


async def test_slash_filters_the_backlog(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await wait(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.total == 300
        await pilot.press("slash", *"checkout")
        await pilot.pause(0.2)
        await wait(pilot)
        assert 0 < table.total < 300
        assert "checkout" in visible_rows(table)[0]
        assert all("checkout" in row for row in visible_rows(table) if row.strip())
        count = app.screen.query_one("#filter-count", Label)
        assert str(count.render()).endswith(f"{table.total} matches")
        await pilot.press("escape")
        await pilot.pause(0.2)
        await wait(pilot)
        assert table.total == 300
        assert table.has_focus


async def test_sort_cycles_and_flips(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await wait(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.order == ("updated", True)
        assert visible_rows(table)[0].split()[0] == "PROD-1"
        await pilot.press("o")
        await wait(pilot)
        assert table.order == ("key", True)
        assert visible_rows(table)[0].split()[0] == "PROD-99"
        await pilot.press("O")
        await wait(pilot)
        assert table.order == ("key", False)
        assert visible_rows(table)[0].split()[0] == "PROD-1"
        assert "Key ▲" in table.render_line(0).text


async def test_question_mark_lists_the_keys(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await wait(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for binding_id in ("table.sort", "list.filter", "mode.inbox", "app.help"):
            assert binding_id in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_lists_our_commands(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await wait(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        assert isinstance(app.screen, CommandPalette)
        options = app.screen.query_one(OptionList)
        titles = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        joined = "\n".join(titles)
        for title in ("Go to Inbox", "Filter list", "Sort by next column", "Toggle dark mode"):
            assert title in joined
        await pilot.press(*"go to inbox")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.current_mode == "inbox"


async def test_read_only_badge(workspace_url: str, make_app: AppFactory) -> None:
    for read_only in (True, False):
        app = make_app(workspace_url, read_only=read_only)
        async with app.run_test(size=SIZE) as pilot:
            await wait(pilot)
            badge = app.screen.query_one("#status-badge", Label)
            assert badge.display is read_only
            assert ("READ-ONLY" in screen_text(app)) is read_only


async def test_status_bar_shows_freshness_and_rows(
    workspace_url: str, make_app: AppFactory
) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await wait(pilot)
        text = screen_text(app)
        assert "jira 5m ago" in text
        assert "zendesk 3d ago" in text
        assert "80 new feedback" in text


async def test_tools_totals_and_renewal_marks(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await wait(pilot)
        text = screen_text(app)
        assert "Monthly 1,000" in text and "Yearly 12,000" in text
        assert "Unused seats 10" in text
        table = app.screen.query_one(PagedTable)
        styles = {seg.style for seg in table.render_line(1) if "2025-03-22" in seg.text}
        alert = table.get_visual_style("paged-table--alert", partial=True).rich_style
        assert any(style and style.color == alert.color for style in styles)


async def test_slash_filters_tools(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        for key, text, total, expected in (("f6", "fig", 4, "Figma"),):
            await pilot.press(key)
            await wait(pilot)
            table = app.screen.query_one(PagedTable)
            assert table.total == total
            await pilot.press("slash", *text)
            await pilot.pause(0.2)
            await wait(pilot)
            rows = [row for row in visible_rows(table) if row.strip()]
            assert rows and all(expected in row for row in rows)
            assert table.total == len(rows) < total
            count = app.screen.query_one("#filter-count", Label)
            assert str(count.render()).endswith("match" if len(rows) == 1 else "matches")
            await pilot.press("escape")


async def test_sources_not_synced_within_their_interval_are_marked_stale(
    workspace_url: str, make_app: AppFactory
) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await wait(pilot)
        label = app.screen.query_one("#status-freshness", Label)
        line = label.render()
        assert isinstance(line, Content)
        assert "zendesk 3d ago (stale)" in line.plain
        assert "jira 5m ago ·" in line.plain and "jira 5m ago (stale)" not in line.plain
        start = line.plain.index(" 3d ago (stale)")
        warned = [s for s in line.spans if s.start <= start and s.end >= start + 15]
        assert warned and all("$text-warning" in str(s.style) for s in warned)
        jira = line.plain.index(" 5m ago")
        assert not [s for s in line.spans if s.start <= jira < s.end]
        assert "zendesk 3d ago (stale)" in screen_text(app)


async def test_the_status_bar_judges_staleness_by_each_connections_interval(
    workspace_url: str, make_app: AppFactory
) -> None:
    """Jira synced 5 minutes ago every 2 minutes is stale; Zendesk synced 3 days ago weekly is
    not (services/staleness.py, as Home and the Tools screen judge them)."""
    store = Store.open(workspace_url)
    try:
        jira, zendesk = connections()
        jira["options"] = {"sync_minutes": 2}
        zendesk["options"] = {"sync_minutes": 7 * 24 * 60}
        store.upsert("connection", [jira, zendesk])
    finally:
        store.close()
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        label = app.screen.query_one("#status-freshness", Label)
        line = str(label.render())
        assert "jira 5m ago (stale)" in line
        assert "zendesk 3d ago" in line and "zendesk 3d ago (stale)" not in line
