"""Snapshots of the Tools screen (seed 7, fixed today and clock): the list with its totals at
80x24, Jira's health beside the list at 120x36, and the tool form at 80x24."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from prodops_tui.app import ProdOpsApp, settle
from prodops_tui.services.demo import fill_workspace
from prodops_tui.store.store import Store
from prodops_tui.widgets.paged_table import PagedTable

TODAY = date(2026, 11, 27)


def clock() -> datetime:
    return datetime(2026, 11, 27, 8, 35, tzinfo=UTC)


@pytest.fixture
def demo_url(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("PRODOPS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PRODOPS_JIRA_TOKEN", "from-the-environment")
    store = Store.open(sqlite_url)
    try:
        fill_workspace(store, "tiny", seed=7, today=TODAY)
    finally:
        store.close()
    return sqlite_url


def visit(row: str = "", keys: tuple[str, ...] = ()) -> Callable[[Pilot[None]], object]:
    async def run(pilot: Pilot[None]) -> None:
        await pilot.app.switch_mode("tools")
        await settle(pilot)
        table = pilot.app.screen.query_one(PagedTable)
        while row and str(table.row_at(table.cursor)[1]) != row:  # type: ignore[index]
            await pilot.press("j")
        await pilot.press(*keys)
        for _ in range(3):
            await pilot.pause(0.2)  # the detail pane waits for the cursor, then the health read
            await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the form's frame vary
        await pilot.pause()

    return run


@pytest.mark.parametrize(
    ("size", "row", "keys"),
    [((80, 24), "", ()), ((120, 36), "Jira", ()), ((80, 24), "Figma", ("e",))],
    ids=["list-80x24", "health-120x36", "form-80x24"],
)
def test_tools_snapshot(
    size: tuple[int, int],
    row: str,
    keys: tuple[str, ...],
    demo_url: str,
    snap_compare: Callable[..., bool],
) -> None:
    app = ProdOpsApp(demo_url, workspace="demo", clock=clock)
    assert snap_compare(app, terminal_size=size, run_before=visit(row, keys))
