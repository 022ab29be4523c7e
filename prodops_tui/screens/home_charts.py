"""Home's chart boxes and what they say: the period's trends and short lists, as safe text
lines. Imported after Home's first frame (it pulls in the stats and trends services)."""

from collections.abc import Sequence

from textual.content import Content
from textual.dom import DOMNode

from prodops_tui.services.stats import WeekScore, bar
from prodops_tui.services.trends import Trends
from prodops_tui.store.reads import Row
from prodops_tui.widgets.charts import Chart, SparkRow, spark_lines
from prodops_tui.widgets.safe_text import safe_text

CHARTS = (
    ("renewals", "Next renewals"),
    ("running", "Running experiments (started)"),
    ("trends", "Trends, 8 weeks"),
    ("themes", "Feedback themes, 8 weeks"),
    ("top", "Top requests, 8 weeks: evidence, orgs, ARR"),
    ("adoption", "Adoption, shipped in 8 weeks"),
)
"""Home's chart boxes (id, title) in reading order."""
WEEKS = 8
"""Home's charts cover the last eight weeks."""
EMPTY = {
    "trends": "No scores, usage or triage yet",
    "themes": "No tagged feedback yet",
    "top": "No feedback linked to issues",
    "adoption": "Nothing shipped with usage",
}
"""What an empty chart says (its title names the period)."""


def compact(value: float) -> str:
    """1234 -> 1.2k, 45000 -> 45k, 2500000 -> 2.5M."""
    for size, unit in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            shown = f"{value / size:.1f}".removesuffix(".0")
            return f"{shown if abs(value) < 10 * size else round(value / size)}{unit}"
    return f"{value:.0f}"


def _series(label: str, points: Sequence[WeekScore], caption: str) -> SparkRow:
    return label, [point.value for point in points], caption


def trend_rows(t: Trends) -> list[SparkRow]:
    """NPS, CSAT, DAU/MAU and triage decisions per week, each with its latest value."""
    rows: list[SparkRow] = []
    if t.nps:
        last = t.nps[-1]
        rows.append(_series("NPS", t.nps, f"{last.value:+.0f} (n={last.count:,})"))
    if t.csat:
        last = t.csat[-1]
        rows.append(_series("CSAT", t.csat, f"{last.value:.0f}% (n={last.count:,})"))
    if t.stickiness:
        rows.append(_series("DAU/MAU", t.stickiness, f"{t.stickiness[-1].value:.0f}%"))
    decided = sum(t.decisions.totals)
    if decided:
        weekly = [float(n) for n in t.decisions.totals]
        rows.append(("Decisions/wk", weekly, f"{decided:,} in {len(weekly)}w"))
    return rows


def theme_rows(t: Trends) -> list[SparkRow]:
    return [(s.tag, [float(n) for n in s.weekly], f"{s.total:,}") for s in t.themes]


def top_lines(t: Trends) -> list[Content]:
    """Key, evidence, orgs and ARR, then the summary last (a narrow box cuts only that)."""
    return [
        Content.assemble(
            (f"{issue.key:<10}", "bold"),
            (
                f"{issue.evidence:>4} ev {issue.orgs:>3} org {compact(issue.arr):>5}  ",
                "$text-muted",
            ),
            safe_text(issue.summary),
        )
        for issue in t.top
    ]


def adoption_lines(t: Trends) -> list[Content]:
    """Key, share of active users with a small bar, then the event name."""
    lines = []
    for item in t.adoption:
        share = "  n/a" if item.share is None else f"{item.share:4.0f}%"
        meter = bar(item.share or 0.0, 100.0, 5).ljust(5)
        lines.append(
            Content.assemble(
                (f"{item.key:<10}", "bold"),
                (share + " ", "$text-muted"),
                (meter + " ", "$text-accent"),
                safe_text(item.event),
            )
        )
    return lines


def short_list(rows: Sequence[Row], extra_width: int) -> list[Content]:
    """(seq, name, date, fact) rows: date, a short fixed-width fact, then the name last."""
    lines = []
    for _, name, when, extra in rows:
        fact = Content("")
        if isinstance(extra, float):
            fact = Content(f"{extra:,.0f}/mo").right(extra_width) + "  "
        elif extra_width:
            fact = safe_text(str(extra or "")).truncate(extra_width, ellipsis=True, pad=True) + "  "
        lines.append(
            Content.assemble(
                (f"{str(when or '')[:10]:<11}", "$text-muted"),
                fact.stylize("$text-muted"),
                safe_text(name),
            )
        )
    return lines


__all__ = [
    "EMPTY",
    "WEEKS",
    "adoption_lines",
    "compact",
    "short_list",
    "spark_lines",
    "theme_rows",
    "top_lines",
    "trend_rows",
]


def boxes() -> list[Chart]:
    """Home's empty chart boxes in reading order."""
    return [Chart(title, id=key) for key, title in CHARTS]


def show_lists(home: DOMNode, renewals: Sequence[Row], running: Sequence[Row]) -> None:
    """The next renewals and the running experiments, in their boxes on `home`."""
    due = [(r[0], r[1], r[2], r[3]) for r in renewals]
    home.query_one("#renewals", Chart).show_lines(short_list(due, 9), "No renewals ahead")
    started = [(r[0], r[1], r[2], None) for r in running]
    home.query_one("#running", Chart).show_lines(short_list(started, 0), "No experiment is running")


def show_trends(home: DOMNode, t: Trends) -> None:
    """The period's trends, themes, top requests and adoption, in their boxes on `home`."""
    home.query_one("#trends", Chart).show_sparks(trend_rows(t), EMPTY["trends"])
    home.query_one("#themes", Chart).show_sparks(theme_rows(t), EMPTY["themes"])
    home.query_one("#top", Chart).show_lines(top_lines(t), EMPTY["top"])
    home.query_one("#adoption", Chart).show_lines(adoption_lines(t), EMPTY["adoption"])
