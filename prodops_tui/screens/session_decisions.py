"""The triage keys on a session's card: the Backlog's questions (screens/triage_flow.py) ask
what a decision needs, then it is decided through the session (services.sessions.decide) with
the session's id; `u` undoes the last decision, `b` shows the score's breakdown."""

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.screen import Screen

from prodops_tui.screens.triage_flow import Target, TriageFlow
from prodops_tui.services.session_card import Card
from prodops_tui.services.session_state import Session
from prodops_tui.widgets.workspace import Workspace

if TYPE_CHECKING:
    from prodops_tui.services.triage import Action
    from prodops_tui.store.store import Store

Step = Callable[["Store", str, str, datetime], Session]
"""One change to a session: (store, session id, actor, now) -> the session after it."""
DECISIONS = (
    ("1", "accept", "Accept"),
    ("2", "duplicate", "Dup of"),
    ("3", "decline", "Decline"),
    ("h", "snooze", "Snooze"),
    ("p", "priority", "Priority"),
    ("l", "labels", "Labels"),
    ("a", "assignee", "Assign"),
    ("t", "transition", "Move"),
    ("c", "comment", "Comment"),
    ("s", "score", "Score in"),
)
"""Key, decision kind and label, as on the Backlog (only Accept fits the 80-column footer; `?`
lists them all)."""
FINAL = frozenset({"accept", "duplicate", "decline", "snooze"})
"""Decisions that settle an item: the session moves on after them."""


def decision_bindings() -> list[Binding]:
    keys = [
        Binding(
            key,
            f"decide('{kind}')",
            label,
            tooltip=f"{label}: as on the Backlog",
            id=f"session.{kind}",
            show=kind == "accept",
        )
        for key, kind, label in DECISIONS
    ]
    more = [
        Binding("b", "breakdown", "Breakdown", tooltip="Where the score comes from",
                id="session.breakdown", show=False),
        Binding("u", "undo", "Undo", tooltip="Undo your last decision", id="session.undo",
                show=False),
    ]  # fmt: skip
    return [*keys, *more]


class SessionFlow(TriageFlow):
    """The Backlog's triage questions (dialogs and pickers) for the session's card; the answer
    is decided through the session, so it carries the session id and can move it on."""

    def __init__(
        self, screen: Screen[Any], workspace: Workspace, step: Callable[[Step], object]
    ) -> None:
        super().__init__(screen, workspace, lambda _: None)
        self.step = step
        self.card: Card | None = None

    def ask(self, kind: str, card: Card) -> None:
        self.card = card
        self.start(kind, [Target(card.seq, card.id, card.key, card.priority, card.summary)])

    def decide(self, targets: list[Target], action: "Action") -> None:
        if self.card is not None and [t.id for t in targets] == [self.card.id]:
            self.step(decision_step(self.card, action))


def decision_step(card: Card, action: "Action") -> Step:
    """The session step deciding `action` on the card's issue: refused if the session moved on,
    logged but not applied if the issue changed since the card was read (services.versions)."""
    item = card.id

    def step(store: "Store", session_id: str, actor: str, now: datetime) -> Session:
        from prodops_tui.services import sessions, triage

        def apply(session: str) -> triage.Decided:
            return triage.decide(
                store, item, action, actor, session_id=session, seen_version=card.version
            )

        final = action.kind in FINAL
        kind = action.kind
        return sessions.decide(store, session_id, actor, item, kind, apply, final=final, now=now)[1]

    return step


def undo_step(store: "Store", session_id: str, actor: str, now: datetime) -> Session:
    """Undo the actor's last decision; the session goes back to its item if it had moved on."""
    from prodops_tui.services import sessions
    from prodops_tui.services.triage_undo import undo_last

    return sessions.undo(store, session_id, actor, lambda: undo_last(store, actor), now)[1]
