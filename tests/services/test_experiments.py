"""Local plans in the store: create, edit, move, their decisions, conflicts and the sync."""

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from prodops_tui.services.experiments import (
    CONFLICTS_KEY,
    PlanError,
    move_plan,
    read_experiments,
    read_renewals,
    refresh_conflicts,
    save_plan,
)
from prodops_tui.store.reads import Reader
from prodops_tui.store.store import Store

SYNCED: dict[str, Any] = {
    "id": "growthbook:acme:exp_1",
    "source": "growthbook",
    "name": "Checkout: one-page",
    "design": "ab",
    "status": "running",
    "surface": "checkout",
    "primary_metric": "checkout_conversion",
    "namespace_start": 0.0,
    "namespace_end": 0.6,
    "start": date(2025, 3, 1),
    "end": date(2025, 3, 31),
}
PLAN = {
    "name": "Checkout: sticky CTA",
    "design": "ab",
    "surface": "checkout",
    "primary_metric": "checkout_conversion",
    "start": "2025-03-20",
    "end": "2025-04-03",
    "variations": "Control 50, Treatment 50",
    "namespace_start": "0.4",
    "namespace_end": "1",
}


def _decisions(store: Store) -> list[tuple[str, str, dict[str, Any]]]:
    table = SQLModel.metadata.tables["decision"]
    with store.read() as conn:
        rows = conn.execute(select(table.c.target, table.c.action, table.c.detail)).all()
    return [(target, action, detail) for target, action, detail in rows]


def _meta(store: Store) -> list[dict[str, str]]:
    table = SQLModel.metadata.tables["workspace_meta"]
    with store.read() as conn:
        text = conn.execute(select(table.c.value).where(table.c.key == CONFLICTS_KEY)).scalar()
    return list(json.loads(text or "[]"))


def test_create_edit_and_move_a_plan(store: Store) -> None:
    store.upsert("experiment", [SYNCED])
    saved = save_plan(store, PLAN, actor="ana")
    assert saved.id.startswith("local:")
    assert [c.reason for c in saved.conflicts] == [
        "same surface+metric: namespaces 0-0.6 and 0.4-1 overlap"
    ]
    assert _meta(store)[0]["second"] == saved.id

    edited = save_plan(store, PLAN | {"namespace_start": "0.6"}, actor="ana", plan_id=saved.id)
    assert edited.conflicts == [] and _meta(store) == []

    moved = move_plan(store, saved.id, date(2025, 3, 5), actor="ben")
    assert moved.conflicts == []  # namespaces no longer meet
    actions = [(action, detail) for target, action, detail in _decisions(store)]
    assert [a for a, _ in actions] == ["experiment.create", "experiment.edit", "experiment.move"]
    assert actions[1][1] == {"from": {"namespace_start": 0.4}, "to": {"namespace_start": 0.6}}
    assert actions[2][1]["to"] == {"start": "2025-03-05", "end": "2025-03-19"}


def test_bad_input_and_synced_experiments_change_nothing(store: Store) -> None:
    store.upsert("experiment", [SYNCED])
    with pytest.raises(PlanError, match="sums to 120%"):
        save_plan(store, PLAN | {"variations": "A 60, B 60"}, actor="ana")
    with pytest.raises(PlanError, match="comes from GrowthBook"):
        save_plan(store, PLAN, actor="ana", plan_id=SYNCED["id"])
    with pytest.raises(PlanError, match="comes from GrowthBook"):
        move_plan(store, SYNCED["id"], date(2025, 5, 1), actor="ana")
    with pytest.raises(PlanError, match="no experiment"):
        move_plan(store, "local:nope", date(2025, 5, 1), actor="ana")
    assert _decisions(store) == []
    table = SQLModel.metadata.tables["experiment"]
    with store.read() as conn:
        assert conn.execute(select(table.c.id)).scalars().all() == [SYNCED["id"]]


def test_refresh_after_a_sync_and_the_read_path(store: Store) -> None:
    saved = save_plan(store, PLAN, actor="ana")
    assert _meta(store) == []
    store.upsert("experiment", [SYNCED])  # a sync brings an overlapping test
    assert [c.second for c in refresh_conflicts(store)] == [saved.id]
    store.upsert("tool", [{"id": "t1", "name": "Figma", "renewal_date": date(2025, 6, 1)}])
    reader = Reader(store.url)
    try:
        rows = {row["id"]: row for row in read_experiments(reader)}
        assert rows[saved.id]["source"] == "local" and rows[saved.id]["start"] == "2025-03-20"
        assert read_renewals(reader) == [("Figma", date(2025, 6, 1))]
    finally:
        reader.close()


def test_home_counts_conflicts_as_the_calendar_reads_open_ended_tests(store: Store) -> None:
    from prodops_tui.services.trends import experiments_in_conflict

    store.upsert("experiment", [SYNCED | {"end": None}])  # running: GrowthBook sends no end
    saved = save_plan(store, PLAN | {"start": "2025-05-01", "end": "2025-05-29"}, actor="ana")
    reader = Reader(store.url)
    try:
        assert experiments_in_conflict(reader) == {SYNCED["id"], saved.id}  # open-ended
        assert experiments_in_conflict(reader, date(2025, 3, 10)) == set()  # ends 2025-03-29
        assert experiments_in_conflict(reader, date(2025, 5, 10)) == {SYNCED["id"], saved.id}
    finally:
        reader.close()
