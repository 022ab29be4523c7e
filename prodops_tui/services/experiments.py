"""Planned experiments: create, edit and move local plans, and keep the conflicts current.

A plan edit writes the experiment, its `decision` row and the refreshed conflict list in one
store transaction. Local plans (`source="local"`, ids `local:...`) never reach GrowthBook and a
GrowthBook sync never writes them: its rows carry the connection's ids.
"""

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import ExperimentSource
from prodops_tui.services.conflicts import Conflict, find_conflicts, plan_from_row
from prodops_tui.services.plan_fields import PlanError, clean_plan
from prodops_tui.store.reads import ListQuery, Reader
from prodops_tui.store.store import Store

__all__ = [
    "COLUMNS",
    "CONFLICTS_KEY",
    "PlanError",
    "Saved",
    "move_plan",
    "read_experiments",
    "read_renewals",
    "refresh_conflicts",
    "save_plan",
]

COLUMNS = (
    *("id", "source", "name", "design", "status", "owner", "surface", "flag_key"),
    *("primary_metric", "hypothesis", "namespace_start", "namespace_end", "traffic_pct"),
    *("audience", "variations", "regions", "bucket_hours", "treated_geos", "donor_geos"),
    *("start", "end", "results"),
)
CONFLICTS_KEY = "experiment_conflicts"
"""workspace_meta key: the conflicts as JSON [{"first", "second", "reason"}], refreshed on every
plan edit and after every GrowthBook sync that changed experiments."""
READ_LIMIT = 10_000


@dataclass(frozen=True)
class Saved:
    """A written plan and the conflicts it is in now."""

    id: str
    conflicts: list[Conflict]


def read_experiments(reader: Reader) -> list[dict[str, Any]]:
    """Every experiment (up to READ_LIMIT, latest start first) as a dict of its columns, through
    the UI's read path (lists arrive comma-joined; plan_from_row reads both forms)."""
    query = ListQuery("experiment", COLUMNS)
    return [
        dict(zip(COLUMNS, row[1:], strict=True)) for row in reader.first_page(query, READ_LIMIT)
    ]


def read_renewals(reader: Reader) -> list[tuple[str, date]]:
    """(tool name, renewal date) of every tool that has one and is not retired."""
    query = ListQuery("tool", ("name", "renewal_date", "status"), order=(("renewal_date", False),))
    return [
        (str(name), date.fromisoformat(str(day)))
        for _, name, day, status in reader.first_page(query, READ_LIMIT)
        if day and status != "retired"
    ]


def _rows(conn: Connection) -> list[dict[str, Any]]:
    table = SQLModel.metadata.tables["experiment"]
    query = select(*(table.c[column] for column in COLUMNS))
    return [dict(row._mapping) for row in conn.execute(query)]


def _today() -> date:
    return datetime.now(UTC).date()


def _save_conflicts(store: Store, conn: Connection, today: date) -> list[Conflict]:
    found = find_conflicts(plan_from_row(row, today) for row in _rows(conn))
    text = json.dumps([c.__dict__ for c in found])
    store.upsert_in(conn, "workspace_meta", [{"key": CONFLICTS_KEY, "value": text}])
    return found


def refresh_conflicts(store: Store, today: date | None = None) -> list[Conflict]:
    """Re-check every experiment and save the conflict list (after a sync changed dates)."""
    with store.write() as conn:
        return _save_conflicts(store, conn, today or _today())


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    changed = [key for key in after if _plain(before.get(key)) != _plain(after[key])]
    return {
        "from": {key: _plain(before.get(key)) for key in changed},
        "to": {key: _plain(after[key]) for key in changed},
    }


def _current(conn: Connection, plan_id: str) -> dict[str, Any]:
    table = SQLModel.metadata.tables["experiment"]
    query = select(*(table.c[column] for column in COLUMNS)).where(table.c.id == plan_id)
    row = conn.execute(query).first()
    if row is None:
        raise PlanError(f"no experiment {plan_id} in the workspace")
    found = dict(row._mapping)
    if found["source"] != ExperimentSource.LOCAL.value:
        raise PlanError(f"{found['name']} comes from GrowthBook: change it there")
    return found


def _write(
    store: Store,
    conn: Connection,
    plan_id: str,
    row: dict[str, Any],
    decision: dict[str, Any],
    today: date | None,
) -> Saved:
    now = datetime.now(UTC)
    table = SQLModel.metadata.tables["experiment"]
    if decision["action"] == "experiment.create":
        conn.execute(insert(table).values(**row, id=plan_id, results={}, updated=now))
    else:
        conn.execute(update(table).where(table.c.id == plan_id).values(**row, updated=now))
    conn.execute(insert(SQLModel.metadata.tables["decision"]).values(created_at=now, **decision))
    found = _save_conflicts(store, conn, today or _today())
    return Saved(plan_id, [c for c in found if plan_id in (c.first, c.second)])


def save_plan(
    store: Store,
    values: Mapping[str, Any],
    actor: str,
    plan_id: str | None = None,
    today: date | None = None,
) -> Saved:
    """Create (no id) or edit a local plan from the form's values; PlanError changes nothing."""
    row = clean_plan(values)
    with store.write() as conn:
        if plan_id is None:
            plan_id = f"local:{uuid.uuid4().hex[:12]}"
            row["source"] = ExperimentSource.LOCAL.value
            detail = {"to": {key: _plain(value) for key, value in row.items()}}
            action = "experiment.create"
        else:
            detail = _changes(_current(conn, plan_id), row)
            action = "experiment.edit"
        decision = {"actor": actor, "target": plan_id, "action": action, "detail": detail}
        return _write(store, conn, plan_id, row, decision, today)


def move_plan(
    store: Store, plan_id: str, start: date, actor: str, today: date | None = None
) -> Saved:
    """Shift a local plan to start on `start`, its duration kept."""
    with store.write() as conn:
        current = _current(conn, plan_id)
        plan = plan_from_row(current)
        if plan.start is None or plan.end is None:
            raise PlanError(f"{current['name']} has no dates to move")
        moved = plan.moved_to(start)
        row = {"start": moved.start, "end": moved.end}
        decision = {
            "actor": actor,
            "target": plan_id,
            "action": "experiment.move",
            "detail": _changes(current, row),
        }
        return _write(store, conn, plan_id, row, decision, today)


def read_sessions(store: Store) -> list[tuple[str, date, date]]:
    """(name, first day, day after) of every triage session, for the timeline overlay."""
    table = SQLModel.metadata.tables["triage_session"]
    query = select(table.c.name, table.c.started_at, table.c.ended_at, table.c.timebox_minutes)
    with store.read() as conn:
        rows = conn.execute(query.where(table.c.started_at.is_not(None))).all()
    spans = []
    for name, started, ended, minutes in rows:
        last = ended or started + timedelta(minutes=minutes or 0)
        spans.append((str(name or "triage"), started.date(), last.date() + timedelta(days=1)))
    return spans
