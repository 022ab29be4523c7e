"""Hostile remote text renders literally; paging stays correct at 100k rows; imports stay light."""

import subprocess
import sys
from pathlib import Path

from conftest import AppFactory, wait
from test_ui_screens import SIZE, screen_text, visible_rows
from ui_rows import HOSTILE

from prodops_tui.app import save_screens
from prodops_tui.widgets.paged_table import PagedTable
from prodops_tui.widgets.table_view import PAGE


async def test_hostile_summary_is_literal(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await wait(pilot)
        await pilot.press("G")
        await wait(pilot)
        table = app.screen.query_one(PagedTable)
        rows = visible_rows(table)
        line = next(y for y, row in enumerate(rows, 1) if "PROD-300" in row)
        await pilot.hover(PagedTable, offset=(30, line))
        await pilot.click(PagedTable, offset=(30, line))
        await pilot.click(PagedTable, offset=(30, line), times=2)
        await pilot.pause(0.2)
        await wait(pilot)
        assert app.is_running
        assert app.return_code is None
        text = screen_text(app)
        assert "[@click=app.quit]x[/]" in text
        assert "[b]bold" in text
        assert "\x1b" not in text and "\x07" not in text
        assert HOSTILE.replace("\x1b", "\ufffd").replace("\x07", "\ufffd") in text


async def test_paging_through_100k_rows(big_url: str, make_app: AppFactory) -> None:
    app = make_app(big_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await wait(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.total == 100_000
        await pilot.press(*["pagedown"] * 40)
        await wait(pilot)
        assert table.cursor == 40 * (table.size.height - 2)
        assert table.row_at(table.cursor) is not None
        await pilot.press("G")
        await wait(pilot)
        assert table.cursor == table.total - 1
        last = table.row_at(table.cursor)
        assert last is not None
        rows = visible_rows(table)
        assert any(row.startswith(" " + str(last[1])[:8]) for row in rows)
        assert all(row.strip() != "…" for row in rows)
        await pilot.press("k", "k", "g")
        await wait(pilot)
        assert table.cursor == 0
        assert visible_rows(table)[0].split()[0] == "PROD-1"
        cached = len(table._view.pages)  # noqa: SLF001
        assert cached <= table.total // PAGE


def test_app_import_stays_light() -> None:
    code = (
        "import sys, prodops_tui.app; "
        "heavy = [m for m in ('sqlmodel', 'sqlalchemy', 'httpx', 'pydantic', "
        "'prodops_tui.services.trends', 'prodops_tui.services.stats', "
        "'prodops_tui.services.conflicts') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


async def test_save_screens_writes_one_svg_per_mode(workspace_url: str, tmp_path: Path) -> None:
    paths = await save_screens(workspace_url, tmp_path / "screens")
    names = sorted(p.name for p in paths)
    assert names == ["backlog.svg", "calendar.svg", "home.svg", "inbox.svg", "tools.svg"]
    backlog = (tmp_path / "screens" / "backlog.svg").read_text()
    assert "PROD" in backlog
