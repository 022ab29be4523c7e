"""Snapshots of a screen of a fixed generated workspace (seed 7, fixed today and clock)."""

from collections.abc import Callable

import pytest
from demo_company import clock
from textual.pilot import Pilot

from prodops_tui.app import ProdOpsApp, settle


def run_before(mode: str) -> Callable[[Pilot[None]], object]:
    async def visit(pilot: Pilot[None]) -> None:
        await pilot.app.switch_mode(mode)
        await settle(pilot)
        await pilot.pause(0.2)  # the detail pane waits 50 ms for the cursor to rest
        await settle(pilot)
        await pilot.pause()

    return visit


@pytest.mark.parametrize("mode", ["backlog"])
def test_screen_snapshot(mode: str, demo_url: str, snap_compare: Callable[..., bool]) -> None:
    app = ProdOpsApp(demo_url, workspace="demo", clock=clock)
    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before(mode))
