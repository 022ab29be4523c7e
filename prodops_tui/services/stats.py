"""Product-ops figures over a period: themes, NPS and CSAT, evidence, triage, stickiness, adoption.

Thin over store.stats_sql (the database groups, this module fills the weeks and does the
arithmetic). Everything takes a `Reader`, so Home, the inbox and the digest share one path.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from prodops_tui.models.enums import FeedbackKind
from prodops_tui.store import stats_sql
from prodops_tui.store.reads import Reader
from prodops_tui.store.stats_sql import ACTIVE_MONTH, Period

__all__ = [
    "NON_THEME_TAGS",
    "Adoption",
    "DecisionWeeks",
    "Period",
    "ThemeSeries",
    "TopIssue",
    "WeekScore",
    "adoption",
    "bar",
    "csat_by_week",
    "decisions_by_week",
    "feedback_by_theme",
    "last_weeks",
    "nps_by_week",
    "since_days",
    "sparkline",
    "stickiness_by_week",
    "top_issues",
    "weeks_of",
]

NON_THEME_TAGS = frozenset(
    {*(kind.value for kind in FeedbackKind), "positive", "neutral", "negative"}
    | {"promoter", "passive", "detractor"}
)
"""Tags that say what kind of feedback an item is or how it rated, not what it is about."""

PROMOTER, DETRACTOR = 9, 6
"""NPS: 9-10 promote, 0-6 detract."""
SATISFIED, UNSATISFIED = 4, 2
"""CSAT on 1-5: 4-5 count as satisfied."""


@dataclass(frozen=True)
class WeekScore:
    """One point of a weekly series: the week's Monday, how many values it rests on, the value."""

    week: str
    count: int
    value: float


@dataclass(frozen=True)
class ThemeSeries:
    tag: str
    total: int
    weekly: list[int]
    """One count per week of the period, oldest first."""


@dataclass(frozen=True)
class TopIssue:
    id: str
    key: str
    summary: str
    status: str
    status_category: str
    triage_state: str
    evidence: int
    orgs: int
    arr: float
    """The summed ARR of the distinct orgs behind the evidence."""


@dataclass(frozen=True)
class DecisionWeeks:
    weeks: list[str]
    totals: list[int]
    by_action: dict[str, int]
    """Decisions of the whole period per action, most first."""


@dataclass(frozen=True)
class Adoption:
    key: str
    summary: str
    event: str
    released: str
    """The day the issue was last updated while done: our proxy for its release."""
    share: float | None
    """Event user-days as a percentage of active user-days since release; None without usage."""


def since_days(now: datetime, days: int) -> Period:
    """The `days` days up to `now`."""
    return now - timedelta(days=days), now


def last_weeks(today: date, weeks: int) -> Period:
    """Whole weeks: from the Monday `weeks - 1` weeks back to the end of today (UTC)."""
    monday = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    start = datetime.combine(monday, time(), UTC)
    return start, datetime.combine(today + timedelta(days=1), time(), UTC)


def weeks_of(period: Period) -> list[str]:
    """The Mondays of every week the period touches, oldest first."""
    start, end = period
    first = start.astimezone(UTC).date()
    last = (end.astimezone(UTC) - timedelta(microseconds=1)).date()
    monday = first - timedelta(days=first.weekday())
    weeks: list[str] = []
    while monday <= last:
        weeks.append(monday.isoformat())
        monday += timedelta(days=7)
    return weeks


def feedback_by_theme(
    reader: Reader, period: Period, top: int = 5, exclude: frozenset[str] = NON_THEME_TAGS
) -> list[ThemeSeries]:
    """The `top` themes (tags) of feedback created in the period, with their weekly counts."""
    weeks = weeks_of(period)
    index = {week: i for i, week in enumerate(weeks)}
    series: dict[str, list[int]] = {}
    for week, tag, count in stats_sql.feedback_tags_by_week(reader, period):
        if tag in exclude or week not in index:
            continue
        series.setdefault(tag, [0] * len(weeks))[index[week]] += count
    ranked = sorted(series.items(), key=lambda item: (-sum(item[1]), item[0]))
    return [ThemeSeries(tag, sum(weekly), weekly) for tag, weekly in ranked[:top]]


def nps_by_week(reader: Reader, period: Period) -> list[WeekScore]:
    """NPS (promoters minus detractors, % of responses) per week with responses."""
    rows = stats_sql.scores_by_week(reader, FeedbackKind.NPS, period, PROMOTER, DETRACTOR)
    return [WeekScore(week, n, 100.0 * (good - bad) / n) for week, n, good, bad, _ in rows if n]


def csat_by_week(reader: Reader, period: Period) -> list[WeekScore]:
    """CSAT (% of ratings 4 or 5) per week with ratings."""
    rows = stats_sql.scores_by_week(reader, FeedbackKind.CSAT, period, SATISFIED, UNSATISFIED)
    return [WeekScore(week, n, 100.0 * good / n) for week, n, good, _, _ in rows if n]


def top_issues(reader: Reader, limit: int = 5, period: Period | None = None) -> list[TopIssue]:
    """Issues with the most evidence (from feedback created in the period, else any), with the
    orgs behind it and their ARR."""
    found = []
    for row in stats_sql.top_issues(reader, limit, period):
        id_, key, summary, status, category, state = (str(value or "") for value in row[:6])
        found.append(TopIssue(id_, key, summary, status, category, state, row[6], row[7], row[8]))
    return found


def decisions_by_week(reader: Reader, period: Period) -> DecisionWeeks:
    """Decisions recorded per week (zeros included) and per action over the period."""
    weeks = weeks_of(period)
    index = {week: i for i, week in enumerate(weeks)}
    totals = [0] * len(weeks)
    actions: dict[str, int] = {}
    for week, action, count in stats_sql.decisions_by_week(reader, period):
        if week in index:
            totals[index[week]] += count
        actions[action] = actions.get(action, 0) + count
    ranked = dict(sorted(actions.items(), key=lambda item: (-item[1], item[0])))
    return DecisionWeeks(weeks, totals, ranked)


def stickiness_by_week(reader: Reader, period: Period) -> list[WeekScore]:
    """DAU/MAU per week (%): the week's mean daily actives over the monthly actives of the
    month its Monday falls in; `count` is the mean DAU. Weeks without MAU are left out."""
    start, end = (moment.astimezone(UTC).date() for moment in period)
    first_monday = start - timedelta(days=start.weekday())
    daily: dict[str, list[int]] = {}
    monthly: dict[str, int] = {}
    for event, day, users in stats_sql.active_users(reader, first_monday.replace(day=1), end):
        if event == ACTIVE_MONTH:
            monthly[day[:7]] = users
        elif day >= start.isoformat():
            when = date.fromisoformat(day)
            daily.setdefault((when - timedelta(days=when.weekday())).isoformat(), []).append(users)
    points = []
    for week, counts in sorted(daily.items()):
        dau = sum(counts) / len(counts)
        mau = monthly.get(week[:7], 0)
        if mau:
            points.append(WeekScore(week, round(dau), 100.0 * dau / mau))
    return points


def adoption(reader: Reader, period: Period, limit: int = 10) -> list[Adoption]:
    """What shipped in the period (done issues naming a usage event) and how much it is used."""
    return [
        Adoption(key, summary, event, day, 100.0 * used / active if active else None)
        for key, summary, event, day, used, active in stats_sql.shipped_usage(reader, period, limit)
    ]


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """One character per value, scaled between the series' minimum and maximum."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = high - low
    if span == 0:
        return SPARKS[len(SPARKS) // 2 if high else 0] * len(values)
    return "".join(SPARKS[round((v - low) / span * (len(SPARKS) - 1))] for v in values)


def bar(value: float, maximum: float, width: int) -> str:
    """A horizontal bar of at most `width` cells, in eighths; at least one for any positive."""
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / maximum * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + ("▏▎▍▌▋▊▉"[rest - 1] if rest else "")
