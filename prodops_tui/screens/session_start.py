"""Starting a triage session from a list screen: over the list on screen, or going back to a
session that is still open (joining it, resuming it if it was paused)."""

from functools import partial
from typing import TYPE_CHECKING

from textual.screen import Screen

from prodops_tui.screens.session_dialogs import SessionRequest, SessionStartDialog
from prodops_tui.services.session_start import MAX_QUEUE
from prodops_tui.services.session_state import Session
from prodops_tui.store.errors import StoreError
from prodops_tui.store.reads import ListQuery
from prodops_tui.widgets.paged_table import PagedTable
from prodops_tui.widgets.safe_text import safe_text
from prodops_tui.widgets.workspace import Workspace

if TYPE_CHECKING:
    from prodops_tui.store.store import Store

OPEN_SHOWN = 5
"""Open sessions offered to go back to, newest first."""


def offer_session(screen: Screen[None], workspace: Workspace, table: PagedTable) -> None:
    """Ask for a session over the list on screen (its first MAX_QUEUE issues) or one still
    open; start or reopen it in a worker and show it."""
    if workspace.read_only or workspace.activity is None:
        screen.notify("Read-only workspace: sessions are off", severity="warning")
        return
    seqs = [seq for i in range(min(table.total, MAX_QUEUE)) if (seq := table.seq_at(i))]
    gather = partial(_gather, screen, workspace, seqs)
    screen.run_worker(gather, thread=True, group="session-start")


def _gather(screen: Screen[None], workspace: Workspace, seqs: list[int]) -> None:
    """The queues on offer (read in a worker), then the dialog."""
    from prodops_tui.services.saved_views import list_views
    from prodops_tui.services.sessions import list_sessions

    try:
        found = [s for s in list_sessions(_store(workspace)) if s.state != "ended"]
        views = list_views(_store(workspace), "backlog")
    except StoreError as error:
        _say(screen, str(error))
        return
    queues = [(f"This list ({len(seqs)} issues)", "list")] if seqs else []
    queues += [(f"View: {view.name}", f"view:{view.name}") for view in views]
    queues += [(_back_to(session), f"session:{session.id}") for session in found[:OPEN_SHOWN]]
    if not queues:
        _say(screen, "The list is empty: nothing to triage")
        return

    def chosen(request: SessionRequest | None) -> None:
        if request is not None:
            start = partial(_start, screen, workspace, seqs, request)
            screen.run_worker(start, thread=True, group="session-start")

    screen.app.call_from_thread(screen.app.push_screen, SessionStartDialog(queues), chosen)


def _back_to(session: Session) -> str:
    return f"Back to {session.name} ({session.counter()}, {session.state}, lead {session.lead})"


def _start(
    screen: Screen[None], workspace: Workspace, seqs: list[int], ask: SessionRequest
) -> None:
    from prodops_tui.screens.session import SessionScreen
    from prodops_tui.services.sessions import queue_of_view, reopen, start_session

    activity = workspace.activity
    assert activity is not None
    try:
        store, now = _store(workspace), workspace.clock()
        if ask.queue.startswith("session:"):
            session = reopen(store, ask.queue.removeprefix("session:"), activity.actor, now)
        else:
            view = ask.queue.removeprefix("view:") if ask.queue.startswith("view:") else ""
            if view:
                queue = queue_of_view(store, view, now)
            else:
                rows = workspace.reader.rows(ListQuery("issue", ("id",)), seqs)
                queue = [str(row[1]) for row in rows]
            session = start_session(
                store,
                queue=queue,
                lead=activity.actor,
                name=ask.name,
                view=view,
                timebox_minutes=ask.timebox_minutes,
                participants=ask.participants,
                policy=ask.policy,
                now=now,
            )
    except StoreError as error:
        _say(screen, str(error))
        return
    screen.app.call_from_thread(screen.app.push_screen, SessionScreen(workspace, session.id))


def _store(workspace: Workspace) -> "Store":
    assert workspace.activity is not None
    return workspace.activity.store()


def _say(screen: Screen[None], message: str) -> None:
    note = safe_text(message).plain
    screen.app.call_from_thread(screen.notify, note, severity="warning", markup=False)
