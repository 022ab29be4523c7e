"""services.tools: validation, add/edit/retire/delete with decisions, renewals coming up."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from prodops_tui.services.tools import (
    ToolError,
    add_tool,
    check_tool,
    delete_tool,
    edit_tool,
    renewals_within,
    retire_tool,
    tool_row,
)
from prodops_tui.store.reads import ListQuery, Reader
from prodops_tui.store.store import Store

TODAY = date(2026, 11, 27)
FIGMA = {
    "name": "Figma",
    "category": "Design",
    "owner": "Claire",
    "seats_bought": "30",
    "seats_used": "12",
    "monthly_cost": "1,350.50",
    "renewal_date": "2027-01-10",
    "status": "active",
    "notes": "[b]shared[/b]",
}


def decisions(store: Store) -> list[tuple[str, str, str]]:
    with store.read() as conn:
        rows = conn.execute(text("SELECT actor, target, action FROM decision ORDER BY id"))
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_check_parses_text_and_flags_what_is_odd_but_allowed() -> None:
    checked = check_tool({**FIGMA, "seats_used": "33", "renewal_date": "2026-01-02"}, TODAY)
    assert checked.values["monthly_cost"] == 1350.5
    assert checked.values["seats_bought"] == 30
    assert checked.values["renewal_date"] == date(2026, 1, 2)
    assert checked.warnings == (
        "33 seats used, above the 30 bought",
        "renewal date 2026-01-02 is in the past",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("monthly_cost", "lots", "monthly cost must be a number"),
        ("monthly_cost", "-5", "monthly cost cannot be negative"),
        ("seats_bought", "2.5", "seats bought must be a whole number"),
        ("seats_used", "-1", "seats used must be a whole number"),
        ("renewal_date", "31/12/2026", "renewal date must be YYYY-MM-DD"),
        ("status", "paused", "status must be one of evaluating, active, retiring, retired"),
        ("name", "  ", "a tool needs a name"),
    ],
)
def test_check_refuses_bad_values_with_one_line(field: str, value: str, message: str) -> None:
    with pytest.raises(ToolError, match=message):
        check_tool({**FIGMA, field: value}, TODAY)


def test_add_edit_retire_delete_each_leave_a_decision(store: Store) -> None:
    tool_id, checked = add_tool(store, FIGMA, "pat", TODAY)
    assert tool_id == "tool:figma" and checked.warnings == ()
    edit_tool(store, tool_id, {"seats_used": "40"}, "pat", TODAY)
    row = tool_row(store, tool_id)
    assert row is not None and row["seats_used"] == 40 and row["notes"] == "[b]shared[/b]"
    assert retire_tool(store, tool_id, "sam") is True
    assert retire_tool(store, tool_id, "sam") is False
    deleted = delete_tool(store, tool_id, "sam")
    assert deleted["status"] == "retired" and tool_row(store, tool_id) is None
    assert decisions(store) == [
        ("pat", tool_id, "tool.add"),
        ("pat", tool_id, "tool.edit"),
        ("sam", tool_id, "tool.retire"),
        ("sam", tool_id, "tool.delete"),
    ]
    with store.read() as conn:
        detail = conn.execute(text("SELECT detail FROM decision ORDER BY id DESC")).scalar()
    assert "1350.5" in str(detail) and "2027-01-10" in str(detail)  # the deleted row is kept


def test_duplicate_names_are_refused_in_any_case(store: Store) -> None:
    tool_id, _ = add_tool(store, FIGMA, "pat", TODAY)
    with pytest.raises(ToolError, match="a tool named 'FIGMA' already exists"):
        add_tool(store, {**FIGMA, "name": "FIGMA"}, "pat", TODAY)
    other, _ = add_tool(store, {**FIGMA, "name": "Miro"}, "pat", TODAY)
    with pytest.raises(ToolError, match="already exists"):
        edit_tool(store, other, {"name": "figma"}, "pat", TODAY)
    assert [d[2] for d in decisions(store)] == ["tool.add", "tool.add"]
    assert tool_row(store, tool_id) is not None


def test_an_unknown_connection_is_refused(store: Store) -> None:
    with pytest.raises(ToolError, match="no connection 'jira:nowhere'"):
        add_tool(store, {**FIGMA, "connection_id": "jira:nowhere"}, "pat", TODAY)


def test_renewals_within_days_from_store_and_reader(sqlite_url: str, tmp_path: Path) -> None:
    store = Store.open(sqlite_url)
    try:
        for name, renewal, status in [
            ("Soon", "2026-12-01", "active"),
            ("Today", "2026-11-27", "evaluating"),
            ("Later", "2027-02-10", "active"),
            ("Gone", "2026-12-02", "retired"),
            ("Past", "2026-11-01", "active"),
            ("Never", "", "active"),
        ]:
            add_tool(store, {"name": name, "renewal_date": renewal, "status": status}, "p", TODAY)
        from_store = renewals_within(store, 30, TODAY)
        assert [(r.name, r.days_left) for r in from_store] == [("Today", 0), ("Soon", 4)]
        assert [r.name for r in renewals_within(store, 90, TODAY)] == ["Today", "Soon", "Later"]
    finally:
        store.close()
    reader = Reader(sqlite_url)
    try:
        assert renewals_within(reader, 30, TODAY) == from_store
    finally:
        reader.close()


def test_utilisation_and_yearly_cost_read_and_sort_on_both_dialects(
    store: Store, db_url: str
) -> None:
    for name, bought, used, cost in [("A", 10, 12, "100"), ("B", 0, 3, "5"), ("C", 4, 1, "7.5")]:
        add_tool(
            store,
            {"name": name, "seats_bought": bought, "seats_used": used, "monthly_cost": cost},
            "p",
            TODAY,
        )
    query = ListQuery(
        "tool", ("name", "utilisation", "yearly_cost"), order=(("utilisation", True),)
    )
    reader = Reader(db_url)
    try:
        rows = [row[1:] for row in reader.first_page(query)]
    finally:
        reader.close()
    assert rows == [("A", 120.0, 1200.0), ("C", 25.0, 90.0), ("B", None, 60.0)]
