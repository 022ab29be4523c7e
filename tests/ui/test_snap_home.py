"""Snapshots of Home on a fixed generated workspace at 80x24 and 120x36."""

from collections.abc import Callable

import pytest
from test_ui_snapshots import clock, demo_url, run_before  # noqa: F401  (demo_url: a fixture)

from prodops_tui.app import ProdOpsApp


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_home_snapshot(
    size: tuple[int, int], request: pytest.FixtureRequest, snap_compare: Callable[..., bool]
) -> None:
    app = ProdOpsApp(request.getfixturevalue("demo_url"), workspace="demo", clock=clock)
    assert snap_compare(app, terminal_size=size, run_before=run_before("home"))
