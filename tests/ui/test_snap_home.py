"""Snapshots of Home on a fixed generated workspace at 80x24 and 120x36."""

from collections.abc import Callable

import pytest
from demo_company import clock
from test_ui_snapshots import run_before

from prodops_tui.app import ProdOpsApp


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_home_snapshot(
    size: tuple[int, int], demo_url: str, snap_compare: Callable[..., bool]
) -> None:
    app = ProdOpsApp(demo_url, workspace="demo", clock=clock)
    assert snap_compare(app, terminal_size=size, run_before=run_before("home"))
