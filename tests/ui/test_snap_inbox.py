"""Snapshots of the Inbox on a fixed generated workspace (seed 7, fixed today and clock) at
80x24 and 120x36."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from inbox_helpers import inbox_url, quiet_credentials  # noqa: F401
from textual.pilot import Pilot

from prodops_tui.app import ProdOpsApp, settle
from prodops_tui.screens.inbox import InboxScreen


def clock() -> datetime:
    return datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


async def visit_inbox(pilot: Pilot[None]) -> None:
    """Open the Inbox and wait for the issue index, then for the pane that shows suggestions."""
    await pilot.app.switch_mode("inbox")
    screen = pilot.app.screen
    assert isinstance(screen, InboxScreen)
    for _ in range(100):
        await settle(pilot)
        if screen.index is not None and screen.reading is not None:
            break
        await pilot.pause(0.1)
    await pilot.pause(0.3)
    await settle(pilot)
    await pilot.pause()


@pytest.mark.usefixtures("no_credentials")
@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_inbox_snapshot(size: tuple[int, int], url: str, snap_compare: Callable[..., bool]) -> None:
    app = ProdOpsApp(url, workspace="demo", clock=clock)
    assert snap_compare(app, terminal_size=size, run_before=visit_inbox)
