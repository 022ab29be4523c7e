"""Starting triage sessions and reading them: the queue from issue keys or a saved view, the
session row by id, every session."""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import uuid4

from sqlalchemy import Table, insert, or_, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import SessionState
from prodops_tui.services.session_state import MAX_TIMEBOX, POLICIES, Session
from prodops_tui.store.errors import StoreError
from prodops_tui.store.store import Store

if TYPE_CHECKING:
    from prodops_tui.services.view_spec import SavedView

MAX_QUEUE = 200
"""Issues a session takes at most from a list or a query (from the top)."""


def session_table() -> Table:
    return SQLModel.metadata.tables["triage_session"]


def resolve_issues(store: Store, refs: Iterable[str]) -> list[str]:
    """Issue ids for ids or keys, in the order given (once each); unknown ones are an error."""
    wanted = list(dict.fromkeys(ref.strip() for ref in refs if ref.strip()))
    issue = SQLModel.metadata.tables["issue"]
    query = select(issue.c.id, issue.c.key).where(
        or_(issue.c.id.in_(wanted), issue.c.key.in_(wanted)), issue.c.deleted.is_(False)
    )
    with store.read() as conn:
        found = {ref: id for id, key in conn.execute(query) for ref in (id, key)}
    missing = [ref for ref in wanted if ref not in found]
    if missing:
        raise StoreError(f"no issue {', '.join(missing[:5])} in the workspace")
    return list(dict.fromkeys(found[ref] for ref in wanted))


def start_session(
    store: Store,
    *,
    queue: list[str],
    lead: str,
    name: str = "",
    view: str = "",
    timebox_minutes: int = 60,
    participants: Iterable[str] = (),
    policy: str = "lead",
    now: datetime | None = None,
) -> Session:
    """Create a running session over `queue` (issue ids), its first item current."""
    if not queue:
        raise StoreError("the session's queue is empty: nothing to triage")
    if not 1 <= timebox_minutes <= MAX_TIMEBOX:
        raise StoreError(f"the timebox must be 1 to {MAX_TIMEBOX} minutes")
    if policy not in POLICIES:
        raise StoreError(f"unknown policy {policy!r}: use {' or '.join(POLICIES)}")
    if not lead.strip():
        raise StoreError("a session needs a lead (the actor's name)")
    moment = now or datetime.now(UTC)
    people = [p for p in dict.fromkeys(p.strip() for p in participants) if p and p != lead]
    row = {
        "id": uuid4().hex[:8],
        "name": name.strip() or view or f"Triage {moment:%Y-%m-%d %H:%M}",
        "view": view,
        "queue": list(dict.fromkeys(queue)),
        "timebox_minutes": timebox_minutes,
        "participants": people,
        "state": SessionState.ACTIVE.value,
        "current_item": queue[0],
        "created_by": lead,
        "started_at": moment,
        "ended_at": None,
        "summary": "",
        "policy": policy,
        "progress": {"position": 0, "since": moment.isoformat(), "rev": 1},
    }
    with store.write() as conn:
        conn.execute(insert(session_table()).values(**row))
    return Session.from_row(row)


def get_session(store: Store, session_id: str) -> Session:
    """The session as stored now; a one-row read by primary key (cheap enough to poll)."""
    with store.read() as conn:
        row = (
            conn.execute(select(session_table()).where(session_table().c.id == session_id))
            .mappings()
            .first()
        )
    if row is None:
        raise StoreError(f"no triage session {session_id!r}")
    return Session.from_row(row)


def list_sessions(store: Store) -> list[Session]:
    """Every session, newest first."""
    query = select(session_table()).order_by(
        session_table().c.started_at.desc(), session_table().c.id
    )
    with store.read() as conn:
        return [Session.from_row(row) for row in conn.execute(query).mappings()]


def queue_of_view(store: Store, name: str, now: datetime) -> list[str]:
    """The issues a saved Backlog view shows now (its query, in its sort)."""
    from prodops_tui.services.saved_views import get_view

    view = get_view(store, "backlog", name)
    if view is None:
        raise StoreError(f"no saved Backlog view {name!r}: save one with the query bar first")
    return _queue(store, view, now, MAX_QUEUE)


def queue_of_query(store: Store, text: str, now: datetime, limit: int = MAX_QUEUE) -> list[str]:
    """The first `limit` issues a query-bar query matches, in its sort (else the Backlog's);
    a bad query is a StoreError pointing at the mistake."""
    from prodops_tui.services.view_spec import SavedView

    return _queue(store, SavedView("", "backlog", text), now, limit)


def _queue(store: Store, view: "SavedView", now: datetime, limit: int) -> list[str]:
    from prodops_tui.services.query import QueryError
    from prodops_tui.services.saved_views import list_query
    from prodops_tui.store.reads import Reader

    try:
        query = list_query(view, ("id",), now)
    except QueryError as error:
        raise StoreError(f"bad query: {error.message}") from None
    reader = Reader(store.url)
    try:
        seqs = reader.snapshot(query)[:limit]
        return [str(row[1]) for row in reader.rows(query, seqs)]
    finally:
        reader.close()
