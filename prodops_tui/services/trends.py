"""The trend charts of a period in one read (Home's charts, the digest's) and the experiments in
conflict; source health is services/sources.py."""

from dataclasses import dataclass
from datetime import date

from prodops_tui.models.enums import ExperimentStatus
from prodops_tui.services import stats
from prodops_tui.services.conflicts import conflicting_ids
from prodops_tui.services.stats import (
    Adoption,
    DecisionWeeks,
    Period,
    ThemeSeries,
    TopIssue,
    WeekScore,
)
from prodops_tui.store.reads import ListQuery, Reader

__all__ = ["Trends", "experiments_in_conflict", "read_trends"]


@dataclass(frozen=True)
class Trends:
    """Every chart of one period."""

    period: Period
    weeks: list[str]
    themes: list[ThemeSeries]
    nps: list[WeekScore]
    csat: list[WeekScore]
    stickiness: list[WeekScore]
    decisions: DecisionWeeks
    top: list[TopIssue]
    adoption: list[Adoption]

    @property
    def empty(self) -> bool:
        """Nothing at all happened in the period."""
        series = (self.themes, self.nps, self.csat, self.stickiness, self.adoption)
        return not any(series) and not sum(self.decisions.totals)


def read_trends(reader: Reader, period: Period, top: int = 5) -> Trends:
    """All charts of the period; top issues count the evidence from feedback of the period."""
    return Trends(
        period=period,
        weeks=stats.weeks_of(period),
        themes=stats.feedback_by_theme(reader, period, top),
        nps=stats.nps_by_week(reader, period),
        csat=stats.csat_by_week(reader, period),
        stickiness=stats.stickiness_by_week(reader, period),
        decisions=stats.decisions_by_week(reader, period),
        top=stats.top_issues(reader, top, period),
        adoption=stats.adoption(reader, period, top),
    )


PLAN_COLUMNS = (
    *("id", "name", "design", "status", "surface", "flag_key", "primary_metric", "start"),
    *("end", "namespace_start", "namespace_end", "traffic_pct", "regions"),
    *("treated_geos", "donor_geos"),
)
PLANNED = ListQuery("experiment", PLAN_COLUMNS, order=(("start", False),))


def experiments_in_conflict(reader: Reader, today: date | None = None) -> set[str]:
    """Ids of the experiments not stopped that conflict with another one not stopped; with
    `today`, tests GrowthBook sent without an end are read as the calendar reads them."""
    rows = reader.rows(PLANNED, reader.snapshot(PLANNED))
    live = [
        dict(zip(PLAN_COLUMNS, row[1:], strict=True))
        for row in rows
        if row[4] != ExperimentStatus.STOPPED.value
    ]
    return conflicting_ids(live, today)
