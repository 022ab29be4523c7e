"""Snapshots of the Calendar on the generated demo company at 80x24 and 120x36."""

from collections.abc import Callable

import pytest
from demo_company import clock
from textual.pilot import Pilot

from prodops_tui.app import ProdOpsApp, settle


async def open_conflict(pilot: Pilot[None]) -> None:
    await pilot.app.switch_mode("calendar")
    await settle(pilot)
    await pilot.pause()
    await pilot.press("down", "down", "down", "c")
    await settle(pilot)
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_calendar_snapshot(
    size: tuple[int, int], demo_url: str, snap_compare: Callable[..., bool]
) -> None:
    app = ProdOpsApp(demo_url, workspace="demo", clock=clock, sync_interval=0)
    assert snap_compare(app, terminal_size=size, run_before=open_conflict)
