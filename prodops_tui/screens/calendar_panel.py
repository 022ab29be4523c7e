"""The calendar's side panel: details, conflicts and results of the selected experiment."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from textual.content import Content

from prodops_tui.services.conflicts import Conflict
from prodops_tui.services.plan_fields import variations_text
from prodops_tui.widgets.safe_text import safe_text, safe_value

SRM_ALPHA = 0.001
"""A sample-ratio p-value below this means the split is broken (GrowthBook's threshold)."""

Row = Mapping[str, Any]


def _fact(label: str, value: Content) -> Content:
    return Content.assemble((f"{label:<9}", "$text-muted"), value)


def _names(value: Any) -> Content:
    return safe_text(", ".join(value) if isinstance(value, list) else str(value or ""))


def _design_facts(row: Row) -> list[tuple[str, Content]]:
    design = row.get("design")
    if design == "switchback":
        hours = row.get("bucket_hours")
        return [("Regions", _names(row.get("regions"))), ("Buckets", safe_text(f"{hours} h"))]
    if design == "geo":
        return [
            ("Treated", _names(row.get("treated_geos"))),
            ("Donors", _names(row.get("donor_geos"))),
        ]
    low, high = row.get("namespace_start") or 0.0, row.get("namespace_end")
    traffic = row.get("traffic_pct")
    space = f"{traffic or 0:g}% of {low:g}-{1.0 if high is None else high:g}"
    return [
        ("Arms", safe_text(variations_text(row.get("variations")))),
        ("Traffic", safe_text(space)),
        ("Audience", safe_value(row.get("audience"))),
    ]


def details(row: Row | None, conflicts: Sequence[Conflict], assumed: date | None = None) -> Content:
    """What the experiment is, where it runs and whether it is in conflict; `assumed` is the end
    the calendar assumes for a test GrowthBook sent without one."""
    if row is None:
        return Content("No experiment selected.\nn adds a plan.")
    start, end = row.get("start") or "?", row.get("end") or "open"
    if not row.get("end") and assumed is not None:
        end = f"open (~{assumed})"
    source = "local plan" if row.get("source") == "local" else "GrowthBook"
    facts = [
        ("Status", safe_text(f"{row.get('status')} · {source}")),
        ("Design", safe_value(row.get("design"))),
        ("Window", safe_text(f"{start} → {end}")),
        ("Owner", safe_value(row.get("owner"))),
        ("Surface", safe_value(row.get("surface"))),
        ("Flag", safe_value(row.get("flag_key"))),
        ("Metric", safe_value(row.get("primary_metric"))),
        *_design_facts(row),
    ]
    lines = [safe_value(row.get("name")).stylize("bold")]
    lines += [_fact(label, value) for label, value in facts if value.plain]
    if conflicts:
        note = f"! {len(conflicts)} conflict(s): c shows why"
        lines += [Content(""), Content(note).stylize("$error bold")]
    if row.get("hypothesis"):
        lines += [Content(""), safe_value(row.get("hypothesis")).stylize("$text-muted")]
    return Content("\n").join(lines)


def conflict_lines(
    row: Row | None,
    conflicts: Sequence[Conflict],
    names: Mapping[str, str],
    slot: tuple[date, date] | None,
) -> Content:
    """Each conflict's other experiment and reason, then the proposed next free slot."""
    if row is None:
        return Content("No experiment selected.")
    if not conflicts:
        return Content.assemble(safe_value(row.get("name")).stylize("bold"), "\nNo conflicts.")
    lines = [safe_value(row.get("name")).stylize("bold"), Content(f"{len(conflicts)} conflict(s)")]
    for conflict in conflicts:
        other = names.get(conflict.other(str(row["id"])), conflict.other(str(row["id"])))
        lines += [Content(""), Content.assemble("! ", safe_text(other)).stylize("$error")]
        lines.append(safe_text(conflict.reason))
    lines.append(Content(""))
    if row.get("source") != "local":
        lines.append(Content("Synced from GrowthBook: move the plan it collides with."))
    elif slot is None:
        lines.append(Content("No free slot: an open-ended test blocks it."))
    else:
        lines.append(Content(f"Next free slot: {slot[0]} → {slot[1]}").stylize("$success"))
        lines.append(Content("s moves the plan there"))
    return Content("\n").join(lines)


def _number(value: Any, pattern: str) -> str:
    return pattern.format(value) if isinstance(value, int | float) else "?"


def _significance(found: Mapping[str, Any]) -> str:
    if "p_value" in found:
        return "p " + _number(found["p_value"], "{:.4f}")
    if "chance_to_win" in found:
        return "win " + _number(found["chance_to_win"], "{:.0%}")
    return ""


def _effect(found: Mapping[str, Any]) -> str:
    lift = _number(found.get("lift"), "{:+.1%}")
    low, high = _number(found.get("ci_low"), "{:+.1%}"), _number(found.get("ci_high"), "{:+.1%}")
    return f"{lift} [{low}, {high}] {_significance(found)}".rstrip()


def _srm(results: Mapping[str, Any]) -> Content:
    srm = results.get("srm_p")
    if not isinstance(srm, int | float):
        return Content("SRM     not reported")
    if srm < SRM_ALPHA:
        return Content(f"SRM     FAILED (p {srm:.4f}): split is off").stylize("$error bold")
    return Content(f"SRM     ok (p {srm:.3f})")


def results_lines(row: Row | None) -> Content:
    """GrowthBook's lift, interval, p-value or chance to win, per variation, and the SRM check."""
    if row is None:
        return Content("No experiment selected.")
    results = row.get("results")
    title = safe_value(row.get("name")).stylize("bold")
    if not isinstance(results, dict) or "lift" not in results:
        note = "No results yet: GrowthBook reports them once the test has run."
        return Content.assemble(title, "\n", note)
    lines = [title, _fact("Metric", safe_value(results.get("metric") or row.get("primary_metric")))]
    lines.append(_fact("Users", safe_text(_number(results.get("users"), "{:,}"))))
    lines.append(_fact("Lift", safe_text(_effect(results))))
    lines.append(_srm(results))
    for variation in results.get("variations") or []:
        if isinstance(variation, dict) and "lift" in variation:
            name = safe_value(variation.get("name") or variation.get("id"))
            lines.append(Content.assemble("  ", name, ": ", safe_text(_effect(variation))))
    return Content("\n").join(lines)
