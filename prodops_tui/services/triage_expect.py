"""What a triage decision will show in its issue's row, known before anything is written: the
row repaints from it at once, and the write (in a worker) then confirms or corrects it."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from prodops_tui.services.triage_plan import DECLINED, DUPLICATE, Action, Change

STATUS_OF = {"decline": DECLINED, "duplicate": DUPLICATE}
"""Actions that always end in the same status."""


def expected_changes(
    action: Action, key: str, labels: Sequence[str], ready: str | None
) -> list[Change]:
    """The row cells `action` changes on issue `key` (which has `labels` now). `ready` is the
    status accept moves to; None while it is not known (the status then waits for the write).
    Anything the action would refuse shows here as it was asked; the write puts it back."""
    return [Change(key, name, None, new) for name, new in _cells(action, labels, ready).items()]


def _cells(action: Action, labels: Sequence[str], ready: str | None) -> dict[str, Any]:
    kind, value = action.kind, action.value
    if kind == "accept":
        return {"status": ready} if ready else {}
    if kind in STATUS_OF:
        return {"status": STATUS_OF[kind]}
    if kind == "transition":
        return {"status": str(value)}
    if kind == "priority":
        return {"priority": str(value)}
    if kind == "assignee" and isinstance(value, tuple):
        return {"assignee": str(value[1])}
    if kind == "snooze" and isinstance(value, date):
        return {"snoozed_until": value.isoformat()}
    if kind == "labels" and isinstance(value, dict):
        return {"labels": _labels(labels, value)}
    return {}


def _labels(current: Sequence[str], change: dict[str, Any]) -> list[str]:
    """The labels after `+add -remove`, in the order the write stores them."""
    remove = {str(x).strip() for x in change.get("remove", [])}
    kept = [x for x in current if x not in remove]
    add = sorted({str(x).strip() for x in change.get("add", [])} - {""})
    return kept + [x for x in add if x not in kept]
