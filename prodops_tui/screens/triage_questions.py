"""Per triage key: what to ask before deciding (nothing for accept, a reason for decline, a
picker for duplicate, assignee and transition, ...), then hand the Action to the flow."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from prodops_tui.screens.triage_ask import non_empty, parse_day, parse_labels
from prodops_tui.store.errors import StoreError

if TYPE_CHECKING:
    from prodops_tui.screens.triage_flow import Target, TriageFlow


def _action(kind: str, value: Any = None, reason: str = "") -> Any:
    from prodops_tui.services.triage_plan import Action

    return Action(kind, value, reason)


def _checked(parse: Callable[[str], Any]) -> Callable[[str], str | None]:
    def check(text: str) -> str | None:
        parsed = parse(text)
        return parsed if isinstance(parsed, str) else None

    return check


def ask(flow: "TriageFlow", kind: str, targets: list["Target"]) -> None:
    """Open what `kind` needs; the answer decides for every target."""
    first = targets[0]

    def then(kind_: str, make: Callable[[str], Any]) -> Callable[[str | None], None]:
        def chosen(answer: str | None) -> None:
            if answer is not None:
                flow.decide(targets, make(answer))

        return chosen

    if kind == "accept":
        flow.decide(targets, _action("accept"))
    elif kind == "decline":
        on = then(kind, lambda reason: _action("decline", reason=reason))
        flow.ask_text("Decline: why? (posted to Jira)", "Reason", on, non_empty("A reason"))
    elif kind == "comment":
        on = then(kind, lambda text: _action("comment", text))
        flow.ask_text("Comment (Markdown)", "Comment", on, non_empty("A comment"))
    elif kind == "snooze":

        def day(text: str) -> Any:
            return parse_day(text, flow.today())

        on = then(kind, lambda text: _action("snooze", day(text)))
        flow.ask_text("Snooze until", "YYYY-MM-DD, +3d or +2w", on, _checked(day))
    elif kind == "labels":
        on = then(kind, lambda text: _action("labels", parse_labels(text)))
        flow.ask_text("Labels: +add -remove", "+beta -old", on, _checked(parse_labels))
    elif kind == "priority":
        flow.ask_priority(first, then(kind, lambda name: _action("priority", name)))
    elif kind == "duplicate":
        flow.pick_duplicate(targets, then(kind, lambda issue_id: _action("duplicate", issue_id)))
    else:
        _ask_remote(flow, kind, targets)


def _ask_remote(flow: "TriageFlow", kind: str, targets: list["Target"]) -> None:
    """Assignee, transition and score read the store (or Jira) first: in a worker."""
    first = targets[0]

    def chosen(answer: Any) -> None:
        if answer is None:
            return
        if kind == "assignee":
            account, _, name = str(answer).partition("\t")
            flow.decide(targets, _action("assignee", (account, name)))
        elif kind == "transition":
            flow.decide(targets, _action("transition", answer))
        else:
            flow.decide(targets, _action("score", answer))

    def job() -> None:
        try:
            if kind == "assignee":
                people = _people(flow, first)
                flow.app.call_from_thread(flow.pick_person, targets, people, chosen)
            elif kind == "transition":
                moves = _moves(flow, first)
                options = [(m["to"], f"{m['name']} → {m['to']}") for m in moves]
                if not options:
                    flow.tell(f"Jira offers no transition for {first.key}", error=True)
                    return
                flow.ask_pick(f"Move {first.key} to…", options, chosen)
            else:
                flow.ask_score(first, _score_inputs(flow, first), chosen)
        except StoreError as error:
            flow.tell(str(error), error=True)
        except Exception as error:  # a failed Jira read: one line, the key does nothing
            flow.tell(f"{first.key}: {error}", error=True)

    flow._run(job, "triage-ask")  # noqa: SLF001  (the flow's own pool)


def _people(flow: "TriageFlow", target: "Target") -> dict[str, str]:
    """Assignable people: cached ones at once; Jira's list refreshes the cache when it can."""
    from prodops_tui.services import jira_lookups

    store = flow.store()
    try:
        jira_lookups.run(jira_lookups.refresh_assignable, store, target.id)
    except Exception as error:  # offline or no credential: the cached people still do
        flow.tell(f"Assignable users not refreshed: {error}")
    return jira_lookups.people(store, target.id)


def _moves(flow: "TriageFlow", target: "Target") -> list[dict[str, Any]]:
    """The transitions Jira offers the issue now (read and cached), else the cached ones."""
    from prodops_tui.services import jira_lookups

    store = flow.store()
    try:
        moves: list[dict[str, Any]] = jira_lookups.run(
            jira_lookups.refresh_transitions, store, target.id
        )
    except Exception as error:
        cached = jira_lookups.cached_transitions(store, target.id)
        if not cached:
            raise
        flow.tell(f"Transitions from the cache (Jira: {error})")
        return cached
    return moves


def _score_inputs(flow: "TriageFlow", target: "Target") -> dict[str, Any]:
    from prodops_tui.services.scoring import typed_inputs

    return typed_inputs(flow.store(), target.id)
