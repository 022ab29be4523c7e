"""Snapshots of the Backlog while triaging, on the fixed generated workspace: two marked rows
with the detail pane (comments, feedback, experiments, changes) at 120x36, and the priority
preview of the marked rows at 80x24."""

from collections.abc import Callable

import pytest
from demo_company import clock
from test_ui_snapshots import run_before
from textual.pilot import Pilot

from prodops_tui.app import ProdOpsApp, settle
from prodops_tui.screens.triage_dialogs import PreviewDialog


async def marked(pilot: Pilot[None]) -> None:
    await run_before("backlog")(pilot)
    await pilot.press("space", "space")
    for _ in range(40):  # the detail pane's second part is read in a worker
        await pilot.pause(0.05)
        await settle(pilot)
    await pilot.pause()


async def previewed(pilot: Pilot[None]) -> None:
    await run_before("backlog")(pilot)
    await pilot.press("space", "space", "p", "home", "enter")
    for _ in range(100):
        if isinstance(pilot.app.screen, PreviewDialog):
            break
        await pilot.pause(0.05)
    await settle(pilot)
    await pilot.pause()


@pytest.mark.parametrize(
    ("size", "steps"),
    [((120, 36), marked), ((80, 24), previewed)],
    ids=["marked-120x36", "preview-80x24"],
)
def test_triage_snapshot(
    size: tuple[int, int],
    steps: Callable[[Pilot[None]], object],
    demo_url: str,
    snap_compare: Callable[..., bool],
) -> None:
    app = ProdOpsApp(demo_url, workspace="demo", clock=clock, actor="lea")
    assert snap_compare(app, terminal_size=size, run_before=steps)
