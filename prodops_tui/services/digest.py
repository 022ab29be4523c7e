"""The product-ops digest: the period's facts for leadership, gathered from the workspace.

`gather` reads (aggregates on the read path, connector health from the store); `render` in
services.digest_render turns a Digest into Markdown or a self-contained HTML page.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from prodops_tui.services import stats, trends
from prodops_tui.services.sources import Source, sources
from prodops_tui.services.stats import Adoption, Period, TopIssue, WeekScore
from prodops_tui.services.tools import Renewal, renewals_within
from prodops_tui.services.trends import Trends
from prodops_tui.store import digest_sql
from prodops_tui.store.reads import Reader

__all__ = ["Digest", "Movement", "gather", "parse_since"]

CHART_WEEKS = 8
"""The charts show at least the last eight weeks, so a short period still has a trend."""
TOP = 10
RENEWAL_DAYS = 30
_SINCE = re.compile(r"^\s*(\d{1,4})\s*([hdw])\s*$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str) -> timedelta:
    """`7d`, `2w`, `48h` -> a duration; ValueError with a one-line reason otherwise."""
    match = _SINCE.match(text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"--since {text!r}: use a number and a unit, e.g. 7d, 2w or 48h")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


@dataclass(frozen=True)
class Movement:
    """A figure over the period against the period before it."""

    now: float | None
    before: float | None
    count: int
    """Responses (or days) behind `now`."""

    @property
    def change(self) -> float | None:
        return None if self.now is None or self.before is None else self.now - self.before


@dataclass(frozen=True)
class Request:
    """A top customer request and what was done about it in the period."""

    issue: TopIssue
    actions: list[str]


@dataclass(frozen=True)
class ExperimentFact:
    name: str
    status: str
    design: str
    start: str
    end: str
    result: str
    """One line from the experiment's results ("" when it has none)."""


@dataclass(frozen=True)
class ToolChange:
    name: str
    action: str
    cost_before: float | None
    cost_after: float | None
    when: str


@dataclass
class Digest:
    workspace: str
    generated: datetime
    period: Period
    since: str
    throughput: dict[str, int]
    decisions_by_action: dict[str, int]
    requests: list[Request]
    nps: Movement
    csat: Movement
    stickiness: Movement
    adoption: list[Adoption]
    started: list[ExperimentFact]
    finished: list[ExperimentFact]
    conflicts: list[str]
    renewals: list[Renewal]
    tool_changes: list[ToolChange]
    sources: list[Source]
    charts: Trends
    notes: list[str] = field(default_factory=list)

    @property
    def quiet(self) -> bool:
        """Nothing happened in the period."""
        t = self.throughput
        moved = t["issues_created"] + t["issues_done"] + t["feedback"] + t["decisions"]
        return not moved and not self.started and not self.finished and not self.tool_changes


def _weighted(points: list[WeekScore]) -> Movement:
    """The period's figure from its weekly points, weighted by what each rests on."""
    total = sum(p.count for p in points)
    value = sum(p.value * p.count for p in points) / total if total else None
    return Movement(value, None, total)


def _movement(reader: Reader, period: Period, kind: str) -> Movement:
    """NPS, CSAT or stickiness over the period and over the period just before it."""
    start, end = period
    before = (start - (end - start), start)
    read = {
        "nps": stats.nps_by_week,
        "csat": stats.csat_by_week,
        "stickiness": stats.stickiness_by_week,
    }[kind]
    now, old = _weighted(read(reader, period)), _weighted(read(reader, before))
    return Movement(now.now, old.now, now.count)


def _requests(reader: Reader, period: Period) -> list[Request]:
    top = stats.top_issues(reader, TOP, period)
    done: dict[str, list[str]] = {}
    for target, action, actor, _ in digest_sql.decisions_on(reader, [i.id for i in top], period):
        done.setdefault(str(target), []).append(f"{action} by {actor}")
    return [Request(issue, done.get(issue.id, [])) for issue in top]


def _day(value: Any) -> str:
    return "" if value is None else str(value)[:10]


def result_line(results: Any) -> str:
    """The lift with its interval and the evidence the tool reported, in one line."""
    data = json.loads(results) if isinstance(results, str | bytes) else results or {}
    if not isinstance(data, dict) or "lift" not in data:
        return ""
    line = f"lift {float(data['lift']):+.1%}"
    if "ci_low" in data and "ci_high" in data:
        line += f" [{float(data['ci_low']):+.1%}, {float(data['ci_high']):+.1%}]"
    if "chance_to_win" in data:
        line += f", chance to win {float(data['chance_to_win']):.0%}"
    elif "p_value" in data:
        line += f", p={float(data['p_value']):.3f}"
    if "users" in data:
        line += f", {int(data['users']):,} users"
    return line


def _experiments(reader: Reader, first: date, last: date) -> tuple[list[ExperimentFact], ...]:
    started: list[ExperimentFact] = []
    finished: list[ExperimentFact] = []
    for _, name, status, design, start, end, results in digest_sql.experiments_between(
        reader, first, last
    ):
        fact = ExperimentFact(
            str(name), str(status), str(design), _day(start), _day(end), result_line(results)
        )
        if fact.start and first.isoformat() <= fact.start <= last.isoformat():
            started.append(fact)
        if fact.end and first.isoformat() <= fact.end <= last.isoformat():
            finished.append(fact)
    return started, finished


def _cost(side: Any) -> float | None:
    if isinstance(side, dict) and side.get("monthly_cost") is not None:
        return float(side["monthly_cost"])
    return None


def _tool_changes(reader: Reader, period: Period) -> list[ToolChange]:
    found = []
    for target, name, action, detail, when in digest_sql.tool_decisions(reader, period):
        data = json.loads(detail) if isinstance(detail, str | bytes) else detail or {}
        before, after = _cost(data.get("from")), _cost(data.get("to"))
        if action == "tool.edit" and before == after:
            continue  # an edit that did not touch the cost
        label = name or (data.get("from") or data.get("to") or {}).get("name") or target
        found.append(ToolChange(str(label), str(action), before, after, _day(when)))
    return found


def gather(reader: Reader, *, now: datetime, since: str, workspace: str) -> Digest:
    """Every fact of the digest for the period `since` (e.g. "7d") up to `now`."""
    period = (now - parse_since(since), now)
    chart_start = min(period[0], stats.last_weeks(now.date(), CHART_WEEKS)[0])
    first, last = period[0].date(), now.date()
    started, finished = _experiments(reader, first, last)
    conflicts = sorted(trends.experiments_in_conflict(reader, now.date()))
    return Digest(
        workspace=workspace,
        generated=now,
        period=period,
        since=since,
        throughput=digest_sql.throughput(reader, period),
        decisions_by_action=stats.decisions_by_week(reader, period).by_action,
        requests=_requests(reader, period),
        nps=_movement(reader, period, "nps"),
        csat=_movement(reader, period, "csat"),
        stickiness=_movement(reader, period, "stickiness"),
        adoption=stats.adoption(reader, period, TOP),
        started=started,
        finished=finished,
        conflicts=[str(row[1]) for row in digest_sql.experiment_names(reader, conflicts)],
        renewals=renewals_within(reader, RENEWAL_DAYS, now.date()),
        tool_changes=_tool_changes(reader, period),
        sources=sources(reader, now),
        charts=trends.read_trends(reader, (chart_start, now), TOP),
    )
