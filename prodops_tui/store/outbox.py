"""The outbox: local edits on their way to a service (RELIABILITY.md §5).

Rows are written in the caller's transaction with the local change, leased by a pusher
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, under `BEGIN IMMEDIATE` on SQLite), then finished.
"""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, Table, and_, exists, insert, or_, select, update
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import OutboxState
from prodops_tui.store.engine import StoreError

OUTBOX: Table = SQLModel.metadata.tables["outbox"]
FINAL = frozenset({OutboxState.DONE, OutboxState.CONFLICT, OutboxState.REJECTED})


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def enqueue(
    conn: Connection,
    *,
    target: str,
    op: str,
    payload: dict[str, Any],
    base_version: str,
    actor: str,
) -> str:
    """Add a pending outbox row inside `conn`'s transaction; its UUID is the idempotency key."""
    edit_id = str(uuid4())
    conn.execute(
        insert(OUTBOX).values(
            id=edit_id,
            target=target,
            op=op,
            payload=payload,
            base_version=base_version,
            state=OutboxState.PENDING.value,
            actor=actor,
            created_at=utcnow(),
        )
    )
    return edit_id


def lease(
    conn: Connection, *, dialect: str, owner: str, limit: int, lease_seconds: int
) -> list[dict[str, Any]]:
    """Mark up to `limit` due rows inflight for `owner`; oldest first, one per target at a time."""
    now = utcnow()
    query = select(OUTBOX.c.id).where(_due(now)).order_by(OUTBOX.c.created_at, OUTBOX.c.id)
    query = query.limit(limit)
    if dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(conn.execute(query).scalars())
    if not ids:
        return []
    conn.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(ids))
        .values(
            state=OutboxState.INFLIGHT.value,
            lease_owner=owner,
            lease_until=now + timedelta(seconds=lease_seconds),
            attempts=OUTBOX.c.attempts + 1,
        )
    )
    leased = select(OUTBOX).where(OUTBOX.c.id.in_(ids)).order_by(OUTBOX.c.created_at, OUTBOX.c.id)
    return [dict(row) for row in conn.execute(leased).mappings()]


def _due(now: datetime) -> Any:
    """Pending and due, or inflight with an expired lease; and no older unfinished edit of the
    same target (edits to one item go out in order)."""
    row = OUTBOX
    older = OUTBOX.alias("older")
    pending = and_(
        row.c.state == OutboxState.PENDING.value,
        or_(row.c.next_attempt_at.is_(None), row.c.next_attempt_at <= now),
    )
    expired = and_(row.c.state == OutboxState.INFLIGHT.value, row.c.lease_until < now)
    blocked = exists().where(
        older.c.target == row.c.target,
        older.c.id != row.c.id,
        older.c.state.in_([OutboxState.PENDING.value, OutboxState.INFLIGHT.value]),
        or_(
            older.c.created_at < row.c.created_at,
            and_(older.c.created_at == row.c.created_at, older.c.id < row.c.id),
        ),
    )
    return and_(or_(pending, expired), ~blocked)


def finish(
    conn: Connection,
    edit_id: str,
    state: str,
    *,
    error: str = "",
    remote_id: str = "",
    retry_at: datetime | None = None,
) -> None:
    """Close a leased row as done/conflict/rejected, or put it back to pending (at `retry_at`)."""
    try:
        target_state = OutboxState(state)
    except ValueError:
        raise StoreError(f"unknown outbox state {state!r}") from None
    if target_state not in FINAL and target_state is not OutboxState.PENDING:
        raise StoreError(f"an outbox row cannot be finished as {state!r}")
    result = conn.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id == edit_id)
        .values(
            state=target_state.value,
            error=error,
            remote_id=remote_id,
            lease_owner="",
            lease_until=None,
            next_attempt_at=retry_at,
        )
    )
    if result.rowcount != 1:
        raise StoreError(f"no outbox row {edit_id}")


def lease_owners(conn: Connection) -> list[str]:
    """Who holds the leases of inflight rows."""
    query = select(OUTBOX.c.lease_owner).where(OUTBOX.c.state == OutboxState.INFLIGHT.value)
    return sorted(set(conn.execute(query.distinct()).scalars()))


def release_leases(conn: Connection, owners: list[str]) -> int:
    """Put the inflight rows of `owners` (processes known to be gone) back to pending now."""
    result = conn.execute(
        update(OUTBOX)
        .where(OUTBOX.c.state == OutboxState.INFLIGHT.value, OUTBOX.c.lease_owner.in_(owners))
        .values(state=OutboxState.PENDING.value, lease_owner="", lease_until=None)
    )
    return max(result.rowcount, 0)
