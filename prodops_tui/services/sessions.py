"""Triage sessions: a timed queue of issues taken one at a time by a lead or a team.

Every bit of state lives in the `triage_session` row (its `progress` JSON holds the position,
parked, skipped and decided items, seconds per item and the running clock), so any process can
pause, resume, join or follow a session. Changes lock the row (`FOR UPDATE` on PostgreSQL, the
write lock on SQLite), so two processes acting at once do not lose each other's steps."""

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Connection, select, update

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import SessionState
from prodops_tui.services.session_start import (
    get_session,
    list_sessions,
    queue_of_query,
    queue_of_view,
    resolve_issues,
    session_table,
    start_session,
)
from prodops_tui.services.session_state import (
    POLICIES,
    Progress,
    Session,
    SessionRefused,
    Values,
    refusal,
)
from prodops_tui.services.session_summary import decided_items, render_summary, undone_here
from prodops_tui.store.errors import StoreError
from prodops_tui.store.store import Store

__all__ = [
    "POLICIES",
    "Session",
    "SessionRefused",
    "decide",
    "end_session",
    "get_session",
    "join",
    "list_sessions",
    "next_item",
    "park",
    "pause",
    "queue_of_query",
    "queue_of_view",
    "refusal",
    "reopen",
    "resolve_issues",
    "resume",
    "skip",
    "start_session",
    "undo",
]

T = TypeVar("T")


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


Change = Callable[[Connection, Session, Progress, datetime], Values]
"""Given the transaction, the locked session, its progress (to edit) and now: the columns to set
besides the progress."""


def _change(store: Store, session_id: str, change: Change, now: datetime | None = None) -> Session:
    """Apply `change` to the locked row in one write transaction; the session after it."""
    moment = _now(now)
    with store.write() as conn:
        session = _locked(conn, session_id)
        progress = {**session.progress, "rev": session.revision + 1}
        values = {**change(conn, session, progress, moment), "progress": progress}
        conn.execute(
            update(session_table()).where(session_table().c.id == session_id).values(**values)
        )
        row = (
            conn.execute(select(session_table()).where(session_table().c.id == session_id))
            .mappings()
            .one()
        )
    return Session.from_row(row)


def _locked(conn: Connection, session_id: str) -> Session:
    query = select(session_table()).where(session_table().c.id == session_id).with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        raise StoreError(f"no triage session {session_id!r}")
    return Session.from_row(row)


def _stop_clock(session: Session, progress: Progress, now: datetime) -> None:
    """Book the running time to the session and its current item; the clock stops."""
    running = session.running_seconds(now)
    progress["elapsed"] = float(progress.get("elapsed", 0.0)) + running
    if session.current_item:
        seconds = dict(progress.get("seconds", {}))
        seconds[session.current_item] = float(seconds.get(session.current_item, 0.0)) + running
        progress["seconds"] = seconds
    progress["since"] = None


def _steer(actor: str, paused_ok: bool = False) -> Callable[[Session], None]:
    def check(session: Session) -> None:
        if reason := refusal(session, actor, paused_ok=paused_ok):
            raise SessionRefused(reason)

    return check


def _advance(
    store: Store, session_id: str, actor: str, outcome: str | None, now: datetime | None
) -> Session:
    """Leave the current item (recorded as `outcome`, or by what happened to it) for the next."""

    def change(_: Connection, session: Session, progress: Progress, moment: datetime) -> Values:
        _steer(actor)(session)
        item = session.current_item
        if not item:
            raise SessionRefused("Every item of the queue was seen: end the session")
        kind = outcome or ("decided" if item in session.items("decided") else "skipped")
        for other in ("parked", "skipped"):
            progress[other] = [i for i in progress.get(other, []) if i != item]
        if kind != "decided":
            progress[kind] = [*progress.get(kind, []), item]
        _stop_clock(session, progress, moment)
        position = session.position + 1
        progress.update(position=position, since=moment.isoformat())
        progress["last"] = {"actor": actor, "action": kind, "item": item}
        current = session.queue[position] if position < len(session.queue) else ""
        return {"current_item": current}

    return _change(store, session_id, change, now)


def next_item(store: Store, session_id: str, actor: str, now: datetime | None = None) -> Session:
    """Move on: the item counts as decided if it got a decision here, else as skipped."""
    return _advance(store, session_id, actor, None, now)


def skip(store: Store, session_id: str, actor: str, now: datetime | None = None) -> Session:
    return _advance(store, session_id, actor, "skipped", now)


def park(store: Store, session_id: str, actor: str, now: datetime | None = None) -> Session:
    """Set the item aside for later (listed as parked in the summary) and move on."""
    return _advance(store, session_id, actor, "parked", now)


def decide(
    store: Store,
    session_id: str,
    actor: str,
    item: str,
    action: str,
    apply: Callable[[str], T],
    *,
    final: bool,
    now: datetime | None = None,
) -> tuple[T, Session]:
    """Run one triage decision on the current item with this session's id, then record it;
    a `final` one (accept, duplicate, decline, snooze) moves the session to the next item.

    `apply(session_id)` is a services.triage call: it writes the change, the decision and the
    outbox row in its own transaction. Refused, with nothing written, when the actor may not
    decide or the session moved on from `item` meanwhile."""
    session = get_session(store, session_id)
    _steer(actor)(session)
    if session.current_item != item:
        raise SessionRefused("The session moved on to another item meanwhile: nothing changed")
    result = apply(session_id)

    def change(_: Connection, locked: Session, progress: Progress, moment: datetime) -> Values:
        progress["decided"] = list(dict.fromkeys([*locked.items("decided"), item]))
        progress["last"] = {"actor": actor, "action": action, "item": item}
        return {}

    after = _change(store, session_id, change, now)
    if final and after.current_item == item and after.state == SessionState.ACTIVE:
        after = next_item(store, session_id, actor, now)
    return result, after


def undo(
    store: Store,
    session_id: str,
    actor: str,
    apply: Callable[[], T],
    now: datetime | None = None,
) -> tuple[T, Session]:
    """Undo `actor`'s last decision (`apply` is services.triage_undo.undo_last); when it was
    on an item the session already left, the session goes back to that item."""
    _steer(actor)(get_session(store, session_id))
    result = apply()

    def change(conn: Connection, session: Session, progress: Progress, moment: datetime) -> Values:
        progress["decided"] = decided_items(conn, session)
        item = undone_here(conn, session_id, actor) or session.current_item
        progress["last"] = {"actor": actor, "action": "undid", "item": item}
        if item == session.current_item or item not in session.queue:
            return {}
        _stop_clock(session, progress, moment)
        for kind in ("parked", "skipped"):
            progress[kind] = [i for i in progress.get(kind, []) if i != item]
        progress.update(position=session.queue.index(item), since=moment.isoformat())
        return {"current_item": item}

    return result, _change(store, session_id, change, now)


def pause(store: Store, session_id: str, actor: str, now: datetime | None = None) -> Session:
    """Stop the clocks; any process may resume the session later."""

    def change(_: Connection, session: Session, progress: Progress, moment: datetime) -> Values:
        _steer(actor)(session)
        _stop_clock(session, progress, moment)
        progress["last"] = {"actor": actor, "action": "paused", "item": session.current_item}
        return {"state": SessionState.PAUSED.value}

    return _change(store, session_id, change, now)


def resume(store: Store, session_id: str, actor: str, now: datetime | None = None) -> Session:
    def change(_: Connection, session: Session, progress: Progress, moment: datetime) -> Values:
        _steer(actor, paused_ok=True)(session)
        if session.state == SessionState.ACTIVE:
            raise SessionRefused("The session is already running")
        progress["since"] = moment.isoformat()
        progress["last"] = {"actor": actor, "action": "resumed", "item": session.current_item}
        return {"state": SessionState.ACTIVE.value}

    return _change(store, session_id, change, now)


def join(store: Store, session_id: str, actor: str, now: datetime | None = None) -> Session:
    """Add `actor` to the participants (a no-op for the lead or a member)."""

    def change(_: Connection, session: Session, progress: Progress, moment: datetime) -> Values:
        if session.state == SessionState.ENDED:
            raise SessionRefused(f"Session {session.name!r} has ended")
        if actor in session.members():
            return {}
        progress["last"] = {"actor": actor, "action": "joined", "item": session.current_item}
        return {"participants": [*session.participants, actor]}

    return _change(store, session_id, change, now)


def reopen(store: Store, session_id: str, actor: str, now: datetime | None = None) -> Session:
    """Open a session again: a newcomer joins it, and the lead resumes it if it was paused."""
    session = get_session(store, session_id)
    if session.state == SessionState.ENDED:
        return session
    if actor not in session.members():
        session = join(store, session_id, actor, now)
    if session.state == SessionState.PAUSED and actor == session.lead:
        session = resume(store, session_id, actor, now)
    return session


def end_session(store: Store, session_id: str, actor: str, now: datetime | None = None) -> Session:
    """Stop the session and store its Markdown summary (services/session_summary.py)."""

    def change(conn: Connection, session: Session, progress: Progress, moment: datetime) -> Values:
        _steer(actor, paused_ok=True)(session)
        _stop_clock(session, progress, moment)
        progress["last"] = {"actor": actor, "action": "ended", "item": session.current_item}
        ended = replace(session, progress=progress, state=SessionState.ENDED.value, ended_at=moment)
        summary = render_summary(conn, ended, moment)
        return {"state": ended.state, "ended_at": moment, "summary": summary}

    return _change(store, session_id, change, now)
