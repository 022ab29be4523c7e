"""What every screen is given: the read path, the workspace's name and mode, and a clock."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from prodops_tui.store.reads import Reader

if TYPE_CHECKING:
    from prodops_tui.widgets.activity import Activity


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Workspace:
    """The open workspace as the UI sees it."""

    reader: Reader
    name: str = "default"
    read_only: bool = False
    clock: Callable[[], datetime] = utc_now
    """Injected so screenshots and snapshot tests show a fixed "now"."""
    activity: "Activity | None" = None
    """The write side and the background sync; None for a view-only app."""
    sync_minutes: float = 0.0
    """The app's background sync interval (0: off); a connection not synced within its
    interval is stale (services/staleness.py)."""

    def today(self) -> date:
        return self.clock().date()
