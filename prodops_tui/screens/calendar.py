"""Calendar: experiments by start date, with their design, audience and variations."""

from typing import Any

from textual.content import Content

from prodops_tui.screens.list_screen import ListScreen, ListSpec
from prodops_tui.store.reads import ListQuery, Row
from prodops_tui.widgets.columns import DAY_WIDTH, ColumnSpec, day, percent
from prodops_tui.widgets.safe_text import safe_text, safe_value
from prodops_tui.widgets.workspace import Workspace

COLUMNS = (
    ColumnSpec("name", "Name", 26, flex=True),
    ColumnSpec("design", "Design", 10, drop=3),
    ColumnSpec("status", "Status", 9),
    ColumnSpec("surface", "Surface", 12, drop=2),
    ColumnSpec("flag_key", "Flag", 18, drop=7),
    ColumnSpec("primary_metric", "Metric", 16, drop=6),
    ColumnSpec("owner", "Owner", 12, drop=5),
    ColumnSpec("start", "Start", DAY_WIDTH, formatter=day),
    ColumnSpec("end", "End", DAY_WIDTH, formatter=day, drop=1),
    ColumnSpec("traffic_pct", "Traffic", 7, align="right", formatter=percent, drop=4),
)
DETAIL = ListQuery(
    "experiment",
    (
        "name",
        "design",
        "status",
        "owner",
        "surface",
        "flag_key",
        "primary_metric",
        "start",
        "end",
        "traffic_pct",
        "namespace_start",
        "namespace_end",
        "bucket_hours",
        "hypothesis",
        "audience",
        "variations",
        "regions",
        "treated_geos",
        "donor_geos",
    ),
)


def listing(value: Any) -> Content:
    """A JSON list (of names or of variation objects) as one comma-separated line."""
    if isinstance(value, list):
        names = [
            str(item.get("name") or item.get("key") or item)
            if isinstance(item, dict)
            else str(item)
            for item in value
        ]
        return safe_text(", ".join(names))
    return safe_value(value)


def _fact(label: str, value: Content) -> Content:
    return Content.assemble((f"{label:<10}", "$text-muted"), value)


def render_experiment(row: Row) -> Content:
    """What the experiment tests, on whom, where and with which arms."""
    _, name, design, status, owner, surface, flag, metric, start, end, traffic = row[:11]
    ns_start, ns_end, bucket, hypothesis, audience, variations = row[11:17]
    regions, treated, donors = row[17:20]
    facts = [
        ("Design", safe_value(design)),
        ("Status", safe_value(status)),
        ("Owner", safe_value(owner)),
        ("Surface", safe_value(surface)),
        ("Flag", safe_value(flag)),
        ("Metric", safe_value(metric)),
        ("Window", safe_text(f"{start or '?'} → {end or 'open'}")),
        ("Traffic", safe_text(f"{traffic:g}% of namespace {ns_start:g}–{ns_end:g}")),
        ("Audience", safe_value(audience)),
        ("Arms", listing(variations)),
        ("Buckets", safe_text(f"{bucket} h") if bucket else Content("")),
        ("Regions", listing(regions)),
        ("Treated", listing(treated)),
        ("Donors", listing(donors)),
    ]
    lines = [safe_text(name).stylize("bold")]
    lines += [_fact(label, value) for label, value in facts if value.plain]
    lines += [Content(""), Content("Hypothesis").stylize("$text-muted"), safe_value(hypothesis)]
    return Content("\n").join(lines)


class CalendarScreen(ListScreen):
    """Every experiment, latest start first, with the audience and arms of the selected one."""

    CSS_PATH = "calendar.tcss"

    def __init__(self, workspace: Workspace) -> None:
        query = ListQuery("experiment", tuple(c.key for c in COLUMNS))
        hint = "Filter: every word in name, surface, owner, flag, metric or hypothesis"
        spec = ListSpec(query, COLUMNS, DETAIL, render_experiment, "experiments", filter_hint=hint)
        super().__init__(workspace, spec)
