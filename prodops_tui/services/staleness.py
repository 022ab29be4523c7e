"""When a connection is stale: one rule for the Tools screen's health, Home and the digest.

A stream is stale when it has not synced successfully within the connection's interval (its
`options.sync_minutes`, else the app's sync interval, else 15 minutes); a connection is stale
when any of its streams is.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

__all__ = ["DEFAULT_INTERVAL_MINUTES", "interval_minutes", "is_stale"]

DEFAULT_INTERVAL_MINUTES = 15.0


def interval_minutes(options: Mapping[str, Any] | None, default: float) -> float:
    """The connection's sync interval: its own `sync_minutes`, else `default` if above 0,
    else DEFAULT_INTERVAL_MINUTES."""
    wanted = options.get("sync_minutes") if isinstance(options, Mapping) else None
    if isinstance(wanted, int | float) and not isinstance(wanted, bool) and wanted > 0:
        return float(wanted)
    return default if default > 0 else DEFAULT_INTERVAL_MINUTES


def is_stale(last_success: datetime | None, now: datetime, minutes: float) -> bool:
    """Not synced successfully within `minutes` of `now` (never synced counts as stale)."""
    return last_success is None or now - last_success > timedelta(minutes=minutes)
