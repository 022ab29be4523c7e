"""The issue and version facts every triage decision starts from."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import OutboxState
from prodops_tui.store.store import StoreError


class TriageError(StoreError):
    """A decision refused: bad input or an issue that cannot take it; nothing was written."""


def aware_iso(moment: Any) -> str:
    """The remote `updated` as a timezone-aware ISO string (SQLite keeps naive UTC)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if not isinstance(moment, datetime):
        raise TriageError("the issue has no remote version yet: sync it first")
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def known_version(conn: Connection, target: str) -> str:
    """The newest remote version we know of an issue: the cached one, or the one our last sent
    field edit produced if that is newer (a sync has not brought it yet)."""
    outbox = SQLModel.metadata.tables["outbox"]
    issue = SQLModel.metadata.tables["issue"]
    query = (
        select(outbox.c.remote_id)
        .where(
            outbox.c.target == target,
            outbox.c.state == OutboxState.DONE.value,
            outbox.c.op.not_in(["comment", "create"]),
        )
        .order_by(outbox.c.created_at.desc(), outbox.c.id.desc())
    )
    cached = aware_iso(conn.execute(select(issue.c.updated).where(issue.c.id == target)).scalar())
    sent = str(conn.execute(query).scalar() or "")
    try:
        newer = datetime.fromisoformat(sent) > datetime.fromisoformat(cached)
    except ValueError:
        newer = False
    return sent if newer else cached
