"""Snapshot at 80x24: the Backlog with a query applied and the bar reopened on a typo."""

from collections.abc import Callable

from demo_company import clock
from textual.pilot import Pilot

from prodops_tui.app import ProdOpsApp, settle


async def _query_open(pilot: Pilot[None]) -> None:
    """A valid query applied, then the bar reopened (its text selected) and a typo typed."""
    await pilot.app.switch_mode("backlog")
    await settle(pilot)
    await pilot.press("colon", *"priority:high updated<30d sort:-updated", "enter")
    await settle(pilot)
    await pilot.press("colon", *"priority:high stauts:open")
    await settle(pilot)
    await pilot.pause(0.2)
    await settle(pilot)


def test_query_bar_at_80x24(demo_url: str, snap_compare: Callable[..., bool]) -> None:
    app = ProdOpsApp(demo_url, workspace="demo", clock=clock)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_query_open)
