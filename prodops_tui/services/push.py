"""Push: send leased outbox edits to their services, in order per item, never overwriting a
remote change silently (RELIABILITY.md §5)."""

import asyncio
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from sqlalchemy import select, update
from sqlmodel import SQLModel

from prodops_tui.connectors.base import Applied, Edit
from prodops_tui.connectors.errors import AuthError, Conflict, ConnectorError, NotFound, Rejected
from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import OutboxState
from prodops_tui.services.edited_columns import connection_for
from prodops_tui.services.new_issue import adopt_created
from prodops_tui.services.restore import mark_restore, restore_remote
from prodops_tui.store import outbox as outbox_rows
from prodops_tui.store.store import Store, StoreError

__all__ = [
    "PushReport",
    "Writer",
    "connection_for",
    "owner",
    "push",
    "release_dead_leases",
    "resolve_conflict",
]

LEASE_SECONDS = 120
MAX_BACKOFF = 900.0


class Writer(Protocol):
    """What the pusher needs from a connector that writes."""

    async def apply(self, edit: Edit) -> Applied: ...


@dataclass
class PushReport:
    """What one push run did; `paused` holds connections that need re-authentication."""

    done: int = 0
    conflicts: int = 0
    rejected: int = 0
    retrying: int = 0
    skipped: int = 0
    paused: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.conflicts or self.rejected or self.retrying or self.paused)


async def push(
    store: Store, connectors: Mapping[str, Writer], *, owner: str, limit: int = 100
) -> PushReport:
    """Send up to `limit` due edits; each ends done, conflict, rejected or rescheduled. Items
    of edits discarded earlier get the service's values back first (services/restore.py)."""
    report = PushReport()
    report.errors += await restore_remote(store, connectors)
    await asyncio.to_thread(release_dead_leases, store)
    seen: set[str] = set()
    while len(seen) < limit:
        rows = await asyncio.to_thread(store.lease_outbox, owner, limit - len(seen), LEASE_SECONDS)
        fresh = [row for row in rows if row["id"] not in seen]
        for row in rows:
            if row["id"] in seen:
                await asyncio.to_thread(store.finish_outbox, row["id"], "pending", row["error"])
        if not fresh:
            break
        for row in fresh:
            seen.add(row["id"])
            await _push_one(store, connectors, row, report)
    return report


def owner() -> str:
    """Who holds an outbox lease: this process on this host."""
    return f"{socket.gethostname()}:{os.getpid()}"


def release_dead_leases(store: Store) -> int:
    """Free the leases of pushers on this host that no longer run (killed, crashed), so their
    edits go out now rather than when the lease expires. The push that follows checks, before
    re-sending a non-idempotent edit, whether the dead pusher had sent it."""
    with store.write() as conn:
        dead = [o for o in outbox_rows.lease_owners(conn) if _gone(o)]
        return outbox_rows.release_leases(conn, dead) if dead else 0


def _gone(lease_owner: str) -> bool:
    host, _, pid = lease_owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, but another user's
        return False
    return False


async def _push_one(
    store: Store, connectors: Mapping[str, Writer], row: dict[str, Any], report: PushReport
) -> None:
    conn_id = connection_for(row["target"], connectors)
    if conn_id is None or conn_id in report.paused:
        why = report.paused.get(conn_id or "", f"no connection for {row['target']}")
        report.skipped += 1
        await asyncio.to_thread(store.finish_outbox, row["id"], "pending", why)
        return
    edit = Edit(row["id"], row["target"], row["op"], dict(row["payload"]), row["base_version"])
    try:
        applied = await connectors[conn_id].apply(edit)
    except ConnectorError as exc:
        await asyncio.to_thread(_record_failure, store, row, exc, report, conn_id)
        return
    await asyncio.to_thread(_record_done, store, edit, applied)
    report.done += 1


def _record_failure(
    store: Store, row: dict[str, Any], exc: ConnectorError, report: PushReport, conn_id: str
) -> None:
    message = str(exc)
    report.errors.append(f"{row['target']} {row['op']}: {message}")
    if isinstance(exc, Conflict):
        report.conflicts += 1
        store.finish_outbox(row["id"], "conflict", message, remote_id=exc.remote_version or "")
    elif isinstance(exc, Rejected | NotFound):
        report.rejected += 1
        store.finish_outbox(row["id"], "rejected", message)
        if isinstance(exc, NotFound):
            _mark_gone(store, row["target"])
    elif isinstance(exc, AuthError):
        report.paused[conn_id] = message
        store.finish_outbox(row["id"], "pending", message)
    else:
        report.retrying += 1
        store.finish_outbox(row["id"], "pending", message, retry_at=_retry_at(row, exc))


def _mark_gone(store: Store, target: str) -> None:
    """An issue the service no longer has: flagged deleted, so triage refuses it clearly."""
    issue = SQLModel.metadata.tables["issue"]
    with store.write() as conn:
        conn.execute(update(issue).where(issue.c.id == target).values(deleted=True))


def _retry_at(row: dict[str, Any], exc: ConnectorError) -> datetime:
    backoff = min(MAX_BACKOFF, 5.0 * 2 ** max(int(row.get("attempts") or 1) - 1, 0))
    return datetime.now(UTC) + timedelta(seconds=max(backoff, exc.retry_after or 0.0))


def _record_done(store: Store, edit: Edit, applied: Applied) -> None:
    """Mark the edit done and re-base the item's later edits that shared its base version
    (our own change must not look like a remote conflict to them)."""
    acknowledged = applied.remote_id or applied.remote_version or edit.target
    store.finish_outbox(edit.id, "done", remote_id=acknowledged)
    if edit.op == "create":
        adopt_created(store, edit.target, applied.remote_id)
    if not applied.remote_version:
        return
    outbox = SQLModel.metadata.tables["outbox"]
    with store.write() as conn:
        conn.execute(
            update(outbox)
            .where(
                outbox.c.target == edit.target,
                outbox.c.state == OutboxState.PENDING.value,
                outbox.c.base_version == edit.base_version,
            )
            .values(base_version=applied.remote_version)
        )


def resolve_conflict(
    store: Store, outbox_id: str, action: Literal["reapply", "discard"], *, base_version: str = ""
) -> None:
    """Re-apply a conflicted edit on the current remote version, or discard it (its item is
    marked to get the service's values back: `restore_remote`).

    `reapply` re-bases on `base_version`, else on the remote version seen at the conflict.
    """
    outbox = SQLModel.metadata.tables["outbox"]
    with store.write() as conn:
        row = conn.execute(select(outbox).where(outbox.c.id == outbox_id)).mappings().first()
        if row is None:
            raise StoreError(f"no outbox edit {outbox_id}")
        if row["state"] != OutboxState.CONFLICT.value:
            raise StoreError(f"edit {outbox_id} is {row['state']}, not in conflict")
        values: dict[str, Any]
        if action == "discard":
            values = {"state": OutboxState.REJECTED.value, "error": "discarded after a conflict"}
            mark_restore(store, conn, dict(row))
        else:
            values = _reapplied(dict(row), base_version)
        conn.execute(update(outbox).where(outbox.c.id == outbox_id).values(**values))


def _reapplied(row: Mapping[str, Any], base_version: str) -> dict[str, Any]:
    new_base = base_version or row["remote_id"]
    if not new_base:
        raise StoreError("the remote version is unknown; sync the item, then re-apply")
    return {
        "state": OutboxState.PENDING.value,
        "base_version": new_base,
        "remote_id": "",
        "error": "",
        "next_attempt_at": None,
    }
