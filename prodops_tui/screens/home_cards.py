"""Home's cards: one count each, and the filtered list (or dialog) it opens."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

Counts = dict[str, int]
Shown = tuple[int, str, str]
"""The big number, a note beside it (warning colour, may be ""), and the detail line."""
CONFLICTS = "conflicts"
"""The `mode` of a card that opens the outbox conflicts dialog instead of a screen."""


@dataclass(frozen=True)
class CardSpec:
    title: str
    mode: str
    """The screen the card opens (or CONFLICTS)."""
    query: str | None
    """The query-bar text that filters the opened list to what the card counts."""
    needs: tuple[str, ...]
    """The counts the card shows; it stays "counting…" until all of them arrived."""
    value: Callable[[Counts], Shown]


def _running(c: Counts) -> Shown:
    conflicts = c.get("experiment_conflicts")
    note = f"{conflicts:,} in conflict" if conflicts else ""
    return c["experiments_running"], note, f"of {c['experiments']:,} experiments"


def _sources(c: Counts) -> Shown:
    note = f"{c['failing']:,} failing" if c["failing"] else ""
    return c["stale"] + c["failing"], note, f"of {c['sources']:,} sources"


UNTRIAGED_QUERY = "triage:untriaged -category:done"
NEW_FEEDBACK_QUERY = "state:new"
ISSUES_DUE_QUERY = "triage:snoozed -is:snoozed"
FEEDBACK_DUE_QUERY = "state:snoozed -is:snoozed"
"""Snoozed, and the snooze is over: back in the queue."""
QUERY_COUNTS = {
    "issues_untriaged": ("issue", UNTRIAGED_QUERY),
    "snoozed_issues_due": ("issue", ISSUES_DUE_QUERY),
    "snoozed_feedback_due": ("feedback", FEEDBACK_DUE_QUERY),
}
"""Counts read with the very query their card applies, so the card and its list agree."""

CARDS = (
    CardSpec(
        "Untriaged",
        "backlog",
        UNTRIAGED_QUERY,
        ("issues_untriaged", "issues"),
        lambda c: (c["issues_untriaged"], "", f"of {c['issues']:,} issues"),
    ),
    CardSpec(
        "New feedback",
        "inbox",
        NEW_FEEDBACK_QUERY,
        ("feedback_new", "feedback"),
        lambda c: (c["feedback_new"], "", f"of {c['feedback']:,} items"),
    ),
    CardSpec(
        "Issues due",
        "backlog",
        ISSUES_DUE_QUERY,
        ("snoozed_issues_due",),
        lambda c: (c["snoozed_issues_due"], "", "snoozed, back now"),
    ),
    CardSpec(
        "Feedback due",
        "inbox",
        FEEDBACK_DUE_QUERY,
        ("snoozed_feedback_due",),
        lambda c: (c["snoozed_feedback_due"], "", "snoozed, back now"),
    ),
    CardSpec("Running", "calendar", None, ("experiments_running", "experiments"), _running),
    CardSpec(
        "Renewals",
        "tools",
        None,
        ("renewals_30", "renewals_90"),
        lambda c: (c["renewals_30"], "", f"in 30d, {c['renewals_90']:,} in 90d"),
    ),
    CardSpec("Stale sources", "tools", None, ("stale", "failing", "sources"), _sources),
    CardSpec(
        "Edit conflicts",
        CONFLICTS,
        None,
        ("outbox_conflict", "outbox_pending"),
        lambda c: (c["outbox_conflict"], "", f"{c['outbox_pending']:,} edits queued"),
    ),
)


class Card(Static, can_focus=True):
    """One count on Home; Enter or a click opens what it counts."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", id="home.open"),
    ]

    class Opened(Message):
        def __init__(self, spec: CardSpec) -> None:
            super().__init__()
            self.spec = spec

    def __init__(self, number: int, spec: CardSpec) -> None:
        super().__init__(self._text(number, spec, "…", "", "counting…"), id=f"card-{number}")
        self.number = number
        self.spec = spec

    @staticmethod
    def _text(number: int, spec: CardSpec, value: str, note: str, detail: str) -> Content:
        return Content.assemble(
            (f"{number} ", "$text-muted"),
            (spec.title, "bold"),
            "\n",
            (value, "bold $text-accent"),
            ("  " + note if note else "", "$text-warning"),
            "\n",
            (detail, "$text-muted"),
        )

    def show(self, counts: Counts) -> bool:
        """Show the card's numbers once every count it needs is known; True when shown."""
        if not all(key in counts for key in self.spec.needs):
            return False
        value, note, detail = self.spec.value(counts)
        self.update(self._text(self.number, self.spec, f"{value:,}", note, detail))
        return True

    def action_open(self) -> None:
        self.post_message(self.Opened(self.spec))

    def on_click(self, event: Click) -> None:
        self.action_open()
