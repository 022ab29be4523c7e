"""Seats in use as the services report them (Jira users, Zendesk agents): the people are cached
in `person`, the count per connection in `workspace_meta`, and compared with the seats bought."""

import asyncio
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol

from sqlalchemy import select
from sqlmodel import SQLModel

from prodops_tui.connectors.errors import ConnectorError
from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.store.store import Store

__all__ = ["SEAT_ROLES", "SeatUse", "compare_seats", "refresh_people", "seat_use"]

SEAT_ROLES: dict[str, frozenset[str]] = {
    "jira": frozenset({"atlassian"}),
    "zendesk": frozenset({"agent", "admin"}),
}
"""The roles that take a paid seat, per service; other accounts (apps, end users) do not."""
_KEY = "seats:{}"


class PeopleSource(Protocol):
    """A connector that lists the service's people as `person` rows."""

    kind: ClassVar[str]
    connection_id: str

    async def seat_holders(self) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class SeatUse:
    """How many active people take a seat in the service, counted when."""

    connection_id: str
    in_service: int | None
    """None when the service has never answered the count."""
    counted_at: datetime | None
    error: str = ""
    """Why the last count failed (e.g. no permission to browse users); empty when it worked."""


def _seat_count(kind: str, rows: list[dict[str, Any]]) -> int:
    roles = SEAT_ROLES.get(kind, frozenset())
    return sum(1 for row in rows if row.get("active") and row.get("role") in roles)


async def refresh_people(store: Store, connector: object) -> SeatUse | None:
    """Read the service's people into the cache and count its seats; None when the service
    does not list them (GrowthBook, Mixpanel)."""
    kind = str(getattr(connector, "kind", ""))
    if kind not in SEAT_ROLES or not hasattr(connector, "seat_holders"):
        return None
    source: PeopleSource = connector  # type: ignore[assignment]
    try:
        rows = await source.seat_holders()
    except ConnectorError as exc:  # the count is extra: keep the last one, say why it failed
        last = await asyncio.to_thread(seat_use, store, source.connection_id)
        use = SeatUse(source.connection_id, None, None) if last is None else last
        failed = replace(use, error=exc.message)
        await asyncio.to_thread(_save, store, [], failed)
        return failed
    use = SeatUse(source.connection_id, _seat_count(kind, rows), datetime.now(UTC))
    await asyncio.to_thread(_save, store, rows, use)
    return use


def _save(store: Store, rows: list[dict[str, Any]], use: SeatUse) -> None:
    seen = [{**row, "seen_at": use.counted_at} for row in rows]
    counted = use.counted_at.isoformat() if use.counted_at else None
    value = {"in_service": use.in_service, "counted_at": counted, "error": use.error}
    meta = {"key": _KEY.format(use.connection_id), "value": json.dumps(value)}
    with store.write() as conn:
        if seen:
            store.upsert_in(conn, "person", seen)
        store.upsert_in(conn, "workspace_meta", [meta])


def seat_use(store: Store, connection_id: str) -> SeatUse | None:
    """The last count of the connection's seats, or None if it was never read."""
    meta = SQLModel.metadata.tables["workspace_meta"]
    query = select(meta.c.value).where(meta.c.key == _KEY.format(connection_id))
    with store.read() as conn:
        raw = conn.execute(query).scalar()
    try:
        value = json.loads(raw) if raw else None
        if not isinstance(value, dict):
            return None
        count, counted = value.get("in_service"), value.get("counted_at")
        return SeatUse(
            connection_id,
            None if count is None else int(count),
            None if counted is None else datetime.fromisoformat(str(counted)),
            str(value.get("error") or ""),
        )
    except (ValueError, KeyError, TypeError):
        return None


def compare_seats(bought: int, in_service: int, noun: str = "people") -> tuple[str, str]:
    """(level, one line) comparing the seats the service reports with the seats bought."""
    counted = f"{in_service:,} {noun} in the service"
    if in_service > bought:
        return "warn", f"{counted}, {in_service - bought:,} above the {bought:,} bought"
    free = bought - in_service
    return ("info" if free else "ok"), f"{counted} of {bought:,} bought, {free:,} free"
