"""The cells a triage key repaints before its write are the ones the write then stores: each
action's expected changes against services.triage.preview on a real workspace."""

from datetime import date, timedelta
from typing import Any

from test_triage import A, B, C, seeded

from prodops_tui.services import triage
from prodops_tui.services.triage import Action
from prodops_tui.services.triage_expect import expected_changes
from prodops_tui.store.store import Store

__all__ = ["seeded"]
SOON = date.today() + timedelta(days=9)
ACTIONS = [
    Action("accept"),
    Action("decline", reason="not now"),
    Action("duplicate", C),
    Action("transition", "Selected for Development"),
    Action("priority", "High"),
    Action("assignee", ("acc-bo", "Bo Chen")),
    Action("labels", {"add": ["ux", "beta"], "remove": ["api"]}),
    Action("snooze", SOON),
]


def cells(changes: list[Any]) -> dict[str, Any]:
    return {c.field: c.new for c in changes if c.field in ("status", "priority", "assignee")} | {
        c.field: c.new for c in changes if c.field in ("labels", "snoozed_until")
    }


def test_expected_cells_are_what_the_write_stores(seeded: Store) -> None:
    ready = triage.get_ready_status(seeded)
    for action in ACTIONS:
        # API-2 has cached transitions (a move must be one of them), API-1 has none
        issue_id, key = (B, "API-2") if action.kind == "transition" else (A, "API-1")
        expected = expected_changes(action, key, ["api"], ready)
        assert expected, f"{action.kind} changes a visible cell"
        assert cells(expected) == cells(triage.preview(seeded, [issue_id], action)), action.kind


def test_nothing_expected_without_a_visible_cell_or_a_known_ready_status() -> None:
    assert expected_changes(Action("accept"), "API-2", [], None) == []
    assert expected_changes(Action("comment", "hi"), "API-2", [], "Ready") == []
    assert expected_changes(Action("score", {"reach": 3}), "API-2", [], "Ready") == []
