"""What the calendar screen reads in its worker: experiments, conflicts and overlays."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from prodops_tui.services.conflicts import Conflict, Plan, find_conflicts, plan_from_row
from prodops_tui.services.experiments import (
    PlanError,
    read_experiments,
    read_renewals,
    read_sessions,
)
from prodops_tui.services.power import daily_traffic, exposure_event, usage_events
from prodops_tui.store.reads import Reader
from prodops_tui.store.store import Store, StoreError

StoreGetter = Callable[[], Store]
FAILURES = (PlanError, StoreError, SQLAlchemyError)
"""What a calendar read or write can raise: each says what went wrong in one line."""


@dataclass(frozen=True)
class CalendarData:
    rows: list[dict[str, Any]]
    plans: dict[str, Plan]
    conflicts: list[Conflict]
    renewals: list[tuple[str, date]]
    sessions: list[tuple[str, date, date]]
    """Triage sessions (name, first day, day after); empty without a write store."""


def load(reader: Reader, store: StoreGetter | None, today: date) -> CalendarData:
    """Every experiment with its plan and the conflicts, tool renewals and triage sessions."""
    rows = read_experiments(reader)
    plans = {str(row["id"]): plan_from_row(row, today) for row in rows}
    sessions = read_sessions(store()) if store is not None else []
    renewals = read_renewals(reader)
    return CalendarData(rows, plans, find_conflicts(plans.values()), renewals, sessions)


def traffic_reader(store: StoreGetter, plan: Plan, today: date) -> Callable[[], tuple[str, float]]:
    """A function (for a worker) giving the plan's exposure event and its mean daily users."""

    def read() -> tuple[str, float]:
        opened = store()
        event = exposure_event(plan.surface, plan.flag_key, usage_events(opened))
        return event, daily_traffic(opened, event, today)

    return read
