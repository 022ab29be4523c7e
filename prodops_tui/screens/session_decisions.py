"""The triage keys on a session's card: ask what the decision needs (the Backlog's dialogs),
then decide through services.triage with the session's id; `u` undoes the last decision."""

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from prodops_tui.screens.dialogs import PriorityDialog
from prodops_tui.services.session_state import Session

if TYPE_CHECKING:
    from prodops_tui.services.session_card import Card
    from prodops_tui.services.triage import Action
    from prodops_tui.store.store import Store

Step = Callable[["Store", str, str, datetime], Session]
"""One change to a session: (store, session id, actor, now) -> the session after it."""
DECISIONS = (("1", "accept", "Accept"), ("p", "priority", "Priority"))
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
            tooltip=f"{label} this issue",
            id=f"session.{kind}",
            show=kind == "accept",
        )
        for key, kind, label in DECISIONS
    ]
    undo = Binding(
        "u", "undo", "Undo", tooltip="Undo your last decision", id="session.undo", show=False
    )
    return [*keys, undo]


def ask(app: App[None], kind: str, card: "Card", answer: Callable[["Action"], None]) -> None:
    """Ask for what a `kind` decision on `card` needs; `answer` gets the action unless the
    user cancelled or changed nothing."""
    from prodops_tui.services.triage import Action

    if kind == "priority":

        def chosen(name: str | None) -> None:
            if name and name != card.priority:
                answer(Action("priority", name))

        app.push_screen(PriorityDialog(card.key, card.priority), chosen)
        return
    answer(Action(kind))


def decision_step(card: "Card", action: "Action") -> Step:
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
