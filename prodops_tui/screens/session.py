"""SessionScreen: a triage session, one issue at a time as a large card, with its timer and
progress; every open copy follows the session's row (polled each second), so participants see
the lead's current item and who decided what."""

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from prodops_tui.screens.session_decisions import SessionFlow, Step, decision_bindings, undo_step
from prodops_tui.screens.session_view import (
    card_evidence,
    card_facts,
    card_head,
    finished_card,
    log_line,
    status_line,
)
from prodops_tui.screens.triage_flow import Target
from prodops_tui.services.session_state import Session, refusal
from prodops_tui.store.errors import StoreError
from prodops_tui.widgets.activity import DATA
from prodops_tui.widgets.safe_text import safe_markdown, safe_text
from prodops_tui.widgets.workspace import Workspace

if TYPE_CHECKING:
    from prodops_tui.services.session_card import Card
    from prodops_tui.services.session_summary import SessionDecision
    from prodops_tui.store.store import Store

POLL_SECONDS = 1.0
"""How often every open copy re-reads the session's row (one primary-key read)."""


class SessionScreen(Screen[None]):
    """Run or follow one triage session: decide, skip, park, pause, end."""

    CSS_PATH = "session.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    """At 80x24 the card drops its margins and cuts the description to leave room for quotes."""
    BINDINGS: ClassVar[list[BindingType]] = [
        *decision_bindings(),
        Binding("n", "next", "Next", tooltip="Next item (skipped if undecided)",
                id="session.next"),
        Binding("z", "park", "Park", tooltip="Set the item aside for later", id="session.park"),
        Binding("space", "pause", "Pause", tooltip="Pause or resume the session",
                id="session.pause"),
        Binding("E", "end", "End", tooltip="End the session and write its summary",
                id="session.end"),
        Binding("w", "write", "Write", tooltip="Write the summary to a file",
                id="session.write"),
        Binding("escape", "leave", "Leave", tooltip="Back to the workspace",
                id="session.leave", show=False),
    ]  # fmt: skip

    def __init__(self, workspace: Workspace, session_id: str) -> None:
        super().__init__()
        self.workspace = workspace
        self.session_id = session_id
        self.session: Session | None = None
        self.card: Card | None = None
        self.decisions: list[SessionDecision] = []
        self._polling = False
        self.flow = SessionFlow(self, workspace, self.step)

    @property
    def actor(self) -> str:
        activity = self.workspace.activity
        return activity.actor if activity is not None else ""

    def compose(self) -> ComposeResult:
        yield Static("Opening the session…", id="session-bar")
        with VerticalScroll(id="session-card"):
            yield Static("", id="card-head")
            yield Static("", id="card-facts")
            yield Static("", id="card-text")
            yield Static("", id="card-evidence")
            yield Markdown("", id="session-summary")
        yield Static("", id="session-log")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#session-card").focus()
        self.set_interval(POLL_SECONDS, self.tick)
        self.poll()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Once ended, only writing the summary and leaving are left (and writing is new)."""
        ended = self.session is not None and self.session.state == "ended"
        if action == "write":
            return ended
        return not (ended and action in ("decide", "undo", "next", "park", "pause", "end"))

    def tick(self) -> None:
        """Every second: redraw the clocks, then look for changes made elsewhere."""
        self._show_bar()
        if not self._polling:
            self.poll()

    @work(thread=True, group="session-poll")
    def poll(self) -> None:
        self._polling = True
        try:
            self._read()
        finally:
            self._polling = False

    def _read(self, session: Session | None = None) -> None:
        """Re-read the session (unless given); the card and decisions only when it changed."""
        from prodops_tui.services.session_card import read_card, recent_decisions
        from prodops_tui.services.sessions import get_session

        store = self._store()
        try:
            session = session or get_session(store, self.session_id)
            known = self.session
            if known is not None and known.revision == session.revision:
                return
            card = read_card(store, session.current_item) if session.current_item else None
            decisions = recent_decisions(store, session.id, 4)
        except StoreError as error:
            self.app.call_from_thread(self._say, str(error), "error")
            return
        self.app.call_from_thread(self._show, session, card, decisions)

    def _store(self) -> "Store":
        activity = self.workspace.activity
        if activity is None:
            raise StoreError("this app has no workspace store")
        return activity.store()

    def _show(
        self,
        session: Session,
        card: "Card | None",
        decisions: "list[SessionDecision]",
    ) -> None:
        self.session, self.card, self.decisions = session, card, decisions
        self._show_bar()
        self._show_card()
        self.query_one("#session-log", Static).update(log_line(session, decisions))

    def _show_bar(self) -> None:
        if self.session is not None:
            line = status_line(self.session, self.workspace.clock(), self.actor)
            self.query_one("#session-bar", Static).update(line)

    def _show_card(self) -> None:
        session, card = self.session, self.card
        assert session is not None
        summary = self.query_one("#session-summary", Markdown)
        ended = session.state == "ended"
        summary.display = ended
        if ended:
            summary.update(safe_markdown(session.summary))
        shown = card if session.current_item and card is not None and not ended else None
        head = card_head(shown) if shown else ("" if ended else finished_card(session))
        self.query_one("#card-head", Static).update(head)
        self.query_one("#card-facts", Static).update(card_facts(shown) if shown else "")
        self.query_one("#card-text", Static).update(safe_text(shown.excerpt) if shown else "")
        self.query_one("#card-evidence", Static).update(card_evidence(shown) if shown else "")
        self.set_class(ended, "-ended")
        self.set_class(session.state == "paused", "-paused")
        paused = "PAUSED · space resumes" if session.state == "paused" else ""
        self.query_one("#session-card").border_title = paused
        self.refresh_bindings()

    def _say(self, message: str, severity: str = "warning") -> None:
        self.notify(safe_text(message).plain, severity=severity, markup=False)  # type: ignore[arg-type]

    def _allowed(self, *, paused_ok: bool = False) -> bool:
        """Whether this user may steer now; says why not (one line) when they may not."""
        if self.session is None:
            self._say("The session is still loading")
            return False
        if self.workspace.read_only or self.workspace.activity is None:
            self._say("Read-only workspace: following only")
            return False
        reason = refusal(self.session, self.actor, paused_ok=paused_ok)
        if reason:
            self._say(reason)
        return not reason

    def action_decide(self, kind: str) -> None:
        if self._allowed() and self.card is not None:
            self.flow.ask(kind, self.card)

    def action_breakdown(self) -> None:
        if self.card is not None:
            card = self.card
            self.flow.show_breakdown(Target(card.seq, card.id, card.key))

    def action_undo(self) -> None:
        if self._allowed():
            self.step(undo_step)

    def action_next(self) -> None:
        if self._allowed():
            from prodops_tui.services.sessions import next_item

            self.step(next_item)

    def action_park(self) -> None:
        if self._allowed():
            from prodops_tui.services.sessions import park

            self.step(park)

    def action_pause(self) -> None:
        if not self._allowed(paused_ok=True):
            return
        from prodops_tui.services.sessions import pause, resume

        assert self.session is not None
        self.step(resume if self.session.state == "paused" else pause)

    def action_end(self) -> None:
        if not self._allowed(paused_ok=True):
            return
        from prodops_tui.screens.dialogs import ConfirmDialog
        from prodops_tui.services.sessions import end_session

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.step(end_session)

        assert self.session is not None
        question = Content.assemble("End ", safe_text(self.session.name), " now?")
        detail = Content("The summary is saved with the session.")
        self.app.push_screen(ConfirmDialog(question, detail), confirmed)

    @work(thread=True, group="session-step")
    def step(self, change: Step) -> None:
        """One session step in the DB (any refusal comes back as one line), then redraw."""
        try:
            session = change(self._store(), self.session_id, self.actor, self.workspace.clock())
        except StoreError as error:
            self.app.call_from_thread(self._say, str(error))
            return
        self._read(session)

    def action_write(self) -> None:
        if self.session is None:
            return
        from prodops_tui.screens.session_dialogs import SummaryFileDialog

        def chosen(path: str | None) -> None:
            if path:
                self.write_summary(path)

        self.app.push_screen(SummaryFileDialog(f"triage-{self.session.id}.md"), chosen)

    @work(thread=True, group="session-write")
    def write_summary(self, path: str) -> None:
        from prodops_tui.services.session_summary import write_summary

        assert self.session is not None
        try:
            target = write_summary(self._store(), self.session, self.workspace.clock(), path)
        except (StoreError, OSError) as error:
            self.app.call_from_thread(self._say, f"Summary not written: {error}", "error")
            return
        self.app.call_from_thread(self._say, f"Summary written to {target}", "information")

    def action_leave(self) -> None:
        """Back to the workspace; the session stays as it is (resume it any time)."""
        activity = self.workspace.activity
        if activity is not None:
            activity.changed.publish(DATA)
        self.dismiss(None)
