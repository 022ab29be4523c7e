"""Snapshots of the Inbox on a fixed generated workspace (seed 7, fixed today and clock) at
80x24 and 120x36."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from inbox_helpers import inbox_url, quiet_credentials  # noqa: F401
from textual.pilot import Pilot

from prodops_tui.app import ProdOpsApp, settle


def clock() -> datetime:
    return datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


async def visit_inbox(pilot: Pilot[None]) -> None:
    await pilot.app.switch_mode("inbox")
    for _ in range(3):  # the issue index is built after 0.5 s, then the pane reads again
        await settle(pilot)
        await pilot.pause(0.4)
    await settle(pilot)
    await pilot.pause()


@pytest.mark.usefixtures("no_credentials")
@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_inbox_snapshot(size: tuple[int, int], url: str, snap_compare: Callable[..., bool]) -> None:
    app = ProdOpsApp(url, workspace="demo", clock=clock)
    assert snap_compare(app, terminal_size=size, run_before=visit_inbox)
