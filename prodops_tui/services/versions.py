"""Optimistic version checks for team workspaces: a member decides on what they saw (an
item's `version`); if someone else changed the item meanwhile, the decision is kept in the log
but not applied, and they are told so."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.store.store import Store, StoreError

__all__ = ["ItemChanged", "Stale", "changed_under", "item_version", "lock_item"]

VERSIONED = frozenset({"issue", "feedback"})


@dataclass(frozen=True)
class Stale:
    """An item that changed after the member looked at it."""

    key: str
    seen: int
    now: int
    by: str
    """The actor of the item's latest decision ("" when none: a sync changed it)."""

    def detail(self) -> dict[str, Any]:
        """As kept in the decision's detail."""
        return {"seen_version": self.seen, "version": self.now, "last_by": self.by}


class ItemChanged(StoreError):
    """Decisions kept in the log but not applied: their items changed under the member."""

    def __init__(self, stale: list[Stale]) -> None:
        self.stale = stale
        first = stale[0]
        who = f" by {first.by}" if first.by else ""
        more = f" (and {len(stale) - 1} more)" if len(stale) > 1 else ""
        super().__init__(
            f"{first.key} changed under you{who}{more}: your decision is in the log but was "
            "not applied; look again"
        )


def item_version(store: Store, table: str, item_id: str) -> int | None:
    """The item's version now (None when it is not cached): what the member is looking at."""
    target = _table(table)
    with store.read() as conn:
        found = conn.execute(select(target.c.version).where(target.c.id == item_id)).scalar()
    return None if found is None else int(found)


def lock_item(conn: Connection, table: str, item_id: str) -> None:
    """Hold the item's row until the deciding transaction ends, so two members deciding on it
    at once go one after the other and the second plans on the first one's result (PostgreSQL;
    SQLite's BEGIN IMMEDIATE already serialises writers)."""
    if conn.dialect.name == "postgresql":
        target = _table(table)
        conn.execute(select(target.c.id).where(target.c.id == item_id).with_for_update())


def changed_under(
    conn: Connection, table: str, item_id: str, key: str, seen: int | None
) -> Stale | None:
    """Inside the deciding transaction: how the item moved since version `seen` (None: the
    caller did not say what it saw, so nothing is checked)."""
    if seen is None:
        return None
    target = _table(table)
    now = conn.execute(select(target.c.version).where(target.c.id == item_id)).scalar()
    if now is None or int(now) == seen:
        return None
    decision = SQLModel.metadata.tables["decision"]
    last = select(decision.c.actor).where(decision.c.target == item_id)
    by = conn.execute(last.order_by(decision.c.id.desc()).limit(1)).scalar()
    return Stale(key, seen, int(now), str(by or ""))


def _table(name: str) -> Any:
    if name not in VERSIONED:
        raise StoreError(f"no version on {name!r}")
    return SQLModel.metadata.tables[name]
