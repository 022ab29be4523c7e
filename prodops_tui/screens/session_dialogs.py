"""Dialogs of triage sessions: start one (queue, timebox, participants, policy), choose where
the summary goes (ending asks with the shared ConfirmDialog)."""

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from prodops_tui.screens.dialogs import DIALOG_CSS
from prodops_tui.services.session_state import MAX_TIMEBOX, POLICIES


@dataclass(frozen=True)
class SessionRequest:
    """What the start dialog asked for; `queue` is one of the choices it was given."""

    queue: str
    name: str
    timebox_minutes: int
    participants: tuple[str, ...]
    policy: str


def participants_of(text: str) -> tuple[str, ...]:
    """Names from "a, b c": commas or spaces between them, each once."""
    return tuple(dict.fromkeys(n for n in text.replace(",", " ").split() if n))


class SessionStartDialog(ModalScreen[SessionRequest | None]):
    """Pick the queue, a timebox, the participants and who decides; Enter starts."""

    DEFAULT_CSS = "SessionStartDialog {" + DIALOG_CSS + "}"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "start", "Start", id="session.start"),
    ]

    def __init__(self, queues: list[tuple[str, str]], timebox: int = 45) -> None:
        super().__init__()
        self.queues = queues
        """(label, value) of each queue on offer: the list shown, saved views."""
        self.timebox = timebox

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Start a triage session"
            yield Label("Queue")
            yield Select(
                [(Content(label), value) for label, value in self.queues],
                value=self.queues[0][1],
                allow_blank=False,
                id="start-queue",
            )
            yield Input(placeholder="Name (optional)", id="start-name")
            yield Input(str(self.timebox), placeholder="Timebox, minutes", id="start-timebox")
            yield Input(placeholder="Participants: names, comma separated", id="start-people")
            yield Select(
                [(f"Decisions by: {p}", p) for p in POLICIES],
                value=POLICIES[0],
                allow_blank=False,
                id="start-policy",
            )
            yield Label("Enter or ctrl+s starts, Escape cancels", classes="-hint", id="start-note")

    def on_mount(self) -> None:
        self.query_one("#start-queue", Select).focus()

    @on(Input.Submitted)
    def action_start(self) -> None:
        timebox = self.query_one("#start-timebox", Input).value.strip()
        note = self.query_one("#start-note", Label)
        if not timebox.isdigit() or not 1 <= int(timebox) <= MAX_TIMEBOX:
            note.update(f"The timebox is a number of minutes, 1 to {MAX_TIMEBOX}")
            note.set_classes("-error")
            self.query_one("#start-timebox", Input).focus()
            return
        self.dismiss(
            SessionRequest(
                queue=str(self.query_one("#start-queue", Select).value),
                name=self.query_one("#start-name", Input).value.strip(),
                timebox_minutes=int(timebox),
                participants=participants_of(self.query_one("#start-people", Input).value),
                policy=str(self.query_one("#start-policy", Select).value),
            )
        )


class SummaryFileDialog(ModalScreen[str | None]):
    """Where to write the session's Markdown summary."""

    DEFAULT_CSS = "SummaryFileDialog {" + DIALOG_CSS + "}"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Write the summary to")
            yield Input(self.default, id="summary-path")

    @on(Input.Submitted)
    def choose(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if path:
            self.dismiss(path)
