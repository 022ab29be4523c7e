"""Source health: each connection's last good sync, pending error and state, as Home, the
digest and the status bar judge it (the staleness rule is services/staleness.py). Small and
cheap to import: Home reads it before its first frame."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from prodops_tui.services.staleness import DEFAULT_INTERVAL_MINUTES, interval_minutes, is_stale
from prodops_tui.store import stats_sql
from prodops_tui.store.reads import Reader

__all__ = ["Source", "sources"]


@dataclass(frozen=True)
class Source:
    """One connection as Home, the digest and the status bar judge it."""

    id: str
    kind: str
    name: str
    last_success: datetime | None
    error: str
    """The newest stream error not followed by a success; "" when none."""
    state: str
    """ok, failing, stale or never synced."""
    stale: bool = False
    """A stream has not synced within the connection's interval (also when failing)."""


def _moment(value: object) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _options(value: object) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def sources(
    reader: Reader, now: datetime, sync_minutes: float = DEFAULT_INTERVAL_MINUTES
) -> list[Source]:
    """Every connection with its last good sync, its pending error and its state: failing,
    never synced, stale when a stream has not synced within the connection's interval (the
    Tools screen's rule, services/staleness.py; `sync_minutes` is the app's interval) or ok."""
    found = []
    for id_, kind, name, options, newest, oldest, unsynced, error in stats_sql.source_health(
        reader
    ):
        last, minutes = _moment(newest), interval_minutes(_options(options), sync_minutes)
        stale = bool(unsynced) or is_stale(_moment(oldest), now, minutes)
        if error:
            state = "failing"
        elif last is None:
            state = "never synced"
        else:
            state = "stale" if stale else "ok"
        found.append(Source(str(id_), str(kind), str(name), last, str(error or ""), state, stale))
    return found
